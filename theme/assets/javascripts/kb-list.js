/*
 * Study packs and the reader's own reading list (学习清单), with nothing sent anywhere.
 *
 * - Entry pages: a "加入学习清单" button; the list is kept in this browser's localStorage,
 *   under a key naming the site's own address, so two copies of the site do not share one.
 * - The reading-list page lists the chosen entries (move up, move down, remove) and compiles
 *   them into one document to print: cover, contents, each entry in full from a new page.
 *   Each entry's text comes from its own page, loaded in a hidden frame that hands its
 *   printable part over with postMessage. That works from a web server and from a folder
 *   opened from disk alike (Chromium blocks fetch() on file://, not frames or messages).
 * - Printed pages: addresses are written out in full; a compiled study pack prints itself
 *   when opened with #kb-print (the "打印本专题" button).
 *
 * Nothing read back is trusted. What localStorage holds may have been damaged or written by
 * someone else: only items naming one of the site's own entry pages are used. What a frame
 * hands over is not markup but a tree of plain data, rebuilt here from a fixed set of
 * elements and attributes with DOM calls: from disk every page has the same "null" origin,
 * and another local file can navigate the list's frames. A page framed by anything but the
 * reading list does nothing (clickjacking).
 *
 * Plain ES2017 on purpose (no optional chaining, no ??): offices run old Chromium builds.
 */
