/*
 * helsekb search: the search box in the header (partials/search.html). Loads the index on
 * first use, searches on every keystroke, narrows by role (the role picker's choice by
 * default), document type and status, and fills snippets from the text parts. Index text
 * is only ever inserted as text, never as HTML.
 */
(function () {
  "use strict";

  var S = window.helsekbSearch;
  var root = document.querySelector("[data-kb-search]");
  if (!S || !root) return;

  var PAGE = 20, SNIPPET = 200, ROLE_KEY = "helsekb.role";
  var base = new URL((root.getAttribute("data-kb-base") || ".") + "/", location.href);
  var input = root.querySelector("input");
  var form = root.querySelector("form");
  var status = root.querySelector("[role=status]");
  var list = root.querySelector(".md-search-result__list");
  var facets = root.querySelector(".kb-facets");
  var more = root.querySelector(".kb-more");
  var toggle = document.getElementById("__search");
  var state = { index: null, loading: null, waiting: null, busy: null, parts: {}, result: null, shown: PAGE, role: storedRole(), type: "", status: null };

  function storedRole() {
    try {
      return window.localStorage.getItem(ROLE_KEY) || "";
    } catch (e) {
      return "";  // file:// or storage disabled
    }
  }

  function loadScript(url) {
    return new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = url.href;
      script.onload = resolve;
      script.onerror = function () { reject(new Error(url.href)); };
      document.head.appendChild(script);
    });
  }

  function ensureIndex() {
    if (!state.loading) {
      state.loading = loadScript(new URL("sok/indeks.js", base)).then(function () {
        state.index = new S.Index(window.__helsekbSok);
      });
      state.loading.catch(function () { status.textContent = "Søkeindeksen kunne ikke lastes."; });
    }
    return state.loading;
  }

  /* Load one part of the index (sok/<name>.js) once. */
  function loadPart(name) {
    if (!state.parts[name]) {
      state.parts[name] = loadScript(new URL("sok/" + name + ".js", base)).then(function () {
        state.index.addPart(name, window.__helsekbSokDel[name]);
      });
    }
    return state.parts[name];
  }

  function setOpen(open) {
    if (toggle && toggle.checked !== open) {
      toggle.checked = open;
      toggle.dispatchEvent(new Event("change"));
    }
  }

  /*
   * Search for what the box holds now. One load at a time: keystrokes that arrive while
   * parts of the index load just wait for it; then the box's text of that moment is
   * searched (not the prefixes typed in between), showing meanwhile the results of the
   * query whose parts have just arrived.
   */
  function run() {
    var query = input.value;
    if (!query.trim()) return clear();
    if (!state.index) {
      status.textContent = "Laster søket …";
      if (!state.waiting) state.waiting = ensureIndex().then(run);
      return;
    }
    if (state.busy) return;
    var filters = { role: state.role, type: state.type, status: state.status };
    var result = state.index.search(query, filters, state.shown);
    if (result.pending.length) {
      if (result.phrases.length) status.textContent = "Leter etter uttrykket …";
      state.busy = Promise.all(result.pending.map(loadPart)).then(function () {
        state.busy = null;
        run();
        if (state.busy) showMeanwhile(query, filters);
      }, function () {
        status.textContent = "Søkeindeksen kunne ikke lastes.";
      });
      return;
    }
    state.result = result;
    render(query);
  }

  /* While the parts for the box's newer text load, show the results of the query loaded. */
  function showMeanwhile(query, filters) {
    var result = state.index.search(query, filters, state.shown);
    if (result.pending.length) return;
    state.result = result;
    render(query);
  }

  function clear() {
    state.result = null;
    list.textContent = "";
    facets.hidden = true;
    more.hidden = true;
    status.textContent = "Skriv for å søke";
  }

  function render(query) {
    renderFacets();
    renderStatus(query);
    renderHits();
  }

  function countText(n) {
    return n === 1 ? "1 treff" : n + " treff";
  }

  function renderStatus(query) {
    var r = state.result;
    var role = state.index.data.roles.filter(function (x) { return x[0] === state.role; })[0];
    var text = r.total ? countText(r.total) : "Ingen treff for «" + query.trim() + "»";
    if (role) text += " for " + role[1].toLowerCase();
    if (r.partial && r.total) text = "Ingen treff på alle ordene. " + countText(r.total) + " på noen av dem";
    status.textContent = text + ".";
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function button(label, count, pressed, onClick) {
    var b = el("button", "kb-facet", label + " (" + count + ")");
    b.type = "button";
    b.setAttribute("aria-pressed", pressed ? "true" : "false");
    b.addEventListener("click", function () { onClick(); run(); input.focus(); });
    return b;
  }

  function group(label, buttons) {
    var g = el("div", "kb-facets__group");
    g.setAttribute("role", "group");
    g.setAttribute("aria-label", label);
    g.appendChild(el("span", "kb-facets__label", label + ":"));
    buttons.forEach(function (b) { g.appendChild(b); });
    return g;
  }

  function renderFacets() {
    var c = state.result.counts, roles = state.index.data.roles;
    facets.textContent = "";
    var roleButtons = [button("Vis alle", c.role[""], !state.role, function () { state.role = ""; })];
    roles.forEach(function (r) {
      roleButtons.push(button(r[1], c.role[r[0]], state.role === r[0], function () { state.role = r[0]; }));
    });
    facets.appendChild(group("Rolle", roleButtons));
    var types = Object.keys(c.type).filter(Boolean).sort();
    if (types.length > 1 || state.type) {
      facets.appendChild(group("Type", types.map(function (t) {
        return button(t, c.type[t], state.type === t, function () { state.type = state.type === t ? "" : t; });
      })));
    }
    var statuses = Object.keys(c.status).sort();
    if (statuses.length > 1 || state.status !== null) {
      facets.appendChild(group("Status", statuses.map(function (s) {
        var label = s ? s.charAt(0).toUpperCase() + s.slice(1) : "Ikke høringsutkast";
        return button(label, c.status[s], state.status === s, function () { state.status = state.status === s ? null : s; });
      })));
    }
    facets.hidden = false;
  }

  function href(hit) {
    var url = new URL(hit.url, base);
    url.search = "h=" + encodeURIComponent(state.result.matched.join(" "));
    return url.href;
  }

  function marked(node, text) {
    S.mark(text, state.result.matched).forEach(function (part) {
      node.appendChild(part.mark ? el("mark", "", part.text) : document.createTextNode(part.text));
    });
    return node;
  }

  function hitItem(hit) {
    var item = el("li", "md-search-result__item");
    var link = el("a", "md-search-result__link");
    link.href = href(hit);
    var article = el("article", "md-search-result__article md-typeset kb-hit");
    article.appendChild(marked(el("div", "kb-hit__title"), hit.title));
    var where = [hit.document, hit.chapter, hit.page].filter(Boolean).join(" › ");
    if (where) article.appendChild(el("div", "kb-hit__where", where));
    var badges = el("div", "kb-hit__badges");
    if (hit.type) badges.appendChild(el("span", "kb-hit__badge", hit.type));
    if (hit.status) badges.appendChild(el("span", "kb-hit__badge kb-hit__badge--status", hit.status.charAt(0).toUpperCase() + hit.status.slice(1)));
    if (hit.section) badges.appendChild(el("span", "kb-hit__badge", hit.section));
    article.appendChild(badges);
    var snippet = el("p", "kb-hit__snippet");
    snippet.setAttribute("data-entry", hit.id);
    article.appendChild(snippet);
    link.appendChild(article);
    item.appendChild(link);
    return item;
  }

  function renderHits() {
    var hits = state.result.hits;
    list.textContent = "";
    hits.forEach(function (hit) { list.appendChild(hitItem(hit)); });
    more.hidden = state.result.total <= state.shown;
    fillSnippets(hits, state.result);
  }

  function fillSnippets(hits, result) {
    var parts = new Set(hits.map(function (h) { return state.index.partName("tekst", h.id); }));
    parts.forEach(function (name) {
      loadPart(name).then(function () {
        if (state.result !== result) return;
        list.querySelectorAll("p.kb-hit__snippet:empty").forEach(function (p) {
          var id = Number(p.getAttribute("data-entry"));
          if (state.index.partName("tekst", id) !== name) return;
          var text = state.index.text(id).split("\n").slice(1).join("\n");
          S.snippet(text, result.matched, SNIPPET).forEach(function (part) {
            p.appendChild(part.mark ? el("mark", "", part.text) : document.createTextNode(part.text));
          });
        });
      });
    });
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a.md-search-result__link"));
  }

  function move(step) {
    var items = [input].concat(links());
    var at = items.indexOf(document.activeElement);
    items[(Math.max(0, at) + step + items.length) % items.length].focus();
  }

  function onKey(event) {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      move(event.key === "ArrowDown" ? 1 : -1);
      event.preventDefault();
    } else if (event.key === "Escape") {
      setOpen(false);
      input.blur();
      event.preventDefault();
    } else if (event.key === "Enter" && event.target === input) {
      var first = links()[0];
      if (first) first.click();
      event.preventDefault();
    }
  }

  function onGlobalKey(event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey || !/^[/sf]$/.test(event.key)) return;
    if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) return;
    input.focus();
    input.select();
    event.preventDefault();
  }

  input.addEventListener("focus", function () { setOpen(true); ensureIndex(); });
  input.addEventListener("input", function () { state.shown = PAGE; run(); });
  root.addEventListener("keydown", onKey);
  document.addEventListener("keydown", onGlobalKey);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(function () { clear(); input.focus(); }, 0); });
  more.addEventListener("click", function () { state.shown += PAGE; run(); });
  list.addEventListener("click", function (event) {
    if (event.target.closest("a")) setOpen(false);
  });
  if (toggle) {
    toggle.addEventListener("change", function () {
      if (toggle.checked && document.activeElement !== input) input.focus();
    });
  }
  document.addEventListener("helsekb:role", function (event) {
    state.role = (event.detail && event.detail.role) || "";
    if (state.result) run();
  });
})();
