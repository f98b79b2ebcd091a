// Small behaviours the templates ask for with data- attributes: the pages carry no inline
// script or event handler, so the Content-Security-Policy can forbid them.
//   data-confirm="Question?"  on a form or a submit button: ask before sending
//   data-remove="li"          on a button: remove the closest such element
//   data-autosubmit           on a select: send its form when the choice changes
//   data-select-on-focus      on an input: select its text when it gets the focus
//   data-copy="id"            on a button: copies the value of the input with that id; the
//                             button then reads its data-copied text
//   data-no-enter             on an input: Enter does not send the form
//   data-picker               on a fieldset of checkboxes: its data-picker-search box (shown
//                             only with JavaScript) filters the list; data-picker-chosen says
//                             how many are ticked
//   data-select-all="name"    on a checkbox: ticks or unticks every checkbox of that name in
//                             its form; [data-bulk-count] in the form says how many are ticked
(function () {
  "use strict";
  function copyField(button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field) return;
    field.select();
    var done = function () { button.textContent = button.dataset.copied || button.textContent; };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(field.value).then(done, function () {});
    } else if (document.execCommand && document.execCommand("copy")) {
      done();
    }
  }
  function confirmed(element, event) {
    if (element && !window.confirm(element.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target : null;
    if (!target) return;
    confirmed(target.closest("button[data-confirm], input[data-confirm]"), event);
    var copier = target.closest("button[data-copy]");
    if (copier) copyField(copier);
    var remover = target.closest("[data-remove]");
    if (remover) {
      var gone = remover.closest(remover.dataset.remove);
      if (gone) gone.remove();
    }
  });
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")) {
      confirmed(form, event);
    }
  });
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-autosubmit") && target.form) {
      target.form.submit();
    }
  });
  document.addEventListener("focusin", function (event) {
    var target = event.target;
    if (target instanceof HTMLInputElement && target.hasAttribute("data-select-on-focus")) {
      target.select();
    }
  });
  function pickerUpdate(picker) {
    var label = picker.querySelector("[data-picker-chosen]");
    var ticked = picker.querySelectorAll("input[type=checkbox]:checked").length;
    if (label) label.textContent = ticked ? "(" + ticked + " ✓)" : "";
  }
  function bulkUpdate(form) {
    var label = form.querySelector("[data-bulk-count]");
    var all = form.querySelector("[data-select-all]");
    var boxes = all ? form.querySelectorAll("input[name='" + all.dataset.selectAll + "']") : [];
    var ticked = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).length;
    if (label) label.textContent = "(" + ticked + " / " + boxes.length + ")";
    if (all) {
      all.checked = ticked > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-picker]").forEach(function (picker) {
      var search = picker.querySelector("[data-picker-search]");
      if (search) {
        search.hidden = false;
        // Typing a filter changes no choice: the form's listeners (the live count) skip it.
        search.addEventListener("change", function (event) { event.stopPropagation(); });
      }
      pickerUpdate(picker);
    });
    document.querySelectorAll("form[data-bulk]").forEach(bulkUpdate);
  });
  document.addEventListener("input", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement) || !target.hasAttribute("data-picker-search")) return;
    var picker = target.closest("[data-picker]");
    var words = target.value.trim().toLowerCase();
    picker.querySelectorAll("label").forEach(function (label) {
      label.hidden = words !== "" && label.textContent.toLowerCase().indexOf(words) === -1;
    });
  });
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement) || target.type !== "checkbox") return;
    var picker = target.closest("[data-picker]");
    if (picker) pickerUpdate(picker);
    if (target.dataset.selectAll && target.form) {
      target.form.querySelectorAll("input[name='" + target.dataset.selectAll + "']").forEach(
        function (box) { box.checked = target.checked; }
      );
    }
    if (target.form && target.form.hasAttribute("data-bulk")) bulkUpdate(target.form);
  });
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target instanceof Element && target.hasAttribute("data-no-enter")) {
      event.preventDefault();
    }
  });
})();
