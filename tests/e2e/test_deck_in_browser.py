"""End to end: an explorer moved on a live slide, presented inside JupyterLab with
jupyterlab-deck, in Chromium.

RISE's slideshow cannot load ipywidgets 8's widget manager (jupyterlab-contrib/rise#119),
so its slides show each explorer's static copy. jupyterlab-deck presents the notebook
panel itself as slides, reading the same ``slideshow.slide_type`` metadata, so every
widget keeps the notebook's widget manager and its kernel. This test starts JupyterLab
from this interpreter's environment (the ``LabServer`` of ``test_widgets_in_browser``),
with the deck's settings the README gives an instructor (:data:`DECK_SETTINGS`), and:

- opens a copy of notebook 01 without its experiment section ("Do parallel filter sizes
  help?": three seeds of training that no slide of the explorer needs, and most of the
  notebook's run time), runs every cell, and starts the deck from the first cell with the
  notebook toolbar's "Toggle Deck" button;
- steps through the slides with Page Down, as a presenter's clicker does, until the block
  explorer's slide is on screen, with nothing else on it;
- focuses the "b2 3x3" slider on the slide and presses ArrowRight, timing each press to
  the new numbers on the slide as ``test_key_press_to_new_numbers_latency`` does in the
  notebook (``performance.now()`` at the keydown, a ``MutationObserver`` on the
  explorer's headline and diagram), then checks the numbers and the diagram for
  b2 = 139 filters, and that the deck stayed on the explorer's slide;
- steps on to the stack explorer, whose cell continues its slide (no slide type: the
  deck hides a cell typed "-"), and finds its slider on screen
  (``build/e2e/deck_stack_explorer.png``);
- saves ``build/e2e/deck_explorer.png`` (the slide as the room sees it at 1280x720) and
  the samples in ``build/e2e/deck_latency.json``, and fails on any error in the page.

Skipped, with the reason shown by ``pytest -rs``, when Debian's Chromium is not at
``/usr/bin/chromium``, the ``playwright`` package is not installed, or jupyterlab-deck is
not installed (requirements.txt installs it).
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import statistics
import time
from pathlib import Path

import pytest
from browser import CHROMIUM, CHROMIUM_ARGS, require_browser  # noqa: E402

sync_api = require_browser()

try:
    DECK_VERSION = importlib.metadata.version("jupyterlab-deck")
except importlib.metadata.PackageNotFoundError:
    pytest.skip(
        "jupyterlab-deck is not installed: install requirements.txt into the venv to run "
        "the live-slides test",
        allow_module_level=True,
    )

import test_widgets_in_browser as lab_browser  # noqa: E402 (its LabServer and probes)

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "01_naive_inception_block.ipynb"
DROPPED_SECTION = "## Do parallel filter sizes help?"  # training, not needed by the slide
DECK_NOTEBOOK = "deck.ipynb"
SCREENSHOTS = REPO / "build" / "e2e"
LATENCY_RESULTS = SCREENSHOTS / "deck_latency.json"

WIDTH, HEIGHT = 1280, 720  # a projector's 720p, as the static decks are laid out
MAX_STEPS = 40  # Page Down presses from the first slide to the explorer's, at most
STEP_MS = 5_000  # one step of the deck: the next slide on screen
LATENCY_BUDGET_MS = lab_browser.LATENCY_BUDGET_MS
HEADLINE_AFTER = "output 28x28x427"  # b2 3x3 from 128 to 139 filters: 64 + 139 + 32 + 192

# jupyterlab-deck 0.2.0 was written for JupyterLab 4.0; two settings make it present in
# 4.1 and later (deathbeds/jupyterlab-deck#63, the unmerged #69), and `make setup` and
# Binder's postBuild install them as JupyterLab's defaults (binder/overrides.json):
# - "scroll past last cell" adds a spacer below the cells that scrolls each slide's top
#   out of sight (the deck shows only the slide's cells, so the spacer is most of it);
# - its keys are bound to a focused notebook, but JupyterLab 4.1 focuses the cell, which
#   the deck hides as it moves on, so focus falls to the page's body. The deck marks the
#   body while presenting; these bindings act there. Space is left to the widgets (it
#   ticks a checkbox on the slide); Page Down/Up step through everything, as a clicker.
OVERRIDES = REPO / "binder" / "overrides.json"
PRESENTING = "body[data-jp-deck-mode='presenting']"


def _settings_files() -> dict:
    """binder/overrides.json as user settings files (plugin ``a:b`` -> ``a/b.jupyterlab-
    settings``), written into the test server's own settings folder: the test presents
    with exactly what an instructor's `make lab` gets, whichever JupyterLab it starts."""
    overrides = json.loads(OVERRIDES.read_text(encoding="utf-8"))
    return {
        plugin.replace(":", "/") + ".jupyterlab-settings": values
        for plugin, values in overrides.items()
    }


