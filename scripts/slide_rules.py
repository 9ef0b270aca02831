"""Lecture mode: every cell's slide type, set by rules so that nobody edits it by hand.

What. :func:`assign_slide_types` sets ``cell.metadata["slideshow"] = {"slide_type": ...}``
on every cell of a notebook; :func:`slide_types` computes the types without touching the
notebook; :func:`split_for_slides` cuts long markdown cells into slide-sized pieces for the
static decks (``scripts/build_slides.py``). ``python scripts/slide_rules.py [--check]
NOTEBOOK...`` rewrites the notebooks' slide metadata (and nothing else), or, with
``--check``, exits 1 naming each notebook whose metadata differs from what the rules give.
A maintainer's tool, not part of the learner's package: it lives in ``scripts/``.

Why. Hand-set slide types go stale as notebooks change: a new cell, a longer output or a
split paragraph silently breaks the deck. Rules computed from the cells themselves are
deterministic and idempotent (run twice, the same result), so CI can check them and a
maintainer only re-runs the command. The same rules serve JupyterLab's live slideshow
(RISE, which reads the stored metadata) and the static reveal.js decks (which apply them
to a copy cut at headings, so they do not depend on the stored metadata being current).

The rules, in the order they are tried (the module's constants name each piece):

1. ``skip``, hidden from the audience: code cells that only import; the environment
   check (``inception_edu.course.environment``, printed ``__version__``); a Colab set-up
   cell (the first code cell whose source mentions ``google.colab``); ``pip install``
   cells; empty cells.
2. ``notes``, in the speaker view only: the ``## Parameters`` section (its text and the
   cell tagged ``parameters``: knobs for whoever runs the notebook, not the audience), and
   "Things to try" prompts after an explorer (the lecturer does them live).
3. ``slide``, a new horizontal slide: the title (``# ``) and every cell holding a ``## ``
   heading (anywhere in the cell: the section heading wins over the text before it, which
   the static decks keep on the previous slide by cutting the cell first).
4. ``subslide``, a new vertical slide under the section: a ``### `` heading, a claim box
   (``> **Claim``), and any cell that does not fit under what the current slide shows
   (heights estimated for a 1280x720 slide at the decks' type sizes, :class:`Page`). A
   markdown cell that fits on the current slide only without its code moves to a new
   vertical slide with it, so an explanation and its code stay together.
5. ``fragment``: a markdown cell that fits under the current slide appears on the next key
   press (a verdict thus follows its evidence), and a code cell after another code cell
   appears on its own press.
6. ``-``: the first code cell after a markdown cell, shown with it (stored as no slide
   type at all: see :func:`slideshow_metadata`).

Heights are estimates (markdown wrapped at the slide's width, code and output lines, image
and SVG sizes scaled as the decks' CSS scales them); ``tests/e2e/test_slides.py`` measures
the built decks in Chromium and fails on any slide taller than 720 pixels.
"""

from __future__ import annotations

import argparse
import base64
import copy
import html
import math
import re
import struct
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import nbformat

SCRIPTS = str(Path(__file__).resolve().parent)
if SCRIPTS not in sys.path:  # notebook_io lies beside this file
    sys.path.insert(0, SCRIPTS)

from notebook_io import read_notebook, write_notebook  # noqa: E402

SLIDE_TYPES = ("slide", "subslide", "fragment", "-", "skip", "notes")
"""The values nbformat's schema allows for ``metadata.slideshow.slide_type``."""

PARAMETERS_HEADING = "Parameters"
#: The Parameters section's heading in each edition (the Korean edition's: 매개변수).
PARAMETERS_HEADINGS = (PARAMETERS_HEADING, "매개변수")
"""The ``##`` section whose content is speaker notes (the notebooks' format, COURSE.md)."""

NOTES_PREFIXES = ("Things to try",)
"""Markdown cells starting with one of these are instructor-facing: speaker notes."""

CLAIM_PREFIX = ("> **Claim", "> **주장")  # a claim box, in either edition
"""A claim box starts a vertical slide: the claim, its evidence and its verdict."""

