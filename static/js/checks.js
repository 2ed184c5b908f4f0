// The browser's own checks speak the page's language: "Please fill out this field." and "Choose Files /
// No file chosen" come from the browser, in the browser's language. The words are the page's
// (data-check-* on <body>, or on #check-words in the admin, from the catalogue); loaded on every page.
(function () {
  "use strict";
  var words = (document.getElementById("check-words") || document.body).dataset;
  function message(field) {
    var v = field.validity;
    if (v.valueMissing) {
      if (field.type === "file") return words.checkFile;
      if (field.tagName === "SELECT" || field.type === "radio" || field.type === "checkbox") return words.checkChoose;
      return words.checkRequired;
    }
    if (v.typeMismatch && field.type === "email") return words.checkEmail;
    if (v.rangeUnderflow || v.rangeOverflow || v.stepMismatch || v.badInput) {
      return words.checkNumber.replace("{min}", field.min || "…").replace("{max}", field.max || "…");
    }
    if (v.tooLong) return words.checkLong;
    return "";
  }
  document.addEventListener("invalid", function (event) {
    var field = event.target;
    field.setCustomValidity("");
    if (!field.validity.valid) field.setCustomValidity(message(field) || field.validationMessage);
  }, true);
  ["input", "change"].forEach(function (kind) {
    document.addEventListener(kind, function (event) {
      if (event.target.setCustomValidity) event.target.setCustomValidity("");
    }, true);
  });
  // A file field: our own button and the names chosen, in place of the browser's "Choose Files / No file chosen".
  document.querySelectorAll("input[type=file]").forEach(function (input) {
    var box = document.createElement("div");
    box.className = "d-flex flex-wrap align-items-center gap-2 file-choice";
    var button = document.createElement("label");
    button.className = "btn btn-outline-secondary btn-sm mb-0";
    button.htmlFor = input.id;
    button.textContent = input.multiple ? words.fileChooseMany : words.fileChoose;
    var names = document.createElement("span");
    names.className = "small text-muted";
    names.textContent = words.fileNone;
    box.appendChild(button); box.appendChild(names);
    input.classList.add("visually-hidden");
    input.insertAdjacentElement("afterend", box);
    input.addEventListener("change", function () {
      var chosen = Array.prototype.map.call(input.files, function (file) { return file.name; });
      names.textContent = chosen.length ? chosen.join("; ") : words.fileNone;
    });
  });
})();
