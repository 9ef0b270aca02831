"""Build the course's lecture decks: static reveal.js slides that work offline.

    python scripts/build_slides.py [--out build/slides] [NOTEBOOK ...]

For each notebook (default: every ``notebooks/*.ipynb`` and every Korean one,
``notebooks/ko/*.ipynb``) this writes ``OUT/<name>.slides.html`` (a Korean notebook's deck:
``OUT/ko/<name>.slides.html``) with nbconvert's ``SlidesExporter`` and the template in
``scripts/slides_template/``, and an ``index.html`` per edition lists its decks. Every deck
and index links to its twin in the other edition (English / 한국어), and Hangul is drawn
in NanumGothic, served from ``OUT/assets/fonts`` (no Korean font needed on the machine).
Nothing is fetched when a deck is viewed: reveal.js 5 is copied into
``OUT/assets/reveal.js`` from the ``sphinx-revealjs`` package, MathJax 2 into
``OUT/assets/mathjax`` from ``jupyter-server-mathjax`` (only decks with ``$...$`` load
it), and the template drops nbconvert's jQuery, require.js, mermaid and widget-manager
scripts, all of which come from CDNs. Serve the folder
(``python -m http.server -d build/slides``) or open index.html.

What a deck shows is the notebook's stored outputs, laid out by the rules of
``scripts/slide_rules.py`` applied to a copy cut into slide-sized pieces
(:func:`slide_rules.split_for_slides`), so the decks do not depend on
whether the notebooks' own slide metadata is up to date. Before export the copy also loses
its widget views (each explorer stored a static HTML/SVG copy, which the deck shows instead
of an empty widget area), nbval's ``# NBVAL_...`` marker lines, and gets the tag
``slides-scroll`` on each code cell whose text or table output is taller than a slide on its
own: the only outputs that become a scroll box (never a figure: figures scale down).
"""

from __future__ import annotations

import argparse
import html
import importlib.util
import re
import shutil
import sys
import time
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
if str(REPO / "scripts") not in sys.path:  # slide_rules lies beside this file
    sys.path.insert(0, str(REPO / "scripts"))

import slide_rules  # noqa: E402

from inception_edu.viz.hangul import write_web_fonts  # noqa: E402

TEMPLATE_DIR = Path(__file__).resolve().parent / "slides_template"
ASSETS = "assets"  # the decks' shared files, relative to OUT
NOTEBOOKS = REPO / "notebooks"
KOREAN = "ko"  # the Korean edition: notebooks/ko/*.ipynb -> OUT/ko/
# An edition's link to the other one: (label, title) of the link in English and Korean decks
SWITCH = {"en": ("한국어", "한국어판으로"), KOREAN: ("English", "English edition")}
WIDTH, HEIGHT = 1280, 720  # what a projector shows; slide_rules.Page has the same numbers

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
_NBVAL_LINE = re.compile(r"^\s*#\s*NBVAL_\w+\s*$")
_NBVAL_REASON = re.compile(r"^\s*#\s*\(.*\)\s*$")  # "# (why nbval ignores this output)"
# "#5x5 reduce" at a line's start: text in JupyterLab, a heading to nbconvert's mistune
_HASH_WORD = re.compile(r"^#(?=[^#\s])", re.MULTILINE)
# a badge, [![Open In Colab](https://...svg)](https://...): its picture would be fetched
# when the deck is viewed; the deck keeps the link as text
_REMOTE_BADGE = re.compile(r"\[!\[([^\]]*)\]\((?:https?:)?//[^)]*\)\]\(([^)]*)\)")
_REMOTE_IMAGE = re.compile(r"!\[([^\]]*)\]\((?:https?:)?//[^)]*\)")
_MATH = re.compile(r"(?<![\\$])\$[^$\n]+\$|\$\$|\\\(|\\\[")

# what the decks load from each package, relative to its static folder
REVEAL_FILES = (
    "LICENSE",
    "dist/reveal.css",
    "dist/reveal.js",
    "dist/theme/white.css",
    "dist/theme/fonts/source-sans-pro",
    "plugin/notes/notes.js",
    "plugin/zoom/zoom.js",
)
MATHJAX_FILES = ("LICENSE", "MathJax.js", "config", "extensions", "fonts", "jax")


