/* The report form offers only the dimensions the chosen source holds (each option names its
   sources in data-sources); a dimension the new source lacks falls back to the headline. */
(function () {
  "use strict";
  var source = document.getElementById("id_external_source");
  var dimension = document.getElementById("id_external_dimension");
  if (!source || !dimension) return;
  function offer() {
    Array.prototype.forEach.call(dimension.options, function (option) {
      if (!option.value) return;
      var held = (option.getAttribute("data-sources") || "").split(" ").indexOf(source.value) !== -1;
      option.hidden = !held;
      option.disabled = !held;
      if (!held && option.selected) dimension.value = "";
    });
  }
  source.addEventListener("change", offer);
  offer();
})();
