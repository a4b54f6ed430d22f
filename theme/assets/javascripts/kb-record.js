/*
 * 我的学习记录: a reader's own record of study, kept in this browser only (kb-store.js).
 *
 * - Entry and pack pages have a "记入学习记录" form; the record page has one for anything
 *   else, the totals by year against the yearly targets, the whole list, a 学习登记表 to
 *   print, and export to and import from a CSV file that Excel and WPS open (UTF-8 with a
 *   byte-order mark, CRLF line ends).
 * - The rules (targets, how minutes count, limits, the file's columns) come with each form
 *   from generator/study_record.py. Every record read back, from the browser or from an
 *   imported file, is checked against them; what fails is left out and counted, and shown
 *   only as text.
 *
 * Plain ES2017 on purpose (no optional chaining, no ??): offices run old Chromium builds.
 */
(function () {
  "use strict";

  var store = window.kbStore;
  var ID = /^r[0-9a-z]{4,24}$/;
  var FORMULA = /^[=+\-@\t\r]/;
  /** Cells a spreadsheet would run as a formula get an apostrophe first, taken off on import. */

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function readRules(form) {
    return {
      record: JSON.parse(form.getAttribute("data-kb-record-rules")),
      pages: store.pageRules(form, "data-page-paths")
    };
  }

  function rounded(hours) {
    return Math.round(hours * 10 + 1e-9) / 10;
  }

  /* ----------------------------------------------------------------- records */

  /**
   * A record as it may be kept: {id, date, title, kind, hours, note, path}; null when any
   * part is not what the site writes. ``path`` is empty or the address of one of the
   * site's own entry or pack pages.
   */
  function checkRecord(raw, rules) {
    var r = rules.record;
    if (!store.isObject(raw) || typeof raw.id !== "string" || !ID.test(raw.id)) return null;
    var title = store.text(raw.title, r.maxTitle);
    var note = raw.note === undefined ? "" : store.text(raw.note, r.maxNote);
    var hours = store.number(raw.hours, 0.1, r.maxHours);
    var path = raw.path === undefined || raw.path === "" ? "" : raw.path;
    if (!store.day(raw.date) || title === null || !title.trim() || note === null || hours === null) return null;
    if (r.kinds.indexOf(raw.kind) < 0) return null;
    if (path && !pathIsOwn(path, rules)) return null;
    return { id: raw.id, date: raw.date, title: title, kind: raw.kind, hours: rounded(hours), note: note, path: path };
  }

  /** Whether ``path`` is one of the site's own entry or pack pages (any id the rules allow). */
  function pathIsOwn(path, rules) {
    if (typeof path !== "string") return false;
    return rules.pages.paths.some(function (pattern) {
      var at = pattern.indexOf("{id}");
      if (at < 0) return false;
      var before = pattern.slice(0, at);
      var after = pattern.slice(at + 4);
      if (path.length <= before.length + after.length) return false;
      if (path.slice(0, before.length) !== before || path.slice(path.length - after.length) !== after) return false;
      return store.ownPage(path.slice(before.length, path.length - after.length), path, rules.pages);
    });
  }

  /** The kept record: {records, ignored, state}; see kbStore.read for ``state``. */
  function readRecords(rules) {
    var saved = store.read(rules.record.storage, function (value) {
      if (!store.isObject(value) || value.version !== rules.record.version) return null;
      if (!Array.isArray(value.records) || value.records.length > rules.record.maxRecords) return null;
      var records = [];
      var seen = {};
      value.records.forEach(function (raw) {
        var record = checkRecord(raw, rules);
        if (!record || store.has(seen, record.id)) return;
        seen[record.id] = true;
        records.push(record);
      });
      return { records: records, ignored: value.records.length - records.length };
    });
    if (saved.state !== "ok") return { records: [], ignored: 0, state: saved.state };
    return { records: saved.value.records, ignored: saved.value.ignored, state: "ok" };
  }

  function writeRecords(rules, records) {
    return store.write(rules.record.storage, { version: rules.record.version, records: records });
  }

  /** In date order, the latest first; records of one day in the order they were added. */
  function ordered(records) {
    return records
      .map(function (record, i) {
        return { record: record, i: i };
      })
      .sort(function (a, b) {
        return a.record.date < b.record.date ? 1 : a.record.date > b.record.date ? -1 : b.i - a.i;
      })
      .map(function (pair) {
        return pair.record;
      });
  }

  function newId() {
    return "r" + Date.now().toString(36) + Math.floor(Math.random() * 1e8).toString(36);
  }

  /** What the kept value's state means for the reader, or "" when all is well. */
  function damageNotice(saved) {
    if (saved.state === "broken") {
      return (
        "这个浏览器里保存的学习记录已损坏（可能被手工改过，或被其他网页写入），无法读取，已忽略，" +
        "不会显示或计入合计。再记入一条时会换成新的记录；如果以前导出过记录，可以导入恢复。"
      );
    }
    if (saved.ignored) {
      return (
        "保存的学习记录中有 " + saved.ignored + " 条已损坏、重复或不是本站写入的，已忽略：" +
        "不显示，也不计入合计；下次修改记录时会删去。"
      );
    }
    return "";
  }

  /* -------------------------------------------------------------------- form */

  function setUpForm(form, onSaved) {
    var rules = readRules(form);
    var status = form.querySelector("[data-kb-record-form-status]");
    var date = form.querySelector("input[name=date]");
    if (!date.value) date.value = store.today();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var made = fromForm(form, rules);
      if (typeof made === "string") {
        status.textContent = made;
        return;
      }
      var saved = readRecords(rules);
      if (saved.records.length >= rules.record.maxRecords) {
        status.textContent = "记录已满 " + rules.record.maxRecords + " 条，请先导出并删去一些旧记录。";
        return;
      }
      if (!writeRecords(rules, saved.records.concat([made]))) {
        status.textContent = "这个浏览器不允许保存（例如处于无痕模式），这条记录没有保存。";
        return;
      }
      status.textContent =
        "已记入：" + store.chineseDate(made.date) + "，" + made.hours + " 学时。" +
        (saved.state === "broken" || saved.ignored ? "原来损坏的记录已删去。" : "");
      var note = form.querySelector("textarea[name=note]");
      note.value = "";
      if (onSaved) onSaved(made);
    });
    // Typing a number chooses its way of counting.
    ["minutes", "hours"].forEach(function (name) {
      var input = form.querySelector("input[name=" + name + "]");
      input.addEventListener("input", function () {
        form.querySelector("input[name=how][value=" + name + "]").checked = true;
      });
    });
    var saved = readRecords(rules);
    status.textContent = damageNotice(saved);
    return rules;
  }

  /** A record from the form, or the reason it cannot be one (in Chinese). */
  function fromForm(form, rules) {
    var r = rules.record;
    var title = form.getAttribute("data-title");
    var kind = form.getAttribute("data-kind");
    var path = form.getAttribute("data-path") || "";
    if (title === null) {
      title = form.querySelector("input[name=title]").value.trim();
      kind = form.querySelector("select[name=kind]").value;
      path = "";
    }
    if (!title) return "请填写学习内容。";
    var date = form.querySelector("input[name=date]").value;
    if (!store.day(date)) return "请填写日期，例如 2024-05-01。";
    var how = form.querySelector("input[name=how]:checked");
    var hours = null;
    var choice = null;
    r.choices.forEach(function (c) {
      if (how && c.key === how.value) choice = c;
    });
    if (!choice) return "请选择学时的计算方式。";
    if (choice.hours !== null) hours = choice.hours;
    else if (choice.key === "minutes") {
      var minutes = Number(form.querySelector("input[name=minutes]").value);
      if (!(minutes > 0)) return "请填写学习了多少分钟。";
      hours = rounded(minutes / r.minutesPerHour);
    } else {
      hours = rounded(Number(form.querySelector("input[name=hours]").value));
    }
    if (!(hours >= 0.1) || hours > r.maxHours) return "学时应在 0.1 到 " + r.maxHours + " 之间。";
    var record = checkRecord(
      { id: newId(), date: date, title: title, kind: kind, hours: hours, note: form.querySelector("textarea[name=note]").value.trim(), path: path },
      rules
    );
    return record || "这条记录的内容太长或含有无法保存的字符，请修改后再记。";
  }

  /* --------------------------------------------------------------- csv file */

  function csvCell(value) {
    var text = String(value);
    if (FORMULA.test(text)) text = "'" + text;
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  /** The record as a CSV file Excel and WPS read as UTF-8: a byte-order mark, CRLF lines. */
  function toCsv(records, rules) {
    var columns = rules.record.columns;
    var lines = [columns.map(function (c) { return csvCell(c.label); }).join(",")];
    // Oldest first, as a register reads and as an import adds them back.
    ordered(records).reverse().forEach(function (record) {
      var row = columns.map(function (c) {
        if (c.key === "address") return record.path ? new URL(record.path, store.root).href : "";
        return record[c.key];
      });
      lines.push(row.map(csvCell).join(","));
    });
    return "\ufeff" + lines.join("\r\n") + "\r\n";
  }

  /** Rows of a CSV text (quotes, doubled quotes, CRLF or LF); cells as written. */
  function parseCsv(text) {
    var rows = [];
    var row = [];
    var cell = "";
    var quoted = false;
    for (var i = 0; i < text.length; i++) {
      var c = text.charAt(i);
      if (quoted) {
        if (c === '"' && text.charAt(i + 1) === '"') {
          cell += '"';
          i++;
        } else if (c === '"') quoted = false;
        else cell += c;
      } else if (c === '"' && cell === "") quoted = true;
      else if (c === ",") {
        row.push(cell);
        cell = "";
      } else if (c === "\n" || c === "\r") {
        if (c === "\r" && text.charAt(i + 1) === "\n") i++;
        row.push(cell);
        rows.push(row);
        row = [];
        cell = "";
      } else cell += c;
    }
    if (cell !== "" || row.length) {
      row.push(cell);
      rows.push(row);
    }
    return rows.filter(function (r) {
      return r.some(function (value) { return value.trim() !== ""; });
    });
  }

  /** A date as spreadsheets write it back (2024/5/1, 2024-5-1, 2024年5月1日) as 2024-05-01. */
  function readDate(text) {
    var found = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text.trim());
    if (!found) return null;
    var pad = function (n) { return (n.length < 2 ? "0" : "") + n; };
    return store.day(found[1] + "-" + pad(found[2]) + "-" + pad(found[3]));
  }

  function plainCell(value) {
    var text = value.trim();
    return text.charAt(0) === "'" && FORMULA.test(text.slice(1)) ? text.slice(1) : text;
  }

  /**
   * Records from an exported file: {records, problems}. Rows that cannot be records are
   * named by their row number and why; an address that is not one of this copy's pages
   * (another copy of the site, say) is dropped and the record kept.
   */
  function fromCsv(text, rules) {
    var rows = parseCsv(text.replace(/^\ufeff/, ""));
    var problems = [];
    if (!rows.length) return { records: [], problems: ["文件是空的。"] };
    var header = rows[0].map(plainCell);
    var at = {};
    rules.record.columns.forEach(function (c) {
      at[c.key] = header.indexOf(c.label);
    });
    var missing = ["date", "title", "hours"].filter(function (key) { return at[key] < 0; });
    if (missing.length) {
      var labels = rules.record.columns.filter(function (c) { return missing.indexOf(c.key) >= 0; });
      return {
        records: [],
        problems: ["第一行缺少“" + labels.map(function (c) { return c.label; }).join("”“") + "”列，这不是导出的学习记录文件。"]
      };
    }
    var records = [];
    rows.slice(1).forEach(function (row, i) {
      var line = i + 2;
      var get = function (key) { return at[key] >= 0 && at[key] < row.length ? plainCell(row[at[key]]) : ""; };
      var date = readDate(get("date"));
      var hours = Number(get("hours"));
      var kind = rules.record.kinds.indexOf(get("kind")) >= 0 ? get("kind") : rules.record.otherKind;
      var path = "";
      var address = get("address");
      if (address && address.indexOf(store.root) === 0) path = address.slice(store.root.length);
      if (!pathIsOwn(path, rules)) path = "";
      var why = !date ? "日期不是真实的日子" : !get("title") ? "没有学习内容" : !(hours >= 0.1 && hours <= rules.record.maxHours) ? "学时不是 0.1 到 " + rules.record.maxHours + " 之间的数" : "";
      var record = why ? null : checkRecord({ id: newId() + i.toString(36), date: date, title: get("title"), kind: kind, hours: hours, note: get("note"), path: path }, rules);
      if (!record) problems.push("第 " + line + " 行：" + (why || "内容太长或含有无法保存的字符"));
      else records.push(record);
    });
    return { records: records, problems: problems };
  }

  /** Bytes of a file as text: UTF-8, or GB18030 where a spreadsheet saved it that way. */
  function decode(buffer) {
    try {
      return new TextDecoder("utf-8", { fatal: true }).decode(buffer);
    } catch (error) {
      return new TextDecoder("gb18030").decode(buffer);
    }
  }

  function download(name, text) {
    var blob = new Blob([text], { type: "text/csv;charset=utf-8" });
    var link = element("a");
    link.href = URL.createObjectURL(blob);
    link.download = name;
    document.body.appendChild(link);
    link.click();
    document.body.removeChild(link);
    setTimeout(function () {
      URL.revokeObjectURL(link.href);
    }, 10000);
  }

  /* ------------------------------------------------------------ record page */

  function same(a, b) {
    return a.date === b.date && a.title === b.title && a.hours === b.hours && a.note === b.note;
  }

  function RecordPage(container) {
    var self = this;
    this.container = container;
    this.site = container.getAttribute("data-site") || "";
    var form = container.querySelector("[data-kb-record-form]");
    this.rules = setUpForm(form, function () {
      self.render();
    });
    this.status = container.querySelector("[data-kb-record-status]");
    this.notice = store.notice(this.status, "");
    this.notice.hidden = true;
    this.totals = container.querySelector("[data-kb-record-totals]");
    this.items = container.querySelector("[data-kb-record-items]");
    this.year = container.querySelector("[data-kb-record-year]");
    this.sheet = container.querySelector("[data-kb-record-sheet]");
    container.querySelector("[data-kb-record-print]").addEventListener("click", function () {
      self.buildSheet();
      window.print();
    });
    container.querySelector("[data-kb-record-export]").addEventListener("click", function () {
      self.exportFile();
    });
    container.querySelector("[data-kb-record-import]").addEventListener("change", function (event) {
      self.importFile(event.target);
    });
    container.querySelector("[data-kb-record-clear]").addEventListener("click", function () {
      if (!self.records.length) return;
      if (window.confirm("确定清空全部 " + self.records.length + " 条学习记录吗？清空后无法恢复，建议先导出。")) {
        self.save([], "已清空学习记录。");
      }
    });
    this.year.addEventListener("change", function () {
      self.buildSheet();
    });
    window.addEventListener("beforeprint", function () {
      self.buildSheet();
    });
    store.watch(this.rules.record.storage, function () {
      self.render();
    });
    this.render();
  }

  RecordPage.prototype.save = function (records, message) {
    if (!writeRecords(this.rules, records)) {
      this.status.textContent = "这个浏览器不允许保存（例如处于无痕模式），修改没有保存。";
      return false;
    }
    this.render(message);
    return true;
  };

  RecordPage.prototype.render = function (message) {
    var saved = readRecords(this.rules);
    this.records = saved.records;
    var text = damageNotice(saved);
    this.notice.textContent = text;
    this.notice.hidden = !text;
    this.status.textContent =
      (message ? message + " " : "") +
      (this.records.length ? "共 " + this.records.length + " 条记录。" : "还没有记录。");
    this.renderTotals();
    this.renderList();
    this.renderYears();
    this.buildSheet();
  };

  /** Hours by year, latest year first: [{year, count, hours}]. */
  RecordPage.prototype.byYear = function () {
    var years = {};
    this.records.forEach(function (record) {
      var year = record.date.slice(0, 4);
      if (!store.has(years, year)) years[year] = { year: year, count: 0, hours: 0 };
      years[year].count++;
      years[year].hours = rounded(years[year].hours + record.hours);
    });
    return Object.keys(years).sort().reverse().map(function (year) {
      return years[year];
    });
  };

  RecordPage.prototype.renderTotals = function () {
    var targets = this.rules.record.targets;
    this.totals.textContent = "";
    var years = this.byYear();
    if (!years.length) {
      this.totals.appendChild(element("p", "kb-empty", "还没有记录。"));
      return;
    }
    var table = element("table", "kb-study-table kb-record__years");
    var head = element("tr");
    ["年度", "记录", "学时合计"].forEach(function (label) {
      var th = element("th", "", label);
      th.scope = "col";
      head.appendChild(th);
    });
    targets.forEach(function (target) {
      var th = element("th", "", "对照" + target.who + "（" + target.hours + " 学时）");
      th.scope = "col";
      head.appendChild(th);
    });
    var thead = element("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var body = element("tbody");
    years.forEach(function (entry) {
      var row = element("tr");
      var year = element("th", "", entry.year + " 年");
      year.scope = "row";
      row.appendChild(year);
      row.appendChild(element("td", "", entry.count + " 条"));
      row.appendChild(element("td", "kb-record__hours", entry.hours + " 学时"));
      targets.forEach(function (target) {
        var left = rounded(target.hours - entry.hours);
        row.appendChild(element("td", left > 0 ? "" : "kb-record__reached", left > 0 ? "还差 " + left + " 学时" : "已达到"));
      });
      body.appendChild(row);
    });
    table.appendChild(body);
    this.totals.appendChild(table);
  };

  RecordPage.prototype.renderList = function () {
    var self = this;
    this.items.textContent = "";
    if (!this.records.length) return;
    var table = element("table", "kb-study-table kb-record__entries");
    var head = element("tr");
    ["日期", "学习内容", "类型", "学时", "备注", "操作"].forEach(function (label) {
      var th = element("th", "", label);
      th.scope = "col";
      head.appendChild(th);
    });
    var thead = element("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var body = element("tbody");
    ordered(this.records).forEach(function (record) {
      var row = element("tr");
      row.setAttribute("data-kb-record-id", record.id);
      row.appendChild(element("td", "kb-record__date", record.date));
      var title = element("td");
      if (record.path) {
        var link = element("a", "", record.title);
        link.href = new URL(record.path, store.root).href;
        title.appendChild(link);
      } else title.textContent = record.title;
      row.appendChild(title);
      row.appendChild(element("td", "", record.kind));
      row.appendChild(element("td", "kb-record__hours", String(record.hours)));
      row.appendChild(element("td", "kb-record__note", record.note));
      var cell = element("td");
      var remove = element("button", "kb-record__remove", "删除");
      remove.type = "button";
      remove.setAttribute("aria-label", "删除记录：" + record.date + " " + record.title);
      remove.addEventListener("click", function () {
        if (!window.confirm("删除这条记录吗？\n" + record.date + " " + record.title)) return;
        self.save(
          self.records.filter(function (r) { return r.id !== record.id; }),
          "已删除一条记录。"
        );
        self.status.focus();
      });
      cell.appendChild(remove);
      row.appendChild(cell);
      body.appendChild(row);
    });
    table.appendChild(body);
    this.items.appendChild(table);
    this.status.setAttribute("tabindex", "-1");
  };

  RecordPage.prototype.renderYears = function () {
    var chosen = this.year.value;
    while (this.year.options.length > 1) this.year.remove(1);
    var self = this;
    this.byYear().forEach(function (entry) {
      var option = element("option", "", entry.year + " 年");
      option.value = entry.year;
      self.year.appendChild(option);
    });
    this.year.value = chosen;
    if (this.year.value !== chosen) this.year.value = "";
  };

  /** The 学习登记表 for the chosen year (or every year), for paper only. */
  RecordPage.prototype.buildSheet = function () {
    var year = this.year.value;
    var records = ordered(this.records).filter(function (record) {
      return !year || record.date.slice(0, 4) === year;
    }).reverse();
    var sheet = this.sheet;
    sheet.textContent = "";
    sheet.appendChild(element("p", "kb-record-sheet__site", this.site));
    sheet.appendChild(element("h1", "", (year ? year + " 年度" : "") + "学习登记表"));
    var who = element("p", "kb-record-sheet__who");
    ["姓名", "所在党支部", "职务"].forEach(function (label) {
      who.appendChild(element("span", "kb-record-sheet__blank", label + "："));
    });
    sheet.appendChild(who);
    var table = element("table", "kb-record-sheet__table");
    var head = element("tr");
    ["序号", "日期", "学习内容", "类型", "学时", "备注"].forEach(function (label) {
      var th = element("th", "", label);
      th.scope = "col";
      head.appendChild(th);
    });
    var thead = element("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var body = element("tbody");
    var total = 0;
    records.forEach(function (record, i) {
      var row = element("tr");
      [String(i + 1), store.chineseDate(record.date), record.title, record.kind, String(record.hours), record.note].forEach(function (value) {
        row.appendChild(element("td", "", value));
      });
      total = rounded(total + record.hours);
      body.appendChild(row);
    });
    var sum = element("tr", "kb-record-sheet__total");
    var label = element("th", "", "合计");
    label.scope = "row";
    label.colSpan = 4;
    sum.appendChild(label);
    sum.appendChild(element("td", "", total + " 学时"));
    sum.appendChild(element("td", "", records.length + " 条"));
    body.appendChild(sum);
    table.appendChild(body);
    sheet.appendChild(table);
    var sign = element("p", "kb-record-sheet__sign");
    ["本人签字", "支部审核", "日期"].forEach(function (label) {
      sign.appendChild(element("span", "kb-record-sheet__blank", label + "："));
    });
    sheet.appendChild(sign);
    sheet.appendChild(
      element("p", "kb-record-sheet__note", "本表由读者本人在浏览器中记录、打印（" + store.chineseDate(store.today()) + "），网站不保存任何个人记录。")
    );
  };

  RecordPage.prototype.exportFile = function () {
    if (!this.records.length) {
      this.status.textContent = "还没有记录，没有可导出的内容。";
      return;
    }
    download("学习记录-" + store.today() + ".csv", toCsv(this.records, this.rules));
    this.status.textContent = "已导出 " + this.records.length + " 条记录。";
  };

  RecordPage.prototype.importFile = function (input) {
    var self = this;
    var file = input.files && input.files[0];
    if (!file) return;
    var reader = new FileReader();
    reader.onload = function () {
      input.value = "";
      var found = fromCsv(decode(reader.result), self.rules);
      var kept = self.records.slice();
      var added = 0;
      var repeated = 0;
      found.records.forEach(function (record) {
        if (kept.some(function (r) { return same(r, record); })) repeated++;
        else if (kept.length < self.rules.record.maxRecords) {
          kept.push(record);
          added++;
        }
      });
      var message = "从文件导入 " + added + " 条" + (repeated ? "，跳过已有的 " + repeated + " 条" : "") + "。";
      if (found.problems.length) {
        message += "有 " + found.problems.length + " 处无法导入，已忽略：" + found.problems.slice(0, 5).join("；") + (found.problems.length > 5 ? "……" : "") + "。";
      }
      if (added) self.save(kept, message);
      else self.render(message);
    };
    reader.onerror = function () {
      self.status.textContent = "无法读取这个文件。";
    };
    reader.readAsArrayBuffer(file);
  };

  /* ------------------------------------------------------------------ start */

  function start() {
    if (store.framed()) return;
    var page = document.querySelector("[data-kb-record]");
    if (page) {
      new RecordPage(page);
      page.querySelector("[data-kb-record-tools]").hidden = false;
    }
    var adds = document.querySelectorAll("[data-kb-record-add]");
    for (var i = 0; i < adds.length; i++) {
      setUpForm(adds[i].querySelector("[data-kb-record-form]"));
      adds[i].hidden = false;
    }
  }

  window.kbRecord = { toCsv: toCsv, fromCsv: fromCsv, parseCsv: parseCsv, readRules: readRules };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
