"""Run notebook 08's heavy study of residual scaling (claim C32) and store its results.

The paper's claim is about Inception-ResNets with more than 1,000 filters; this trains
the course's mini Inception-ResNet on a trunk of that width, unscaled and scaled, over
seeds and learning rates (the paper's 0.045 among them), with a constant rate and with
He et al.'s warm-up (inception_edu.experiments.residual_scaling.study): 84 runs, more
than a notebook's budget (the file records the wall time it took, ``wall_seconds``).
Writes a small JSON file with the runs and their provenance (command, seeds, versions,
machine, date, commit, wall time), which notebook 08 reads offline:

    python scripts/residual_scaling_study.py
    python scripts/residual_scaling_study.py --channels 2048 --blocks 10 --out /tmp/x.json
    python scripts/residual_scaling_study.py --growth

The defaults regenerate the stored files (inception_edu/experiments/residual_scaling/
results/wide_trunk.json; with --growth, results/growth.json: the trunk's growth at
initialisation for widths 64, 256 and 1,024, which the notebook measures live only for
the widest).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inception_edu.backend import keras, tf  # noqa: E402
from inception_edu.experiments.residual_scaling import study  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    defaults = study.StudySettings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=defaults.channels)
    parser.add_argument("--blocks", type=int, default=defaults.blocks)
    parser.add_argument("--scale", type=float, default=defaults.scale)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(defaults.seeds))
    parser.add_argument(
        "--learning-rates", type=float, nargs="+", default=list(defaults.learning_rates)
    )
    parser.add_argument("--epochs", type=int, default=defaults.epochs)
    parser.add_argument("--samples", type=int, default=defaults.samples)
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--warmup-steps", type=int, default=defaults.warmup_steps)
    parser.add_argument("--warmup-factor", type=float, default=defaults.warmup_factor)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--growth",
        action="store_true",
        help="instead: the growth at initialisation, 16 blocks, widths 64/256/1024, "
        "the seeds given (default --out: results/growth.json)",
    )
    return parser.parse_args(argv)


def _git(*args) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.strip()


def _cpu() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def provenance(argv, seconds: float) -> dict:
    status = _git("status", "--porcelain")
    return {
        "command": "python scripts/residual_scaling_study.py"
        + "".join(f" {a}" for a in (sys.argv[1:] if argv is None else argv)),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": _git("rev-parse", "HEAD"),
        "dirty": None if status is None else bool(status),
        "versions": {
            "python": platform.python_version(),
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "numpy": __import__("numpy").__version__,
        },
        "machine": f"{_cpu()}, {os.cpu_count()} CPU cores, {platform.system()}",
        "wall_seconds": round(seconds, 1),
    }


def _write(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(record, indent=1) + "\n")
    os.replace(partial, path)


def growth_main(args, argv) -> dict:
    start = time.perf_counter()
    measured = study.measure_growth(seeds=tuple(args.seeds))
    record = study.growth_record(measured, provenance(argv, time.perf_counter() - start))
    out = args.out or study.GROWTH_FILE
    _write(out, record)
    for channels, per_seed in measured.items():
        shown = "  ".join(f"{g.growth(1.0):.2f}x" for g in per_seed)
        print(f"{channels:>5} channels, unscaled growth per seed: {shown}")
    print(f"wrote {out}")
    return record


def main(argv=None) -> dict:
    args = parse_args(argv)
    if args.growth:
        return growth_main(args, argv)
    settings = study.StudySettings(
        channels=args.channels,
        blocks=args.blocks,
        scale=args.scale,
        seeds=tuple(args.seeds),
        learning_rates=tuple(args.learning_rates),
        epochs=args.epochs,
        samples=args.samples,
        batch_size=args.batch_size,
        warmup_steps=args.warmup_steps,
        warmup_factor=args.warmup_factor,
    )
    start = time.perf_counter()
    runs = study.run_study(settings)
    record = study.study_record(runs, settings, provenance(argv, time.perf_counter() - start))
    out = args.out or study.STUDY_FILE
    _write(out, record)
    print(study.study_table(runs))
    print(f"wrote {out} ({record['provenance']['wall_seconds']} s)")
    return record


if __name__ == "__main__":
    main()
