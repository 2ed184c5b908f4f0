// Follows a background annex job: updates the progress bar, reloads the page when the job ends.
(function () {
  "use strict";
  var box = document.getElementById("annex-progress");
  if (!box) { return; }
  var bar = box.querySelector("progress");
  var count = document.getElementById("annex-progress-count");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (!data.running) { window.location.reload(); return; }
        if (data.total) {
          bar.value = Math.round((100 * data.done) / data.total);
          count.textContent = data.done + " / " + data.total;
        } else if (data.done) {
          bar.removeAttribute("value");
          count.textContent = data.done;
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