DECK_SETTINGS = _settings_files()


# Where the deck is: the index of the active cell and of the cells on screen (the deck
# hides the others), and whether it is presenting.
DECK_STATE_JS = """() => {
  const cells = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell')];
  return {
    presenting: document.body.dataset.jpDeckMode === 'presenting',
    active: cells.findIndex(c => c.classList.contains('jp-mod-active')),
    onScreen: cells.flatMap((c, i) => c.getBoundingClientRect().height > 0 ? [i] : []),
  };
}"""

# Page errors and console errors (a request the closed network refuses is listed apart).
EXTERNAL = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")


def _deck_notebook() -> dict:
    """Notebook 01 without :data:`DROPPED_SECTION` (its cells up to the next ``##``)."""
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    kept, dropping = [], False
    for cell in notebook["cells"]:
        heading = "".join(cell["source"]).lstrip() if cell["cell_type"] == "markdown" else ""
        if heading.startswith("## "):
            dropping = heading.startswith(DROPPED_SECTION)
        if not dropping:
            kept.append(cell)
    assert len(kept) < len(notebook["cells"]), f"no section {DROPPED_SECTION!r} in {NOTEBOOK}"
    return notebook | {"cells": kept}


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    server = lab_browser.LabServer(
        tmp_path_factory.mktemp("jupyterlab-deck"), {DECK_NOTEBOOK: _deck_notebook()}
    )
    settings = Path(server.env["JUPYTERLAB_SETTINGS_DIR"])
    for name, values in DECK_SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        old = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        path.write_text(json.dumps(old | values), encoding="utf-8")
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
def page(lab):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            context = browser.new_context(viewport={"width": WIDTH, "height": HEIGHT})
            page = context.new_page()
            page.set_default_timeout(lab_browser.PAGE_LOAD_MS)
            problems = {"errors": [], "refused": []}
            page.on("pageerror", lambda error: problems["errors"].append(f"page: {error}"))
            page.on(
                "requestfailed",
                lambda request: (
                    problems["refused"].append(request.url)
                    if EXTERNAL.match(request.url)
                    else problems["errors"].append(f"request failed: {request.url}")
                ),
            )
            page.on(
                "console",
                lambda message: (
                    problems["errors"].append(f"console: {message.text}")
                    if message.type == "error" and "Failed to load resource" not in message.text
                    else None
                ),
            )
            page.problems = problems
            yield page
        finally:
            browser.close()


def _deck_state(page) -> dict:
    return page.evaluate(DECK_STATE_JS)


def _step_to(page, explorer, mark: str = "explorer-cell") -> int:
    """Press Page Down until ``explorer``'s cell is on screen; return the presses."""
    cell = explorer.locator("xpath=ancestor::div[contains(@class, 'jp-Cell')][1]")
    cell.evaluate("(el, mark) => el.setAttribute('data-e2e', mark)", mark)
    for presses in range(MAX_STEPS + 1):
        if page.locator(f"[data-e2e='{mark}']").is_visible():
            return presses
        before = _deck_state(page)["active"]
        page.keyboard.press("PageDown")
        try:
            page.wait_for_function(
                f"before => ({DECK_STATE_JS})().active !== before", arg=before, timeout=STEP_MS
            )
        except sync_api.TimeoutError:
            pytest.fail(f"Page Down left the deck on cell {before}: {_deck_state(page)}")
    pytest.fail(f"the explorer's slide not reached in {MAX_STEPS} presses of Page Down")


