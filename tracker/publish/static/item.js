/* Opened as items/<id>.html#embed (the embed code's iframe): the item alone, links opening the
   full page outside the frame. Loaded in the head, before the page is drawn. */
if (location.hash === "#embed") {
  document.documentElement.classList.add("embed");
  var base = document.createElement("base"); base.target = "_top"; document.head.appendChild(base);
}
/* What every item page shares is written here, from the page's <h1> (its page name, badge text
   and width), its footer (the day it was published) and its own address, rather than into each of 100,000 pages: the badge and link
   shown in the embed, and the share section (the badge, and the embed and badge codes: an
   iframe of this page and its badge, linking back to it). Only fixed markup goes through
   innerHTML; text is set as text or as values. */
document.addEventListener("DOMContentLoaded", function () {
  var title = document.querySelector("h1[data-page]"), share = document.getElementById("share");
  if (!title) return;
  var name = title.getAttribute("data-page"), text = title.getAttribute("data-badge");
  var badge = function (alt) {
    var img = document.createElement("img");
    img.src = "../badges/" + name + ".svg";
    img.alt = alt;
    img.setAttribute("width", title.getAttribute("data-badge-width"));
    img.setAttribute("height", "20");
    return img;
  };
  var embedOnly = document.createElement("p");
  embedOnly.className = "embed-only";
  var back = document.createElement("a");
  back.href = name + ".html";
  back.textContent = "The source, history and links of this item";
  var footer = document.querySelector("footer.site p");  // "Published 1 December 2026. ..."
  var published = footer && footer.firstChild ? footer.firstChild.textContent.trim() : "";
  embedOnly.append(badge(text), " ", back, published ? " · " + published : "");
  var rest = document.querySelector(".embed-hide");
  if (rest) rest.parentNode.insertBefore(embedOnly, rest);
  if (!share) return;
  share.innerHTML = '<p></p>' +
    '<p><label for="embed-code">Embed code for this item (an iframe that links back to this page):</label>' +
    '<textarea id="embed-code" readonly rows="3"></textarea></p>' +
    '<p><label for="badge-code">Badge code:</label><textarea id="badge-code" readonly rows="2"></textarea></p>';
  var shown = badge("Status badge: " + text);
  share.firstChild.appendChild(shown);
  var attr = function (value) {
    return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  };
  var page = location.href.split("#")[0];
  document.getElementById("embed-code").value = '<iframe src="' + attr(page + "#embed") + '" title="' +
    attr(title.textContent) + '" width="100%" height="260" style="border:1px solid #ccc"></iframe>';
  document.getElementById("badge-code").value = '<a href="' + attr(page) + '"><img src="' + attr(shown.src) +
    '" alt="' + attr(text) + '"></a>';
});
