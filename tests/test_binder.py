"""Binder builds the course's own pinned environment on the Python the pins were made on."""

import importlib.metadata
import json
import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from inception_edu.course import launch

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"


def test_binder_installs_requirements_pinned_by_constraints():
    text = (BINDER / "requirements.txt").read_text(encoding="utf-8")
    lines = [line.split("#")[0].strip() for line in text.splitlines()]
    assert [line for line in lines if line] == ["-r ../requirements.txt", "-c ../constraints.txt"]


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _optional() -> set:
    """The packages of pyproject's optional extras (``heic``), by canonical name."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    extras = project.get("optional-dependencies", {}).values()
    return {_canonical(re.split(r"[<>=!~;\[ ]", req)[0]) for reqs in extras for req in reqs}


def test_binders_python_is_the_one_every_pin_accepts():
    """repo2docker's default is Python 3.10; numpy 2.4.6 and others need 3.11."""
    runtime = (BINDER / "runtime.txt").read_text(encoding="utf-8").strip()
    assert runtime == f"python-{sys.version_info.major}.{sys.version_info.minor}"
    pins = launch.parse_pins((ROOT / "constraints.txt").read_text(encoding="utf-8"))
    here = ".".join(map(str, sys.version_info[:3]))
    refused = {}
    for name, version in pins.items():
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            installed = None
        if installed is None and _canonical(name) in _optional():
            continue  # pinned for whoever installs the extra (pillow-heif), not installed
        if installed != version:  # e.g. make test-envs' floors: another set
            pytest.skip(f"this environment is not the pinned one ({name} {installed})")
        needs = importlib.metadata.metadata(name).get("Requires-Python")
        if needs and not SpecifierSet(needs).contains(here, prereleases=True):
            refused[name] = needs
    assert refused == {}


def test_make_and_binder_install_the_same_jupyterlab_defaults():
    """The live slides' settings (binder/overrides.json) reach JupyterLab both ways."""
    overrides = json.loads((BINDER / "overrides.json").read_text(encoding="utf-8"))
    assert overrides["@jupyterlab/notebook-extension:tracker"] == {"scrollPastEnd": False}
    assert "cp binder/overrides.json" in (BINDER / "postBuild").read_text(encoding="utf-8")
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "cp binder/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json" in makefile
    installed = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    if installed.is_file():  # a venv made by make setup
        assert json.loads(installed.read_text(encoding="utf-8")) == overrides
