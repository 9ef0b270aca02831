"""Notebook 03, claim C10: GoogLeNet's gradients at initialisation at 224x224, stored.

For every seed, both initialisations (``paper``: Glorot-uniform, no batch-norm, the 2014
network; ``course``: He-normal) and both bias choices (0, Keras' default; 0.2, the Caffe
reference GoogLeNet's), one width-0.25 GoogLeNet with its aux heads is built on the
handwritten digits upsampled to the paper's 224x224, and one forward and backward pass
measures, per stage, the forward signal, the backward error and the kernel gradient, for
the main loss alone and for ``main + 0.3 aux_4a + 0.3 aux_4d``
(:func:`inception_edu.experiments.auxiliary_heads.measure_at_init`).

Writes ``inception_edu/experiments/results/c10_gradients.json`` (the records with their
provenance: command, seeds, versions, machine, date, commit); notebook 03 reads it and
reruns one seed live, and ``tests/test_claims_v1.py`` checks that rerun against it.

    python scripts/c10_gradients.py                  # seeds 0 1 2 (about 1 minute, 2 CPUs)
    python scripts/c10_gradients.py --seeds 0 1 2 3 4 --output /tmp/c10.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from inception_edu.course.provenance import provenance as run_provenance  # noqa: E402
from inception_edu.course.provenance import uncommitted  # noqa: E402

IMAGE_SIZE, WIDTH, PROBE_IMAGES = 224, 0.25, 32


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--image-size", type=int, default=IMAGE_SIZE)
    parser.add_argument("--width", type=float, default=WIDTH)
    parser.add_argument("--probe-images", type=int, default=PROBE_IMAGES)
    parser.add_argument("--output", type=Path, default=None)
    return parser.parse_args(argv)


#: The files the measurement depends on: uncommitted changes to them are named.
SOURCES = ("scripts/c10_gradients.py", "inception_edu/experiments/auxiliary_heads.py")


def provenance(args, seconds: float) -> dict:
    """:func:`inception_edu.course.provenance.provenance` of this command over
    :data:`SOURCES`, with the measurement's settings, the uncommitted files by name and
    its wall time."""
    command = "python scripts/c10_gradients.py" + "".join(f" {a}" for a in sys.argv[1:])
    return {
        **run_provenance(command, SOURCES, ROOT),
        "seeds": list(args.seeds),
        "image_size": args.image_size,
        "width": args.width,
        "probe_images": args.probe_images,
        "uncommitted": uncommitted(SOURCES, ROOT) or [],
        "seconds": round(seconds, 1),
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    import inception_edu.backend  # noqa: F401  (TensorFlow, quietly)
    from inception_edu.experiments import auxiliary_heads as heads

    x, y = heads.probe_batch(args.probe_images, args.image_size)
    start, records = time.perf_counter(), []
    for seed in args.seeds:
        for setting in heads.SETTINGS:
            for bias in heads.BIASES:
                record = heads.measure_at_init(x, y, seed, setting, bias, width=args.width)
                records.append(record)
                summary = heads.c10_summary(record)
                print(
                    f"seed {seed} {setting:<6} bias {bias:g}: shrink {summary['shrink']:8.1f}"
                    f"  factor at conv1 {summary['factor']:.2f}",
                    flush=True,
                )
    result = {
        "what": (
            "Notebook 03, claim C10: a width-0.25 GoogLeNet with aux heads at "
            "initialisation, per stage: forward signal (activation RMS), backward error "
            "(RMS of dloss/doutput) and kernel gradient (RMS per weight), for the main "
            "loss alone ('without') and main + 0.3 aux_4a + 0.3 aux_4d ('with') "
            "(inception_edu.experiments.auxiliary_heads.measure_at_init)."
        ),
        "provenance": provenance(args, time.perf_counter() - start),
        "records": records,
    }
    output = args.output or heads.C10_RESULTS
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(result, indent=1) + "\n")
    for verdict in heads.c10_verdicts(records).values():
        print(verdict)
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
