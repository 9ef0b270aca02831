"""Do the notebooks' checked outputs hold on another machine? (`make test-portable`)

Strict nbval compares every output not marked ``# NBVAL_IGNORE_OUTPUT`` with the one stored
on the machine that ran ``make notebooks``. A learner's laptop, Colab or a CI runner has
another CPU, other float kernels, another thread count; a learner also changes the seeds.
This script checks both, so a checked cell never depends on float noise or on one seed:

``kernels``
    strict nbval of the given notebooks with TensorFlow's oneDNN kernels off (its Eigen
    kernels instead, another order of summation) and one thread for TensorFlow and BLAS:
    every checked output must come out the same as stored. ``make test`` runs this check
    on every notebook (with two threads, to stay in CI's time), so every CI run is a
    second machine.
``seeds``
    each notebook run by papermill with every seed parameter moved (``SEED``, ``SEEDS``,
    ``RF_SEEDS`` + ``--shift``): no error output allowed, and the list of checked cells
    whose output changes, each to be judged by hand (a printed verdict may change with the
    seeds; the prose must then claim no more than what holds on both seed sets).

Exit status: 0 when nothing failed, 1 when a check failed, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import ast
import configparser
import difflib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SANITIZE = NOTEBOOKS / "nbval_sanitize.cfg"

#: The environment of "another machine": TensorFlow's Eigen kernels instead of oneDNN's,
#: one thread for TensorFlow's ops and for numpy's BLAS.
OTHER_KERNELS = {
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}

#: Parameters that hold seeds: an int, or a tuple/list/range of ints.
SEED_NAME = re.compile(r"(^|_)SEEDS?$")

#: Outputs that are pictures or widget state: nbval does not compare them either.
UNCOMPARED = (
    "image/png",
    "image/jpeg",
    "image/svg+xml",
    "application/vnd.jupyter.widget-view+json",
)


def notebook_paths(names: list[str]) -> list[Path]:
    """The notebooks named by number ("07"; the Korean edition's: "ko/07") or path; every
    notebook of both editions when none is named."""
    english = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    korean = sorted((NOTEBOOKS / "ko").glob("[0-9][0-9]_*.ipynb"))
    if not names:
        return english + korean
    named = {p.name[:2]: p for p in english} | {f"ko/{p.name[:2]}": p for p in korean}
    chosen = []
    for name in names:
        path = Path(name)
        if path.suffix == ".ipynb" and path.exists():
            chosen.append(path.resolve())
            continue
        found = [named[name]] if name in named else []
        if len(found) != 1:
            numbers = ", ".join(named)
            raise ValueError(f"No notebook {name!r}. Allowed: a path or one of {numbers}")
        chosen += found
    return chosen


def sanitizers(path: Path = SANITIZE) -> list[tuple[re.Pattern, str]]:
    """The regex replacements of nbval's sanitize file, in its order."""
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


def is_checked(cell: dict) -> bool:
    """A code cell whose outputs strict nbval compares."""
    source = "".join(cell.get("source", ""))
    return cell["cell_type"] == "code" and not re.search(
        r"^\s*#\s*NBVAL_(IGNORE_OUTPUT|SKIP)\b", source, re.M
    )


def output_text(cell: dict, rules) -> str:
    """A checked cell's comparable outputs as one sanitized text."""
    parts, stream = [], None  # consecutive writes to one stream are one text, as for nbval
    for output in cell.get("outputs", []):
        kind = output["output_type"]
        if kind == "stream" and stream == output["name"]:
            parts[-1] += "".join(output["text"])
            continue
        stream = output["name"] if kind == "stream" else None
        if kind == "stream":
            parts.append("".join(output["text"]))
        elif kind == "error":
            parts.append(f"ERROR {output['ename']}: {output['evalue']}")
        else:
            data = output.get("data", {})
            for mime in sorted(data):
                if mime not in UNCOMPARED and not (
                    mime == "text/plain" and set(data) & set(UNCOMPARED)
                ):
                    value = data[mime]
                    parts.append(value if isinstance(value, str) else "".join(value))
    text = "\n".join(parts)
    for pattern, replacement in rules:
        text = pattern.sub(replacement, text)
    return text


def code_cells(notebook: dict) -> list[dict]:
    """Code cells in order, without the one papermill injects."""
    return [
        c
        for c in notebook["cells"]
        if c["cell_type"] == "code"
        and "injected-parameters" not in c.get("metadata", {}).get("tags", [])
    ]


def changed_cells(stored: dict, fresh: dict, rules) -> list[tuple[int, str, str, str]]:
    """(code-cell number, first source line, stored, fresh) of every checked cell that differs."""
    before, after = code_cells(stored), code_cells(fresh)
    if len(before) != len(after):
        raise ValueError(f"{len(before)} code cells stored but {len(after)} run")
    changes = []
    for number, (old, new) in enumerate(zip(before, after, strict=True), start=1):
        if not is_checked(old):
            continue
        a, b = output_text(old, rules), output_text(new, rules)
        if a != b:
            first = next((s for s in "".join(old["source"]).splitlines() if s.strip()), "")
            changes.append((number, first, a, b))
    return changes


def error_outputs(notebook: dict) -> list[str]:
    return [
        f"{o['ename']}: {o['evalue'][:160]}"
        for c in code_cells(notebook)
        for o in c.get("outputs", [])
        if o["output_type"] == "error"
    ]


def _literal(node: ast.expr) -> object:
    """A parameter's value: a Python literal, or ``range(...)`` / ``tuple(range(...))``."""
    try:
        return ast.literal_eval(node)
    except ValueError:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            args = [_literal(a) for a in node.args]
            if node.func.id == "range" and all(isinstance(a, int) for a in args):
                return list(range(*args))
            if node.func.id in ("tuple", "list") and len(args) == 1:
                return list(args[0])
        return None  # not a literal: left as the notebook has it


def parameters(notebook: dict) -> dict[str, object]:
    """The parameters cell's assignments, by name (``None`` where not a literal)."""
    for cell in notebook["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            return {
                node.targets[0].id: _literal(node.value)
                for node in ast.parse("".join(cell["source"])).body
                if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
            }
    raise ValueError("no cell tagged 'parameters'")


def shifted_seeds(values: dict[str, object], shift: int) -> dict[str, object]:
    """Every seed parameter moved by ``shift`` (lists for papermill, which writes them)."""
    moved = {}
    for name, value in values.items():
        if not SEED_NAME.search(name):
            continue
        if isinstance(value, int) and not isinstance(value, bool):
            moved[name] = value + shift
        elif isinstance(value, (tuple, list)) and all(isinstance(v, int) for v in value):
            moved[name] = [v + shift for v in value]
    return moved


def run_kernels(paths: list[Path], threads: int | None) -> int:
    environment = dict(os.environ, **OTHER_KERNELS)
    if threads is not None:
        for name in OTHER_KERNELS:
            if name.endswith("_THREADS"):
                environment[name] = str(threads)
    shown = " ".join(f"{k}={environment[k]}" for k in OTHER_KERNELS)
    print(f"portability (kernels): strict nbval with {shown}", flush=True)
    command = [sys.executable, "-m", "pytest", "--nbval", "--nbval-sanitize-with", str(SANITIZE)]
    return subprocess.call(command + [str(p) for p in paths], cwd=ROOT, env=environment)


def run_seeds(paths: list[Path], shift: int, out: Path) -> int:
    import papermill  # a test tool of requirements.txt, imported only here

    rules, failed = sanitizers(), False
    out.mkdir(parents=True, exist_ok=True)
    print(f"portability (seeds): every seed parameter + {shift}", flush=True)
    for path in paths:
        stored = json.loads(path.read_text(encoding="utf-8"))
        moved = shifted_seeds(parameters(stored), shift)
        if not moved:
            print(f"\n== {path.name}: no seed parameter, nothing to move", flush=True)
            continue
        target = out / path.name
        print(f"\n== {path.name} with {moved}", flush=True)
        try:
            papermill.execute_notebook(
                str(path),
                str(target),
                parameters=moved,
                cwd=str(NOTEBOOKS),
                progress_bar=False,
            )
        except papermill.PapermillExecutionError as error:
            print(f"   ERROR in cell {error.exec_count}: {error.ename}: {error.evalue[:200]}")
            failed = True
            continue
        fresh = json.loads(target.read_text(encoding="utf-8"))
        errors = error_outputs(fresh)
        if errors:
            failed = True
            print("   error outputs:", *errors, sep="\n     ")
        changes = changed_cells(stored, fresh, rules)
        print(f"   checked cells that change: {len(changes)}")
        for number, first, old, new in changes:
            print(f"   - code cell {number}: {first}")
            diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
            for line in list(diff)[2:]:
                if not line.startswith("@@"):
                    print(f"       {line[:150]}")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="check", required=True)
    kernels = sub.add_parser("kernels", help="strict nbval under other float kernels")
    kernels.add_argument("notebooks", nargs="*", help="numbers (07) or paths; default: all")
    kernels.add_argument("--threads", type=int, help="threads instead of 1 (CI: 2)")
    seeds = sub.add_parser("seeds", help="papermill with the seeds moved; changed checked cells")
    seeds.add_argument(
        "notebooks", nargs="*", help="numbers (07) or paths; default: every English one"
    )
    seeds.add_argument("--shift", type=int, default=100, help="added to every seed (100)")
    seeds.add_argument("--out", type=Path, default=ROOT / "build" / "portable")
    args = parser.parse_args(argv)
    try:
        paths = notebook_paths(args.notebooks)
        if args.check == "seeds" and not args.notebooks:  # the Korean edition runs the
            paths = [p for p in paths if p.parent == NOTEBOOKS]  # same code: English only
        if args.check == "kernels":
            if args.threads is not None and args.threads < 1:
                raise ValueError(f"--threads must be 1 or more. Received: {args.threads}")
            return run_kernels(paths, args.threads)
        if args.shift == 0:
            raise ValueError("--shift 0 runs the stored seeds. Allowed: any other integer")
        return run_seeds(paths, args.shift, args.out)
    except ValueError as error:
        print(f"portability: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
