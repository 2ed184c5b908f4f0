// Checkboxes that tick every row of their list: the table's header box and, on a phone (where the header row is
// hidden), the one above the list; each keeps the other in step.
(function () {
  "use strict";
  var boxes = document.querySelectorAll("input.select-all, #select-all");
  boxes.forEach(function (all) {
    all.addEventListener("change", function () {
      var scope = all.closest("table") || all.parentElement.nextElementSibling;
      if (!scope) { return; }
      scope.querySelectorAll("tbody input[type=checkbox]").forEach(function (box) { box.checked = all.checked; });
      boxes.forEach(function (other) { other.checked = all.checked; });
    });
  });
})();
