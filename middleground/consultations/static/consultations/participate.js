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

// After a vote the card is replaced: focus returns to the same choice on the next statement
// (or, when none is left, to the card's heading), so a keyboard user is not sent back to the
// top of the page.
(function () {
  "use strict";
  var lastKey = null;
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!event.target.matches || !event.target.matches("[data-vote-form]")) { return; }
    var active = document.activeElement;
    lastKey = active && active.getAttribute ? active.getAttribute("data-key") : null;
  });
  document.addEventListener("htmx:afterSettle", function () {
    var card = document.getElementById("vote-card");
    if (!card || card.contains(document.activeElement)) { return; }
    var target = (lastKey && card.querySelector("button[data-key='" + lastKey + "']"))
      || card.querySelector("[data-vote-form] button")
      || card.querySelector("h2");
    if (!target) { return; }
    if (target.tagName === "H2") { target.setAttribute("tabindex", "-1"); }
    target.focus();
  });
})();
