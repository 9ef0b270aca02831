/* Fit each slide of a course deck into its 1280x720 box once it is laid out.

   Figures (images, SVG) scale down together until the slide fits, to no less than 65% of
   their height, the share scripts/slide_rules.py (Page.figure_shrink) assumes when
   it packs cells onto slides; where a slide has room left, they grow past the CSS cap of
   520 px, up to their own size. The output of a cell that the build tagged "slides-scroll" (a
   text or table output taller than a slide on its own) becomes a scroll box. Nothing else
   changes: a slide that still overflows is a bug, which tests/e2e/test_slides.py reports.
   Fitting runs on the slide shown, whenever one is shown, after the fonts (and MathJax, where
   a deck has math) are ready; window.CourseSlides.fit(section) runs it on any slide. */
var CourseSlides = (function () {
  var MIN_SHARE = 0.65;
  var MARGIN = 8; // pixels kept free at the bottom, under the slide number
  var reveal = null;

  function scaleOf(section) {
    var rect = section.getBoundingClientRect();
    return section.offsetWidth ? rect.width / section.offsetWidth : 1;
  }

  function fit(section) {
    if (!section || !reveal) return;
    var limit = reveal.getConfig().height - MARGIN;
    var figures = Array.prototype.slice.call(
      section.querySelectorAll(".jp-OutputArea-output img, .jp-OutputArea-output svg")
    );
    var boxes = Array.prototype.slice.call(
      section.querySelectorAll(".celltag_slides-scroll .jp-OutputArea")
    );
    figures.concat(boxes).forEach(function (element) {
      element.style.maxHeight = "";
    });
    var over = section.scrollHeight - limit;
    boxes.forEach(function (box) {
      if (over <= 0) return;
      box.style.maxHeight = Math.max(120, box.offsetHeight - over) + "px";
      over = section.scrollHeight - limit;
    });
    if (!figures.length) return;
    var scale = scaleOf(section);
    var heights = figures.map(function (figure) {
      return figure.getBoundingClientRect().height / scale;
    });
    // a figure may also grow past the CSS cap, up to its own size, where the slide has room
    var naturals = figures.map(function (figure, i) {
      var natural = figure.tagName.toLowerCase() === "img"
        ? figure.naturalHeight
        : parseFloat(figure.getAttribute("height")) || heights[i];
      return Math.max(heights[i], natural || 0);
    });
    var most = 1.0;
    naturals.forEach(function (natural, i) {
      if (heights[i] > 0) most = Math.max(most, natural / heights[i]);
    });
    var shrink = function (share) {
      figures.forEach(function (figure, i) {
        figure.style.maxHeight = Math.floor(Math.min(naturals[i], heights[i] * share)) + "px";
      });
      return section.scrollHeight <= limit;
    };
    // the largest share that fits, to within 1%: figures side by side change together
    var low = over > 0 ? MIN_SHARE : 1.0;
    var high = over > 0 ? 1.0 : most;
    if (!shrink(low)) return;
    if (shrink(high)) return;
    while (high - low > 0.01) {
      var middle = (low + high) / 2;
      if (shrink(middle)) low = middle;
      else high = middle;
    }
    shrink(low);
  }

  function fitCurrent() {
    fit(reveal.getCurrentSlide());
  }

  function attach(Reveal) {
    reveal = Reveal;
    var ready = document.fonts ? document.fonts.ready : Promise.resolve();
    Reveal.on("ready", function () {
      ready.then(fitCurrent);
      if (window.MathJax && MathJax.Hub) MathJax.Hub.Queue(fitCurrent);
    });
    Reveal.on("slidechanged", fitCurrent);
    if (Reveal.isReady && Reveal.isReady()) ready.then(fitCurrent);
  }

  return { attach: attach, fit: fit };
})();
