// Follows a download being written in the background: moves the bar, and shows the link (reloads) when it ends.
// Its words come from the page (data-*), translated there.
(function () {
  "use strict";
  var box = document.getElementById("export-progress");
  if (!box || box.dataset.running !== "1") { return; }
  var bar = box.querySelector(".progress-bar");
  var holder = box.querySelector(".progress");
  var count = document.getElementById("export-progress-count");
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (!data.running) { window.location.reload(); return; }
        if (data.state === "queued") {
          count.textContent = box.dataset.waiting;
        } else if (data.total) {
          var share = Math.min(100, Math.round((100 * data.done) / data.total));
          bar.style.width = share + "%";
          holder.setAttribute("aria-valuenow", String(share));
          count.textContent = data.done_label + " / " + data.total_label + " " + box.dataset.written;  // grouped by the server (50.000)
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
