"""Build the course website from the notebooks' stored outputs (never re-executed).

    python scripts/build_site.py [--out build/site] [--cache build/site-cache] [--edition ko]

Two editions, each a Sphinx build of its own: the English one (``notebooks/*.ipynb``,
front page ``site/index.md``) into OUT, and the Korean one (한국어판: ``notebooks/ko/``,
front page ``site/index.ko.md``, the Sphinx tag ``ko``) into ``OUT/ko``; each page's header
links to the same page in the other edition (``site/conf.py``). ``--edition en`` or ``ko``
builds one of them.

For each edition it stages the front page, ``CREDITS.md`` with the two licence files it
links to, and every notebook of the edition (in name order, so a new notebook joins the
table of contents by itself) in ``CACHE/src`` (the Korean one in ``CACHE/ko/src``), each
notebook without its saved widget state, then runs
``sphinx-build -c site`` (configuration, styles, templates: ``site/``) into OUT.

Every figure (an image output: matplotlib's PNG or SVG) gets an ``alt`` text on the page,
so a reader who cannot see it hears what it shows (:func:`add_alt_text`; MyST-NB reads
it from the cell's ``mystnb: image: alt`` metadata). It is taken, first found, from: an
``alt`` stored in the image output's own metadata (the figure's titles, written when it
was shown); a ``title="..."`` string the cell passes to its plotting call (the figure's
own title); the cell's first comment line (``# per-class errors from training``); the
last sentence of the text just before the figure, which introduces it in the course's
notebooks ("The two diagrams, drawn from the specs, the branch that differs outlined");
the section's heading. An ``alt`` the notebook's author set on the cell is kept. The same
notebook always gets the same texts.

A page's download button offers the staged notebook (``OUT/_sources/notebooks/*.ipynb``),
so the staged notebook keeps its Colab install cell: a learner who downloads a notebook
and uploads it to Colab needs it. The cell is tagged ``remove-cell`` (MyST-NB's tag), so
the page leaves it out: it does nothing outside Colab. Only changed notebooks are rewritten in the
stage, so a second build re-reads only those (a changed ``site/conf.py`` re-reads all).
Sphinx warnings fail the build (``--allow-warnings`` to only print them). Open
``OUT/index.html`` in a browser: the site needs no server and no internet.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "site"
NOTEBOOKS = REPO / "notebooks"
DEFAULT_OUT = REPO / "build" / "site"
DEFAULT_CACHE = REPO / "build" / "site-cache"


@dataclass(frozen=True)
class Edition:
    """One language of the site: its notebooks and front page, where it is built (a
    folder of OUT and of CACHE; "" for the root) and the Sphinx tags it is built with."""

    notebooks: Path
    index: Path
    folder: str
    tags: tuple = ()


EDITIONS = {
    "en": Edition(NOTEBOOKS, SITE / "index.md", ""),
    "ko": Edition(NOTEBOOKS / "ko", SITE / "index.ko.md", "ko", ("ko",)),
}
WIDGET_STATE = "widgets"  # notebook metadata key of the saved ipywidgets state
# The Korean notebooks' mark (scripts/korean_edition.py): MyST-NB would show a notebook's
# other metadata as a field list, which docutils reads as a language tag "edition".
EDITION_MARK = "language_edition"
# The first line of each notebook's Colab install cell (inception_edu.course.launch.
# INSTALL_MARKER): it does nothing outside Colab, so the page leaves it out (REMOVE_CELL);
# the download keeps it, since the downloaded copy fails on Colab without it.
COLAB_SETUP = "# inception-edu: Colab setup"
REMOVE_CELL = "remove-cell"  # MyST-NB's cell tag: not on the page, kept in the source
# Staged beside index.md (name in the repository -> name in the site's source): the
# licence and credit page and the licence files it links to (downloads on the site).
CREDIT_FILES = {
    "CREDITS.md": "credits.md",
    "LICENSE": "LICENSE",
    "LICENSE-CONTENT": "LICENSE-CONTENT",
}


def notebook_paths(folder: Path = NOTEBOOKS) -> list[Path]:
    """The course's notebooks, ``folder/*.ipynb`` in name order (00, 01, ..., 10)."""
    paths = sorted(Path(folder).glob("*.ipynb"))
    if not paths:
        raise ValueError(
            f"no notebooks found: {folder} holds no *.ipynb file; expected the course's notebooks"
        )
    return paths


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _colab_setup(cell: dict) -> bool:
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    return cell.get("cell_type") == "code" and source.startswith(COLAB_SETUP)


