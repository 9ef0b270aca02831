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
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from inception_edu.course.provenance import provenance as run_provenance  # noqa: E402
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


#: The files a run depends on, for the ``dirty`` flag: the package but its stored results,
#: and this script.
DIRTY_SCOPE = (
    "inception_edu",
    "scripts/transfer_finetune_study.py",
    ":(exclude)inception_edu/experiments/transfer/results",
)


def provenance(argv, seconds: float) -> dict:
    """:func:`inception_edu.course.provenance.provenance` of this command over
    :data:`DIRTY_SCOPE`, with the run's wall time."""
    command = "python scripts/transfer_finetune_study.py" + "".join(
        f" {a}" for a in (sys.argv[1:] if argv is None else argv)
    )
    return {**run_provenance(command, DIRTY_SCOPE, ROOT), "wall_seconds": round(seconds, 1)}


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
