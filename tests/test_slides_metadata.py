"""The slide rules of lecture mode (``scripts/slide_rules.py``), on a hand-made
notebook, and the course's notebooks checked against them.

``test_course_notebooks_follow_the_rules`` fails until the slide metadata has been written
into the notebooks (``python scripts/slide_rules.py notebooks/*.ipynb``) and after
any change to a notebook that moves a slide boundary: run the command, commit the result.
"""

from __future__ import annotations

import base64
import copy
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import slide_rules as slides  # noqa: E402

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def _png(width: int, height: int) -> str:
    """A blank PNG of the given size, base64 (only its header matters to the rules)."""
    row = b"\x00" + b"\xff" * width

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    raw = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
    raw += chunk(b"IDAT", zlib.compress(row * height)) + chunk(b"IEND", b"")
    return base64.b64encode(raw).decode()


def _stream(text: str):
    return new_output("stream", name="stdout", text=text)


def _tiny():
    """A notebook in the course's format, one cell per rule (expected types beside)."""
    cells = [
        (new_markdown_cell("# 99 · A tiny notebook\n\nWhat you will learn."), "slide"),
        (
            new_code_cell(
                'import sys\nif "google.colab" in sys.modules:\n    print("set up")',
            ),
            "skip",
        ),
        (new_markdown_cell("## Parameters\n\n`EPOCHS` sizes the run."), "notes"),
        (new_code_cell("EPOCHS = 1", metadata={"tags": ["parameters"]}), "notes"),
        (new_markdown_cell("## The idea\n\nA short explanation."), "slide"),
        (new_code_cell("import numpy as np\nfrom math import comb"), "skip"),
        (new_code_cell("x = 1\nprint(x)", outputs=[_stream("1\n")]), "-"),
        (new_code_cell("print(x + 1)", outputs=[_stream("2\n")]), "fragment"),
        (new_markdown_cell("**Verdict C1: holds.** Two lines of evidence."), "fragment"),
        (new_markdown_cell('> **Claim C2** (seed 000): "a quote"\n\nThe check:'), "subslide"),
        (new_code_cell("print(3)", outputs=[_stream("3\n")]), "-"),
        (new_markdown_cell("### A detail\n\nMore text."), "subslide"),
        (new_markdown_cell("Things to try: move the slider."), "notes"),
        (
            new_code_cell(
                "from inception_edu.course import environment\n\nprint(environment.report())",
                outputs=[_stream("python 3.11\n")],
            ),
            "skip",
        ),
        (new_markdown_cell("**Verdict C2: holds.**\n\n## Next section\n\nIntro."), "slide"),
        (
            new_code_cell(
                "print('long')", outputs=[_stream("".join(f"line {i}\n" for i in range(40)))]
            ),
            "subslide",
        ),
        (new_markdown_cell("A figure follows:"), "subslide"),
        (
            new_code_cell(
                "draw()",
                outputs=[new_output("display_data", data={"image/png": _png(800, 500)})],
            ),
            "-",
        ),
        (new_code_cell(""), "skip"),
    ]
    nb = new_notebook(cells=[cell for cell, _ in cells])
    return nb, [expected for _, expected in cells]


def test_the_rules_on_a_tiny_notebook():
    nb, expected = _tiny()
    got = slides.slide_types(nb)
    assert got == expected, "\n".join(
        f"cell {i}: got {g!r}, expected {e!r} ({nb.cells[i].source[:40]!r})"
        for i, (g, e) in enumerate(zip(got, expected, strict=True))
        if g != e
    )
    assert set(got) == set(slides.SLIDE_TYPES)  # every type, each where it makes sense


def test_assigning_touches_only_slide_metadata_and_is_idempotent():
    nb, expected = _tiny()
    nb.cells[4].metadata["tags"] = ["keep-me"]
    before = copy.deepcopy(nb)
    assert slides.assign_slide_types(nb) == len(nb.cells) - expected.count("-")
    for cell, old, slide_type in zip(nb.cells, before.cells, expected, strict=True):
        # "-" (continue the slide) is stored as no type: jupyterlab-deck hides a cell typed "-"
        stored = cell.metadata.pop("slideshow", None)
        assert stored == (None if slide_type == "-" else {"slide_type": slide_type})
        assert slides.slide_type_of(nbformat.v4.new_code_cell()) == "-"
        assert cell == old  # source, outputs, execution count, other metadata: unchanged
    slides.assign_slide_types(nb)
    assert slides.assign_slide_types(nb) == 0
    assert slides.differences(nb) == []


