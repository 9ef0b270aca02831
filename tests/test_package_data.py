"""Every data file the package reads at run time ships with it: a stored result or weight
file that ``[tool.setuptools.package-data]`` misses is absent from a non-editable
``pip install .`` (and from Colab's install when it is not an editable clone)."""

import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "inception_edu"


def _globs() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["setuptools"]["package-data"]["inception_edu"]


def _data_files() -> list[str]:
    """Files under the package that are neither Python, caches, notes (.md) nor hidden."""
    return sorted(
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file()
        and path.suffix not in {".py", ".pyc", ".md"}
        and "__pycache__" not in path.parts
        and not any(part.startswith(".") for part in path.relative_to(PACKAGE).parts)
    )


def test_every_data_file_is_declared_package_data():
    globs = _globs()
    missing = [name for name in _data_files() if not any(fnmatch(name, g) for g in globs)]
    assert missing == []


def test_the_check_sees_the_stored_results():
    # the test of the test: the stored studies are among the files it checks
    found = _data_files()
    assert "experiments/transfer/results/frozen_protocol.json" in found
    assert "experiments/residual_scaling/results/wide_trunk.json" in found
    assert not all(any(fnmatch(n, g) for g in _globs()[:1]) for n in found)
