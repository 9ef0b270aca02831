"""Notebook 09 runs unchanged on a learner's own folder with another number of classes,
and a second execution in a new kernel loses none of the first one's completed epochs
(issue 10: "the notebook runs unchanged on another folder"; "resume after interruption is
tested on the notebook's own runs").

The folder: 3 classes taken from the course's photographs, plus a file that is not an
image, which the notebook's loader must skip and report. The notebook is executed twice
with papermill in the same work directory: first for 1 epoch, then, in a fresh kernel (the
first one is gone, as after a restart), for 2 epochs: every run keeps its first epoch and
trains only the second.
"""

import json
import shutil
from pathlib import Path

import pytest

from inception_edu.data import write_course_folder

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "09_practical_experiment.ipynb"
CLASSES = ("brick", "cat", "coffee")
ARMS = 5


def _printed(path: Path) -> str:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return "".join(
        "".join(output.get("text", ""))
        for cell in cells
        for output in cell.get("outputs", [])
        if output.get("output_type") == "stream"
    )


@pytest.fixture(scope="module")
def own_folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("nb09")
    course = write_course_folder(root / "course", images_per_class=12, seed=3)
    mine = root / "my photos"
    for name in CLASSES:
        shutil.copytree(course / name, mine / name)
    (mine / "cat" / "notes.txt").write_text("not an image", encoding="utf-8")
    return mine


def _execute(own_folder: Path, epochs: int, name: str) -> str:
    papermill = pytest.importorskip("papermill")
    target = own_folder.parent / f"{name}.ipynb"
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(target),
        parameters={
            "DATA_DIR": str(own_folder),
            "WORK_DIR": str(own_folder.parent / "work"),
            "EPOCHS": epochs,
            "SEEDS": [0],
        },
        kernel_name="python3",
        cwd=str(NOTEBOOK.parent),
        progress_bar=False,
    )
    return _printed(target)


def test_the_notebook_runs_on_another_folder_and_resumes_in_a_new_kernel(own_folder):
    if not NOTEBOOK.exists():
        pytest.skip("notebook 09 is not written yet")
    first = _execute(own_folder, epochs=1, name="first")
    assert "classes: brick, cat, coffee" in first
    assert "notes.txt" in first  # the non-image file is skipped and reported
    assert "K =  3: 'no to every class' scores binary accuracy 0.667" in first
    assert f"epochs trained by this call: {ARMS} of {ARMS}" in first

    second = _execute(own_folder, epochs=2, name="second")
    assert "read again from the .npy cache: True" in second
    # each run resumes after its one completed epoch: 5 epochs trained, not 10
    assert f"epochs trained by this call: {ARMS} of {2 * ARMS}" in second
    assert "epochs trained by this call: [1]" in second  # the notebook's own resume demo
    assert "called once more, epochs trained: []" in second
