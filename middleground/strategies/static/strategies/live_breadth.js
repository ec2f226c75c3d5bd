// The endorsements page of an open call: every data-live-seconds it fetches the page again
// and, when the answers changed (data-live-stamp: how many answers were given), swaps in the
// new breadth summary, chart, tables and history, and says so in the status line.
(function () {
  "use strict";
  function start() {
    var box = document.getElementById("breadth-live");
    if (!box || !box.dataset.liveSeconds || !window.fetch || !window.DOMParser) { return; }
    var status = document.getElementById("breadth-live-status");
    var every = Math.max(1, parseFloat(box.dataset.liveSeconds)) * 1000;
    var busy = false;
    var timer = null;
    function poll() {
      if (busy || document.hidden) { return; }
      busy = true;
      fetch(window.location.href, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (!html) { return; }
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("breadth-live");
          if (!fresh || fresh.dataset.liveStamp === box.dataset.liveStamp) { return; }
          box.innerHTML = fresh.innerHTML;
          box.dataset.liveStamp = fresh.dataset.liveStamp;
          // app.js draws the charts of swapped-in content on this event
          box.dispatchEvent(new CustomEvent("htmx:afterSwap", { bubbles: true }));
          if (status) { status.textContent = status.dataset.updated; }
          if (!fresh.dataset.liveSeconds) { window.clearInterval(timer); }
        })
        .catch(function () { /* offline for a moment: try again at the next tick */ })
        .then(function () { busy = false; });
    }
    timer = window.setInterval(poll, every);
  }
  document.addEventListener("DOMContentLoaded", start);
})();
