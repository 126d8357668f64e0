// Live progress of pending and running correlation reports: polls the API every two seconds
// and reloads the page when a report has finished (the server then renders its result).
(function () {
  "use strict";
  var bars = document.querySelectorAll("progress[data-report]");
  var holder = document.querySelector("[data-report-api]");
  if (!bars.length || !holder) {
    return;
  }
  var api = holder.getAttribute("data-report-api");
  var ids = Array.prototype.map.call(bars, function (bar) { return bar.getAttribute("data-report"); });
  var delay = 2000;

  function schedule() {
    window.setTimeout(poll, delay);
  }

  function poll() {
    var url = api + "?id__in=" + encodeURIComponent(ids.join(",")) + "&page_size=" + ids.length;
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (body) {
        var finished = false;
        body.results.forEach(function (report) {
          var bar = document.querySelector('progress[data-report="' + report.id + '"]');
          if (bar) {
            bar.value = report.progress;
            bar.textContent = report.progress + "%";
          }
          if (report.status === "succeeded" || report.status === "failed") {
            finished = true;
          }
        });
        if (finished) {
          window.location.reload();
        } else {
          schedule();
        }
      })
      .catch(function () {
        delay = Math.min(delay * 2, 30000);
        schedule();
      });
  }

  schedule();
})();
