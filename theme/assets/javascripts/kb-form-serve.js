/*
 * The editors' form in kb serve: what only the preview can do, loaded only where the preview
 * served the form page with its token (generator/form/save.py, generator/form/imports.py).
 *
 * - 保存到内容目录: the entry is written into the content folder (a correction after a
 *   second click, once its changes are shown), and the preview opens on it once built.
 * - A document dropped on the form, or chosen with 从文档导入, is imported as kb import
 *   imports it; the draft opens in the form, every field the import left as 【待填写】 is
 *   marked, and the import's report stands beside the form.
 *
 * Both requests go to the preview itself with the page's token; nothing else is sent.
 * Plain ES2017 (Chromium 69).
 */
(function () {
  "use strict";

  var SAVE_ADDRESS = "/.kb-form/save";
  var IMPORT_ADDRESS = "/.kb-form/import";
  var PAGE_WAIT = 60000;

  function post(address, request) {
    return fetch(address, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(request),
      credentials: "same-origin",
      cache: "no-store"
    }).then(function (response) {
      return response.json();
    });
  }

  /**
   * ``form`` is what kb-form.js lends: token, state, finished() (checks; resolves to the file
   * text or null), outputStatus, status, saveDraft(), prefix(), siteRoot, kinds,
   * openImported(answer), element(tag, className, text), button(label, className, action).
   */
  function Server(form) {
    this.form = form;
    this.confirming = null;
    this.importing = false;
  }

  /* ------------------------------------------------------------------ saving */

  Server.prototype.save = function () {
    var self = this;
    var form = this.form;
    var state = form.state;
    form.finished().then(function (text) {
      if (text === null) return;
      var snapshot = JSON.stringify(state.data);
      if (state.editing && self.confirming !== snapshot) {
        self.confirming = snapshot;
        form.outputStatus.textContent = "请核对上面列出的改动，确认无误后再点一次“保存到内容目录”：" +
          form.prefix() + state.editing.file + " 将被替换。";
        return;
      }
      self.confirming = null;
      form.outputStatus.textContent = "正在保存……";
      post(SAVE_ADDRESS, {
        token: form.token,
        kind: state.kind,
        data: state.data,
        replacing: state.editing ? state.editing.file : null,
        base: state.editing ? state.editing.base : null
      }).then(function (answer) {
        if (!answer || !answer.ok) {
          form.outputStatus.textContent = (answer && answer.message) || "没有保存。";
          return;
        }
        if (state.editing) state.editing.base = JSON.parse(snapshot);
        form.saveDraft();
        form.outputStatus.textContent = "已保存为 " + answer.file + "。预览更新后会打开这个条目……（草稿仍保留，不需要时请清除）";
        self.openWhenShown(new URL(answer.page, form.siteRoot).href, Date.now() + PAGE_WAIT);
      }).catch(function () {
        form.outputStatus.textContent = "没能连上预览服务器，没有保存。请确认 kb serve 仍在运行，再试一次。";
      });
    });
  };

  Server.prototype.openWhenShown = function (address, deadline) {
    var self = this;
    function again() {
      if (Date.now() < deadline) setTimeout(function () { self.openWhenShown(address, deadline); }, 300);
      else self.form.outputStatus.textContent += "预览还没有这个条目的页面，可能内容有错误，请看预览页顶部的提示。";
    }
    fetch(address, { method: "HEAD", cache: "no-store" }).then(function (response) {
      if (response.ok) location.href = address;
      else again();
    }, again);
  };

  /* --------------------------------------------------------------- importing */

  /** The section that offers it, and the whole form as the place to drop a document on. */
  Server.prototype.offerImport = function (section, dropArea) {
    var self = this;
    var form = this.form;
    section.textContent = "";
    section.appendChild(form.element("h2", "kb-import__title", "从文档导入"));
    section.appendChild(form.element("p", "kb-import__hint",
      "把 Word（.docx）、网页（.html）、纯文本（.txt）或 PDF 文档拖到表单上，或点下面的按钮选择文档：" +
      "按 kb import 的规则整理成上面所选类型的草稿，没有找到的内容标为“【待填写】”，旁边列出导入报告。"));
    var picker = form.element("input", "kb-visually-hidden");
    picker.type = "file";
    picker.accept = ".docx,.html,.htm,.txt,.pdf,.md";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    picker.addEventListener("change", function () {
      if (picker.files && picker.files[0]) self.importDocument(picker.files[0]);
      picker.value = "";
    });
    var actions = form.element("p", "kb-import__actions");
    actions.appendChild(form.button("选择文档导入", "kb-import__choose", function () { picker.click(); }));
    actions.appendChild(picker);
    section.appendChild(actions);
    dropArea.addEventListener("dragover", function (event) {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "copy";
      dropArea.classList.add("kb-form--drop");
    });
    dropArea.addEventListener("dragleave", function (event) {
      if (!dropArea.contains(event.relatedTarget)) dropArea.classList.remove("kb-form--drop");
    });
    dropArea.addEventListener("drop", function (event) {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      dropArea.classList.remove("kb-form--drop");
      var file = event.dataTransfer.files[0];
      if (file) self.importDocument(file);
    });
  };

  function carriesFiles(event) {
    var types = event.dataTransfer ? event.dataTransfer.types : [];
    return Array.prototype.indexOf.call(types, "Files") >= 0;
  }

  Server.prototype.importDocument = function (file) {
    var self = this;
    var form = this.form;
    var kind = form.kinds[form.state.kind];
    if (!kind.importable) {
      form.status.textContent = kind.label + "不能从文档导入：请先在上面选择要导入成的条目类型，再拖入文档。";
      return;
    }
    if (this.importing) {
      form.status.textContent = "正在导入另一个文档，请等它完成后再试。";
      return;
    }
    if (form.hasContent() && !window.confirm("导入的草稿将替换表单上正在填写的内容。确定导入吗？（需要保留的话，请先“导出草稿”。）")) {
      return;
    }
    this.importing = true;
    form.status.textContent = "正在导入“" + file.name + "”……";
    readBase64(file).then(function (content) {
      return post(IMPORT_ADDRESS, { token: form.token, kind: kind.kind, name: file.name, content: content });
    }).then(function (answer) {
      self.importing = false;
      if (!answer || !answer.ok) {
        form.status.textContent = (answer && answer.message) || "没有导入。";
        return;
      }
      form.openImported(answer);
    }).catch(function () {
      self.importing = false;
      form.status.textContent = "没能把“" + file.name + "”交给预览服务器导入。请确认 kb serve 仍在运行，再试一次。";
    });
  };

  function readBase64(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        var text = String(reader.result);
        resolve(text.slice(text.indexOf(",") + 1)); // after "data:...;base64,"
      };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsDataURL(file);
    });
  }

  window.kbFormServe = { Server: Server };
})();
