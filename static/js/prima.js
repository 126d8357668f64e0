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

/* Chart points and hidden cells tell their exact figure (or why they are hidden) to a tap or to
   keyboard focus, not only to a mouse pointer: each takes focus and shows its text beside it.
   A heatmap row hidden whole says why once, on the row: its first hidden cell (td.why) tells. */
(function () {
  "use strict";
  var targets = document.querySelectorAll(".chart svg circle, .chart svg rect, td.suppressed[title], td.why");
  if (!targets.length) return;
  var tip = document.createElement("div");
  tip.className = "chart-tip";
  tip.setAttribute("role", "status");
  tip.hidden = true;
  document.body.appendChild(tip);
  function textOf(target) {
    var title = target.querySelector("title");
    var titled = target.closest("[title]");
    return (title ? title.textContent : titled ? titled.getAttribute("title") : "").trim();
  }
  function show(target) {
    tip.textContent = textOf(target);
    tip.hidden = false;
    var box = target.getBoundingClientRect();
    var widest = window.scrollX + document.documentElement.clientWidth - tip.offsetWidth - 8;
    tip.style.left = Math.max(window.scrollX + 8, Math.min(window.scrollX + box.left, widest)) + "px";
    tip.style.top = Math.max(window.scrollY, window.scrollY + box.top - tip.offsetHeight - 8) + "px";
  }
  function hide() {
    tip.hidden = true;
  }
  targets.forEach(function (target) {
    if (!textOf(target)) return;
    target.setAttribute("tabindex", "0");
    if (target.tagName.toLowerCase() !== "td") {
      target.setAttribute("role", "img");
      target.setAttribute("aria-label", textOf(target));
    }
    target.classList.add("chart-point");
    target.addEventListener("focus", function () { show(target); });
    target.addEventListener("blur", hide);
    target.addEventListener("click", function () { show(target); });
    target.addEventListener("mouseenter", function () { show(target); });
    target.addEventListener("mouseleave", hide);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") hide();
  });
})();

/* A long list to choose from (a colleague) gets a search box above it: typing narrows the
   options to those whose text holds every word typed. Without scripts the list is whole.
   A list too long to send whole (data-search-url) holds only the person chosen: typing asks the
   directory, and the list holds what it answers. */
(function () {
  "use strict";
  function askTheDirectory(select, box) {
    var url = select.getAttribute("data-search-url");
    var asked = 0;
    var timer = null;
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var query = box.value.trim();
        if (query.length < 2) return;
        var ticket = ++asked;
        fetch(url + "?q=" + encodeURIComponent(query), {
          credentials: "same-origin",
          headers: { Accept: "application/json" }
        }).then(function (response) {
          return response.ok ? response.json() : { results: [] };
        }).then(function (answer) {
          if (ticket !== asked) return; // a later question is on its way
          Array.prototype.slice.call(select.options).forEach(function (option) {
            if (option.value && !option.selected) option.remove();
          });
          answer.results.forEach(function (person) {
            if (select.querySelector('option[value="' + person.id + '"]')) return;
            var option = document.createElement("option");
            option.value = String(person.id);
            option.textContent = person.label;
            select.appendChild(option);
          });
          if (select.selectedIndex < 1 && answer.results.length) select.value = String(answer.results[0].id);
        });
      }, 250);
    });
  }
  document.querySelectorAll("select[data-searchable]").forEach(function (select) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "select-search";
    box.setAttribute("autocomplete", "off");
    box.setAttribute("aria-controls", select.id);
    var label = document.querySelector('label[for="' + select.id + '"]');
    var name = select.getAttribute("data-searchable");
    box.setAttribute("aria-label", (label ? label.textContent + ": " : "") + name);
    box.placeholder = name;
    select.parentNode.insertBefore(box, select);
    if (select.hasAttribute("data-search-url")) {
      askTheDirectory(select, box);
      return;
    }
    box.addEventListener("input", function () {
      var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
      var first = null;
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) return;
        var text = option.textContent.toLowerCase();
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        option.hidden = !match;
        option.disabled = !match && !option.selected;
        if (match && first === null) first = option;
      });
      if (first && (select.selectedIndex < 1 || select.options[select.selectedIndex].hidden)) {
        select.value = first.value;
      }
    });
  });
})();
