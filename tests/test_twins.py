"""Every notebook has a text twin (notebooks/text/NN_name.md, MyST markdown, jupytext.toml)
that agrees with it: the source a review reads. `make twins` rewrites them."""

import difflib
import tomllib
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
TWINS = ROOT / "notebooks" / "text"
CONFIG = tomllib.loads((ROOT / "jupytext.toml").read_text(encoding="utf-8"))


def twin_text(notebook) -> str:
    """The twin jupytext writes for ``notebook`` (a path or a notebook node)."""
    if isinstance(notebook, Path):
        notebook = jupytext.read(notebook)
    notebook.metadata["jupytext"] = {  # the filters `jupytext --to` takes from the config
        "notebook_metadata_filter": CONFIG["notebook_metadata_filter"],
        "cell_metadata_filter": CONFIG["cell_metadata_filter"],
    }
    return jupytext.writes(notebook, fmt="md:myst")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_each_notebook_and_its_twin_agree(path):
    twin = TWINS / f"{path.stem}.md"
    assert twin.exists(), f"{path.name} has no text twin: run `make twins`"
    stored, expected = twin.read_text(encoding="utf-8"), twin_text(path)
    diff = "\n".join(
        list(difflib.unified_diff(stored.splitlines(), expected.splitlines(), lineterm=""))[:12]
    )
    assert stored == expected, f"{twin.name} disagrees with {path.name}: run `make twins`\n{diff}"


def test_every_twin_has_its_notebook():
    orphans = {t.stem for t in TWINS.glob("*.md")} - {p.stem for p in NOTEBOOKS}
    assert not orphans, f"twins without a notebook: {sorted(orphans)}"


def test_a_one_line_prose_edit_is_a_one_line_diff_and_outputs_stay_out():
    notebook = jupytext.read(NOTEBOOKS[2])
    before = twin_text(notebook)
    cell = next(c for c in notebook.cells if c.cell_type == "markdown" and "\n" in c.source)
    cell.source = cell.source.replace("\n", " (edited)\n", 1)
    code = next(c for c in notebook.cells if c.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="a new output\n")]
    code.metadata["slideshow"] = {"slide_type": "skip"}
    code.execution_count = 99
    changed = [
        line
        for line in difflib.unified_diff(before.splitlines(), twin_text(notebook).splitlines())
        if line.startswith(("+", "-")) and not line.startswith(("+++", "---"))
    ]
    assert len(changed) == 2 and "(edited)" in changed[1]  # one line out, one line in
