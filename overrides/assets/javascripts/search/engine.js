/*
 * helsekb search: the query engine over the index that `helsekb convert` writes to
 * docs/sok/ (tools/helsekb/writers/search_index.py). No DOM and no loading here (a search
 * names the parts it still needs; the caller loads them and asks again), so the tests
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

  /* Which part holds item `n`, given the first item of every part. */
  function partOf(starts, n) {
    return lowerBound(starts, n + 1) - 1;
  }

  function Index(data) {
    this.data = data;
    this.keys = split(data.keys);
    this.df = varints(data.df);
    this.words = split(data.words);
    this.wordKeys = varints(data.wordKeys);
    var deltas = varints(data.entryTargets);
    this.size = deltas.length;
    this.entryTarget = new Int32Array(this.size);
    for (var i = 0, t = 0; i < this.size; i++) {
      t += deltas[i];
      this.entryTarget[i] = t;
    }
    this.entryInfo = varints(data.entryInfo);
    this.targetDoc = varints(data.targetDocs);
    this.targetStatus = varints(data.targetStatus);
    this.parts = {};
    this.cache = new Map();
  }

  /* Give the index one loaded part (sok/<name>.js): poster-N or tekst-N. */
  Index.prototype.addPart = function (name, rows) {
    this.parts[name] = rows;
  };

  /* The name of the part of kind `kind` that holds item `n`. */
  Index.prototype.partName = function (kind, n) {
    return kind + "-" + partOf(this.data.parts[kind], n);
  };

  /* Item `n` of kind `kind`, or undefined while its part is not loaded. */
  Index.prototype.item = function (kind, n) {
    var starts = this.data.parts[kind], p = partOf(starts, n);
    var rows = this.parts[kind + "-" + p];
    return rows && rows[n - starts[p]];
  };

  /* The parts of kind `kind` still to load for items `ns`, in part order. */
  Index.prototype.missing = function (kind, ns) {
    var starts = this.data.parts[kind], out = new Set();
    for (var i = 0; i < ns.length; i++) {
      var p = partOf(starts, ns[i]);
      if (!this.parts[kind + "-" + p]) out.add(p);
    }
    return Array.from(out)
      .sort(function (a, b) { return a - b; })
      .map(function (p) { return kind + "-" + p; });
  };

  /* An entry's title and text ("title\ntext…"), or undefined while its part is not loaded. */
  Index.prototype.text = function (id) {
    return this.item("tekst", id);
  };

  Index.prototype.keyIndex = function (key) {
    var i = lowerBound(this.keys, key);
    return this.keys[i] === key ? i : -1;
  };

  /* {ids, weights} of one key, decoded once (its poster part must be loaded). */
  Index.prototype.postings = function (k) {
    var found = this.cache.get(k);
    if (found) return found;
    var numbers = varints(this.item("poster", k));
    var ids = new Int32Array(numbers.length / 2), weights = new Float64Array(numbers.length / 2);
    var last = 0;
    for (var i = 0; i < ids.length; i++) {
      last += numbers[2 * i];
      ids[i] = last;
      weights[i] = numbers[2 * i + 1];
    }
    var df = this.df[k];
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
    var df = this.df;
    return Array.from(found)
      .sort(function (a, b) { return df[b] - df[a] || a - b; })
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

  /* Entry -> score of one alternative, dense (0 = no match): every key present, summed. */
  Index.prototype.scoreAlternative = function (alternative) {
    var keys = Array.from(new Set(alternative.keys)), scores = new Float64Array(this.size);
    var seen = new Uint8Array(this.size);
    for (var i = 0; i < keys.length; i++) {
      var p = this.postings(keys[i]);
      for (var j = 0; j < p.ids.length; j++) {
        scores[p.ids[j]] += p.idf * p.weights[j] * alternative.factor;
        seen[p.ids[j]]++;
      }
    }
    for (var n = 0; n < this.size; n++) if (seen[n] < keys.length) scores[n] = 0;
    return scores;
  };

  /* Entry -> best score of one query word (dense), and the keys that matched it. */
  Index.prototype.scoreWord = function (alternatives, matched) {
    var best = new Float64Array(this.size), self = this;
    alternatives.forEach(function (alternative) {
      var any = false;
      if (alternative.keys.length === 1) {
        var p = self.postings(alternative.keys[0]);
        for (var j = 0; j < p.ids.length; j++) {
          var score = p.idf * p.weights[j] * alternative.factor, id = p.ids[j];
          if (score > best[id]) best[id] = score;
        }
        any = p.ids.length > 0;
      } else {
        var scores = self.scoreAlternative(alternative);
        for (var n = 0; n < scores.length; n++) {
          if (scores[n] > 0) any = true;
          if (scores[n] > best[n]) best[n] = scores[n];
        }
      }
      if (any) alternative.keys.forEach(function (k) { matched.add(self.keys[k]); });
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

  /*
   * {scores (dense), ids, partial}: the entries matched by every word, their scores summed;
   * failing that, those matched by any (partial).
   */
  function combine(maps, size) {
    var scores = new Float64Array(size), ids = [];
    if (!maps.length) return { scores: scores, ids: ids, partial: false };
    var sum = function (all) {
      for (var id = 0; id < size; id++) {
        var total = 0;
        for (var i = 0; i < maps.length; i++) {
          var s = maps[i][id];
          if (!s && all) { total = 0; break; }
          total += s;
        }
        if (total > 0) { scores[id] = total; ids.push(id); }
      }
    };
    sum(true);
    var partial = !ids.length && maps.length > 1;
    if (partial) sum(false);
    return { scores: scores, ids: ids, partial: partial };
  }


  /* {roles, type, status} of every entry, computed once. */
  Index.prototype.facets = function () {
    if (!this.facetCache) {
      var d = this.data;
      var mask = (1 << d.roles.length) - 1, out = new Array(this.size);
      for (var id = 0; id < this.size; id++) {
        var t = this.entryTarget[id], doc = d.docs[this.targetDoc[t] - 1];
        out[id] = { roles: this.entryInfo[id] & mask, type: doc ? doc[1] : "", status: d.statuses[this.targetStatus[t]] };
      }
      this.facetCache = out;
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

  /* What results show (titles, links, anchors), decoded on first use. */
  Index.prototype.display = function () {
    if (this.shown) return this.shown;
    var d = this.data, shared = varints(d.urlShared), tails = d.urlTails.split("\n");
    var urls = [], url = "";
    for (var i = 0; i < tails.length; i++) {
      url = url.slice(0, shared[i]) + tails[i];
      urls.push(url);
    }
    var table = function (text) { return [""].concat(text ? text.split("\n") : []); };
    this.shown = {
      titles: d.targetTitles.split("\n"),
      urls: urls,
      chapters: varints(d.targetChapters),
      chapterNames: table(d.chapters),
      strings: table(d.strings),
      entries: varints(d.entryDisplay)
    };
    return this.shown;
  };

  /* A hit as the result list shows it. */
  Index.prototype.hit = function (id, score) {
    var d = this.data, v = this.display(), t = this.entryTarget[id];
    var title = v.strings[v.entries[3 * id]], anchor = v.strings[v.entries[3 * id + 1]];
    var doc = d.docs[this.targetDoc[t] - 1];
    return {
      id: id,
      score: score,
      url: v.urls[t] + (anchor ? "#" + anchor : ""),
      title: title || v.titles[t],
      page: title ? v.titles[t] : "",
      document: doc ? doc[0] : "",
      type: doc ? doc[1] : "",
      chapter: v.chapterNames[v.chapters[t]],
      status: d.statuses[this.targetStatus[t]],
      section: v.strings[v.entries[3 * id + 2]],
      kind: d.kinds[this.entryInfo[id] >> d.roles.length]
    };
  };


  /*
   * Search. filters: {role, type, status} ("" or absent = all). Returns {hits (the best
   * `limit`, or all), total, counts, matched (keys, for highlighting), phrases, partial,
   * pending}. pending names the parts (sok/<name>.js) to add before the query can be
   * answered; while there are any, nothing else in the result is final.
   */
  Index.prototype.search = function (query, filters, limit) {
    var found = this.matches(query);
    if (found.pending) return waiting(found.parsed, found.pending);
    var self = this, f = this.filters(filters || {}), ids = found.ids;
    var counts = this.counts(ids, f);
    var scores = found.combined.scores;
    var kept = ids.filter(function (id) { return passes(self.facetsOf(id), f, ""); });
    var shown = best(kept, scores, limit || kept.length);
    return {
      hits: shown.map(function (id) { return self.hit(id, scores[id]); }),
      total: kept.length,
      counts: counts,
      matched: found.matched,
      phrases: found.parsed.phrases,
      pending: [],
      partial: found.combined.partial
    };
  };

  /*
   * The entries matching a query, whatever the filters: {parsed, ids, combined, matched},
   * or {parsed, pending} while parts are missing. The last answer is kept, so asking again
   * (after loading titles, or with other filters) does not score again.
   */
  Index.prototype.matches = function (query) {
    if (this.last && this.last.query === query) return this.last;
    var self = this, parsed = parse(query), matched = new Set();
    var plans = parsed.words.map(function (w) { return self.alternatives(w.word, w.prefix); });
    var keys = [];
    plans.forEach(function (p) { p.forEach(function (a) { keys.push.apply(keys, a.keys); }); });
    var pending = this.missing("poster", keys);
    if (pending.length) return { parsed: parsed, pending: pending };
    var combined = combine(plans.map(function (p) { return self.scoreWord(p, matched); }), this.size);
    var ids = combined.ids;
    if (parsed.phrases.length) {
      pending = this.missing("tekst", ids);
      if (pending.length) return { parsed: parsed, pending: pending };
      ids = ids.filter(function (id) {
        var text = self.text(id);
        return parsed.phrases.every(function (p) { return hasPhrase(text, p); });
      });
    }
    this.last = { query: query, parsed: parsed, ids: ids, combined: combined, matched: Array.from(matched).sort() };
    return this.last;
  };

  /* The `limit` best of `ids` by score (ties: entry order), without sorting them all. */
  function best(ids, scores, limit) {
    var top = ids;
    if (ids.length > limit) {
      var sorted = Float64Array.from(ids, function (id) { return scores[id]; }).sort();
      var threshold = sorted[sorted.length - limit];
      top = ids.filter(function (id) { return scores[id] >= threshold; });
    }
    return top.sort(function (a, b) { return scores[b] - scores[a] || a - b; }).slice(0, limit);
  }

  /* The result of a search that needs more parts first. */
  function waiting(parsed, pending) {
    return { hits: [], total: 0, counts: null, matched: [], phrases: parsed.phrases, pending: pending, partial: false };
  }

  /* Whether `text` holds the phrase (consecutive keys). */
  function hasPhrase(text, phrase) {
    var keys = A.keys(text);
    outer: for (var i = 0; i + phrase.length <= keys.length; i++) {
      for (var j = 0; j < phrase.length; j++) if (keys[i + j] !== phrase[j]) continue outer;
      return true;
    }
    return false;
  }

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
