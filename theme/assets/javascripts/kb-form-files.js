/*
 * The editors' form, taking the file out: saving it as a download, copying it, the Git
 * host's page for it, and the list of changes a correction makes before it goes out.
 *
 * Text is only ever put into the page with textContent. Plain ES2017 (Chromium 69).
 */
(function () {
  "use strict";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** A download of ``text`` named ``name``: a plain link, which every browser saves. */
  function saveFile(name, text, type) {
    var link = element("a");
    link.href = URL.createObjectURL(new Blob([text], { type: type }));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 10000);
  }

  /** Copies ``text``; resolves to whether it worked (older browsers: a selected textarea). */
  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).then(function () { return true; }, function () {
        return copyBySelection(text);
      });
    }
    return Promise.resolve(copyBySelection(text));
  }

  function copyBySelection(text) {
    var area = element("textarea", "kb-visually-hidden");
    area.value = text;
    area.setAttribute("readonly", "");
    document.body.appendChild(area);
    area.select();
    var done = false;
    try {
      done = document.execCommand("copy");
    } catch (error) {
      done = false;
    }
    document.body.removeChild(area);
    return done;
  }

  /**
   * The host's page for ``file`` (cases/x.yml): its edit page for a correction, else its
   * new-file page in the file's folder with the name and, where the host takes it and the
   * address stays under ``longest`` characters, the text. ``copied``: the editor must paste
   * the text, which is then copied for them.
   */
  function hostPage(repository, file, text, editing, longest) {
    if (editing) return { address: repository.edit + file, copied: true };
    var parts = file.split("/");
    var base = repository.new + parts[0] + "?" + repository.name_parameter + "=" + encodeURIComponent(parts[1]);
    var full = base + "&" + repository.text_parameter + "=" + encodeURIComponent(text);
    var fits = full.length <= longest;
    return { address: fits ? full : base, copied: !repository.takes_text || !fits };
  }

  /* ----------------------------------------------------------- differences */

  function shown(value) {
    if (value === undefined || value === null) return "";
    if (Array.isArray(value)) return value.join("、");
    return String(value);
  }

  /** Field by field: what changed between ``before`` and ``after``, with their labels. */
  function differences(specs, before, after, labels) {
    var found = [];
    specs.forEach(function (spec) {
      if (spec.shape === "const" && !spec.choices) return; // a file's kind: never changed
      var was = before ? before[spec.name] : undefined;
      var now = after ? after[spec.name] : undefined;
      var label = (labels || []).concat([spec.label]);
      if (spec.shape === "model") {
        found = found.concat(differences(spec.fields, was || {}, now || {}, label));
      } else if (spec.shape === "list" && spec.item === "model") {
        var count = Math.max((was || []).length, (now || []).length);
        for (var i = 0; i < count; i++) {
          var item = label.slice(0, -1).concat([spec.label + "第 " + (i + 1) + " 项"]);
          var a = (was || [])[i];
          var b = (now || [])[i];
          if (a === undefined || b === undefined) {
            found.push({ label: item.join(" · "), before: a ? "（有这一项）" : "", after: b ? "（新增这一项）" : "" });
          } else {
            found = found.concat(differences(spec.fields, a, b, item));
          }
        }
      } else if (shown(was) !== shown(now)) {
        found.push({ label: label.join(" · "), before: shown(was), after: shown(now) });
      }
    });
    return found;
  }

  /** ``whole`` with its changed middle marked, around a little of the text it shares. */
  function marked(tag, whole, start, end) {
    var box = element("span", "kb-diff__text");
    var context = 40;
    var head = whole.slice(0, start);
    box.appendChild(document.createTextNode(head.length > context ? "…" + head.slice(-context) : head));
    if (end > start) box.appendChild(element(tag, "", whole.slice(start, end)));
    var tail = whole.slice(end);
    box.appendChild(document.createTextNode(tail.length > context ? tail.slice(0, context) + "…" : tail));
    return box;
  }

  /** The changes into ``box``: each field's old and new text, the changed part marked. */
  function showChanges(box, found) {
    box.textContent = "";
    box.appendChild(element("h2", "kb-diff__title", "这次修改了什么"));
    if (!found.length) {
      box.appendChild(element("p", "", "与网站上的条目相比没有改动。"));
      return;
    }
    box.appendChild(element("p", "", "共 " + found.length + " 处改动，请核对后再生成文件："));
    var list = element("ol", "kb-diff__list");
    found.forEach(function (change) {
      var item = element("li", "kb-diff__item");
      item.appendChild(element("h3", "kb-diff__field", change.label));
      var a = change.before;
      var b = change.after;
      var start = 0;
      while (start < a.length && start < b.length && a.charAt(start) === b.charAt(start)) start++;
      var endA = a.length;
      var endB = b.length;
      while (endA > start && endB > start && a.charAt(endA - 1) === b.charAt(endB - 1)) {
        endA--;
        endB--;
      }
      var was = element("p", "kb-diff__before");
      was.appendChild(element("span", "kb-diff__tag", "原来："));
      was.appendChild(a ? marked("del", a, start, endA) : element("span", "kb-diff__none", "（空）"));
      var now = element("p", "kb-diff__after");
      now.appendChild(element("span", "kb-diff__tag", "现在："));
      now.appendChild(b ? marked("ins", b, start, endB) : element("span", "kb-diff__none", "（删去）"));
      item.appendChild(was);
      item.appendChild(now);
      list.appendChild(item);
    });
    box.appendChild(list);
  }

  window.kbFormFiles = {
    saveFile: saveFile,
    copyText: copyText,
    hostPage: hostPage,
    differences: differences,
    showChanges: showChanges
  };
})();
