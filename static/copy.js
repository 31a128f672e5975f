// Progressive enhancement: a "copy to clipboard" button next to each letter's text.
(function () {
  "use strict";
  document.querySelectorAll(".js-copy").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      var area = document.getElementById(button.dataset.copy);
      area.select();
      if (navigator.clipboard) { navigator.clipboard.writeText(area.value); }
      else { document.execCommand("copy"); }
    });
  });
})();
