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
    python scripts/residual_scaling_study.py --width 1.0 --branches 3 --out /tmp/y.json
    python scripts/residual_scaling_study.py --growth

The network is the mini Inception-ResNet of inception_edu.zoo.mini: a 3x3/2 stem to a
trunk of ``--channels``, then ``--blocks`` Inception-ResNet-A blocks of v1 (Figure 10) that
keep their first ``--branches`` branches at ``--width`` of the figure's 32 filters, each
ending in the linear 1x1 back to the trunk's channels. The study's defaults (width 0.25, 2
branches: 8 + 8 filters, a residual of rank 16 on a 1,024-channel trunk) keep 84 runs
within a CPU's quarter of an hour; ``--width 1.0 --branches 3`` gives the figure's block.

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
    parser.add_argument(
        "--channels", type=int, default=None, help=f"trunk width (default {defaults.channels})"
    )
    parser.add_argument(
        "--blocks",
        type=int,
        default=None,
        help=f"residual blocks (default {defaults.blocks}; with --growth {study.GROWTH_BLOCKS})",
    )
    parser.add_argument(
        "--width",
        type=float,
        default=None,
        help="share of Figure 10's 32 filters per branch conv "
        f"(default {defaults.width}; with --growth {study.GROWTH_WIDTH})",
    )
    parser.add_argument(
        "--branches",
        type=int,
        default=None,
        help="how many of the A block's 3 branches are kept "
        f"(default {defaults.branches}; with --growth {study.GROWTH_BRANCHES})",
    )
    parser.add_argument(
        "--widths",
        type=int,
        nargs="+",
        default=list(study.GROWTH_WIDTHS),
        help="with --growth: the trunk widths measured",
    )
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
        help="instead: the growth at initialisation over --widths and --seeds, "
        f"{study.GROWTH_BLOCKS} blocks of the figure's widths by default "
        "(default --out: results/growth.json)",
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


#: The files a run depends on, for the ``dirty`` flag: the package without what cannot
#: change its numbers (other notebooks' experiments, exercises, course text, widgets,
#: stored results), and this script: other sessions' work in progress elsewhere in the
#: checkout does not make a run dirty.
DIRTY_SCOPE = (
    "inception_edu",
    "scripts/residual_scaling_study.py",
    *(
        f":(exclude)inception_edu/{path}"
        for path in (
            "course",
            "exercises",
            "widgets",
            "experiments/auxiliary_heads.py",
            "experiments/grid_reduction.py",
            "experiments/naive_block.py",
            "experiments/scale_out.py",
            "experiments/transfer",
            "experiments/v3_recipe.py",
            "experiments/results",
            "experiments/residual_scaling/results",
        )
    ),
)


def provenance(argv) -> dict:
    """Where a run comes from, taken before it starts (so that edits made while it runs
    do not count): the command, date, commit, whether the files it depends on differ from
    the commit (``dirty``, over :data:`DIRTY_SCOPE`), versions and machine. The caller adds
    ``wall_seconds`` when the run ends."""
    status = _git("status", "--porcelain", "--", *DIRTY_SCOPE)
    return {
        "command": "python scripts/residual_scaling_study.py"
        + "".join(f" {a}" for a in (sys.argv[1:] if argv is None else argv)),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "commit": _git("rev-parse", "HEAD"),
        "dirty": None if status is None else bool(status),
        "dirty_scope": " ".join(DIRTY_SCOPE),
        "versions": {
            "python": platform.python_version(),
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "numpy": __import__("numpy").__version__,
        },
        "machine": f"{_cpu()}, {os.cpu_count()} CPU cores, {platform.system()}",
    }


def _write(path: Path, record: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_text(json.dumps(record, indent=1) + "\n")
    os.replace(partial, path)


def _given(value, default):
    return default if value is None else value


def growth_main(args, argv) -> dict:
    network = dict(
        widths=tuple(args.widths),
        blocks=_given(args.blocks, study.GROWTH_BLOCKS),
        width=_given(args.width, study.GROWTH_WIDTH),
        branches=_given(args.branches, study.GROWTH_BRANCHES),
        seeds=tuple(args.seeds),
    )
    made, start = provenance(argv), time.perf_counter()
    measured = study.measure_growth(**network)
    made["wall_seconds"] = round(time.perf_counter() - start, 1)
    record = study.growth_record(measured, made, network)
    out = args.out or study.GROWTH_FILE
    _write(out, record)
    for channels, per_seed in measured.items():
        shown = "  ".join(f"{g.growth(1.0):.2f}x" for g in per_seed)
        print(f"{channels:>5} channels, unscaled growth per seed: {shown}")
    print(f"wrote {out}")
    return record


def main(argv=None) -> dict:
    args = parse_args(argv)
    if args.growth and args.channels is not None:
        raise ValueError(
            f"--growth measures the trunk widths of --widths. Received --channels {args.channels}"
        )
    if args.growth:
        return growth_main(args, argv)
    defaults = study.StudySettings()
    settings = study.StudySettings(
        channels=_given(args.channels, defaults.channels),
        blocks=_given(args.blocks, defaults.blocks),
        width=_given(args.width, defaults.width),
        branches=_given(args.branches, defaults.branches),
        scale=args.scale,
        seeds=tuple(args.seeds),
        learning_rates=tuple(args.learning_rates),
        epochs=args.epochs,
        samples=args.samples,
        batch_size=args.batch_size,
        warmup_steps=args.warmup_steps,
        warmup_factor=args.warmup_factor,
    )
    print("\n".join(study.describe_network(settings)), flush=True)
    made, start = provenance(argv), time.perf_counter()
    runs = study.run_study(settings)
    made["wall_seconds"] = round(time.perf_counter() - start, 1)
    record = study.study_record(runs, settings, made)
    out = args.out or study.STUDY_FILE
    _write(out, record)
    print(study.study_table(runs))
    print(f"wrote {out} ({record['provenance']['wall_seconds']} s)")
    return record


if __name__ == "__main__":
    main()
