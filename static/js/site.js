// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";

  function updateCounter(textarea) {
    var limit = parseInt(textarea.getAttribute("data-counter"), 10);
    var counter = document.getElementById("text-count");
    if (!counter) return;
    var length = textarea.value.length;
    counter.querySelector("[data-count]").textContent = length.toLocaleString();
    counter.classList.toggle("over", length > limit);
  }

  function enhance(root) {
    root.querySelectorAll("textarea[data-counter]").forEach(function (textarea) {
      updateCounter(textarea);
      textarea.addEventListener("input", function () { updateCounter(textarea); });
    });
    root.querySelectorAll("a[data-example]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        var textarea = document.querySelector("textarea[data-counter]");
        if (!textarea) return;
        event.preventDefault();
        textarea.value = link.getAttribute("data-example");
        updateCounter(textarea);
        textarea.focus();
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSettle", function (event) { enhance(event.detail.elt); });
})();
