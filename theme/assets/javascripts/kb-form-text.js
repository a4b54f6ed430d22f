/*
 * The editors' form, text half: the entry's file text, dates and pasted text.
 *
 * - Emitter writes an entry's values as the file text generator/emit.py writes, byte for
 *   byte (tests/test_form_emit.py runs both over the same entries). Every decision it
 *   takes (what may stand plain, what goes in quotes, what is escaped, what YAML reads as
 *   a number) comes from the form page's description, written from the Python side.
 * - normalizeDate turns a date as an editor types it (2022年7月20日, 2022.7.20) into the
 *   model's form (2022-07-20).
 * - cleanPaste tidies text pasted from Word, WPS, WeChat or a PDF: invisible characters
 *   and layout spaces go, lines broken by the page layout are joined, paragraphs stay,
 *   and half-width punctuation inside Chinese text becomes full-width (the rules of
 *   kb import, generator/importer/clean.py, read from the description).
 *
 * Plain ES2017 (Chromium 69): no optional chaining, no regex lookbehind.
 */
(function () {
  "use strict";

  /* ---------------------------------------------------------------- emitter */

  var SHORT_ESCAPES = { "\\": "\\\\", "\"": "\\\"", "\t": "\\t", "\r": "\\r", "\n": "\\n" };

  function Emitter(description) {
    var rules = description.yaml;
    this.indent = rules.indent;
    this.plainUnsafe = new RegExp(rules.plain_unsafe, "u");
    this.flowUnsafe = new RegExp(rules.flow_unsafe, "u");
    this.blockUnsafe = new RegExp(rules.block_unsafe, "u");
    this.escaped = new RegExp(rules.escaped, "gu");
    this.nulls = rules.nulls;
    this.bools = rules.bools;
    this.number = new RegExp("^(?:" + rules.int + ")$|^(?:" + rules.float + ")$");
    this.kinds = {};
    var kinds = this.kinds;
    description.kinds.forEach(function (kind) { kinds[kind.kind] = kind; });
  }

  /** The file text of the entry of ``kind`` holding ``data``. */
  Emitter.prototype.entryYaml = function (kind, data) {
    var spec = this.kinds[kind];
    var lines = [spec.first_line].concat(this.fields(spec.fields, data || {}, ""));
    return lines.join("\n") + "\n";
  };

  /** Where the entry's file goes, relative to the content folder: cases/wangcun.yml. */
  Emitter.prototype.entryFile = function (kind, id) {
    return this.kinds[kind].folder + "/" + id + ".yml";
  };

  Emitter.prototype.fields = function (specs, data, indent) {
    var self = this;
    var lines = [];
    specs.forEach(function (spec) {
      var value = data[spec.name];
      if (isEmpty(value) && !spec.required) return;
      var key = indent + spec.name + ":";
      if (spec.shape === "model") {
        lines.push(key);
        push(lines, self.fields(spec.fields, value || {}, indent + self.indent));
      } else if (spec.shape === "list") {
        push(lines, self.list(key, spec, value || [], indent));
      } else {
        var text = spec.shape === "text";
        push(lines, self.scalar(key, value, text, text, indent + self.indent));
      }
    });
    return lines;
  };

  Emitter.prototype.list = function (key, spec, items, indent) {
    var self = this;
    if (!items.length) return [key + " []"];
    var lines = [key];
    if (spec.item === "model") {
      items.forEach(function (item) {
        var body = self.fields(spec.fields, item || {}, indent + self.indent + self.indent);
        if (!body.length) {
          lines.push(indent + self.indent + "- {}");
          return;
        }
        lines.push(indent + self.indent + "- " + body[0].replace(/^\s+/, ""));
        push(lines, body.slice(1));
      });
      return lines;
    }
    if (spec.item !== "text") {
      return [key + " [" + items.map(function (item) {
        return self.inline(toText(item), self.flowUnsafe);
      }).join(", ") + "]"];
    }
    items.forEach(function (item) {
      push(lines, self.scalar(indent + self.indent + "-", item, true, false, indent + self.indent + self.indent));
    });
    return lines;
  };

  /** A "|" block for text of several lines (or of one, when lone), else one line. */
  Emitter.prototype.scalar = function (key, value, block, lone, indent) {
    var text = toText(value);
    var body = text.replace(/\n+$/, "");
    if (block && (body.indexOf("\n") >= 0 || lone) && !this.blockUnsafe.test(body)) {
      return [key + " |"].concat(body.split("\n").map(function (line) {
        return line ? indent + line : "";
      }));
    }
    return [key + " " + this.inline(text, this.plainUnsafe)];
  };

  Emitter.prototype.inline = function (text, unsafe) {
    if (unsafe.test(text) || this.readsAsOther(text)) return this.quoted(text);
    return text;
  };

  /** Whether YAML reads ``text`` written plain as something else: null, true, a number. */
  Emitter.prototype.readsAsOther = function (text) {
    return this.nulls.indexOf(text) >= 0 || this.bools.indexOf(text) >= 0 || this.number.test(text);
  };

  Emitter.prototype.quoted = function (text) {
    return "\"" + text.replace(this.escaped, function (char) {
      if (SHORT_ESCAPES[char]) return SHORT_ESCAPES[char];
      var code = char.codePointAt(0);
      return code <= 0xffff ? "\\u" + hex(code, 4) : "\\U" + hex(code, 8);
    }) + "\"";
  };

  function hex(code, width) {
    var digits = code.toString(16);
    while (digits.length < width) digits = "0" + digits;
    return digits;
  }

  function push(target, items) {
    for (var i = 0; i < items.length; i++) target.push(items[i]);
  }

  function toText(value) {
    return value === undefined || value === null ? "" : String(value);
  }

  function isEmpty(value) {
    if (value === undefined || value === null || value === "") return true;
    if (Array.isArray(value)) return value.length === 0;
    return typeof value === "object" && Object.keys(value).length === 0;
  }

  /* ------------------------------------------------------------------ dates */

  var FULL_WIDTH_DIGITS = /[\uff10-\uff19]/g;
  var WRITTEN_DATE = /^\s*(\d{4})\s*(?:年|[-/.．])\s*(\d{1,2})\s*(?:月|[-/.．])\s*(\d{1,2})\s*日?\s*$/;

  /** 2022年7月20日, 2022.7.20, 2022/07/20 as 2022-07-20; anything else as it was. */
  function normalizeDate(text) {
    var digits = text.replace(FULL_WIDTH_DIGITS, function (d) {
      return String.fromCharCode(d.charCodeAt(0) - 0xfee0);
    });
    var found = WRITTEN_DATE.exec(digits);
    if (!found) return text;
    return found[1] + "-" + pad(found[2]) + "-" + pad(found[3]);
  }

  function pad(number) {
    return number.length < 2 ? "0" + number : number;
  }

  /* ----------------------------------------------------------- pasted text */

  function Paste(description) {
    var rules = description.paste;
    this.invisible = new RegExp(rules.invisible, "gu");
    this.oddSpaces = new RegExp(rules.odd_spaces, "g");
    this.headingStart = new RegExp(rules.heading_start);
    this.sentenceEnd = rules.sentence_end;
    this.cjk = new RegExp("[" + rules.cjk + "]");
    this.halfWidth = rules.half_width;
  }

  /** ``text`` as pasted, tidied; one paragraph a line pair, or one line for ``oneLine``. */
  Paste.prototype.clean = function (text, oneLine) {
    var self = this;
    var lines = text
      .replace(/\r\n?|[\u2028\u0085\u000b\u000c]/g, "\n")
      .replace(/\u2029/g, "\n\n")
      .replace(this.invisible, "")
      .replace(/\t/g, " ")
      .replace(this.oddSpaces, " ")
      .split("\n")
      .map(function (line) { return line.trim(); });
    var paragraphs = [];
    var current = "";
    lines.forEach(function (line) {
      if (!line) {
        if (current) paragraphs.push(current);
        current = "";
      } else if (!current) {
        current = line;
      } else if (self.endsSentence(current) || self.headingStart.test(line)) {
        paragraphs.push(current);
        current = line;
      } else {
        current = self.join(current, line);
      }
    });
    if (current) paragraphs.push(current);
    paragraphs = paragraphs.map(function (paragraph) {
      // Spaces go before widening (a mark's neighbours decide it) and after (the space
      // that followed a half-width comma is not wanted after a full-width one).
      return self.tighten(self.widen(self.tighten(paragraph)));
    });
    if (!oneLine) return paragraphs.join("\n\n");
    return paragraphs.reduce(function (all, paragraph) { return all ? self.join(all, paragraph) : paragraph; }, "");
  };

  Paste.prototype.endsSentence = function (text) {
    return this.sentenceEnd.indexOf(text.charAt(text.length - 1)) >= 0;
  };

  /** Two pieces of one sentence: Latin words keep a space between them, Chinese text none. */
  Paste.prototype.join = function (before, after) {
    var last = before.charAt(before.length - 1);
    var first = after.charAt(0);
    return before + (isLatin(last) && isLatin(first) ? " " : "") + after;
  };

  /** Spaces next to Chinese text are layout (justified lines, indents): they go. */
  Paste.prototype.tighten = function (text) {
    var self = this;
    return text.replace(/ {2,}/g, " ").replace(/(.) (?=(.))/g, function (all, before, after) {
      return self.wide(before) || self.wide(after) ? before : all;
    });
  };

  Paste.prototype.wide = function (char) {
    return this.cjk.test(char) || /[\u3000-\u303f\uff00-\uffef“”‘’《》「」『』…—]/.test(char);
  };

  /** Half-width , ; : ! ? inside Chinese text, as kb import widens them, and ( ) around it. */
  Paste.prototype.widen = function (text) {
    var chars = Array.from(text);
    for (var i = 0; i < chars.length; i++) {
      var char = chars[i];
      var before = i > 0 ? chars[i - 1] : "";
      var after = i + 1 < chars.length ? chars[i + 1] : "";
      if (this.halfWidth[char]) {
        var closes = this.cjk.test(before) || /[”“）》]/.test(before);
        var opens = this.cjk.test(after) || /[“《（]/.test(after) || !after;
        if ((closes && opens) || (this.cjk.test(before) && /\S/.test(chars.slice(i + 1).join("")))) {
          chars[i] = this.halfWidth[char];
        }
      } else if (char === "(" && (this.cjk.test(before) || this.cjk.test(after))) {
        var end = chars.indexOf(")", i);
        if (end > i) {
          chars[i] = "（";
          chars[end] = "）";
        }
      }
    }
    return chars.join("");
  };

  function isLatin(char) {
    return /[A-Za-z0-9]/.test(char);
  }

  window.kbFormText = {
    Emitter: Emitter,
    Paste: Paste,
    normalizeDate: normalizeDate
  };
})();
