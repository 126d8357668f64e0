// The public SKM form: one step at a time, answers sent as JSON with an Idempotency-Key.
// On the kiosk, answers go through a queue kept in localStorage: each keeps its key until the
// server has answered it, so an answer given offline is sent once the network is back, once.
(function () {
  "use strict";
  var form = document.getElementById("skm-form");
  if (!form) { return; }
  var kiosk = form.dataset.kiosk === "1";
  var steps = Array.prototype.slice.call(form.querySelectorAll(".skm-step"));
  var current = 0;
  var back = document.getElementById("skm-back");
  var next = document.getElementById("skm-next");
  var submit = document.getElementById("skm-submit");
  var progress = document.getElementById("skm-progress");
  var errors = document.getElementById("skm-errors");
  var status = document.getElementById("skm-status");
  var done = document.getElementById("skm-done");
  var queueName = "prima-skm-queue-" + form.dataset.token;
  var kioskKeyName = "prima-skm-kiosk-" + form.dataset.token;
  var sending = false;

  if (kiosk && window.location.hash.length > 1) {
    localStorage.setItem(kioskKeyName, window.location.hash.slice(1));
    history.replaceState(null, "", window.location.pathname + window.location.search);
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function show(index) {
    current = index;
    steps.forEach(function (step, i) { step.hidden = i !== index; });
    back.hidden = index === 0;
    next.hidden = index === steps.length - 1;
    submit.hidden = index !== steps.length - 1;
    progress.textContent = (index + 1) + " / " + steps.length;
  }

  function stepComplete(step) {
    var names = {};
    step.querySelectorAll("input[type=radio][required]").forEach(function (input) { names[input.name] = true; });
    return Object.keys(names).every(function (name) { return form.querySelector("input[name='" + name + "']:checked"); });
  }

  function showErrors(messages) {
    errors.innerHTML = "";
    if (!messages.length) { errors.hidden = true; return; }
    var list = document.createElement("ul");
    messages.forEach(function (message) {
      var item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
    });
    errors.appendChild(list);
    errors.hidden = false;
    errors.focus();
  }

  function body() {
    var data = new FormData(form);
    var answers = {};
    ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8", "u9"].forEach(function (key) {
      answers[key] = parseInt(data.get(key), 10);
    });
    var ratings = {};
    form.querySelectorAll("input[type=radio][name^='rating_']:checked").forEach(function (input) {
      ratings[input.name.slice("rating_".length)] = parseInt(input.value, 10);
    });
    var level = data.get("expectation_level");
    return {
      answers: answers,
      ratings: ratings,
      profile: {
        age_band: data.get("age_band"), sex: data.get("sex"),
        education: data.get("education"), occupation: data.get("occupation")
      },
      service: data.get("service") || "",
      expectation_level: level ? parseInt(level, 10) : null,
      suggestion: data.get("suggestion") || "",
      visit_code: data.get("visit_code") || "",
      website: data.get("website") || ""
    };
  }

  function post(item) {
    var headers = {
      "Content-Type": "application/json",
      "Accept-Language": form.dataset.language,
      "Idempotency-Key": item.key
    };
    var kioskKey = kiosk && localStorage.getItem(kioskKeyName);
    if (kioskKey) { headers["X-Kiosk-Key"] = kioskKey; }
    return fetch(form.dataset.endpoint, {
      method: "POST", headers: headers, body: JSON.stringify(item.body), credentials: "same-origin"
    });
  }

  function messagesOf(payload) {
    var out = [];
    Object.keys(payload || {}).forEach(function (field) {
      var value = payload[field];
      if (field === "code") { return; }
      if (Array.isArray(value)) { out = out.concat(value); } else if (typeof value === "string") { out.push(value); }
    });
    return out;
  }

  function reset() {
    form.reset();
    showErrors([]);
    show(0);
  }

  function finished(message) {
    if (kiosk) {
      status.textContent = message;
      reset();
      window.setTimeout(function () { status.textContent = pendingText(); }, 4000);
    } else {
      form.hidden = true;
      done.hidden = false;
      done.focus();
    }
  }

  // --- The kiosk's queue.
  function queue() {
    try { return JSON.parse(localStorage.getItem(queueName) || "[]"); } catch (e) { return []; }
  }
  function saveQueue(items) { localStorage.setItem(queueName, JSON.stringify(items)); }
  function pendingText() {
    var n = queue().length;
    return n ? form.dataset.pending + " " + n : "";
  }

  function flush() {
    if (sending) { return Promise.resolve(); }
    var items = queue();
    if (!items.length) { return Promise.resolve(); }
    sending = true;
    var item = items[0];
    return post(item).then(function (response) {
      if (response.status === 429 || response.status >= 500) { throw new Error("later"); }
      // Answered (accepted, or refused for good): it leaves the queue either way.
      saveQueue(queue().filter(function (other) { return other.key !== item.key; }));
      sending = false;
      status.textContent = pendingText();
      return flush();
    }).catch(function () {
      sending = false;
      status.textContent = pendingText();
    });
  }

  back.addEventListener("click", function () { show(Math.max(0, current - 1)); });
  next.addEventListener("click", function () {
    if (!stepComplete(steps[current])) { showErrors([form.dataset.missing]); return; }
    showErrors([]);
    show(current + 1);
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var missing = steps.filter(function (step) { return !stepComplete(step); });
    if (missing.length) { showErrors([form.dataset.missing]); show(steps.indexOf(missing[0])); return; }
    var item = { key: newKey(), body: body() };
    if (kiosk) {
      var items = queue();
      items.push(item);
      saveQueue(items);
      finished(navigator.onLine ? form.dataset.thanks : form.dataset.queued);
      flush();
      return;
    }
    submit.disabled = true;
    post(item).then(function (response) {
      return response.json().then(function (payload) { return { status: response.status, payload: payload }; });
    }).then(function (answer) {
      submit.disabled = false;
      if (answer.status === 201) { finished(form.dataset.thanks); return; }
      showErrors(messagesOf(answer.payload));
    }).catch(function () {
      submit.disabled = false;
      showErrors([form.dataset.offline]);
    });
  });

  if (kiosk) {
    window.addEventListener("online", flush);
    window.setInterval(flush, 15000);
    status.textContent = pendingText();
    flush();
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register("/s/sw.js", { scope: "/s/" }).catch(function () {});
    }
  }
  show(0);
}());
