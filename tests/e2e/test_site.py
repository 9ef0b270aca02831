"""End to end: the course website, built from the notebooks' stored outputs, in Chromium.

The module builds the site with ``scripts/build_site.py`` into a temporary folder, serves
it on 127.0.0.1 (a stdlib ``http.server`` thread on a free port) and opens it in headless
Chromium (driven by Playwright), recording every request the pages make:

- ``test_front_page_lists_every_notebook``: the front page's table of contents, in the
  page and in the sidebar, lists every notebook by its title (read from the notebook's
  first markdown heading, so notebook 10 is checked as soon as it exists);
- ``test_notebook_page`` (one per notebook): the page shows the notebook's title, every
  stored PNG figure as a loaded image, every explorer as its static copy (numbers, table,
  SVG diagram) and never as the widget's text repr ("BlockExplorer(...)", "HBox(...)"),
  its formulas as MathML, and nothing wider than the window. What each notebook must show
  is counted from its stored outputs: notebook 00 has no PNG figure (its pictures are
  the explorer's SVG diagram and tables), notebook 03 no SVG (its diagrams are PNG
  figures; its one widget is a training panel, whose static copy is text);
- ``test_search_finds_a_term`` (served, and opened from ``file://``): Sphinx's search page
  lists every notebook whose prose mentions "bottleneck", and only pages that contain it;
- the Korean edition (한국어판, ``ko/``) the same way: its front page lists every Korean
  notebook, each Korean notebook's page passes ``test_notebook_page``, and its Hangul is
  drawn in the font the site serves (NanumGothic loaded: no glyph falls back to an empty
  box), figures included (their ``alt``, the figure's own titles, is Korean where the
  stored figure's is);
- ``test_every_page_switches_language``: every page of both editions (front pages,
  notebooks, credits, search, index) has one language switch in its header, leading to the
  same page in the other edition; a click on it, both ways, opens that page;
- every test fails if a page asked for anything outside 127.0.0.1 (the site must work
  offline: no CDN, no web fonts, no MathJax, no widget manager).

Screenshots (1280x720, top of each page; and each notebook's first explorer and first
figure) land in ``build/site-screenshots/``. Skipped,
with the reason shown by ``pytest -rs``, when Debian's Chromium is not at
``/usr/bin/chromium`` or the ``playwright``, ``sphinx`` or ``myst_nb`` package is missing.
"""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, require_browser, serve_directory  # noqa: E402

sync_api = require_browser()
for _module in ("sphinx", "myst_nb", "sphinx_book_theme"):
    pytest.importorskip(
        _module,
        reason=f"the {_module} package is not importable: install requirements.txt into "
        "the venv to build the course website",
    )

REPO = Path(__file__).resolve().parents[2]
ENGLISH = sorted((REPO / "notebooks").glob("*.ipynb"))
KOREAN = sorted((REPO / "notebooks" / "ko").glob("*.ipynb"))
NOTEBOOKS = ENGLISH + KOREAN
FRONT_TITLES = {"": "inception-edu", "ko/": "inception-edu · 한국어판"}
HANGUL = re.compile(r"[\uac00-\ud7a3]")
BUILD_SCRIPT = REPO / "scripts" / "build_site.py"
SCREENSHOTS = REPO / "build" / "site-screenshots"

VIEWPORT = {"width": 1280, "height": 720}
BUILD_S = 240  # the whole site from a cold cache (about 10-20 s on the course's 2-core CPU)
PAGE_MS = 30_000

SEARCH_TERM = "bottleneck"  # the English edition's search
# the page's Hangul font, loaded once the fonts have settled
HANGUL_FONT_LOADED = """async () => { await document.fonts.ready;
  return Array.from(document.fonts).some(
    (f) => f.family.replace(/"/g, '') === 'NanumGothic' && f.status === 'loaded'); }"""
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
STATIC_COPY = ".inception-edu-explorer-static, .inception-edu-training-static"
# text a broken widget leaves on a page
WIDGET_TEXT = re.compile(r"\b(?:HBox|VBox|Box|Tab|Accordion)\(|Error displaying widget")

# MyST-NB's choice among an output's mime types on the site (the widget view never).
MIME_ORDER = ("text/html", "image/svg+xml", "image/png", "image/jpeg", "text/plain")


