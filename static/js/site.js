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

  // Runs again after every htmx swap; elements already enhanced are skipped.
  function enhance(root) {
    root.querySelectorAll("textarea[data-counter]:not([data-enhanced])").forEach(function (textarea) {
      textarea.setAttribute("data-enhanced", "");
      updateCounter(textarea);
      textarea.addEventListener("input", function () { updateCounter(textarea); });
    });
    root.querySelectorAll("a[data-example]:not([data-enhanced])").forEach(function (link) {
      link.setAttribute("data-enhanced", "");
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
  document.addEventListener("htmx:afterSettle", function () { enhance(document); });
})();
