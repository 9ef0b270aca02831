"""Every notebook's parameters can be overridden from outside (DESIGN.md, notebook parameters).

The static tests read each notebook: one cell tagged ``parameters`` (papermill's convention),
holding plain assignments only, each name used further down, so an override changes the run.
The run test executes notebook 02 with papermill and other values and reads them back.
"""

import ast
import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))


def _code_cells(path: Path) -> list:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [cell for cell in cells if cell["cell_type"] == "code"]


def _parameter_names(cell: dict) -> list:
    tree = ast.parse("".join(cell["source"]))
    names = []
    for statement in tree.body:
        assert isinstance(statement, ast.Assign), (
            f"the parameters cell holds a {type(statement).__name__}; only assignments "
            "can be overridden"
        )
        names += [target.id for target in statement.targets if isinstance(target, ast.Name)]
    return names


def _used_names(cell: dict) -> set:
    source = "\n".join(
        line for line in "".join(cell["source"]).splitlines() if not line.startswith(("%", "!"))
    )
    return {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_each_notebook_has_one_parameters_cell_whose_names_are_used(path):
    cells = _code_cells(path)
    tagged = [i for i, cell in enumerate(cells) if "parameters" in cell["metadata"].get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: {len(tagged)} cells tagged 'parameters'"
    names = _parameter_names(cells[tagged[0]])
    assert names, f"{path.name}: the parameters cell assigns nothing"
    used = set().union(*(_used_names(cell) for cell in cells[tagged[0] + 1 :]))
    unused = [name for name in names if name not in used]
    assert not unused, f"{path.name}: parameters never used below their cell: {unused}"


def test_a_notebook_runs_with_overridden_parameters(tmp_path):
    papermill = pytest.importorskip("papermill")
    source = next(path for path in NOTEBOOKS if path.name.startswith("02_"))
    target = tmp_path / "02_overridden.ipynb"
    papermill.execute_notebook(
        str(source),
        str(target),
        parameters={"REDUCE_FILTERS": 24, "SEED": 7},
        kernel_name="python3",
        cwd=str(source.parent),
        progress_bar=False,
    )
    run = json.loads(target.read_text(encoding="utf-8"))
    injected = [
        cell for cell in run["cells"] if "injected-parameters" in cell["metadata"].get("tags", [])
    ]
    assert len(injected) == 1 and "REDUCE_FILTERS = 24" in "".join(injected[0]["source"])
    printed = "".join(
        "".join(output.get("text", ""))
        for cell in run["cells"]
        for output in cell.get("outputs", [])
    )
    assert "kernel: (1, 1, 192, 24)" in printed  # the 1x1 check ran with the new width
