"""End to end: the lecture decks, built from every notebook, as a projector shows them.

``scripts/build_slides.py`` builds the reveal.js deck of every notebook in ``notebooks/``
and of every Korean one in ``notebooks/ko/`` (into ``ko/``) into a temporary folder, a
stdlib HTTP server serves it on 127.0.0.1, and headless Chromium
(driven by Playwright) opens each deck at 1280x720, the size the decks are laid out for,
and visits every slide (horizontal and vertical) with all its fragments shown:

- ``test_nothing_leaves_the_machine``: every request the pages make is intercepted and
  recorded; any that is not for 127.0.0.1 (a CDN's reveal.js, require.js, MathJax, a web
  font, a badge picture) is refused and listed, and so is any local request that fails;
- ``test_every_notebook_gives_a_sensible_deck``: 5 to 120 slides per deck (horizontal plus
  vertical: fewer means the rules merged sections, more means they cut one idea per
  slide), and every ``##`` section of the notebook (but the ``Parameters`` section, which is
  speaker notes) has a horizontal slide whose heading is the section's;
- ``test_no_slide_overflows``: no slide is taller than 720 or wider than 1280 pixels once
  the deck's own fitting has run, measured in the page; a failure names the notebook, the
  slide (h/v, as in the deck's URL ``#/h/v``) and the notebook cells that stick out;
- ``test_widgets_show_their_static_copy``: no deck holds a widget view (which would render
  as an empty box without a kernel); each explorer shows its stored static HTML/SVG copy;
- ``test_scroll_boxes_are_few_and_hold_no_figure``: the only scroll boxes are the outputs
  the build tagged ``slides-scroll`` (text or tables taller than a slide), never a figure;
- ``test_language_switch_and_hangul``: every deck and both indexes link to their twin in
  the other edition (English / 한국어), and every Korean deck draws its Hangul in the font
  the decks serve (NanumGothic loaded, so no glyph falls back to an empty box).

A PNG of one representative slide per notebook (the first after the title slide that shows
a figure, else a table) lands in ``build/slides/screenshots/``. The whole module takes 35-45 s
on the course's 2-core CPU (building the 11 decks 15-20 s, visiting their 295 slides 17 s).

Skipped, with the reason shown by ``pytest -rs``, when Debian's Chromium is not at
``/usr/bin/chromium`` or the ``playwright`` package is not installed.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, require_browser, serve_directory  # noqa: E402

sync_api = require_browser()

import nbformat  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))

import slide_rules as slides  # noqa: E402

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb")) + sorted(
    (REPO / "notebooks" / "ko").glob("*.ipynb")
)
SCREENSHOTS = REPO / "build" / "slides" / "screenshots"
WIDTH, HEIGHT = 1280, 720  # the decks' slide size (scripts/build_slides.py)
MIN_SLIDES, MAX_SLIDES = 5, 120
PAGE_LOAD_MS = 30_000
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
STATIC_NOTE = "A static copy of the explorer: run the notebook to move its controls."
STATIC_NOTE_KO = "탐색기의 정적 사본입니다. 노트북을 실행하면 컨트롤을 움직일 수 있습니다."
LOCAL = ("data:", "about:blank")  # inline resources; MathJax probes a font at about:blank

# Visit every slide with all fragments shown, fit it as the deck does, and measure it.
MEASURE_JS = """
async () => {
  if (window.MathJax && MathJax.Hub) await new Promise((done) => MathJax.Hub.Queue(done));
  await document.fonts.ready;
  const slides = [];
  const scaleOf = (s) => s.getBoundingClientRect().width / s.offsetWidth || 1;
  Reveal.getHorizontalSlides().forEach((top, h) => {
    const inner = top.querySelectorAll(':scope > section');
    (inner.length ? Array.from(inner) : [top]).forEach((section, v) => {
      Reveal.slide(h, v);
      while (Reveal.nextFragment()) {}
      CourseSlides.fit(section);
      const box = section.getBoundingClientRect();
      const scale = scaleOf(section);
      const cells = Array.from(section.querySelectorAll('.jp-Cell')).map((cell) => {
        const r = cell.getBoundingClientRect();
        return {id: cell.id.replace('cell-id=', ''), top: (r.top - box.top) / scale,
                bottom: (r.bottom - box.top) / scale, right: (r.right - box.left) / scale};
      });
      const scrollers = Array.from(section.querySelectorAll('*')).filter((el) => {
        const style = getComputedStyle(el);
        return /(auto|scroll)/.test(style.overflowY) && el.scrollHeight > el.clientHeight + 1;
      });
      slides.push({
        h, v,
        height: section.scrollHeight, width: section.scrollWidth,
        cells,
        headings: Array.from(section.querySelectorAll('h2')).map(
          (x) => x.textContent.replace('\\u00b6', '').trim()),
        figures: section.querySelectorAll(
          '.jp-OutputArea-output img, .jp-OutputArea-output svg').length,
        tables: section.querySelectorAll('table').length,
        scrollers: scrollers.map((el) => ({
          tagged: !!el.closest('.celltag_slides-scroll'),
          figures: el.querySelectorAll('img, svg').length,
          cell: (el.closest('.jp-Cell') || {id: ''}).id.replace('cell-id=', ''),
        })),
      });
    });
  });
  const switchLink = document.querySelector('a.course-language-switch');
  return {
    switch: switchLink ? switchLink.getAttribute('href') : null,
    hangulFonts: Array.from(document.fonts).filter(
      (f) => f.family.replace(/"/g, '') === 'NanumGothic' && f.status === 'loaded').length,
    total: Reveal.getTotalSlides(),
    slides,
    widgetViews: document.querySelectorAll(
      'script[type="application/vnd.jupyter.widget-view+json"], .jupyter-widgets').length,
    text: document.querySelector('.slides').textContent.replace(/\\s+/g, ''),
  };
}
"""


def _deck(path: Path) -> str:
    """A notebook's deck, relative to the build folder: ``ko/`` for a Korean notebook."""
    return f"{'ko/' if path.parent.name == 'ko' else ''}{path.stem}.slides.html"


def _sections(nb) -> list[str]:
    """The ``##`` headings a deck must show: every one but the Parameters section's."""
    found = []
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("## "):
                title = line[3:].strip()
                if title not in slides.PARAMETERS_HEADINGS:
                    found.append(title)
    return found


def _plain(text: str) -> str:
    """A heading's text as the page shows it (markdown's emphasis and code marks gone)."""
    return " ".join(text.replace("`", "").replace("*", "").split())


def _cell_label(nb, cell_id: str) -> str:
    """``cell 12 ('## The stem')`` for a deck's cell id (split pieces end in ``-n``)."""
    for index, cell in enumerate(nb.cells):
        if cell_id == cell.get("id") or cell_id.startswith(f"{cell.get('id')}-"):
            first = cell.source.strip().splitlines()[0][:50] if cell.source.strip() else ""
            return f"cell {index} ({first!r})"
    return f"cell id {cell_id!r}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("slides")
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_slides.py"), "--out", str(out)]
        + ["--quiet"]
        + [str(path) for path in NOTEBOOKS],
        check=True,
        cwd=REPO,
    )
    print(f"\nbuilt {len(NOTEBOOKS)} decks in {time.perf_counter() - start:.1f} s")
    return out


@pytest.fixture(scope="module")
def server(built):
    with serve_directory(built) as url:
        yield url


@pytest.fixture(scope="module")
def measured(server):
    """Every deck measured in Chromium: {notebook stem: result}, plus what was requested."""
    requests = {"external": [], "failed": [], "errors": []}

    def route(route_, request):
        url = request.url
        if url.startswith(server + "/") or url.startswith(LOCAL):
            route_.continue_()
        else:
            requests["external"].append(url)
            route_.abort()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    results = {}
    start = time.perf_counter()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
        page.route("**/*", route)
        page.on(
            "response",
            lambda r: requests["failed"].append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        page.on("pageerror", lambda error: requests["errors"].append(str(error)))
        for path in NOTEBOOKS:
            page.goto(f"{server}/{_deck(path)}", timeout=PAGE_LOAD_MS)
            page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=PAGE_LOAD_MS)
            result = page.evaluate(MEASURE_JS)
            results[_deck(path)] = result
            shown = [s for s in result["slides"] if s["h"] > 0]
            pick = next((s for s in shown if s["figures"]), None) or next(
                (s for s in shown if s["tables"]), shown[0] if shown else result["slides"][0]
            )
            page.evaluate(f"Reveal.slide({pick['h']}, {pick['v']})")
            page.evaluate("() => { while (Reveal.nextFragment()) {} }")
            page.wait_for_timeout(100)
            page.screenshot(path=str(SCREENSHOTS / _deck(path).replace("/", "_")[:-12]) + ".png")
        browser.close()
    total = sum(r["total"] for r in results.values())
    print(
        f"\nmeasured {total} slides of {len(results)} decks in {time.perf_counter() - start:.1f} s"
    )
    return results, requests


def test_nothing_leaves_the_machine(measured):
    _, requests = measured
    assert not requests["external"], "requests that left 127.0.0.1:\n" + "\n".join(
        sorted(set(requests["external"]))
    )
    assert not requests["failed"], "local requests that failed:\n" + "\n".join(requests["failed"])
    assert not requests["errors"], "errors in the decks' pages:\n" + "\n".join(requests["errors"])


def test_every_notebook_gives_a_sensible_deck(measured):
    results, _ = measured
    problems = []
    for path in NOTEBOOKS:
        result = results[_deck(path)]
        if not MIN_SLIDES <= result["total"] <= MAX_SLIDES:
            problems.append(
                f"{path.name}: {result['total']} slides, expected {MIN_SLIDES}-{MAX_SLIDES}"
            )
        on_top = {_plain(h) for s in result["slides"] if s["v"] == 0 for h in s["headings"]}
        for section in _sections(nbformat.read(path, as_version=4)):
            if _plain(section) not in on_top:
                problems.append(f"{path.name}: no horizontal slide for '## {section}'")
    assert not problems, "\n".join(problems)


def test_no_slide_overflows(measured):
    results, _ = measured
    problems = []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        for s in results[_deck(path)]["slides"]:
            if s["height"] <= HEIGHT and s["width"] <= WIDTH:
                continue
            cells = [
                _cell_label(nb, c["id"])
                for c in s["cells"]
                if c["bottom"] > HEIGHT + 0.5 or c["right"] > WIDTH + 0.5
            ]
            problems.append(
                f"{path.name} slide #/{s['h']}/{s['v']}: {s['width']}x{s['height']} px "
                f"(at most {WIDTH}x{HEIGHT}); sticking out: {', '.join(cells) or 'padding'}"
            )
    assert not problems, "slides larger than the screen:\n" + "\n".join(problems)


def test_widgets_show_their_static_copy(measured):
    results, _ = measured
    problems = []
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        result = results[_deck(path)]
        if result["widgetViews"]:
            problems.append(f"{path.name}: {result['widgetViews']} widget views in the deck")
        for index, cell in enumerate(nb.cells):
            for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
                data = output.get("data", {})
                if WIDGET_VIEW not in data or "text/html" not in data:
                    continue
                text = "".join(html.unescape(re.sub(r"<[^>]+>", "", data["text/html"])).split())
                for note in (STATIC_NOTE, STATIC_NOTE_KO):  # the deck hides it
                    text = text.replace("".join(note.split()), "")
                if text[:40] not in result["text"]:
                    problems.append(
                        f"{path.name} cell {index}: static copy missing ({text[:40]!r})"
                    )
    assert not problems, "\n".join(problems)


def test_scroll_boxes_are_few_and_hold_no_figure(measured):
    results, _ = measured
    boxes = [
        (path.name, s["h"], s["v"], box)
        for path in NOTEBOOKS
        for s in results[_deck(path)]["slides"]
        for box in s["scrollers"]
    ]
    print(f"\n{len(boxes)} scroll boxes: " + ", ".join(f"{n} #/{h}/{v}" for n, h, v, _ in boxes))
    wrong = [f"{n} #/{h}/{v}" for n, h, v, box in boxes if box["figures"] or not box["tagged"]]
    assert not wrong, "scroll boxes around a figure or not tagged by the build: " + ", ".join(wrong)
    assert len(boxes) <= len(NOTEBOOKS), f"{len(boxes)} scroll boxes: more than one a deck"


def test_language_switch_and_hangul(built, measured):
    results, _ = measured
    problems = []
    pages = [_deck(path) for path in NOTEBOOKS]
    for deck in pages:
        href = results[deck]["switch"]
        korean = deck.startswith("ko/")
        twin = deck.removeprefix("ko/") if korean else f"ko/{deck}"
        if href is None or (built / deck).parent.joinpath(href).resolve() != built / twin:
            problems.append(f"{deck}: the language switch leads to {href!r}, not to {twin}")
        if korean and not results[deck]["hangulFonts"]:
            problems.append(f"{deck}: NanumGothic not loaded, Hangul may show as empty boxes")
    for index, twin in (("index.html", "ko/index.html"), ("ko/index.html", "index.html")):
        text = (built / index).read_text(encoding="utf-8")
        hrefs = re.findall(r'class="course-language-switch" href="([^"]+)"', text)
        if [(built / index).parent.joinpath(h).resolve() for h in hrefs] != [built / twin]:
            problems.append(f"{index}: the language switch leads to {hrefs}, not to {twin}")
        for deck in pages:
            if deck.startswith("ko/") == index.startswith("ko/") and (
                f'href="{deck.removeprefix("ko/")}"' not in text
            ):
                problems.append(f"{index} does not list {deck}")
    assert not problems, "\n".join(problems)
