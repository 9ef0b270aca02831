"""Make the course's pretrained backbone: the weights notebook 09 fine-tunes offline.

Seed 000 fine-tuned ``keras.applications.InceptionResNetV2`` pretrained on ImageNet
(without its top, a softmax head, Adam 0.001, batch 64). ImageNet's weights need the
internet, so the course pretrains its own scaled-down Inception-ResNet-v2 here, on a
*different* task built only from the photographs held out of the course folder:

1. pretext data (:func:`inception_edu.experiments.transfer.pretext_patches`): patches at
   several scales from the 9 held-out scenes, each turned by 0/90/180/270 degrees and
   labelled (scene, turn): 36 classes;
2. pretraining (:func:`inception_edu.experiments.transfer.pretrained.pretrain`): the backbone
   ``inception_resnet_v2(include_top=False, input_shape=(75, 75, 3), width=0.25,
   depth=0.1)`` with the source's head (global average pool + softmax), trained by the
   course's runner ``inception_edu.training.run`` with Adam 0.001 (cosine decay), batch
   64; every epoch is checkpointed under ``build/pretrain_backbone/``, so a killed run
   resumes where it stopped;
3. the backbone's weights, without the pretraining head, are written to
   ``<out>/course_inception_resnet_v2.weights.h5`` with a card ``<out>/course_inception_
   resnet_v2.json`` (architecture, task, images, epochs, seed, final pretraining
   accuracy, date, versions, wall time, reference features);
4. the transfer check (:func:`inception_edu.experiments.transfer.transfer_check`):
   fine-tuning on the course folder from these weights and from scratch over the same
   seeds and budget; its per-seed validation accuracies are added to the card.

Seeded throughout (data, initial weights, shuffling) and with TensorFlow's deterministic
ops, so a rerun on the same machine and versions gives the same weights.

Run: ``.venv/bin/python scripts/pretrain_backbone.py`` (15 minutes on the course's
2-core CPU: 12 for the pretraining, 3 for the transfer check). ``--quick`` takes seconds
and writes a tiny, useless backbone for tests (give it ``--out`` a scratch folder);
``--transfer-only`` reruns step 4 on the weights already in ``--out``.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing
    sys.path.insert(0, str(ROOT))

from inception_edu.backend import keras, tf  # noqa: E402
from inception_edu.experiments.transfer import pretrained  # noqa: E402

#: The shipped weights' settings: 9 scenes x 1,200 patches, 12 epochs of 168 steps.
FULL = {"per_scene": 1200, "val_per_scene": 60, "epochs": 12}
#: A few steps on tiny data, for tests: the pipeline end to end, not a useful backbone.
QUICK = {"per_scene": 4, "val_per_scene": 1, "epochs": 1}
#: The transfer check's budget (full and quick).
TRANSFER = {"seeds": (0, 1, 2), "epochs": 8, "images_per_class": 40}
QUICK_TRANSFER = {"seeds": (0,), "epochs": 1, "images_per_class": 4}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a few steps on tiny data")
    parser.add_argument(
        "--out",
        type=Path,
        default=pretrained.weights_path().parent,
        help="folder for the weights and the card (default: the package's weights/)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--task", choices=pretrained.PRETEXT_TASKS, default="scene_rotation")
    parser.add_argument("--epochs", type=int, help="pretraining epochs (default 12)")
    parser.add_argument("--per-scene", type=int, help="training patches per scene (1200)")
    parser.add_argument(
        "--checkpoint-dir", type=Path, help="default: build/pretrain_backbone/<settings>"
    )
    parser.add_argument("--no-transfer", action="store_true", help="skip the transfer check")
    parser.add_argument(
        "--transfer-only",
        action="store_true",
        help="rerun only the transfer check on the weights in --out and update their card",
    )
    parser.add_argument(
        "--no-determinism",
        action="store_true",
        help="leave TensorFlow's op determinism off (it is process-wide; tests use this)",
    )
    parser.add_argument("--verbose", type=int, choices=(0, 1, 2), default=2)
    return parser.parse_args(argv)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_atomically(path: Path, write) -> None:
    """``write(partial_path)``, then rename into place: no half-written file is left."""
    partial = path.with_name(f".{path.name}.partial")
    if path.name.endswith(".weights.h5"):  # Keras insists on the suffix
        partial = path.with_name(f"partial_{path.name}")
    write(partial)
    os.replace(partial, path)


def make_card(args, settings: dict, info: dict, backbone, wall_seconds: float) -> dict:
    weights = pretrained.weights_path(args.out)
    return {
        "name": pretrained.WEIGHTS,
        "what": (
            "The course's pretrained backbone for notebook 09: a scaled-down "
            "Inception-ResNet-v2 without its top, pretrained offline on a task built from "
            "photographs held out of the course folder."
        ),
        "quick": bool(args.quick),
        "architecture": {
            "builder": "inception_edu.models.inception_resnet_v2",
            "include_top": False,
            "input_shape": list(pretrained.ARCHITECTURE["input_shape"]),
            "width": pretrained.ARCHITECTURE["width"],
            "depth": pretrained.ARCHITECTURE["depth"],
            "params": int(backbone.count_params()),
            "output": "the last feature map, conv2d_7b_1x1: "
            + "x".join(str(d) for d in backbone.output.shape[1:]),
        },
        "weights_file": {
            "name": weights.name,
            "bytes": weights.stat().st_size,
            "sha256": _sha256(weights),
        },
        "task": {
            "name": info["task"],
            "description": (
                "random square patches (12-60% of the shorter side, log-uniform; mirrored; "
                "brightness x0.8-1.2, contrast x0.85-1.15), each turned by 0/90/180/270 "
                "degrees, labelled (scene, turn)"
                if info["task"] == "scene_rotation"
                else "random square patches labelled by scene"
            ),
            "classes": info["classes"],
            "chance_accuracy": info["chance_accuracy"],
        },
        "images": info["images"],
        "epochs": info["epochs"],
        "batch_size": info["batch_size"],
        "seed": info["seed"],
        "recipe": info["recipe"],
        "final_pretraining_accuracy": {
            "train": info["final_train_accuracy"],
            "val": info["final_val_accuracy"],
        },
        "reference_features": pretrained.reference_features(backbone),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "versions": {
            "python": platform.python_version(),
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "numpy": __import__("numpy").__version__,
        },
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores",
        "pretraining_wall_seconds": info["wall_seconds"],
        "wall_seconds": round(wall_seconds, 1),  # data, pretraining, writing
        "command": "python scripts/pretrain_backbone.py" + (" --quick" if args.quick else ""),
        "settings": settings,
    }


def pretrain_and_write(args, start: float) -> dict:
    """Steps 1-3: pretrain (resuming from the checkpoint folder), write weights and card."""
    settings = dict(QUICK if args.quick else FULL)
    if args.epochs is not None:
        settings["epochs"] = args.epochs
    if args.per_scene is not None:
        settings["per_scene"] = args.per_scene
    checkpoint_dir = args.checkpoint_dir
    if checkpoint_dir is None and args.quick:
        checkpoint_dir = Path(tempfile.mkdtemp(prefix="pretrain_quick_"))
    elif checkpoint_dir is None:  # one folder per data set, so a resume sees the same data
        key = f"{args.task}_per{settings['per_scene']}_val{settings['val_per_scene']}"
        checkpoint_dir = ROOT / "build" / "pretrain_backbone" / f"{key}_seed{args.seed}"
    backbone, history, info = pretrained.pretrain(
        epochs=settings["epochs"],
        per_scene=settings["per_scene"],
        val_per_scene=settings["val_per_scene"],
        seed=args.seed,
        task=args.task,
        checkpoint_dir=checkpoint_dir,
        verbose=args.verbose,
    )
    print(
        f"pretraining: {info['task']}, {len(info['classes'])} classes, "
        f"train accuracy {info['final_train_accuracy']:.1%}, "
        f"val accuracy {info['final_val_accuracy']:.1%} "
        f"(chance {info['chance_accuracy']:.1%}), {info['wall_seconds']:.0f} s"
    )
    args.out.mkdir(parents=True, exist_ok=True)
    weights = pretrained.weights_path(args.out)
    _write_atomically(weights, lambda path: backbone.save_weights(str(path)))
    card = make_card(args, settings, info, backbone, time.perf_counter() - start)
    _write_card(args.out, card)
    print(f"wrote {weights} ({weights.stat().st_size / 1e6:.2f} MB) and its card")
    return card


def _write_card(out: Path, card: dict) -> None:
    text = json.dumps(card, indent=1) + "\n"
    _write_atomically(pretrained.card_path(out), lambda path: path.write_text(text))


def add_transfer_check(out: Path, card: dict) -> None:
    """Step 4: fine-tune from these weights and from scratch; the numbers go in the card."""
    budget = QUICK_TRANSFER if card["quick"] else TRANSFER
    check = pretrained.transfer_check(directory=out, **budget)
    print(check.table().text())
    card["transfer_check"] = {
        "what": (
            "fine-tuning on the course folder (write_course_folder, "
            f"{budget['images_per_class']} images per class, split 0.25 with each seed), "
            "every layer trainable, Adam 0.001, batch 64: final validation accuracy per "
            "seed from these weights and from scratch; then the same networks after "
            "their batch-norm statistics were recomputed on the training images"
        ),
        **check.to_dict(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    _write_card(out, card)


def main(argv=None) -> dict:
    """Pretrain, write the weights and the card, run the transfer check; returns the card.
    With ``--transfer-only``, rerun only the transfer check on the weights in ``--out``."""
    args = parse_args(argv)
    start = time.perf_counter()
    if not args.no_determinism:
        tf.config.experimental.enable_op_determinism()
    if args.transfer_only:
        card = pretrained.read_card(args.out)
        if _sha256(pretrained.weights_path(args.out)) != card["weights_file"]["sha256"]:
            raise SystemExit("The weights in --out are not the card's: rerun the pretraining.")
    else:
        card = pretrain_and_write(args, start)
    if not args.no_transfer:
        add_transfer_check(args.out, card)
    return card


if __name__ == "__main__":
    main()
