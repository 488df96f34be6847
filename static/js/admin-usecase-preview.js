// "Try a problem" beside the use case form: shows the rank in the box instead of leaving the
// page, so the editor keeps the form in view. Without JavaScript the form opens the rank page.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("try-a-problem");
    if (!box) return;
    var form = box.querySelector("form");
    var result = document.getElementById("try-a-problem-result");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var params = new URLSearchParams(new FormData(form));
      params.set("fragment", "1");
      result.setAttribute("aria-busy", "true");
      fetch(form.action + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          result.innerHTML = html;
          result.removeAttribute("aria-busy");
        })
        .catch(function () {
          result.removeAttribute("aria-busy");
          form.submit();
        });
    });
  });
})();
