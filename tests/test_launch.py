"""Colab and Binder: every notebook's badges open that notebook, its second cell is the
install cell as generated, and the pure parts of the Colab set-up (links, the course's
requirements, the plan of what to install, the messages) behave, on made-up installed
versions.

The install cell run end to end, in a fresh environment standing in for Colab, is
``tests/test_colab_install.py``.
"""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import nbformat
import pytest
from helpers import load_script
from packaging.requirements import Requirement

from inception_edu.course import launch
from inception_edu.course.launch import Change, plan_changes

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SCRIPT = ROOT / "scripts" / "add_launch_cells.py"
LINK = r"\[!\[[^\]]*\]\(([^)\s]+)\)\]\(([^)\s]+)\)"


def _script():
    return load_script("scripts/add_launch_cells.py")


def _source(cell) -> str:
    return "".join(cell["source"])


# --- the notebooks (these fail until scripts/add_launch_cells.py has been run on them)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_each_notebook_opens_itself_from_both_badges_in_its_first_cell(path):
    first = json.loads(path.read_text(encoding="utf-8"))["cells"][0]
    links = dict(re.findall(LINK, _source(first)))  # badge image -> link target
    own = path.relative_to(ROOT).as_posix()

    colab = urlsplit(links.get(launch.COLAB_BADGE, ""))
    assert colab.netloc == "colab.research.google.com", f"{own}: no Colab badge"
    prefix = f"/github/{launch.GITHUB_REPOSITORY}/blob/{launch.BRANCH}/"
    assert colab.path == prefix + own

    binder = urlsplit(links.get(launch.BINDER_BADGE, ""))
    assert binder.netloc == "mybinder.org", f"{own}: no Binder badge"
    assert binder.path == f"/v2/gh/{launch.GITHUB_REPOSITORY}/{launch.BRANCH}"
    assert parse_qs(binder.query) == {"urlpath": [f"lab/tree/{own}"]}


def test_every_notebooks_second_cell_is_the_install_cell_as_generated(capsys):
    status = _script().main(["--check", *map(str, NOTEBOOKS)])
    assert status == 0, capsys.readouterr().out
    for path in NOTEBOOKS:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        assert cells[1]["cell_type"] == "code"
        assert _source(cells[1]) == launch.install_cell_source(), path.name


# --- the script, on copies


def _without_launch(notebook: dict) -> dict:
    """``notebook`` with the install cell and the badge paragraph taken out (again)."""
    notebook = json.loads(json.dumps(notebook))
    cells = [c for c in notebook["cells"] if not _source(c).startswith(launch.INSTALL_MARKER)]
    lines = _source(cells[0]).split("\n")
    if len(lines) > 2 and launch.COLAB_BADGE in lines[2]:
        del lines[1:3]
    cells[0]["source"] = "\n".join(lines).splitlines(keepends=True)
    notebook["cells"] = cells
    return notebook


