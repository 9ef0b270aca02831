"""How long the course takes to run: each notebook top to bottom, and the make targets.

The README quotes these times (the notebooks table, the lecture plan, the gates, the
slides and the site). They cannot be recomputed in a test, so this script measures them
and records each one in ``benchmarks/results/run_times.json`` with where it came from:
the date, the commit (and whether the measured files differed from it), the CPU model,
its core count and load, the Python, TensorFlow, Keras and ipywidgets versions.
``scripts/readme_tables.py`` writes the README's numbers from that file and its
``--check`` fails when they differ.

- ``notebooks [NN ...]``: executes each notebook (all of them without arguments; ``ko/NN``
  a Korean one, ``ko`` all twelve Korean ones) in a fresh kernel, as ``make notebooks``
  does, but on a copy in a temporary folder: the notebooks and their stored outputs are
  never written. Records each notebook's seconds,
  and with no argument also the whole run's (``all_notebooks``).
- ``gate TARGET``: times ``make TARGET`` in this checkout (``check``, ``test``, ``slides``,
  ``site``, ``test-portable``, ``test-envs``: the targets whose time the README quotes) and
  reads pytest's summary lines (how many tests passed, how long each pytest run took).
  The entry is ``make_TARGET`` with ``-`` written ``_`` (``make_test_portable``).

:func:`provenance` and :func:`write_results` are shared by the other benchmarks that
record what they measure (``analysis_speed.py``, ``widget_speed.py``,
``record_latency.py``), each into its own file under ``benchmarks/results/``.

Measure on an idle machine: the README's times are the course's 2-core CPU, and a busy
core makes a notebook slower. Run: ``.venv/bin/python benchmarks/run_times.py notebooks 02``.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # run as a script from any folder: the checkout's package

from inception_edu.course.provenance import cpu_model, git, version  # noqa: E402

NOTEBOOKS = REPO / "notebooks"
RESULTS = REPO / "benchmarks" / "results" / "run_times.json"

#: pytest's last line: "==== 625 passed, 3 skipped in 84.12s (0:01:24) ====".
# pytest's last line: "=== 625 passed, 3 skipped in 84.12s ===", or under -q without the rules
PYTEST_SUMMARY = re.compile(
    r"^(?:=+ )?(?P<counts>\d+ (?:passed|failed|error)[^\n]*?) in (?P<seconds>[0-9.]+)s\b[^\n]*$",
    re.M,
)


#: The versions a measurement names: the interpreter's and these packages'.
VERSIONED = ("tensorflow", "keras", "ipywidgets")

#: The targets ``gate`` times: those whose time the README quotes.
GATES = ("check", "test", "slides", "site", "test-portable", "test-envs")


def provenance(paths: list[str], how: str, packages: tuple[str, ...] = ()) -> dict:
    """Where a measurement came from: when, which commit, which machine and versions.

    ``dirty`` is true when any of ``paths`` (the measured files) differs from the commit,
    so a time measured on uncommitted work says so. ``load_average`` is the machine's
    1-minute load average when this is called: near the core count, other work shared
    the CPU. ``packages`` adds versions to :data:`VERSIONED`'s.
    """
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    return {
        "how": how,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": git("rev-parse", "HEAD", root=REPO),
        "dirty": bool(git("status", "--porcelain", "--", *paths, root=REPO)),
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "load_average": None if load is None else round(load, 2),
        "python": platform.python_version(),
        **{package: version(package) for package in (*VERSIONED, *packages)},
    }


def notebook_paths(numbers: list[str]) -> list[Path]:
    """The notebooks named by their numbers ("02"; "ko/02" the Korean one; "ko" every
    Korean one), or every English one; unknown numbers exit 2."""
    every = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    korean = sorted((NOTEBOOKS / "ko").glob("[0-9][0-9]_*.ipynb"))
    if not numbers:
        return every
    by_number = {path.name[:2]: path for path in every}
    by_number.update({f"ko/{path.name[:2]}": path for path in korean})
    if "ko" in numbers:
        numbers = [n for n in numbers if n != "ko"] + [f"ko/{p.name[:2]}" for p in korean]
    unknown = [n for n in numbers if n not in by_number]
    if unknown:
        sys.exit(f"error: no notebook {' '.join(unknown)}; allowed: {' '.join(by_number)}")
    return [by_number[n] for n in numbers]


def execute_copy(path: Path, folder: Path) -> float:
    """Seconds to run ``path`` top to bottom in a fresh kernel, from ``folder``.

    ``folder`` stands in for ``notebooks/``: the copy runs with it as the working
    directory, so relative paths a notebook writes to (notebook 09's ``../build/09``) land
    beside it in the temporary folder. Kernel start-up counts, as in ``make notebooks``.
    """
    import nbclient
    import nbformat

    nb = nbformat.read(path, as_version=4)  # in memory: nothing is written back
    client = nbclient.NotebookClient(
        nb, timeout=None, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start


def measure_notebooks(numbers: list[str]) -> dict:
    """Each notebook's seconds (and the whole run's when all ran), with provenance."""
    paths = notebook_paths(numbers)
    results: dict = {"notebooks": {}}
    with tempfile.TemporaryDirectory(prefix="run_times_") as tmp:
        folder = Path(tmp) / "notebooks"
        (folder / "ko").mkdir(parents=True)
        start = time.perf_counter()
        for path in paths:
            # a Korean notebook runs from notebooks/ko/, as make notebooks runs it
            korean = path.parent.name == "ko"
            seconds = execute_copy(path, folder / "ko" if korean else folder)
            name = f"ko/{path.stem}" if korean else path.stem
            print(f"{name:<35}{seconds:>8.1f} s", flush=True)
            results["notebooks"][name] = {
                "seconds": round(seconds, 1),
                **provenance(
                    [f"notebooks/{path.relative_to(NOTEBOOKS)}", "inception_edu"],
                    "benchmarks/run_times.py notebooks: a copy executed by nbclient",
                ),
            }
        total = time.perf_counter() - start
    print(f"{'all ' + str(len(paths)):<32}{total:>8.1f} s")
    if not numbers:
        results["all_notebooks"] = {
            "seconds": round(total, 1),
            "count": len(paths),
            **provenance(
                ["notebooks", "inception_edu"],
                "benchmarks/run_times.py notebooks: every notebook, one after another",
            ),
        }
    return results


def pytest_runs(output: str) -> list[dict]:
    """Each pytest summary line of ``output``: seconds and counts ("passed": 625, ...)."""
    runs = []
    for match in PYTEST_SUMMARY.finditer(output):
        counts = {}
        for part in match["counts"].split(","):
            number, _, word = part.strip().partition(" ")
            if number.isdigit():
                counts[word] = int(number)
        runs.append({"seconds": float(match["seconds"]), **counts})
    return runs


def gate_key(target: str) -> str:
    """The results entry of ``make target``: "make_test_portable" for "test-portable"."""
    return "make_" + target.replace("-", "_")


def measure_gate(target: str) -> dict:
    """``make <target>``'s wall seconds, and each pytest run's summary, with provenance."""
    start = time.perf_counter()
    done = subprocess.run(
        ["make", target], cwd=REPO, capture_output=True, text=True, env=os.environ.copy()
    )
    seconds = time.perf_counter() - start
    output = done.stdout + done.stderr
    if done.returncode:
        print(output[-4000:])
        sys.exit(f"error: make {target} failed (exit {done.returncode}); nothing recorded")
    runs = pytest_runs(output)
    print(f"make {target}: {seconds / 60:.1f} minutes; pytest runs: {runs}")
    return {
        gate_key(target): {
            "seconds": round(seconds, 1),
            "pytest_runs": runs,
            **provenance(["."], f"benchmarks/run_times.py gate {target}: make {target}"),
        }
    }


def record(new: dict, path: Path = RESULTS) -> None:
    """Merge ``new`` into the results file: measured entries replace older ones."""
    data = json.loads(path.read_text()) if path.exists() else {}
    for key, value in new.items():
        if key == "notebooks":
            data.setdefault("notebooks", {}).update(value)
            data["notebooks"] = dict(sorted(data["notebooks"].items()))
        else:
            data[key] = value
    write_results(path, data)


def write_results(path: Path, data: dict) -> None:
    """Write one results file (JSON, two-space indent) and say what comes next."""
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
    print(f"recorded in {shown}; then: python scripts/readme_tables.py")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    notebooks = commands.add_parser("notebooks", help="run notebooks (copies) and time them")
    notebooks.add_argument("numbers", nargs="*", help="notebook numbers (02 07); none: all")
    gate = commands.add_parser("gate", help="time a make target the README quotes")
    gate.add_argument("target", choices=GATES)
    parser.add_argument("--dry-run", action="store_true", help="print, do not record")
    args = parser.parse_args(argv)
    if args.command == "notebooks":
        results = measure_notebooks(args.numbers)
    else:
        results = measure_gate(args.target)
    if not args.dry_run:
        record(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
