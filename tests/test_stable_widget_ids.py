"""scripts/stable_widget_ids.py: a re-run with other random widget ids writes the same
notebook, and every reference still points at a saved model."""

import json
import re
import uuid
from pathlib import Path

import nbformat
from helpers import load_script

ROOT = Path(__file__).parents[1]
stable = load_script("scripts/stable_widget_ids.py")
NOTEBOOK = ROOT / "notebooks" / "02_1x1_bottleneck.ipynb"


def _with_new_random_ids(notebook):
    """The notebook as another run would save it: every model id a fresh uuid."""
    text = nbformat.writes(notebook)
    ids = set(re.findall(r"[0-9a-f]{32}", text)) & set(
        notebook.metadata["widgets"][stable.STATE_MIME]["state"]
    )
    for old in ids:
        text = text.replace(old, uuid.uuid4().hex)
    return nbformat.reads(text, as_version=4)


def test_two_runs_with_other_random_ids_are_written_the_same():
    first = nbformat.read(NOTEBOOK, as_version=4)
    second = _with_new_random_ids(first)
    assert nbformat.writes(first) != nbformat.writes(second)
    counts = {stable.stabilize(nb, "02") for nb in (first, second)}
    assert counts == {len(first.metadata["widgets"][stable.STATE_MIME]["state"])} != {0}
    assert nbformat.writes(first) == nbformat.writes(second)


def test_every_reference_and_output_points_at_a_saved_model():
    notebook = _with_new_random_ids(nbformat.read(NOTEBOOK, as_version=4))
    stable.stabilize(notebook, "02")
    states = notebook.metadata["widgets"][stable.STATE_MIME]["state"]
    references = stable.REFERENCE.findall(json.dumps(states))
    views = [
        o["data"][stable.VIEW_MIME]["model_id"]
        for c in notebook.cells
        if c.cell_type == "code"
        for o in c.outputs
        if stable.VIEW_MIME in o.get("data", {})
    ]
    assert references and views and set(references) | set(views) <= set(states)


def test_bad_paths_exit_2(tmp_path, capsys):
    assert stable.main([str(tmp_path / "missing.ipynb")]) == 2
    assert stable.main([]) == 2
    assert "not a notebook" in capsys.readouterr().err
