// helsekb: name the theme's landmarks in Norwegian and uniquely (WCAG 2.1: 1.3.1, 4.1.2).
// Material leaves the search dialog unnamed, names the header "Header", gives the
// breadcrumbs the same name as the main navigation, and labels a section's sub-navigation
// by its expand icon (no text) when the section has an index page.
(function () {
  var names = {
    ".md-search": "Søk",
    ".md-header__inner": "Topptekst",
    ".md-path": "Brødsmulesti",
    ".md-footer__inner": "Forrige og neste side"
  };
  Object.keys(names).forEach(function (selector) {
    var element = document.querySelector(selector);
    if (element) {
      element.setAttribute("aria-label", names[selector]);
    }
  });
  document.querySelectorAll("nav.md-nav[aria-labelledby]").forEach(function (nav) {
    var label = document.getElementById(nav.getAttribute("aria-labelledby"));
    var title = nav.querySelector(".md-nav__title");
    if (label && !label.textContent.trim() && title && title.textContent.trim()) {
      nav.removeAttribute("aria-labelledby");
      nav.setAttribute("aria-label", title.textContent.trim());
    }
  });
})();

// helsekb: warn when this copy is old. The footer carries the build day and the age (in
// days, mkdocs.yml extra.stale_after_days) after which a copy may be out of date.
(function () {
  var credit = document.querySelector(".kb-credit[data-built]");
  var target = document.querySelector(".md-content__inner");
  if (!credit || !target) {
    return;
  }
  var built = new Date(credit.getAttribute("data-built") + "T00:00:00Z");
  var limit = parseInt(credit.getAttribute("data-stale-after"), 10);
  var age = Math.floor((Date.now() - built.getTime()) / 86400000);
  if (isNaN(age) || isNaN(limit) || age <= limit) {
    return;
  }
  var banner = document.createElement("div");
  banner.className = "kb-stale";
  banner.setAttribute("role", "note");
  banner.textContent =
    "Denne kopien ble bygget for " + age + " dager siden (" + credit.getAttribute("data-built-text") +
    ") og kan være utdatert. Sjekk helsedirektoratet.no for gjeldende versjon.";
  target.insertBefore(banner, target.firstChild);
})();
