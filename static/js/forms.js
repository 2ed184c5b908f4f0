// Forms marked data-once cannot be sent twice by a double click: buttons are disabled on submit.
(function () {
  "use strict";
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.sent) { event.preventDefault(); return; }
      form.dataset.sent = "1";
      var clicked = event.submitter;
      if (clicked && clicked.name) {  // keep which button was pressed once the buttons are disabled
        var hidden = document.createElement("input");
        hidden.type = "hidden"; hidden.name = clicked.name; hidden.value = clicked.value;
        form.appendChild(hidden);
      }
      form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
    });
  });
})();