_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d+[.)])\s+")
_IMPORT = re.compile(r"^(?:import\s+\S|from\s+\S+\s+import\s)")
_ENVIRONMENT = re.compile(
    r"inception_edu\.course\s+import\s+environment|course\.environment|__version__"
)
_PIP = re.compile(r"^\s*[%!]\s*pip\s+install|^\s*%conda\s+install", re.MULTILINE)
_NBVAL = re.compile(r"^\s*#\s*NBVAL_\w+\s*$")
_SVG_TAG = re.compile(r"<svg\b[^>]*>", re.IGNORECASE)
_SVG_BLOCK = re.compile(r"<svg\b.*?</svg>", re.IGNORECASE | re.DOTALL)
_PRE_BLOCK = re.compile(r"<pre\b[^>]*>(.*?)</pre>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_MD_INLINE = re.compile(r"\[([^\]]*)\]\([^)]*\)|[*_`]")


@dataclass(frozen=True)
class Page:
    """The geometry and type sizes of one slide, in CSS pixels.

    These numbers mirror ``scripts/slides_template/course-slides.css`` (change both
    together): a 1280x720 slide, text at 22 px, code at 16 px, outputs at 15 px, figures at
    most ``figure_max_height`` tall. ``budget`` is the height the rules fill, a little under
    720 to absorb the estimates' error (the browser test measures the real heights).
    """

    width: int = 1280
    height: int = 720
    budget: int = 670
    content_width: int = 1216
    text_size: float = 22.0
    text_line: float = 29.0
    text_char: float = 0.46  # average advance of a Latin character, in em
    paragraph_gap: float = 14.0
    heading_sizes: tuple = (44.0, 34.0, 28.0, 24.0, 22.0, 22.0)
    heading_gap: float = 16.0
    table_row: float = 26.5  # a row of an output's table (18 px), one line
    table_size: float = 18.0
    code_line: float = 20.8
    code_char: float = 9.6  # DejaVu Sans Mono / Menlo at 16 px
    code_padding: float = 18.0
    output_line: float = 19.5
    output_char: float = 9.04
    output_padding: float = 8.0
    cell_gap: float = 10.0
    figure_max_height: float = 520.0
    figure_shrink: float = 0.65  # the decks may scale a figure down to this share to fit

    def __post_init__(self):
        if not 0 < self.budget <= self.height or not 0 < self.content_width <= self.width:
            raise ValueError(
                f"expected 0 < budget <= height and 0 < content_width <= width, got budget "
                f"{self.budget}, height {self.height}, content_width {self.content_width}, "
                f"width {self.width}"
            )
        if not 0 < self.figure_shrink <= 1:
            raise ValueError(f"expected 0 < figure_shrink <= 1, got {self.figure_shrink}")


PAGE = Page()


# --- reading cells ------------------------------------------------------------------------


def _check_notebook(nb) -> None:
    if not isinstance(nb, nbformat.NotebookNode) or "cells" not in nb:
        raise ValueError(
            f"expected a notebook (nbformat.NotebookNode with cells), got {type(nb).__name__}"
        )
    if nb.get("nbformat", 4) < 4:
        raise ValueError(f"expected an nbformat 4 notebook, got nbformat {nb.get('nbformat')}")


def _lines(cell) -> list[str]:
    return cell.source.splitlines()


def _headings(cell) -> list[tuple[int, str]]:
    """The (level, text) of every ATX heading of a markdown cell, outside code fences."""
    if cell.cell_type != "markdown":
        return []
    found, fenced = [], False
    for line in _lines(cell):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        match = None if fenced else _HEADING.match(line)
        if match:
            found.append((len(match.group(1)), match.group(2)))
    return found


def _first_text(cell) -> str:
    for line in _lines(cell):
        if line.strip():
            return line.strip()
    return ""


def _is_imports_only(source: str) -> bool:
    lines = [line for line in source.splitlines() if line.strip() and not line.lstrip()[0] == "#"]
    return bool(lines) and all(_IMPORT.match(line.strip()) for line in lines)


def _colab_index(nb) -> int | None:
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            return index if "google.colab" in cell.source else None
    return None


# --- height estimates ---------------------------------------------------------------------


def _advance(text: str, page: Page = PAGE) -> float:
    """Width of ``text`` in ems of a proportional font: wide (CJK) characters count 1."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else page.text_char for ch in text)


def _text_height(text: str, width: float, page: Page = PAGE, size: float | None = None) -> float:
    size = size or page.text_size
    line = page.text_line * size / page.text_size
    plain = _MD_INLINE.sub(lambda m: m.group(1) or "", text)
    lines = max(1, math.ceil(_advance(plain, page) * size / width))
    return lines * line


def markdown_blocks(source: str) -> list[tuple[str, list[str]]]:
    """Split markdown into blocks: (kind, lines) with kind heading, table, quote, list,
    code or paragraph; blank lines separate blocks, and a heading is a block of its own."""
    blocks: list[tuple[str, list[str]]] = []
    current: list[str] = []
    kind = ""
    fenced = False

    def close():
        nonlocal current, kind
        if current:
            blocks.append((kind, current))
        current, kind = [], ""

    for line in source.splitlines():
        stripped = line.strip()
        if fenced:
            current.append(line)
            if stripped.startswith(("```", "~~~")):
                fenced = False
                close()
            continue
        if stripped.startswith(("```", "~~~")):
            close()
            kind, current, fenced = "code", [line], True
            continue
        if not stripped:
            close()
            continue
        if _HEADING.match(line):
            close()
            blocks.append(("heading", [line]))
            continue
        this = (
            "table"
            if stripped.startswith("|")
            else "quote"
            if stripped.startswith(">")
            else "list"
            if _LIST_ITEM.match(line)
            else "paragraph"
        )
        if current and this != kind and not (kind == "list" and this == "paragraph"):
            close()
        if not current:
            kind = this
        current.append(line)
    close()
    return blocks


def _block_height(kind: str, lines: list[str], page: Page = PAGE) -> float:
    width = page.content_width
    if kind == "heading":
        match = _HEADING.match(lines[0])
        level = len(match.group(1))
        size = page.heading_sizes[level - 1]
        return _text_height(match.group(2), width, page, size) + page.heading_gap
    if kind == "table":
        rows = [line for line in lines if not re.match(r"^\s*\|?[\s:|-]+\|?\s*$", line)]
        height = 0.0
        for row in rows:
            cells = [c for c in row.strip().strip("|").split("|")]
            share = width / max(1, len(cells))
            height += max(_text_height(c.strip(), share - 20, page) for c in cells) + 4
        return height + page.paragraph_gap
    if kind == "code":
        return len(lines) * page.code_line + page.code_padding + page.paragraph_gap
    if kind == "quote":
        text = " ".join(line.lstrip(">").strip() for line in lines)
        return _text_height(text, width - 40, page) + 16 + page.paragraph_gap
    if kind == "list":
        items: list[str] = []
        for line in lines:
            if _LIST_ITEM.match(line) or not items:
                items.append(line)
            else:
                items[-1] += " " + line.strip()
        body = sum(_text_height(_LIST_ITEM.sub("", item), width - 44, page) for item in items)
        return body + page.paragraph_gap
    return _text_height(" ".join(lines), width, page) + page.paragraph_gap


def markdown_height(source: str, page: Page = PAGE) -> float:
    """Estimated height in pixels of a markdown cell on a slide."""
    return sum(_block_height(k, lines, page) for k, lines in markdown_blocks(source))


def _png_size(data: str) -> tuple[int, int] | None:
    """Width and height of a base64 PNG, read from its header."""
    try:
        head = base64.b64decode("".join(str(data)[:200].split())[:64])
    except ValueError:
        return None
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def _figure_height(width: float, height: float, page: Page = PAGE, shrink: bool = False) -> float:
    if width <= 0 or height <= 0:
        return 0.0
    shown = min(width, page.content_width)
    tall = min(height * shown / width, page.figure_max_height)
    return tall * page.figure_shrink if shrink else tall


def _html_height(markup: str, page: Page = PAGE, shrink: bool = False) -> float:
    height = 0.0
    figures = []
    for tag in _SVG_TAG.findall(markup):
        w = re.search(r'\bwidth="([\d.]+)', tag)
        h = re.search(r'\bheight="([\d.]+)', tag)
        if w and h:
            width = min(float(w.group(1)), page.content_width)
            figures.append(
                (width, _figure_height(float(w.group(1)), float(h.group(1)), page, shrink))
            )
    if "display:flex" in markup.replace(" ", ""):
        # the explorers set their charts side by side in a wrapping flex row
        row_width, row_height = 0.0, 0.0
        for width, tall in figures:
            if row_width and row_width + 12 + width > page.content_width:
                height += row_height
                row_width, row_height = 0.0, 0.0
            row_width += width + (12 if row_width else 0)
            row_height = max(row_height, tall)
        height += row_height
    else:
        height += sum(tall for _, tall in figures)
    rest = _SVG_BLOCK.sub(" ", markup)
    for pre in _PRE_BLOCK.findall(rest):
        height += (pre.count("\n") + 1) * page.output_line + page.output_padding
    rest = _PRE_BLOCK.sub(" ", rest)
    for row in re.findall(r"<tr\b.*?</tr>", rest, re.IGNORECASE | re.DOTALL):
        text = html.unescape(_TAG.sub(" ", row)).strip()
        lines = max(1, math.ceil(_advance(text, page) * page.table_size / page.content_width))
        height += lines * page.table_row
    rest = re.sub(r"<table\b.*?</table>", " ", rest, flags=re.IGNORECASE | re.DOTALL)
    text = html.unescape(_TAG.sub(" ", rest)).strip()
    if text:
        height += _text_height(text, page.content_width, page, page.text_size * 0.9)
    return height


def _output_height(output, page: Page = PAGE, shrink: bool = False) -> float:
    if output.get("output_type") == "stream":
        text = output.get("text", "")
        width = page.content_width / page.output_char
        lines = sum(max(1, math.ceil(len(line) / width)) for line in text.rstrip("\n").split("\n"))
        return lines * page.output_line + page.output_padding
    if output.get("output_type") == "error":
        lines = sum(len(str(line).splitlines()) for line in output.get("traceback", []))
        return lines * page.output_line + page.output_padding
    data = output.get("data", {})
    # the order of nbconvert's display priority (widget views are dropped by the decks)
    if "text/html" in data:
        return _html_height(data["text/html"], page, shrink) + page.output_padding
    if "image/svg+xml" in data:
        return _html_height(data["image/svg+xml"], page, shrink) + page.output_padding
    if "image/png" in data:
        size = _png_size(data["image/png"])
        meta = output.get("metadata", {}).get("image/png", {})
        if "width" in meta and "height" in meta:
            size = (meta["width"], meta["height"])
        return _figure_height(*size, page, shrink) + page.output_padding if size else 0.0
    if "text/plain" in data:
        return (len(str(data["text/plain"]).splitlines()) or 1) * page.output_line
    return 0.0


def code_input_height(cell, page: Page = PAGE) -> float:
    """Estimated height of a code cell's source box (NBVAL marker lines are not shown)."""
    lines = [line for line in _lines(cell) if not _NBVAL.match(line)]
    width = page.content_width / page.code_char
    count = sum(max(1, math.ceil(len(line) / width)) for line in lines) or 1
    return count * page.code_line + page.code_padding


def has_figure(cell) -> bool:
    """Whether a code cell shows a figure (an image, or SVG in its HTML)."""
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "text/html" in data:
            if _SVG_TAG.search(data["text/html"]):
                return True
        elif "image/svg+xml" in data or "image/png" in data or "image/jpeg" in data:
            return True
    return False


def cell_height(cell, page: Page = PAGE, shrink: bool = False) -> float:
    """Estimated height in pixels of one cell on a slide, outputs included; with
    ``shrink``, its figures at the smallest share the decks may scale them to."""
    if cell.cell_type == "markdown":
        return markdown_height(cell.source, page)
    if cell.cell_type != "code":
        return _text_height(cell.source, page.content_width, page)
    outputs = sum(_output_height(output, page, shrink) for output in cell.get("outputs", []))
    return code_input_height(cell, page) + outputs + page.cell_gap


# --- the rules ----------------------------------------------------------------------------


def _kind(cell, index: int, in_parameters: bool, colab: int | None) -> str:
    """What a cell is for the rules: skip, notes, title, section, subsection, claim,
    markdown or code (``in_parameters``: the cell lies in the ``## Parameters`` section)."""
    if not cell.source.strip() or cell.cell_type == "raw":
        return "skip"
    if cell.cell_type == "code":
        if (
            index == colab
            or "language" in cell.metadata.get("tags", [])  # the Korean edition's switch
            or _is_imports_only(cell.source)
            or _ENVIRONMENT.search(cell.source)
            or _PIP.search(cell.source)
        ):
            return "skip"
        if in_parameters or "parameters" in cell.metadata.get("tags", []):
            return "notes"
        return "code"
    first = _first_text(cell)
    sections = [text.strip() for level, text in _headings(cell) if level == 2]
    if first.startswith("# "):
        return "title"
    if sections:
        only_parameters = (
            len(sections) == 1
            and sections[0] in PARAMETERS_HEADINGS
            and first == f"## {sections[0]}"
        )
        return "notes" if only_parameters else "section"
    if in_parameters or first.startswith(NOTES_PREFIXES):
        return "notes"
    if any(level == 3 for level, _ in _headings(cell)):
        return "subsection"
    if first.startswith(CLAIM_PREFIX):
        return "claim"
    return "markdown"


def cell_kinds(nb) -> list[str]:
    """The kind of every cell of ``nb`` as the rules see it (see :func:`_kind`)."""
    _check_notebook(nb)
    colab = _colab_index(nb)
    kinds, in_parameters = [], False
    for index, cell in enumerate(nb.cells):
        kinds.append(_kind(cell, index, in_parameters, colab))
        sections = [text.strip() for level, text in _headings(cell) if level <= 2]
        if sections:
            in_parameters = sections[-1] in PARAMETERS_HEADINGS
    return kinds


def slide_types(nb, page: Page = PAGE) -> list[str]:
    """The slide type the rules give each cell of ``nb`` (see the module's docstring)."""
    kinds = cell_kinds(nb)
    heights = [cell_height(cell, page, shrink=True) for cell in nb.cells]
    visible = [i for i, kind in enumerate(kinds) if kind not in ("skip", "notes")]
    types = ["skip" if kind == "skip" else "notes" for kind in kinds]
    used = 0.0  # height already shown on the current (sub)slide
    alone = False  # the current (sub)slide shows only the markdown cell that started it
    previous = None  # the kind of the previous visible cell

    for position, index in enumerate(visible):
        kind, height = kinds[index], heights[index]
        after = visible[position + 1] if position + 1 < len(visible) else None
        its_code = heights[after] if after is not None and kinds[after] == "code" else 0.0
        if previous is None or kind in ("title", "section"):
            slide_type = "slide"
        elif kind == "subsection" or (kind == "claim" and not alone):
            slide_type = "subslide"
        elif kind == "code":
            if used + height > page.budget:
                slide_type = "subslide"
            else:
                slide_type = "-" if previous != "code" else "fragment"
        elif used + height + its_code <= page.budget:
            slide_type = "fragment"
        elif its_code and height + its_code <= page.budget:
            slide_type = "subslide"  # keep the explanation with its code
        else:
            slide_type = "fragment" if used + height <= page.budget else "subslide"
        if slide_type in ("slide", "subslide"):
            used, alone = height, kind != "code"
        else:
            used, alone = used + height, False
        types[index] = slide_type
        previous = "code" if kind == "code" else "markdown"
    return types


def slideshow_metadata(slide_type: str) -> dict | None:
    """What a cell of ``slide_type`` stores as ``metadata["slideshow"]``: nothing for "-"
    (continue the slide), ``{"slide_type": ...}`` otherwise. A missing type means "-" to
    nbconvert and RISE, and it is the only "continue" jupyterlab-deck knows: the deck
    hides a cell typed "-" (an explorer among them), so the rules leave it unset."""
    return None if slide_type == "-" else {"slide_type": slide_type}


def slide_type_of(cell) -> str:
    """A cell's stored slide type, "-" when it stores none."""
    return cell.metadata.get("slideshow", {}).get("slide_type", "-")


def assign_slide_types(nb, page: Page = PAGE) -> int:
    """Set every cell's ``metadata["slideshow"]`` of ``nb`` as the rules give it
    (:func:`slideshow_metadata`); return how many cells changed. Nothing else is touched,
    and a second call changes nothing."""
    changed = 0
    for cell, slide_type in zip(nb.cells, slide_types(nb, page), strict=True):
        wanted = slideshow_metadata(slide_type)
        if cell.metadata.get("slideshow") != wanted:
            if wanted is None:
                del cell.metadata["slideshow"]
            else:
                cell.metadata["slideshow"] = nbformat.from_dict(wanted)
            changed += 1
    return changed


def differences(nb, page: Page = PAGE) -> list[tuple[int, object, str]]:
    """The cells whose stored slide metadata differs from the rules':
    (index, stored ``slideshow`` metadata or None, the rules' slide type)."""
    found = []
    for index, (cell, slide_type) in enumerate(zip(nb.cells, slide_types(nb, page), strict=True)):
        stored = cell.metadata.get("slideshow")
        if stored != slideshow_metadata(slide_type):
            found.append((index, stored, slide_type))
    return found


# --- pieces for the static decks ----------------------------------------------------------


def _cut(kind: str, lines: list[str], room: float, page: Page) -> tuple[list[str], list[str]]:
    """Cut a table between rows (its header repeated) or a list between items so that the
    first part fits in ``room``; ([], lines) when nothing fits."""
    head = lines[:2] if kind == "table" else []
    body = lines[2:] if kind == "table" else lines
    best = 0
    for end in range(1, len(body) + 1):
        starts = kind == "table" or end == len(body) or _LIST_ITEM.match(body[end])
        if starts and _block_height(kind, head + body[:end], page) <= room:
            best = end
    if best == 0 or best == len(body):
        return ([], lines) if best == 0 else (lines, [])
    return head + body[:best], head + body[best:]


def _chunks(blocks: list[tuple[str, list[str]]], page: Page) -> list[list[tuple[str, list[str]]]]:
    """Pack markdown blocks into runs no taller than the budget. A heading stays with what
    follows it; a table or list that does not fit is cut between rows (its header repeated)
    or between items; any other block taller than a slide stays whole."""
    runs: list[list[tuple[str, list[str]]]] = [[]]
    used = 0.0
    pending = list(blocks)
    while pending:
        kind, lines = pending.pop(0)
        height = _block_height(kind, lines, page)
        run = runs[-1]
        if used + height <= page.budget:
            run.append((kind, lines))
            used += height
            continue
        if kind in ("table", "list"):
            first, rest = _cut(kind, lines, page.budget - used, page)
            if first and rest:
                run.append((kind, first))
                pending.insert(0, (kind, rest))
                runs.append([])
                used = 0.0
                continue
        if not run or all(k == "heading" for k, _ in run):
            run.append((kind, lines))
            used += height
            continue
        runs.append([])
        used = 0.0
        pending.insert(0, (kind, lines))
    return [run for run in runs if run]


def split_for_slides(nb, page: Page = PAGE):
    """A copy of ``nb`` whose markdown cells are cut before every heading of level 1 to 3
    (so a verdict ending one section stays with it and the next heading starts its slide)
    and between blocks where a cell is taller than a slide (a long table is cut between
    rows, its header repeated). Pieces get the id ``<cell id>-<n>``; code cells, outputs
    and metadata are kept as they are. The static decks apply the rules to this copy."""
    _check_notebook(nb)
    result = copy.deepcopy(nb)
    cells = []
    for cell in result.cells:
        if cell.cell_type != "markdown":
            cells.append(cell)
            continue
        sections: list[list[tuple[str, list[str]]]] = [[]]
        for kind, lines in markdown_blocks(cell.source):
            level = len(_HEADING.match(lines[0]).group(1)) if kind == "heading" else 9
            if level <= 3 and sections[-1]:
                sections.append([])
            sections[-1].append((kind, lines))
        runs = [run for section in sections for run in _chunks(section, page)]
        if len(runs) <= 1:
            cells.append(cell)
            continue
        for number, run in enumerate(runs):
            piece = copy.deepcopy(cell)
            piece.source = "\n\n".join("\n".join(lines) for _, lines in run)
            piece.metadata.pop("slideshow", None)
            if "id" in cell:
                piece.id = f"{cell.id}-{number}"[:64]
            cells.append(piece)
    result.cells = cells
    return result


# --- command line -------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise ValueError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python scripts/slide_rules.py",
        description="Set every cell's slide type from the course's rules (lecture mode).",
    )
    parser.add_argument("notebooks", nargs="+", metavar="NOTEBOOK", help="an .ipynb file")
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; exit 1 listing the notebooks whose metadata differs",
    )
    return parser


