// An indicator's trend (Chart.js, served locally): its values and its target; the table below holds the same figures.
(function () {
  "use strict";
  var canvas = document.getElementById("indicator-chart");
  if (!canvas) { return; }
  var data = JSON.parse(document.getElementById("indicator-data").textContent);
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  var datasets = [{ label: data.valueLabel, data: data.values, borderColor: "#1f4e9c", backgroundColor: "#1f4e9c", tension: 0,
    spanGaps: true }];
  if (data.targets.some(function (value) { return value !== null; })) {
    // Each day carries the target in force then: the line steps up (or down) right after a target's day.
    datasets.push({ label: data.targetLabel, data: data.targets, stepped: "after", borderColor: "#198754", borderDash: [6, 4],
      pointRadius: 0, backgroundColor: "#198754" });
  }
  new Chart(canvas, {
    type: "line",
    data: { labels: data.labels, datasets: datasets },
    options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { position: "bottom" } },
      scales: { y: { ticks: { precision: 0 } } } }
  });
})();
