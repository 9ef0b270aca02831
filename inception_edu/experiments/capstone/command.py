"""``python -m inception_edu capstone DESIGNS_DIR``: a class's designs trained under one
budget, beside the course's references, and the class's accuracy-cost plane.

Every ``*.json`` file in ``DESIGNS_DIR`` is read as a design
(:mod:`~inception_edu.experiments.capstone.design`); all are checked before anything
trains, so a bad file stops the run at once with one line naming the file and the field.
Then every design, and the course's four references, is trained in the capstone network on
the course's digits (:func:`~inception_edu.data.load_digits_split`) with the same seeds
and budget (:func:`~inception_edu.experiments.capstone.experiment.train_designs`, with
checkpoints under ``OUT/checkpoints``: run the same command again after an interruption
and it resumes). Written to ``OUT``: ``plane.png`` (the plane) and ``designs.csv`` (one
row per design); the table is printed. Bad input exits with code 2 and one line on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from inception_edu.experiments.capstone.design import BLOCK_INPUT, FORMAT, VERSION, load_design
from inception_edu.i18n import _

__all__ = ["main", "read_designs"]


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is a ValueError (one line on stderr, exit code 2)."""

    def error(self, message):
        raise ValueError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m inception_edu capstone",
        description="Train a folder of block designs beside the course's references and "
        "draw the class's accuracy-cost plane.",
    )
    parser.add_argument("designs", help="a folder of design files (*.json)")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="default: 0 1 2")
    parser.add_argument("--epochs", type=int, default=4, help="epochs per run (default: 4)")
    parser.add_argument("--batch-size", type=int, default=64, help="default: 64")
    parser.add_argument(
        "--out",
        default="capstone_results",
        help="folder for the plane, the table and the checkpoints (default: capstone_results)",
    )
    parser.add_argument(
        "--image-size", type=int, default=8, help="digits upsampled to this size (default: 8)"
    )
    parser.add_argument(
        "--train-images", type=int, default=None, help="train on the first N images only"
    )
    parser.add_argument(
        "--no-references", action="store_true", help="leave the course's references out"
    )
    return parser


def read_designs(folder, input_shape=BLOCK_INPUT) -> dict:
    """``{label: (design, file name)}`` for every ``*.json`` file of ``folder``, in name
    order, each checked on ``input_shape``. A design's label is its name; two designs of
    one name are told apart by their file names (``"my block (ana)"``)."""
    if not isinstance(folder, (str, os.PathLike)) or not os.fspath(folder):
        raise ValueError(
            _("DESIGNS_DIR must be a folder path. Received: {folder!r}").format(folder=folder)
        )
    path = Path(folder).expanduser()
    if not path.is_dir():
        raise ValueError(_("DESIGNS_DIR {path!r} is not a folder").format(path=str(path)))
    files = sorted(p for p in path.glob("*.json") if p.is_file())
    if not files:
        raise ValueError(
            _(
                "no design in {path!r}: a design is a *.json file of the {format!r} format, "
                "version {version} (save one with save_design)"
            ).format(path=str(path), format=FORMAT, version=VERSION)
        )
    loaded = [(load_design(file, input_shape), file) for file in files]
    names = [design["name"] for design, _file in loaded]
    designs = {}
    for design, file in loaded:
        label = design["name"]
        if names.count(label) > 1:
            label = f"{label} ({file.stem})"
        designs[label] = (design, file.name)
    return designs


def _train(args) -> tuple:
    from inception_edu.spec.checks import check_int, check_seeds

    seeds = check_seeds(args.seeds)
    epochs = check_int(args.epochs, "--epochs", 1)
    image_size = check_int(args.image_size, "--image-size", 8, 64)
    out = Path(args.out).expanduser()
    if out.exists() and not out.is_dir():
        raise ValueError(_("--out {path!r} is a file; it must be a folder").format(path=str(out)))
    found = read_designs(args.designs, (image_size, image_size, BLOCK_INPUT[2]))
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from inception_edu.data import Split, load_digits_split
    from inception_edu.experiments.capstone import experiment

    split = load_digits_split(None if image_size == 8 else image_size)
    if args.train_images is not None:
        count = check_int(args.train_images, "--train-images", 1, len(split.x_train))
        split = Split(
            split.x_train[:count],
            split.y_train[:count],
            split.x_val,
            split.y_val,
            split.class_names,
        )
    designs, sources = {}, {}
    if not args.no_references:
        for label, design in experiment.reference_designs().items():
            designs[label] = design  # its source: the paper's figure
    for label, (design, file) in found.items():
        if label in designs:
            label = f"{label} ({Path(file).stem})"
        designs[label], sources[label] = design, file
    out.mkdir(parents=True, exist_ok=True)
    runs = experiment.train_designs(
        split,
        designs,
        seeds=seeds,
        epochs=epochs,
        batch_size=check_int(args.batch_size, "--batch-size", 1),
        checkpoint_root=out / "checkpoints",
        sources=sources,
    )
    figure = experiment.plot_plane(runs)
    plane = out / "plane.png"
    figure.savefig(plane, dpi=120)
    table = out / "designs.csv"
    experiment.write_table_csv(runs, table)
    return experiment.design_table(runs), plane, table


def main(argv=None) -> int:
    """Run the command with ``argv`` (by default ``sys.argv[1:]``); return the exit code:
    0 when the plane and the table are written, 2 for bad input (one line on stderr)."""
    try:
        args = _parser().parse_args(argv)
        table, plane, csv_file = _train(args)
    except ValueError as error:
        print(_("error: {error}").format(error=error), file=sys.stderr)
        return 2
    print(table.text())
    print(_("\nplane: {plane}\ntable: {table}").format(plane=plane, table=csv_file))
    return 0


if __name__ == "__main__":  # python -m inception_edu.experiments.capstone.command DESIGNS_DIR
    sys.exit(main())
