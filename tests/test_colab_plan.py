"""What the install cell changes on Colab's published package set: nothing.

``tests/fixtures/colab-2026-08-19.txt`` is Colab's ``pip freeze`` (googlecolab/backend-info,
the commit of 2026-08-19; the copy in ``../shared/environments/`` when that folder is
beside the clone). The plan is the one :func:`~inception_edu.course.launch.colab_setup`
makes from this repository's ``requirements.txt`` and ``constraints.txt``: every
requirement the cell checks must be in range at Colab's version, so the cell installs
nothing, and above all never replaces Colab's ipywidgets 7 (its front end renders no 8)
or its kernel. ``make test-envs`` runs the same cell in an environment built at Colab's
versions and executes every notebook there.
"""

from pathlib import Path

import pytest

from inception_edu.course import launch

ROOT = Path(__file__).resolve().parents[1]
FREEZE = ROOT / "tests" / "fixtures" / "colab-2026-08-19.txt"
SHARED = ROOT.parent / "shared" / "environments" / FREEZE.name


@pytest.fixture(scope="module")
def colab():
    return launch.parse_freeze(FREEZE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def course():
    requirements = launch.parse_requirements((ROOT / "requirements.txt").read_text("utf-8"))
    pins = launch.parse_constraints((ROOT / "constraints.txt").read_text("utf-8"))
    return requirements, pins


def test_the_fixture_is_colabs_published_set(colab):
    assert colab["tensorflow"] == "2.20.0" and colab["keras"] == "3.13.2"
    assert colab["ipywidgets"] == "7.7.1" and colab["matplotlib"] == "3.10.0"
    assert colab["ipython"] == "7.34.0" and colab["numpy"] == "2.1.3"
    if not SHARED.is_file():
        pytest.skip(f"{SHARED} is not beside this clone: the fixture is not compared with it")
    assert FREEZE.read_text("utf-8") == SHARED.read_text("utf-8")


def test_on_colabs_set_the_install_cell_changes_nothing(colab, course):
    requirements, pins = course
    changes = launch.plan_changes(requirements, pins, colab)
    assert [change.message for change in changes] == []
    checked = [r for r in requirements if not launch.colab_skip_reason(r.name)]
    assert launch.setup_messages(changes, len(checked)) == [
        f"nothing changed: the {len(checked)} packages the course checks on Colab are in range"
    ]


def test_every_package_the_cell_checks_is_one_colab_ships(colab, course):
    # so "nothing changed" means Colab's own versions run the course, not that the cell
    # skipped them; a requirement Colab lacks would be installed from constraints.txt
    requirements, _ = course
    checked = {r.name for r in requirements if not launch.colab_skip_reason(r.name)}
    missing = {n for n in checked if launch.STANDS_IN_FOR.get(n, n) not in colab}
    assert missing == set()
    assert {"ipywidgets", "matplotlib", "keras", "numpy", "tensorflow-cpu"} <= checked
    assert launch.colab_skip_reason("ipykernel") and launch.colab_skip_reason("ipython")


def test_a_range_colabs_ipywidgets_misses_would_be_an_upgrade(colab, course):
    # what the cell did before the range admitted ipywidgets 7 (issue 19)
    requirements, pins = course
    old = [
        launch.Requirement(r.name, ">=8.1,<9") if r.name == "ipywidgets" else r
        for r in requirements
    ]
    changes = launch.plan_changes(old, pins, colab)
    assert [change.message for change in changes] == [
        f"ipywidgets 7.7.1 -> {pins['ipywidgets']} (course needs >=8.1,<9)"
    ]


def test_parse_freeze_skips_comments_and_url_lines_and_refuses_the_rest():
    text = "# comment\nTensorflow_CPU==2.20.0\ntorch @ https://x/torch.whl\n\nnumpy==2.1.3\n"
    assert launch.parse_freeze(text) == {"tensorflow-cpu": "2.20.0", "numpy": "2.1.3"}
    with pytest.raises(ValueError, match="pip freeze line 1 must be"):
        launch.parse_freeze("numpy>=2\n")
    with pytest.raises(ValueError, match="a version"):
        launch.parse_freeze("numpy==two\n")
    with pytest.raises(ValueError, match="text of the file"):
        launch.parse_freeze(None)