def _write_latency(page, label: str, samples: dict) -> None:
    """The samples into :data:`LATENCY_RESULTS`, in the form of ``build/e2e/latency.json``;
    ``benchmarks/record_deck_latency.py`` records them with their provenance."""
    case = {"explorer": "block", "notebook": "01"}
    case |= {f"{kind}_ms": samples[kind] for kind in ("numbers", "painted", "diagram")}
    measured = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "chromium": page.context.browser.version,
        "jupyterlab_deck": DECK_VERSION,
        "load_average": round(os.getloadavg()[0], 2),  # over the run: its own work included
        "presses": lab_browser.PRESSES,
        "budget_ms": LATENCY_BUDGET_MS,
        "cases": {label: case | {"warm_up_ms": samples["warm-up"]}},
    }
    LATENCY_RESULTS.write_text(json.dumps(measured, indent=2) + "\n")


def test_an_explorer_reacts_on_a_live_slide(lab, page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    LATENCY_RESULTS.unlink(missing_ok=True)  # from an earlier run: this run's or none
    expect = sync_api.expect
    start = time.perf_counter()
    try:
        lab_browser._open_and_run_all(page, lab, DECK_NOTEBOOK)
        ran = time.perf_counter() - start
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.click()
        page.keyboard.press("Escape")
        page.locator("jp-button[data-command='deck:toggle']").click()
        page.wait_for_function(f"() => ({DECK_STATE_JS})().presenting")
        explorer = page.locator(lab_browser.EXPLORER_XPATH).first
        presses = _step_to(page, explorer)
        slide = _deck_state(page)
        assert len(slide["onScreen"]) == 1, f"the explorer's slide shows other cells: {slide}"

        explorer.evaluate("el => el.setAttribute('data-e2e', 'deck-explorer')")
        explorer = page.locator("[data-e2e='deck-explorer']")
        parts = explorer.locator(":scope > .widget-html")
        headline, diagram = parts.first, parts.last
        expect(headline).to_have_text(re.compile(rf"^\s*{lab_browser.HEADLINE_BEFORE}\b"))
        page.evaluate(
            lab_browser.LATENCY_PROBE_JS,
            [headline.element_handle(), diagram.element_handle(), "deck"],
        )
        slider = explorer.locator(".widget-slider:has(> label:text-is('b2 3x3')) .noUi-handle")
        box = slider.bounding_box()
        assert box and 0 <= box["x"] < WIDTH and 0 <= box["y"] < HEIGHT, (
            f"the slider is off the slide: {box}"
        )
        samples = lab_browser._measure(page, "deck", slider, "ArrowRight")

        # 1 warm-up + PRESSES steps of 1 filter from 128: the numbers and the diagram follow
        expect(headline).to_have_text(re.compile(rf"^\s*{HEADLINE_AFTER}\b"))
        assert "3x3 conv, 139" in lab_browser._svg_texts(diagram)
        assert _deck_state(page) == slide, "the slider's keys moved the deck off the slide"
        page.screenshot(path=SCREENSHOTS / "deck_explorer.png")

        # the stack explorer's cell continues its slide (no slide type: the deck would
        # hide a cell typed "-"), and is on the deck as well, after the block explorer
        stack = page.locator(".inception-edu-explorer").filter(has_text="after 4 blocks")
        page.evaluate("document.activeElement.blur()")  # Page Down to the deck, not the slider
        _step_to(page, stack, "stack-cell")
        expect(stack.locator(".widget-slider")).to_be_visible()
        page.screenshot(path=SCREENSHOTS / "deck_stack_explorer.png")
    except (Exception, pytest.fail.Exception):
        lab_browser._failure_screenshot(page, lab)
        raise

    label = "block explorer on a deck slide: slider b2 3x3, ArrowRight"
    print(f"\nrun all {ran:.1f} s, {presses} x Page Down to the explorer's slide")
    print(lab_browser._report(label, samples))
    _write_latency(page, label, samples)
    assert not page.problems["errors"], "errors in the page:\n" + "\n".join(page.problems["errors"])
    median = statistics.median(samples["numbers"])
    assert median < LATENCY_BUDGET_MS, (
        f"median key press -> new numbers on the slide {median:.0f} ms, over {LATENCY_BUDGET_MS}"
    )
