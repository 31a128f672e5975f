// Progressive enhancements used on every page. Everything works without them.
(function () {
  "use strict";

  // Move keyboard and screen-reader focus to the error summary when a form comes back with errors.
  var summary = document.querySelector("[data-autofocus]");
  if (summary) { summary.focus(); }

  // The language switcher reloads the same page in another language. Keep what the person
  // has typed but not yet sent: stash the form fields in sessionStorage (this tab only,
  // gone when the tab closes) and put them back after the reload.
  var key = "dsar-typed:" + location.pathname + location.search;
  function fields() {
    return document.querySelectorAll("main form input[name], main form textarea[name], main form select[name]");
  }
  document.querySelectorAll(".lang-switch button").forEach(function (button) {
    button.addEventListener("click", function () {
      var typed = {};
      fields().forEach(function (field) {
        if (field.type === "hidden" || field.type === "password" || field.type === "file") { return; }
        if (field.type === "checkbox" || field.type === "radio") {
          typed[field.name + "=" + field.value] = field.checked;
        } else {
          typed[field.name] = field.value;
        }
      });
      try { sessionStorage.setItem(key, JSON.stringify(typed)); } catch (e) { /* storage off */ }
    });
  });
  var stored = null;
  try { stored = sessionStorage.getItem(key); sessionStorage.removeItem(key); } catch (e) { stored = null; }
  if (stored) {
    var typed = JSON.parse(stored);
    fields().forEach(function (field) {
      if (field.type === "checkbox" || field.type === "radio") {
        var id = field.name + "=" + field.value;
        if (id in typed) { field.checked = typed[id]; }
      } else if (field.type !== "hidden" && field.type !== "file" && field.name in typed) {
        field.value = typed[field.name];
      }
    });
  }

  // A page that follows a job in the background (data-poll="seconds", e.g. the letters
  // being made for a campaign) fetches itself again and swaps in the new counts in place,
  // until the job is over: no reload on a timer, so focus and reading position stay.
  var live = document.querySelector("[data-poll]");
  if (live && live.id && window.fetch && window.DOMParser) {
    var every = 1000 * (parseInt(live.getAttribute("data-poll"), 10) || 5);
    var poll = function () {
      fetch(location.href, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          var fresh = html && new DOMParser().parseFromString(html, "text/html").getElementById(live.id);
          if (!fresh) { setTimeout(poll, every); return; }
          live.innerHTML = fresh.innerHTML;
          if (fresh.hasAttribute("data-poll")) { setTimeout(poll, every); } else { live.removeAttribute("data-poll"); }
        })
        .catch(function () { setTimeout(poll, every); });
    };
    setTimeout(poll, every);
  }
})();
