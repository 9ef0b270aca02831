"""The library under the course: the layers of ``.importlinter``, checked by import-linter.

``make check`` and ``make test`` run ``lint-imports`` on the package; these tests check
that it passes here and that it fails, naming the broken contract, when a lower layer
imports a higher one (a test of the contract itself).
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def package_copy(tmp_path):
    """The package and its contracts in a temporary folder, to break on purpose."""
    shutil.copytree(REPO / "inception_edu", tmp_path / "inception_edu")
    shutil.copy(REPO / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def test_the_package_keeps_its_layers():
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("training/recipe.py", "import inception_edu.viz.curves", "Each layer imports only"),
        ("zoo/mini.py", "import inception_edu.analysis", "Each layer imports only"),
        ("zoo/mini.py", "import inception_edu.backend", "The zoo is specs only"),
        ("widgets/blocks.py", "import inception_edu.exercises.nb00", "Each layer imports only"),
        ("experiments/scale_out.py", "import inception_edu.experiments.transfer", "One module"),
    ],
)
def test_an_import_against_the_layers_is_reported(package_copy, module, line, contract):
    path = package_copy / "inception_edu" / module
    path.write_text(path.read_text() + f"\n{line}  # against the layers\n")
    result = lint_imports(package_copy)
    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if row.endswith("BROKEN")]
    assert any(row.startswith(contract) for row in broken), result.stdout
