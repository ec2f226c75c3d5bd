// The live room's phone page: votes and statements post with fetch, and only the statement
// card changes, so a half-typed statement is never replaced; the draft is also kept in
// sessionStorage, so a reload or a lost connection does not lose it either.
(function () {
  "use strict";
  var root = document.querySelector("[data-live-audience]");
  if (!root || !window.fetch) { return; }
  var url = root.dataset.url;
  var draftKey = "mg-live-draft-" + root.dataset.code;
  var voteForm = root.querySelector("[data-live-vote]");
  var idInput = root.querySelector("[data-live-statement-id]");
  var text = root.querySelector("[data-live-statement]");
  var done = root.querySelector("[data-live-done]");
  var progress = root.querySelector("[data-live-progress]");
  var status = root.querySelector("[data-live-status]");
  var statementForm = root.querySelector("[data-live-statement-form]");
  var textarea = root.querySelector("[data-live-text]");
  var textError = root.querySelector("[data-live-text-error]");
  var busy = false;

  function csrf(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function say(message) { status.textContent = message || ""; }

  function show(next) {
    if (!next) { return; }
    if (typeof next.voted === "number") {
      progress.querySelector("[data-voted]").textContent = String(next.voted);
      progress.querySelector("[data-total]").textContent = String(next.total);
    }
    if (next.statement) {
      if (idInput.value !== String(next.statement.id)) {
        idInput.value = next.statement.id;
        text.textContent = next.statement.text;
      }
      voteForm.hidden = false;
      done.hidden = true;
    } else {
      idInput.value = "";
      text.textContent = "";
      voteForm.hidden = true;
      done.hidden = false;
    }
  }

  function post(form, fields) {
    var body = new FormData(form);
    Object.keys(fields || {}).forEach(function (key) { body.set(key, fields[key]); });
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": csrf(form)}
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return {ok: response.ok, status: response.status, data: data};
      });
    });
  }

  voteForm.addEventListener("submit", function (event) {
    event.preventDefault();
    if (busy) { return; }
    var button = event.submitter;
    if (!button || !button.value) { return; }
    busy = true;
    post(voteForm, {vote: button.value}).then(function (answer) {
      say(answer.ok ? answer.data.message : answer.data.detail);
      if (answer.ok) { show(answer.data); }
    }).catch(function () { say(root.dataset.offline || "…"); })
      .then(function () { busy = false; });
  });

  // the draft: restored on load, saved on every keystroke, cleared once sent
  try {
    var saved = window.sessionStorage.getItem(draftKey);
    if (saved && !textarea.value) { textarea.value = saved; }
  } catch (e) { /* storage refused: the page still works */ }
  textarea.addEventListener("input", function () {
    try { window.sessionStorage.setItem(draftKey, textarea.value); } catch (e) { /* ignore */ }
  });

  statementForm.addEventListener("submit", function (event) {
    event.preventDefault();
    textError.textContent = "";
    textarea.removeAttribute("aria-invalid");
    post(statementForm).then(function (answer) {
      if (answer.ok) {
        textarea.value = "";
        try { window.sessionStorage.removeItem(draftKey); } catch (e) { /* ignore */ }
        say(answer.data.message);
        show(answer.data);
      } else {
        textError.textContent = answer.data.detail || "";
        textarea.setAttribute("aria-invalid", "true");
      }
    }).catch(function () { textError.textContent = "…"; });
  });

  // new statements appear by themselves: only the card is updated, never the form
  var poll = Math.max(parseInt(root.dataset.poll, 10) || 8, 3) * 1000;
  window.setInterval(function () {
    if (busy || document.hidden) { return; }
    fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) {
        if (response.status === 409) {  // the room was closed: say so, keep the draft
          response.json().then(function (data) { say(data.detail); });
          voteForm.hidden = true;
          return null;
        }
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) { return; }
        // keep the statement on screen while the person reads it; fill an empty card
        if (!idInput.value || !data.statement) { show(data); }
        else if (typeof data.voted === "number") { show({voted: data.voted, total: data.total, statement: {id: idInput.value, text: text.textContent}}); }
      }).catch(function () { /* offline: try again later */ });
  }, poll);
})();
