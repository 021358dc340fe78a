/*
 * helsekb search: on a page opened from a search result (?h=<keys>), mark the words the
 * query matched, open the collapsed section the link points into, and scroll to it.
 * Keys are compared exactly as the engine does (analyse.js), so inflections match too.
 */
(function () {
  "use strict";

  var A = window.helsekbAnalyse;
  var content = document.querySelector(".md-content article") || document.querySelector(".md-content");
  var wanted = new URLSearchParams(location.search).get("h");
  if (!A || !content || !wanted) return;

  var keys = new Set();
  A.words(wanted).forEach(function (word) {
    keys.add(word);
    keys.add(A.key(word));
  });
  var SKIP = /^(SCRIPT|STYLE|MARK|TEXTAREA|BUTTON)$/;

  function textNodes() {
    var walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var parent = node.parentElement;
        if (!parent || SKIP.test(parent.tagName) || parent.closest(".headerlink")) return NodeFilter.FILTER_REJECT;
        return NodeFilter.FILTER_ACCEPT;
      }
    });
    var out = [];
    for (var node = walker.nextNode(); node; node = walker.nextNode()) out.push(node);
    return out;
  }

  function mark(node) {
    var text = node.data, re = new RegExp(A.WORD.source, "gu"), m, at = 0, parts = [];
    while ((m = re.exec(text)) !== null) {
      if (!keys.has(A.key(A.normalise(m[0])))) continue;
      if (m.index > at) parts.push(document.createTextNode(text.slice(at, m.index)));
      var hit = document.createElement("mark");
      hit.className = "kb-highlight";
      hit.textContent = m[0];
      parts.push(hit);
      at = m.index + m[0].length;
    }
    if (!parts.length) return;
    if (at < text.length) parts.push(document.createTextNode(text.slice(at)));
    node.replaceWith.apply(node, parts);
  }

  /* A link into a collapsed section: open it (and its parents) and show the target. */
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    var closed = target && target.closest("details:not([open])");
    if (!closed) return;
    for (var d = target.closest("details"); d; d = d.parentElement.closest("details")) d.open = true;
    target.scrollIntoView({ block: "center" });
  }

  textNodes().forEach(mark);
  reveal();
})();