def _hide_on_page(cell: dict) -> dict:
    """``cell`` tagged :data:`REMOVE_CELL`: left off the page, kept in the download."""
    metadata = dict(cell.get("metadata", {}))
    tags = list(metadata.get("tags", []))
    if REMOVE_CELL not in tags:
        tags.append(REMOVE_CELL)
    return {**cell, "metadata": {**metadata, "tags": tags}}


IMAGE_TYPES = ("image/png", "image/svg+xml", "image/jpeg", "image/gif")
ALT_LENGTH = 250  # characters: a screen reader reads all of an alt; a sentence or two
# Comment lines that are instructions to a tool, not a description: nbval's markers,
# linters' pragmas.
_TOOL_COMMENT = re.compile(r"#\s*(NBVAL_|noqa|type:|fmt:|pragma|ruff:|pylint)", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(가-힣])")  # Hangul: Korean


def _text(source) -> str:
    return "".join(source) if isinstance(source, list) else str(source or "")


def _image_outputs(cell: dict) -> list[dict]:
    return [
        output
        for output in cell.get("outputs", [])
        if any(kind in output.get("data", {}) for kind in IMAGE_TYPES)
    ]


def _plain(markdown: str) -> str:
    """Markdown as the words a reader hears: links and images as their text, no emphasis
    marks, code ticks or HTML tags, whitespace collapsed."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"<[^>]+>|`|\*\*|\*|^\s*>\s?", "", text, flags=re.MULTILINE)
    return " ".join(text.split())


def _shortened(text: str) -> str:
    text = text.strip().rstrip(":;,").strip()
    if len(text) <= ALT_LENGTH:
        return text
    return text[: ALT_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _titles_in_source(source: str) -> list[str]:
    """The plain-string ``title=`` arguments of the cell's calls, in source order."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # IPython magics: no titles read
        return []
    return [
        keyword.value.value.strip()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "title"
        and isinstance(keyword.value, ast.Constant)
        and isinstance(keyword.value.value, str)
        and keyword.value.value.strip()
    ]


def _first_comment(source: str) -> str:
    for line in source.splitlines():
        line = line.strip()
        if line.startswith("#") and not _TOOL_COMMENT.match(line):
            comment = line.lstrip("#").strip()
            if comment and not comment.startswith("("):  # a parenthesis: an aside
                return comment
    return ""


def _introduction(markdown: str) -> str:
    """The last sentence of a markdown cell's last paragraph of prose (not a heading,
    table, list item or code) when it ends with a colon, as the course's text does where
    it leads into what follows; else ``""`` (a sentence that ends with a full stop is
    about something else more often than not)."""
    paragraphs = [p for p in re.split(r"\n\s*\n", markdown) if p.strip()]
    prose = [
        p
        for p in paragraphs
        if not p.lstrip().startswith(("#", "|", "```", "- ", "* ", "<"))
        and not re.match(r"\s*\d+\.\s", p)
    ]
    if not prose or not prose[-1].rstrip().endswith(":"):
        return ""
    return _SENTENCE_END.split(_plain(prose[-1]))[-1]


def figure_alt_text(cell: dict, introduction: str = "", heading: str = "") -> str:
    """What a code cell's figure shows, as the ``alt`` of its image on the page.

    The first found of: the ``alt`` in an image output's metadata
    (``{"image/png": {"alt": ...}}``); the cell's plain-string ``title=`` arguments; its
    first comment line (not a tool's marker such as ``# NBVAL_IGNORE_OUTPUT``); the
    ``introduction`` (the last sentence of the text just before the figure); the section
    ``heading``; else "a figure". At most :data:`ALT_LENGTH` characters, cut at a word.
    Raises ValueError for a cell that is not a code cell with an image output."""
    if not isinstance(cell, dict) or cell.get("cell_type") != "code" or not _image_outputs(cell):
        kind = cell.get("cell_type") if isinstance(cell, dict) else type(cell).__name__
        raise ValueError(
            "figure_alt_text needs a notebook code cell (a dict) with an image output "
            f"({', '.join(IMAGE_TYPES)}). Received: {kind!r}"
        )
    for name, value in (("introduction", introduction), ("heading", heading)):
        if not isinstance(value, str):
            raise ValueError(f"{name} must be a string. Received: {value!r}")
    stored = []
    for output in _image_outputs(cell):
        for kind in IMAGE_TYPES:
            alt = output.get("metadata", {}).get(kind, {}).get("alt")
            if isinstance(alt, str) and alt.strip() and alt.strip() not in stored:
                stored.append(alt.strip())
    source = _text(cell.get("source", ""))
    for found in (
        "; ".join(stored),
        "; ".join(_titles_in_source(source)),
        _first_comment(source),
        introduction,
        f"a figure in the section {heading!r}" if heading else "",
    ):
        if _shortened(_plain(found)):
            return _shortened(_plain(found))
    return "a figure"


