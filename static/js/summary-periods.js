// The compile form's period list shows only the closed periods of the plan chosen (options carry data-plan).
(function () {
  "use strict";
  function bind(periods) {
    var plan = document.getElementById(periods.getAttribute("data-plan-periods"));
    if (!plan) return;
    function update() {
      var chosen = plan.value;
      Array.prototype.forEach.call(periods.querySelectorAll("optgroup"), function (group) {
        var mine = false;
        Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
          var show = !chosen || option.getAttribute("data-plan") === chosen;
          option.hidden = !show;
          option.disabled = !show;
          mine = mine || show;
        });
        group.hidden = !mine;
      });
      var selected = periods.options[periods.selectedIndex];
      if (selected && selected.disabled) periods.value = "";
    }
    plan.addEventListener("change", update);
    update();
  }
  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-plan-periods]"), bind);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
