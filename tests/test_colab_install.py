"""The notebooks' install cell, run the way Colab runs it, in a fresh virtual environment.

What stands in for Colab, offline:

- **the preinstalled stack**: a virtual environment made here (``python -m venv``, no pip)
  whose ``.pth`` file puts the site-packages of the interpreter running the tests (this
  repository's ``.venv``) on its path. Its packages are the pinned ones, so the install
  cell must find every requirement in range and change nothing; ``.pth`` files inside
  that folder are not run, so the course's editable install is not importable there;
- **Colab itself**: an importable, empty ``google.colab`` that the process imports before
  the cell runs, as Colab's kernel does;
- **GitHub**: git's own ``url.<base>.insteadOf`` setting (given in ``GIT_CONFIG_*``
  environment variables) sends the clone of ``launch.REPOSITORY_URL`` to a local git
  repository holding a snapshot of this working tree (tracked and untracked files, minus
  what ``.gitignore`` leaves out), committed on branch ``launch.BRANCH``; on a clean
  checkout that is ``HEAD``;
- **/content**: ``INCEPTION_EDU_HOME`` puts the clone under ``tmp_path``.

The cell's source is :func:`~inception_edu.course.launch.install_cell_source`, the text
``tests/test_launch.py`` checks every notebook holds. Skipped, saying why, where ``git``
or ``venv`` is missing. About 3 seconds on the course's 2-core CPU.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from inception_edu.course import launch

ROOT = Path(__file__).resolve().parents[1]

# Runs the cell as a notebook would (one namespace, top level), then reports.
RUNNER = """\
import json, os, sys
if sys.argv[2] == "colab":
    import google.colab  # Colab's kernel has imported it before any cell runs
before = list(sys.path)
exec(compile(open(sys.argv[1]).read(), "<install cell>", "exec"), {"__name__": "__main__"})
report = {"cwd": os.getcwd(), "added": [p for p in sys.path if p not in before]}
try:
    import inception_edu
    report["package"] = inception_edu.__file__
except ImportError:
    report["package"] = None
print("REPORT " + json.dumps(report))
"""


def _git(*args, cwd=None):
    command = ["git", "-c", "user.name=test", "-c", "user.email=test@invalid"]
    command += ["-c", "commit.gpgsign=false", "-c", "core.hooksPath=/dev/null", *args]
    return subprocess.run(command, cwd=cwd, check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """``(python, env, folder)``: the fresh environment's interpreter, the environment
    variables of a Colab stand-in, and a scratch folder outside the repository."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed: the install cell clones the course with git")
    folder = tmp_path_factory.mktemp("colab")
    venv = folder / "venv"
    try:
        subprocess.run(
            [sys.executable, "-m", "venv", "--without-pip", str(venv)],
            check=True,
            capture_output=True,
        )
    except (subprocess.CalledProcessError, OSError) as error:
        pytest.skip(f"'python -m venv' does not work here ({error}); on Debian: python3-venv")
    paths = {"base": str(venv), "platbase": str(venv)}
    own = Path(sysconfig.get_path("purelib", vars=paths))
    stack = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (own / "colab_stack.pth").write_text("\n".join(sorted(stack)) + "\n")
    (own / "google" / "colab").mkdir(parents=True)  # `google` stays a namespace package
    (own / "google" / "colab" / "__init__.py").write_text("")

    origin = folder / "origin"
    _git("init", "-q", f"--initial-branch={launch.BRANCH}", str(origin))
    tree = ["--git-dir", str(origin / ".git"), "--work-tree", str(ROOT)]
    _git(*tree, "add", "-A")
    _git(*tree, "commit", "-q", "-m", "snapshot of the working tree")

    python = venv / "bin" / "python"
    if not python.exists():  # Windows
        python = venv / "Scripts" / "python.exe"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.update(
        PYTHONNOUSERSITE="1",
        GIT_CONFIG_COUNT="1",  # git 2.31 or later
        GIT_CONFIG_KEY_0=f"url.{origin.as_uri()}.insteadOf",
        GIT_CONFIG_VALUE_0=launch.REPOSITORY_URL,
        INCEPTION_EDU_HOME=str(folder / "content" / "inception-edu"),
    )
    (folder / "run_cell.py").write_text(RUNNER)
    (folder / "cell.py").write_text(launch.install_cell_source())
    return python, env, folder


def _run(colab, mode: str):
    python, env, folder = colab
    done = subprocess.run(
        [str(python), str(folder / "run_cell.py"), str(folder / "cell.py"), mode],
        cwd=folder,  # outside the repository
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    *printed, report = done.stdout.splitlines()
    assert report.startswith("REPORT "), done.stdout
    return printed, json.loads(report[len("REPORT ") :]), done.stderr


def test_on_colab_the_cell_clones_imports_the_clone_and_changes_nothing(colab):
    home = Path(colab[1]["INCEPTION_EDU_HOME"])
    printed, report, stderr = _run(colab, "colab")
    assert (home / ".git").is_dir() and (home / "inception_edu" / "course" / "launch.py").is_file()
    assert Path(report["package"]) == home / "inception_edu" / "__init__.py"
    assert Path(report["cwd"]) == home / "notebooks"
    assert report["added"] == [str(home)]
    assert len(printed) == 1 and printed[0].startswith("nothing changed"), printed
    assert stderr == ""

    # run again (a restarted session): the clone is reused, still nothing to change
    (home / "kept.txt").write_text("a re-clone would have failed on this folder")
    again, report, _ = _run(colab, "colab")
    assert again == printed and (home / "kept.txt").exists()
    assert Path(report["package"]) == home / "inception_edu" / "__init__.py"


def test_outside_colab_the_cell_prints_nothing_and_changes_nothing(colab):
    python, env, folder = colab
    env = {**env, "INCEPTION_EDU_HOME": str(folder / "not-on-colab")}
    printed, report, stderr = _run((python, env, folder), "plain")
    assert printed == [] and stderr == ""
    assert report == {"cwd": str(folder), "added": [], "package": None}
    assert not (folder / "not-on-colab").exists()
