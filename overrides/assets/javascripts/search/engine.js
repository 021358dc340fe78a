/*
 * helsekb search: the query engine over the index that `helsekb convert` writes to
 * docs/sok/indeks.js (tools/helsekb/writers/search_index.py). No DOM here, so the tests
 * run it in node. A query's words must all match (else the best partial matches are
 * given, flagged); each word matches its stem, the last word also as a prefix, an
 * abbreviation its expansion and back, and a longer word with one typo.
 */
(function (root) {
  "use strict";

  var A = root.helsekbAnalyse;
  var ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
  var CODE = new Int8Array(128);
  for (var c = 0; c < ALPHABET.length; c++) CODE[ALPHABET.charCodeAt(c)] = c;

  var PREFIX = 0.7, SYNONYM = 0.8, TYPO = 0.5;
  var MAX_EXPANSIONS = 24, TYPO_MIN = 5;
  var UNTAGGED = 0;

  function varints(text) {
    var out = [], value = 0, shift = 0;
    for (var i = 0; i < text.length; i++) {
      var code = CODE[text.charCodeAt(i)];
      if (code >= 32) {
        value |= (code - 32) << shift;
        shift += 5;
      } else {
        out.push(value | (code << shift));
        value = 0;
        shift = 0;
      }
    }
    return out;
  }

  function split(text) {
    return text ? text.split(" ") : [];
  }

  function lowerBound(list, value) {
    var lo = 0, hi = list.length;
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (list[mid] < value) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /* Optimal string alignment distance is at most one (a typo). */
  function oneEdit(a, b) {
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1 || a === b) return a === b;
    var i = 0;
    while (i < la && i < lb && a[i] === b[i]) i++;
    if (la === lb) {
      if (a.slice(i + 1) === b.slice(i + 1)) return true;
      return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
    }
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  function Index(data) {
    this.data = data;
    this.keys = split(data.keys);
    this.lists = split(data.postings);
    this.words = split(data.words);
    this.wordKeys = varints(data.wordKeys);
    this.size = data.entries.length;
    this.cache = new Map();
    this.texts = [];
  }

  /* Give the index one loaded text shard (tekst-N.js). */
  Index.prototype.addShard = function (n, texts) {
    this.texts[n] = texts;
  };

  /* An entry's title and text, or undefined while its shard is not loaded. */
  Index.prototype.text = function (id) {
    var n = this.shardOf(id), shard = this.texts[n];
    if (!shard) return undefined;
    return this.hit(id, 0).title + "\n" + shard[id - this.data.shards[n]];
  };

  Index.prototype.keyIndex = function (key) {
    var i = lowerBound(this.keys, key);
    return this.keys[i] === key ? i : -1;
  };

  /* {ids, weights} of one key, decoded once. */
  Index.prototype.postings = function (k) {
    var found = this.cache.get(k);
    if (found) return found;
    var numbers = varints(this.lists[k]);
    var ids = new Int32Array(numbers.length / 2), weights = new Float64Array(numbers.length / 2);
    var last = 0;
    for (var i = 0; i < ids.length; i++) {
      last += numbers[2 * i];
      ids[i] = last;
      weights[i] = numbers[2 * i + 1];
    }
    var df = ids.length;
    var idf = Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
    found = { ids: ids, weights: weights, idf: idf };
    this.cache.set(k, found);
    return found;
  };

  /* Key indexes starting with `prefix` (in keys and in surface words), most used first. */
  Index.prototype.prefixed = function (prefix) {
    var found = new Set();
    for (var i = lowerBound(this.keys, prefix); i < this.keys.length && this.keys[i].startsWith(prefix); i++) found.add(i);
    for (var j = lowerBound(this.words, prefix); j < this.words.length && this.words[j].startsWith(prefix); j++) found.add(this.wordKeys[j]);
    var lists = this.lists;
    return Array.from(found)
      .sort(function (a, b) { return lists[b].length - lists[a].length || a - b; })
      .slice(0, MAX_EXPANSIONS);
  };

  /* Key indexes one typo away from the typed word (or its key). */
  Index.prototype.typos = function (word, key) {
    var found = new Set();
    for (var i = 0; i < this.keys.length; i++) {
      var k = this.keys[i];
      if (k.length >= TYPO_MIN - 1 && (oneEdit(word, k) || oneEdit(key, k))) found.add(i);
    }
    for (var j = 0; j < this.words.length; j++) {
      if (oneEdit(word, this.words[j])) found.add(this.wordKeys[j]);
    }
    return Array.from(found).slice(0, MAX_EXPANSIONS);
  };

  /* The ways one query word can match: [{keys: [key index…] (all required), factor}]. */
  Index.prototype.alternatives = function (word, prefix) {
    var self = this, key = A.key(word), folded = A.fold(word), out = [];
    var exact = this.keyIndex(key);
    if (exact >= 0) out.push({ keys: [exact], factor: 1 });
    (this.data.synonyms[key] || []).forEach(function (text) {
      var keys = A.keys(text).map(function (k) { return self.keyIndex(k); });
      if (keys.length && keys.indexOf(-1) < 0) out.push({ keys: keys, factor: SYNONYM });
    });
    if (prefix) {
      this.prefixed(folded).forEach(function (k) {
        if (k !== exact) out.push({ keys: [k], factor: PREFIX });
      });
    }
    if (!out.length && folded.length >= TYPO_MIN) {
      this.typos(folded, key).forEach(function (k) { out.push({ keys: [k], factor: TYPO }); });
    }
    return out;
  };

  /* Entry -> score for one alternative: every key present, weights summed. */
  Index.prototype.scoreAlternative = function (alternative) {
    var scores = null;
    for (var i = 0; i < alternative.keys.length; i++) {
      var p = this.postings(alternative.keys[i]), next = new Map();
      for (var j = 0; j < p.ids.length; j++) {
        var id = p.ids[j], before = scores ? scores.get(id) : 0;
        if (before !== undefined) next.set(id, before + p.idf * p.weights[j] * alternative.factor);
      }
      scores = next;
    }
    return scores || new Map();
  };

  /* Entry -> best score of one query word, and the keys that matched it. */
  Index.prototype.scoreWord = function (word, prefix, matched) {
    var best = new Map(), self = this;
    this.alternatives(word, prefix).forEach(function (alternative) {
      var scores = self.scoreAlternative(alternative);
      if (scores.size) alternative.keys.forEach(function (k) { matched.add(self.keys[k]); });
      scores.forEach(function (score, id) {
        if (!(best.get(id) >= score)) best.set(id, score);
      });
    });
    return best;
  };

  /* Query text -> {words: [{word, prefix}], phrases: [[key…]]}; quotes make a phrase. */
  function parse(query) {
    var words = [], phrases = [];
    var open = query.endsWith(" ") || /"$/.test(query) ? false : true;
    var parts = query.split('"');
    parts.forEach(function (part, n) {
      var found = A.words(part);
      if (n % 2 === 1 && found.length > 1) phrases.push(found.map(A.key));
      found.forEach(function (word) { words.push({ word: word, prefix: false }); });
    });
    if (open && words.length && parts.length % 2 === 1) words[words.length - 1].prefix = true;
    return { words: words, phrases: phrases };
  }

  /* Entry ids in every map (all words) or, failing that, in any (partial). */
  function combine(maps) {
    var all = new Map(), partial = false;
    if (!maps.length) return { scores: all, partial: false };
    maps[0].forEach(function (score, id) {
      var total = score;
      for (var i = 1; i < maps.length && total !== undefined; i++) {
        var s = maps[i].get(id);
        total = s === undefined ? undefined : total + s;
      }
      if (total !== undefined) all.set(id, total);
    });
    if (!all.size && maps.length > 1) {
      partial = true;
      maps.forEach(function (m) {
        m.forEach(function (score, id) { all.set(id, (all.get(id) || 0) + score); });
      });
    }
    return { scores: all, partial: partial };
  }

  /* {roles, type, status} of every entry, computed once. */
  Index.prototype.facets = function () {
    if (!this.facetCache) {
      var d = this.data;
      this.facetCache = d.entries.map(function (entry) {
        var target = d.targets[entry[0]], doc = d.docs[target[2]];
        return { roles: entry[4], type: doc ? doc[1] : "", status: target[4] };
      });
    }
    return this.facetCache;
  };

  Index.prototype.facetsOf = function (id) {
    return this.facets()[id];
  };

  function passes(f, filters, skip) {
    if (skip !== "role" && filters.role) {
      var bit = filters.roleBit;
      if (f.roles !== UNTAGGED && !(f.roles & bit)) return false;
    }
    if (skip !== "type" && filters.type && f.type !== filters.type) return false;
    if (skip !== "status" && filters.status !== undefined && filters.status !== null && f.status !== filters.status) return false;
    return true;
  }

  /* Counts per role, document type and status, each under the other two filters. */
  Index.prototype.counts = function (ids, filters) {
    var self = this, roles = this.data.roles;
    var out = { role: { "": 0 }, type: {}, status: {} };
    roles.forEach(function (r) { out.role[r[0]] = 0; });
    ids.forEach(function (id) {
      var f = self.facetsOf(id);
      if (passes(f, filters, "role")) {
        out.role[""]++;
        roles.forEach(function (r, n) {
          if (f.roles === UNTAGGED || f.roles & (1 << n)) out.role[r[0]]++;
        });
      }
      if (passes(f, filters, "type")) out.type[f.type] = (out.type[f.type] || 0) + 1;
      if (passes(f, filters, "status")) out.status[f.status] = (out.status[f.status] || 0) + 1;
    });
    return out;
  };

  Index.prototype.filters = function (filters) {
    var n = this.data.roles.map(function (r) { return r[0]; }).indexOf(filters.role || "");
    return {
      role: n >= 0 ? filters.role : "",
      roleBit: n >= 0 ? 1 << n : 0,
      type: filters.type || "",
      status: filters.status
    };
  };

  /* A hit as the result list shows it. */
  Index.prototype.hit = function (id, score) {
    var d = this.data, entry = d.entries[id], target = d.targets[entry[0]];
    var doc = d.docs[target[2]];
    return {
      id: id,
      score: score,
      url: target[0] + (entry[2] ? "#" + entry[2] : ""),
      title: entry[1] || target[1],
      page: entry[1] ? target[1] : "",
      document: doc ? doc[0] : "",
      type: doc ? doc[1] : "",
      chapter: target[3],
      status: target[4],
      section: entry[5],
      kind: d.kinds[entry[3]]
    };
  };

  /*
   * Search. filters: {role, type, status} ("" or absent = all). Returns {hits (the best
   * `limit`, or all), total, counts, matched (keys, for highlighting), phrases, partial, and
   * pending: the text shards to add before a phrase query's hits are final}.
   */
  Index.prototype.search = function (query, filters, limit) {
    var self = this, parsed = parse(query), matched = new Set();
    var maps = parsed.words.map(function (w) { return self.scoreWord(w.word, w.prefix, matched); });
    var combined = combine(maps);
    var f = this.filters(filters || {});
    var ids = Array.from(combined.scores.keys());
    var pending = this.missingShards(parsed.phrases.length ? ids : []);
    if (parsed.phrases.length && !pending.length) {
      ids = ids.filter(function (id) {
        var text = self.text(id);
        return parsed.phrases.every(function (p) { return hasPhrase(text, p); });
      });
    }
    var counts = this.counts(ids, f);
    var scores = combined.scores;
    var kept = ids
      .filter(function (id) { return passes(self.facetsOf(id), f, ""); })
      .sort(function (a, b) { return scores.get(b) - scores.get(a) || a - b; });
    return {
      hits: kept.slice(0, limit || kept.length).map(function (id) { return self.hit(id, scores.get(id)); }),
      total: kept.length,
      counts: counts,
      matched: Array.from(matched).sort(),
      phrases: parsed.phrases,
      pending: pending,
      partial: combined.partial
    };
  };

  /* Shards still to load before the phrases of a query can be checked on these entries. */
  Index.prototype.missingShards = function (ids) {
    var self = this, out = new Set();
    ids.forEach(function (id) {
      var n = self.shardOf(id);
      if (!self.texts[n]) out.add(n);
    });
    return Array.from(out).sort(function (a, b) { return a - b; });
  };

  /* Whether `text` holds the phrase (consecutive keys). */
  function hasPhrase(text, phrase) {
    var keys = A.keys(text);
    outer: for (var i = 0; i + phrase.length <= keys.length; i++) {
      for (var j = 0; j < phrase.length; j++) if (keys[i + j] !== phrase[j]) continue outer;
      return true;
    }
    return false;
  }

  /* Which shard holds entry `id`'s text. */
  Index.prototype.shardOf = function (id) {
    return lowerBound(this.data.shards, id + 1) - 1;
  };

  /* [start, end) of every word of `text` whose key is in `keys` (a Set). */
  function matches(text, keys) {
    var re = new RegExp(A.WORD.source, "gu"), out = [], m;
    while ((m = re.exec(text)) !== null) {
      if (keys.has(A.key(A.normalise(m[0])))) out.push([m.index, m.index + m[0].length]);
    }
    return out;
  }

  /* `text` from `start` to `end` as [{text, mark}] pieces. */
  function pieces(text, spans, start, end) {
    var out = [], at = start;
    spans.forEach(function (s) {
      if (s[0] < at || s[1] > end) return;
      if (s[0] > at) out.push({ text: text.slice(at, s[0]), mark: false });
      out.push({ text: text.slice(s[0], s[1]), mark: true });
      at = s[1];
    });
    if (at < end) out.push({ text: text.slice(at, end), mark: false });
    return out;
  }

  /* All of `text` with the matched words marked: [{text, mark}], for textContent. */
  function mark(text, matched) {
    return pieces(text, matches(text, new Set(matched)), 0, text.length);
  }

  /* About `width` characters of `text` around its first matched word, marked. */
  function snippet(text, matched, width) {
    var flat = text.replace(/\s*\n\s*/g, " · ");
    var spans = matches(flat, new Set(matched));
    var start = spans.length ? Math.max(0, spans[0][0] - Math.floor(width / 3)) : 0;
    if (start > 0) start = flat.indexOf(" ", start) + 1 || start;
    var end = Math.min(flat.length, start + width);
    var space = flat.lastIndexOf(" ", end);
    if (end < flat.length && space > start) end = space;
    var out = pieces(flat, spans, start, end);
    if (start > 0) out.unshift({ text: "… ", mark: false });
    if (end < flat.length) out.push({ text: " …", mark: false });
    return out;
  }

  root.helsekbSearch = {
    Index: Index,
    parse: parse,
    hasPhrase: hasPhrase,
    snippet: snippet,
    mark: mark,
    oneEdit: oneEdit
  };
})(typeof window !== "undefined" ? window : globalThis);
