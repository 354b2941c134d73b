/* Opened as items/<id>.html#embed (the embed code's iframe): the item alone, links opening the
   full page outside the frame. Loaded in the head, before the page is drawn. */
if (location.hash === "#embed") {
  document.documentElement.classList.add("embed");
  var base = document.createElement("base"); base.target = "_top"; document.head.appendChild(base);
}
/* The share section: the item's badge, and the embed and badge codes, written here from the
   page's own address rather than into each of 100,000 pages (an iframe of this page and its
   badge, linking back to it). Only fixed markup goes through innerHTML; text is set as values. */
document.addEventListener("DOMContentLoaded", function () {
  var share = document.getElementById("share");
  var badge = document.querySelector(".embed-only img"), title = document.querySelector("h1");
  if (!share || !badge || !title) return;
  share.innerHTML = '<p><img height="20"></p>' +
    '<p><label for="embed-code">Embed code for this item (an iframe that links back to this page):</label>' +
    '<textarea id="embed-code" readonly rows="3"></textarea></p>' +
    '<p><label for="badge-code">Badge code:</label><textarea id="badge-code" readonly rows="2"></textarea></p>';
  var shown = share.querySelector("img");
  shown.src = badge.getAttribute("src");
  shown.alt = "Status badge: " + badge.alt;
  shown.setAttribute("width", badge.getAttribute("width"));
  var attr = function (text) {
    return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  };
  var page = location.href.split("#")[0];
  document.getElementById("embed-code").value = '<iframe src="' + attr(page + "#embed") + '" title="' +
    attr(title.textContent) + '" width="100%" height="260" style="border:1px solid #ccc"></iframe>';
  document.getElementById("badge-code").value = '<a href="' + attr(page) + '"><img src="' + attr(badge.src) +
    '" alt="' + attr(badge.alt) + '"></a>';
});
