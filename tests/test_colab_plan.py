"""What the install cell changes on Colab's published package set: it adds the Korean font.

``tests/fixtures/colab-2026-08-19.txt`` is Colab's ``pip freeze`` (googlecolab/backend-info,
the commit of 2026-08-19; the copy in ``../shared/environments/`` when that folder is
beside the clone). The plan is the one :func:`~inception_edu.course.launch.colab_setup`
makes from this repository's declared dependencies (``pyproject.toml``): every one Colab
ships must be in range at Colab's version, so the cell replaces none of them, and above all
never Colab's ipywidgets 7 (its front end renders no 8). The one package Colab lacks is
``koreanize-matplotlib``, whose wheel carries the Hangul font (NanumGothic) that class
names, the glossary and the Korean edition are drawn with (issue 22): the cell installs
it, a pure-Python wheel that needs only matplotlib. ``make test-envs`` runs the same cell
in an environment built at Colab's versions and executes every notebook there.
"""

from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from inception_edu.course import launch

ROOT = Path(__file__).resolve().parents[1]
FREEZE = ROOT / "tests" / "fixtures" / "colab-2026-08-19.txt"
SHARED = ROOT.parent / "shared" / "environments" / FREEZE.name


@pytest.fixture(scope="module")
def colab():
    return launch.parse_pins(FREEZE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def requirements():
    return launch.course_requirements(ROOT)


def test_the_fixture_is_colabs_published_set(colab):
    assert colab["tensorflow"] == "2.20.0" and colab["keras"] == "3.13.2"
    assert colab["ipywidgets"] == "7.7.1" and colab["matplotlib"] == "3.10.0"
    assert colab["ipython"] == "7.34.0" and colab["numpy"] == "2.1.3"
    if not SHARED.is_file():
        pytest.skip(f"{SHARED} is not beside this clone: the fixture is not compared with it")
    assert FREEZE.read_text("utf-8") == SHARED.read_text("utf-8")


#: What Colab does not ship and the install cell adds: the Hangul font's package.
NOT_ON_COLAB = {"koreanize-matplotlib"}


def test_on_colabs_set_the_install_cell_only_adds_the_korean_font(colab, requirements):
    changes = launch.plan_changes(requirements, colab)
    assert [change.message for change in changes] == [
        "koreanize-matplotlib (not installed) -> the newest in range (the course needs"
        " >=0.1.1,<0.2)"
    ]
    assert [change.pip_argument for change in changes] == ["koreanize-matplotlib>=0.1.1,<0.2"]
    assert not any(canonicalize_name(c.pip_argument.split(">")[0]) in colab for c in changes)


def test_every_other_package_the_course_needs_is_one_colab_ships(colab, requirements):
    # so Colab's own versions run the course; packaging above all, since the install cell
    # imports launch (which uses it) before it can install anything
    names = {canonicalize_name(r.name) for r in requirements}
    missing = {n for n in names if launch.STANDS_IN_FOR.get(n, n) not in colab}
    assert missing == NOT_ON_COLAB
    assert {"ipywidgets", "matplotlib", "keras", "numpy", "tensorflow-cpu", "packaging"} <= names


def test_a_range_colabs_ipywidgets_misses_would_be_an_upgrade(colab, requirements):
    # what the cell did before the range admitted ipywidgets 7 (issue 19)
    old = [Requirement("ipywidgets>=8.1,<9") if r.name == "ipywidgets" else r for r in requirements]
    changes = [c for c in launch.plan_changes(old, colab) if c.pip_argument.startswith("ipy")]
    assert [change.message for change in changes] == [
        "ipywidgets 7.7.1 -> the newest in range (the course needs >=8.1,<9)"
    ]
    assert [change.pip_argument for change in changes] == ["ipywidgets>=8.1,<9"]


def test_parse_pins_reads_colabs_freeze_and_refuses_what_is_not_a_pin():
    text = "# comment\nTensorflow_CPU==2.20.0\ntorch @ https://x/torch.whl\n\nnumpy==2.1.3\n"
    assert launch.parse_pins(text) == {"tensorflow-cpu": "2.20.0", "numpy": "2.1.3"}
    with pytest.raises(ValueError, match="pins line 1 must be"):
        launch.parse_pins("numpy>=2\n")
    with pytest.raises(ValueError, match="pins line 1 must be"):
        launch.parse_pins("numpy==two\n")
    with pytest.raises(ValueError, match="text of a constraints.txt"):
        launch.parse_pins(None)
