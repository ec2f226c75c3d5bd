// Static behaviour for every page: no inline scripts, so a strict CSP holds.
(function () {
  "use strict";

  function enhance(root) {
    document.documentElement.classList.add("js");
    // A table wider than a phone scrolls in its own box: reachable by keyboard (Tab, then the
    // arrow keys) and named after the table, so the box is not an unnamed stop.
    root.querySelectorAll("main table, .table-scroll").forEach(function (box) {
      if (box.scrollWidth <= box.clientWidth + 1 || box.hasAttribute("tabindex")) { return; }
      box.setAttribute("tabindex", "0");
      if (box.tagName !== "TABLE") {
        var table = box.querySelector("table");
        var caption = box.querySelector("caption");
        var name = caption ? caption.textContent.trim() : (table && table.getAttribute("aria-label"));
        if (name) { box.setAttribute("role", "region"); box.setAttribute("aria-label", name); }
      }
    });
    // <textarea maxlength data-counter="… {left} … {max}">: the characters left, shown under
    // the box and read out politely; without JavaScript the help text gives the limit.
    root.querySelectorAll("textarea[data-counter][maxlength]").forEach(function (box) {
      if (box.dataset.counted) { return; }
      box.dataset.counted = "1";
      var max = parseInt(box.getAttribute("maxlength"), 10);
      var out = document.createElement("p");
      out.className = "char-count";
      out.id = (box.id || "text") + "-count";
      out.setAttribute("aria-live", "polite");
      box.insertAdjacentElement("afterend", out);
      var describedBy = box.getAttribute("aria-describedby");
      box.setAttribute("aria-describedby", describedBy ? describedBy + " " + out.id : out.id);
      function update() {
        var left = max - box.value.length;
        out.textContent = box.dataset.counter.replace("{left}", String(left)).replace("{max}", String(max));
        out.classList.toggle("near-limit", left <= Math.max(20, max / 10));
      }
      box.addEventListener("input", update);
      update();
    });
    // Charts: <canvas data-chart="ID"> draws the Chart.js config in <script id="ID" type="application/json">.
    // Every chart has a data table beside it; the canvas is the visual summary of that table.
    root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
      var source = document.getElementById(canvas.dataset.chart);
      if (!source || !window.Chart || canvas.dataset.drawn) { return; }
      canvas.dataset.drawn = "1";
      var config = JSON.parse(source.textContent);
      config.options = Object.assign({responsive: true, maintainAspectRatio: false, animation: false}, config.options || {});
      new window.Chart(canvas, config);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });
})();
