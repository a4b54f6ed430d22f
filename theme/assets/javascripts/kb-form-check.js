/*
 * The editors' form, checking half: the verdict kb check would give on the entry.
 *
 * - Each field against the JSON Schema of its kind, the one `kb schema` writes for code
 *   editors (compiled by Ajv, vendored under vendor/), worded with the schema's own
 *   Chinese messages where it carries them;
 * - the entry against the others, with the data the build writes under form/ (loaded
 *   with <script> tags, only the files a question needs): an id already taken, an id a
 *   practice or a study pack names that no entry has, a practice named as a practice's
 *   example, an entry listed twice in a study pack, and an entry that reads almost the
 *   same as another (a warning), computed as generator/check/similar.py computes it.
 *
 * tests/test_form_agreement.py runs a set of entries through kb check and through this
 * file and requires the same verdicts. Plain ES2017 (Chromium 69).
 */
(function () {
  "use strict";

  /* ---------------------------------------------------------------- loading */

  var pending = {};

  function slot(key) {
    var entry = pending[key];
    if (!entry) {
      entry = { started: false };
      entry.promise = new Promise(function (resolve, reject) {
        entry.resolve = resolve;
        entry.reject = reject;
      });
      pending[key] = entry;
    }
    return entry;
  }

  window.kbFormData = {
    add: function (key, data) { slot(key).resolve(data); }
  };

  function load(root, key) {
    var entry = slot(key);
    if (!entry.started) {
      entry.started = true;
      var script = document.createElement("script");
      script.src = root + key + ".js";
      script.async = true;
      script.onerror = function () { entry.reject(new Error(key)); };
      document.head.appendChild(script);
    }
    return entry.promise;
  }

  /* ------------------------------------------------------------------ CRC-32 */

  var CRC_TABLE = (function () {
    var table = [];
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table.push(c >>> 0);
    }
    return table;
  })();

  /** zlib.crc32 of the text's UTF-8 bytes, as the build computes it. */
  function crc32(text) {
    var bytes = unescape(encodeURIComponent(text));
    var crc = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) {
      crc = CRC_TABLE[(crc ^ bytes.charCodeAt(i)) & 0xff] ^ (crc >>> 8);
    }
    return (crc ^ 0xffffffff) >>> 0;
  }

  /* ----------------------------------------------------------------- checker */

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, name) {
      return values[name] === undefined ? all : String(values[name]);
    });
  }

  /** "sources[0].title", as kb check names a place in a file. */
  function pathText(path) {
    var text = "";
    path.forEach(function (part) {
      text += typeof part === "number" ? "[" + part + "]" : (text ? "." : "") + part;
    });
    return text;
  }

  /** ``description`` is the form page's (generator/form/describe.py form_model); what the
   * checks use besides (form_rules: the schemas and kb check's wording) comes from the
   * rules file of the form's data with the first check, unless ``description`` holds it. */
  function Checker(description, dataRoot, validatorAddress) {
    this.description = description;
    this.dataRoot = dataRoot;
    this.validatorAddress = validatorAddress;
    this.validatorLoaded = null;
    this.kinds = {};
    var kinds = this.kinds;
    description.kinds.forEach(function (kind) { kinds[kind.kind] = kind; });
    this.validators = {};
    this.ajv = null;
    this.edges = new RegExp("^[" + description.whitespace + "]+|[" + description.whitespace + "]+$", "g");
    if (description.schemas) this.useRules(description);
  }

  Checker.prototype.useRules = function (rules) {
    var description = Object.assign({}, this.description, rules);
    this.description = description;
    this.messages = description.messages;
    this.similar = description.similar;
    this.clauseBreak = new RegExp(description.similar.clause_break);
    this.hidden = new RegExp(description.hidden, "u");
    this.quoteCodes = new RegExp(description.quote.escaped, "u");
    this.showing = new RegExp(description.showing, "u");
    this.charNames = description.char_names;
  };

  function loadScript(address) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = address;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error(address)); };
      document.head.appendChild(script);
    });
  }

  /** Ajv and the rules, loaded with the first check: the form opens and takes typing
   * without them. */
  Checker.prototype.loadValidator = function () {
    var self = this;
    if (!this.validatorLoaded) {
      var rules = this.messages ? Promise.resolve(null) : load(this.dataRoot, "rules");
      var validator = window.ajv2020 ? Promise.resolve() : loadScript(this.validatorAddress);
      this.validatorLoaded = Promise.all([rules, validator]).then(function (found) {
        if (found[0]) self.useRules(found[0]);
      }, function (failure) {
        self.validatorLoaded = null;
        pending.rules = undefined; // a later check tries again
        throw failure;
      });
    }
    return this.validatorLoaded;
  };

  Checker.prototype.validator = function (kind) {
    if (!this.validators[kind]) {
      if (!this.ajv) {
        // Unknown keywords are the schemas' Chinese messages and editor hints; formats are
        // checked by the patterns beside them.
        this.ajv = new window.ajv2020({ allErrors: true, strict: false, validateFormats: false, verbose: true });
      }
      this.validators[kind] = this.ajv.compile(this.restore(this.description.schemas[kind]));
    }
    return this.validators[kind];
  };

  /** A schema with its shared patterns put back (generator/form/describe.py wrote them once). */
  Checker.prototype.restore = function (node) {
    var self = this;
    if (Array.isArray(node)) return node.map(function (item) { return self.restore(item); });
    if (node && typeof node === "object") {
      var keys = Object.keys(node);
      if (keys.length === 1 && keys[0] === "$p") return self.description.patterns[node.$p];
      var copy = {};
      keys.forEach(function (key) { copy[key] = self.restore(node[key]); });
      return copy;
    }
    return node;
  };

  /** The field spec at ``path`` of ``kind`` (list indexes skipped), or null. */
  Checker.prototype.field = function (kind, path) {
    var fields = this.kinds[kind].fields;
    var found = null;
    for (var i = 0; i < path.length; i++) {
      if (typeof path[i] === "number") continue;
      if (!fields) return found;
      found = null;
      for (var f = 0; f < fields.length; f++) {
        if (fields[f].name === path[i]) found = fields[f];
      }
      if (!found) return null;
      fields = found.fields;
    }
    return found;
  };

  /** The field's label as kb check names it: "做法与经过第 2 项" for a list's item. */
  Checker.prototype.label = function (kind, path) {
    var spec = this.field(kind, path);
    var label = spec ? spec.label : "内容";
    var last = path[path.length - 1];
    return typeof last === "number" ? label + "第 " + (last + 1) + " 项" : label;
  };

  Checker.prototype.problem = function (kind, path, key, values, severity) {
    var spec = this.field(kind, path);
    var words = this.messages[key];
    var all = Object.assign({ label: this.label(kind, path), help: spec ? spec.help : "" }, values || {});
    return {
      path: pathText(path),
      parts: path,
      message: format(words[0], all),
      hint: format(words[1], all),
      severity: severity || "error",
      rule: key
    };
  };

  /** Everything wrong with ``data`` on its own, one problem a place, as kb check reports. */
  Checker.prototype.schemaProblems = function (kind, data) {
    var self = this;
    var validate = this.validator(kind);
    if (validate(data)) return [];
    var best = {};
    validate.errors.forEach(function (error) {
      var path = error.instancePath.split("/").slice(1).map(function (part) {
        var name = part.replace(/~1/g, "/").replace(/~0/g, "~");
        return /^\d+$/.test(name) ? Number(name) : name;
      });
      if (error.keyword === "required") path.push(error.params.missingProperty);
      var rank = RANKS[error.keyword] === undefined ? 99 : RANKS[error.keyword];
      var key = pathText(path);
      if (!best[key] || rank < best[key].rank) best[key] = { rank: rank, error: error, path: path };
    });
    var problems = [];
    Object.keys(best).forEach(function (key) {
      var found = best[key];
      push(problems, self.describe(kind, found.path, found.error, data));
    });
    return problems;
  };

  var TEXT_RULES = { pattern: true, maxLength: true, minLength: true };

  var RANKS = {
    required: 0, not: 1, pattern: 2, maxLength: 2, minLength: 2, enum: 3, uniqueItems: 4, minItems: 5, maxItems: 6,
    const: 7, type: 8, anyOf: 9
  };

  function push(target, items) {
    for (var i = 0; i < items.length; i++) target.push(items[i]);
  }

  Checker.prototype.describe = function (kind, path, error, data) {
    var schema = error.parentSchema || {};
    var value = error.data;
    var self = this;
    var spec = this.field(kind, path);
    if (value === "" && spec && spec.shape !== "date" && spec.pattern !== this.description.slug_pattern) {
      // kb check reads "" as too short, whatever else it asks; a pick list asks for a choice.
      var picked = spec.refers && spec.refers.to !== "entries";
      return [this.problem(kind, path, picked ? "empty_pick" : "empty")];
    }
    if (TEXT_RULES[error.keyword] && spec && (spec.pattern || spec.max_length)) {
      return [this.textProblem(kind, path, spec, value)];
    }
    switch (error.keyword) {
      case "required":
        return [this.problem(kind, path, "missing")];
      case "pattern":
        if (schema.patternErrorMessage) {
          return [this.problem(kind, path, "schema", { text: schema.patternErrorMessage })];
        }
        break;
      case "not":
        if (schema.not && schema.not.enum) return [this.problem(kind, path, "reserved", { value: value })];
        if (typeof value === "string" && value.indexOf(this.description.placeholder) >= 0) {
          return [this.problem(kind, path, "placeholder", {
            value: this.quote(value.replace(this.edges, ""), 30),
            optional: spec && !spec.required ? this.messages.placeholder_optional[1] : ""
          })];
        }
        if (typeof value === "string") return [this.invisible(kind, path, value)];
        break;
      case "enum":
        if (schema.errorMessage) return [this.problem(kind, path, "schema", { text: schema.errorMessage })];
        break;
      case "minItems":
      case "maxItems":
        return [this.problem(kind, path, error.keyword === "minItems" ? "min_items" : "max_items", {
          limit: error.params.limit, count: value.length
        })];
      case "uniqueItems":
        return repeats(value).map(function (at) {
          return self.problem(kind, path.concat([at]), "repeated", {
            value: value[at], label: self.field(kind, path).label
          });
        });
    }
    if (schema.errorMessage) return [this.problem(kind, path, "schema", { text: schema.errorMessage })];
    return [this.problem(kind, path, "other")];
  };

  /** A text the schema's one pattern refuses, named as kb check names it: empty, too long,
   * or against the field's own rule (one line, no angle brackets, an id's letters). */
  Checker.prototype.textProblem = function (kind, path, spec, value) {
    var rules = this.description.pattern_rules[spec.pattern];
    var own = new RegExp(spec.pattern);
    var text = spec.stripped ? value.replace(this.edges, "") : value;
    if (spec.pattern === this.description.slug_pattern) {
      var trimmed = value.replace(this.edges, "");
      if (trimmed !== value && own.test(trimmed) && trimmed) {
        return this.problem(kind, path, "padded", { value: this.quote(value), stripped: trimmed });
      }
    } else if (!text) {
      return this.problem(kind, path, "empty");
    }
    var count = Array.from(text).length;
    if (spec.max_length && count > spec.max_length) {
      return this.problem(kind, path, "too_long", { limit: spec.max_length, count: count });
    }
    if (rules && !own.test(text)) {
      return this.problem(kind, path, "pattern", { what: rules[0], hint: rules[1], value: this.quote(value) });
    }
    return this.problem(kind, path, "other");
  };

  /** An editor's text as kb check quotes it: invisible characters spelled out, long text cut. */
  Checker.prototype.quote = function (text, limit) {
    var self = this;
    var chars = Array.from(text);
    var most = limit || this.description.quote.limit;
    var shown = chars.slice(0, most).map(function (char) {
      if (char === "\n") return "↵";
      if (!self.quoteCodes.test(char)) return char;
      var code = char.codePointAt(0).toString(16).toUpperCase();
      while (code.length < 4) code = "0" + code;
      return "<U+" + code + ">";
    }).join("");
    return shown + (chars.length > most ? "…（共 " + chars.length + " 字）" : "");
  };

  /** Positions of items equal to an earlier one. */
  function repeats(items) {
    var seen = {};
    var found = [];
    items.forEach(function (item, at) {
      if (Object.prototype.hasOwnProperty.call(seen, item)) found.push(at);
      seen[item] = true;
    });
    return found;
  }

  Checker.prototype.invisible = function (kind, path, value) {
    var found = this.hidden.exec(value);
    var chars = Array.from(value);
    var char = found ? Array.from(found[0]).pop() : "";
    var code = char ? char.codePointAt(0).toString(16).toUpperCase() : "";
    while (code.length < 4) code = "0" + code;
    var name = this.charNames[char] || (char ? "U+" + code : "");
    var offset = found ? Array.from(value.slice(0, found.index + found[0].length)).length : 0;
    var blank = !this.showing.test(value);
    return this.problem(kind, path, blank ? "blank" : "invisible", { char: name, offset: offset });
  };

  /* --------------------------------------------------------- across entries */

  /** What kb check finds when ``data``, valid on its own, joins the other entries: replacing
   * ``editing`` (the id of the entry being corrected) when there is one. As in kb check, an
   * entry with problems of its own is not compared with the others until they are fixed. */
  Checker.prototype.crossProblems = function (kind, data, editing) {
    var self = this;
    return load(this.dataRoot, "manifest").then(function (manifest) {
      var lookups = [
        self.idProblems(manifest, kind, data, editing),
        self.titleProblems(manifest, kind, data, editing),
        self.refProblems(manifest, kind, data)
      ];
      if (self.kinds[kind].entry) lookups.push(self.similarProblems(manifest, kind, data, editing));
      lookups.push(self.questionProblems(kind, data));
      return Promise.all(lookups);
    }).then(function (found) {
      return [].concat.apply([], found);
    });
  };

  /** A self-test question's own soundness, as generator/quiz.py judges it: its options and
   * answer, and an entry the pack lists as its source (whether the passage is in that entry's
   * text is left to kb check: the form has no entry's text). */
  Checker.prototype.questionProblems = function (kind, data) {
    var self = this;
    var quiz = this.description.quiz;
    var field = quiz.fields[kind];
    var problems = [];
    if (!field || !Array.isArray(data[field])) return problems;
    function say(path, key, values) {
      var words = quiz.words[key];
      problems.push({
        path: pathText(path), parts: path, rule: "quiz_" + key, severity: "error",
        message: format(words[0], values || {}), hint: format(words[1], values || {})
      });
    }
    var listed = (data.entries || []).map(function (item) { return item && item.entry; });
    var separators = new RegExp(quiz.separators, "g");
    data[field].forEach(function (question, i) {
      var at = [field, i];
      // Values as the model reads them: without the spaces around them.
      var trimmed = function (text) { return String(text).replace(self.edges, ""); };
      var options = (question.options || []).map(trimmed);
      var given = trimmed(question.answer);
      var written = given.normalize("NFKC");
      var answer = question.type === "judge" ? written.replace(self.edges, "")
        : written.replace(separators, "").toUpperCase();
      var label = quiz.types[question.type];
      if (question.type === "judge") {
        if (options.length) say(at.concat(["options"]), "judge_options");
        if (quiz.judge.indexOf(answer) < 0) say(at.concat(["answer"]), "judge_answer", { answer: answer });
      } else if (options.length < quiz.min_options[question.type]) {
        say(at.concat(["options"]), "few_options",
          { label: label, count: options.length, fewest: quiz.min_options[question.type] });
      } else if (options.some(function (option, o) { return options.indexOf(option) !== o; })) {
        say(at.concat(["options"]), "repeated_option", { label: label });
      } else {
        var usable = quiz.letters.slice(0, options.length);
        var letters = Array.from(answer);
        var distinct = letters.filter(function (letter, l) { return letters.indexOf(letter) === l; });
        if (!letters.length || letters.some(function (letter) { return usable.indexOf(letter) < 0; })) {
          say(at.concat(["answer"]), "not_a_letter",
            { answer: given, usable: usable.split("").join("、"), example: usable.charAt(1) });
        } else if (question.type === "single" && letters.length !== 1) {
          say(at.concat(["answer"]), "single_many", { answer: given });
        } else if (question.type === "multiple" && distinct.length < 2) {
          say(at.concat(["answer"]), "multiple_one");
        }
      }
      if (listed.indexOf(trimmed(question.entry)) < 0) {
        say(at.concat(["entry"]), "not_listed", { entry: trimmed(question.entry), listed: listed.join("、") });
      }
    });
    return problems;
  };

  /** The entry or study pack with this id ({id, kind, title, path}), or null. */
  Checker.prototype.entry = function (id) {
    var self = this;
    return load(this.dataRoot, "manifest").then(function (manifest) {
      return self.lookupId(manifest, id);
    }).catch(function () { return null; });
  };

  Checker.prototype.lookupId = function (manifest, id) {
    var self = this;
    var file = crc32(id) % manifest.ids;
    return load(this.dataRoot, "ids/" + file).then(function (ids) {
      if (!Object.prototype.hasOwnProperty.call(ids, id)) return null;
      var row = ids[id];
      var kind = manifest.kinds[row[0]];
      var path = manifest.prefix + self.kinds[kind].folder + "/" + id + ".yml";
      return { id: id, kind: kind, title: row[1], path: path };
    });
  };

  Checker.prototype.idProblems = function (manifest, kind, data, editing) {
    var self = this;
    var id = data.id;
    if (typeof id !== "string" || !id || id === editing) return Promise.resolve([]);
    return this.lookupId(manifest, id).then(function (other) {
      if (!other) return [];
      return [self.problem(kind, ["id"], "id_taken", { value: id, path: other.path })];
    });
  };

  /** A title another entry or study pack already has (a warning, as in kb check). */
  Checker.prototype.titleProblems = function (manifest, kind, data, editing) {
    var self = this;
    var title = typeof data.title === "string" ? data.title.replace(this.edges, "") : "";
    if (!title) return Promise.resolve([]);
    return load(this.dataRoot, "titles/" + (crc32(title) % manifest.ids)).then(function (titles) {
      var others = (Object.prototype.hasOwnProperty.call(titles, title) ? titles[title] : []).filter(function (id) {
        return id !== editing && id !== data.id;
      });
      if (!others.length) return [];
      return self.lookupId(manifest, others[0]).then(function (other) {
        return [self.problem(kind, ["title"], "repeated_title", {
          value: self.quote(title), path: other ? other.path : others[0]
        }, "warning")];
      });
    });
  };

  /** Ids a practice's examples, a pack's entries and distinct_from name, checked as kb check does. */
  Checker.prototype.refProblems = function (manifest, kind, data) {
    var self = this;
    var refs = [];
    this.kinds[kind].fields.forEach(function (spec) {
      collectRefs(spec, data[spec.name], [spec.name], refs);
    });
    var seen = {};
    // A study pack (a kind that is not an entry) lists each entry once.
    var listsEntries = !this.kinds[kind].entry;
    var slug = new RegExp(this.description.slug_pattern);
    return Promise.all(refs.map(function (ref) {
      if (typeof ref.value !== "string" || !slug.test(ref.value)) return [];
      var repeated = listsEntries && seen[ref.value];
      seen[ref.value] = true;
      if (repeated) return [self.problem(kind, ref.path, "repeated_entry", { value: ref.value })];
      return self.lookupId(manifest, ref.value).then(function (target) {
        if (!target || !self.kinds[target.kind].entry) {
          return [self.problem(kind, ref.path, "unknown_entry", { value: ref.value })];
        }
        if (ref.kinds.length && ref.kinds.indexOf(target.kind) < 0) {
          return [self.problem(kind, ref.path, "cites_practice", { value: ref.value })];
        }
        return [];
      });
    })).then(function (found) {
      return [].concat.apply([], found);
    });
  };

  function collectRefs(spec, value, path, refs) {
    if (value === undefined || value === null) return;
    if (spec.refers && spec.refers.to === "entries") {
      if (Array.isArray(value)) {
        value.forEach(function (item, i) {
          refs.push({ value: item, path: path.concat([i]), kinds: spec.refers.kinds });
        });
      } else {
        refs.push({ value: value, path: path, kinds: spec.refers.kinds });
      }
      return;
    }
    if (!spec.fields) return;
    var items = spec.shape === "list" ? value : [value];
    items.forEach(function (item, i) {
      if (!item || typeof item !== "object") return;
      spec.fields.forEach(function (inner) {
        var at = spec.shape === "list" ? path.concat([i, inner.name]) : path.concat([inner.name]);
        collectRefs(inner, item[inner.name], at, refs);
      });
    });
  }

  /** The entry's clause checksums: generator.check.similar.clauses over the same values. */
  Checker.prototype.clauses = function (kind, data) {
    var compared = this.kinds[kind].compared;
    var texts = [];
    function walk(value) {
      if (typeof value === "string") texts.push(value);
      else if (Array.isArray(value)) value.forEach(walk);
      else if (value && typeof value === "object") {
        Object.keys(value).forEach(function (key) { walk(value[key]); });
      }
    }
    // The fields the kind compares, each with everything inside it.
    Object.keys(data).forEach(function (key) {
      if (compared.indexOf(key) >= 0) walk(data[key]);
    });
    var minimum = this.similar.min_clause;
    var seen = {};
    var sums = [];
    texts.join("\n").split(this.clauseBreak).forEach(function (piece) {
      if (Array.from(piece).length < minimum) return;
      var sum = crc32(piece);
      if (!seen[sum]) {
        seen[sum] = true;
        sums.push(sum);
      }
    });
    return sums.sort(function (a, b) { return a - b; });
  };

  Checker.prototype.similarProblems = function (manifest, kind, data, editing) {
    var self = this;
    var rules = this.similar;
    var mine = this.clauses(kind, data);
    var sketch = mine.slice(0, rules.sketch);
    var encode = encoder(manifest);
    return Promise.all(sketch.map(function (value) {
      return load(self.dataRoot, "sketch/" + (value % manifest.sketch)).then(function (file) {
        return file[encode(value)];
      });
    })).then(function (groups) {
      var shared = {};
      groups.forEach(function (owners) {
        if (!owners) return; // no other entry has it, or too many do (0)
        if (owners.length + 1 > rules.common) return;
        owners.forEach(function (number) { shared[number] = (shared[number] || 0) + 1; });
      });
      var candidates = Object.keys(shared).filter(function (number) {
        return shared[number] >= rules.min_shared;
      }).map(Number);
      return Promise.all(candidates.map(function (number) {
        return self.compare(manifest, number, mine, kind, data, editing);
      }));
    }).then(function (found) {
      return [].concat.apply([], found);
    });
  };

  Checker.prototype.compare = function (manifest, number, mine, kind, data, editing) {
    var self = this;
    var chunk = Math.floor(number / manifest.chunk);
    return load(this.dataRoot, "clauses/" + chunk).then(function (rows) {
      var row = rows[number - chunk * manifest.chunk];
      var otherId = row[0];
      if (otherId === editing || otherId === data.id) return [];
      var own = data.distinct_from || [];
      if (own.indexOf(otherId) >= 0 || row[1].indexOf(data.id) >= 0) return [];
      var theirs = decode(row[2], manifest);
      var similarity = jaccard(mine, theirs);
      if (similarity < self.similar.threshold) return [];
      return self.lookupId(manifest, otherId).then(function (other) {
        return [self.problem(kind, ["title"], "similar", {
          path: other ? other.path : otherId,
          other: otherId,
          percent: Math.round(similarity * 100) + "%"
        }, "warning")];
      });
    });
  };

  function encoder(manifest) {
    return function (value) {
      var text = "";
      for (var shift = manifest.digits - 1; shift >= 0; shift--) {
        text += manifest.alphabet.charAt(Math.floor(value / Math.pow(64, shift)) % 64);
      }
      return text;
    };
  }

  function decode(text, manifest) {
    var values = [];
    for (var i = 0; i < text.length; i += manifest.digits) {
      var value = 0;
      for (var d = 0; d < manifest.digits; d++) value = value * 64 + manifest.alphabet.indexOf(text.charAt(i + d));
      values.push(value);
    }
    return values;
  }

  function jaccard(a, b) {
    var inB = {};
    b.forEach(function (value) { inB[value] = true; });
    var shared = a.filter(function (value) { return inB[value]; }).length;
    var union = a.length + b.length - shared;
    return union ? shared / union : 0;
  }

  /** Every problem kb check would report about the entry, errors and warnings. */
  Checker.prototype.check = function (kind, data, editing) {
    var self = this;
    return this.loadValidator().then(function () {
      var own = self.schemaProblems(kind, data);
      if (own.length) return own;
      return self.crossProblems(kind, data, editing).catch(self.noData.bind(self));
    });
  };

  Checker.prototype.noData = function () {
    return [{
      path: "", parts: [], rule: "no_data", severity: "warning",
      message: this.messages.no_data[0], hint: this.messages.no_data[1]
    }];
  };

  window.kbFormCheck = { Checker: Checker, crc32: crc32, pathText: pathText };
})();
