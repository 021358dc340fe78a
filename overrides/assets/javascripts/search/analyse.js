/*
 * helsekb search: words to index keys, exactly as tools/helsekb/search/analyse.py does it
 * (NFC, lower case, Snowball Norwegian stem, then a fold so æ/ø/å may be typed as ae/oe/aa
 * or without accents). No stop words. tests/test_search.py checks both give the same keys.
 */
(function (root) {
  "use strict";

  var WORD = /[\p{L}\p{N}]+/gu;
  var FOLD = {
    "å": "a", "á": "a", "à": "a", "â": "a", "ã": "a", "ä": "ae", "æ": "ae",
    "ø": "o", "ö": "o", "ó": "o", "ò": "o", "ô": "o", "õ": "o",
    "é": "e", "è": "e", "ê": "e", "ë": "e",
    "í": "i", "ì": "i", "î": "i", "ï": "i",
    "ú": "u", "ù": "u", "û": "u", "ü": "u",
    "ç": "c", "ñ": "n"
  };
  var FOLD_CHARS = new RegExp("[" + Object.keys(FOLD).join("") + "]", "g");
  var cache = new Map();

  function normalise(text) {
    return text.normalize("NFC").toLowerCase();
  }

  function words(text) {
    return normalise(text).match(WORD) || [];
  }

  function fold(word) {
    return word
      .replace(FOLD_CHARS, function (ch) { return FOLD[ch]; })
      .replace(/aa/g, "a")
      .replace(/oe/g, "o");
  }

  function key(word) {
    var found = cache.get(word);
    if (found === undefined) {
      found = fold(root.helsekbNorwegianStem(word));
      if (cache.size > 50000) cache.clear();
      cache.set(word, found);
    }
    return found;
  }

  function keys(text) {
    return words(text).map(key);
  }

  root.helsekbAnalyse = { WORD: WORD, normalise: normalise, words: words, fold: fold, key: key, keys: keys };
})(typeof window !== "undefined" ? window : globalThis);
