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

  function siteRoot(element) {
    var root = new URL(element.getAttribute("data-root") || "./", location.href);
    root.hash = "";
    root.search = "";
    return root.href.replace(/index\.html$/, "");
  }

  function storageKey(root) {
    return "kb-reading-list:" + root;
  }

  function readList(root) {
    try {
      var stored = JSON.parse(window.localStorage.getItem(storageKey(root)) || "[]");
      return Array.isArray(stored)
        ? stored.filter(function (item) {
            return item && typeof item.id === "string" && typeof item.path === "string";
          })
        : [];
    } catch (error) {
      return [];
    }
  }

  /** Saves the list; false when the browser keeps no local storage (private windows, policy). */
  function writeList(root, items) {
    try {
      window.localStorage.setItem(storageKey(root), JSON.stringify(items));
      return true;
    } catch (error) {
      return false;
    }
  }

  function indexOf(items, id) {
    for (var i = 0; i < items.length; i++) {
      if (items[i].id === id) return i;
    }
    return -1;
  }

  /* --------------------------------------------------------------- addresses */

  /** Printed pages show where they came from: each marked link spelled out in full. */
  function spellOutAddresses(scope) {
    var links = scope.querySelectorAll("a[data-kb-address]");
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href);
      url.hash = "";
      links[i].textContent = decodeURI(url.href);
    }
  }

  /* ------------------------------------------------------------ entry pages */

  function setUpToggle(toggle) {
    var root = siteRoot(toggle);
    var button = toggle.querySelector("button");
    var item = {
      id: toggle.getAttribute("data-id"),
      title: toggle.getAttribute("data-title"),
      kind: toggle.getAttribute("data-kind"),
      path: toggle.getAttribute("data-path")
    };
    function show() {
      var chosen = indexOf(readList(root), item.id) >= 0;
      button.setAttribute("aria-pressed", chosen ? "true" : "false");
      button.textContent = chosen ? "已加入学习清单（点击移除）" : "加入学习清单";
    }
    button.addEventListener("click", function () {
      var items = readList(root);
      var at = indexOf(items, item.id);
      if (at >= 0) items.splice(at, 1);
      else items.push(item);
      if (!writeList(root, items)) {
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
      ".kb-print-info, .kb-breadcrumb, [data-kb-list-toggle], .kb-aside, link, script"
    );
    for (var i = 0; i < dropped.length; i++) dropped[i].parentNode.removeChild(dropped[i]);
    var links = copy.querySelectorAll("a[href]");
    for (var j = 0; j < links.length; j++) links[j].setAttribute("href", links[j].href);
    var toggle = page.querySelector("[data-kb-list-toggle]");
    var address = new URL(location.href);
    address.hash = "";
    // A page opened from disk has the origin "null" and can only be answered with "*";
    // what is sent is the entry's own published text.
    var target = location.protocol === "file:" ? "*" : location.origin;
    window.parent.postMessage(
      {
        type: MESSAGE_TYPE,
        id: toggle ? toggle.getAttribute("data-id") : "",
        kind: toggle ? toggle.getAttribute("data-kind") : "",
        url: address.href,
        html: copy.innerHTML
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
    this.root = siteRoot(container);
    this.site = container.getAttribute("data-site") || "";
    this.status = container.querySelector("[data-kb-list-status]");
    this.list = container.querySelector("[data-kb-list-items]");
    this.actions = container.querySelector("[data-kb-list-actions]");
    this.printButton = container.querySelector("[data-kb-list-print]");
    this.compiled = container.querySelector("[data-kb-list-compiled]");
    this.emptyStatus = this.status.innerHTML;
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
    if (!writeList(this.root, items)) {
      this.status.textContent = "这个浏览器不允许保存学习清单（例如处于无痕模式），修改没有保存。";
      return;
    }
    this.render(focus);
  };

  ReadingList.prototype.render = function (focus) {
    var self = this;
    var items = readList(this.root);
    this.items = items;
    this.list.textContent = "";
    this.actions.hidden = items.length === 0;
    if (!items.length) this.status.innerHTML = this.emptyStatus;
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
      return !self.fragments[item.id];
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
    this.frames.push(frame);
    document.body.appendChild(frame);
    frame.src = new URL(item.path, this.root).href + FRAGMENT_HASH;
  };

  ReadingList.prototype.receive = function (event) {
    var data = event.data;
    if (!data || data.type !== MESSAGE_TYPE || typeof data.html !== "string") return;
    if (location.protocol !== "file:" && event.origin !== location.origin) return;
    for (var i = 0; i < this.frames.length; i++) {
      var frame = this.frames[i];
      if (frame.contentWindow === event.source && frame.kbFinish) {
        frame.kbFinish({ html: data.html, kind: data.kind, url: data.url });
        return;
      }
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
    [["收录条目", items.length + " 个"], ["整理日期", today()], ["网址", decodeURI(location.href.split("#")[0])]].forEach(
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
      var fragment = self.fragments[item.id] || { failed: true };
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
    var address = fragment.url || new URL(item.path, this.root).href;
    if (fragment.failed) {
      var title = element("h2", "", item.title || item.id);
      title.id = "list-e" + number;
      article.appendChild(title);
      article.appendChild(
        element("p", "kb-empty", "未能载入这个条目的全文（它可能已被删除或改名）。请打开条目页单独打印：" + decodeURI(address))
      );
      return article;
    }
    var body = element("div", "kb-compiled__body");
    body.innerHTML = fragment.html;
    // The entry's title becomes the article's heading; everything below moves down a level.
    ["h4", "h3", "h2"].forEach(function (tag) {
      var found = body.querySelectorAll(tag);
      for (var i = 0; i < found.length; i++) {
        var lower = element("h" + (Number(tag.charAt(1)) + 1));
        lower.innerHTML = found[i].innerHTML;
        if (found[i].id) lower.id = found[i].id;
        found[i].parentNode.replaceChild(lower, found[i]);
      }
    });
    var ids = body.querySelectorAll("[id]");
    for (var k = 0; k < ids.length; k++) ids[k].id = "list-e" + number + "-" + ids[k].id;
    var heading = body.querySelector("h1");
    var h2 = element("h2");
    h2.id = "list-e" + number;
    h2.textContent = heading ? heading.textContent : item.title || item.id;
    if (heading) heading.parentNode.removeChild(heading);
    article.appendChild(h2);
    var info = element("p", "kb-compiled__entry-info", (fragment.kind || item.kind || "") + " · 网址：");
    info.appendChild(element("span", "", decodeURI(address)));
    article.appendChild(info);
    while (body.firstChild) article.appendChild(body.firstChild);
    return article;
  };

  /* ------------------------------------------------------------------- start */

  function start() {
    if (location.hash === FRAGMENT_HASH && window.parent !== window) {
      sendFragment();
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
