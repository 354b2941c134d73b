// The tracker table's filters, in the browser: the rows come from data/items.js (every item),
// the filters live in the address bar so a filtered view can be shared as a link. Stored
// text is put into the page as text (textContent), never as markup.
(function () {
  var data = window.EDITION_ITEMS;
  if (!data) { return; }
  var F = data.fields, rows = data.rows, MAX_ROWS = 1000;
  var at = {}; F.forEach(function (name, i) { at[name] = i; });
  var names = data.names || {};
  function named(ids) { return (ids || "").split("; ").map(function (a) { return names[a] || a; }).join("; "); }
  // data/items.js ships the quote alone as "search", the page only where it is not the id, and
  // the owners as ids (their names are in data.names):
  // the rest of what a search looks in is put together here, once.
  rows.forEach(function (row) {
    if (!row[at.page]) { row[at.page] = row[at.id]; }
    row[at.owners] = named(row[at.owner_ids]);  // shipped as ids only, with the names once
    row[at.search] = [row[at.id], row[at.title], row[at.search], row[at.maker_ids], row[at.owner_ids],
      row[at.themes], row[at.document_id], named(row[at.maker_ids]), named(row[at.owner_ids])]
      .join(" ").toLocaleLowerCase();
  });
  var form = document.getElementById("filters");
  var body = document.querySelector("#items-table tbody");
  var count = document.getElementById("match-count");
  var keys = ["q", "kind", "status", "actor", "theme", "document"];

  function lower(text) { return (text || "").toLocaleLowerCase(); }
  function hasPart(list, wanted) { return (list || "").split("; ").indexOf(wanted) >= 0; }
  function matches(row, f) {
    if (f.kind && row[at.kind] !== f.kind) { return false; }
    if (f.status && row[at.status_label] !== f.status && row[at.response_label] !== f.status) { return false; }
    if (f.actor && !hasPart(row[at.owner_ids], f.actor) && !hasPart(row[at.maker_ids], f.actor)) { return false; }
    if (f.theme && !hasPart(row[at.themes], f.theme)) { return false; }
    if (f.document && row[at.document_id] !== f.document && row[at.origin_document_id] !== f.document) { return false; }
    if (f.q && row[at.search].indexOf(f.q) < 0) { return false; }
    return true;
  }
  function chosen() {
    var f = {};
    keys.forEach(function (k) { var el = form.elements[k]; f[k] = el ? el.value.trim() : ""; });
    f.q = lower(f.q);
    return f;
  }
  function cell(tr, text, href) {
    var td = document.createElement("td");
    if (href) { var a = document.createElement("a"); a.href = href; a.textContent = text; td.appendChild(a); }
    else { td.textContent = text == null ? "" : String(text); }
    tr.appendChild(td);
  }
  function draw() {
    var f = chosen(), found = [], n = 0;
    for (var i = 0; i < rows.length; i++) {
      if (matches(rows[i], f)) { n++; if (found.length < MAX_ROWS) { found.push(rows[i]); } }
    }
    var fragment = document.createDocumentFragment();
    found.forEach(function (row) {
      var tr = document.createElement("tr");
      data.columns.forEach(function (name) {
        cell(tr, row[at[name]], name === "title" ? "items/" + row[at.page] + ".html" : null);
      });
      fragment.appendChild(tr);
    });
    body.replaceChildren(fragment);
    var any = keys.some(function (k) { return f[k]; });
    count.textContent = n.toLocaleString("en-GB") + " of " + rows.length.toLocaleString("en-GB") + " items" +
      (any ? " match" : "") + (n > MAX_ROWS ? "; the first " + MAX_ROWS.toLocaleString("en-GB") +
      " are listed, oldest first: narrow the filters to see the others" : "") +
      (n === 0 ? ". No item matches these filters: remove a filter or clear them all." : ".");
    var params = new URLSearchParams();
    keys.forEach(function (k) { var v = form.elements[k].value.trim(); if (v) { params.set(k, v); } });
    var query = params.toString();
    if (window.location.protocol !== "file:") {
      history.replaceState(null, "", query ? "?" + query : window.location.pathname);
    }
  }
  var given = new URLSearchParams(window.location.search);
  keys.forEach(function (k) {
    var el = form.elements[k], v = given.get(k);
    if (!el || !v) { return; }
    if (el.tagName === "SELECT" && !Array.prototype.some.call(el.options, function (o) { return o.value === v; })) { return; }
    el.value = v;
  });
  form.addEventListener("input", draw);
  form.addEventListener("change", draw);
  form.addEventListener("submit", function (e) { e.preventDefault(); draw(); });
  form.addEventListener("reset", function () { setTimeout(draw, 0); });
  draw();
})();
