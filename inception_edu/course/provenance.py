"""Where a stored result comes from: the one record every heavy-run script writes.

A result too heavy for a notebook (C10's gradients at 224x224, C32's study at 1,024
channels, C37's frozen-then-unfrozen protocol) is run by a script in ``scripts/`` and
stored as a small JSON file that the notebook reads. The file carries its provenance so
that a reader can tell what made it and rerun it: the command, the date, the commit, and
whether the files the run depends on differed from that commit (``dirty``, taken before
the run starts, so edits made while it runs do not count), the versions and the machine.
The benchmarks (``benchmarks/run_times.py``) take the machine's name and git from here too.

Nothing here imports TensorFlow: versions come from the installed distributions.
"""

from __future__ import annotations

import datetime
import importlib.metadata
import json
import os
import platform
import subprocess
from collections.abc import Sequence
from pathlib import Path

from inception_edu.i18n import N_, _

#: The checkout this package sits in (for an installed package, a folder with no git:
#: then :func:`git` answers ``None`` and the record says so).
REPOSITORY = Path(__file__).resolve().parents[2]

#: The packages whose versions a record names; TensorFlow as whichever distribution
#: installed it (the course pins ``tensorflow-cpu``).
VERSIONED = ("tensorflow", "keras", "numpy")

#: What the course's stored records hold, as :func:`read_record`'s callers name them
#: (``what``), marked for the message catalog: its error says them in the course's language.
RECORD_KINDS = (N_("study"), N_("growth"))


def git(*args: str, root: Path = REPOSITORY) -> str | None:
    """``git args`` in ``root``: its output without the trailing newline (leading spaces
    kept: they are a column of ``git status --porcelain``), or ``None`` where git or the
    repository is missing or the command fails."""
    try:
        done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    except OSError:
        return None
    return done.stdout.rstrip() if done.returncode == 0 else None


def cpu_model() -> str:
    """The CPU's marketing name (Linux's /proc/cpuinfo), else what Python knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def version(package: str) -> str | None:
    """``package``'s installed version (TensorFlow's from ``tensorflow-cpu`` too)."""
    names = (package, f"{package}-cpu") if package == "tensorflow" else (package,)
    for name in names:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return None


def uncommitted(scope: Sequence[str], root: Path = REPOSITORY) -> list[str] | None:
    """``git status --porcelain`` lines of the files under ``scope`` (paths relative to
    ``root``): what differs from the commit; ``None`` without git."""
    status = git("status", "--porcelain", "--", *scope, root=root)
    return None if status is None else status.splitlines()


def read_record(path, what: str, command: str) -> dict:
    """The JSON record a heavy-run script stored at ``path``. A missing file is a
    ``ValueError`` naming ``what`` it holds (one of :data:`RECORD_KINDS`, or any word
    marked for the catalog) and the ``command`` that writes it, so a learner who deleted
    it (or a checkout without it) knows how to make it again."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(
            _("No stored {what} at {path}. Run: {command}").format(
                what=_(what), path=path, command=command
            )
        )
    return json.loads(path.read_text())


def provenance(command: str, scope: Sequence[str], root: Path = REPOSITORY) -> dict:
    """The record of a run about to start: ``command`` as typed, the UTC date, the commit,
    ``dirty`` (whether any file under ``scope`` differs from it; ``None`` without git) and
    ``dirty_scope``, the Python and :data:`VERSIONED` versions, the machine (CPU, cores,
    system) and its 1-minute load average (near the core count, other work shared the
    CPU). The caller adds what the run itself measured (its wall time, its settings)."""
    if not scope:
        raise ValueError(
            "scope must name the files the run depends on (paths in the repository). "
            f"Received: {scope!r}"
        )
    changed = uncommitted(scope, root)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "command": command,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": git("rev-parse", "HEAD", root=root),
        "dirty": None if changed is None else bool(changed),
        "dirty_scope": " ".join(scope),
        "versions": {
            "python": platform.python_version(),
            **{package: version(package) for package in VERSIONED},
        },
        "machine": f"{cpu_model()}, {os.cpu_count()} CPU cores, {platform.system()}",
        "load_average": None if load is None else round(load, 2),
    }