def test_differences_name_the_stale_cells():
    nb, expected = _tiny()
    slides.assign_slide_types(nb)
    nb.cells[6].metadata["slideshow"] = {"slide_type": "slide"}
    del nb.cells[0].metadata["slideshow"]
    nb.cells[10].metadata["slideshow"] = {"slide_type": "-"}  # the deck would hide it
    assert slides.differences(nb) == [
        (0, None, "slide"),
        (6, {"slide_type": "slide"}, "-"),
        (10, {"slide_type": "-"}, "-"),
    ]


def test_split_for_slides_cuts_at_headings_and_long_tables():
    table = "| a | b |\n|---|---|\n" + "".join(f"| row {i} | {i} |\n" for i in range(60))
    nb = new_notebook(
        cells=[
            new_markdown_cell("**Verdict: holds.** The end of one section.\n\n## Next\n\nText."),
            new_markdown_cell("## Glossary\n\n" + table),
            new_code_cell("print(1)", outputs=[_stream("1\n")]),
        ]
    )
    pieces = slides.split_for_slides(nb)
    sources = [cell.source for cell in pieces.cells]
    assert sources[0] == "**Verdict: holds.** The end of one section."
    assert sources[1] == "## Next\n\nText."
    glossary = [s for s in sources if "| a | b |" in s]
    assert len(glossary) >= 2 and glossary[0].startswith("## Glossary")
    assert all(s.count("|---|---|") == 1 for s in glossary)  # the header repeated
    rows = [line for s in glossary for line in s.splitlines() if line.startswith("| row")]
    assert rows == [f"| row {i} | {i} |" for i in range(60)]  # nothing lost or doubled
    assert pieces.cells[-1] == nb.cells[-1]
    assert [c.id for c in pieces.cells[:2]] == [f"{nb.cells[0].id}-0", f"{nb.cells[0].id}-1"]
    assert len(nb.cells) == 3  # the original is untouched
    types = slides.slide_types(pieces)
    assert types[1] == "slide"  # "## Next" starts its slide, the verdict stays before it
    assert all(
        t in ("slide", "subslide") for t, s in zip(types, sources, strict=True) if "| a" in s
    )


def test_bad_input_says_what_was_received_and_allowed():
    with pytest.raises(ValueError, match="expected a notebook.*got str"):
        slides.slide_types("notebook.ipynb")
    with pytest.raises(ValueError, match="expected an nbformat 4 notebook, got nbformat 3"):
        slides.slide_types(nbformat.from_dict({"nbformat": 3, "cells": []}))
    with pytest.raises(ValueError, match="budget"):
        slides.Page(budget=900)


def test_command_line_rewrites_then_checks(tmp_path, capsys):
    nb, _ = _tiny()
    path = tmp_path / "tiny.ipynb"
    nbformat.write(nb, path)
    assert slides.main(["--check", str(path)]) == 1
    assert "tiny.ipynb: 16 of 19 cells differ from the rules" in capsys.readouterr().out  # 3 "-"
    assert slides.main([str(path)]) == 0
    written = path.read_text()
    assert slides.main([str(path)]) == 0 and path.read_text() == written
    assert slides.main(["--check", str(path)]) == 0
    assert slides.main([str(tmp_path / "missing.ipynb")]) == 2
    assert "expected an existing .ipynb file" in capsys.readouterr().err


def test_importing_the_rules_imports_no_tensorflow():
    code = "import sys, slide_rules; print('tensorflow' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO / "scripts",
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_course_notebooks_follow_the_rules(path):
    nb = nbformat.read(path, as_version=4)
    stale = slides.differences(nb)
    assert not stale, (
        f"{len(stale)} cells of {path.name} have slide metadata the rules do not give "
        f"(first: cell {stale[0][0]}, rules: {stale[0][2]!r}); run: "
        f"python scripts/slide_rules.py {path.relative_to(REPO)}"
    )
