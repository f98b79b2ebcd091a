// Skip logic on the page (questionnaires.conditions): a question or Likert item with
// data-show-if="{condition as JSON}" is hidden while the answers on the page (and those of
// other pages, in the JSON script #answers-elsewhere) do not meet its condition, and shown
// again when they do. The server applies the same rule on saving: a hidden question's answer
// is kept in the draft but never counted. Without JavaScript every question of the page is
// shown, with its condition in words.
(function () {
  "use strict";
  var COMPARE = { gt: function (a, b) { return a > b; }, gte: function (a, b) { return a >= b; },
                  lt: function (a, b) { return a < b; }, lte: function (a, b) { return a <= b; } };

  function text(value) { return value === null || value === undefined ? "" : String(value).trim(); }
  function number(value) {
    var t = text(value).replace(",", ".");
    if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return null;
    return parseFloat(t);
  }
  function items(value) {
    var list = Array.isArray(value) ? value : [value];
    return list.map(text).filter(function (t) { return t !== ""; });
  }
  function same(a, b) {
    if (text(a) === text(b)) return true;
    var x = number(a), y = number(b);
    return x !== null && y !== null && x === y;
  }
  function evaluate(condition, answers) {
    if (!condition) return true;
    if (condition.all) return condition.all.every(function (c) { return evaluate(c, answers); });
    if (condition.any) return condition.any.some(function (c) { return evaluate(c, answers); });
    if (condition.not) return !evaluate(condition.not, answers);
    var given = items(answers[condition.question]);
    if ("answered" in condition) return (given.length > 0) === Boolean(condition.answered);
    if (!given.length) return false;
    if ("equals" in condition) return given.some(function (g) { return same(g, condition.equals); });
    var inList = function (list) {
      return given.some(function (g) { return list.some(function (v) { return same(g, v); }); });
    };
    if ("in" in condition) return inList(condition.in);
    if ("not_in" in condition) return !inList(condition.not_in);
    for (var op in COMPARE) {
      if (op in condition) {
        var value = given.length === 1 ? number(given[0]) : null;
        return value !== null && COMPARE[op](value, Number(condition[op]));
      }
    }
    return false;
  }
  function valueOf(form, key) {
    var fields = form.querySelectorAll('[name="q-' + key + '"]');
    var values = [];
    fields.forEach(function (field) {
      if ((field.type === "radio" || field.type === "checkbox") && !field.checked) return;
      values.push(field.value);
    });
    return fields.length && fields[0].type === "checkbox" ? values : values[0] || "";
  }
  function update(form) {
    var source = document.getElementById("answers-elsewhere");
    var answers = source ? JSON.parse(source.textContent) : {};
    // In the page's order: a hidden question counts as unanswered for the ones after it.
    form.querySelectorAll("[data-key]").forEach(function (element) {
      var key = element.dataset.key;
      var shown = !element.dataset.showIf || evaluate(JSON.parse(element.dataset.showIf), answers);
      element.hidden = !shown;
      var note = element.querySelector(".condition");
      if (note) note.hidden = true;  // the script decides: the words are for pages without it
      if (shown) answers[key] = valueOf(form, key);
      else delete answers[key];
    });
  }
  function start() {
    document.querySelectorAll("form[data-skip-logic]").forEach(function (form) {
      update(form);
      form.addEventListener("change", function () { update(form); });
      form.addEventListener("input", function () { update(form); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
