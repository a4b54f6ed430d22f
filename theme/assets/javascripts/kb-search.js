/* Knowledge-base search: ranked Chinese full-text search with facets, fully offline.
 *
 * The index is built at build time (generator/search/) and split into small
 * script files that call kbSearch.add(key, data). Loading them with <script>
 * tags works from a web server and from a folder opened on disk, where fetch()
 * is not allowed. A query loads only the posting files of its own tokens and
 * the metadata of the entries it shows.
 *
 * Text from the index is only ever inserted with textContent, never as markup.
 *
 * The facts the build writes the index with are read from the site, never kept here: how text
 * is tokenised from search/tokeniser.js, the weight bits and the study packs' kind from the
 * manifest, the facet keys links use from the page (tests/test_tokeniser_contract.py).
 *
 * Readers' browsers may be old (Chromium 69 and similar): no Unicode property
 * escapes, optional chaining, nullish coalescing or regex lookbehind here.
 */
(function () {
  "use strict";

  /* ---------------------------------------------------------------- loading */

  const pending = new Map();

  function slot(key) {
    let entry = pending.get(key);
    if (!entry) {
      entry = { started: false };
      entry.promise = new Promise(function (resolve, reject) {
        entry.resolve = resolve;
        entry.reject = reject;
      });
      pending.set(key, entry);
    }
    return entry;
  }

  window.kbSearch = {
    add: function (key, data) {
      slot(key).resolve(data);
    },
  };

  function load(root, key) {
    const entry = slot(key);
    if (!entry.started) {
      entry.started = true;
      const script = document.createElement("script");
      script.src = root + key + ".js";
      script.async = true;
      script.onerror = function () {
        entry.reject(new Error("检索数据加载失败：" + key));
      };
      document.head.appendChild(script);
    }
    return entry.promise;
  }

  /* -------------------------------------------------------------- tokeniser */
  /*
   * The query half of the contract in generator/segment.py; the cases in
   * tests/fixtures/tokeniser-cases.json are checked against both.
   */

  const OTHER = 0, LATIN = 1, CJK = 2;

  /**
   * How text is read, from search/tokeniser.js, which the build writes from generator/segment.py:
   * the code points of Chinese and of Latin token characters, the shortest dictionary word, and
   * the characters folded to their Simplified form (學習 is 学习). The engine loads it with the
   * manifest, before it reads any query; this script knows none of it by itself.
   */
  let reading = null;

  slot("tokeniser").promise.then(function (data) {
    const folds = new Map();
    const chars = Array.from(data.folds);
    for (let i = 0; i + 1 < chars.length; i += 2) folds.set(chars[i], chars[i + 1]);
    reading = { cjk: data.cjk, latin: data.latin, minWord: data.minWord, folds: folds };
  });

  function rules() {
    if (!reading) throw new Error("检索数据尚未加载：tokeniser");
    return reading;
  }

  function within(codePoint, ranges) {
    for (let i = 0; i < ranges.length; i++) {
      if (codePoint >= ranges[i][0] && codePoint <= ranges[i][1]) return true;
    }
    return false;
  }

  function charClass(codePoint, read) {
    if (within(codePoint, read.latin)) return LATIN;
    if (within(codePoint, read.cjk)) return CJK;
    return OTHER;
  }

  /** NFKC, lower case, then Simplified characters (segment.normalize). */
  function normalize(text) {
    const folds = rules().folds;
    return Array.from(text.normalize("NFKC").toLowerCase(), function (char) {
      return folds.has(char) ? folds.get(char) : char;
    }).join("");
  }

  /**
   * Terms of a query: runs of Chinese characters and ASCII letters and digits,
   * anything else separating them. A term's tokens are what an entry must hold:
   * each lone Chinese character, each pair of neighbouring ones, each Latin word.
   */
  function parseQuery(query) {
    const read = rules();
    const classOf = function (char) { return charClass(char.codePointAt(0), read); };
    const terms = [];
    const chars = Array.from(normalize(query));
    let i = 0;
    while (i < chars.length) {
      if (classOf(chars[i]) === OTHER) {
        i++;
        continue;
      }
      const tokens = [];
      const seen = new Set();
      const add = function (token) {
        if (!seen.has(token)) {
          seen.add(token);
          tokens.push(token);
        }
      };
      const start = i;
      let pieces = 0;
      let lastKind = OTHER;
      while (i < chars.length) {
        const kind = classOf(chars[i]);
        if (kind === OTHER) break;
        const from = i;
        while (i < chars.length && classOf(chars[i]) === kind) i++;
        const run = chars.slice(from, i);
        if (kind === LATIN || run.length === 1) add(run.join(""));
        else for (let k = 0; k + 1 < run.length; k++) add(run[k] + run[k + 1]);
        pieces++;
        lastKind = kind;
      }
      const text = chars.slice(start, i).join("");
      const word = pieces === 1 && lastKind === CJK && i - start >= read.minWord ? text : null;
      terms.push({ text: text, tokens: tokens, word: word });
    }
    return terms;
  }

  window.kbSearch.normalize = normalize;
  /** The terms of a query with their tokens, as the index is asked for them. */
  window.kbSearch.parse = function (query) {
    return parseQuery(query).map(function (t) { return { text: t.text, tokens: t.tokens, word: t.word }; });
  };

  /* --------------------------------------------------------------- decoding */

  function bucketOf(token, buckets) {
    let hash = 2166136261;
    for (const char of token) {
      hash = Math.imul(hash ^ char.codePointAt(0), 16777619) >>> 0;
    }
    return hash % buckets;
  }

  function decodePostings(text, digits) {
    const docs = [];
    const weights = [];
    let doc = -1;
    let i = 0;
    while (i < text.length) {
      let value = 0;
      let shift = 0;
      let digit;
      do {
        digit = digits[text.charCodeAt(i++)];
        value += (digit & 31) * Math.pow(2, shift);
        shift += 5;
      } while (digit & 32);
      doc += value + 1;
      docs.push(doc);
      weights.push(digits[text.charCodeAt(i++)]);
    }
    return { docs: docs, weights: weights };
  }

  function decodeColumn(column, digits, count) {
    const values = new Array(count);
    for (let d = 0; d < count; d++) {
      let value = 0;
      for (let k = 0; k < column.width; k++) {
        value = value * 64 + digits[column.codes.charCodeAt(d * column.width + k)];
      }
      values[d] = value;
    }
    return values;
  }

  function decodeBitColumn(column, digits, count, bits) {
    const sets = new Array(count);
    for (let d = 0; d < count; d++) {
      const members = [];
      for (let bit = 0; bit < bits; bit++) {
        const position = d * column.width + column.width - 1 - Math.floor(bit / 6);
        if (digits[column.codes.charCodeAt(position)] & (1 << bit % 6)) members.push(bit);
      }
      sets[d] = members;
    }
    return sets;
  }

  /** Base postings without the entries the overlay replaces, merged with the overlay's. */
  function mergePostings(base, extra, masked) {
    const docs = [];
    const weights = [];
    let i = 0;
    let j = 0;
    while (i < base.docs.length || j < extra.docs.length) {
      if (i < base.docs.length && masked[base.docs[i]]) {
        i++;
      } else if (j >= extra.docs.length || (i < base.docs.length && base.docs[i] < extra.docs[j])) {
        docs.push(base.docs[i]);
        weights.push(base.weights[i++]);
      } else {
        docs.push(extra.docs[j]);
        weights.push(extra.weights[j++]);
      }
    }
    return { docs: docs, weights: weights };
  }

  /* ---------------------------------------------------------------- engine */

  function Engine(root) {
    this.root = root;
    this.ready = Promise.all([load(root, "manifest"), load(root, "tokeniser")]).then(function (loaded) {
      return this.prepare(loaded[0]);
    }.bind(this));
    this.meta = new Map();
    this.facetsLoaded = null;
    this.facetsReady = false;
  }

  Engine.prototype.prepare = function (manifest) {
    const self = this;
    this.manifest = manifest;
    this.digits = new Int8Array(128).fill(-1);
    for (let i = 0; i < manifest.alphabet.length; i++) {
      this.digits[manifest.alphabet.charCodeAt(i)] = i;
    }
    this.slots = manifest.docs;
    this.fields = manifest.fields;
    // Which bits of a posting's weight say where the token occurs, and which how often.
    this.weights = manifest.weights;
    this.facetOrder = manifest.facetOrder;
    this.facets = {};
    this.facetOrder.forEach(function (key) {
      const facet = manifest.facets[key];
      self.facets[key] = {
        key: key, label: facet.label, ids: facet.values, labels: facet.labels, multiple: !!facet.multiple, of: null,
      };
    });
    this.packs = new Set(manifest.packs || []);
    const kinds = manifest.facets.kind;
    this.packLabel = kinds.labels[kinds.values.indexOf(manifest.packKind)];
    this.overlay = null;
    this.gone = new Uint8Array(this.slots);
    this.count = this.slots;
    if (!manifest.delta) return this;
    // A preview after an edit: the overlay says which entries changed since the base files.
    return load(this.root, "delta").then(function (delta) {
      const masked = new Uint8Array(self.slots);
      delta.masked.forEach(function (doc) { masked[doc] = 1; });
      delta.gone.forEach(function (doc) { self.gone[doc] = 1; });
      self.count = self.slots - delta.gone.length;
      self.overlay = {
        shards: delta.shards,
        masked: masked,
        order: decodeColumn(delta.order, self.digits, self.slots),
      };
      return self;
    });
  };

  /** Where an entry stands in the site's listing order (kind, then title). */
  Engine.prototype.orderOf = function (doc) {
    return this.overlay ? this.overlay.order[doc] : doc;
  };

  /** Every entry, in listing order. */
  Engine.prototype.listing = function () {
    const all = [];
    for (let d = 0; d < this.slots; d++) if (!this.gone[d]) all.push(d);
    if (this.overlay) {
      const order = this.overlay.order;
      all.sort(function (a, b) { return order[a] - order[b]; });
    }
    return all;
  };

  /**
   * The facet table (every entry's kind, type, themes, region, year), loaded only when
   * filtering or counting needs it: a plain query does not pay for it.
   */
  Engine.prototype.withFacets = function () {
    const self = this;
    if (!this.facetsLoaded) {
      this.facetsLoaded = load(this.root, "facets").then(function (columns) {
        self.facetOrder.forEach(function (key) {
          const facet = self.facets[key];
          facet.of = facet.multiple
            ? decodeBitColumn(columns[key], self.digits, self.slots, facet.ids.length)
            : decodeColumn(columns[key], self.digits, self.slots).map(function (v) { return [v]; });
        });
        self.facetsReady = true;
        return self;
      });
    }
    return this.facetsLoaded;
  };

  Engine.prototype.postings = function (token) {
    const digits = this.digits;
    const base = load(this.root, "p/" + bucketOf(token, this.manifest.buckets)).then(function (data) {
      return decodePostings(Object.prototype.hasOwnProperty.call(data, token) ? data[token] : "", digits);
    });
    const overlay = this.overlay;
    if (!overlay) return base;
    const extra = load(this.root, "d/" + bucketOf(token, overlay.shards)).then(function (data) {
      return decodePostings(Object.prototype.hasOwnProperty.call(data, token) ? data[token] : "", digits);
    });
    return Promise.all([base, extra]).then(function (both) {
      return mergePostings(both[0], both[1], overlay.masked);
    });
  };

  /** Every entry matching all terms, best first (see rank). */
  Engine.prototype.match = function (terms) {
    const self = this;
    const tokens = new Set();
    terms.forEach(function (term) {
      term.tokens.forEach(function (t) { tokens.add(t); });
      if (term.word) tokens.add(term.word);
    });
    const lists = new Map();
    return Promise.all(
      Array.from(tokens).map(function (token) {
        return self.postings(token).then(function (list) { lists.set(token, list); });
      })
    ).then(function () {
      return self.rank(terms, lists);
    });
  };

  /**
   * The one ranking of results, over every match at once, so that showing more
   * results only appends to what is shown. The index records facts (how often a
   * token occurs, and whether in the title, summary or a heading); the order is
   * decided here alone:
   *
   * 1. more terms found in the title (every token of the term marked as in it),
   * 2. then more terms found in the summary,
   * 3. then more terms found as a whole dictionary word,
   * 4. then the score: for each token, its rarity (idf) times its frequency grade,
   *    plus 2 when it occurs in a heading,
   * 5. then the site's listing order.
   */
  Engine.prototype.rank = function (terms, lists) {
    const total = this.count;
    let matches = null;
    for (const term of terms) {
      const found = this.matchTerm(term, lists, total);
      if (matches === null) {
        matches = found;
      } else {
        const joined = new Map();
        found.forEach(function (hit, doc) {
          const earlier = matches.get(doc);
          if (!earlier) return;
          joined.set(doc, {
            doc: doc,
            title: earlier.title + hit.title,
            summary: earlier.summary + hit.summary,
            words: earlier.words + hit.words,
            score: earlier.score + hit.score,
          });
        });
        matches = joined;
      }
      if (matches.size === 0) break;
    }
    const self = this;
    const ranked = Array.from(matches ? matches.values() : []);
    ranked.sort(function (a, b) {
      return (
        b.title - a.title ||
        b.summary - a.summary ||
        b.words - a.words ||
        b.score - a.score ||
        self.orderOf(a.doc) - self.orderOf(b.doc)
      );
    });
    return ranked.map(function (hit) { return hit.doc; });
  };

  /** The entries holding every token of one term, with what rank needs to know of each. */
  Engine.prototype.matchTerm = function (term, lists, total) {
    const bits = this.weights;
    let hits = null;
    for (const token of term.tokens) {
      const list = lists.get(token);
      const idf = Math.log(1 + total / Math.max(1, list.docs.length));
      const next = new Map();
      for (let i = 0; i < list.docs.length; i++) {
        const doc = list.docs[i];
        const earlier = hits === null ? null : hits.get(doc);
        if (hits !== null && !earlier) continue;
        const weight = list.weights[i];
        const score = idf * ((weight & bits.grade) + (weight & bits.heading ? 2 : 0));
        next.set(doc, {
          doc: doc,
          title: (earlier ? earlier.title : 1) & (weight & bits.title ? 1 : 0),
          summary: (earlier ? earlier.summary : 1) & (weight & bits.summary ? 1 : 0),
          words: 0,
          score: (earlier ? earlier.score : 0) + score,
        });
      }
      hits = next;
    }
    if (term.word) {
      const word = lists.get(term.word);
      for (const doc of word.docs) {
        const hit = hits.get(doc);
        if (hit) hit.words = 1;
      }
    }
    return hits;
  };

  Engine.prototype.metaOf = function (docs) {
    const self = this;
    const chunk = this.manifest.chunk;
    const fields = this.fields;
    const wanted = Array.from(new Set(docs.map(function (d) { return Math.floor(d / chunk); })));
    return Promise.all(
      wanted.map(function (n) {
        return load(self.root, "m/" + n).then(function (rows) {
          rows.forEach(function (row, i) {
            if (row === null) return; // a number whose entry was deleted during a preview
            const meta = {};
            fields.forEach(function (field, f) { meta[field] = row[f]; });
            self.meta.set(n * chunk + i, meta);
          });
        });
      })
    ).then(function () {
      return docs.map(function (d) { return self.meta.get(d); });
    });
  };

  Engine.prototype.text = function (doc) {
    return load(this.root, "t/" + doc);
  };

  /** Facet filter: within a facet any chosen value, across facets all of them. */
  Engine.prototype.passes = function (doc, filters, except) {
    if (!this.facetsReady) return true; // nothing chosen yet, nothing loaded
    for (const key of this.facetOrder) {
      if (key === except) continue;
      const chosen = filters[key];
      if (!chosen || chosen.size === 0) continue;
      const facet = this.facets[key];
      if (!facet.of[doc].some(function (v) { return chosen.has(facet.ids[v]); })) return false;
    }
    return true;
  };

  /** For each facet key, how many of these entries have each value (other facets' filters applied). */
  Engine.prototype.counts = function (docs, filters) {
    const counts = {};
    for (const key of this.facetOrder) {
      const facet = this.facets[key];
      const values = new Array(facet.ids.length).fill(0);
      for (const doc of docs) {
        if (!this.passes(doc, filters, key)) continue;
        for (const v of facet.of[doc]) values[v]++;
      }
      counts[key] = values;
    }
    return counts;
  };

  /* ------------------------------------------------------------ highlighting */

  /** Each character as normalize makes it, remembered: highlighting reads every character of a text. */
  const normalizedChars = new Map();

  function normalizedChar(char) {
    let plain = normalizedChars.get(char);
    if (plain === undefined) {
      plain = normalize(char);
      normalizedChars.set(char, plain);
    }
    return plain;
  }

  /**
   * The text normalised as queries are, with where each normalised character came
   * from, so that matches found in it can be marked in the original text.
   */
  function folded(text) {
    let out = "";
    const from = [];
    let position = 0;
    for (const char of text) {
      const plain = normalizedChar(char);
      for (let k = 0; k < plain.length; k++) from.push(position);
      out += plain;
      position += char.length;
    }
    from.push(position);
    return { text: out, from: from };
  }

  function occurrences(text, terms) {
    const fold = folded(text);
    const marks = [];
    for (const term of terms) {
      let at = 0;
      for (;;) {
        at = fold.text.indexOf(term.text, at);
        if (at < 0) break;
        const end = at + term.text.length;
        if (fold.from[end] > fold.from[at]) marks.push([fold.from[at], fold.from[end]]);
        at = end;
      }
    }
    marks.sort(function (a, b) { return a[0] - b[0]; });
    return marks;
  }

  function highlighted(text, terms) {
    const fragment = document.createDocumentFragment();
    let position = 0;
    for (const mark of occurrences(text, terms)) {
      if (mark[0] < position) continue;
      fragment.append(text.slice(position, mark[0]));
      const element = document.createElement("mark");
      element.textContent = text.slice(mark[0], mark[1]);
      fragment.append(element);
      position = mark[1];
    }
    fragment.append(text.slice(position));
    return fragment;
  }

  function snippet(text, terms) {
    const marks = occurrences(text, terms);
    if (!marks.length) return null;
    const start = Math.max(0, marks[0][0] - 30);
    const end = Math.min(text.length, start + 110);
    return (start > 0 ? "…" : "") + text.slice(start, end).replace(/\n/g, " ") + (end < text.length ? "…" : "");
  }

  /* ------------------------------------------------------------------- state */

  /**
   * Characters of a query that are searched. Each character adds up to two posting files to
   * load (its own and the pair it starts); a long pasted text would load nearly all of them.
   */
  const MAX_QUERY = 50;

  /**
   * No value chosen of any facet. ``keys`` are the facet keys as links write them, from the
   * page's search form (data-facet-keys), since the explorer reads its address before the
   * manifest, which describes each facet under the same key, has loaded. Filters hold the
   * keys in that order, which is the order links write them in.
   */
  function emptyFilters(keys) {
    const filters = {};
    keys.forEach(function (key) { filters[key] = new Set(); });
    return filters;
  }

  /**
   * The text with each lone half of a surrogate pair (pasted from a damaged document, or cut
   * in the middle of a character) replaced by U+FFFD, which encodeURIComponent refuses.
   */
  function wellFormed(text) {
    let out = "";
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
        const next = text.charCodeAt(i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) {
          out += text.charAt(i) + text.charAt(i + 1);
          i++;
          continue;
        }
      }
      out += code >= 0xd800 && code <= 0xdfff ? "\ufffd" : text.charAt(i);
    }
    return out;
  }

  function encoded(text) {
    return encodeURIComponent(wellFormed(text));
  }

  function stateToHash(query, filters) {
    const parts = [];
    if (query) parts.push("q=" + encoded(query));
    Object.keys(filters).forEach(function (key) {
      if (filters[key].size) {
        parts.push(key + "=" + Array.from(filters[key]).map(encoded).join(","));
      }
    });
    return parts.join("&");
  }

  /**
   * How many entries and study packs, as the site says it everywhere: "13 个条目、2 个学习专题"
   * (generator.report.count_phrase; tests/test_counts.py holds the two to the same text).
   */
  function countPhrase(entries, packs, packLabel) {
    const parts = entries || !packs ? [entries + " 个条目"] : [];
    if (packs) parts.push(packs + " 个" + packLabel);
    return parts.join("、");
  }

  /** A hand-edited or truncated link (say "#q=100%") keeps its text instead of breaking the page. */
  function decoded(text) {
    try {
      return decodeURIComponent(text);
    } catch (error) {
      return text;
    }
  }

  /**
   * The query and filters a link gives, filters under the facet ``keys`` (see emptyFilters);
   * ``ignored`` names what it asks for that the explorer does not know (a key such as
   * "__proto__", read as nothing more than text).
   */
  function stateFromLocation(keys) {
    const filters = emptyFilters(keys);
    const ignored = [];
    let query = "";
    const sources = [location.search.replace(/^\?/, ""), location.hash.replace(/^#/, "")];
    for (const source of sources) {
      for (const part of source.split("&")) {
        const eq = part.indexOf("=");
        if (eq < 0) continue;
        const key = decoded(part.slice(0, eq));
        const value = decoded(part.slice(eq + 1).replace(/\+/g, " "));
        if (key === "q") query = value;
        else if (keys.indexOf(key) >= 0) value.split(",").filter(Boolean).forEach(function (v) { filters[key].add(v); });
        else if (source === sources[1]) ignored.push("“" + key + "”");
      }
    }
    return { query: query, filters: filters, ignored: ignored };
  }

  /* ---------------------------------------------------------------------- UI */

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /** Runs fn as soon as typing starts, then once more after each pause of DEBOUNCE ms. */
  function debounced(fn) {
    let timer = 0;
    let last = -Infinity;
    return function () {
      clearTimeout(timer);
      if (performance.now() - last > DEBOUNCE) {
        last = performance.now();
        fn();
      } else {
        timer = setTimeout(function () {
          last = performance.now();
          fn();
        }, DEBOUNCE);
      }
    };
  }

  const PAGE = 10;
  const DEBOUNCE = 60;
  /* Milliseconds of quiet typing before a query runs: no flicker, no wasted work. */

  /**
   * One search view: a query box, facets with counts, and ranked results.
   * mode "panel" drops down from the header; mode "page" fills the explorer page.
   */
  function SearchView(options) {
    this.engine = options.engine;
    this.siteRoot = options.siteRoot;
    this.explorerUrl = options.explorerUrl;
    this.input = options.input;
    this.container = options.container;
    this.mode = options.mode;
    this.query = "";
    this.filters = emptyFilters(options.facetKeys);
    this.generation = 0;
    this.build();
  }

  SearchView.prototype.build = function () {
    const self = this;
    this.container.textContent = "";
    this.status = element("p", "kb-search__status");
    this.status.setAttribute("role", "status");
    this.notice = element("p", "kb-search__notice");
    this.notice.hidden = true;
    this.facetBox = element("div", "kb-facets");
    this.results = element("ol", "kb-results");
    this.more = element("button", "kb-results__more md-button", "显示更多");
    this.more.type = "button";
    this.more.hidden = true;
    this.more.addEventListener("click", this.showMore.bind(this));
    const main = element("div", "kb-search__main");
    if (this.mode === "panel") {
      // In the drop-down, results come first; the facets fold away until asked for.
      const fold = element("details", "kb-search__filters");
      // Named after the facets once the manifest says what they are (SearchView.update).
      this.foldSummary = element("summary", "", "筛选");
      fold.append(this.foldSummary, this.facetBox);
      fold.addEventListener("toggle", function () {
        if (fold.open && self.found) self.update();
      });
      this.fold = fold;
      this.share = element("a", "kb-search__share", "在检索页打开（可复制链接分享）");
      main.append(this.notice, this.status, fold, this.results, this.more, this.share);
      this.container.append(main);
    } else {
      // On the explorer the facets fold too: open beside the results on a wide screen,
      // folded above them on a phone, so that the number found is on the first screen.
      const filters = element("details", "kb-explorer__filters");
      const summary = element("summary", "", "筛选");
      this.chosenNote = element("span", "kb-explorer__chosen");
      summary.append(this.chosenNote);
      filters.append(summary, this.facetBox);
      const wide = window.matchMedia ? window.matchMedia("(min-width: 45em)") : null;
      filters.open = !wide || wide.matches;
      if (wide && wide.addListener) {
        wide.addListener(function () { filters.open = wide.matches; });
      }
      main.append(this.notice, this.status, this.results, this.more);
      this.container.append(filters, main);
    }
  };

  /** Shows the state a link gives; ``ignored`` names what of it was not understood. */
  SearchView.prototype.setState = function (query, filters, ignored) {
    this.query = query;
    this.filters = filters;
    this.input.value = query;
    this.ignored = ignored || [];
    return this.update();
  };

  SearchView.prototype.toggle = function (key, value) {
    const chosen = this.filters[key];
    if (chosen.has(value)) chosen.delete(value);
    else chosen.add(value);
    this.update();
  };

  SearchView.prototype.hash = function () {
    return stateToHash(this.query, this.filters);
  };

  SearchView.prototype.update = function () {
    const self = this;
    const generation = ++this.generation;
    const notes = this.takeQueryNotes();
    this.showNotes(notes);
    this.onChange && this.onChange();
    if (this.share) this.share.href = this.explorerUrl + "#" + this.hash();
    return this.engine.ready
      .then(function (engine) {
        if (generation !== self.generation) return null;
        // Read once the tokeniser file has loaded with the manifest (see parseQuery).
        const terms = parseQuery(self.query);
        if (self.foldSummary) {
          self.foldSummary.textContent = "筛选：" + engine.facetOrder.map(function (key) {
            return engine.facets[key].label;
          }).join("、");
        }
        const unknown = self.dropUnknownValues(engine);
        if (unknown.length) {
          // Offered no way to undo, a filter nothing has would just show nothing.
          notes.push("网址中的筛选条件在本站没有，已去掉：" + unknown.join("、") + "。");
          self.showNotes(notes);
          self.onChange && self.onChange();
          if (self.share) self.share.href = self.explorerUrl + "#" + self.hash();
        }
        if (!terms.length) {
          if (self.mode === "panel") return null;
          return { matched: engine.listing(), terms: terms };
        }
        return engine.match(terms).then(function (ranked) {
          return { matched: ranked, terms: terms };
        });
      })
      .then(function (found) {
        if (found === null || !self.needsFacets()) return found;
        return self.engine.withFacets().then(function () { return found; });
      })
      .then(function (found) {
        if (generation !== self.generation) return;
        if (found === null) {
          self.clear();
          return;
        }
        self.found = found;
        self.renderFacets();
        return self.renderResults();
      })
      .catch(function (error) {
        if (generation !== self.generation) return;
        self.status.textContent = "检索暂时不可用：" + error.message;
      });
  };

  /**
   * Makes the query one that can be searched and written into an address (no lone surrogate,
   * at most MAX_QUERY characters); what that changed, and what the link gave that was not
   * understood, as notes for the reader.
   */
  SearchView.prototype.takeQueryNotes = function () {
    const notes = [];
    const chars = Array.from(wellFormed(this.query));
    if (chars.length > MAX_QUERY) {
      notes.push("检索词最多 " + MAX_QUERY + " 个字，只按前 " + MAX_QUERY + " 个字检索。");
    }
    this.query = chars.slice(0, MAX_QUERY).join("");
    if (this.ignored && this.ignored.length) {
      notes.push("网址中有检索页不认识的条件，已忽略：" + this.ignored.join("、") + "。");
    }
    this.ignored = null; // said once, for the link that brought it
    return notes;
  };

  /** Takes out of the filters each value the index does not have; what it took, for a note. */
  SearchView.prototype.dropUnknownValues = function (engine) {
    const unknown = [];
    const filters = this.filters;
    Object.keys(filters).forEach(function (key) {
      const facet = engine.facets[key];
      if (!facet) return;
      Array.from(filters[key]).forEach(function (value) {
        if (facet.ids.indexOf(value) >= 0) return;
        filters[key].delete(value);
        unknown.push(facet.label + "“" + value + "”");
      });
    });
    return unknown;
  };

  SearchView.prototype.showNotes = function (notes) {
    this.notice.textContent = notes.join(" ");
    this.notice.hidden = !notes.length;
  };

  /** Facets are loaded for the explorer, once filters are shown, or when any is chosen. */
  SearchView.prototype.needsFacets = function () {
    const filters = this.filters;
    return (
      this.mode === "page" ||
      (this.fold && this.fold.open) ||
      Object.keys(filters).some(function (key) { return filters[key].size > 0; })
    );
  };

  SearchView.prototype.clear = function () {
    this.found = null;
    this.facetBox.textContent = "";
    this.results.textContent = "";
    this.status.textContent = "";
    this.more.hidden = true;
  };

  SearchView.prototype.visible = function () {
    const engine = this.engine;
    const filters = this.filters;
    return this.found.matched.filter(function (doc) { return engine.passes(doc, filters, null); });
  };

  SearchView.prototype.renderFacets = function () {
    const self = this;
    const engine = this.engine;
    // A facet chosen from the keyboard keeps the focus through the re-render.
    const focused = document.activeElement;
    const refocus = focused && this.facetBox.contains(focused) && focused.dataset.facet
      ? { facet: focused.dataset.facet, value: focused.dataset.value }
      : null;
    this.facetBox.textContent = "";
    if (this.chosenNote) {
      const chosen = Object.keys(this.filters).reduce(function (sum, key) { return sum + self.filters[key].size; }, 0);
      this.chosenNote.textContent = chosen ? "（已选 " + chosen + " 项）" : "";
    }
    if (!engine.facetsReady) return;
    const counts = engine.counts(this.found.matched, this.filters);
    engine.facetOrder.forEach(function (key) {
      const facet = engine.facets[key];
      const group = element("fieldset", "kb-facet");
      group.dataset.facet = key;
      group.append(element("legend", "kb-facet__label", facet.label));
      const list = element("div", "kb-facet__options");
      facet.ids.forEach(function (id, v) {
        const chosen = self.filters[key].has(id);
        if (!counts[key][v] && !chosen) return;
        const option = element("button", "kb-facet__option");
        option.type = "button";
        option.dataset.facet = key;
        option.dataset.value = id;
        option.setAttribute("aria-pressed", chosen ? "true" : "false");
        option.append(element("span", "kb-facet__name", facet.labels[v]));
        option.append(element("span", "kb-facet__count", String(counts[key][v])));
        option.addEventListener("click", function () { self.toggle(key, id); });
        list.append(option);
      });
      // A facet with a single value cannot narrow anything; keep it only to undo a choice.
      if (list.childElementCount > 1 || self.filters[key].size) {
        group.append(list);
        self.facetBox.append(group);
      }
    });
    if (refocus) {
      const options = Array.from(this.facetBox.querySelectorAll("button.kb-facet__option"));
      const same = options.filter(function (o) {
        return o.dataset.facet === refocus.facet && o.dataset.value === refocus.value;
      })[0];
      // The value may have gone (no entry left has it): its facet's first option, or the first.
      const near = same || options.filter(function (o) { return o.dataset.facet === refocus.facet; })[0] || options[0];
      if (near) near.focus();
    }
  };

  /** A new list of results: the first page of it, in the one order rank gave. */
  SearchView.prototype.renderResults = function () {
    const engine = this.engine;
    const terms = this.found.terms;
    const visible = this.visible();
    this.results.textContent = "";
    this.more.hidden = true;
    this.listed = visible;
    this.rendered = 0;
    this.appended = Promise.resolve();
    const packs = visible.filter(function (doc) { return engine.packs.has(doc); }).length;
    const counted = countPhrase(visible.length - packs, packs, engine.packLabel);
    this.status.textContent = terms.length
      ? (visible.length ? "找到 " + counted : "没有找到包含“" + this.query.trim() + "”的条目")
      : "共 " + counted;
    return this.appendResults(PAGE);
  };

  /** The next ``count`` results, added below those shown; earlier ones never move. */
  SearchView.prototype.appendResults = function (count) {
    const self = this;
    const engine = this.engine;
    const terms = this.found.terms;
    const found = this.found;
    const generation = this.generation;
    const listed = this.listed;
    const page = listed.slice(this.rendered, this.rendered + count);
    this.rendered += page.length;
    const rendered = this.rendered;
    const metas = engine.metaOf(page);
    // Pages are appended in the order they were asked for, whichever loads first.
    this.appended = Promise.all([this.appended, metas]).then(function (done) {
      // A newer query or filter may have answered while these entries were loading.
      if (generation !== self.generation || found !== self.found) return;
      done[1].forEach(function (meta, i) { self.results.append(self.resultItem(page[i], meta, terms)); });
      self.more.hidden = listed.length <= rendered;
      // Marks which query the list answers, for integrations waiting on a result.
      self.results.dataset.query = self.query;
    });
    return this.appended;
  };

  SearchView.prototype.resultItem = function (doc, meta, terms) {
    const engine = this.engine;
    const kind = engine.facets.kind;
    const org = engine.facets.org;
    const theme = engine.facets.theme;
    const item = element("li", "kb-result");
    const link = element("a", "kb-result__link");
    link.href = this.siteRoot + meta.url;
    link.setAttribute("data-search-result", "");
    const title = element("span", "kb-result__title");
    title.append(highlighted(meta.title, terms));
    const facts = element("span", "kb-result__meta");
    facts.append(element("span", "kb-badge kb-badge--" + kind.ids[meta.kind], kind.labels[meta.kind]));
    // A study pack has no organization type or themes of its own: its kind says what it is.
    if (meta.org !== null) facts.append(element("span", "kb-result__org", org.labels[meta.org]));
    if (meta.theme.length) {
      facts.append(element("span", "kb-result__themes", meta.theme.map(function (t) { return theme.labels[t]; }).join("、")));
    }
    const summary = element("span", "kb-result__summary");
    summary.append(highlighted(meta.summary, terms));
    const snip = element("span", "kb-result__snippet");
    link.append(title, facts, summary, snip);
    item.append(link);
    if (terms.length && !occurrences(meta.summary, terms).length) {
      engine.text(doc).then(function (text) {
        const excerpt = snippet(text, terms);
        if (excerpt) snip.append(highlighted(excerpt, terms));
      });
    }
    return item;
  };

  SearchView.prototype.showMore = function () {
    this.appendResults(PAGE * 2);
  };

  /* ----------------------------------------------------------------- wiring */

  function start() {
    const form = document.querySelector("form.kb-search");
    if (!form) return;
    const searchRoot = form.dataset.searchRoot;
    const engineHolder = { engine: null };
    function engine() {
      if (!engineHolder.engine) engineHolder.engine = new Engine(searchRoot);
      return engineHolder.engine;
    }
    const facetKeys = form.dataset.facetKeys.split(" ");
    const options = {
      facetKeys: facetKeys,
      siteRoot: form.dataset.siteRoot,
      explorerUrl: form.action.split("?")[0].split("#")[0],
    };
    // The manifest is a few kilobytes: fetch it while the reader is still reading, so
    // the first query starts with the posting files it needs.
    (window.requestIdleCallback || setTimeout)(function () { engine(); });

    /**
     * For integrations and checks. search(query) gives every matching entry's
     * number, best first; entries(numbers) gives their URL, title and summary.
     */
    window.kbSearch.search = function (query) {
      return engine().ready.then(function (ready) {
        return ready.match(parseQuery(query));
      });
    };
    window.kbSearch.entries = function (numbers) {
      return engine().ready.then(function (ready) { return ready.metaOf(numbers); });
    };
    /** How the site says "so many entries and study packs" (see countPhrase). */
    window.kbSearch.countPhrase = function (entries, packs) {
      return engine().ready.then(function (ready) { return countPhrase(entries, packs, ready.packLabel); });
    };

    const page = document.querySelector("[data-kb-explorer]");
    if (page) {
      const input = page.querySelector("input[type=search]");
      const view = new SearchView(Object.assign({}, options, {
        engine: engine(), input: input, container: page.querySelector(".kb-explorer__body"), mode: "page",
      }));
      view.onChange = function () {
        const hash = "#" + view.hash();
        if (location.hash !== hash && !(hash === "#" && !location.hash)) {
          try {
            history.replaceState(null, "", hash === "#" ? location.pathname : hash);
          } catch (e) {
            location.replace(hash);
          }
        }
      };
      input.addEventListener("input", debounced(function () {
        view.query = input.value;
        view.update();
      }));
      page.querySelector("form").addEventListener("submit", function (event) {
        event.preventDefault();
        view.query = input.value;
        view.update();
      });
      const state = stateFromLocation(facetKeys);
      view.setState(state.query, state.filters, state.ignored);
      window.addEventListener("hashchange", function () {
        if (location.hash.slice(1) === view.hash()) return;
        const next = stateFromLocation(facetKeys);
        view.setState(next.query, next.filters, next.ignored);
      });
    }

    const input = form.querySelector("input[type=search]");
    const panel = form.querySelector(".kb-search__panel");
    if (page) {
      // The explorer has its own box; the header box just leads there.
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        location.hash = stateToHash(input.value, emptyFilters(facetKeys));
      });
      return;
    }
    let view = null;
    function open() {
      panel.hidden = false;
      form.classList.add("kb-search--open");
    }
    function close() {
      panel.hidden = true;
      form.classList.remove("kb-search--open");
    }
    input.addEventListener("input", debounced(function () {
      if (!view) {
        view = new SearchView(Object.assign({}, options, {
          engine: engine(), input: input, container: panel, mode: "panel",
        }));
      }
      view.query = input.value;
      if (input.value.trim()) open();
      else close();
      view.update();
    }));
    input.addEventListener("focus", function () {
      engine();
      if (input.value.trim() && view) open();
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Escape" || event.key === "Esc") close();
      if (event.key === "ArrowDown" || event.key === "Down") {
        const first = panel.querySelector("[data-search-result]");
        if (first) {
          event.preventDefault();
          if (panel.hidden) open();
          first.focus();
        }
      }
    });
    // In the panel: up and down move through every result (and 显示更多), up from the first
    // returns to the box; Escape closes the panel and returns to the box.
    panel.addEventListener("keydown", function (event) {
      const key = event.key;
      if (key === "Escape" || key === "Esc") {
        event.preventDefault();
        input.focus(); // first: focusing the box with words in it opens the panel
        close();
        return;
      }
      const down = key === "ArrowDown" || key === "Down";
      const up = key === "ArrowUp" || key === "Up";
      if (!down && !up) return;
      const stops = Array.from(panel.querySelectorAll("[data-search-result], .kb-results__more:not([hidden])"));
      const at = stops.indexOf(document.activeElement);
      if (at < 0) return;
      event.preventDefault();
      if (up && at === 0) input.focus();
      else if (down && at === stops.length - 1) stops[at].focus();
      else stops[at + (down ? 1 : -1)].focus();
    });
    // Leaving the search box and its panel with Tab closes the panel.
    form.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !form.contains(event.relatedTarget)) close();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      location.href = options.explorerUrl + "#" + stateToHash(input.value, view ? view.filters : emptyFilters(facetKeys));
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) close();
    });
  }

  /* ---------------------------------------------------------- page extras */

  /**
   * A table wider than its box scrolls inside it; the box is made a labelled stop in the
   * tab order so that keyboard users can scroll it too, and only while it does scroll.
   */
  function markScrollingTables() {
    const boxes = document.querySelectorAll(".md-typeset__scrollwrap, .kb-matrix-wrap");
    Array.prototype.forEach.call(boxes, function (box) {
      const scrolls = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("kb-scrolls", scrolls);
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", box.dataset.label || "表格（可左右滚动）");
        box.dataset.kbScrollStop = "";
      } else if (!scrolls && box.dataset.kbScrollStop !== undefined) {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
        box.removeAttribute("aria-label");
        delete box.dataset.kbScrollStop;
      }
    });
  }

  function startExtras() {
    markScrollingTables();
    let pending = 0;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(markScrollingTables, 100);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  // After Material's script has wrapped wide tables (it does so once the page is shown).
  if (document.readyState === "complete") startExtras();
  else window.addEventListener("load", startExtras);
})();