def _package_dir(package: str, inside: str, requirement: str) -> Path:
    """The folder ``inside`` of an installed package, found without importing it."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ValueError(
            f"package {package!r} is not installed; it is needed for {inside!r}: "
            f"install requirements.txt ({requirement})"
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / inside
    if not folder.is_dir():
        raise ValueError(f"{folder} is missing from the installed {package!r}")
    return folder


def copy_assets(out: Path) -> None:
    """Copy reveal.js, MathJax, the Hangul font and the course's CSS/JS into ``out/assets``."""
    reveal = _package_dir("sphinx_revealjs", "_static/revealjs", "sphinx-revealjs")
    mathjax = _package_dir("jupyter_server_mathjax", "static", "jupyter-server-mathjax")
    target = out / ASSETS
    for source, names, into in (
        (reveal, REVEAL_FILES, target / "reveal.js"),
        (mathjax, MATHJAX_FILES, target / "mathjax"),
    ):
        for name in names:
            src, dst = source / name, into / name
            dst.parent.mkdir(parents=True, exist_ok=True)
            if src.is_dir():
                shutil.copytree(src, dst, dirs_exist_ok=True)
            else:
                shutil.copy2(src, dst)
    for name in ("course-slides.css", "course-slides.js"):
        shutil.copy2(TEMPLATE_DIR / name, target / name)
    write_web_fonts(target / "fonts")


def _strip_nbval(source: str) -> str:
    lines = source.splitlines()
    kept, after_marker = [], False
    for line in lines:
        if _NBVAL_LINE.match(line):
            after_marker = True
            continue
        if after_marker and _NBVAL_REASON.match(line):
            continue
        after_marker = False
        kept.append(line)
    return "\n".join(kept)


def _escape_hash_words(source: str) -> str:
    """Escape a line-leading ``#word`` outside code fences, as JupyterLab reads it."""
    parts = re.split(r"(^(?:```|~~~).*?^(?:```|~~~)[^\n]*$)", source, flags=re.M | re.S)
    return "".join(
        part if index % 2 else _HASH_WORD.sub(r"\\#", part) for index, part in enumerate(parts)
    )


def _offline_markdown(source: str) -> str:
    """Markdown as the deck shows it: remote pictures (badges) become text, and a
    line-leading ``#word`` stays text."""
    source = _REMOTE_BADGE.sub(r"[\1](\2)", source)
    source = _REMOTE_IMAGE.sub(r"\1", source)
    return _escape_hash_words(source)


def prepare(nb):
    """The copy of ``nb`` a deck is made from (see the module's docstring)."""
    deck = slide_rules.split_for_slides(nb)
    deck.metadata.pop("widgets", None)
    for cell in deck.cells:
        if cell.cell_type == "markdown":
            cell.source = _offline_markdown(cell.source)
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_VIEW in data and len(data) > 1:
                del data[WIDGET_VIEW]
        cell.source = _strip_nbval(cell.source)
        too_tall = slide_rules.cell_height(cell, shrink=True) > slide_rules.PAGE.budget
        if too_tall and not slide_rules.has_figure(cell):
            cell.metadata.setdefault("tags", []).append("slides-scroll")
    slide_rules.assign_slide_types(deck)
    return deck


def _title(nb, path: Path) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem


def edition_of(path: Path) -> str:
    """``"ko"`` for a Korean notebook (in a folder named ``ko``), else ``"en"``."""
    return KOREAN if Path(path).parent.name == KOREAN else "en"


def _switch(edition: str, page: str) -> dict:
    """The link from an ``edition``'s ``page`` to the same page of the other edition."""
    label, title = SWITCH[edition]
    href = f"../{page}" if edition == KOREAN else f"{KOREAN}/{page}"
    return {
        "href": href,
        "label": label,
        "title": title,
        "lang": "en" if label == "English" else KOREAN,
    }


def build_deck(path: Path, out: Path, assets: str = ASSETS) -> dict:
    """Write ``out/<name>.slides.html`` for one notebook (its shared files at ``assets``,
    relative to ``out``); return what the index lists."""
    from nbconvert import SlidesExporter

    nb = nbformat.read(path, as_version=4)
    deck = prepare(nb)
    math = any(cell.cell_type == "markdown" and _MATH.search(cell.source) for cell in deck.cells)
    exporter = SlidesExporter(
        extra_template_basedirs=[str(TEMPLATE_DIR.parent)],
        template_name=TEMPLATE_DIR.name,
        reveal_url_prefix=f"{assets}/reveal.js",
        reveal_theme="white",
        reveal_transition="none",
        reveal_width=str(WIDTH),
        reveal_height=str(HEIGHT),
        mathjax_url=f"{assets}/mathjax/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full,Safe",
    )
    title = _title(nb, path)
    resources = {
        "metadata": {"name": title},
        "course_assets": assets,
        "course_math": math,
        "course_lang": edition_of(path),
        "course_switch": _switch(edition_of(path), f"{path.stem}.slides.html"),
    }
    body, _ = exporter.from_notebook_node(deck, resources=resources)
    target = out / f"{path.stem}.slides.html"
    target.write_text(body, encoding="utf-8")
    types = [slide_rules.slide_type_of(cell) for cell in deck.cells]
    return {
        "file": target.name,
        "title": title,
        "slides": types.count("slide"),
        "subslides": types.count("subslide"),
        "scroll_boxes": sum("slides-scroll" in c.metadata.get("tags", []) for c in deck.cells),
    }


