// The compile form's period list shows only the closed periods of the plan chosen (options carry data-plan), and
// none until a plan is chosen; its prompt's words come from the page (data-choose-*, from the catalogue).
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
          var show = !!chosen && option.getAttribute("data-plan") === chosen;
          option.hidden = !show;
          option.disabled = !show;
          mine = mine || show;
        });
        group.hidden = !mine;
      });
      var prompt = periods.querySelector('option[value=""]');
      if (prompt) prompt.textContent = chosen ? periods.getAttribute("data-choose-period") : periods.getAttribute("data-choose-plan-first");
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
