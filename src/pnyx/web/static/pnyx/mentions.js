/* Pnyx: the @name autocomplete of comment forms.
 *
 * A comment textarea carries data-mentions, the address that lists the people an @name in a new
 * comment on that post can reach (the post's author and earlier commenters, in the order the
 * @name rule tries them). Typing @ and a few letters offers those whose names start so; arrow
 * keys move, Enter or Tab picks, Escape closes. Listeners sit on the document, so comment forms
 * that htmx swaps in work too. Without JavaScript the form works as it is.
 */
(function () {
  "use strict";
  var TOKEN = /(^|[^\w@])@([^\s@]*)$/;
  var timer = null;
  var state = null; // {area, list, items, index, start}

  function close() {
    if (state && state.list.parentNode) {
      state.list.parentNode.removeChild(state.list);
    }
    if (state) {
      state.area.removeAttribute("aria-activedescendant");
      state.area.setAttribute("aria-expanded", "false");
    }
    state = null;
  }

  function choose(index) {
    if (!state || !state.items[index]) return;
    var area = state.area;
    var caret = area.selectionStart;
    var before = area.value.slice(0, state.start);
    var after = area.value.slice(caret);
    var inserted = state.items[index].mention + " ";
    area.value = before + inserted + after;
    var position = before.length + inserted.length;
    area.setSelectionRange(position, position);
    close();
    area.focus();
  }

  function highlight(index) {
    if (!state) return;
    state.index = index;
    var options = state.list.querySelectorAll("li");
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === index ? "true" : "false");
    }
    if (options[index]) state.area.setAttribute("aria-activedescendant", options[index].id);
  }

  function show(area, people, start) {
    close();
    if (!people.length) return;
    var list = document.createElement("ul");
    list.className = "mention-list";
    list.id = area.id + "-mentions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "People you can reply to");
    people.forEach(function (person, i) {
      var item = document.createElement("li");
      item.id = list.id + "-" + i;
      item.setAttribute("role", "option");
      item.textContent = person.name;
      item.addEventListener("mousedown", function (event) {
        event.preventDefault();
        choose(i);
      });
      list.appendChild(item);
    });
    area.parentNode.insertBefore(list, area.nextSibling);
    area.setAttribute("aria-controls", list.id);
    area.setAttribute("aria-expanded", "true");
    state = { area: area, list: list, items: people, index: 0, start: start };
    highlight(0);
  }

  function lookup(area) {
    var text = area.value.slice(0, area.selectionStart);
    var match = TOKEN.exec(text);
    if (!match) {
      close();
      return;
    }
    var token = match[2];
    var start = text.length - token.length - 1;
    var url = area.getAttribute("data-mentions") + "?q=" + encodeURIComponent(token);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { people: [] }; })
      .then(function (data) {
        if (document.activeElement === area) show(area, data.people || [], start);
      })
      .catch(close);
  }

  document.addEventListener("input", function (event) {
    var area = event.target;
    if (!(area instanceof HTMLTextAreaElement) || !area.hasAttribute("data-mentions")) return;
    area.setAttribute("aria-autocomplete", "list");
    clearTimeout(timer);
    timer = setTimeout(function () { lookup(area); }, 150);
  });

  document.addEventListener("keydown", function (event) {
    if (!state || event.target !== state.area) return;
    if (event.key === "ArrowDown") {
      event.preventDefault();
      highlight((state.index + 1) % state.items.length);
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      highlight((state.index - 1 + state.items.length) % state.items.length);
    } else if (event.key === "Enter" || event.key === "Tab") {
      event.preventDefault();
      choose(state.index);
    } else if (event.key === "Escape") {
      close();
    }
  });

  document.addEventListener("focusout", function (event) {
    if (state && event.target === state.area) setTimeout(close, 100);
  });
})();
