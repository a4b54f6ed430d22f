/*
 * 准备学习会: a study pack's session planner. The reader fills in date, place, host,
 * attendees and 学时 and sets each agenda item's minutes; the page's document (agenda,
 * sign-in sheet, meeting record) shows the answers as text and prints.
 *
 * The fields and their limits come from generator/session_plan.py with the page. The last
 * answers are kept in this browser (kb-store.js) for the next session, whichever pack it
 * is for; a kept value that is not what the planner writes is ignored with a notice.
 *
 * Plain ES2017 on purpose (no optional chaining, no ??): offices run old Chromium builds.
 */
(function () {
  "use strict";

  var store = window.kbStore;

  /** A kept answer for ``field`` if it is one the form could have given; else null. */
  function checkValue(field, value) {
    if (typeof value !== "string") return null;
    if (value === "") return value;
    if (field.input === "date") return store.day(value);
    if (field.input === "time") return /^([01]\d|2[0-3]):[0-5]\d$/.test(value) ? value : null;
    if (field.input === "number") {
      var number = Number(value);
      return /^\d+(\.\d+)?$/.test(value) && number >= field.low && number <= field.high ? value : null;
    }
    return store.text(value, field.max_length);
  }

  function readKept(rules) {
    return store.read(rules.storage, function (kept) {
      if (!store.isObject(kept) || kept.version !== rules.version || !store.isObject(kept.values)) return null;
      var values = {};
      for (var i = 0; i < rules.fields.length; i++) {
        var field = rules.fields[i];
        if (!store.has(kept.values, field.name)) continue;
        var value = checkValue(field, kept.values[field.name]);
        if (value === null) return null;
        values[field.name] = value;
      }
      return values;
    });
  }

  /** Minutes per item, the discussion last: as session_plan.default_minutes shares them. */
  function shareMinutes(rules, total, entries) {
    var step = rules.roundTo;
    var discussion = Math.max(step, Math.round((total * rules.discussionShare) / step) * step);
    var rest = Math.max(0, total - discussion);
    var steps = Math.floor(rest / step);
    var items = [];
    for (var i = 0; i < entries; i++) {
      items.push(Math.max(step, (Math.floor(steps / entries) + (i < steps % entries ? 1 : 0)) * step));
    }
    items.push(discussion + (rest % step));
    return items;
  }

  function Planner(container) {
    var self = this;
    this.container = container;
    this.rules = JSON.parse(container.getAttribute("data-kb-plan-rules"));
    this.form = container.querySelector("[data-kb-plan-form]");
    this.status = container.querySelector("[data-kb-plan-status]");
    this.items = this.form.querySelectorAll("[data-kb-plan-item]");
    this.rows = container.querySelector("[data-kb-plan-rows]");
    this.blankRows = this.rows.children.length;
    var kept = readKept(this.rules);
    if (kept.state === "broken") {
      store.notice(this.form, "这个浏览器里保存的学习会信息已损坏（可能被手工改过，或被其他网页写入），已忽略；请重新填写。");
    }
    if (kept.state === "ok") {
      Object.keys(kept.value).forEach(function (name) {
        var input = self.form.elements[name];
        if (input) input.value = kept.value[name];
      });
      if (store.has(kept.value, "minutes") && kept.value.minutes) this.share();
    }
    if (!this.form.elements.date.value) this.form.elements.date.value = store.today();
    this.form.addEventListener("input", function (event) {
      if (event.target.name === "minutes") self.share();
      self.show();
      self.keep();
    });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    container.querySelector("[data-kb-plan-share]").addEventListener("click", function () {
      self.share();
      self.show();
      self.status.textContent = "已按会议时长重新分配每一项的时间。";
    });
    container.querySelector("[data-kb-plan-print]").addEventListener("click", function () {
      self.show();
      window.print();
    });
    window.addEventListener("beforeprint", function () {
      self.show();
    });
    this.form.hidden = false;
    this.show();
  }

  /** Gives each agenda item its share of the session's minutes. */
  Planner.prototype.share = function () {
    var total = Number(this.form.elements.minutes.value);
    if (!(total > 0)) return;
    var minutes = shareMinutes(this.rules, total, this.items.length - 1);
    for (var i = 0; i < this.items.length; i++) this.items[i].value = String(minutes[i]);
  };

  /** What the form says, as the printed document shows it. */
  Planner.prototype.values = function () {
    var values = {};
    var self = this;
    this.rules.fields.forEach(function (field) {
      var input = self.form.elements[field.name];
      values[field.name] = checkValue(field, input.value.trim()) || "";
    });
    values.when = values.date ? store.chineseDate(values.date) + (values.time ? " " + values.time : "") : "";
    values.hours = values.hours ? values.hours + " 学时" : "";
    values.expected = values.expected ? values.expected : "";
    return values;
  };

  Planner.prototype.show = function () {
    var values = this.values();
    var marked = this.container.querySelectorAll("[data-kb-plan-value]");
    for (var i = 0; i < marked.length; i++) {
      var name = marked[i].getAttribute("data-kb-plan-value");
      marked[i].textContent = store.has(values, name) ? values[name] : "";
    }
    var total = 0;
    for (var j = 0; j < this.items.length; j++) {
      var minutes = Math.max(0, Math.round(Number(this.items[j].value) || 0));
      total += minutes;
      var shown = this.container.querySelector('[data-kb-plan-minutes="' + j + '"]');
      if (shown) shown.textContent = String(minutes);
    }
    this.container.querySelector('[data-kb-plan-minutes="total"]').textContent = String(total);
    var length = Number(this.form.elements.minutes.value) || 0;
    this.container.querySelector("[data-kb-plan-total]").textContent =
      "各项合计 " + total + " 分钟" + (length && length !== total ? "，与会议时长 " + length + " 分钟不同" : "") + "。";
    this.signInRows(Number(values.expected) || 0);
  };

  /** One row per expected attendee, and never fewer than the page's blank rows. */
  Planner.prototype.signInRows = function (expected) {
    var wanted = Math.max(this.blankRows, expected);
    var columns = this.rows.children[0].children.length;
    while (this.rows.children.length > wanted) this.rows.removeChild(this.rows.lastChild);
    while (this.rows.children.length < wanted) {
      var row = document.createElement("tr");
      var number = document.createElement("td");
      number.textContent = String(this.rows.children.length + 1);
      row.appendChild(number);
      for (var c = 1; c < columns; c++) row.appendChild(document.createElement("td"));
      this.rows.appendChild(row);
    }
  };

  Planner.prototype.keep = function () {
    var values = {};
    var self = this;
    this.rules.fields.forEach(function (field) {
      values[field.name] = checkValue(field, self.form.elements[field.name].value.trim()) || "";
    });
    if (!store.write(this.rules.storage, { version: this.rules.version, values: values })) {
      this.status.textContent = "这个浏览器不允许保存（例如处于无痕模式），下次需要重新填写。";
    }
  };

  function start() {
    if (store.framed()) return;
    var planner = document.querySelector("[data-kb-plan]");
    if (planner) new Planner(planner);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
