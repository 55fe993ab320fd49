// The static site's search: the same rule as the server's /search (every word of the query
// starts a word of a label, in any language, ignoring case and accents), over search-index.json.
(function () {
  "use strict";
  var list = document.getElementById("results");
  var summary = document.getElementById("summary");
  var query = new URLSearchParams(window.location.search).get("q") || "";
  if (!list || !query.trim()) { return; }
  function fold(text) {
    return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  }
  function words(text) { return text.match(/[\p{L}\p{N}]+/gu) || []; }
  var folded = fold(query).trim();
  var wanted = words(folded);
  var lang = list.dataset.lang;
  fetch(list.dataset.index).then(function (response) { return response.json(); }).then(function (entries) {
    var found = [];
    entries.forEach(function (entry) {
      var best = null;
      entry.k.forEach(function (key) {
        var keyWords = words(key);
        var all = wanted.every(function (w) { return keyWords.some(function (k) { return k.indexOf(w) === 0; }); });
        if (!all) { return; }
        var rank = key === folded ? 0 : key.indexOf(folded) === 0 ? 1 : 2;
        best = best === null ? rank : Math.min(best, rank);
      });
      if (best !== null) { found.push([best, entry.l.en.toLowerCase(), entry]); }
    });
    found.sort(function (a, b) { return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0); });
    found.slice(0, 50).forEach(function (item) {
      var entry = item[2];
      var link = document.createElement("a");
      link.href = list.dataset.root + entry.p + (lang === "en" ? "" : "." + lang) + ".html";
      link.textContent = entry.l[lang] || entry.l.en;
      var li = document.createElement("li");
      li.appendChild(link);
      list.appendChild(li);
    });
    var template = found.length ? list.dataset.found : list.dataset.none;
    summary.textContent = template.replace("{count}", Math.min(found.length, 50)).replace("{query}", query);
  });
})();
