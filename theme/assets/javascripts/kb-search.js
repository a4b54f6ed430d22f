/* Knowledge-base search: ranked Chinese full-text search with facets, fully offline.
 *
 * The index is built at build time (generator/search_index.py) and split into
 * small script files that call kbSearch.add(key, data). Loading them with
 * <script> tags works from a web server and from a folder opened on disk,
 * where fetch() is not allowed. A query loads only the posting files of its
 * own tokens and the metadata of the entries it shows.
 *
 * Text from the index is only ever inserted with textContent, never as markup.
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

  /* --------------------------------------------------------------- decoding */

  const TITLE = 32, SUMMARY = 16, HEADING = 8;
  const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[\ud840-\ud87a][\udc00-\udfff]/;
  const CJK_RUNS = /(?:[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[\ud840-\ud87a][\udc00-\udfff])+/g;
  const LATIN = /[a-z0-9]+/g;

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

  /* ----------------------------------------------------------------- query */

  function normalize(text) {
    return text.normalize("NFKC").toLowerCase();
  }

  /** Like normalize, but keeps every character in place, so positions stay valid. */
  function fold(text) {
    return text
      .replace(/[\uff01-\uff5e]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0); })
      .toLowerCase();
  }

  /** Terms of a query: pieces between spaces and punctuation, each with its tokens. */
  function parseQuery(query) {
    const terms = [];
    for (const piece of normalize(query).split(/[^\p{L}\p{N}]+/u)) {
      if (!piece) continue;
      const tokens = [];
      let word = null;
      for (const run of piece.match(CJK_RUNS) || []) {
        const chars = Array.from(run);
        if (chars.length === 1) tokens.push(run);
        for (let i = 0; i + 1 < chars.length; i++) tokens.push(chars[i] + chars[i + 1]);
        if (chars.length >= 3 && run === piece) word = run;
      }
      for (const latin of piece.match(LATIN) || []) tokens.push(latin);
      if (tokens.length) terms.push({ text: piece, tokens: Array.from(new Set(tokens)), word: word });
    }
    return terms;
  }

  /* ---------------------------------------------------------------- engine */

  function Engine(root) {
    this.root = root;
    this.ready = load(root, "manifest").then(this.prepare.bind(this));
    this.meta = new Map();
    this.facetsLoaded = null;
  }

  Engine.prototype.prepare = function (manifest) {
    this.manifest = manifest;
    this.digits = new Int8Array(128).fill(-1);
    for (let i = 0; i < manifest.alphabet.length; i++) {
      this.digits[manifest.alphabet.charCodeAt(i)] = i;
    }
    this.count = manifest.docs;
    this.facets = manifest.facets.map(function (facet) {
      return { key: facet.key, label: facet.label, ids: facet.values, labels: facet.labels, of: null };
    });
    return this;
  };

  /**
   * The facet table (every entry's kind, type, themes, region, year), loaded only when
   * filtering or counting needs it: a plain query does not pay for it.
   */
  Engine.prototype.withFacets = function () {
    const self = this;
    if (!this.facetsLoaded) {
      this.facetsLoaded = load(this.root, "facets").then(function (columns) {
        self.facets.forEach(function (facet) {
          const column = columns[facet.key];
          facet.of =
            facet.key === "theme"
              ? decodeBitColumn(column, self.digits, self.count, facet.ids.length)
              : decodeColumn(column, self.digits, self.count).map(function (v) { return [v]; });
        });
        return self;
      });
    }
    return this.facetsLoaded;
  };

  Engine.prototype.postings = function (token) {
    const bucket = bucketOf(token, this.manifest.buckets);
    const digits = this.digits;
    return load(this.root, "p/" + bucket).then(function (data) {
      const text = Object.prototype.hasOwnProperty.call(data, token) ? data[token] : "";
      return decodePostings(text, digits);
    });
  };

  /** Entries matching every term, best first: title matches, then summary, then text. */
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
      let scores = null;
      for (const term of terms) {
        const termScores = self.scoreTerm(term, lists);
        if (scores === null) {
          scores = termScores;
        } else {
          const joined = new Map();
          termScores.forEach(function (score, doc) {
            if (scores.has(doc)) joined.set(doc, scores.get(doc) + score);
          });
          scores = joined;
        }
        if (scores.size === 0) break;
      }
      const ranked = Array.from(scores || new Map());
      ranked.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
      return ranked;
    });
  };

  Engine.prototype.scoreTerm = function (term, lists) {
    const total = this.count;
    let scores = null;
    let inTitle = null;
    let inSummary = null;
    for (const token of term.tokens) {
      const list = lists.get(token);
      const idf = Math.log(1 + total / Math.max(1, list.docs.length));
      const next = new Map();
      const nextTitle = new Set();
      const nextSummary = new Set();
      for (let i = 0; i < list.docs.length; i++) {
        const doc = list.docs[i];
        if (scores !== null && !scores.has(doc)) continue;
        const weight = list.weights[i];
        next.set(doc, (scores === null ? 0 : scores.get(doc)) + idf * ((weight & 7) + (weight & HEADING ? 2 : 0)));
        if (weight & TITLE && (inTitle === null || inTitle.has(doc))) nextTitle.add(doc);
        if (weight & (TITLE | SUMMARY) && (inSummary === null || inSummary.has(doc))) nextSummary.add(doc);
      }
      scores = next;
      inTitle = nextTitle;
      inSummary = nextSummary;
    }
    const word = term.word ? lists.get(term.word) : null;
    const wordDocs = new Set(word ? word.docs : []);
    scores.forEach(function (score, doc) {
      let bonus = 0;
      if (inTitle.has(doc)) bonus += 1000;
      if (inSummary.has(doc)) bonus += 100;
      if (wordDocs.has(doc)) bonus += 20;
      scores.set(doc, score + bonus);
    });
    return scores;
  };

  Engine.prototype.metaOf = function (docs) {
    const self = this;
    const chunk = this.manifest.chunk;
    const wanted = Array.from(new Set(docs.map(function (d) { return Math.floor(d / chunk); })));
    return Promise.all(
      wanted.map(function (n) {
        return load(self.root, "m/" + n).then(function (rows) {
          rows.forEach(function (row, i) {
            self.meta.set(n * chunk + i, {
              url: row[0], title: row[1], summary: row[2], kind: row[3], org: row[4], themes: row[5],
            });
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
    if (this.facets[0].of === null) return true; // nothing chosen yet, nothing loaded
    for (const facet of this.facets) {
      if (facet.key === except) continue;
      const chosen = filters[facet.key];
      if (!chosen || chosen.size === 0) continue;
      if (!facet.of[doc].some(function (v) { return chosen.has(facet.ids[v]); })) return false;
    }
    return true;
  };

  Engine.prototype.counts = function (docs, filters) {
    const self = this;
    return this.facets.map(function (facet) {
      const counts = new Array(facet.ids.length).fill(0);
      for (const doc of docs) {
        if (!self.passes(doc, filters, facet.key)) continue;
        for (const v of facet.of[doc]) counts[v]++;
      }
      return counts;
    });
  };

  /* ------------------------------------------------------------ highlighting */

  function occurrences(text, terms) {
    const lower = fold(text);
    const marks = [];
    for (const term of terms) {
      let from = 0;
      for (;;) {
        const at = lower.indexOf(term.text, from);
        if (at < 0) break;
        marks.push([at, at + term.text.length]);
        from = at + term.text.length;
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

  const FACET_KEYS = ["kind", "org", "theme", "region", "year"];

  function emptyFilters() {
    const filters = {};
    FACET_KEYS.forEach(function (key) { filters[key] = new Set(); });
    return filters;
  }

  function stateToHash(query, filters) {
    const parts = [];
    if (query) parts.push("q=" + encodeURIComponent(query));
    FACET_KEYS.forEach(function (key) {
      if (filters[key].size) {
        parts.push(key + "=" + Array.from(filters[key]).map(encodeURIComponent).join(","));
      }
    });
    return parts.join("&");
  }

  /** A hand-edited or truncated link (say "#q=100%") keeps its text instead of breaking the page. */
  function decoded(text) {
    try {
      return decodeURIComponent(text);
    } catch (error) {
      return text;
    }
  }

  function stateFromLocation() {
    const filters = emptyFilters();
    let query = "";
    const sources = [location.search.replace(/^\?/, ""), location.hash.replace(/^#/, "")];
    for (const source of sources) {
      for (const part of source.split("&")) {
        const eq = part.indexOf("=");
        if (eq < 0) continue;
        const key = part.slice(0, eq);
        const value = decoded(part.slice(eq + 1).replace(/\+/g, " "));
        if (key === "q") query = value;
        else if (filters[key]) value.split(",").filter(Boolean).forEach(function (v) { filters[key].add(v); });
      }
    }
    return { query: query, filters: filters };
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
    this.filters = emptyFilters();
    this.shown = PAGE;
    this.generation = 0;
    this.build();
  }

  SearchView.prototype.build = function () {
    const self = this;
    this.container.textContent = "";
    this.status = element("p", "kb-search__status");
    this.status.setAttribute("role", "status");
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
      fold.append(element("summary", "", "筛选：类型、组织类型、主题、地区、年份"), this.facetBox);
      fold.addEventListener("toggle", function () {
        if (fold.open && self.found) self.update();
      });
      this.fold = fold;
      this.share = element("a", "kb-search__share", "在检索页打开（可复制链接分享）");
      main.append(this.status, fold, this.results, this.more, this.share);
      this.container.append(main);
    } else {
      main.append(this.status, this.results, this.more);
      this.container.append(this.facetBox, main);
    }
  };

  SearchView.prototype.setState = function (query, filters) {
    this.query = query;
    this.filters = filters;
    this.input.value = query;
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
    const terms = parseQuery(this.query);
    this.shown = PAGE;
    this.onChange && this.onChange();
    if (this.share) this.share.href = this.explorerUrl + "#" + this.hash();
    return this.engine.ready
      .then(function (engine) {
        if (!terms.length) {
          if (self.mode === "panel") return null;
          const all = [];
          for (let d = 0; d < engine.count; d++) all.push(d);
          return { matched: all, terms: terms };
        }
        return engine.match(terms).then(function (ranked) {
          return { matched: ranked.map(function (r) { return r[0]; }), terms: terms };
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

  /** Facets are loaded for the explorer, once filters are shown, or when any is chosen. */
  SearchView.prototype.needsFacets = function () {
    const filters = this.filters;
    return (
      this.mode === "page" ||
      (this.fold && this.fold.open) ||
      FACET_KEYS.some(function (key) { return filters[key].size > 0; })
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
    this.facetBox.textContent = "";
    if (engine.facets[0].of === null) return;
    const counts = engine.counts(this.found.matched, this.filters);
    engine.facets.forEach(function (facet, f) {
      const group = element("fieldset", "kb-facet");
      group.dataset.facet = facet.key;
      group.append(element("legend", "kb-facet__label", facet.label));
      const list = element("div", "kb-facet__options");
      facet.ids.forEach(function (id, v) {
        const chosen = self.filters[facet.key].has(id);
        if (!counts[f][v] && !chosen) return;
        const option = element("button", "kb-facet__option");
        option.type = "button";
        option.dataset.facet = facet.key;
        option.dataset.value = id;
        option.setAttribute("aria-pressed", chosen ? "true" : "false");
        option.append(element("span", "kb-facet__name", facet.labels[v]));
        option.append(element("span", "kb-facet__count", String(counts[f][v])));
        option.addEventListener("click", function () { self.toggle(facet.key, id); });
        list.append(option);
      });
      // A facet with a single value cannot narrow anything; keep it only to undo a choice.
      if (list.childElementCount > 1 || self.filters[facet.key].size) {
        group.append(list);
        self.facetBox.append(group);
      }
    });
  };

  SearchView.prototype.renderResults = function () {
    const self = this;
    const engine = this.engine;
    const visible = this.visible();
    const terms = this.found.terms;
    const page = visible.slice(0, this.shown);
    const generation = this.generation;
    const found = this.found;
    return engine.metaOf(page).then(function (metas) {
      // A newer query or filter may have answered while these entries were loading.
      if (generation !== self.generation || found !== self.found) return;
      const ranked = page.map(function (doc, i) { return { doc: doc, meta: metas[i] }; });
      if (terms.length) {
        // Exact phrases in the title, then in the summary, come first among what is shown.
        ranked.forEach(function (r, i) {
          r.order = i - (occurrences(r.meta.title, terms).length ? 2000 : 0) -
            (occurrences(r.meta.summary, terms).length ? 1000 : 0);
        });
        ranked.sort(function (a, b) { return a.order - b.order; });
      }
      self.results.textContent = "";
      const kind = engine.facets[0];
      const org = engine.facets[1];
      const theme = engine.facets[2];
      ranked.forEach(function (r) {
        const item = element("li", "kb-result");
        const link = element("a", "kb-result__link");
        link.href = self.siteRoot + r.meta.url;
        link.setAttribute("data-search-result", "");
        const title = element("span", "kb-result__title");
        title.append(highlighted(r.meta.title, terms));
        const meta = element("span", "kb-result__meta");
        const k = r.meta.kind;
        meta.append(element("span", "kb-badge kb-badge--" + kind.ids[k], kind.labels[k]));
        meta.append(element("span", "kb-result__org", org.labels[r.meta.org]));
        meta.append(element("span", "kb-result__themes", r.meta.themes.map(function (t) { return theme.labels[t]; }).join("、")));
        const summary = element("span", "kb-result__summary");
        summary.append(highlighted(r.meta.summary, terms));
        const snip = element("span", "kb-result__snippet");
        link.append(title, meta, summary, snip);
        item.append(link);
        self.results.append(item);
        if (terms.length && !occurrences(r.meta.summary, terms).length) {
          engine.text(r.doc).then(function (text) {
            const excerpt = snippet(text, terms);
            if (excerpt) snip.append(highlighted(excerpt, terms));
          });
        }
      });
      const total = visible.length;
      self.status.textContent = terms.length
        ? (total ? "找到 " + total + " 个条目" : "没有找到包含“" + self.query.trim() + "”的条目")
        : "共 " + total + " 个条目";
      self.more.hidden = total <= self.shown;
      // Marks which query the list answers, for integrations waiting on a result.
      self.results.dataset.query = self.query;
    });
  };

  SearchView.prototype.showMore = function () {
    this.shown += PAGE * 2;
    this.renderResults();
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
    const options = {
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
        return ready.match(parseQuery(query)).then(function (ranked) {
          return ranked.map(function (r) { return r[0]; });
        });
      });
    };
    window.kbSearch.entries = function (numbers) {
      return engine().ready.then(function (ready) { return ready.metaOf(numbers); });
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
      const state = stateFromLocation();
      view.setState(state.query, state.filters);
      window.addEventListener("hashchange", function () {
        if (location.hash.slice(1) === view.hash()) return;
        const next = stateFromLocation();
        view.setState(next.query, next.filters);
      });
    }

    const input = form.querySelector("input[type=search]");
    const panel = form.querySelector(".kb-search__panel");
    if (page) {
      // The explorer has its own box; the header box just leads there.
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        location.hash = stateToHash(input.value, emptyFilters());
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
      if (event.key === "Escape") close();
      if (event.key === "ArrowDown") {
        const first = panel.querySelector("[data-search-result]");
        if (first) {
          event.preventDefault();
          first.focus();
        }
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      location.href = options.explorerUrl + "#" + stateToHash(input.value, view ? view.filters : emptyFilters());
    });
    document.addEventListener("click", function (event) {
      if (!form.contains(event.target)) close();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
