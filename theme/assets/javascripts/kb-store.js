/*
 * What a reader keeps in this browser (the study record, the session planner's last values,
 * self-test answers, large type): one place that names, reads and writes it.
 *
 * - Each value is kept under "kb-<name>:" and the site's own address, so two copies of the
 *   site (a server, a folder opened from disk) never share one.
 * - Nothing read back is trusted: every page on the same file:// origin can write any key,
 *   and a reader can edit values by hand. A value is parsed as JSON and handed to the
 *   caller's check, which returns what may be used; a value that fails is ignored, and the
 *   caller shows a notice (as text, never as markup).
 * - Loaded in the page head, before anything is drawn, so that large type applies at once.
 *
 * Plain ES2017 on purpose (no optional chaining, no ??): offices run old Chromium builds.
 */
(function () {
  "use strict";

  var PREFIX = "kb-";
  var LARGE_TYPE = "large-type";
  var LARGE_CLASS = "kb-large";
  var SCRIPT_PATH = /assets\/javascripts\/kb-store\.js(?:[?#].*)?$/;

  /** The site's root address: where this script was loaded from, less its own path. */
  function siteRoot() {
    var script = document.currentScript || document.querySelector("script[src*='kb-store.js']");
    var root = new URL(script ? script.src : "./", location.href);
    root.hash = "";
    root.search = "";
    return root.href.replace(SCRIPT_PATH, "");
  }

  var ROOT = siteRoot();

  function key(name) {
    return PREFIX + name + ":" + ROOT;
  }

  function has(object, name) {
    return Object.prototype.hasOwnProperty.call(object, name);
  }

  /**
   * The value kept under ``name``: {value, state}. ``state`` is "empty" (nothing kept),
   * "ok", "broken" (not JSON, or refused by ``check``) or "blocked" (the browser keeps no
   * local storage). ``check(parsed)`` returns the usable value, or null to refuse it; it may
   * drop parts of a value and say so itself.
   */
  function read(name, check) {
    var raw;
    try {
      raw = window.localStorage.getItem(key(name));
    } catch (error) {
      return { value: null, state: "blocked" };
    }
    if (raw === null) return { value: null, state: "empty" };
    var parsed;
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      return { value: null, state: "broken" };
    }
    var value = null;
    try {
      value = check(parsed);
    } catch (error) {
      value = null; // a check must never stop the page, whatever the value holds
    }
    return value === null || value === undefined
      ? { value: null, state: "broken" }
      : { value: value, state: "ok" };
  }

  /** Keeps ``value`` under ``name``; false when the browser keeps no local storage. */
  function write(name, value) {
    try {
      window.localStorage.setItem(key(name), JSON.stringify(value));
      return true;
    } catch (error) {
      return false;
    }
  }

  function remove(name) {
    try {
      window.localStorage.removeItem(key(name));
      return true;
    } catch (error) {
      return false;
    }
  }

  /** Calls ``listener`` when another tab or window changes the value kept under ``name``. */
  function watch(name, listener) {
    window.addEventListener("storage", function (event) {
      if (event.key === null || event.key === key(name)) listener();
    });
  }

  /* ---------------------------------------------------------- the site's pages */

  /**
   * What addresses of the site's own pages look like, from a page element: the id pattern
   * (data-id-pattern) and each kind of page's address with "{id}" in it, in ``attribute``.
   */
  function pageRules(element, attribute) {
    return {
      id: new RegExp(element.getAttribute("data-id-pattern")),
      paths: (element.getAttribute(attribute) || "").split(" ").filter(Boolean)
    };
  }

  /** Whether ``path`` is the page of ``id`` on this site under ``rules`` (see pageRules). */
  function ownPage(id, path, rules) {
    if (typeof id !== "string" || typeof path !== "string" || !rules.id.test(id)) return false;
    var known = rules.paths.some(function (pattern) {
      return pattern.replace("{id}", id) === path;
    });
    // Both hold already for a known path and a valid id; checked again on the address
    // itself, so that a mistake in a rule cannot reach outside the site.
    return known && new URL(path, ROOT).href.indexOf(ROOT) === 0;
  }

  /* ------------------------------------------------------------ plain values */

  function isObject(value) {
    return !!value && typeof value === "object" && !Array.isArray(value);
  }

  /** A string of at most ``max`` characters, without control characters; else null. */
  function text(value, max) {
    if (typeof value !== "string" || value.length > max) return null;
    return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value) ? null : value;
  }

  /** A real calendar day written 2024-05-01; else null. */
  function day(value) {
    if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
    var parts = value.split("-").map(Number);
    var date = new Date(Date.UTC(parts[0], parts[1] - 1, parts[2]));
    var real =
      date.getUTCFullYear() === parts[0] &&
      date.getUTCMonth() === parts[1] - 1 &&
      date.getUTCDate() === parts[2];
    return real && parts[0] >= 1900 ? value : null;
  }

  /** A finite number from ``low`` to ``high``; else null. */
  function number(value, low, high) {
    return typeof value === "number" && isFinite(value) && value >= low && value <= high
      ? value
      : null;
  }

  /** Today as 2024-05-01, in the reader's own time zone. */
  function today() {
    var now = new Date();
    var pad = function (n) {
      return (n < 10 ? "0" : "") + n;
    };
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  /** A date as Chinese text puts it: 2024年5月1日. */
  function chineseDate(value) {
    var parts = value.split("-").map(Number);
    return parts[0] + "年" + parts[1] + "月" + parts[2] + "日";
  }

  /* ------------------------------------------------------------------ notices */

  /**
   * Shows ``message`` in a notice before ``anchor`` (once per anchor and message). Notices
   * are text: what a damaged value held is never put on the page.
   */
  function notice(anchor, message) {
    if (!anchor || !anchor.parentNode) return null;
    var previous = anchor.previousElementSibling;
    if (previous && previous.getAttribute("data-kb-store-notice") !== null) {
      previous.textContent = message;
      return previous;
    }
    var box = document.createElement("p");
    box.className = "kb-store-notice";
    box.setAttribute("data-kb-store-notice", "");
    box.setAttribute("role", "status");
    box.textContent = message;
    anchor.parentNode.insertBefore(box, anchor);
    return box;
  }

  /**
   * Whether the page is shown inside another page's frame. The tools that change what is
   * kept stay hidden then: a page of another site could lay ours under its own and take the
   * reader's clicks (kb-list.js says so on the page).
   */
  function framed() {
    return window.top !== window.self;
  }

  /* -------------------------------------------------------------- large type */

  /** Large type is kept as true; anything else under its name is damage. */
  function largeType() {
    return read(LARGE_TYPE, function (value) {
      return value === true ? true : null;
    });
  }

  function applyLargeType(on) {
    var html = document.documentElement;
    if (on) html.classList.add(LARGE_CLASS);
    else html.classList.remove(LARGE_CLASS);
  }

  applyLargeType(largeType().state === "ok");

  window.kbStore = {
    root: ROOT,
    key: key,
    read: read,
    write: write,
    remove: remove,
    watch: watch,
    pageRules: pageRules,
    ownPage: ownPage,
    has: has,
    isObject: isObject,
    text: text,
    day: day,
    number: number,
    today: today,
    chineseDate: chineseDate,
    notice: notice,
    framed: framed,
    largeType: largeType,
    applyLargeType: applyLargeType,
    LARGE_TYPE: LARGE_TYPE
  };
})();