FONT_CSS = "reveal.js/dist/theme/fonts/source-sans-pro/source-sans-pro.css"  # in assets
# The index page's words in each edition: title, introduction, a deck's count of slides
INDEX_TEXT = {
    "en": (
        "inception-edu: lecture slides",
        "One deck per notebook, made from its stored outputs. Arrow keys move between slides "
        "(down for the vertical ones), space steps through fragments, S opens the speaker "
        "notes, Alt+click zooms into a figure. Everything here works offline.",
        "({slides} slides, {total} with the vertical ones)",
    ),
    KOREAN: (
        "inception-edu: 강의 슬라이드 (한국어판)",
        "노트북마다 저장된 출력으로 만든 슬라이드 한 벌이 있습니다. "
        "방향키로 슬라이드를 넘기고(세로 슬라이드는 아래 방향키), "
        "스페이스로 단계별 내용을 차례로 보여 주며, S는 발표자 노트를 열고, "
        "Alt+클릭은 그림을 확대합니다. 모두 인터넷 없이 동작합니다.",
        "(슬라이드 {slides}장, 세로 슬라이드를 포함하면 {total}장)",
    ),
}


def write_index(out: Path, decks: list[dict], edition: str = "en", assets: str = ASSETS) -> Path:
    """``out/index.html``: one link per deck, with its number of slides, and the link to
    the other edition's index."""
    title, introduction, count = INDEX_TEXT[edition]
    rows = "\n".join(
        f'<li><a href="{html.escape(d["file"])}">{html.escape(d["title"])}</a> <span>'
        + count.format(slides=d["slides"], total=d["slides"] + d["subslides"])
        + "</span></li>"
        for d in decks
    )
    switch = _switch(edition, "index.html")
    page = f"""<!DOCTYPE html>
<html lang="{edition}">
<head>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="{assets}/{FONT_CSS}">
<link rel="stylesheet" href="{assets}/course-slides.css">
<style>
body {{ font-family: var(--jp-content-font-family); margin: 40px auto;
       max-width: 900px; font-size: 20px; color: #222; word-break: keep-all; }}
ul {{ list-style: none; padding: 0; }} li {{ margin: 8px 0; }}
span {{ color: #666; font-size: 16px; }}
</style>
</head>
<body>
<a class="course-language-switch" href="{switch["href"]}" hreflang="{switch["lang"]}"
   title="{switch["title"]}">{switch["label"]}</a>
<h1>{html.escape(title)}</h1>
<p>{html.escape(introduction)}</p>
<ul>
{rows}
</ul>
</body>
</html>
"""
    target = out / "index.html"
    target.write_text(page, encoding="utf-8")
    return target


def build(notebooks: list[Path], out: Path, quiet: bool = False) -> list[dict]:
    """Build every deck, each edition's into its folder (the Korean one: ``out/ko``), with
    an index per edition; return the index entries."""
    for path in notebooks:
        if path.suffix != ".ipynb" or not path.is_file():
            raise ValueError(f"expected an existing .ipynb file, got {str(path)!r}")
    out.mkdir(parents=True, exist_ok=True)
    copy_assets(out)
    decks = []
    for edition in ("en", KOREAN):
        paths = [path for path in notebooks if edition_of(path) == edition]
        if not paths:
            continue
        folder, assets = (out / KOREAN, f"../{ASSETS}") if edition == KOREAN else (out, ASSETS)
        folder.mkdir(parents=True, exist_ok=True)
        built = []
        for path in paths:
            start = time.perf_counter()
            built.append(build_deck(path, folder, assets))
            if not quiet:
                d = built[-1]
                print(
                    f"{folder / d['file']}: {d['slides']} slides + {d['subslides']} vertical, "
                    f"{d['scroll_boxes']} scroll boxes ({time.perf_counter() - start:.1f} s)"
                )
        write_index(folder, built, edition, assets)
        decks.extend(built)
    return decks


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        metavar="NOTEBOOK",
        help="notebooks to build (default: notebooks/*.ipynb and notebooks/ko/*.ipynb)",
    )
    parser.add_argument("--out", type=Path, default=REPO / "build" / "slides", help="output folder")
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")
    args = parser.parse_args(argv)
    notebooks = args.notebooks or [
        *sorted(NOTEBOOKS.glob("*.ipynb")),
        *sorted((NOTEBOOKS / KOREAN).glob("*.ipynb")),
    ]
    try:
        build(notebooks, args.out, quiet=args.quiet)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not args.quiet:
        print(f"{args.out / 'index.html'} (한국어판: ko/index.html): {len(notebooks)} decks")
    return 0


if __name__ == "__main__":
    sys.exit(main())
