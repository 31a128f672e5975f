// Progressive enhancement: suggestions under a search box as the person types.
// Without JavaScript the same box is a plain GET search form, so nothing depends on this.
// Keyboard: Down/Up move through the suggestions, Enter follows the highlighted one,
// Escape closes the list; the box keeps focus (ARIA 1.2 combobox pattern).
// Answers can arrive late or out of order: an answer for an older query is dropped (and its
// request aborted), and a fresh answer keeps the option the person highlighted, matched by
// its link, so Enter opens what they chose rather than submitting the search.
(function () {
  "use strict";
  var counter = 0;

  function enhance(input) {
    var list = document.createElement("ul");
    var status = document.createElement("div");
    var timer = null;
    var active = -1;
    var latest = 0;
    var pending = null;  // AbortController of the request in flight
    var wantFirst = false;  // Down pressed before any suggestion was shown
    counter += 1;
    list.className = "suggestions";
    list.id = input.id + "-suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : "");
    list.hidden = true;
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.insertAdjacentElement("afterend", list);
    list.insertAdjacentElement("afterend", status);

    function options() { return list.querySelectorAll("[role=option]"); }

    function close() {
      list.hidden = true;
      active = -1;
      wantFirst = false;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function highlight(index) {
      var items = options();
      if (!items.length) { return; }
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({block: "nearest"});
    }

    function show(items) {
      var chosen = active >= 0 && options()[active] ? options()[active].querySelector("a").href : null;
      var keep = -1;
      list.textContent = "";
      items.forEach(function (item, i) {
        var li = document.createElement("li");
        var a = document.createElement("a");
        li.setAttribute("role", "option");
        li.id = list.id + "-" + counter + "-" + i;
        li.setAttribute("aria-selected", "false");
        a.href = item.url;
        a.textContent = item.name;
        a.tabIndex = -1;  // the box keeps focus; Tab leaves the widget, as a person expects
        li.appendChild(a);
        list.appendChild(li);
        if (a.href === chosen) { keep = i; }
      });
      active = -1;
      list.hidden = items.length === 0;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      input.removeAttribute("aria-activedescendant");
      // The page says how to announce the count, in its language ("{n} suggestions …").
      status.textContent = items.length && input.dataset.suggestStatus
        ? input.dataset.suggestStatus.replace("{n}", String(items.length)) : "";
      if (keep >= 0) {
        highlight(keep);
      } else if (wantFirst && items.length) {
        highlight(0);
      }
      wantFirst = false;
    }

    function fetchSuggestions() {
      var q = input.value.trim();
      var url;
      var ticket;
      var controller;
      if (pending) { pending.abort(); pending = null; }  // its answer would be stale anyway
      if (q.length < 2) { close(); return; }
      url = new URL(input.dataset.suggest, window.location.href);
      url.searchParams.set("q", q);
      latest += 1;
      ticket = latest;
      controller = window.AbortController ? new AbortController() : null;
      pending = controller;
      fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin",
                  signal: controller ? controller.signal : undefined})
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) {
          if (ticket !== latest) { return; }  // a slower earlier answer must not win
          pending = null;
          show(items);
        })
        .catch(function () {
          if (ticket === latest) { pending = null; close(); }
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, 150);
    });
    input.addEventListener("keydown", function (event) {
      var items = options();
      if (event.key === "ArrowDown" && !list.hidden) {
        event.preventDefault();
        highlight(active + 1);
      } else if (event.key === "ArrowDown" && input.value.trim().length >= 2) {
        event.preventDefault();
        wantFirst = true;  // the first suggestion is highlighted when the answer comes
        if (!pending) { clearTimeout(timer); fetchSuggestions(); }  // e.g. reopened after Escape
      } else if (event.key === "ArrowUp" && !list.hidden) {
        event.preventDefault();
        highlight(active - 1);
      } else if (event.key === "Enter" && !list.hidden && active >= 0 && items[active]) {
        event.preventDefault();  // follow the suggestion instead of submitting the form
        window.location.assign(items[active].querySelector("a").href);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });
    input.addEventListener("blur", function () {
      // Let a click on a suggestion land before the list goes away.
      setTimeout(function () {
        if (!list.contains(document.activeElement)) { close(); }
      }, 200);
    });
  }

  document.querySelectorAll("input[data-suggest]").forEach(enhance);
})();
