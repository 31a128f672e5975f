// A live word count for textareas with a word limit (the notice of correction: 200 words,
// Consumer Credit Act 1974 s.159(3)). Progressive enhancement only: the server counts the
// same way (whitespace-separated words, dsar/requests/credit_chain.py) and refuses more.
(function () {
  "use strict";
  function words(text) {
    var trimmed = text.trim();
    return trimmed ? trimmed.split(/\s+/).length : 0;
  }
  document.querySelectorAll("textarea[data-word-limit]").forEach(function (area) {
    var counter = document.getElementById(area.getAttribute("data-word-counter"));
    if (!counter) { return; }
    var limit = parseInt(area.getAttribute("data-word-limit"), 10);
    function update() {
      var n = words(area.value);
      var over = n > limit;
      // The page gives the sentences in its language, with {n} and {over} to fill in.
      var sentence = counter.getAttribute(over ? "data-over" : "data-under");
      counter.textContent = sentence.replace("{n}", String(n)).replace("{over}", String(n - limit));
      counter.classList.toggle("word-count-over", over);
    }
    area.addEventListener("input", update);
    update();
  });
})();
