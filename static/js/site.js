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

  // The use case picker: typing filters the options (by title or area), a count shows the choice.
  function enhancePicker(picker) {
    var filter = picker.querySelector("[data-picker-filter]");
    var count = picker.querySelector("[data-picker-count]");
    var empty = picker.querySelector("[data-picker-empty]");
    var boxes = picker.querySelectorAll("input[type=checkbox]");
    function updateCount() {
      var selected = 0;
      boxes.forEach(function (box) { if (box.checked) selected += 1; });
      count.textContent = selected;
    }
    function applyFilter() {
      var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
      var anyVisible = false;
      picker.querySelectorAll("[data-picker-group]").forEach(function (group) {
        var area = group.querySelector("legend").textContent.toLowerCase();
        var groupVisible = false;
        group.querySelectorAll("[data-picker-option]").forEach(function (option) {
          var text = area + " " + option.textContent.toLowerCase();
          var visible = words.every(function (word) { return text.indexOf(word) !== -1; });
          option.hidden = !visible;
          groupVisible = groupVisible || visible;
        });
        group.hidden = !groupVisible;
        anyVisible = anyVisible || groupVisible;
      });
      empty.hidden = anyVisible;
    }
    filter.addEventListener("input", applyFilter);
    // Enter in the search box filters; it must not submit the whole profile form.
    filter.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
    boxes.forEach(function (box) { box.addEventListener("change", updateCount); });
    updateCount();
  }

  // Wide screens have room for a result's value chart and prerequisites: unfold them there.
  var wide = window.matchMedia("(min-width: 48rem)");

  // Runs again after every htmx swap; elements already enhanced are skipped.
  function enhance(root) {
    if (wide.matches) {
      root.querySelectorAll("details.card-more:not([data-enhanced])").forEach(function (more) {
        more.setAttribute("data-enhanced", "");
        more.open = true;
      });
    }
    root.querySelectorAll("textarea[data-counter]:not([data-enhanced])").forEach(function (textarea) {
      textarea.setAttribute("data-enhanced", "");
      updateCounter(textarea);
      textarea.addEventListener("input", function () { updateCounter(textarea); });
    });
    root.querySelectorAll("[data-picker]:not([data-enhanced])").forEach(function (picker) {
      picker.setAttribute("data-enhanced", "");
      enhancePicker(picker);
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

  // After the problem form is answered in place, show the page from its top: the question, the
  // one-sentence answer and the first result (or the first error), with focus on the answer.
  // Without JavaScript the same follows from the new page load and its autofocus attribute.
  function land(event) {
    var source = event.detail && event.detail.requestConfig && event.detail.requestConfig.elt;
    if (!source || !source.closest || !source.closest("[data-land]")) return;
    var target = document.querySelector("#main [autofocus]");
    if (!target) return;
    var field = target.matches("textarea, input, select");
    target.focus({ preventScroll: true });
    if (field) {
      target.scrollIntoView({ block: "center" });
    } else {
      window.scrollTo(0, 0);
    }
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSettle", function (event) {
    enhance(document);
    land(event);
  });
})();
