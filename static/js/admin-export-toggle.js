// The "select all" box of django-import-export's export page, bound here rather than inline (CSP).
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input.select-toggle").forEach(function (box) {
    box.addEventListener("change", function (event) { onSelectToggleChange(event); });
  });
});
