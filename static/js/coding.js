// The coding page: "Use my selection" turns the browser's selection inside the text into
// start/end character positions (code points, as the server counts them).
(function () {
  "use strict";
  var text = document.getElementById("coding-text");
  var button = document.getElementById("use-selection");
  if (!text || !button) return;
  button.hidden = false;
  function points(s) { return Array.from(s).length; }
  button.addEventListener("click", function () {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0) return;
    var range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return;
    var before = document.createRange();
    before.setStart(text, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var start = points(before.toString());
    document.getElementById("coding-start").value = start;
    document.getElementById("coding-end").value = start + points(range.toString());
  });
})();
