"""scripts/portability.py (`make test-portable`, and `make test`'s nbval under other kernels):
which cells it compares, how it moves the seeds, what it reports. No notebook is executed."""

import json
from pathlib import Path

import nbformat
import pytest
from helpers import load_script

ROOT = Path(__file__).parents[1]
portability = load_script("scripts/portability.py")


def _notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return json.loads(nbformat.writes(nb))


def _code(source, text="", tags=()):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["tags"] = list(tags)
    if text:
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text)]
    return cell


def test_seed_parameters_move_and_nothing_else():
    nb = _notebook(
        _code(
            "SEED = 0\nSEEDS = (0, 1, 2)\nRF_SEEDS = tuple(range(3))\nEPOCHS = 4\n"
            "SEEDLING = 5\nUSE_SEED = True\nDATA_DIR = None",
            tags=["parameters"],
        )
    )
    values = portability.parameters(nb)
    assert values["RF_SEEDS"] == [0, 1, 2] and values["DATA_DIR"] is None
    assert portability.shifted_seeds(values, 100) == {
        "SEED": 100,
        "SEEDS": [100, 101, 102],
        "RF_SEEDS": [100, 101, 102],
    }
    with pytest.raises(ValueError, match="parameters"):
        portability.parameters(_notebook(_code("x = 1")))


def test_only_checked_cells_that_change_are_reported_after_sanitizing():
    rules = portability.sanitizers()
    stored = _notebook(
        _code("print(1)", "same\n"),
        _code("# NBVAL_IGNORE_OUTPUT\nprint(loss)", "loss 0.31\n"),
        _code("fit()", "3ms/step accuracy above 0.5: True\n"),
        _code("print(verdict)", "verdict: holds\n"),
    )
    fresh = _notebook(
        _code("print(1)", "same\n"),
        _code("# NBVAL_IGNORE_OUTPUT\nprint(loss)", "loss 0.29\n"),
        _code("fit()", "5ms/step accuracy above 0.5: True\n"),
        _code("print(verdict)", "verdict: wrong\n"),
    )
    changes = portability.changed_cells(stored, fresh, rules)
    assert [(number, first) for number, first, _, _ in changes] == [(4, "print(verdict)")]
    assert changes[0][2:] == ("verdict: holds\n", "verdict: wrong\n")


def test_a_stream_written_in_several_pieces_reads_as_one():
    whole = _notebook(_code("print(a); print(b)", "a\nb\n"))
    pieces = _notebook(_code("print(a); print(b)", "a\n"))
    pieces["cells"][0]["outputs"].append(
        nbformat.v4.new_output("stream", name="stdout", text="b\n")
    )
    assert portability.changed_cells(whole, pieces, []) == []


def test_papermills_injected_cell_is_not_counted_and_errors_are_found():
    stored = _notebook(_code("SEED = 0", tags=["parameters"]), _code("print(SEED)", "0\n"))
    fresh = _notebook(
        _code("SEED = 0", tags=["parameters"]),
        _code("SEED = 100", tags=["injected-parameters"]),
        _code("print(SEED)", "100\n"),
    )
    assert [c[0] for c in portability.changed_cells(stored, fresh, [])] == [2]
    fresh["cells"][2]["outputs"] = [
        nbformat.v4.new_output("error", ename="ValueError", evalue="bad", traceback=[])
    ]
    assert portability.error_outputs(fresh) == ["ValueError: bad"]


def test_notebooks_are_named_by_number_and_bad_names_are_refused(capsys):
    assert [p.name[:2] for p in portability.notebook_paths(["07", "09"])] == ["07", "09"]
    with pytest.raises(ValueError, match="No notebook '99'"):
        portability.notebook_paths(["99"])
    assert portability.main(["seeds", "99"]) == 2
    assert portability.main(["seeds", "--shift", "0", "02"]) == 2
    assert portability.main(["kernels", "--threads", "0", "02"]) == 2
    assert "Allowed" in capsys.readouterr().err
