"""``scripts/check_python.py``, which ``make setup`` runs before making ``.venv``: it
passes the Python versions the pinned set installs on, refuses the others with advice, and
agrees with ``requires-python`` in ``pyproject.toml``."""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "check_python.py"


def _check(*args):
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    "version, works",
    [
        ("3.10.13", False),  # no numpy 2.4 / keras 3.15 wheel
        ("3.11.4", False),  # soupsieve 4.1 (nbconvert's) needs 3.11.5
        ("3.11.5", True),
        ("3.12.7", True),
        ("3.13.0", True),
        ("3.14.0", False),  # no tensorflow-cpu 2.21 wheel
        ("4.0", False),
    ],
)
def test_a_version_passes_exactly_when_requires_python_admits_it(version, works):
    done = _check(version)
    assert (done.returncode == 0) == works, done.stderr
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert SpecifierSet(requires["requires-python"]).contains(version) == works
    if works:
        assert done.stdout == done.stderr == ""
    else:
        assert done.returncode == 1
        assert f"Python {version} cannot run the course" in done.stderr
        assert "3.11.5 to 3.13" in done.stderr and "uv python install 3.12" in done.stderr


def test_this_interpreter_is_checked_when_no_version_is_given():
    supported = (3, 11, 5) <= sys.version_info[:3] and sys.version_info[:2] <= (3, 13)
    assert (_check().returncode == 0) == supported


def test_a_version_that_is_not_one_is_refused():
    done = _check("three")
    assert done.returncode == 2 and "Received: 'three'" in done.stderr
