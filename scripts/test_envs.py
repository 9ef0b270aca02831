"""``make test-envs``: the course in two environments other than the pinned one.

- ``floors``: the lowest versions the course's ranges allow (``pyproject.toml``'s
  ``dependencies`` and ``requirements.txt``; ``uv pip install --resolution lowest-direct``:
  every direct requirement at its floor, what they need at its newest), then every unit
  test but the browser tests (``tests/e2e``) and every notebook, executed top to bottom.
- ``colab``: Colab's versions of the course's packages, from its published ``pip freeze``
  (``tests/fixtures/colab-2026-08-19.txt``; the interpreter running this script stands in
  for Colab's Python 3.13, ``tensorflow-cpu`` for Colab's GPU ``tensorflow``). Every
  requirement Colab ships is installed at Colab's version, everything they pull in is
  held to Colab's versions too, and what Colab lacks (test tools, JupyterLab, the site
  builders) is left out, as on Colab. Then the notebooks' install cell runs as Colab runs
  it (an imported ``google.colab``; the clone is this checkout), so whatever it installs
  is installed; then the explorer and checker tests (:data:`WIDGET_TESTS`: every explorer
  constructed and updated headless) and every notebook.

A notebook passes when no cell's output is an error. The environments live under
``build/envs/`` (reused while their inputs are unchanged); the notebooks run one at a
time in a copy under ``build/envs/<env>/work`` (their ``../build/09`` cache stays
there). Everything is printed; the exit status is 1 if anything failed.

    python scripts/test_envs.py --uv build/envs/tools/bin/uv floors colab
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from packaging.requirements import Requirement  # noqa: E402
from packaging.utils import canonicalize_name  # noqa: E402
from packaging.version import Version  # noqa: E402

from inception_edu.course import launch  # noqa: E402

ENVS = ROOT / "build" / "envs"
FREEZE = ROOT / "tests" / "fixtures" / "colab-2026-08-19.txt"

#: Every explorer, the training panel and the exercise checkers, driven headless.
WIDGET_TESTS = [
    "tests/test_widgets.py",
    "tests/test_factorization.py",
    "tests/test_grid_reduction.py",
    "tests/test_recipe_widgets.py",
    "tests/test_residual_widgets.py",
    "tests/test_transfer_widgets.py",
    "tests/test_stages.py",
    "tests/test_training_panel.py",
    "tests/test_exercises.py",
]
#: What the harness itself needs in the Colab stand-in (Colab has pytest and nbconvert,
#: hence nbclient, already): only packages the course does not require.
HARNESS = ["hypothesis"]

# Executes one notebook in the environment's own kernel and prints its error outputs.
RUN_NOTEBOOK = """\
import json, sys
import nbformat
from nbclient import NotebookClient
source, folder, target = sys.argv[1:4]
notebook = nbformat.read(source, as_version=4)
NotebookClient(notebook, timeout=900, kernel_name="python3", allow_errors=True,
               resources={"metadata": {"path": folder}}).execute()
