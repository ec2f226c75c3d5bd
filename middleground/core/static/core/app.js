// Static behaviour for every page: no inline scripts, so a strict CSP holds.
(function () {
  "use strict";

  function enhance(root) {
    // Language select submits on change; its button stays for use without JavaScript.
    root.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
    document.documentElement.classList.add("js");
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
