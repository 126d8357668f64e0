/* The navigation's menu button on narrow screens. Without scripts the navigation is simply
   shown above the page. */
(function () {
  "use strict";
  var toggle = document.querySelector(".nav-toggle");
  var nav = document.getElementById("sidenav");
  if (!toggle || !nav) return;
  document.documentElement.classList.add("js-nav");
  toggle.addEventListener("click", function () {
    var open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("open", open);
    if (open) {
      var first = nav.querySelector("a");
      if (first) first.focus();
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && nav.classList.contains("open")) {
      nav.classList.remove("open");
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }
  });
})();

/* A box that scrolls (a wide table, a long panel list) can be scrolled from the keyboard: it
   takes focus and is named after its card's heading. */
(function () {
  "use strict";
  function makeReachable() {
    document.querySelectorAll(".table-wrap, .panel ul.plain").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
      if (!scrolls || box.hasAttribute("tabindex")) return;
      box.setAttribute("tabindex", "0");
      if (box.tagName !== "UL" && !box.hasAttribute("role")) box.setAttribute("role", "region");
      var card = box.closest("section, .card");
      var heading = card && card.querySelector("h2, h3");
      if (heading && !box.hasAttribute("aria-label")) box.setAttribute("aria-label", heading.textContent.trim());
    });
  }
  makeReachable();
  window.addEventListener("resize", makeReachable);
})();
