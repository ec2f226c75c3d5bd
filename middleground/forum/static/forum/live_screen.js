// The projector view: figures from the server-sent event stream, with polling of the API as
// the fallback. Texts are set with textContent only (statements are user text).
(function () {
  "use strict";
  var root = document.querySelector("[data-live-screen]");
  if (!root) { return; }
  var words = {};
  var tpl = document.getElementById("live-i18n");
  if (tpl) {
    tpl.content.querySelectorAll("[data-k]").forEach(function (el) { words[el.dataset.k] = el.textContent; });
  }
  var updated = root.querySelector("[data-live-updated]");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function statementRows(body, rows, empty, barClass) {
    body.textContent = "";
    if (!rows.length) {
      var tr = el("tr", "live-empty");
      var td = el("td", "", empty);
      td.colSpan = 4;
      tr.appendChild(td);
      body.appendChild(tr);
      return;
    }
    rows.forEach(function (r) {
      var tr = el("tr");
      var first = el("td", "", r.text);
      var meter = el("meter", "live-bar " + barClass);
      meter.min = 0; meter.max = 100; meter.value = r.agree_pct;
      first.appendChild(meter);
      tr.appendChild(first);
      tr.appendChild(el("td", "num", r.agree_pct + "%"));
      tr.appendChild(el("td", "num", r.disagree_pct + "%"));
      tr.appendChild(el("td", "num", String(r.votes)));
      body.appendChild(tr);
    });
  }

  function render(f) {
    ["participants", "votes", "statements"].forEach(function (key) {
      var node = root.querySelector("[data-fig='" + key + "']");
      if (node) { node.textContent = String(f[key]); }
    });
    statementRows(root.querySelector("[data-list='consensus']"), f.consensus || [], words.none, "agree");
    statementRows(root.querySelector("[data-list='divisive']"), f.divisive || [], words.nodiv, "split");
    var groups = f.groups || {};
    var opinion = groups.opinion || [];
    root.querySelector("[data-groups-note]").hidden = opinion.length > 0;
    root.querySelector("[data-groups-table]").hidden = opinion.length === 0;
    var body = root.querySelector("[data-list='opinion']");
    body.textContent = "";
    opinion.forEach(function (g) {
      var tr = el("tr");
      tr.appendChild(el("td", "nowrap", g.name));
      tr.appendChild(el("td", "num", String(g.size)));
      var cell = el("td");
      (g.distinct || []).forEach(function (d) {
        cell.appendChild(el("span", "live-distinct", d.pct + "% " + (d.side === "agree" ? words.agree : words.disagree) + ": " + d.text));
      });
      tr.appendChild(cell);
      body.appendChild(tr);
    });
    var declared = groups.declared || {groups: [], statements: []};
    var box = root.querySelector("[data-declared]");
    box.hidden = !(declared.groups || []).length;
    var head = root.querySelector("[data-declared-head]");
    while (head.children.length > 1) { head.removeChild(head.lastChild); }
    (declared.groups || []).forEach(function (g) {
      var th = el("th", "num", g.label + " (" + g.size + ")");
      th.scope = "col";
      head.appendChild(th);
    });
    var dbody = root.querySelector("[data-list='declared']");
    dbody.textContent = "";
    (declared.statements || []).forEach(function (s) {
      var tr = el("tr");
      tr.appendChild(el("td", "", s.text));
      (s.agree_pct || []).forEach(function (p) { tr.appendChild(el("td", "num", p + "%")); });
      dbody.appendChild(tr);
    });
    updated.textContent = (words.updated || "") + " " + new Date().toLocaleTimeString();
    root.dataset.votes = String(f.votes);
  }

  function closed() {
    updated.textContent = words.closed || "";
    window.setTimeout(function () { window.location.reload(); }, 1500);
  }

  var pollTimer = null;
  function poll() {
    if (pollTimer) { return; }
    var every = Math.max(parseInt(root.dataset.poll, 10) || 4, 2) * 1000;
    pollTimer = window.setInterval(function () {
      fetch(root.dataset.api, {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (response) {
          if (response.status === 404) { closed(); return null; }
          return response.ok ? response.json() : null;
        })
        .then(function (data) { if (data) { render(data); } })
        .catch(function () { updated.textContent = words.offline || ""; });
    }, every);
  }

  if (!window.EventSource) { poll(); return; }
  var source = new EventSource(root.dataset.stream);
  var failures = 0;
  source.addEventListener("open", function () { failures = 0; });
  source.addEventListener("figures", function (event) {
    failures = 0;
    render(JSON.parse(event.data));
  });
  source.addEventListener("closed", function () { source.close(); closed(); });
  source.addEventListener("error", function () {
    // the stream ends every 30 s and the browser reconnects; repeated failures mean it
    // cannot stream at all (a proxy, an old server): poll the API instead
    failures += 1;
    if (failures >= 3) { source.close(); poll(); }
  });
})();
