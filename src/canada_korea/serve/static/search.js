// The static site's search: the same rule and page as the server's /search (every word of the
// query starts a word of a label or description, in any language, ignoring case and accents;
// the true total, 50 results a page, the classes of what matched with their counts, the matched
// words marked), over search-index.json. Text is set with textContent, never parsed as HTML.
(function () {
  "use strict";
  var PAGE = 50;
  var list = document.getElementById("results");
  var summary = document.getElementById("summary");
  var facets = document.getElementById("facets");
  var pager = document.getElementById("pager");
  var params = new URLSearchParams(window.location.search);
  var query = params.get("q") || "";
  var chosenClass = params.get("class");
  var page = parseInt(params.get("page") || "1", 10) || 1;
  if (!list || !query.trim()) { return; }
  var messages = JSON.parse(list.dataset.messages);
  var lang = list.dataset.lang;
  var locale = { en: "en-CA", fr: "fr-FR", ko: "ko-KR" }[lang];
  function fold(text) { return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase(); }
  function words(text) { return text.match(/[\p{L}\p{N}]+/gu) || []; }
  function number(n) { return n.toLocaleString(locale); }
  var folded = fold(query).trim();
  var wanted = words(folded);
  function rank(keys) {
    var best = null;
    keys.forEach(function (key) {
      var keyWords = words(key);
      var all = wanted.every(function (w) { return keyWords.some(function (k) { return k.indexOf(w) === 0; }); });
      if (!all) { return; }
      var r = key === folded ? 0 : key.indexOf(folded) === 0 ? 1 : 2;
      best = best === null ? r : Math.min(best, r);
    });
    return best;
  }
  function marked(parent, text) {
    var re = /[\p{L}\p{N}]+/gu;
    var end = 0;
    var match;
    var hit = false;
    while ((match = re.exec(text)) !== null) {
      var word = fold(match[0]);
      if (!wanted.some(function (w) { return word.indexOf(w) === 0; })) { continue; }
      parent.appendChild(document.createTextNode(text.slice(end, match.index)));
      var mark = document.createElement("mark");
      mark.textContent = match[0];
      parent.appendChild(mark);
      end = match.index + match[0].length;
      hit = true;
    }
    parent.appendChild(document.createTextNode(text.slice(end)));
    return hit;
  }
  function href(changes) {
    var next = new URLSearchParams({ q: query });
    var cls = "class" in changes ? changes["class"] : chosenClass;
    if (cls) { next.set("class", cls); }
    if (changes.page && changes.page > 1) { next.set("page", changes.page); }
    return "?" + next.toString();
  }
  function link(text, target) {
    var a = document.createElement("a");
    a.href = target;
    a.textContent = text;
    return a;
  }
  function pageHref(path) { return list.dataset.root + path + (lang === "en" ? "" : "." + lang) + ".html"; }
  fetch(list.dataset.index).then(function (response) { return response.json(); }).then(function (index) {
    var found = [];
    index.entries.forEach(function (entry) {
      var r = rank(entry.k);
      if (r === null && rank(entry.x) !== null) { r = 3; }
      if (r !== null) { found.push([r, entry.l.en.toLowerCase(), entry]); }
    });
    found.sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0); });
    var counts = {};
    found.forEach(function (item) { item[2].c.forEach(function (c) { counts[c] = (counts[c] || 0) + 1; }); });
    var chosen = found.filter(function (item) {
      return !chosenClass || item[2].c.some(function (c) { return index.classes[c].curie === chosenClass; });
    });
    var pages = Math.max(1, Math.ceil(chosen.length / PAGE));
    page = Math.min(Math.max(page, 1), pages);
    var shown = chosen.slice((page - 1) * PAGE, page * PAGE);
    shown.forEach(function (item) {
      var entry = item[2];
      var li = document.createElement("li");
      var a = link("", pageHref(entry.p));
      a.className = "data";
      marked(a, entry.l[lang] || entry.l.en);
      li.appendChild(a);
      var description = entry.d[lang] || entry.d.en;
      if (description) {
        var p = document.createElement("p");
        p.className = "snippet data";
        if (!entry.d[lang]) { p.lang = "en"; }
        if (marked(p, description)) { li.appendChild(p); }
      }
      list.appendChild(li);
    });
    var count = chosen.length;
    var template = count === 0 ? messages.no_results : count === 1 ? messages.result_one : messages.results;
    var text = template.replace("{count}", number(count)).replace("{query}", query);
    if (pages > 1) {
      var first = (page - 1) * PAGE + 1;
      text += " " + messages.results_range.replace("{first}", number(first)).replace("{last}", number(first + shown.length - 1));
    }
    summary.textContent = text;
    var heading = document.createElement("h2");
    heading.textContent = messages.by_class;
    var ul = document.createElement("ul");
    var all = document.createElement("li");
    all.appendChild(link(messages.all_classes, href({ "class": null })));
    all.appendChild(document.createTextNode(" " + number(found.length)));
    ul.appendChild(all);
    Object.keys(counts).map(Number).sort(function (a, b) {
      return counts[b] - counts[a] || index.classes[a].l[lang].localeCompare(index.classes[b].l[lang], locale);
    }).forEach(function (c) {
      var cls = index.classes[c];
      var li = document.createElement("li");
      var a = link(cls.l[lang], href({ "class": cls.curie }));
      a.title = cls.curie;
      if (cls.curie === chosenClass) { a.setAttribute("aria-current", "true"); }
      li.appendChild(a);
      li.appendChild(document.createTextNode(" " + number(counts[c])));
      ul.appendChild(li);
    });
    if (found.length) { facets.appendChild(heading); facets.appendChild(ul); }
    if (page > 1) { var prev = link(messages.previous, href({ page: page - 1 })); prev.rel = "prev"; pager.appendChild(prev); }
    if (page < pages) { var next = link(messages.next, href({ page: page + 1 })); next.rel = "next"; pager.appendChild(next); }
  });
})();
