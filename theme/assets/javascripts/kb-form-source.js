/*
 * On an entry's page: hands the entry's values to the editors' form.
 *
 * The form (kb-form.js) opens this page in a hidden frame at #kb-form-source to fill
 * itself with the entry as the site was built from it; the values are in the page
 * (a JSON script element written by the build), so nothing is fetched from elsewhere.
 * Plain ES2017 (Chromium 69).
 */
(function () {
  "use strict";

  if (location.hash !== "#kb-form-source" || window.parent === window) return;
  var source = document.querySelector("script[data-kb-entry-source]");
  if (!source) return;
  // A page opened from disk has the origin "null" and can only be answered with "*";
  // what is sent is the entry's own published text.
  var target = location.protocol === "file:" ? "*" : location.origin;
  window.parent.postMessage({ type: "kb-form-source", data: JSON.parse(source.textContent) }, target);
})();
