// Draws every chart of a page from the Plotly figure embedded next to it (plotly.min.js is
// shipped in the edition: no request leaves this site). Without JavaScript, each chart's
// table below it holds the same figures.
(function () {
  if (!window.Plotly) { return; }
  document.querySelectorAll("[data-figure]").forEach(function (div) {
    var source = document.getElementById(div.getAttribute("data-figure"));
    if (!source || div.tagName === "DD") { return; }
    var fig = JSON.parse(source.textContent);
    var config = Object.assign({ responsive: true, displaylogo: false }, fig.config || {});
    window.Plotly.newPlot(div, fig.data, fig.layout, config);
  });
})();
