"""Peak memory of one training epoch from an image folder: streamed, and in memory.

Writes folders of ``--counts`` random JPEGs (96 to 200 px on a side, four classes) to a
temporary directory and trains a tiny model (one convolution, pooling, softmax) for one
epoch on each at ``--size`` px, 80 % of the files for training and 20 % for validation:

- **stream**: :func:`inception_edu.data.stream.list_image_folder`,
  :func:`~inception_edu.data.stream.stream_split`, :func:`inception_edu.training.run`
  (files decoded batch by batch);
- **memory**: :func:`inception_edu.data.load_image_folder`, ``ImageFolder.split``,
  :func:`~inception_edu.training.run` (every image held as float32).

Each (path, folder) runs in its own process, so that peaks do not mix; the peak resident
memory is ``resource.getrusage``'s ``ru_maxrss``, and the growth is that peak less the
resident memory once TensorFlow is imported and the model built (psutil). Printed: each
path's peak and growth per folder size, each as a ratio to its smallest folder, and the
stream's peak as a ratio to the in-memory path's. Memory depends little on the machine's
load; the seconds printed beside it depend on it a great deal.

Run: ``.venv/bin/python benchmarks/streaming_memory.py [--counts 500 2000 5000]
[--size 64] [--batch-size 64]``.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

CLASSES = 4
PATHS = ("stream", "memory")


def write_folder(root: Path, count: int, seed: int = 0) -> Path:
    """``count`` random JPEGs, 96 to 200 px on a side, in ``CLASSES`` class folders."""
    rng = np.random.default_rng(seed)
    for i in range(count):
        height, width = rng.integers(96, 201, size=2)
        coarse = rng.integers(0, 256, (4, 4, 3), dtype=np.uint8)
        image = Image.fromarray(coarse).resize((int(width), int(height)))
        folder = root / f"class_{i % CLASSES}"
        folder.mkdir(parents=True, exist_ok=True)
        image.save(folder / f"IMG_{i:05d}.jpg", quality=85)
    return root


def _rss_mb() -> float:
    import psutil

    return psutil.Process().memory_info().rss / 2**20


def child(path: str, folder: str, size: int, batch_size: int) -> dict:
    """One epoch of one path on one folder, in this process: peak and growth in MB."""
    from inception_edu.backend import keras
    from inception_edu.training import Recipe, run

    inputs = keras.Input((size, size, 3))
    features = keras.layers.Conv2D(8, 3, strides=2, activation="relu")(inputs)
    pooled = keras.layers.GlobalAveragePooling2D()(features)
    model = keras.Model(inputs, keras.layers.Dense(CLASSES, activation="softmax")(pooled))
    before = _rss_mb()
    start = time.perf_counter()
    if path == "stream":
        from inception_edu.data.stream import list_image_folder, stream_split

        listed = list_image_folder(folder, verbose=False, progress=False)
        split = stream_split(listed, size=size, val_fraction=0.2, seed=0)
    else:
        from inception_edu.data import load_image_folder

        data = load_image_folder(folder, size=size, verbose=False, progress=False)
        split = data.split(val_fraction=0.2, seed=0)
        del data
    run(model, split, None, Recipe(), 1, batch_size=batch_size, progress=False)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
    return {"peak_mb": peak, "growth_mb": peak - before, "seconds": seconds}


def measure(path: str, folder: Path, size: int, batch_size: int) -> dict:
    command = [sys.executable, __file__, "--child", path, "--folder", str(folder)]
    command += ["--size", str(size), "--batch-size", str(batch_size)]
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{path} on {folder} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(counts: list, results: dict) -> None:
    print(
        f"\n{'images':>7} {'path':>7} {'peak MB':>8} {'x smallest':>10} "
        f"{'growth MB':>9} {'x smallest':>10} {'seconds':>8}"
    )
    for count in counts:
        for path in PATHS:
            got, first = results[path, count], results[path, counts[0]]
            print(
                f"{count:>7} {path:>7} {got['peak_mb']:8.0f} "
                f"{got['peak_mb'] / first['peak_mb']:10.2f} {got['growth_mb']:9.0f} "
                f"{got['growth_mb'] / max(first['growth_mb'], 1.0):10.2f} {got['seconds']:8.1f}"
            )
    print()
    for count in counts:
        stream, memory = results["stream", count], results["memory", count]
        print(
            f"{count:>7} images: stream peak / in-memory peak = "
            f"{stream['peak_mb'] / memory['peak_mb']:.2f}; growth "
            f"{stream['growth_mb'] / max(memory['growth_mb'], 1.0):.2f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[500, 2000, 5000])
    parser.add_argument("--size", type=int, default=64, help="side the images are resized to")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--child", choices=PATHS, help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if min(args.counts) < 2 * CLASSES * 5 or args.size < 8 or args.batch_size < 1:
        parser.error(
            f"--counts must each be >= {2 * CLASSES * 5}, --size >= 8, --batch-size >= 1; "
            f"received --counts {args.counts}, --size {args.size}, "
            f"--batch-size {args.batch_size}"
        )
    if args.child:
        print(json.dumps(child(args.child, args.folder, args.size, args.batch_size)))
        return
    counts = sorted(set(args.counts))
    print(f"{os.cpu_count()} CPU(s); folders of {counts} JPEGs (96-200 px) -> {args.size} px")
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for count in counts:
            folder = write_folder(Path(tmp) / f"folder_{count}", count)
            for path in PATHS:
                results[path, count] = measure(path, folder, args.size, args.batch_size)
                print(f"{count} images, {path}: {results[path, count]}", flush=True)
    report(counts, results)


if __name__ == "__main__":
    main()