def _read(path: Path):
    if path.suffix != ".ipynb" or not path.is_file():
        raise ValueError(f"expected an existing .ipynb file, got {str(path)!r}")
    return read_notebook(path)


def main(argv=None) -> int:
    """Rewrite (or with ``--check`` only compare) the notebooks' slide metadata.
    Exit codes: 0 done or up to date, 1 ``--check`` found differences, 2 bad input."""
    try:
        args = _parser().parse_args(argv)
        paths = [Path(name) for name in args.notebooks]
        notebooks = [(path, _read(path)) for path in paths]
        for _, nb in notebooks:
            _check_notebook(nb)
    except (ValueError, OSError, nbformat.reader.NotJSONError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    stale = []
    for path, nb in notebooks:
        if args.check:
            found = differences(nb)
            if found:
                index, stored, wanted = found[0]
                shown = stored.get("slide_type") if isinstance(stored, dict) else "-"
                stale.append(path)
                print(
                    f"{path}: {len(found)} of {len(nb.cells)} cells differ from the rules "
                    f"(first: cell {index} has {shown!r}, the rules give {wanted!r})"
                )
            continue
        changed = assign_slide_types(nb)
        if changed:
            write_notebook(nb, path)
        print(f"{path}: {changed} cells updated" if changed else f"{path}: up to date")
    if stale:
        print(
            f"{len(stale)} notebook(s) out of date; run: python scripts/slide_rules.py "
            + " ".join(str(p) for p in stale)
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
