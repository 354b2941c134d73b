/* Opened as items/<id>.html#embed (the embed code's iframe): the item alone, links opening the
   full page outside the frame. Loaded in the head, before the page is drawn. */
if (location.hash === "#embed") {
  document.documentElement.classList.add("embed");
  var base = document.createElement("base"); base.target = "_top"; document.head.appendChild(base);
}