@pytest.fixture
def copies(tmp_path):
    """Two of the course's notebooks as they were before the script, under
    ``tmp_path/notebooks`` (whether or not the script has been run on the originals)."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for path in NOTEBOOKS[:1] + NOTEBOOKS[-1:]:
        pristine = _without_launch(json.loads(path.read_text(encoding="utf-8")))
        _script().write_notebook(pristine, folder / path.name)
    return sorted(folder.glob("*.ipynb"))


def test_the_script_adds_badges_and_install_cell_touching_nothing_else(copies, tmp_path):
    script = _script()
    originals = {path: json.loads(path.read_text(encoding="utf-8")) for path in copies}
    paths = [str(path) for path in copies]
    root = ["--root", str(tmp_path)]
    assert script.main(["--check", *root, *paths]) == 1
    assert script.main([*root, *paths]) == 0
    for path in copies:
        done = json.loads(path.read_text(encoding="utf-8"))
        install = done["cells"][1]
        assert _source(install) == launch.install_cell_source()
        assert install["outputs"] == [] and install["execution_count"] is None
        assert install["id"] == script.INSTALL_CELL_ID
        title, blank, badges = _source(done["cells"][0]).split("\n")[:3]
        assert title.startswith("# ") and blank == ""
        assert badges == launch.badges_markdown(f"notebooks/{path.name}")
        restored = _without_launch(done)
        assert restored == originals[path]  # every other cell, output and key as it was
        # written as Jupyter writes it: an untouched notebook would round-trip byte for byte
        script.write_notebook(done, tmp_path / "again.ipynb")
        assert path.read_bytes() == (tmp_path / "again.ipynb").read_bytes()

    written = {path: path.read_bytes() for path in copies}
    assert script.main(["--check", *root, *paths]) == 0
    assert script.main([*root, *paths]) == 0
    assert {path: path.read_bytes() for path in copies} == written  # idempotent


def test_the_script_replaces_old_badges_and_a_stale_misplaced_install_cell(copies, tmp_path):
    script = _script()
    path = copies[0]
    notebook = json.loads(path.read_text(encoding="utf-8"))
    old = launch.badges_markdown(f"notebooks/{path.name}").replace("/main", "/old-branch")
    lines = _source(notebook["cells"][0]).split("\n")
    notebook["cells"][0]["source"] = "\n".join([lines[0], "", old, "", *lines[2:]])
    stale = {
        "cell_type": "code",
        "execution_count": 7,
        "id": "colab-setup",
        "metadata": {},
        "outputs": [],
        "source": launch.INSTALL_MARKER + " (an old version)\nprint('old')",
    }
    notebook["cells"].insert(3, stale)
    path.write_text(json.dumps(notebook), encoding="utf-8")

    assert script.main(["--root", str(tmp_path), str(path)]) == 0
    done = json.loads(path.read_text(encoding="utf-8"))
    installs = [c for c in done["cells"] if _source(c).startswith(launch.INSTALL_MARKER)]
    assert installs == [done["cells"][1]]
    assert _source(installs[0]) == launch.install_cell_source()
    assert installs[0]["execution_count"] == 7  # only its source is the script's business
    first = _source(done["cells"][0])
    assert "old-branch" not in first and first.count(launch.COLAB_BADGE) == 1


def test_the_script_refuses_bad_input_and_prints_the_readme_badges(tmp_path, capsys):
    script = _script()
    plain = tmp_path / "plain.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1")]), plain)
    assert script.main(["--root", str(tmp_path), str(plain)]) == 2
    assert "first cell must be a markdown cell" in capsys.readouterr().err
    broken = tmp_path / "broken.ipynb"  # not a notebook: nbformat refuses it
    broken.write_text(json.dumps({"cells": [], "nbformat": 4}), encoding="utf-8")
    assert script.main(["--root", str(tmp_path), str(broken)]) == 2
    assert f"error: {broken}: " in capsys.readouterr().err
    assert script.main([str(plain)]) == 2  # outside the repository, without --root
    assert "must lie under --root" in capsys.readouterr().err
    assert script.main(["--readme"]) == 0
    assert capsys.readouterr().out.strip() == launch.readme_badges()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_the_tools_write_a_notebook_back_byte_for_byte(path, tmp_path):
    """scripts/notebook_io.py, through which every tool writes notebooks, writes what
    JupyterLab saved: a tool that changes nothing leaves the file as it was."""
    script = _script()
    script.write_notebook(script.read_notebook(path), tmp_path / path.name)
    assert (tmp_path / path.name).read_bytes() == path.read_bytes()


def test_the_title_must_come_first():
    with pytest.raises(ValueError, match="'# ' title line. Received: 'Some text'"):
        _script().with_badges("Some text\n\n# Title", "badges")


# --- links and the install cell


def test_links_and_badges():
    path = "notebooks/03_googlenet_aux_classifiers.ipynb"
    assert launch.colab_url(path) == (
        "https://colab.research.google.com/github/inception-edu/inception-edu/blob/main/" + path
    )
    assert launch.binder_url(path) == (
        "https://mybinder.org/v2/gh/inception-edu/inception-edu/main?urlpath=lab/tree/" + path
    )
    assert launch.badges_markdown(Path(path)) == (
        f"[![Open In Colab]({launch.COLAB_BADGE})]({launch.colab_url(path)}) "
        f"[![Binder]({launch.BINDER_BADGE})]({launch.binder_url(path)})"
    )
    readme = launch.readme_badges()
    assert launch.colab_url("notebooks/00_start_here.ipynb") in readme
    assert "?urlpath=lab/tree/notebooks)" in readme


@pytest.mark.parametrize(
    "bad", ["/abs/03_x.ipynb", "notebooks/03_x.py", "../03_x.ipynb", "", 3, None, "C:/x.ipynb"]
)
def test_a_bad_notebook_path_says_what_is_allowed(bad):
    with pytest.raises(ValueError, match=r"relative to the repository.*Received: "):
        launch.colab_url(bad)


def test_the_install_cell_is_short_self_contained_and_points_at_the_repository():
    source = launch.install_cell_source()
    lines = source.split("\n")
    assert lines[0].startswith(launch.INSTALL_MARKER)
    assert len(lines) <= 12 and max(map(len, lines)) <= 88
    tree = ast.parse(source)
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert imported == {"os", "subprocess", "sys"}  # the package comes from the clone
    assert f'"{launch.REPOSITORY_URL}"' in source and f"--branch={launch.BRANCH}" in source
    assert f'"{launch.COLAB_HOME}"' in source and "launch.colab_setup(home)" in source


def test_the_install_cell_does_nothing_outside_colab(capsys):
    assert "google.colab" not in sys.modules
    namespace = {}
    exec(launch.install_cell_source(), namespace)
    assert "launch" not in namespace and "home" not in namespace
    assert capsys.readouterr() == ("", "")


def test_launch_needs_only_the_standard_library_and_packaging_and_imports_light():
    """The install cell imports launch before anything is installed: what it imports must
    be on Colab already (packaging is, tests/test_colab_plan.py), and stay light."""
    tree = ast.parse((ROOT / "inception_edu" / "course" / "launch.py").read_text("utf-8"))
    modules = {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {
        node.module.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0
    }
    assert modules - {"__future__"} - set(sys.stdlib_module_names) == {"packaging"}
    probe = (
        "import sys; before = set(sys.modules)\n"
        "import inception_edu.course.launch\n"
        "print(sorted({m.split('.')[0] for m in set(sys.modules) - before}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    loaded = set(ast.literal_eval(out))
    assert loaded - set(sys.stdlib_module_names) == {"inception_edu", "packaging"}


# --- the course's requirements and the plan

PYPROJECT = """\
[project]
name = "made-up"
dependencies = [
    "tensorflow-cpu>=2.16,<2.22",
    "ipywidgets>=8.1,<9",  # a comment
    "Scikit_Image>=0.22,<0.27",
    "colorama>=0.4; sys_platform == 'no-such-platform'",
]
"""


@pytest.fixture
def clone(tmp_path):
    """A made-up clone of the course: ``pyproject.toml`` (:data:`PYPROJECT`), ``notebooks/``."""
    home = tmp_path / "clone"
    (home / "notebooks").mkdir(parents=True)
    (home / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    return home


def _plan(clone, **installed):
    requirements = launch.course_requirements(clone)
    return plan_changes(requirements, {k.replace("_", "-"): v for k, v in installed.items()})


def test_the_requirements_are_pyprojects_dependencies(clone):
    requirements = launch.course_requirements(clone)
    assert [str(r) for r in requirements] == [
        "tensorflow-cpu<2.22,>=2.16",
        "ipywidgets<9,>=8.1",
        "Scikit_Image<0.27,>=0.22",
        'colorama>=0.4; sys_platform == "no-such-platform"',
    ]


def test_in_range_packages_need_nothing_and_markers_are_honoured(clone):
    # colorama is required only on a platform that does not exist: never installed here
    assert _plan(clone, tensorflow_cpu="2.21.0", ipywidgets="8.1.2", scikit_image="0.24.0") == []


@pytest.mark.parametrize(
    "version, needs_install",
    [
        ("8.1.0", False),
        ("8.2.0rc1", False),  # an installed pre-release in range counts
        ("7.7.1", True),
        ("9.0", True),
        ("9.0.0rc1", True),  # <9 excludes 9's own pre-releases (PEP 440)
        ("8.1.5+colab", False),  # local labels are ignored
    ],
)
def test_the_range_check_is_pep_440s(clone, version, needs_install):
    changes = _plan(clone, tensorflow_cpu="2.21.0", ipywidgets=version, scikit_image="0.24.0")
    assert [change.name for change in changes] == (["ipywidgets"] if needs_install else [])


def test_missing_too_old_and_too_new_get_the_newest_in_range(clone):
    changes = _plan(clone, tensorflow_cpu="2.22.1", ipywidgets="7.7.1")
    assert changes == [
        Change("tensorflow-cpu", "2.22.1", ">=2.16,<2.22"),
        Change("ipywidgets", "7.7.1", ">=8.1,<9"),
        Change("scikit-image", None, ">=0.22,<0.27"),
    ]
    assert [change.message for change in changes] == [
        "tensorflow-cpu 2.22.1 -> the newest in range (the course needs >=2.16,<2.22)",
        "ipywidgets 7.7.1 -> the newest in range (the course needs >=8.1,<9)",
        "scikit-image (not installed) -> the newest in range (the course needs >=0.22,<0.27)",
    ]
    assert [change.pip_argument for change in changes][1] == "ipywidgets>=8.1,<9"


def test_colabs_tensorflow_stands_in_for_tensorflow_cpu_and_is_never_replaced(clone):
    assert _plan(clone, tensorflow="2.19.0+cu121", ipywidgets="8.1.2", scikit_image="0.25") == []
    kept = _plan(clone, tensorflow="2.15.1", ipywidgets="8.1.2", scikit_image="0.25.1")
    assert kept == [Change("tensorflow", "2.15.1", ">=2.16,<2.22", install=False)]
    assert kept[0].message.startswith("tensorflow 2.15.1 kept: Colab's own build")
    # with no TensorFlow at all, Colab gets its usual (GPU-capable) build, in range
    missing = _plan(clone, ipywidgets="8.1.2", scikit_image="0.25.1")
    assert missing == [Change("tensorflow", None, ">=2.16,<2.22")]
    assert missing[0].pip_argument == "tensorflow>=2.16,<2.22"


def test_the_messages_say_nothing_changed_or_list_the_changes(clone):
    assert launch.setup_messages([], 9) == [
        "nothing changed: the 9 packages the course needs are in range on Colab"
    ]
    kept = _plan(clone, tensorflow="2.15.1", ipywidgets="8.1.2", scikit_image="0.25.1")
    assert launch.setup_messages(kept, 3)[-1] == "nothing changed"
    assert launch.setup_messages(_plan(clone, ipywidgets="7.7.1"), 3)[1] == (
        "ipywidgets 7.7.1 -> the newest in range (the course needs >=8.1,<9)"
    )


def test_the_courses_own_files_are_consistent():
    """Every requirement has a pin in constraints.txt, within its range: installed exactly
    as pinned, nothing would change."""
    requirements = launch.course_requirements(ROOT)
    pins = launch.parse_pins((ROOT / "constraints.txt").read_text("utf-8"))
    assert "tensorflow-cpu" in pins and "imageio" in pins  # names normalized
    names = {r.name for r in requirements}
    assert {"tensorflow-cpu", "keras", "numpy", "ipywidgets", "packaging"} <= names
    assert names <= set(pins)
    assert plan_changes(requirements, pins) == []


def test_parse_pins_reads_constraints_and_pip_freeze():
    text = "# comment\nTensorflow_CPU==2.20.0\ntorch @ https://x/torch.whl\n\nnumpy==2.1.3  # x\n"
    assert launch.parse_pins(text) == {"tensorflow-cpu": "2.20.0", "numpy": "2.1.3"}


@pytest.mark.parametrize(
    "dependency, message",
    [
        ("numpy=>1", "a PEP 508 line"),
        ("pkg @ https://x/y.whl", "no URL"),
    ],
)
def test_a_bad_dependency_says_what_it_received_and_what_is_allowed(clone, dependency, message):
    (clone / "pyproject.toml").write_text(
        f'[project]\nname = "x"\ndependencies = ["{dependency}"]\n', encoding="utf-8"
    )
    with pytest.raises(ValueError, match="Received: ") as error:
        launch.course_requirements(clone)
    assert message in str(error.value) and str(error.value).endswith(repr(dependency))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: launch.parse_pins("numpy>=1.0"), "pins line 1 must be 'name==version'"),
        (lambda: launch.parse_pins("numpy==two"), "pins line 1 must be 'name==version'"),
        (lambda: launch.parse_pins(None), "text of a constraints.txt"),
        (lambda: plan_changes(["keras>=3"], {}), "a packaging Requirement"),
        (lambda: plan_changes([Requirement("keras>=3")], ["keras"]), "a mapping"),
    ],
)
def test_bad_input_raises_value_error_saying_what_and_what_is_allowed(call, message):
    with pytest.raises(ValueError, match="Received: ") as error:
        call()
    assert message in str(error.value)


# --- colab_setup on a made-up clone, with a recording installer


def test_colab_setup_installs_only_what_is_missing_and_says_so(tmp_path, monkeypatch):
    home = tmp_path / "clone"
    (home / "notebooks").mkdir(parents=True)
    (home / "pyproject.toml").write_text(
        # pytest is installed in range; the other is not installed anywhere
        '[project]\nname = "x"\n'
        'dependencies = ["pytest>=8", "no-such-package-for-this-test>=1.0,<2"]\n'
    )
    monkeypatch.chdir(tmp_path)
    installed, printed = [], []
    changes = launch.colab_setup(home, installer=installed.append, out=printed.append)
    assert Path.cwd() == home / "notebooks"
    assert installed == [["no-such-package-for-this-test>=1.0,<2"]]
    assert printed == [
        "no-such-package-for-this-test (not installed) -> the newest in range "
        "(the course needs >=1.0,<2)"
    ]
    assert [change.name for change in changes] == ["no-such-package-for-this-test"]


@pytest.mark.parametrize("missing", ["pyproject.toml", "notebooks"])
def test_colab_setup_refuses_a_folder_that_is_not_the_course(clone, missing):
    target = clone / missing
    target.unlink() if target.is_file() else target.rmdir()
    with pytest.raises(ValueError, match=rf"the course's clone, with .*{missing}.*Received: "):
        launch.colab_setup(clone, installer=list, out=list)


def test_colab_setup_asks_for_a_restart_when_a_replaced_package_was_imported(tmp_path, monkeypatch):
    import pluggy  # noqa: F401  (pytest has imported it anyway)

    home = tmp_path / "clone"
    (home / "notebooks").mkdir(parents=True)
    (home / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["pluggy>=99"]\n')
    monkeypatch.chdir(tmp_path)
    installed, printed = [], []
    launch.colab_setup(home, installer=installed.append, out=printed.append)
    assert installed == [["pluggy>=99"]]
    assert printed[0].startswith("pluggy ")
    assert printed[0].endswith("-> the newest in range (the course needs >=99)")
    assert printed[1] == (
        "pluggy had already been imported: restart the session "
        "(Runtime > Restart session) and run this cell again"
    )


def test_the_install_cell_speaks_the_notebooks_language():
    """On Colab the install cell runs before a Korean notebook's set_language("ko"): it
    reads the edition from the open notebook's metadata instead."""
    from inception_edu.course.launch import notebook_edition

    def colab(metadata):
        return lambda kind, timeout_sec: {"ipynb": {"metadata": metadata}}

    assert notebook_edition(colab({"language_edition": "ko"})) == "ko"
    assert notebook_edition(colab({})) is None  # an English notebook
    assert notebook_edition(colab({"language_edition": "fr"})) is None  # not a language
    assert notebook_edition(lambda kind, timeout_sec: None) is None  # an odd answer
    assert notebook_edition() is None  # not on Colab
