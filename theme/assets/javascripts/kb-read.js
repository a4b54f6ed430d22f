/*
 * Reading made easier: large type (大字) on every page, and reading an entry aloud.
 *
 * - 大字: the header's button enlarges text and controls and is remembered in this browser
 *   (kb-store.js applies it in the page head, before anything is drawn).
 * - 朗读: an entry's text is read with the browser's own speech synthesis, whole or one
 *   section at a time, with pause and continue. The controls exist only where the browser
 *   has a Chinese voice; without one (many Linux browsers, some office machines) there is
 *   nothing to press. Pausing stops after the passage being read and continuing starts that
 *   passage again, which behaves the same in every browser (speechSynthesis.pause() does
 *   nothing in some).
 *
 * Plain ES2017 on purpose (no optional chaining, no ??): offices run old Chromium builds.
 */
(function () {
  "use strict";

  var store = window.kbStore;
  var CHUNK = 120;
  /** Characters one utterance holds at most: some engines stop a long one part way. */
  var SENTENCE_END = /[^。！？；]*[。！？；]+[”」』）)]*|[^。！？；]+$/g;

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* -------------------------------------------------------------- large type */

  function setUpLargeType(button) {
    var notice = null;
    function show() {
      var saved = store.largeType();
      if (saved.state === "broken") {
        // Damaged or written by another page: ignored (normal type), said once, then removed.
        store.remove(store.LARGE_TYPE);
        notice = store.notice(
          document.querySelector("#kb-main") || document.body.firstChild,
          "这个浏览器里保存的“大字”设置已损坏，已忽略，现在是正常字号。"
        );
      }
      var on = saved.state === "ok";
      store.applyLargeType(on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.title = on ? "恢复正常字号" : "放大文字和按钮（会记住这个选择）";
    }
    button.addEventListener("click", function () {
      var on = button.getAttribute("aria-pressed") !== "true";
      var kept = on ? store.write(store.LARGE_TYPE, true) : store.remove(store.LARGE_TYPE);
      store.applyLargeType(on);
      button.setAttribute("aria-pressed", on ? "true" : "false");
      button.title = on ? "恢复正常字号" : "放大文字和按钮（会记住这个选择）";
      if (!kept) {
        store.notice(
          document.querySelector("#kb-main") || document.body.firstChild,
          "这个浏览器不允许保存设置（例如处于无痕模式），换页后会恢复正常字号。"
        );
      } else if (notice && notice.parentNode) {
        notice.parentNode.removeChild(notice);
      }
    });
    store.watch(store.LARGE_TYPE, show);
    button.hidden = false;
    show();
  }

  /* ------------------------------------------------------------- read aloud */

  /** The browser's Chinese voice, Mainland Mandarin first; null when it has none. */
  function chineseVoice(voices) {
    var best = null;
    var rank = 0;
    for (var i = 0; i < voices.length; i++) {
      var lang = String(voices[i].lang || "").replace(/_/g, "-").toLowerCase();
      var found = 0;
      if (/^(zh-cn|zh-hans|cmn-hans|cmn-cn|zh-sg)/.test(lang)) found = 3;
      else if (/^(zh|cmn)(-|$)/.test(lang)) found = lang.indexOf("hk") >= 0 ? 1 : 2;
      if (found > rank) {
        best = voices[i];
        rank = found;
      }
    }
    return best;
  }

  /** The text of one block of an entry, as passages short enough to speak in one go. */
  function passages(block) {
    var parts = [];
    var tag = block.tagName.toLowerCase();
    if (tag === "ol" || tag === "ul") {
      var items = block.children;
      for (var i = 0; i < items.length; i++) parts.push((i + 1) + "、" + items[i].textContent);
    } else if (tag === "table") {
      var rows = block.querySelectorAll("tbody tr");
      for (var r = 0; r < rows.length; r++) {
        var cells = [];
        for (var c = 0; c < rows[r].children.length; c++) cells.push(rows[r].children[c].textContent);
        parts.push(cells.join("："));
      }
    } else if (tag === "dl") {
      var terms = block.querySelectorAll("dt");
      for (var t = 0; t < terms.length; t++) {
        var value = terms[t].nextElementSibling;
        parts.push(terms[t].textContent + "：" + (value ? value.textContent : ""));
      }
    } else {
      parts.push(block.textContent);
    }
    var out = [];
    parts.forEach(function (part) {
      var text = part.replace(/\s+/g, " ").trim();
      if (!text) return;
      var sentences = text.match(SENTENCE_END) || [text];
      var current = "";
      sentences.forEach(function (sentence) {
        if (current && current.length + sentence.length > CHUNK) {
          out.push(current);
          current = "";
        }
        current += sentence;
      });
      if (current) out.push(current);
    });
    return out.map(function (text) {
      return { text: text, block: block };
    });
  }

  /**
   * The parts of an entry to read: its title and summary, then each section of its text
   * (everything from one h2 of [data-kb-read] to the next), with the passages of each.
   */
  function sectionsOf(page, body) {
    var sections = [];
    var title = page.querySelector("h1");
    var lead = page.querySelector(".kb-lead");
    sections.push({ heading: null, passages: [].concat(title ? passages(title) : [], lead ? passages(lead) : []) });
    var current = null;
    for (var node = body.firstElementChild; node; node = node.nextElementSibling) {
      if (node.tagName === "H2") {
        current = { heading: node, passages: [] };
        sections.push(current);
      }
      if (current && !node.hasAttribute("data-kb-read-skip")) {
        current.passages = current.passages.concat(passages(node));
      }
    }
    return sections;
  }

  function Reader(page, body, voice) {
    this.voice = voice;
    this.sections = sectionsOf(page, body);
    this.queue = [];
    this.position = 0;
    this.generation = 0;
    this.state = "idle";
    this.build(page, body);
  }

  Reader.prototype.build = function (page, body) {
    var self = this;
    var bar = element("div", "kb-read");
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "朗读");
    bar.setAttribute("data-kb-read-controls", "");
    this.bar = bar;
    this.buttons = {};
    [
      ["all", "朗读全文"],
      ["pause", "暂停"],
      ["resume", "继续"],
      ["stop", "停止"]
    ].forEach(function (pair) {
      var button = element("button", "md-button kb-read__button", pair[1]);
      button.type = "button";
      button.setAttribute("data-kb-read-button", pair[0]);
      button.addEventListener("click", function () {
        self[pair[0]]();
      });
      self.buttons[pair[0]] = button;
      bar.appendChild(button);
    });
    this.status = element("span", "kb-read__status");
    this.status.setAttribute("role", "status");
    bar.appendChild(this.status);
    var lead = page.querySelector(".kb-lead");
    var anchor = lead ? lead.nextSibling : page.firstChild;
    page.insertBefore(bar, anchor);
    this.sections.forEach(function (section, i) {
      if (!section.heading) return;
      var button = element("button", "kb-read__section", "朗读本节");
      button.type = "button";
      button.setAttribute("data-kb-read-section", String(i));
      button.setAttribute("aria-label", "朗读本节：" + section.heading.textContent);
      button.addEventListener("click", function () {
        self.start(self.sections[i].passages, "正在朗读：" + section.heading.textContent);
      });
      section.heading.parentNode.insertBefore(button, section.heading.nextSibling);
    });
    window.addEventListener("pagehide", function () {
      self.stop();
    });
    this.show();
  };

  Reader.prototype.show = function () {
    var b = this.buttons;
    b.all.hidden = this.state !== "idle";
    b.pause.hidden = this.state !== "speaking";
    b.resume.hidden = this.state !== "paused";
    b.stop.hidden = this.state === "idle";
    var speaking = document.querySelectorAll(".kb-read--now");
    for (var i = 0; i < speaking.length; i++) speaking[i].classList.remove("kb-read--now");
    var current = this.queue[this.position];
    if (this.state !== "idle" && current) current.block.classList.add("kb-read--now");
  };

  /**
   * Shows the controls for the new state; keyboard focus that was on them moves to ``name``
   * (the button pressed may just have been hidden), without scrolling the page.
   */
  Reader.prototype.change = function (state, message, name) {
    var hadFocus = this.bar.contains(document.activeElement);
    this.state = state;
    if (message !== null) this.status.textContent = message;
    this.show();
    if (hadFocus && name) this.buttons[name].focus({ preventScroll: true });
  };

  Reader.prototype.all = function () {
    var everything = [];
    this.sections.forEach(function (section) {
      everything = everything.concat(section.passages);
    });
    this.start(everything, "正在朗读全文");
  };

  Reader.prototype.start = function (queue, message) {
    this.cancel();
    this.queue = queue;
    this.position = 0;
    this.message = message;
    this.speak();
  };

  Reader.prototype.speak = function () {
    var self = this;
    var passage = this.queue[this.position];
    if (!passage) {
      this.change("idle", "朗读完毕", "all");
      return;
    }
    var generation = ++this.generation;
    var utterance = new window.SpeechSynthesisUtterance(passage.text);
    utterance.voice = this.voice;
    utterance.lang = this.voice.lang;
    utterance.rate = 0.95;
    utterance.onend = function () {
      if (generation !== self.generation || self.state !== "speaking") return;
      self.position++;
      self.speak();
    };
    utterance.onerror = function (event) {
      if (generation !== self.generation || self.state !== "speaking") return;
      if (event && (event.error === "interrupted" || event.error === "canceled")) return;
      self.change("idle", "浏览器未能朗读这段文字，已停止。", "all");
    };
    this.change("speaking", this.message, "pause");
    window.speechSynthesis.speak(utterance);
  };

  Reader.prototype.cancel = function () {
    this.generation++;
    try {
      window.speechSynthesis.cancel();
    } catch (error) {
      // nothing was being read
    }
  };

  Reader.prototype.pause = function () {
    if (this.state !== "speaking") return;
    this.cancel();
    this.change("paused", "已暂停，按“继续”从这一段接着读", "resume");
  };

  Reader.prototype.resume = function () {
    if (this.state !== "paused") return;
    this.speak();
  };

  Reader.prototype.stop = function () {
    if (this.state === "idle") return;
    this.cancel();
    this.change("idle", "已停止", "all");
  };

  function setUpReading() {
    var page = document.querySelector(".kb-page--entry");
    var body = page ? page.querySelector("[data-kb-read]") : null;
    var synthesis = window.speechSynthesis;
    if (!body || !synthesis || typeof window.SpeechSynthesisUtterance !== "function") return;
    var reader = null;
    function look() {
      if (reader) return;
      var voice = chineseVoice(synthesis.getVoices() || []);
      if (voice) reader = new Reader(page, body, voice);
    }
    look();
    // Voices often arrive after the page has loaded.
    if (typeof synthesis.addEventListener === "function") synthesis.addEventListener("voiceschanged", look);
    else synthesis.onvoiceschanged = look;
  }

  function start() {
    var toggles = document.querySelectorAll("[data-kb-large-toggle]");
    for (var i = 0; i < toggles.length; i++) setUpLargeType(toggles[i]);
    setUpReading();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
