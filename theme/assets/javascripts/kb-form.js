/*
 * The editors' form (投稿与修改): a new entry, or a correction of one, with no tools.
 *
 * - New entries: choose the kind, fill in the fields (kb-form-fields.js), see every
 *   problem kb check would report, inline and in a summary at the top that links to each
 *   field (kb-form-check.js), then take the file out: download it, copy it, or open the
 *   Git host's new-file page with it (mkdocs.yml's repo_url and edit_uri; kb-form-files.js).
 * - Corrections: an entry page's 修改此条目 opens this page at #edit=<folder>/<id>.yml;
 *   the entry's values come from its own page, loaded in a hidden frame that hands them
 *   over (kb-form-source.js), as the reading list takes printable text. Before the file
 *   goes out, the changes are listed field by field.
 * - Nothing is lost: the form is saved in this browser as it changes (kb-store.js, one
 *   draft per site and per entry) until the editor clears it; a draft can be exported to
 *   a file and loaded on another computer.
 *
 * Nothing leaves the browser except through the editor's click on 下载文件, 复制内容 or
 * 提交到代码仓库. Text is only ever put into the page with textContent or as a value.
 * Plain ES2017 (Chromium 69).
 */
(function () {
  "use strict";

  var page = document.querySelector("[data-kb-form]");
  if (!page || !window.kbStore || !window.kbFormText || !window.kbFormFields || !window.kbFormFiles) return;
  var app = page.querySelector("[data-kb-form-app]");
  // The form's styles, in the head where every page's are (only this page needs them).
  var style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = page.getAttribute("data-style");
  document.head.appendChild(style);
  var description = JSON.parse(page.querySelector("[data-kb-form-description]").textContent);
  var repository = JSON.parse(page.querySelector("[data-kb-form-repository]").textContent);
  var DRAFT_FORMAT = 1;
  var SOURCE_TIMEOUT = 20000;
  var LONGEST_ADDRESS = 8000;

  var emitter = new window.kbFormText.Emitter(description);
  var files = window.kbFormFiles;
  var paste = new window.kbFormText.Paste(description);
  var controlId = window.kbFormFields.controlId;
  var kinds = {};
  description.kinds.forEach(function (kind) { kinds[kind.kind] = kind; });

  function resolved(attribute) {
    var url = new URL(page.getAttribute(attribute) || "./", location.href);
    url.hash = "";
    url.search = "";
    return url.href;
  }

  var siteRoot = resolved("data-root").replace(/index\.html$/, "");
  /** Runs the script at ``address`` unless what it defines (``loaded``) is there already. */
  function loadScript(address, loaded) {
    return new Promise(function (resolve, reject) {
      if (loaded) return resolve();
      var script = document.createElement("script");
      script.src = address;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error(address)); };
      document.head.appendChild(script);
    });
  }

  var checking = null;

  /** The checker (kb-form-check.js), loaded with the first check or look-up of an entry:
   * the form is drawn and takes typing without it. */
  function withChecker() {
    if (!checking) {
      checking = loadScript(resolved("data-checker"), window.kbFormCheck).then(function () {
        return new window.kbFormCheck.Checker(description, resolved("data-data"), resolved("data-validator"));
      }, function (failure) {
        checking = null; // a later check tries again
        throw failure;
      });
    }
    return checking;
  }
  var entrySuffix = page.getAttribute("data-entry-suffix") || "/";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function button(label, className, action) {
    var node = element("button", "md-button " + (className || ""), label);
    node.type = "button";
    node.addEventListener("click", action);
    return node;
  }

  /* ----------------------------------------------------------------- state */

  var FIRST_KIND = description.kinds[0].kind;
  var state = {
    kind: FIRST_KIND,
    data: null,
    editing: null, // {file, kind, id, title, base}
    checked: false,
    touched: {},
    problems: [],
    report: null // {name, text}: the report of the document this draft was imported from
  };

  /* ---------------------------------------------------------------- layout */

  var status = element("p", "kb-form__status");
  status.setAttribute("role", "status");
  status.setAttribute("aria-live", "polite");
  var mode = element("div", "kb-form__mode");
  var summary = element("div", "kb-error-summary");
  summary.hidden = true;
  summary.tabIndex = -1;
  var fieldsBox = element("div", "kb-form__fields");
  var diffBox = element("section", "kb-diff");
  diffBox.hidden = true;
  var output = element("section", "kb-output");
  var drafts = element("section", "kb-drafts");
  var importBox = element("section", "kb-import");
  importBox.hidden = true;
  var reportBox = element("section", "kb-import-report");
  reportBox.hidden = true;
  // The report comes first on a phone; where there is room it stands beside the form (kb-form.css).
  [status, reportBox, mode, importBox, summary, fieldsBox, diffBox, output, drafts].forEach(function (part) {
    app.appendChild(part);
  });

  var fields = new window.kbFormFields.Fields({
    description: description,
    paste: paste,
    normalizeDate: window.kbFormText.normalizeDate,
    searchEntries: searchEntries,
    lookupEntry: lookupEntry,
    onChange: function () {
      scheduleSave();
      updatePreview();
      if (state.checked) scheduleCheck();
    },
    onLeave: function (path) {
      state.touched[path.join(".")] = true;
      scheduleCheck();
    },
    onStructure: function (path, how) {
      scheduleSave();
      updatePreview();
      rebuild(path, how);
      if (state.checked) scheduleCheck();
    }
  });

  /* ------------------------------------------------------- finding entries */

  function entryOfUrl(url) {
    var parts = url.replace(/\.html$/, "").replace(/\/$/, "").split("/");
    var id = parts.pop();
    var folder = parts.pop();
    var kind = Object.keys(kinds).filter(function (k) { return kinds[k].folder === folder; })[0];
    return kind ? { id: id, kind: kind, label: kinds[kind].label } : null;
  }

  /** Entries whose text matches ``query``, titles first (the site's own search). */
  function searchEntries(query, allowed) {
    var search = window.kbSearch;
    if (!search || !search.search) return Promise.resolve([]);
    return search.search(query).then(function (numbers) {
      return search.entries(numbers.slice(0, 40));
    }).then(function (rows) {
      return rows.filter(Boolean).map(function (row) {
        var entry = entryOfUrl(row.url);
        if (entry) entry.title = row.title;
        return entry;
      }).filter(function (entry) {
        if (!entry || !kinds[entry.kind].entry) return false;
        return !allowed.length || allowed.indexOf(entry.kind) >= 0;
      }).slice(0, 8);
    }).catch(function () { return []; });
  }

  function lookupEntry(id) {
    return withChecker().then(function (checker) {
      return checker.entry(id);
    }).then(function (entry) {
      if (entry) entry.label = kinds[entry.kind].label;
      return entry;
    }, function () { return null; });
  }

  /* ---------------------------------------------------------------- drafts */

  /** The draft's name in the site's store (kb-store.js): one per site and per entry. */
  function draftKey(editing) {
    return "form-draft:" + (editing ? "edit:" + editing.file : "new");
  }

  function readDraft(key) {
    return window.kbStore.read(key, accepted).value;
  }

  /** A stored or loaded draft, or null when it is not one this form can use. */
  function accepted(draft) {
    if (!draft || typeof draft !== "object" || draft.app !== "kb-form-draft") return null;
    if (draft.format !== DRAFT_FORMAT || !Object.prototype.hasOwnProperty.call(kinds, draft.kind)) return null;
    var editing = null;
    if (draft.editing && typeof draft.editing === "object" && typeof draft.editing.file === "string") {
      var found = /^([a-z]+)\/([a-z0-9-]+)\.yml$/.exec(draft.editing.file);
      if (!found || found[1] !== kinds[draft.kind].folder) return null;
      editing = {
        file: draft.editing.file, kind: draft.kind, id: found[2],
        title: typeof draft.editing.title === "string" ? draft.editing.title : found[2],
        base: cleanData(draft.kind, draft.editing.base)
      };
    }
    var report = draft.report && typeof draft.report === "object" &&
      typeof draft.report.name === "string" && typeof draft.report.text === "string"
      ? { name: draft.report.name, text: draft.report.text } : null;
    return {
      kind: draft.kind, data: cleanData(draft.kind, draft.data), editing: editing, report: report,
      saved: String(draft.saved || "")
    };
  }

  /** Only the model's fields, each of the shape the form holds: a draft file may be anything. */
  function cleanData(kind, data) {
    function clean(specs, value) {
      var result = {};
      if (!value || typeof value !== "object" || Array.isArray(value)) return result;
      specs.forEach(function (spec) {
        if (!Object.prototype.hasOwnProperty.call(value, spec.name)) return;
        var item = value[spec.name];
        if (spec.shape === "model") result[spec.name] = clean(spec.fields, item);
        else if (spec.shape === "list") {
          if (!Array.isArray(item)) return;
          result[spec.name] = item.map(function (x) {
            return spec.item === "model" ? clean(spec.fields, x) : typeof x === "string" ? x : "";
          });
        } else if (typeof item === "string") result[spec.name] = item;
      });
      return result;
    }
    var data2 = clean(kinds[kind].fields, data);
    data2.kind = kind;
    return data2;
  }

  var saveTimer = null;
  var savedNote = element("p", "kb-drafts__saved");
  savedNote.setAttribute("aria-live", "polite");

  function scheduleSave() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(saveDraft, 400);
  }

  function draftRecord() {
    return {
      app: "kb-form-draft",
      format: DRAFT_FORMAT,
      kind: state.kind,
      data: state.data,
      editing: state.editing && {
        file: state.editing.file, title: state.editing.title, base: state.editing.base
      },
      report: state.report,
      saved: new Date().toISOString()
    };
  }

  function saveDraft() {
    clearTimeout(saveTimer);
    if (!state.data) return;
    if (window.kbStore.write(draftKey(state.editing), draftRecord())) {
      savedNote.textContent = "草稿已自动保存在这个浏览器里（" + new Date().toLocaleTimeString("zh-CN") + "）。";
    } else {
      savedNote.textContent = "这个浏览器不允许保存草稿（例如处于无痕模式）：关闭网页前请先“导出草稿”。";
    }
  }

  window.addEventListener("pagehide", saveDraft);
  window.addEventListener("beforeunload", saveDraft);

  /* ---------------------------------------------------------------- modes */

  function start(kind, data, editing, note, report) {
    state.kind = kind;
    state.data = data;
    state.editing = editing;
    state.report = report || null;
    state.checked = false;
    state.touched = {};
    state.problems = [];
    summary.hidden = true;
    showMode();
    rebuild();
    showOutput();
    showDrafts();
    showReport();
    status.textContent = note || "";
    // A blank new entry is checked once the editor has typed (the validator loads then);
    // anything restored or read from an entry is checked at once.
    if (note) scheduleCheck();
  }

  function showMode() {
    mode.textContent = "";
    if (state.editing) {
      var heading = element("h2", "kb-form__heading", "修改：" + state.editing.title);
      mode.appendChild(heading);
      mode.appendChild(element("p", "kb-form__where", kinds[state.kind].label + " · 文件 " + prefix() + state.editing.file));
      var fresh = element("a", "kb-form__switch", "改为新建一个条目");
      fresh.href = "#new";
      mode.appendChild(fresh);
      return;
    }
    var box = element("fieldset", "kb-kinds");
    box.appendChild(element("legend", "kb-kinds__legend", "条目类型"));
    description.kinds.forEach(function (kind) {
      var label = element("label", "kb-kinds__choice");
      var radio = element("input");
      radio.type = "radio";
      radio.name = "kb-form-kind";
      radio.value = kind.kind;
      radio.checked = kind.kind === state.kind;
      radio.addEventListener("change", function () {
        if (!radio.checked) return;
        start(kind.kind, fields.blankEntry(kind.kind, state.data), null, "已改为新建" + kind.label + "，相同的字段保留了已填的内容。", state.report);
        scheduleSave();
        // The choices were built anew: the keyboard stays on the one just chosen.
        var chosen = mode.querySelector("input[value=\"" + kind.kind + "\"]");
        if (chosen) chosen.focus();
      });
      label.appendChild(radio);
      label.appendChild(document.createTextNode(kind.label));
      box.appendChild(label);
    });
    mode.appendChild(box);
  }

  function prefix() {
    return page.getAttribute("data-content") || "";
  }

  function rebuild(focusPath, how) {
    fields.build(fieldsBox, state.kind, state.data, { readOnly: state.editing ? { id: true } : {} });
    showProblems();
    if (focusPath) focusAfter(focusPath, how);
  }

  function focusAfter(path, how) {
    var place = fieldsBox.querySelector("[data-kb-place=\"" + path.join(".") + "\"]");
    var target = null;
    if (how === "add" || !place) target = document.getElementById(controlId(path));
    else if (how === "first") target = place.querySelector("input, textarea, select");
    else {
      var buttons = place.querySelectorAll(".kb-list__controls button");
      for (var i = 0; i < buttons.length; i++) {
        if (buttons[i].disabled) continue;
        if (!target || buttons[i].getAttribute("data-kb-action") === how) target = buttons[i];
      }
    }
    if (target) target.focus();
  }

  /* --------------------------------------------------------------- checking */

  var checkTimer = null;
  var checkRound = 0;

  function scheduleCheck() {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(function () { runCheck(); }, 250);
  }

  /** Check the entry as kb check would; the problems are shown as they come. */
  function runCheck() {
    clearTimeout(checkTimer);
    var round = ++checkRound;
    var editingId = state.editing ? state.editing.id : null;
    return withChecker().then(function (checker) {
      return checker.check(state.kind, state.data, editingId);
    }).catch(function () {
      return [{
        path: "", parts: [], rule: "unavailable", severity: "error",
        message: "没能载入表单检查所需的文件，无法检查。",
        hint: "请刷新页面再试；从磁盘打开网站时，请确认网站文件夹是完整的。草稿已保存，不会丢失。"
      }];
    }).then(function (found) {
      if (round !== checkRound) return state.problems;
      state.problems = found;
      showProblems();
      return found;
    });
  }

  function visible(problem) {
    if (state.checked) return true;
    var place = problem.parts.join(".");
    return Object.keys(state.touched).some(function (touched) {
      return place === touched || place.indexOf(touched + ".") === 0;
    });
  }

  function showProblems() {
    var slots = fieldsBox.querySelectorAll("[data-kb-error]");
    var byPlace = {};
    state.problems.forEach(function (problem) {
      if (!visible(problem)) return;
      var place = problem.parts.join(".");
      if (!byPlace[place]) byPlace[place] = problem;
    });
    Array.prototype.forEach.call(slots, function (slot) {
      var problem = byPlace[slot.getAttribute("data-kb-error")];
      var control = document.getElementById(slot.id.replace(/-error$/, ""));
      slot.textContent = "";
      slot.hidden = !problem;
      slot.className = "kb-field__error" + (problem && problem.severity === "warning" ? " kb-field__error--warning" : "");
      if (control && control.tagName !== "BUTTON") control.removeAttribute("aria-invalid");
      if (!problem) return;
      slot.appendChild(element("span", "kb-visually-hidden", problem.severity === "warning" ? "提示：" : "错误："));
      slot.appendChild(document.createTextNode(problem.message + problem.hint));
      if (control && control.tagName !== "BUTTON" && problem.severity !== "warning") control.setAttribute("aria-invalid", "true");
    });
    if (state.checked) showSummary();
  }

  function showSummary() {
    var errors = state.problems.filter(function (p) { return p.severity !== "warning"; });
    var warnings = state.problems.filter(function (p) { return p.severity === "warning"; });
    summary.textContent = "";
    summary.hidden = !state.problems.length;
    if (!state.problems.length) return;
    summary.className = "kb-error-summary" + (errors.length ? "" : " kb-error-summary--warnings");
    var heading = element("h2", "kb-error-summary__title",
      errors.length ? "有 " + errors.length + " 处需要修改" : "有 " + warnings.length + " 处请留意");
    heading.id = "kb-error-summary-title";
    summary.setAttribute("aria-labelledby", heading.id);
    summary.appendChild(heading);
    if (errors.length && warnings.length) summary.appendChild(element("p", "", "另有 " + warnings.length + " 处提示，不影响提交。"));
    var list = element("ul", "kb-error-summary__list");
    inPageOrder(errors).concat(inPageOrder(warnings)).forEach(function (problem) {
      var item = element("li", problem.severity === "warning" ? "kb-error-summary__warning" : "");
      var text = problem.message + problem.hint;
      var target = problem.parts.length ? document.getElementById(controlId(problem.parts)) : null;
      if (target) {
        var link = element("a", "", text);
        link.href = "#" + target.id;
        link.addEventListener("click", function (event) {
          event.preventDefault();
          target.focus();
          var box = target.closest(".kb-field, .kb-list") || target;
          box.scrollIntoView({ block: "center" });
        });
        item.appendChild(link);
      } else {
        item.textContent = text;
      }
      list.appendChild(item);
    });
    summary.appendChild(list);
  }

  /** Problems in the order of their fields on the page, those of the whole entry first. */
  function inPageOrder(problems) {
    return problems.map(function (problem, at) {
      var target = problem.parts.length ? document.getElementById(controlId(problem.parts)) : null;
      return { problem: problem, target: target, at: at };
    }).sort(function (a, b) {
      if (!a.target || !b.target) return a.target ? 1 : b.target ? -1 : a.at - b.at;
      if (a.target === b.target) return a.at - b.at;
      return a.target.compareDocumentPosition(b.target) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1;
    }).map(function (item) { return item.problem; });
  }

  /** Check everything and show it all; resolves to the file text when nothing is wrong. */
  function finished() {
    state.checked = true;
    return runCheck().then(function (found) {
      showSummary();
      var errors = found.filter(function (p) { return p.severity !== "warning"; });
      if (errors.length) {
        summary.focus();
        summary.scrollIntoView({ block: "start" });
        return null;
      }
      showDifferences();
      return emitter.entryYaml(state.kind, state.data);
    });
  }

  /* ---------------------------------------------------------------- output */

  var outputStatus = element("p", "kb-output__status");
  outputStatus.setAttribute("role", "status");
  outputStatus.setAttribute("aria-live", "polite");
  var preview = element("pre", "kb-output__preview");
  var fileName = element("code", "kb-output__file");

  function currentFile() {
    var id = typeof state.data.id === "string" && state.data.id ? state.data.id : "编号";
    return emitter.entryFile(state.kind, id);
  }

  function showOutput() {
    output.textContent = "";
    output.appendChild(element("h2", "kb-output__title", "生成条目文件"));
    var where = element("p", "kb-output__where", "文件：");
    where.appendChild(fileName);
    output.appendChild(where);
    output.appendChild(element("p", "kb-output__hint",
      "先检查，全部通过后才会生成文件。下载的文件放进项目的 " + prefix() + kinds[state.kind].folder + "/ 文件夹即可" +
      (state.editing ? "（替换原来的文件）。" : "。")));
    var actions = element("div", "kb-output__actions");
    actions.appendChild(button("检查", "kb-output__check", checkOnly));
    actions.appendChild(button("下载文件", "md-button--primary kb-output__download", download));
    actions.appendChild(button("复制内容", "kb-output__copy", copy));
    if (repository) actions.appendChild(button("提交到代码仓库", "kb-output__repository", submit));
    if (saveToken) actions.appendChild(button("保存到内容目录", "kb-output__save", save));
    output.appendChild(actions);
    output.appendChild(outputStatus);
    var details = element("details", "kb-output__details");
    details.appendChild(element("summary", "", "查看文件内容"));
    details.appendChild(preview);
    details.addEventListener("toggle", updatePreview);
    output.appendChild(details);
    updatePreview();
  }

  function updatePreview() {
    fileName.textContent = prefix() + currentFile();
    preview.textContent = emitter.entryYaml(state.kind, state.data);
  }

  function checkOnly() {
    finished().then(function (text) {
      if (text === null) {
        outputStatus.textContent = "还有问题需要修改，见页面上方的列表。";
        return;
      }
      var warnings = state.problems.length;
      outputStatus.textContent = "检查通过" + (warnings ? "，另有 " + warnings + " 处提示，见页面上方" : "") + "。";
    });
  }

  function download() {
    finished().then(function (text) {
      if (text === null) return;
      files.saveFile(state.data.id + ".yml", text, "application/x-yaml;charset=utf-8");
      outputStatus.textContent = "已下载 " + state.data.id + ".yml。请把它放进 " + prefix() + kinds[state.kind].folder + "/ 文件夹，或交给负责提交的同志。";
    });
  }

  function copy() {
    finished().then(function (text) {
      if (text === null) return;
      files.copyText(text).then(function (done) {
        outputStatus.textContent = done
          ? "文件内容已复制，可以粘贴到代码仓库的网页编辑器或文本编辑器里，文件名是 " + currentFile() + "。"
          : "浏览器不允许直接复制：请在下面的“查看文件内容”中全选后按 Ctrl+C 复制。";
      });
    });
  }

  /** The Git host's page for the file: a new file's with its name and text, or the edit page. */
  function submit() {
    // Opened now, while the click counts: a page opened after the check would be blocked.
    var opened = window.open("", "_blank");
    if (opened) opened.opener = null;
    finished().then(function (text) {
      if (text === null) {
        if (opened) opened.close();
        return;
      }
      var host = files.hostPage(repository, currentFile(), text, !!state.editing, LONGEST_ADDRESS);
      var address = host.address;
      var copied = host.copied;
      var copying = copied ? files.copyText(text) : Promise.resolve(false);
      copying.then(function (done) {
        if (opened) opened.location.href = address;
        var said = state.editing
          ? "已打开代码仓库中这个文件的编辑页面。"
          : "已打开代码仓库的新建文件页面，文件名" + (copied ? "已填好。" : "和内容都已填好。");
        if (copied) {
          said += done ? "文件内容已复制：请在编辑框中全选，再粘贴（Ctrl+V）替换。" : "请在下面的“查看文件内容”中全选复制，再粘贴到编辑框。";
        }
        said += "然后按页面提示提交，并创建合并请求（Pull Request）。";
        outputStatus.textContent = said;
        if (!opened) {
          outputStatus.textContent += "浏览器拦截了新窗口：";
          var link = element("a", "", "点这里打开代码仓库");
          link.href = address;
          link.target = "_blank";
          link.rel = "noopener";
          outputStatus.appendChild(link);
        }
      });
    });
  }

  /* ------------------------------------------------------------- kb serve */

  // Set by kb serve on this page only (generator/form/save.py): the preview may save, and
  // import documents (kb-form-serve.js, loaded then).
  var saveToken = page.getAttribute("data-kb-save");
  var serving = null;

  function withServer() {
    if (!serving) {
      serving = loadScript(resolved("data-serve"), window.kbFormServe).then(function () {
        return new window.kbFormServe.Server({
          token: saveToken,
          state: state,
          kinds: kinds,
          finished: finished,
          outputStatus: outputStatus,
          status: status,
          saveDraft: saveDraft,
          prefix: prefix,
          siteRoot: siteRoot,
          hasContent: hasContent,
          openImported: openImported,
          element: element,
          button: button
        });
      }, function (failure) {
        serving = null;
        throw failure;
      });
    }
    return serving;
  }

  function save() {
    withServer().then(function (server) { server.save(); }, function () {
      outputStatus.textContent = "没能载入保存所需的文件，没有保存。请刷新页面再试，草稿不会丢。";
    });
  }

  /** Whether the editor has written anything into the form (beyond its kind). */
  function hasContent() {
    var blank = JSON.stringify(cleanData(state.kind, fields.blankEntry(state.kind)));
    return JSON.stringify(cleanData(state.kind, state.data)) !== blank;
  }

  /** A document's draft from kb serve's import: opened as a new entry, checked at once so that
   * every field still holding the placeholder is marked, with the import's report beside. */
  function openImported(answer) {
    var data = cleanData(answer.kind, answer.data);
    var unfilled = answer.unfilled.length;
    setHash("new");
    start(answer.kind, data, null, "已导入“" + answer.name + "”" +
      (unfilled ? "：有 " + unfilled + " 处还是“" + description.placeholder + "”，已在下面标出，请对照导入报告逐一改写或填写。" : "，请对照导入报告核对。"),
      { name: answer.name, text: answer.report });
    state.checked = true; // every problem shown at once, the placeholders among them
    saveDraft();
    runCheck();
  }

  /* ----------------------------------------------------------- differences */

  function showDifferences() {
    diffBox.hidden = !state.editing;
    if (state.editing) {
      files.showChanges(diffBox, files.differences(kinds[state.kind].fields, state.editing.base, state.data));
    }
  }

  /* ------------------------------------------------------- import report */

  /** The report of the document the draft was imported from, beside the form until closed. */
  function showReport() {
    reportBox.textContent = "";
    reportBox.hidden = !state.report;
    app.classList.toggle("kb-form--report", !!state.report);
    if (!state.report) return;
    var heading = element("h2", "kb-import-report__title", "导入报告");
    heading.id = "kb-import-report-title";
    reportBox.setAttribute("aria-labelledby", heading.id);
    reportBox.appendChild(heading);
    reportBox.appendChild(element("p", "kb-import-report__source", "文档：" + state.report.name));
    var text = element("pre", "kb-import-report__text", state.report.text);
    text.tabIndex = 0; // it scrolls: the keyboard must reach it
    text.setAttribute("aria-label", "导入报告全文");
    reportBox.appendChild(text);
    reportBox.appendChild(button("关闭导入报告", "kb-import-report__close", function () {
      state.report = null;
      showReport();
      scheduleSave();
      status.textContent = "已关闭导入报告。";
    }));
  }

  /* ------------------------------------------------------------ draft box */

  function showDrafts() {
    drafts.textContent = "";
    drafts.appendChild(element("h2", "kb-drafts__title", "草稿"));
    drafts.appendChild(savedNote);
    var actions = element("div", "kb-drafts__actions");
    actions.appendChild(button("导出草稿", "kb-drafts__export", exportDraft));
    var picker = element("input", "kb-visually-hidden");
    picker.type = "file";
    picker.accept = ".json,application/json";
    picker.tabIndex = -1;
    picker.setAttribute("aria-hidden", "true");
    picker.addEventListener("change", function () {
      if (picker.files && picker.files[0]) importDraft(picker.files[0]);
      picker.value = "";
    });
    actions.appendChild(button("导入草稿", "kb-drafts__import", function () { picker.click(); }));
    actions.appendChild(button("清除草稿，重新开始", "kb-drafts__clear", clearDraft));
    actions.appendChild(picker);
    drafts.appendChild(actions);
    drafts.appendChild(element("p", "kb-drafts__hint",
      "导出的草稿是一个 .json 文件，可以在另一台电脑上用“导入草稿”接着填写。"));
  }

  function exportDraft() {
    var record = draftRecord();
    var name = (state.data.id || "新条目") + ".草稿.json";
    files.saveFile(name, JSON.stringify(record, null, 1), "application/json;charset=utf-8");
    status.textContent = "草稿已导出为 " + name + "。";
  }

  function importDraft(file) {
    var reader = new FileReader();
    reader.onload = function () {
      var draft = null;
      try {
        draft = accepted(JSON.parse(String(reader.result)));
      } catch (error) {
        draft = null;
      }
      if (!draft) {
        status.textContent = "“" + file.name + "”不是这个表单导出的草稿，没有导入。";
        return;
      }
      setHash(draft.editing ? "edit=" + draft.editing.file : "new");
      start(draft.kind, draft.data, draft.editing, "已导入草稿“" + file.name + "”。", draft.report);
      saveDraft();
    };
    reader.readAsText(file, "utf-8");
  }

  function clearDraft() {
    if (!window.confirm("确定清除草稿吗？表单上填写的内容将全部清空。")) return;
    window.kbStore.remove(draftKey(state.editing));
    savedNote.textContent = "";
    if (state.editing) {
      var editing = state.editing;
      start(editing.kind, JSON.parse(JSON.stringify(editing.base)), editing, "已清除草稿，恢复为网站上的内容。");
    } else {
      start(state.kind, fields.blankEntry(state.kind), null, "已清除草稿。");
    }
  }

  /* ----------------------------------------------------- opening an entry */

  function setHash(hash) {
    try {
      history.replaceState(null, "", "#" + hash);
    } catch (error) {
      location.hash = hash;
    }
  }

  /** The entry's values, from its own page in a hidden frame (kb-form-source.js answers). */
  function entryValues(file) {
    var found = /^([a-z]+)\/([a-z0-9-]+)\.yml$/.exec(file);
    var kind = found && Object.keys(kinds).filter(function (k) { return kinds[k].folder === found[1]; })[0];
    if (!kind) return Promise.reject(new Error("不是条目文件：" + file));
    var address = new URL(found[1] + "/" + found[2] + entrySuffix, siteRoot).href + "#kb-form-source";
    return new Promise(function (resolve, reject) {
      var frame = element("iframe", "kb-form__source");
      frame.hidden = true;
      frame.title = "条目内容";
      var timer = setTimeout(function () { finish(new Error("timeout")); }, SOURCE_TIMEOUT);
      function listen(event) {
        if (event.source !== frame.contentWindow) return;
        var origin = location.protocol === "file:" ? "null" : location.origin;
        if (event.origin !== origin && !(location.protocol === "file:" && event.origin === "file://")) return;
        var message = event.data;
        if (!message || message.type !== "kb-form-source" || !message.data || message.data.kind !== kind) return;
        finish(null, { kind: kind, id: found[2], file: file, data: message.data });
      }
      function finish(error, value) {
        clearTimeout(timer);
        window.removeEventListener("message", listen);
        if (frame.parentNode) frame.parentNode.removeChild(frame);
        if (error) reject(error);
        else resolve(value);
      }
      window.addEventListener("message", listen);
      frame.src = address;
      document.body.appendChild(frame);
    });
  }

  function route() {
    var found = /^#edit=(.+)$/.exec(location.hash);
    if (found) {
      var file = decodeURIComponent(found[1]);
      var editing = { file: file };
      var draft = readDraft(draftKey(editing));
      if (draft && draft.editing) {
        start(draft.kind, draft.data, draft.editing, "已恢复上次未完成的修改" + savedAt(draft) + "。要放弃这些修改，请点击页面下方的“清除草稿，重新开始”。", draft.report);
        return;
      }
      status.textContent = "正在读取条目……";
      entryValues(file).then(function (entry) {
        var values = cleanData(entry.kind, entry.data);
        var current = { file: file, kind: entry.kind, id: entry.id, title: values.title || entry.id, base: values };
        start(entry.kind, JSON.parse(JSON.stringify(values)), current, "已读入条目“" + current.title + "”，改好后生成文件。");
      }, function () {
        start(FIRST_KIND, fields.blankEntry(FIRST_KIND), null, "没能读取条目 " + file + "：网站上可能没有这个条目。下面是一个空白的表单。");
      });
      return;
    }
    var stored = readDraft(draftKey(null));
    if (stored && !stored.editing) {
      start(stored.kind, stored.data, null, "已恢复上次未完成的填写" + savedAt(stored) + "。要重新开始，请点击页面下方的“清除草稿，重新开始”。", stored.report);
      return;
    }
    start(FIRST_KIND, fields.blankEntry(FIRST_KIND), null, "");
  }

  function savedAt(draft) {
    var when = new Date(draft.saved);
    return isNaN(when.getTime()) ? "" : "（保存于 " + when.toLocaleString("zh-CN") + "）";
  }

  window.addEventListener("hashchange", function () {
    saveDraft();
    route();
  });

  /** For checks and integrations: the form's state and its file text. */
  window.kbForm = {
    state: state,
    emitter: emitter,
    checker: withChecker,
    fileText: function () { return emitter.entryYaml(state.kind, state.data); },
    check: runCheck
  };

  route();
  if (saveToken) {
    withServer().then(function (server) {
      server.offerImport(importBox, app);
      importBox.hidden = false;
    }, function () { /* saving says so when asked; importing is not offered */ });
  }
})();
