/*
 * Snowball Norwegian stemmer for the browser: the algorithm of Snowball 3
 * (https://snowballstem.org/algorithms/norwegian/stemmer.html), written to give exactly the
 * stems of the Python `snowballstemmer` package (3.x) that builds the index.
 * tests/test_search.py runs both on every word of the corpus.
 * Algorithm and reference implementation: the Snowball project, BSD-3-Clause
 * (LICENSE-snowball.txt beside this file).
 */
(function (root) {
  "use strict";

  var VOWELS = "aeiouyåæêòóôø";
  var S_ENDING = "bcdfghjlmnoptvyz";
  /* Main suffixes: 1 delete, 2 "ers" (see ERS), 3 "s" after a valid s-ending, 4 replace by "er". */
  var MAIN = {
    a: 1, e: 1, ede: 1, ande: 1, ende: 1, ane: 1, ene: 1, hetene: 1, erte: 4, en: 1,
    heten: 1, ar: 1, er: 1, heter: 1, s: 3, as: 1, es: 1, edes: 1, endes: 1, enes: 1,
    hetenes: 1, ens: 1, hetens: 1, ers: 2, ets: 1, et: 1, het: 1, ert: 4, ast: 1
  };
  /* What precedes "ers": 1 remove it, -1 keep it (longest match wins). */
  var ERS = {
    "": 1, ind: -1, kk: -1, nk: -1, amm: -1, omm: -1, kap: -1, skap: 1, pp: -1, lt: -1,
    ast: -1, "øst": -1, v: -1, hav: 1, giv: 1
  };
  var OTHER = {
    leg: 1, eleg: 1, ig: 1, eig: 1, lig: 1, elig: 1, els: 1, lov: 1, elov: 1, slov: 1,
    hetslov: 1
  };

  function isVowel(ch) {
    return VOWELS.indexOf(ch) >= 0;
  }

  /* The longest suffix of `word` in `table` that starts at or after `from`, or null. */
  function longest(word, table, from, max) {
    for (var n = Math.min(max, word.length - from); n >= 0; n--) {
      var suffix = word.slice(word.length - n);
      if (Object.prototype.hasOwnProperty.call(table, suffix)) return suffix;
    }
    return null;
  }

  /* R1: after the first apostrophe, else after the first non-vowel following a vowel; >= 3. */
  function region(word) {
    var p1 = word.length;
    var i = word.indexOf("'");
    if (i >= 0) {
      p1 = i + 1;
    } else {
      i = 0;
      while (i < word.length && !isVowel(word[i])) i++;
      if (i < word.length) {
        i++;
        while (i < word.length && isVowel(word[i])) i++;
        if (i < word.length) p1 = i + 1;
      }
    }
    return Math.max(p1, 3);
  }

  function validS(word, start) {
    var ch = word[start - 1];
    if (S_ENDING.indexOf(ch) >= 0) return true;
    if (ch === "r") return !(start >= 2 && word[start - 2] === "e");
    return ch === "k" && start >= 2 && !isVowel(word[start - 2]);
  }

  function mainSuffix(word, p1) {
    var suffix = longest(word, MAIN, p1, 7);
    if (suffix === null) return word;
    var start = word.length - suffix.length;
    var kind = MAIN[suffix];
    var head = word.slice(0, start);
    if (kind === 1) return head;
    if (kind === 2) return ERS[longest(head, ERS, 0, 4)] === 1 ? head : word;
    if (kind === 3) return validS(word, start) ? head : word;
    return head + "er";
  }

  function stem(word) {
    if (word.length < 3) return word;
    var p1 = region(word);
    word = mainSuffix(word, p1);
    if (word.length - 2 >= p1 && /[dv]t$/.test(word)) word = word.slice(0, -1);
    var other = longest(word, OTHER, p1, 7);
    if (other !== null) word = word.slice(0, word.length - other.length);
    if (word.slice(-1) === "'") word = word.slice(0, -1);
    return word;
  }

  root.helsekbNorwegianStem = stem;
})(typeof window !== "undefined" ? window : globalThis);