def add_alt_text(cells: list) -> list:
    """``cells`` (a notebook's, in order) with every code cell that shows a figure given
    ``metadata.mystnb.image.alt`` (:func:`figure_alt_text`), unless its author set one.
    Returns new cell dicts; the ones passed are not changed."""
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise ValueError(
            f"cells must be a notebook's list of cells (dicts). Received: {type(cells).__name__}"
        )
    introduction = heading = ""
    described = []
    for cell in cells:
        if cell.get("cell_type") == "markdown":
            markdown = _text(cell.get("source", ""))
            introduction = _introduction(markdown)
            headings = re.findall(r"^#{1,6}\s+(.+?)\s*$", markdown, flags=re.MULTILINE)
            heading = _plain(headings[-1]) if headings else heading
        elif cell.get("cell_type") == "code" and not _image_outputs(cell):
            if cell.get("outputs"):  # the text led into this cell's output, not a figure
                introduction = ""
        elif cell.get("cell_type") == "code":
            metadata = dict(cell.get("metadata", {}))
            mystnb = dict(metadata.get("mystnb", {}))
            image = dict(mystnb.get("image", {}))
            if not image.get("alt"):
                image["alt"] = figure_alt_text(cell, introduction, heading)
                cell = {**cell, "metadata": {**metadata, "mystnb": {**mystnb, "image": image}}}
        described.append(cell)
    return described


