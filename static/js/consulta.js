// Small behaviours the templates ask for with data- attributes: the pages carry no inline
// script or event handler, so the Content-Security-Policy can forbid them.
//   data-confirm="Question?"  on a form or a submit button: ask before sending
//   data-remove="li"          on a button: remove the closest such element
//   data-autosubmit           on a select: send its form when the choice changes
//   data-select-on-focus      on an input: select its text when it gets the focus
//   data-no-enter             on an input: Enter does not send the form
(function () {
  "use strict";
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
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target instanceof Element && target.hasAttribute("data-no-enter")) {
      event.preventDefault();
    }
  });
})();