(function () {
  "use strict";

  var FRAGMENT_HASH = "#kb-fragment";
  var PRINT_HASH = "#kb-print";
  var MESSAGE_TYPE = "kb-fragment";
  var PARALLEL_FRAMES = 3;
  var FRAME_TIMEOUT = 20000;
  var LOADED_GRACE = 2000;

  /* ------------------------------------------------------------------ storage */

  var store = window.kbStore;
  var LIST = "reading-list";
  var has = store.has;

  /**
   * What an item of the list may be: the site's own entry page. ``rules`` come from the list
   * page (see kbStore.pageRules); on entry pages, which know no rules, the shape alone is
   * checked and nothing is loaded.
   */
  function validItem(item, rules) {
    if (!store.isObject(item)) return false;
    if (typeof item.id !== "string" || typeof item.path !== "string") return false;
    if (item.title !== undefined && typeof item.title !== "string") return false;
    if (item.kind !== undefined && typeof item.kind !== "string") return false;
    return !rules || store.ownPage(item.id, item.path, rules);
  }

  /**
   * The saved list: {items, ignored, broken}. Items that are not the site's own entries
   * (or repeat one) are left out and counted; a value that is not a list at all is broken.
   */
  function readList(rules) {
    var saved = store.read(LIST, function (stored) {
      if (!Array.isArray(stored)) return null;
      var items = [];
      var seen = {};
      stored.forEach(function (item) {
        if (!validItem(item, rules) || has(seen, item.id)) return;
        seen[item.id] = true;
        items.push({ id: item.id, title: item.title, kind: item.kind, path: item.path });
      });
      return { items: items, ignored: stored.length - items.length };
    });
    if (saved.state === "ok") return { items: saved.value.items, ignored: saved.value.ignored, broken: false };
    return { items: [], ignored: 0, broken: saved.state === "broken" };
  }

  /** Saves the list; false when the browser keeps no local storage (private windows, policy). */
  function writeList(items) {
    return store.write(LIST, items);
  }

  function indexOf(items, id) {
    for (var i = 0; i < items.length; i++) {
      if (items[i].id === id) return i;
    }
    return -1;
  }

  /* --------------------------------------------------------------- addresses */

  /** An address as a reader would type it (Chinese, not %E5...); as it is when it cannot be. */
  function readable(address) {
    try {
      return decodeURI(address);
    } catch (error) {
      return address; // a malformed "%" (a hand-edited address) must not stop the page
    }
  }

  /** Printed pages show where they came from: each marked link spelled out in full. */
  function spellOutAddresses(scope) {
    var links = scope.querySelectorAll("a[data-kb-address]");
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href);
      url.hash = "";
      links[i].textContent = readable(url.href);
    }
  }

  /* ------------------------------------------------------- the printable part */

  /**
   * The elements a printed entry is made of, each with the attributes it may keep (besides
   * class and id). An entry's page hands over its text as a tree of these, never as markup.
   */
  var PRINTABLE = {
    a: ["href"], abbr: [], b: [], blockquote: [], br: [], caption: [], cite: [], code: [],
    dd: [], div: [], dl: [], dt: [], em: [], figcaption: [], figure: [],
    h1: [], h2: [], h3: [], h4: [], h5: [], h6: [], i: [], li: [], mark: [], ol: [], p: [],
    section: [], small: [], span: [], strong: [], sub: [], sup: [],
    table: [], tbody: [], td: ["colspan", "rowspan"], tfoot: [], th: ["colspan", "rowspan", "scope"],
    thead: [], time: ["datetime"], tr: [], ul: []
  };
  var COMMON_ATTRIBUTES = ["class", "id"];
  /** Bounds on a tree, far above any entry's: a frame that sends more is not an entry page. */
  var MAX_DEPTH = 64;
  var MAX_NODES = 100000;

  /** {t: tag, a: {attribute: value}, c: [children]} for an element, a string for text. */
  function printableTree(node, depth) {
    if (node.nodeType === 3) return node.nodeValue;
    if (node.nodeType !== 1 || depth > MAX_DEPTH) return null;
    var tag = node.tagName.toLowerCase();
    if (!has(PRINTABLE, tag)) return null;
    var attributes = {};
    PRINTABLE[tag].concat(COMMON_ATTRIBUTES).forEach(function (name) {
      if (node.hasAttribute(name)) attributes[name] = name === "href" ? node.href : node.getAttribute(name);
    });
    var children = [];
    for (var child = node.firstChild; child; child = child.nextSibling) {
      var part = printableTree(child, depth + 1);
      if (part !== null) children.push(part);
    }
    return { t: tag, a: attributes, c: children };
  }

  /** A link of a printed entry: a web or file address, never script. */
  function safeHref(value) {
    var url;
    try {
      url = new URL(value);
    } catch (error) {
      return null;
    }
    return /^(https?|file):$/.test(url.protocol) ? url.href : null;
  }

  /**
   * Elements for a printable tree, made with DOM calls from PRINTABLE alone: anything else in
   * the tree (other elements, attributes, addresses) is dropped. Headings h2 to h4 move down a
   * level (the entry becomes a section of the printout) and ids get ``prefix``; null when the
   * tree is larger than any entry.
   */
  function rebuild(parts, prefix) {
    var budget = { left: MAX_NODES };
    var target = document.createDocumentFragment();
    function build(part, parent, depth) {
      if (--budget.left < 0) return;
      if (typeof part === "string") {
        parent.appendChild(document.createTextNode(part));
        return;
      }
      if (!part || typeof part !== "object" || depth > MAX_DEPTH) return;
      var tag = part.t;
      if (typeof tag !== "string" || !has(PRINTABLE, tag)) return;
      var level = /^h[2-4]$/.test(tag) ? Number(tag.charAt(1)) + 1 : 0;
      var node = document.createElement(level ? "h" + level : tag);
      var attributes = part.a && typeof part.a === "object" ? part.a : {};
      PRINTABLE[tag].concat(COMMON_ATTRIBUTES).forEach(function (name) {
        var value = has(attributes, name) ? attributes[name] : null;
        if (typeof value !== "string") return;
        if (name === "href") value = safeHref(value);
        if (name === "id") value = prefix + value;
        if (value !== null) node.setAttribute(name, value);
      });
      var children = Array.isArray(part.c) ? part.c : [];
      for (var i = 0; i < children.length && budget.left >= 0; i++) build(children[i], node, depth + 1);
      parent.appendChild(node);
    }
    if (!Array.isArray(parts)) return null;
    for (var i = 0; i < parts.length && budget.left >= 0; i++) build(parts[i], target, 0);
    return budget.left < 0 ? null : target;
  }

  /* ------------------------------------------------------------ entry pages */

  function setUpToggle(toggle) {
        var button = toggle.querySelector("button");
    var item = {
      id: toggle.getAttribute("data-id"),
      title: toggle.getAttribute("data-title"),
      kind: toggle.getAttribute("data-kind"),
      path: toggle.getAttribute("data-path")
    };
    function show() {
      var chosen = indexOf(readList().items, item.id) >= 0;
      button.setAttribute("aria-pressed", chosen ? "true" : "false");
      button.textContent = chosen ? "已加入学习清单（点击移除）" : "加入学习清单";
    }
    button.addEventListener("click", function () {
      var items = readList().items;
      var at = indexOf(items, item.id);
      if (at >= 0) items.splice(at, 1);
      else items.push(item);
      if (!writeList(items)) {
        button.textContent = "这个浏览器不允许保存学习清单";
        return;
      }
      show();
    });
    window.addEventListener("storage", show);
    toggle.hidden = false;
    show();
  }

  /** Inside the reading list's hidden frame: hand the entry's printable part to the list. */
  function sendFragment() {
    var page = document.querySelector(".kb-page--entry");
    if (!page || window.parent === window) return;
    var copy = page.cloneNode(true);
    var dropped = copy.querySelectorAll(
      ".kb-print-info, .kb-breadcrumb, [data-kb-list-toggle], .kb-aside, .kb-download, [data-kb-record-add], [data-kb-read-controls], .kb-read__section"
    );
    for (var i = 0; i < dropped.length; i++) dropped[i].parentNode.removeChild(dropped[i]);
    var parts = [];
    for (var child = copy.firstChild; child; child = child.nextSibling) {
      var part = printableTree(child, 0);
      if (part !== null) parts.push(part);
    }
    var toggle = page.querySelector("[data-kb-list-toggle]");
    // A page opened from disk has the origin "null" and can only be answered with "*";
    // what is sent is the entry's own published text.
    var target = location.protocol === "file:" ? "*" : location.origin;
    window.parent.postMessage(
      {
        type: MESSAGE_TYPE,
        id: toggle ? toggle.getAttribute("data-id") : "",
        kind: toggle ? toggle.getAttribute("data-kind") : "",
        parts: parts
      },
      target
    );
  }

  /* ------------------------------------------------------- the reading list */

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function today() {
    var now = new Date();
    return now.getFullYear() + "年" + (now.getMonth() + 1) + "月" + now.getDate() + "日";
  }

  function ReadingList(container) {
    this.container = container;
    this.root = store.root;
    this.site = container.getAttribute("data-site") || "";
    this.status = container.querySelector("[data-kb-list-status]");
    this.list = container.querySelector("[data-kb-list-items]");
    this.actions = container.querySelector("[data-kb-list-actions]");
    this.printButton = container.querySelector("[data-kb-list-print]");
    this.compiled = container.querySelector("[data-kb-list-compiled]");
    this.rules = store.pageRules(container, "data-entry-paths");
    this.notice = element("p", "kb-reading-list__notice");
    this.notice.setAttribute("data-kb-list-notice", "");
    this.notice.hidden = true;
    this.status.parentNode.insertBefore(this.notice, this.status);
    this.emptyStatus = document.createDocumentFragment();
    for (var node = this.status.firstChild; node; node = node.nextSibling) {
      this.emptyStatus.appendChild(node.cloneNode(true));
    }
    this.fragments = {};
    this.frames = [];
    this.generation = 0;
    var self = this;
    this.printButton.addEventListener("click", function () {
      window.print();
    });
    container.querySelector("[data-kb-list-clear]").addEventListener("click", function () {
      if (window.confirm("确定清空学习清单吗？")) self.save([]);
    });
    window.addEventListener("message", function (event) {
      self.receive(event);
    });
    window.addEventListener("storage", function () {
      self.render();
    });
    this.render();
  }

  ReadingList.prototype.save = function (items, focus) {
    if (!writeList(items)) {
      this.status.textContent = "这个浏览器不允许保存学习清单（例如处于无痕模式），修改没有保存。";
      return;
    }
    this.render(focus);
  };

  ReadingList.prototype.render = function (focus) {
    var self = this;
    var saved = readList(this.rules);
    var items = saved.items;
    this.items = items;
    this.showIgnored(saved);
    this.list.textContent = "";
    this.actions.hidden = items.length === 0;
    this.status.textContent = "";
    if (!items.length) this.status.appendChild(this.emptyStatus.cloneNode(true));
    else this.status.textContent = "清单中有 " + items.length + " 个条目，按下面的顺序打印。";
    items.forEach(function (item, i) {
      var row = element("li", "kb-reading-list__item");
      var link = element("a", "kb-reading-list__title", item.title || item.id);
      link.href = new URL(item.path, self.root).href;
      row.appendChild(link);
      if (item.kind) row.appendChild(element("span", "kb-reading-list__kind", item.kind));
      var controls = element("span", "kb-reading-list__controls");
      controls.appendChild(self.control("上移", "up", i, i === 0));
      controls.appendChild(self.control("下移", "down", i, i === items.length - 1));
      controls.appendChild(self.control("移除", "remove", i, false));
      row.appendChild(controls);
      self.list.appendChild(row);
    });
    if (focus) {
      // Keep the keyboard on the entry just moved (or the one that took a removed entry's
      // place): the same button if it still works, else another of its row.
      var row = this.list.children[focus.position];
      var buttons = row ? row.querySelectorAll("button") : [];
      var target = null;
      for (var b = 0; b < buttons.length; b++) {
        if (buttons[b].disabled) continue;
        if (!target || buttons[b].getAttribute("data-action") === focus.action) target = buttons[b];
      }
      if (!target) target = this.container.querySelector("[data-kb-list-clear]");
      if (target && !this.actions.hidden) target.focus();
    }
    this.compile();
  };

  /** Says what of the saved list was left out, and why; the list itself carries on. */
  ReadingList.prototype.showIgnored = function (saved) {
    var text = "";
    if (saved.broken) {
      text = "这个浏览器里保存的学习清单已损坏，无法读取，已忽略；重新添加条目后会保存一份新的清单。";
    } else if (saved.ignored) {
      text =
        "保存的学习清单中有 " + saved.ignored + " 项已损坏、重复或不是本站的条目，已忽略：" +
        "不会显示、载入或打印；下次在这里修改清单时会删去。";
    }
    this.notice.textContent = text;
    this.notice.hidden = !text;
  };

  ReadingList.prototype.control = function (label, action, position, disabled) {
    var self = this;
    var item = this.items[position];
    var button = element("button", "md-button kb-reading-list__button", label);
    button.type = "button";
    button.disabled = disabled;
    button.setAttribute("data-action", action);
    button.setAttribute("data-position", String(position));
    button.setAttribute("aria-label", label + "：" + (item.title || item.id));
    button.addEventListener("click", function () {
      var items = self.items.slice();
      var moved = position;
      if (action === "remove") {
        items.splice(position, 1);
      } else {
        moved = action === "up" ? position - 1 : position + 1;
        var swap = items[moved];
        items[moved] = items[position];
        items[position] = swap;
      }
      self.save(items, { action: action, position: Math.min(moved, items.length - 1) });
    });
    return button;
  };

  /** Loads every entry not yet loaded, a few frames at a time, then builds the document. */
  ReadingList.prototype.compile = function () {
    var self = this;
    var generation = ++this.generation;
    this.frames.forEach(function (frame) {
      if (frame.parentNode) frame.parentNode.removeChild(frame);
    });
    this.frames = [];
    var missing = this.items.filter(function (item) {
      return !has(self.fragments, item.id);
    });
    this.container.setAttribute("data-kb-list-ready", "false");
    this.printButton.disabled = true;
    this.printButton.textContent = missing.length ? "正在准备打印稿……" : "打印学习清单";
    var next = 0;
    var running = 0;
    function launch() {
      if (generation !== self.generation) return;
      while (running < PARALLEL_FRAMES && next < missing.length) {
        running++;
        self.load(missing[next++], function () {
          running--;
          if (generation !== self.generation) return;
          if (next < missing.length) launch();
          else if (running === 0) self.build();
        });
      }
      if (missing.length === 0) self.build();
    }
    launch();
  };

  ReadingList.prototype.load = function (item, done) {
    var self = this;
    var frame = element("iframe", "kb-reading-list__frame");
    frame.setAttribute("aria-hidden", "true");
    frame.setAttribute("tabindex", "-1");
    frame.title = item.title || item.id;
    var finished = false;
    function finish(fragment) {
      if (finished) return;
      finished = true;
      self.fragments[item.id] = fragment;
      clearTimeout(timer);
      if (frame.parentNode) frame.parentNode.removeChild(frame);
      done();
    }
    var timer = setTimeout(function () {
      finish({ failed: true });
    }, FRAME_TIMEOUT);
    // An entry page hands its text over before it finishes loading; a page that loads
    // without doing so is not an entry any more (deleted, renamed).
    frame.addEventListener("load", function () {
      setTimeout(function () {
        finish({ failed: true });
      }, LOADED_GRACE);
    });
    frame.kbFinish = finish;
    frame.kbItem = item;
    this.frames.push(frame);
    // The address before the frame is in the page: a frame added without one first loads
    // about:blank, whose load event would start the grace period too early.
    frame.src = new URL(item.path, this.root).href + FRAGMENT_HASH;
    document.body.appendChild(frame);
  };

  /**
   * Takes an entry's printable part from the frame it was loaded in, and from nothing else.
   * From disk every page's origin is "null", and another local page can navigate a frame of
   * this one: what arrives is rebuilt from PRINTABLE (see rebuild), never used as markup.
   */
  ReadingList.prototype.receive = function (event) {
    if (location.protocol !== "file:" && event.origin !== location.origin) return;
    var data = event.data;
    if (!data || typeof data !== "object" || data.type !== MESSAGE_TYPE) return;
    for (var i = 0; i < this.frames.length; i++) {
      var frame = this.frames[i];
      if (frame.contentWindow !== event.source || !frame.kbFinish) continue;
      if (data.id !== frame.kbItem.id || !Array.isArray(data.parts)) return;
      frame.kbFinish({ parts: data.parts, kind: typeof data.kind === "string" ? data.kind : "" });
      return;
    }
  };

  ReadingList.prototype.build = function () {
    var self = this;
    var doc = this.compiled;
    doc.textContent = "";
    var items = this.items;
    if (!items.length) {
      this.container.setAttribute("data-kb-list-ready", "true");
      return;
    }
    var cover = element("section", "kb-compiled__cover");
    cover.appendChild(element("p", "kb-compiled__site", this.site));
    cover.appendChild(element("p", "kb-compiled__kind", "学习清单"));
    cover.appendChild(element("h1", "", "学习清单"));
    var facts = element("dl", "kb-compiled__facts");
    [["收录条目", items.length + " 个"], ["整理日期", today()], ["网址", readable(location.href.split("#")[0])]].forEach(
      function (pair) {
        var row = element("div");
        row.appendChild(element("dt", "", pair[0]));
        row.appendChild(element("dd", "", pair[1]));
        facts.appendChild(row);
      }
    );
    cover.appendChild(facts);
    var contents = element("nav", "kb-compiled__contents");
    contents.setAttribute("aria-label", "目录");
    contents.appendChild(element("h2", "", "目录"));
    var toc = element("ol");
    contents.appendChild(toc);
    cover.appendChild(contents);
    doc.appendChild(cover);
    items.forEach(function (item, i) {
      var number = i + 1;
      var fragment = has(self.fragments, item.id) ? self.fragments[item.id] : { failed: true };
      var entry = element("li");
      var jump = element("a", "", item.title || item.id);
      jump.href = "#list-e" + number;
      entry.appendChild(jump);
      if (item.kind) entry.appendChild(element("span", "kb-compiled__contents-kind", item.kind));
      toc.appendChild(entry);
      doc.appendChild(self.article(item, number, fragment));
    });
    this.container.setAttribute("data-kb-list-ready", "true");
    this.printButton.disabled = false;
    this.printButton.textContent = "打印学习清单";
  };

  /** One entry as in a compiled study pack: title, kind and address, then its full text. */
  ReadingList.prototype.article = function (item, number, fragment) {
    var article = element("article", "kb-compiled__entry");
    article.setAttribute("data-kb-entry", item.id);
    var address = new URL(item.path, this.root).href;
    var body = fragment.failed ? null : rebuild(fragment.parts, "list-e" + number + "-");
    var heading = body ? body.querySelector("h1") : null;
    var title = element("h2", "", heading ? heading.textContent : item.title || item.id);
    title.id = "list-e" + number;
    article.appendChild(title);
    if (!body) {
      article.appendChild(
        element("p", "kb-empty", "未能载入这个条目的全文（它可能已被删除或改名）。请打开条目页单独打印：" + readable(address))
      );
      return article;
    }
    // The entry's title is the article's heading (rebuild moved everything below down a level).
    if (heading) heading.parentNode.removeChild(heading);
    var info = element("p", "kb-compiled__entry-info", (fragment.kind || item.kind || "") + " · 网址：");
    info.appendChild(element("span", "", readable(address)));
    article.appendChild(info);
    article.appendChild(body);
    return article;
  };

  /* ------------------------------------------------------------------- start */

  /**
   * Shown inside another page's frame, the site does nothing a click could do (the list's
   * buttons stay hidden): a page of another site could lay it under its own and take the
   * reader's clicks. It tries to leave the frame, which browsers allow only after a click,
   * and says so. Hosts should also send a header that forbids framing (see README).
   */
  function refuseFraming() {
    try {
      window.top.location.replace(location.href);
    } catch (error) {
      // Another site's page may not be navigated from here: the notice below says what to do.
    }
    var notice = element("p", "kb-framed", "本页被嵌在其他网页中显示。为防止误操作，学习清单和打印功能已停用。");
    notice.setAttribute("role", "alert");
    notice.setAttribute("data-kb-framed", "");
    var link = element("a", "", "在新窗口中打开本页");
    link.href = location.href;
    link.target = "_blank";
    link.rel = "noopener";
    notice.appendChild(link);
    var main = document.getElementById("kb-main") || document.body;
    main.insertBefore(notice, main.firstChild);
  }

  function start() {
    if (window.top !== window.self) {
      // Framed: only as the reading list's hidden frame asking for an entry's text, which is
      // answered to the page's own origin (or, from disk, is the entry's published text).
      if (location.hash === FRAGMENT_HASH) sendFragment();
      else refuseFraming();
      return;
    }
    spellOutAddresses(document);
    var toggles = document.querySelectorAll("[data-kb-list-toggle]");
    for (var i = 0; i < toggles.length; i++) setUpToggle(toggles[i]);
    var list = document.querySelector("[data-kb-reading-list]");
    if (list) new ReadingList(list);
    var printButtons = document.querySelectorAll("[data-kb-print]");
    for (var j = 0; j < printButtons.length; j++) {
      printButtons[j].hidden = false;
      printButtons[j].addEventListener("click", function () {
        window.print();
      });
    }
    if (document.querySelector("[data-kb-compiled]") && location.hash === PRINT_HASH) {
      // Opened by "打印本专题": print once the page has laid out, then drop the request
      // from the address so that going back does not print again.
      window.addEventListener("load", function () {
        try {
          history.replaceState(null, "", location.href.split("#")[0]);
        } catch (error) {
          // Some browsers refuse to change a file:// address; printing matters more.
        }
        setTimeout(function () {
          window.print();
        }, 100);
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