nbformat.write(notebook, target)
errors = [
    f"cell {i}: {out.get('ename')}: {out.get('evalue')}"
    for i, cell in enumerate(notebook.cells)
    for out in cell.get("outputs", [])
    if out.get("output_type") == "error"
]
print("ERRORS " + json.dumps(errors))
"""

# The install cell, run the way Colab's kernel runs it (google.colab already imported).
RUN_INSTALL_CELL = """\
import sys, types
sys.modules["google.colab"] = types.ModuleType("google.colab")
exec(compile(sys.argv[1], "<install cell>", "exec"), {"__name__": "__main__"})
"""


def _say(text: str) -> None:
    print(text, flush=True)


def _run(command: list, **kwargs) -> subprocess.CompletedProcess:
    _say("$ " + " ".join(str(part) for part in command))
    return subprocess.run([str(part) for part in command], **kwargs)


def _python(env: Path) -> Path:
    return env / "bin" / "python"


def _fresh_env(uv: Path, env: Path, key: str) -> bool:
    """Create ``env`` unless it was made from the same inputs (``key``); True if reused."""
    stamp = env / ".inputs"
    if _python(env).exists() and stamp.is_file() and stamp.read_text() == key:
        _say(f"reusing {env.relative_to(ROOT)} (its inputs are unchanged)")
        return True
    shutil.rmtree(env, ignore_errors=True)
    _run([uv, "venv", "--quiet", "--seed", "--python", sys.executable, env], check=True)
    return False


def _stamp(env: Path, key: str) -> None:
    (env / ".inputs").write_text(key)


def _key(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _freeze(env: Path) -> dict:
    done = _run(
        [_python(env), "-m", "pip", "list", "--format=json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return {canonicalize_name(p["name"]): p["version"] for p in json.loads(done.stdout)}


def course_requirements() -> list:
    """Every requirement of the course's environment, as ``packaging`` Requirements: the
    package's declared dependencies (``pyproject.toml``, what a learner needs) and what
    ``requirements.txt`` adds (JupyterLab, the kernel, the maintainers' tools)."""
    added = []
    for line in (ROOT / "requirements.txt").read_text("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):  # -e ., -c ...: options, not requirements
            added.append(Requirement(line))
    return launch.course_requirements(ROOT) + added


def _report_versions(env: Path, requirements: list) -> dict:
    installed = _freeze(env)
    _say(f"{'requirement':<24}{'range':<18}installed")
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        found = installed.get(name, "(not installed)")
        _say(f"{name:<24}{str(requirement.specifier):<18}{found}")
    return installed


def _unit_tests(env: Path, tests: list, results: dict, label: str) -> None:
    done = _run(
        [_python(env), "-m", "pytest", "-q", "-p", "no:cacheprovider", *tests],
        cwd=ROOT,
    )
    results[label] = "pass" if done.returncode == 0 else f"FAIL (pytest exit {done.returncode})"


def _notebooks(env: Path, results: dict) -> None:
    work = env / "work"
    shutil.rmtree(work, ignore_errors=True)
    (work / "notebooks").mkdir(parents=True)
    (work / "executed").mkdir()
    runner = work / "run_notebook.py"
    runner.write_text(RUN_NOTEBOOK)
    variables = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    variables.update(PATH=f"{env / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    variables.update(MPLBACKEND="module://matplotlib_inline.backend_inline")
    for source in sorted((ROOT / "notebooks").glob("[0-9]*.ipynb")):
        copy = work / "notebooks" / source.name
        shutil.copy2(source, copy)
        start = time.perf_counter()
        done = _run(
            [_python(env), runner, copy, copy.parent, work / "executed" / source.name],
            cwd=copy.parent,
            env=variables,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - start
        lines = done.stdout.splitlines()
        if done.returncode != 0 or not lines or not lines[-1].startswith("ERRORS "):
            tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
            results[f"notebook {source.stem}"] = "FAIL (did not run): " + " | ".join(tail)
        else:
            errors = json.loads(lines[-1][len("ERRORS ") :])
            results[f"notebook {source.stem}"] = (
                f"pass ({seconds:.0f} s)" if not errors else "FAIL: " + "; ".join(errors)
            )
        _say(f"  {source.stem}: {results[f'notebook {source.stem}']}")


def floors(uv: Path, requirements: list, results: dict, build_only: bool = False) -> None:
    env = ENVS / "floors"
    files = [ROOT / "requirements.txt", ROOT / "pyproject.toml"]
    key = _key("floors", *(path.read_text("utf-8") for path in files), sys.version)
    if not _fresh_env(uv, env, key):
        # -r pyproject.toml: the package's own dependencies are direct requirements too
        _run(
            [uv, "pip", "install", "--quiet", "--python", _python(env)]
            + ["--resolution", "lowest-direct", "-r", files[0], "-r", files[1]],
            cwd=ROOT,
            check=True,
        )
        _stamp(env, key)
    installed = _report_versions(env, requirements)
    if build_only:
        return
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        floors = [s.version for s in requirement.specifier if s.operator == ">="]
        version = installed.get(name)
        if floors and version is not None and Version(version) != Version(floors[0]):
            _say(f"  note: {name} {version} installed, the floor {floors[0]} is not")
    # every unit test but the browser's (Debian's Chromium against JupyterLab's floor is not
    # the floors' question): about 13 minutes
    _unit_tests(env, ["tests", "--ignore=tests/e2e"], results, "unit tests (all but tests/e2e)")
    _notebooks(env, results)


def _install_held(uv: Path, env: Path, wanted: list, held: dict) -> None:
    """Install ``wanted`` with every other package held at Colab's version (``held``),
    except those whose Colab version needs a newer Python than this one (Colab runs 3.13):
    uv says so, they are let go one by one and printed, and uv picks their newest that
    installs here."""
    held = dict(held)
    constraints = env / "colab-constraints.txt"
    for _ in range(50):
        constraints.write_text("".join(f"{n}=={v}\n" for n, v in sorted(held.items())))
        done = _run(
            [uv, "pip", "install", "--quiet", "--python", _python(env)]
            + ["-c", constraints, *wanted],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if done.returncode == 0:
            return
        newer = re.findall(r"(\S+)==(\S+) depends on Python>=([0-9.]+)", done.stderr)
        let_go = {canonicalize_name(n) for n, _, _ in newer} & held.keys()
        if not let_go:
            _say(done.stderr)
            raise SystemExit(f"could not install Colab's versions into {env}")
        for name, version, python in newer:
            if canonicalize_name(name) in let_go:
                _say(f"  Colab's {name} {version} needs Python>={python}: not held")
                held.pop(canonicalize_name(name), None)
    raise SystemExit(f"could not install Colab's versions into {env}")


def colab(uv: Path, requirements: list, results: dict, build_only: bool = False) -> None:
    env = ENVS / "colab"
    colab_set = launch.parse_pins(FREEZE.read_text("utf-8"))
    wanted, absent = [], []
    for requirement in requirements:
        name = canonicalize_name(requirement.name)
        shipped = launch.STANDS_IN_FOR.get(name, name)
        if shipped in colab_set:
            wanted.append(f"{name}=={colab_set[shipped]}")
        else:
            absent.append(name)
    # everything the course's packages pull in stays at Colab's versions too
    held = dict(colab_set)
    held.pop("tensorflow", None)  # stood in for by tensorflow-cpu, pinned in `wanted`
    _say("Colab's versions installed: " + " ".join(wanted))
    _say("not on Colab, so not installed: " + " ".join(absent))
    _say("harness only (not the course's): " + " ".join(HARNESS))
    key = _key("colab", "\n".join(wanted), json.dumps(held, sort_keys=True), sys.version)
    if not _fresh_env(uv, env, key):
        _install_held(uv, env, wanted + HARNESS, held)
        # on Colab the install cell puts the clone on sys.path; here a .pth does the same
        # for the notebooks' kernels and the tests
        site = subprocess.run(
            [_python(env), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        (Path(site) / "inception_edu_clone.pth").write_text(f"{ROOT}\n")
        _stamp(env, key)
    if build_only:
        return
    before = _freeze(env)
    _say("the install cell, as on Colab:")
    variables = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    variables[launch.HOME_ENV] = str(ROOT)  # the clone is this checkout: nothing to clone
    done = _run(
        [_python(env), "-c", RUN_INSTALL_CELL, launch.install_cell_source()],
        env=variables,
        capture_output=True,
        text=True,
    )
    for line in done.stdout.splitlines():
        _say(f"  | {line}")
    if done.returncode != 0:
        _say(done.stderr)
    after = _freeze(env)
    changed = {n: (before.get(n), v) for n, v in after.items() if before.get(n) != v}
    _say(
        "  installed by the cell: "
        + (", ".join(f"{n} {a} -> {b}" for n, (a, b) in changed.items()) or "nothing")
    )
    results["install cell"] = (
        "pass" if done.returncode == 0 else f"FAIL (exit {done.returncode})"
    ) + f", changed: {', '.join(changed) or 'nothing'}"
    _report_versions(env, requirements)
    tests = WIDGET_TESTS + ["tests/test_widget_compat.py", "tests/test_fonts.py"]
    _unit_tests(env, tests, results, "explorers, checkers, fonts")
    _notebooks(env, results)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--uv", type=Path, required=True, help="the uv executable")
    parser.add_argument("envs", nargs="+", choices=("floors", "colab"))
    parser.add_argument("--build-only", action="store_true", help="make the envs, run nothing")
    args = parser.parse_args(argv)
    if not args.uv.exists():
        parser.error(f"--uv must be the uv executable. Received: {str(args.uv)!r}")
    requirements = course_requirements()
    status = 0
    for name in args.envs:
        _say(f"=== {name} ===")
        results: dict = {}
        run = {"floors": floors, "colab": colab}[name]
        run(args.uv.resolve(), requirements, results, args.build_only)
        _say(f"--- {name}: results")
        for what, result in results.items():
            _say(f"{what:<44}{result}")
            status |= "FAIL" in result
    return status


if __name__ == "__main__":
    sys.exit(main())
