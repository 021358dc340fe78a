/*
 * helsekb role picker ("Tilpass innholdet til meg", partials/helsekb/role-picker.html).
 *
 * Loaded in <head> (main.html), so <html data-role> is set before the first paint and
 * roles.css highlights the chosen role's statements ([data-roles~=role], written by helsekb
 * convert) and dims the rest without a flicker. The choice is localStorage["helsekb.role"]
 * (shared with the search: "" or absent = Alle); on a change, "helsekb:role" is dispatched
 * on document with {detail: {role}}. Where storage is refused (file:// in some browsers),
 * sessionStorage is used, and failing that the site's own links carry ?rolle=.
 */
(function () {
  "use strict";

  var KEY = "helsekb.role", DIM_KEY = "helsekb.role.dim", PARAM = "rolle";
  var STORES = ["localStorage", "sessionStorage"];
  var root = document.documentElement;
  var memory = {};
  var stored = true;  // false when no storage took the last write: links then carry ?rolle=

  function read(key) {
    for (var i = 0; i < STORES.length; i++) {
      try {
        var value = window[STORES[i]].getItem(key);
        if (value !== null) return value;
      } catch (e) { /* refused: try the next */ }
    }
    return memory[key] || "";
  }

  function write(key, value) {
    memory[key] = value;
    stored = STORES.some(function (name) {
      try {
        if (value) window[name].setItem(key, value);
        else window[name].removeItem(key);
        return true;
      } catch (e) {
        return false;
      }
    });
  }

  function valid(role) {
    return /^[a-z0-9-]*$/.test(role || "") ? role || "" : "";
  }

  function fromUrl() {
    var match = new RegExp("[?&]" + PARAM + "=([^&#]*)").exec(location.search);
    return match ? valid(decodeURIComponent(match[1])) : null;
  }

  var role = fromUrl();
  if (role === null) role = valid(read(KEY));
  else write(KEY, role);

  function apply() {
    root.setAttribute("data-role", role);
    if (role && read(DIM_KEY) === "1") root.setAttribute("data-role-dim", "");
    else root.removeAttribute("data-role-dim");
  }
  apply();

  function statements() {
    return role ? document.querySelectorAll('.md-content [data-roles~="' + role + '"]').length : 0;
  }

  function show(picker) {
    var select = picker.querySelector("select");
    var dim = picker.querySelector(".kb-role-picker__dim");
    var status = picker.querySelector("[role=status]");
    select.value = role;
    dim.hidden = !role;
    dim.querySelector("input").checked = root.hasAttribute("data-role-dim");
    var name = role ? select.options[select.selectedIndex].text : "";
    status.textContent = role ? statements() + " avsnitt uthevet for " + name : "";
  }

  function setRole(picker, value) {
    role = valid(value);
    write(KEY, role);
    apply();
    show(picker);
    document.dispatchEvent(new CustomEvent("helsekb:role", { detail: { role: role } }));
  }

  /* Without storage, a link to another page of the site carries the choice along. */
  function carry(event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (stored || !role || !link || link.getAttribute("href").charAt(0) === "#") return;
    var url = new URL(link.getAttribute("href"), location.href);
    if (url.protocol !== location.protocol || url.host !== location.host) return;
    url.searchParams.set(PARAM, role);
    link.href = url.href;
  }

  function init() {
    var picker = document.querySelector("[data-kb-role-picker]");
    if (!picker) return;
    var select = picker.querySelector("select");
    var known = Array.prototype.some.call(select.options, function (o) { return o.value === role; });
    if (!known) setRole(picker, "");
    show(picker);
    select.addEventListener("change", function () { setRole(picker, select.value); });
    picker.querySelector("#kb-role-dim").addEventListener("change", function (event) {
      write(DIM_KEY, event.target.checked ? "1" : "");
      apply();
    });
    document.addEventListener("click", carry, true);
    if (role) document.dispatchEvent(new CustomEvent("helsekb:role", { detail: { role: role } }));
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
