/*
 * 自测题: a study pack's self-test. The questions, their answers, explanations and sources
 * are in the page (generator/quiz.py); this script keeps the reader's choices in this
 * browser (kb-store.js), marks them when the reader hands in (交卷), gives the score and
 * offers to try again (重做). Nothing is recorded anywhere but this browser: there is no
 * form to send, no ranking, no time taken.
 *
 * Plain ES2017 on purpose (no optional chaining, no ??): offices run old Chromium builds.
 */
(function () {
  "use strict";

  var store = window.kbStore;
  var NAME = "self-test";
  var VERSION = 1;
  var MAX_PACKS = 1000;

  /** A pack's kept state in general shape: {answers: {"1": ["B"]}, submitted}; else null. */
  function checkState(state) {
    if (!store.isObject(state) || !store.isObject(state.answers) || typeof state.submitted !== "boolean") return null;
    var answers = {};
    var keys = Object.keys(state.answers);
    if (keys.length > 200) return null;
    for (var i = 0; i < keys.length; i++) {
      var chosen = state.answers[keys[i]];
      if (!/^[1-9]\d{0,2}$/.test(keys[i]) || !Array.isArray(chosen) || chosen.length > 6) return null;
      for (var j = 0; j < chosen.length; j++) if (store.text(chosen[j], 2) === null) return null;
      answers[keys[i]] = chosen.slice();
    }
    return { answers: answers, submitted: state.submitted };
  }

  /** Every pack's kept state: {packs, ignored}; packs not kept in the right shape are left out. */
  function readAll() {
    return store.read(NAME, function (value) {
      if (!store.isObject(value) || value.version !== VERSION || !store.isObject(value.packs)) return null;
      var ids = Object.keys(value.packs);
      if (ids.length > MAX_PACKS) return null;
      var packs = {};
      var ignored = 0;
      ids.forEach(function (id) {
        var state = /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(id) ? checkState(value.packs[id]) : null;
        if (state) packs[id] = state;
        else ignored++;
      });
      return { packs: packs, ignored: ignored };
    });
  }

  function Quiz(container) {
    var self = this;
    this.container = container;
    this.pack = container.getAttribute("data-pack");
    this.questions = Array.prototype.slice.call(container.querySelectorAll("[data-kb-question]"));
    this.score = container.querySelector("[data-kb-quiz-score]");
    this.submitButton = container.querySelector("[data-kb-quiz-submit]");
    this.retryButton = container.querySelector("[data-kb-quiz-retry]");
    this.submitButton.addEventListener("click", function () {
      self.submit();
    });
    this.retryButton.addEventListener("click", function () {
      self.retry();
    });
    container.addEventListener("change", function () {
      self.keep();
    });
    var saved = readAll();
    var state = saved.state === "ok" && store.has(saved.value.packs, this.pack) ? saved.value.packs[this.pack] : null;
    if (saved.state === "broken" || (state === null && saved.state === "ok" && saved.value.ignored)) {
      store.notice(
        container.querySelector(".kb-quiz__questions"),
        "这个浏览器里保存的答题情况已损坏（可能被手工改过，或被其他网页写入），已忽略；请重新作答。"
      );
    }
    if (state) this.restore(state);
    container.querySelector("[data-kb-quiz-actions]").hidden = false;
  }

  /** The values chosen for a question, in the order of its options. */
  Quiz.prototype.chosen = function (question) {
    var inputs = question.querySelectorAll("input");
    var values = [];
    for (var i = 0; i < inputs.length; i++) if (inputs[i].checked) values.push(inputs[i].value);
    return values;
  };

  Quiz.prototype.restore = function (state) {
    var self = this;
    this.questions.forEach(function (question) {
      var kept = state.answers[question.getAttribute("data-kb-question")] || [];
      var inputs = question.querySelectorAll("input");
      for (var i = 0; i < inputs.length; i++) inputs[i].checked = kept.indexOf(inputs[i].value) >= 0;
      if (question.getAttribute("data-type") !== "multiple" && self.chosen(question).length > 1) {
        for (var j = 0; j < inputs.length; j++) inputs[j].checked = false; // not what a radio keeps
      }
    });
    if (state.submitted) this.mark(false);
  };

  Quiz.prototype.keep = function (submitted) {
    var self = this;
    var saved = readAll();
    var packs = saved.state === "ok" ? saved.value.packs : {};
    var answers = {};
    this.questions.forEach(function (question) {
      var values = self.chosen(question);
      if (values.length) answers[question.getAttribute("data-kb-question")] = values;
    });
    packs[this.pack] = { answers: answers, submitted: !!submitted };
    if (!store.write(NAME, { version: VERSION, packs: packs })) {
      this.score.textContent = "这个浏览器不允许保存（例如处于无痕模式），刷新后答题情况不会保留。";
    }
  };

  Quiz.prototype.submit = function () {
    this.keep(true);
    this.mark(true);
  };

  /** Marks every question right or wrong and shows the score; ``focus`` moves to the score. */
  Quiz.prototype.mark = function (focus) {
    var self = this;
    var right = 0;
    this.questions.forEach(function (question) {
      var answer = question.getAttribute("data-answer");
      var expected = question.getAttribute("data-type") === "judge" ? [answer] : answer.split("");
      var chosen = self.chosen(question);
      var correct = chosen.length === expected.length && chosen.every(function (v) {
        return expected.indexOf(v) >= 0;
      });
      if (correct) right++;
      question.classList.remove("kb-quiz--right", "kb-quiz--wrong");
      question.classList.add(correct ? "kb-quiz--right" : "kb-quiz--wrong");
      var verdict = question.querySelector("[data-kb-quiz-verdict]");
      verdict.textContent = correct
        ? "回答正确。"
        : (chosen.length ? "回答错误，你选的是 " + chosen.join("") + "。" : "没有作答。") + "正确答案：" + expected.join("") + "。";
      question.querySelector("[data-kb-quiz-feedback]").hidden = false;
      var inputs = question.querySelectorAll("input");
      for (var i = 0; i < inputs.length; i++) inputs[i].disabled = true;
    });
    var total = this.questions.length;
    this.score.textContent =
      "得分：" + Math.round((right / total) * 100) + " 分（答对 " + right + " 题，共 " + total + " 题）。" +
      "每题下面有解析和出处；按“重做”可以再答一遍。";
    this.container.setAttribute("data-kb-quiz-done", "true");
    this.submitButton.hidden = true;
    this.retryButton.hidden = false;
    if (focus) this.score.focus();
  };

  Quiz.prototype.retry = function () {
    this.questions.forEach(function (question) {
      question.classList.remove("kb-quiz--right", "kb-quiz--wrong");
      question.querySelector("[data-kb-quiz-feedback]").hidden = true;
      var inputs = question.querySelectorAll("input");
      for (var i = 0; i < inputs.length; i++) {
        inputs[i].disabled = false;
        inputs[i].checked = false;
      }
    });
    this.score.textContent = "";
    this.container.removeAttribute("data-kb-quiz-done");
    this.submitButton.hidden = false;
    this.retryButton.hidden = true;
    this.keep(false);
    var first = this.container.querySelector("[data-kb-question] input");
    if (first) first.focus();
  };

  function start() {
    if (store.framed()) return;
    var quiz = document.querySelector("[data-kb-quiz]");
    if (quiz) new Quiz(quiz);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