def stage(src: Path, notebooks: list[Path], index: Path = SITE / "index.md") -> list[str]:
    """Write ``index.md`` (from ``index``), the credits page with its licence files, and the
    notebooks (without saved widget state; the install cell hidden on the page, kept in the
    download; an ``alt`` text on every figure, :func:`add_alt_text`) into ``src``; remove
    notebooks staged earlier that no longer exist. Returns the files rewritten."""
    changed = []
    pages = {"index.md": index}
    pages.update({name: REPO / original for original, name in CREDIT_FILES.items()})
    for name, original in pages.items():
        if _write_if_changed(src / name, original.read_bytes()):
            changed.append(name)
    staged = src / "notebooks"
    names = set()
    for path in notebooks:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        # Without a kernel the widget views cannot work; the stored text/html beside each
        # (the explorer's static copy) is what the site shows. Dropping the state keeps
        # 10-260 kB of inert JSON off each page.
        notebook.get("metadata", {}).pop(WIDGET_STATE, None)
        notebook.get("metadata", {}).pop(EDITION_MARK, None)
        notebook["cells"] = add_alt_text(
            [
                _hide_on_page(cell) if _colab_setup(cell) else cell
                for cell in notebook.get("cells", [])
            ]
        )
        data = (json.dumps(notebook, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
        names.add(path.name)
        if _write_if_changed(staged / path.name, data):
            changed.append(f"notebooks/{path.name}")
    for old in staged.glob("*.ipynb"):
        if old.name not in names:
            old.unlink()
            changed.append(f"notebooks/{old.name} (removed)")
    return changed


def _check_folder(path: Path, what: str) -> Path:
    """``path`` resolved, if building there can't overwrite the course's own files."""
    path = Path(path).resolve()
    if path.exists() and not path.is_dir():
        raise ValueError(f"{what} must be a folder; received {path}, which is a file")
    for place in (REPO, SITE, NOTEBOOKS, REPO / "inception_edu", REPO / "tests", REPO / ".git"):
        if place.is_relative_to(path) or (place != REPO and path.is_relative_to(place)):
            raise ValueError(
                f"{what} must be a folder of its own, for example under build/; received "
                f"{path}, which would overwrite {place}"
            )
    return path


def _sphinx(src: Path, out: Path, cache: Path, tags, allow_warnings: bool, jobs: str) -> None:
    """Run sphinx-build on the staged ``src`` into ``out`` (doctrees in ``cache``)."""
    # Sphinx re-reads a page when its source or a config value changes, not when conf.py's
    # own transforms do: a changed conf.py re-reads everything (-E).
    conf_hash = hashlib.sha256((SITE / "conf.py").read_bytes()).hexdigest()
    fresh = _write_if_changed(cache / "conf.sha256", conf_hash.encode())
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-c",
        str(SITE),
        "-d",
        str(cache / "doctrees"),
        "-j",
        jobs,
        "-q",  # only warnings and errors
        *(option for tag in tags for option in ("-t", tag)),
        *(["-E"] if fresh else []),
        *([] if allow_warnings else ["-W", "--keep-going"]),
        str(src),
        str(out),
    ]
    subprocess.run(command, check=True)


def build_site(
    out: Path = DEFAULT_OUT,
    cache: Path = DEFAULT_CACHE,
    notebooks: Path = NOTEBOOKS,
    allow_warnings: bool = False,
    jobs: str = "auto",
    editions=tuple(EDITIONS),
) -> float:
    """Build the site's ``editions`` (English into ``out``, Korean into ``out/ko``); return
    the seconds it took. ``notebooks`` is the English edition's folder, its ``ko/`` the
    Korean one's. Raises ValueError on bad arguments and ``subprocess.CalledProcessError``
    when Sphinx fails."""
    out, cache = _check_folder(out, "--out"), _check_folder(cache, "--cache")
    if out == cache or out.is_relative_to(cache) or cache.is_relative_to(out):
        raise ValueError(
            f"--out and --cache must be separate folders; received --out {out} and --cache {cache}"
        )
    if jobs != "auto" and not (jobs.isdigit() and int(jobs) >= 1):
        raise ValueError(f"--jobs must be 'auto' or a whole number >= 1; received {jobs!r}")
    editions = (editions,) if isinstance(editions, str) else tuple(editions)
    unknown = [e for e in editions if e not in EDITIONS]
    if unknown or not editions:
        raise ValueError(
            f"editions must be some of {', '.join(map(repr, EDITIONS))}; received {editions!r}"
        )
    start = time.perf_counter()
    staged = {}
    for name in editions:  # every edition's notebooks are checked before Sphinx runs
        edition = EDITIONS[name]
        folder = Path(notebooks) / edition.folder
        staged[name] = (edition, notebook_paths(folder))
    for edition, paths in staged.values():
        edition_cache = cache / edition.folder
        stage(edition_cache / "src", paths, edition.index)
        _sphinx(
            edition_cache / "src",
            out / edition.folder,
            edition_cache,
            edition.tags,
            allow_warnings,
            jobs,
        )
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="site folder (build/site)")
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help="staged sources and Sphinx's doctrees, kept for fast rebuilds (build/site-cache)",
    )
    parser.add_argument(
        "--notebooks", type=Path, default=NOTEBOOKS, help="folder of *.ipynb (notebooks/)"
    )
    parser.add_argument("--jobs", default="auto", help="Sphinx processes: 'auto' or N")
    parser.add_argument(
        "--edition",
        choices=(*EDITIONS, "both"),
        default="both",
        help="the English edition (into OUT), the Korean one (into OUT/ko) or both (both)",
    )
    parser.add_argument(
        "--allow-warnings", action="store_true", help="print Sphinx warnings, don't fail on them"
    )
    parser.add_argument(
        "--clean", action="store_true", help="remove OUT and CACHE first (a full rebuild)"
    )
    args = parser.parse_args(argv)
    try:
        if args.clean:
            for folder in (args.out, args.cache):
                shutil.rmtree(_check_folder(folder, "--out/--cache"), ignore_errors=True)
        editions = tuple(EDITIONS) if args.edition == "both" else (args.edition,)
        seconds = build_site(
            args.out, args.cache, args.notebooks, args.allow_warnings, args.jobs, editions
        )
    except ValueError as error:
        parser.error(str(error))
    except subprocess.CalledProcessError as error:
        print(f"error: sphinx-build failed with exit code {error.returncode}", file=sys.stderr)
        return 1
    where = Path(args.out).resolve()
    print(f"site built in {seconds:.1f} s: {where / 'index.html'} (한국어판: ko/index.html)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