def _plain(markdown: str) -> str:
    """A markdown heading as the page shows it: no code ticks, emphasis or link targets."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"[`*]|(?<!\w)_|_(?!\w)", "", text)
    return " ".join(text.split())


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _edition(path: Path) -> str:
    """Where a notebook's edition lives in the site: ``"ko/"`` for a Korean one, else ``""``."""
    return "ko/" if path.parent.name == "ko" else ""


def _korean_figures(notebook: dict) -> int:
    """How many of the stored figures carry a Korean ``alt`` (their own Korean titles)."""
    return sum(
        any(HANGUL.search(str(meta.get("alt", ""))) for meta in output.get("metadata", {}).values())
        for cell in notebook["cells"]
        for output in cell.get("outputs", [])
        if any(mime in output.get("data", {}) for mime in ("image/png", "image/jpeg"))
    )


@functools.cache
def expected(path: Path) -> dict:
    """What the page of the notebook at ``path`` must show, counted from its stored outputs."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    title = None
    prose, everything = [], []
    counts = {"figures": 0, "svg": 0, "static_copies": 0, "math": 0}
    widget_reprs = []
    for cell in notebook["cells"]:
        source = _source(cell)
        everything.append(source)
        if cell["cell_type"] == "markdown":
            prose.append(source)
            fences = re.split(r"^```.*$", source, flags=re.MULTILINE)[::2]  # outside code
            counts["math"] += sum(len(re.findall(r"\$[^$\s][^$]*\$", f)) for f in fences)
            if title is None:
                match = re.search(r"^#\s+(.+?)\s*#*\s*$", "\n".join(fences), re.MULTILINE)
                title = _plain(match.group(1)) if match else None
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            text = output.get("text", "")
            everything.extend("".join(v) if isinstance(v, list) else str(v) for v in data.values())
            everything.append("".join(text) if isinstance(text, list) else text)
            shown = next((mime for mime in MIME_ORDER if mime in data), None)
            value = data.get(shown, "")
            value = "".join(value) if isinstance(value, list) else value
            if shown in ("image/png", "image/jpeg"):
                counts["figures"] += 1
            if shown == "text/html" and "<svg" in value:
                counts["svg"] += 1
            if WIDGET_VIEW in data:
                counts["static_copies"] += 1
                plain = data.get("text/plain", "")
                widget_reprs.append(("".join(plain) if isinstance(plain, list) else plain)[:40])
    if title is None:
        raise ValueError(f"{path.name} has no '# title' heading in a markdown cell")
    word = re.compile(rf"\b{SEARCH_TERM}", re.IGNORECASE)
    return {
        "title": title,
        "page": f"{_edition(path)}notebooks/{path.stem}.html",
        "korean_figures": _korean_figures(notebook),
        "widget_reprs": widget_reprs,
        "mentions_term": bool(word.search("\n".join(prose))),
        "contains_term": bool(word.search("\n".join(everything))),
        **counts,
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site built by scripts/build_site.py (as `make site` builds it) into a tmp folder."""
    work = tmp_path_factory.mktemp("site")
    out = work / "site"
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--out", str(out), "--cache", str(work / "cache")],
        capture_output=True,
        text=True,
        timeout=BUILD_S,
    )
    seconds = time.perf_counter() - start
    assert result.returncode == 0, (
        f"scripts/build_site.py failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    )
    print(f"\nsite built in {seconds:.1f} s ({len(NOTEBOOKS)} notebooks)")
    assert (out / "index.html").is_file()
    return out


@pytest.fixture(scope="module")
def server(site):
    with serve_directory(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def _local(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in ("data", "blob", "about", "file"):
        return True
    return parts.scheme in ("http", "https") and parts.hostname == "127.0.0.1"


@pytest.fixture
def problems() -> dict:
    """What the page saw go wrong: requests outside 127.0.0.1, uncaught JavaScript errors."""
    return {"outside": [], "errors": []}


@pytest.fixture
def page(browser, problems):
    """A page at 1280x720 whose requests outside 127.0.0.1 are blocked and recorded; the
    test fails at the end if there was any, or an uncaught JavaScript error."""
    context = browser.new_context(viewport=VIEWPORT)
    outside, errors = problems["outside"], problems["errors"]

    def route(route):
        if _local(route.request.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    context.on(
        "request", lambda request: None if _local(request.url) else outside.append(request.url)
    )
    page = context.new_page()
    page.set_default_timeout(PAGE_MS)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
        assert not outside, f"the site asked for things outside 127.0.0.1: {sorted(set(outside))}"
        assert not errors, f"JavaScript errors on the page: {errors}"
    finally:
        context.close()


@pytest.fixture(scope="module")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def _heading(locator) -> str:
    """A heading's text without its "#" permalink."""
    return locator.evaluate(
        "el => { const c = el.cloneNode(true);"
        " c.querySelectorAll('.headerlink').forEach(a => a.remove());"
        " return c.textContent.replace(/\\s+/g, ' ').trim(); }"
    )


def _screenshot(page, locator, path: Path) -> None:
    """The whole of ``locator``, the window made tall enough for it (a taller element is
    stitched from scrolled views, with the sticky header drawn over it)."""
    height = locator.evaluate("el => el.getBoundingClientRect().height")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": int(min(height + 200, 4000))})
    locator.evaluate("el => el.scrollIntoView({block: 'center'})")
    locator.screenshot(path=path)
    page.set_viewport_size(VIEWPORT)


def _texts(locator) -> list[str]:
    return [" ".join(t.split()) for t in locator.all_inner_texts()]


@pytest.mark.parametrize("edition", FRONT_TITLES, ids=["English", "Korean"])
def test_front_page_lists_every_notebook(server, page, screenshots, edition):
    notebooks = [path for path in NOTEBOOKS if _edition(path) == edition]
    assert notebooks, f"no notebooks in the edition {edition!r}"
    page.goto(f"{server}/{edition}index.html")
    assert _heading(page.locator("article h1").first) == FRONT_TITLES[edition]
    titles = [expected(path)["title"] for path in notebooks]
    in_page = _texts(page.locator("article .toctree-wrapper li.toctree-l1 > a"))
    in_sidebar = _texts(page.locator(".bd-sidebar-primary nav.bd-links li.toctree-l1 > a"))
    assert in_page == titles, "the front page's table of contents, in notebook order"
    assert [t for t in in_sidebar if t in titles] == titles, "the sidebar, in notebook order"
    for path in notebooks:
        href = expected(path)["page"].removeprefix(edition)
        sync_api.expect(page.locator(f"article .toctree-wrapper a[href='{href}']")).to_have_count(1)
    page.screenshot(path=screenshots / f"{edition.replace('/', '_')}index.png")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_page(server, page, screenshots, path):
    want = expected(path)
    page.goto(f"{server}/{want['page']}")
    page.wait_for_load_state("load")
    assert _heading(page.locator("article h1").first) == want["title"]
    assert want["figures"] + want["svg"] >= 1, f"{path.name} shows neither a figure nor a diagram"

    # Figures: every stored PNG, loaded (MyST-NB writes them to _images/).
    figures = page.locator("div.cell_output img[src*='_images/']")
    sync_api.expect(figures).to_have_count(want["figures"])
    sizes = figures.evaluate_all("els => els.map(i => [i.complete, i.naturalWidth])")
    assert all(done and width > 0 for done, width in sizes), f"figures not loaded: {sizes}"

    # Diagrams: the inline SVGs of the stored HTML outputs, drawn with a size.
    svgs = page.locator("div.cell_output svg")
    assert svgs.count() >= want["svg"]
    boxes = svgs.evaluate_all(
        "els => els.map(s => { const r = s.getBoundingClientRect(); return [r.width, r.height]; })"
    )
    assert all(w > 0 and h > 0 for w, h in boxes), f"SVG diagrams without a size: {boxes}"

    # Widgets: each explorer or panel as its static copy, never as text or a broken view.
    copies = page.locator(f"div.cell_output :is({STATIC_COPY})")
    sync_api.expect(copies).to_have_count(want["static_copies"])
    for i in range(copies.count()):
        sync_api.expect(copies.nth(i)).to_be_visible()
    text = page.locator("article").inner_text()
    assert not WIDGET_TEXT.search(text), WIDGET_TEXT.search(text).group(0)
    for widget_repr in want["widget_reprs"]:
        assert widget_repr not in text, f"a widget shown as its text repr: {widget_repr!r}"
    assert page.locator(f"script[type='{WIDGET_VIEW}']").count() == 0

    # Formulas: MathML drawn by the browser, no "$" left over.
    if want["math"]:
        assert page.locator("article span.math > math").count() >= want["math"]
        assert not re.search(r"\$[^$\s][^$]*\$", text), "unrendered $...$ math on the page"

    # Nothing wider than the window: a wide table or diagram scrolls in its own box.
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"the page scrolls sideways: {width[0]} px in {width[1]} px"

    # Hangul (the Korean edition's text, its figures' titles) in the font the site serves
    if _edition(path):
        assert page.evaluate(HANGUL_FONT_LOADED), "NanumGothic not loaded: Hangul as empty boxes"
        alts = figures.evaluate_all("els => els.map(i => i.alt)")
        korean = [alt for alt in alts if HANGUL.search(alt)]
        assert len(korean) >= want["korean_figures"], f"figures without their Korean alt: {alts}"

    print(
        f"\n{_edition(path)}{path.stem}: {want['figures']} figures "
        f"({want['korean_figures']} with Korean titles), {want['svg']} SVG diagrams, "
        f"{want['static_copies']} widget static copies, {want['math']} formulas"
    )
    shot = f"{_edition(path).replace('/', '_')}{path.stem}"
    page.screenshot(path=screenshots / f"{shot}.png")
    # and, to look at, the first explorer's static copy and the first figure on the page
    for name, found in (("explorer", copies), ("figure", figures)):
        if found.count():
            _screenshot(page, found.first, screenshots / f"{shot}_{name}.png")


def _search(page, url: str) -> set[str]:
    """The pages Sphinx's search page lists for SEARCH_TERM, as site-relative paths."""
    page.goto(f"{url}?q={SEARCH_TERM}")
    summary = page.locator("#search-results .search-summary")
    sync_api.expect(summary).to_contain_text("Search finished")
    hrefs = page.locator("#search-results ul.search li > a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))"
    )
    return {urllib.parse.urlsplit(href).path for href in hrefs}


def _check_search_results(found: set[str]) -> None:
    wanted = {expected(p)["page"] for p in ENGLISH if expected(p)["mentions_term"]}
    allowed = {expected(p)["page"] for p in ENGLISH if expected(p)["contains_term"]}
    assert wanted, f"no notebook mentions {SEARCH_TERM!r}: choose another SEARCH_TERM"
    assert wanted <= found, f"search for {SEARCH_TERM!r} missed {sorted(wanted - found)}"
    assert found <= allowed | {"index.html"}, f"pages without the term: {found - allowed}"


def test_search_finds_a_term(server, page, screenshots):
    _check_search_results(_search(page, f"{server}/search.html"))
    page.screenshot(path=screenshots / "search.png")


def test_search_works_from_a_file_url(site, page, problems):
    """Opened from disk, no server: the search index is a script, so the results list
    works; the snippet under each result is fetched, which Chromium refuses on file://
    (Sphinx's search leaves those snippets out: "Failed to fetch", one per result)."""
    _check_search_results(_search(page, (site / "search.html").as_uri()))
    page.wait_for_timeout(500)  # the snippets' fetches settle
    problems["errors"][:] = [e for e in problems["errors"] if e != "Failed to fetch"]


SWITCH = re.compile(r'<a class="[^"]*\blanguage-switch\b[^"]*" href="([^"]+)"')


def test_every_page_switches_language(site, server, page):
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    pages = [p for p in pages if not p.startswith(("_", "ko/_"))]  # Sphinx's own assets
    assert any(p.startswith("ko/notebooks/") for p in pages), "no Korean notebook pages"
    problems = []
    for name in pages:
        links = SWITCH.findall((site / name).read_text(encoding="utf-8"))
        twin = name.removeprefix("ko/") if name.startswith("ko/") else f"ko/{name}"
        target = [(site / name).parent.joinpath(link).resolve() for link in links]
        if target != [site / twin] or not (site / twin).is_file():
            problems.append(f"{name}: language switch {links}, expected one to {twin}")
    assert not problems, "\n".join(problems)
    for start, twin in (
        (
            "notebooks/03_googlenet_aux_classifiers.html",
            "ko/notebooks/03_googlenet_aux_classifiers.html",
        ),
        ("ko/index.html", "index.html"),
    ):
        page.goto(f"{server}/{start}")
        page.locator("a.language-switch").click()
        page.wait_for_load_state("load")
        assert page.url == f"{server}/{twin}"
        assert page.evaluate("document.documentElement.lang") == ("ko" if "ko/" in twin else "en")
