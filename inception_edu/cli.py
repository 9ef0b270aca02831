"""The command line (DESIGN contract): ``python -m inception_edu summarize MODEL [options]``,
``python -m inception_edu predict MODEL.keras IMAGE_OR_FOLDER... [--top K]`` and
``python -m inception_edu capstone DESIGNS_DIR [--seeds ...]`` (notebook 11's class run,
:mod:`inception_edu.experiments.capstone.command`).

``summarize`` without ``--keras`` runs the analytic engine only and never imports
TensorFlow, so it answers in a fraction of a second; with ``--keras`` it builds the model
and reports what Keras counts. ``predict`` reads a model that notebook 09's
``export_model`` wrote (the ``.keras`` file and its ``.keras.json`` of class names) and
prints each image's top-k classes (:func:`~inception_edu.experiments.transfer.use.predict_images`).
Bad input exits with code 2 and one line on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from inception_edu.analysis.engine import analyze_model
from inception_edu.spec.checks import check_input_shape
from inception_edu.zoo.registry import MODELS, model_spec


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr and exit code 2."""

    def error(self, message):
        raise ValueError(message)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m inception_edu",
        description=(
            "Shapes, parameters and multiply-adds of Inception networks (summarize); "
            "a trained model's top classes for new images (predict)."
        ),
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    summarize = commands.add_parser("summarize", help="summarize one model, block by block")
    summarize.add_argument("model", help=f"one of: {', '.join(MODELS)}")
    summarize.add_argument(
        "--input-size",
        type=int,
        default=None,
        help="height = width of the input (default: the paper's)",
    )
    summarize.add_argument("--classes", type=int, default=1000)
    summarize.add_argument("--width", type=float, default=1.0, help="filter-count multiplier")
    summarize.add_argument("--depth", type=float, default=1.0, help="repeat-count multiplier")
    summarize.add_argument(
        "--keras", action="store_true", help="build the Keras model and report what Keras counts"
    )
    summarize.add_argument("--json", action="store_true", help="print one JSON object")
    predict = commands.add_parser(
        "predict", help="name new images with a model exported by notebook 09"
    )
    predict.add_argument("model", help="the .keras file export_model wrote (its .json beside it)")
    predict.add_argument("images", nargs="+", help="image files or folders (read recursively)")
    predict.add_argument(
        "--top",
        type=int,
        default=None,
        help="classes listed per image (default 5, or all if fewer)",
    )
    commands.add_parser(  # parsed by inception_edu.experiments.capstone.command (see main)
        "capstone",
        help="train a folder of block designs beside the course's references and draw the "
        "class's accuracy-cost plane (capstone DESIGNS_DIR --help for its options)",
        add_help=False,
    )
    return parser


def summarize(
    model: str,
    input_size: int | None = None,
    classes: int = 1000,
    width: float = 1.0,
    depth: float = 1.0,
    use_keras: bool = False,
):
    """The summary the command line prints (analytic, or read off the Keras model)."""
    if model not in MODELS:
        raise ValueError(f"Unknown model {model!r}. Allowed: {', '.join(MODELS)}")
    spec = model_spec(model, classes=classes, width=width, depth=depth)
    size = spec.default_input if input_size is None else input_size
    shape = check_input_shape((size, size, 3), spec.min_input, model)
    if not use_keras:
        return analyze_model(spec, shape)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from inception_edu import keras_build  # imports TensorFlow: only on request

    return keras_build.keras_summary(keras_build.build(spec, shape))


def predict(model_file, images, top: int | None = None) -> str:
    """What ``predict`` prints: each image's top-k classes and probabilities under the
    exported model ``model_file`` (:func:`~inception_edu.experiments.transfer.load_exported`)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from inception_edu.experiments.transfer import use  # imports TensorFlow: only on request

    model, class_names, size = use.load_exported(model_file)
    return use.predict_images(model, list(images), class_names, size, top).text()


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["capstone"]:  # its own options, its own errors (exit 2, one line)
        from inception_edu.experiments.capstone.command import main as capstone

        return capstone(argv[1:])
    try:
        args = _parser().parse_args(argv)
        if args.command == "predict":
            output = predict(args.model, args.images, args.top)
        else:
            summary = summarize(
                args.model, args.input_size, args.classes, args.width, args.depth, args.keras
            )
            output = json.dumps(summary.as_dict()) if args.json else summary.table()
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(output)
    return 0
