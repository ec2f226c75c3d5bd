// Keyboard shortcuts on the voting page: A agree, D disagree, P pass (buttons also work by Tab/Enter).
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target && (target.tagName === "TEXTAREA" || target.tagName === "INPUT" || target.tagName === "SELECT" || target.isContentEditable)) { return; }
    var button = document.querySelector("[data-vote-form] button[data-key='" + event.key.toLowerCase() + "']");
    if (button) { event.preventDefault(); button.click(); }
  });
})();
