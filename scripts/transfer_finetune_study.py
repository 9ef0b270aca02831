"""Run notebook 09's heavy study of the standard transfer protocol (claim C37) and store it.

Three arms on the course folder, the same seeds and the same budget in epochs
(inception_edu.experiments.transfer.finetune): the course backbone fine-tuned in every
layer at Adam 0.001 (the source's way), the same backbone frozen while the new head
trains and then unfrozen at Adam 1e-5 with batch norm in inference mode (the standard
protocol of Keras' transfer-learning guide), and the same network from scratch. Five
seeds of three arms are more than notebook 09's budget, so this script runs them and
writes a small JSON file with the per-epoch validation accuracies and their provenance
(command, seeds, versions, machine, date, commit, dirty flag, wall time), which notebook
09 reads offline:

    python scripts/transfer_finetune_study.py
    python scripts/transfer_finetune_study.py --seeds 0 1 2 --epochs 8 --frozen-epochs 4 \
        --out /tmp/frozen.json

The defaults regenerate the stored file
(inception_edu/experiments/transfer/results/frozen_protocol.json); generate it from a
clean, committed checkout so that its commit names the code that made it.
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
from inception_edu.experiments.transfer import finetune  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    defaults = finetune.FinetuneSettings()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images-per-class", type=int, default=defaults.images_per_class)
    parser.add_argument("--seeds", type=int, nargs="+", default=list(defaults.seeds))
    parser.add_argument("--epochs", type=int, default=defaults.epochs)
    parser.add_argument("--frozen-epochs", type=int, default=defaults.frozen_epochs)
    parser.add_argument(
        "--unfrozen-learning-rate", type=float, default=defaults.unfrozen_learning_rate
    )
    parser.add_argument("--batch-size", type=int, default=defaults.batch_size)
    parser.add_argument("--out", type=Path, default=None)
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
    """Command, date, commit, whether the checkout was dirty, versions, machine, wall time."""
    status = _git("status", "--porcelain")
    return {
        "command": "python scripts/transfer_finetune_study.py"
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
        "load_average": [round(v, 1) for v in os.getloadavg()],
        "wall_seconds": round(seconds, 1),
    }


def main(argv=None) -> dict:
    args = parse_args(argv)
    settings = finetune.FinetuneSettings(
        images_per_class=args.images_per_class,
        seeds=tuple(args.seeds),
        epochs=args.epochs,
        frozen_epochs=args.frozen_epochs,
        unfrozen_learning_rate=args.unfrozen_learning_rate,
        batch_size=args.batch_size,
    )
    start = time.perf_counter()
    comparison = finetune.run_study(settings)
    record = finetune.study_record(
        comparison, settings, provenance(argv, time.perf_counter() - start)
    )
    out = args.out or finetune.STUDY_FILE
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    partial.write_text(json.dumps(record, indent=1) + "\n")
    os.replace(partial, out)
    study = finetune.load_study(out)
    print(finetune.study_table(study))
    print(finetune.protocol_verdict(study))
    print(f"wrote {out} ({record['provenance']['wall_seconds']} s)")
    return record


if __name__ == "__main__":
    main()
