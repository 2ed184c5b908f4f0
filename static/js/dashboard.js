// Dashboard charts (Chart.js, served locally). Every bar opens the list of tasks it counts.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var agencies = document.getElementById("dashboard-agencies-data");  // the agencies' part, rendered apart
  data.agencies = agencies ? JSON.parse(agencies.textContent) : null;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  function openOnClick(chart) {
    return function (event, elements) {
      if (!elements.length) { return; }
      var element = elements[0];
      var urls = chart.data.datasets[element.datasetIndex].urls;
      if (urls) { window.location.href = urls[element.index]; }
    };
  }
  function bars(id, source, options) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    var chart = new Chart(canvas, {
      type: "bar",
      data: { labels: source.labels, datasets: source.datasets },
      options: Object.assign({ responsive: true, maintainAspectRatio: false, plugins: { legend: { position: "bottom" } },
        onHover: function (event, elements) { event.native.target.style.cursor = elements.length ? "pointer" : "default"; } }, options)
    });
    chart.options.onClick = openOnClick(chart);
    return chart;
  }
  bars("chart-plans", data.plans, { indexAxis: "y", scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true } } });
  if (data.agencies) { bars("chart-agencies", data.agencies, { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }); }
  var trend = document.getElementById("chart-trend");
  if (trend) {
    new Chart(trend, {
      type: "line",
      data: { labels: data.trend.labels, datasets: [
        { label: data.trend.progressLabel, data: data.trend.progress, borderColor: "#1f4e9c", backgroundColor: "#1f4e9c", yAxisID: "y", spanGaps: true },
        { label: data.trend.overdueLabel, data: data.trend.overdue, borderColor: "#dc3545", backgroundColor: "#dc3545", yAxisID: "y1" }
      ] },
      options: { responsive: true, maintainAspectRatio: false, plugins: { legend: { position: "bottom" } },
        scales: { y: { min: 0, max: 100, position: "left" }, y1: { beginAtZero: true, position: "right", grid: { drawOnChartArea: false }, ticks: { precision: 0 } } } }
    });
  }
  // Sortable tables: click a header to sort by that column.
  document.querySelectorAll("table.sortable").forEach(function (table) {
    table.querySelectorAll("th[data-sort]").forEach(function (header, column) {
      header.style.cursor = "pointer";
      header.addEventListener("click", function () {
        var numeric = header.dataset.sort === "num";
        var descending = header.dataset.order !== "desc";
        header.dataset.order = descending ? "desc" : "asc";
        var rows = Array.prototype.slice.call(table.tBodies[0].rows);
        rows.sort(function (a, b) {
          var x = a.cells[column], y = b.cells[column];
          var left = numeric ? parseFloat(x.dataset.value) : x.textContent.trim();
          var right = numeric ? parseFloat(y.dataset.value) : y.textContent.trim();
          var order = numeric ? left - right : left.localeCompare(right, "vi");
          return descending ? -order : order;
        });
        rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
      });
    });
  });
})();
