"""How long a class waits for its plane: the capstone command on a class's folder of designs.

The README's capstone lecture plan (notebook 11) has the class save its designs into one
folder and the instructor train them all at once with

    python -m inception_edu capstone designs/ --seeds 0 1 2 --epochs 4

This script makes such a folder (``--designs`` of them, default 12: a class of 24 in
pairs), each a variation of one of the course's references (its filters scaled by 0.5,
0.75 or 1.25, so that every design differs), runs that command as the instructor would,
in a fresh Python process (TensorFlow's import included), and prints the wall time, per
design and per design and seed. ``--record`` writes it, with its provenance, to
``benchmarks/results/capstone_session.json``, which ``scripts/readme_tables.py`` quotes
in README's lecture plan.

    python benchmarks/capstone_session.py --designs 12 --record
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from run_times import REPO, provenance, write_results  # (benchmarks/, beside this file)

from inception_edu.experiments.capstone import reference_designs, save_design

RESULTS = REPO / "benchmarks" / "results" / "capstone_session.json"
FACTORS = (0.5, 0.75, 1.25)


def class_folder(folder: Path, count: int) -> list:
    """``count`` designs in ``folder``: the references in turn, filters scaled in turn."""
    references = list(reference_designs().values())
    names = []
    for index in range(count):
        design = references[index % len(references)]
        factor = FACTORS[(index // len(references)) % len(FACTORS)]
        branches = [
            [
                {**op, "filters": max(1, round(op["filters"] * factor))} if "filters" in op else op
                for op in ops
            ]
            for ops in design["branches"]
        ]
        name = f"pair {index + 1:02d}: {design['name']} x{factor:g}"
        save_design({**design, "name": name, "branches": branches}, folder / f"{index:02d}.json")
        names.append(name)
    return names


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--designs", type=int, default=12, help="designs in the class folder")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--record", action="store_true", help=f"write {RESULTS.name}")
    args = parser.parse_args(argv)
    if args.designs < 1 or args.epochs < 1 or len(args.seeds) < 1:
        parser.error("--designs, --epochs and --seeds need at least 1")
    command = (
        f"python -m inception_edu capstone designs/ --seeds {' '.join(map(str, args.seeds))} "
        f"--epochs {args.epochs}"
    )
    how = f"python benchmarks/capstone_session.py --designs {args.designs} --record"
    record = provenance(["inception_edu", "benchmarks/capstone_session.py"], how)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "designs"
        folder.mkdir()
        names = class_folder(folder, args.designs)
        seeds = [str(seed) for seed in args.seeds]
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "inception_edu", "capstone", str(folder), "--seeds", *seeds,
             "--epochs", str(args.epochs), "--out", str(Path(tmp) / "out")],
            check=True, cwd=REPO, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        seconds = time.perf_counter() - started
    networks = len(names) + len(reference_designs())
    print(
        f"{command}: {len(names)} designs and the {len(reference_designs())} references, "
        f"{len(args.seeds)} seeds, {args.epochs} epochs: {seconds:.0f} s "
        f"({seconds / networks:.1f} s per design, {seconds / networks / len(args.seeds):.1f} "
        "s per design and seed)"
    )
    if args.record:
        about = (
            "Wall time of the capstone command on a class folder (README, the capstone "
            "lecture plan); written by benchmarks/capstone_session.py --record."
        )
        measured = {
            "measured": command,
            "designs": len(names),
            "references": len(reference_designs()),
            "seeds": args.seeds,
            "epochs": args.epochs,
            "seconds": round(seconds, 1),
        }
        write_results(RESULTS, {"about": about, **measured, **record})
    return 0


if __name__ == "__main__":
    sys.exit(main())
