/*
 * The editors' form, fields half: one control per field of the content model, in the
 * model's order, with its Chinese label and help (all from the form page's description).
 *
 * The entry's values live in one plain object; every control writes its value there as
 * it changes, at its place (a path such as ["actions", 1, "text"]). Adding, removing or
 * moving an item of a list changes the object and builds the fields again; focus goes
 * back to the control at the same place. Themes and the organization type are picked
 * from the taxonomy by name; the entries a practice or a study pack names are found by
 * searching the site's entries by title (kbSearch, kb-search.js).
 *
 * Text is only ever put into the page with textContent or as a control's value.
 * Plain ES2017 (Chromium 69).
 */
(function () {
  "use strict";

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** The id of the control at ``path``: what the error summary links to. */
  function controlId(path) {
    return "kb-f-" + (path.length ? path.join("-") : "entry");
  }

  function getAt(data, path) {
    var value = data;
    for (var i = 0; i < path.length; i++) {
      if (value === undefined || value === null) return undefined;
      value = value[path[i]];
    }
    return value;
  }

  function setAt(data, path, value) {
    var target = data;
    for (var i = 0; i < path.length - 1; i++) {
      if (target[path[i]] === undefined || target[path[i]] === null) {
        target[path[i]] = typeof path[i + 1] === "number" ? [] : {};
      }
      target = target[path[i]];
    }
    var last = path[path.length - 1];
    if (value === undefined) delete target[last];
    else target[last] = value;
  }

  /** A new value for a field: required text empty, required lists with one empty item. */
  function blank(spec) {
    if (spec.shape === "model") return blankModel(spec.fields);
    if (spec.shape === "list") {
      if (!spec.required) return [];
      return [spec.item === "model" ? blankModel(spec.fields) : ""];
    }
    return "";
  }

  /** A field of one fixed value (a file's kind): written by the form, never asked for. */
  function fixed(spec) {
    return spec.shape === "const" && !spec.choices;
  }

  function blankModel(specs) {
    var value = {};
    specs.forEach(function (spec) {
      if (fixed(spec)) return;
      if (spec.required) value[spec.name] = blank(spec);
    });
    return value;
  }

  function Fields(options) {
    this.description = options.description;
    this.paste = options.paste;
    this.normalizeDate = options.normalizeDate;
    this.onChange = options.onChange;
    this.onLeave = options.onLeave;
    this.onStructure = options.onStructure;
    this.searchEntries = options.searchEntries;
    this.lookupEntry = options.lookupEntry;
    this.kinds = {};
    var kinds = this.kinds;
    this.description.kinds.forEach(function (kind) { kinds[kind.kind] = kind; });
  }

  /** A new entry of ``kind``, keeping what ``previous`` has in fields of the same name. */
  Fields.prototype.blankEntry = function (kind, previous) {
    var data = blankModel(this.kinds[kind].fields);
    data.kind = kind;
    if (previous) {
      this.kinds[kind].fields.forEach(function (spec) {
        if (spec.name !== "kind" && previous[spec.name] !== undefined) data[spec.name] = previous[spec.name];
      });
    }
    return data;
  };

  /** Build every field of ``kind`` for ``data`` into ``container``. */
  Fields.prototype.build = function (container, kind, data, options) {
    this.kind = kind;
    this.data = data;
    this.readOnly = options.readOnly || {};
    container.textContent = "";
    var self = this;
    this.kinds[kind].fields.forEach(function (spec) {
      if (fixed(spec)) return;
      container.appendChild(self.field(spec, [spec.name]));
    });
  };

  Fields.prototype.field = function (spec, path) {
    if (spec.shape === "model") return this.section(spec, path);
    if (spec.shape === "list") return this.list(spec, path);
    return this.single(spec, path, spec.label, spec.help, spec.required);
  };

  Fields.prototype.heading = function (spec, tag, className) {
    var node = element(tag, className, spec.label);
    node.appendChild(element("span", "kb-field__need", spec.required ? "（必填）" : "（可省略）"));
    return node;
  };

  Fields.prototype.hint = function (text, id) {
    var hint = element("p", "kb-field__hint", text);
    hint.id = id;
    return hint;
  };

  Fields.prototype.errorSlot = function (path) {
    var error = element("p", "kb-field__error");
    error.id = controlId(path) + "-error";
    error.hidden = true;
    error.setAttribute("data-kb-error", path.join("."));
    return error;
  };

  Fields.prototype.section = function (spec, path) {
    var self = this;
    var box = element("fieldset", "kb-group");
    box.setAttribute("data-kb-place", path.join("."));
    box.appendChild(this.heading(spec, "legend", "kb-group__legend"));
    if (spec.help) box.appendChild(this.hint(spec.help, controlId(path) + "-hint"));
    box.appendChild(this.errorSlot(path));
    spec.fields.forEach(function (inner) {
      box.appendChild(self.field(inner, path.concat([inner.name])));
    });
    return box;
  };

  /** One control: a line, a text, a date, a taxonomy pick or an entry pick. */
  Fields.prototype.single = function (spec, path, label, help, required) {
    var box = element("div", "kb-field");
    box.setAttribute("data-kb-place", path.join("."));
    var id = controlId(path);
    var title = element("label", "kb-field__label", label);
    title.htmlFor = id;
    if (required !== null) title.appendChild(element("span", "kb-field__need", required ? "（必填）" : "（可省略）"));
    box.appendChild(title);
    var described = [];
    var hintText = this.hintFor(spec, help);
    if (hintText) {
      box.appendChild(this.hint(hintText, id + "-hint"));
      described.push(id + "-hint");
    }
    box.appendChild(this.errorSlot(path));
    described.push(id + "-error");
    var control = this.control(spec, path, id);
    control.setAttribute("aria-describedby", described.join(" "));
    box.appendChild(control.kbWrapper || control);
    if (control.kbChosen) box.appendChild(control.kbChosen);
    return box;
  };

  Fields.prototype.hintFor = function (spec, help) {
    var parts = [];
    if (help) parts.push(help);
    if (spec.shape === "date") parts.push("可以写成 2022-07-20 或 2022年7月20日。");
    if (spec.refers && spec.refers.to === "entries") parts.push("输入标题中的词查找已有条目，从列表中选择；也可以直接填写编号。");
    return parts.join("");
  };

  Fields.prototype.control = function (spec, path, id) {
    var refers = spec.refers ? spec.refers.to : "";
    if (refers === "org_types" || refers === "themes") return this.taxonPick(spec, path, id, refers);
    if (refers === "entries") return this.entryPick(spec, path, id);
    if (spec.choices) return this.choicePick(spec, path, id);
    var self = this;
    var value = getAt(this.data, path);
    var multiline = spec.shape === "text" || (spec.shape === "list" && spec.item === "text");
    var input = multiline ? element("textarea", "kb-field__input kb-field__input--text") : element("input", "kb-field__input");
    if (!multiline) input.type = "text";
    else input.rows = Math.min(12, Math.max(3, Math.ceil(String(value || "").length / 40) + 1));
    input.id = id;
    input.value = value === undefined || value === null ? "" : String(value);
    input.spellcheck = false;
    if (spec.max_length) input.setAttribute("data-kb-max", String(spec.max_length));
    if (path.length === 1 && this.readOnly[path[0]]) {
      input.readOnly = true;
      input.className += " kb-field__input--fixed";
    }
    if (spec.shape === "date") input.placeholder = "例如 2022-07-20";
    var optional = !spec.required && spec.shape !== "list";
    input.addEventListener("input", function () {
      self.store(path, input.value, optional);
    });
    input.addEventListener("change", function () {
      if (spec.shape === "date") {
        var normal = self.normalizeDate(input.value);
        if (normal !== input.value) {
          input.value = normal;
          self.store(path, normal, optional);
        }
      }
      self.onLeave(path);
    });
    input.addEventListener("paste", function (event) {
      var text = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
      if (!text) return;
      event.preventDefault();
      var cleaned = self.paste.clean(text, !multiline);
      insertText(input, cleaned);
      self.store(path, input.value, optional);
    });
    return input;
  };

  /** Puts pasted text where the caret is, replacing the selection, undoably where the browser can. */
  function insertText(input, text) {
    input.focus();
    var done = false;
    try {
      done = document.execCommand("insertText", false, text);
    } catch (error) {
      done = false;
    }
    if (!done || input.value.indexOf(text) < 0) {
      var start = input.selectionStart;
      var end = input.selectionEnd;
      input.value = input.value.slice(0, start) + text + input.value.slice(end);
      input.selectionStart = input.selectionEnd = start + text.length;
    }
  }

  Fields.prototype.store = function (path, value, optional) {
    setAt(this.data, path, optional && value === "" ? undefined : value);
    this.onChange(path);
  };

  /** A field of several fixed values (a question's type), picked by the model's names. */
  Fields.prototype.choicePick = function (spec, path, id) {
    var self = this;
    var select = element("select", "kb-field__input kb-field__select");
    select.id = id;
    var none = element("option", "", "请选择" + spec.label);
    none.value = "";
    select.appendChild(none);
    var value = getAt(this.data, path);
    var known = false;
    spec.choices.forEach(function (choice) {
      var option = element("option", "", choice.name + "（" + choice.value + "）");
      option.value = choice.value;
      if (choice.value === value) known = true;
      select.appendChild(option);
    });
    if (value && !known) {
      // A value the model does not offer (a draft from elsewhere): kept, so that the check names it.
      var odd = element("option", "", value + "（不是可选的值）");
      odd.value = value;
      select.appendChild(odd);
    }
    select.value = value || "";
    select.addEventListener("change", function () {
      self.store(path, select.value, false);
      self.onLeave(path);
    });
    return select;
  };

  /** A theme or the organization type, picked by name from the taxonomy. */
  Fields.prototype.taxonPick = function (spec, path, id, group) {
    var self = this;
    var select = element("select", "kb-field__input kb-field__select");
    select.id = id;
    var none = element("option", "", "请选择" + spec.label);
    none.value = "";
    select.appendChild(none);
    var value = getAt(this.data, path);
    var known = false;
    this.description.taxonomy[group].forEach(function (taxon) {
      var option = element("option", "", taxon.name);
      option.value = taxon.id;
      option.title = taxon.description;
      if (taxon.id === value) known = true;
      select.appendChild(option);
    });
    if (value && !known) {
      // A value the taxonomy no longer has (an old draft): kept, so that the check names it.
      var odd = element("option", "", value + "（分类体系中没有）");
      odd.value = value;
      select.appendChild(odd);
    }
    select.value = value || "";
    select.addEventListener("change", function () {
      self.store(path, select.value, false);
      self.onLeave(path);
    });
    return select;
  };

  /** An entry another one names, found by searching titles; the id is what is stored. */
  Fields.prototype.entryPick = function (spec, path, id) {
    var self = this;
    var wrapper = element("div", "kb-picker");
    var input = element("input", "kb-field__input kb-picker__input");
    input.type = "text";
    input.id = id;
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    var list = element("ul", "kb-picker__options");
    list.id = id + "-options";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "找到的条目");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    var chosen = element("p", "kb-picker__chosen");
    chosen.id = id + "-chosen";
    chosen.setAttribute("aria-live", "polite");
    input.value = getAt(this.data, path) || "";
    wrapper.appendChild(input);
    wrapper.appendChild(list);
    var kinds = spec.refers.kinds;
    var options = [];
    var active = -1;
    var generation = 0;

    function show(found) {
      options = found;
      active = -1;
      list.textContent = "";
      found.forEach(function (entry, i) {
        var option = element("li", "kb-picker__option");
        option.id = id + "-option-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.appendChild(element("span", "kb-picker__title", entry.title));
        option.appendChild(element("span", "kb-picker__meta", entry.label + " · " + entry.id));
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep focus in the input
          choose(i);
        });
        list.appendChild(option);
      });
      list.hidden = found.length === 0;
      input.setAttribute("aria-expanded", found.length ? "true" : "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      active = index;
      Array.prototype.forEach.call(list.children, function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0) input.setAttribute("aria-activedescendant", id + "-option-" + index);
      else input.removeAttribute("aria-activedescendant");
    }

    function choose(index) {
      var entry = options[index];
      input.value = entry.id;
      show([]);
      self.store(path, entry.id, false);
      describe();
      self.onLeave(path);
    }

    function describe() {
      var value = input.value.trim();
      chosen.textContent = "";
      if (!value) return;
      self.lookupEntry(value).then(function (entry) {
        if (input.value.trim() !== value) return;
        chosen.textContent = entry ? "已选：" + entry.title + "（" + entry.label + "）" : "";
      });
    }

    var timer = null;
    input.addEventListener("input", function () {
      self.store(path, input.value, false);
      chosen.textContent = "";
      clearTimeout(timer);
      var query = input.value.trim();
      var mine = ++generation;
      timer = setTimeout(function () {
        if (!query) {
          show([]);
          return;
        }
        self.searchEntries(query, kinds).then(function (found) {
          if (mine === generation) show(found);
        });
      }, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) return;
      if (event.key === "ArrowDown" || event.key === "Down") {
        event.preventDefault();
        highlight(Math.min(options.length - 1, active + 1));
      } else if (event.key === "ArrowUp" || event.key === "Up") {
        event.preventDefault();
        highlight(Math.max(0, active - 1));
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(active);
      } else if (event.key === "Escape" || event.key === "Esc") {
        event.preventDefault();
        show([]);
      }
    });
    input.addEventListener("blur", function () {
      show([]);
      generation++;
    });
    input.addEventListener("change", function () {
      describe();
      self.onLeave(path);
    });
    describe();
    input.kbWrapper = wrapper;
    input.kbChosen = chosen;
    return input;
  };

  /** A list: its items one after another, each with 上移, 下移 and 删除, and 添加 after them. */
  Fields.prototype.list = function (spec, path) {
    var self = this;
    var box = element("fieldset", "kb-list");
    box.setAttribute("data-kb-place", path.join("."));
    box.appendChild(this.heading(spec, "legend", "kb-list__legend"));
    var hint = spec.help || "";
    if (spec.min_items) hint += "至少 " + spec.min_items + " 项" + (spec.max_items ? "，最多 " + spec.max_items + " 项" : "") + "。";
    if (hint) box.appendChild(this.hint(hint, controlId(path) + "-hint"));
    box.appendChild(this.errorSlot(path));
    var items = getAt(this.data, path) || [];
    var listing = element("ol", "kb-list__items");
    items.forEach(function (item, index) {
      listing.appendChild(self.item(spec, path, index, items.length));
    });
    box.appendChild(listing);
    var add = element("button", "md-button kb-list__add", "添加" + (spec.item === "model" ? "一项" : "一条") + "：" + spec.label);
    add.type = "button";
    add.id = controlId(path);
    add.setAttribute("aria-describedby", controlId(path) + "-error");
    add.addEventListener("click", function () {
      var list = getAt(self.data, path);
      if (!Array.isArray(list)) {
        list = [];
        setAt(self.data, path, list);
      }
      list.push(spec.item === "model" ? blankModel(spec.fields) : "");
      self.onStructure(path.concat([list.length - 1]), "first");
    });
    box.appendChild(add);
    return box;
  };

  Fields.prototype.item = function (spec, path, index, count) {
    var self = this;
    var itemPath = path.concat([index]);
    var row = element("li", "kb-list__item");
    row.setAttribute("data-kb-place", itemPath.join("."));
    var name = spec.label + "第 " + (index + 1) + " 项";
    if (spec.item === "model") {
      var box = element("fieldset", "kb-list__group");
      box.appendChild(element("legend", "kb-list__item-legend", name));
      box.appendChild(this.errorSlot(itemPath));
      spec.fields.forEach(function (inner) {
        box.appendChild(self.field(inner, itemPath.concat([inner.name])));
      });
      row.appendChild(box);
    } else {
      row.appendChild(this.single(spec, itemPath, name, "", null));
    }
    var controls = element("div", "kb-list__controls");
    controls.appendChild(this.move(spec, path, index, -1, "上移", index === 0, name));
    controls.appendChild(this.move(spec, path, index, 1, "下移", index === count - 1, name));
    controls.appendChild(this.move(spec, path, index, 0, "删除", false, name));
    row.appendChild(controls);
    return row;
  };

  Fields.prototype.move = function (spec, path, index, step, label, disabled, name) {
    var self = this;
    var button = element("button", "md-button kb-list__button", label);
    button.type = "button";
    button.disabled = disabled;
    button.setAttribute("aria-label", label + "：" + name);
    button.setAttribute("data-kb-action", step < 0 ? "up" : step > 0 ? "down" : "remove");
    button.addEventListener("click", function () {
      var list = getAt(self.data, path);
      if (step === 0) {
        list.splice(index, 1);
        var left = Math.min(index, list.length - 1);
        self.onStructure(left >= 0 ? path.concat([left]) : path, left >= 0 ? "remove" : "add");
        return;
      }
      var other = index + step;
      var moved = list[index];
      list[index] = list[other];
      list[other] = moved;
      self.onStructure(path.concat([other]), step < 0 ? "up" : "down");
    });
    return button;
  };

  window.kbFormFields = {
    Fields: Fields,
    controlId: controlId,
    getAt: getAt,
    setAt: setAt,
    blankModel: blankModel
  };
})();
