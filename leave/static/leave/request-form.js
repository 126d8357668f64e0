// The leave request form: asks the server how many days the picked dates count (weekends,
// public holidays and collective leave excluded) and shows it before the request is sent.
(function () {
  "use strict";
  var form = document.getElementById("leave-request-form");
  if (!form) { return; }
  var output = document.getElementById("leave-day-count");
  var daysOff = document.getElementById("leave-days-off");
  var typeField = form.elements.leave_type;
  var startField = form.elements.start_date;
  var endField = form.elements.end_date;
  var halfDayField = form.elements.half_day;
  var halfDayTypes = (form.dataset.halfDayTypes || "").split(",").filter(Boolean);
  var text = function (id) {
    var node = document.getElementById(id);
    return node ? (node.content || node).textContent.trim() : "";
  };
  var pending = null;

  function syncHalfDay() {
    if (!halfDayField) { return; }
    var allowed = halfDayTypes.indexOf(typeField.value) !== -1 && startField.value && startField.value === endField.value;
    halfDayField.closest(".leave-field").hidden = !allowed;
    if (!allowed) { halfDayField.checked = false; }
  }

  function update() {
    syncHalfDay();
    if (!typeField.value || !startField.value) { return; }
    if (!endField.value || endField.value < startField.value) { endField.value = startField.value; syncHalfDay(); }
    var params = new URLSearchParams({
      leave_type: typeField.value,
      start_date: startField.value,
      end_date: endField.value,
      half_day: halfDayField && halfDayField.checked ? "true" : "false"
    });
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(form.dataset.countUrl + "?" + params.toString(), {
      credentials: "same-origin", headers: { "Accept": "application/json" }, signal: pending.signal
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (!result.ok) {
        var messages = [];
        Object.keys(result.body).forEach(function (key) { messages = messages.concat(result.body[key]); });
        output.textContent = messages.join(" ");
        daysOff.textContent = "";
        return;
      }
      var body = result.body;
      var unit = text(body.day_unit === "calendar" ? "leave-unit-calendar" : "leave-unit-working");
      var line = text("leave-count-text").replace("{days}", String(parseFloat(body.working_days))).replace("{unit}", unit);
      if (body.available !== null) { line += " " + text("leave-available-text").replace("{available}", String(parseFloat(body.available))); }
      output.textContent = line;
      daysOff.textContent = body.days_off.length
        ? text("leave-off-text") + " " + body.days_off.map(function (day) { return day.date + " " + day.name; }).join("; ")
        : "";
    }).catch(function () { /* aborted or offline: the server still counts on submit */ });
  }

  [typeField, startField, endField, halfDayField].forEach(function (field) {
    if (field) { field.addEventListener("change", update); }
  });
  update();
})();
