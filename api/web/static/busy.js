// A form whose work takes seconds (data-busy="what it is doing"): once sent, its button is
// disabled and says so beside a spinner until the next page arrives, so nobody sends it
// twice or wonders whether it went.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-busy]");
  forms.forEach(function (form) {
    var button = form.querySelector("button[type=submit]");
    var label = button ? button.textContent : "";
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("aria-busy") === "true") { event.preventDefault(); return; }
      form.setAttribute("aria-busy", "true");
      if (!button) { return; }
      button.classList.add("busy");
      button.textContent = form.getAttribute("data-busy");
      // disabled once the submission has left: a disabled button would not send it
      window.setTimeout(function () { button.disabled = true; }, 0);
    });
    // back to a page the browser kept in memory: its form is ready again
    window.addEventListener("pageshow", function (event) {
      if (!event.persisted || !button) { return; }
      form.removeAttribute("aria-busy");
      button.classList.remove("busy");
      button.textContent = label;
      button.disabled = false;
    });
  });
})();
