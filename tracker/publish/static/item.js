/* Opened as items/<id>.html#embed (the embed code's iframe): the item alone, links opening the
   full page outside the frame. Loaded in the head, before the page is drawn. */
if (location.hash === "#embed") {
  document.documentElement.classList.add("embed");
  var base = document.createElement("base"); base.target = "_top"; document.head.appendChild(base);
}
/* The embed and badge codes, written here from the page's own address rather than into each of
   100,000 pages: an iframe of this page and its badge, linking back to it. */
document.addEventListener("DOMContentLoaded", function () {
  var embed = document.getElementById("embed-code"), badgeCode = document.getElementById("badge-code");
  var badge = document.querySelector(".embed-only img"), title = document.querySelector("h1");
  if (!embed || !badgeCode || !badge || !title) return;
  var attr = function (text) {
    return text.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  };
  var page = location.href.split("#")[0];
  embed.value = '<iframe src="' + attr(page + "#embed") + '" title="' + attr(title.textContent) +
    '" width="100%" height="260" style="border:1px solid #ccc"></iframe>';
  badgeCode.value = '<a href="' + attr(page) + '"><img src="' + attr(badge.src) + '" alt="' + attr(badge.alt) + '"></a>';
});
