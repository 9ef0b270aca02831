"""How fast a folder of phone photos loads: JPEG draft decoding and threads.

A learner's folder is thousands of 12-megapixel JPEGs, not the course's 96x96 PNGs. This
writes ``--photos`` generated 4000x3000 JPEGs (smooth colour fields with noise, quality
90, two classes) to a temporary folder, loads them with
:func:`inception_edu.data.load_image_folder` at ``--size`` in four ways (full decode or
``Image.draft``; one thread or ``--threads``) and prints seconds per photo for each, and
the speed-ups as ratios. It also checks that the four give the same files in the same
order, that the threads change no pixel, and prints how far the draft decode's pixels are
from the full decode's.

The machine's load changes the times; compare ratios printed by one run.

Run: ``.venv/bin/python benchmarks/folder_loading.py [--photos 8] [--size 75]
[--threads 2]``.
"""

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from inception_edu.data import load_image_folder

WIDTH, HEIGHT = 4000, 3000  # 12 megapixels, a phone's photo


def write_photos(root: Path, count: int, seed: int = 0) -> None:
    """``count`` 12-megapixel JPEGs in two class folders, each different."""
    rng = np.random.default_rng(seed)
    for i in range(count):
        coarse = rng.integers(0, 256, (6, 8, 3), dtype=np.uint8)
        photo = Image.fromarray(coarse).resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
        noise = rng.integers(-12, 13, (HEIGHT, WIDTH, 3), dtype=np.int16)
        pixels = np.clip(np.asarray(photo, dtype=np.int16) + noise, 0, 255).astype(np.uint8)
        folder = root / ("a" if i % 2 == 0 else "b")
        folder.mkdir(parents=True, exist_ok=True)
        Image.fromarray(pixels).save(folder / f"IMG_{i:04d}.jpg", quality=90)


def timed_load(root: Path, size: int, draft: bool, workers: int) -> tuple:
    start = time.perf_counter()
    data = load_image_folder(root, size=size, verbose=False, draft=draft, workers=workers)
    return time.perf_counter() - start, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=8, help="JPEGs to write (even, >= 4)")
    parser.add_argument("--size", type=int, default=75, help="side the loader resizes to")
    parser.add_argument("--threads", type=int, default=2, help="threads of the parallel runs")
    args = parser.parse_args()
    if args.photos < 4 or args.photos % 2 or args.size < 1 or args.threads < 2:
        parser.error(
            f"--photos must be an even int >= 4, --size >= 1, --threads >= 2; received "
            f"--photos {args.photos}, --size {args.size}, --threads {args.threads}"
        )
    print(f"{os.cpu_count()} CPU(s); {args.photos} JPEGs of {WIDTH}x{HEIGHT} -> {args.size} px")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "photos"
        write_photos(root, args.photos)
        timed_load(root, args.size, True, 1)  # warm-up: the files are now in the page cache
        runs = {
            (draft, workers): timed_load(root, args.size, draft, workers)
            for draft in (False, True)
            for workers in (1, args.threads)
        }
    for (draft, workers), (seconds, _) in runs.items():
        kind = "draft" if draft else "full "
        print(f"{kind} decode, {workers} thread(s): {seconds / args.photos:6.3f} s per photo")
    base = runs[(False, 1)][0]
    print(f"draft vs full, 1 thread:                {base / runs[(True, 1)][0]:5.2f}x")
    print(
        f"{args.threads} threads vs 1, full decode:          "
        f"{base / runs[(False, args.threads)][0]:5.2f}x"
    )
    print(
        f"{args.threads} threads vs 1, draft decode:         "
        f"{runs[(True, 1)][0] / runs[(True, args.threads)][0]:5.2f}x"
    )
    print(
        f"draft + {args.threads} threads vs full + 1 thread:  "
        f"{base / runs[(True, args.threads)][0]:5.2f}x"
    )
    results = [data for _, data in runs.values()]
    assert all(data.files == results[0].files for data in results), "file order differs"
    for draft in (False, True):
        same = np.array_equal(runs[(draft, 1)][1].x, runs[(draft, args.threads)][1].x)
        assert same, "threads changed pixels"
    gap = np.abs(runs[(True, 1)][1].x - runs[(False, 1)][1].x) * 255
    print(
        f"draft vs full pixels: mean {gap.mean():.2f}, largest {gap.max():.0f} grey levels of 255"
    )


if __name__ == "__main__":
    main()
