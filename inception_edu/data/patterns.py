"""Generated images whose classes differ only in the *scale* of their structure.

:func:`multiscale_patterns`: fine vs coarse stripes, small vs large spots: the situation
an Inception module's parallel 1x1/3x3/5x5 branches are made for (notebook 01). Numpy
only; nothing is downloaded.
"""

from __future__ import annotations

import numpy as np

from inception_edu.data.arrays import Split, check_fraction, stratified_split
from inception_edu.spec.checks import check_int

__all__ = ["PATTERN_CLASSES", "multiscale_patterns"]

#: The classes of :func:`multiscale_patterns`, in label order.
PATTERN_CLASSES = ("fine stripes", "coarse stripes", "small spots", "large spots")


def _stripes(rng, grid_y, grid_x, period: float) -> np.ndarray:
    angle, phase = rng.uniform(0, np.pi), rng.uniform(0, 2 * np.pi)
    along = grid_x * np.cos(angle) + grid_y * np.sin(angle)
    return np.sin(2 * np.pi * along / period + phase)


def _spots(rng, grid_y, grid_x, count: int, sigma: float, size: int) -> np.ndarray:
    pattern = np.zeros_like(grid_x)
    for _ in range(count):
        cy, cx = rng.uniform(0, size, 2)
        s = sigma * rng.uniform(0.8, 1.25)
        pattern += np.exp(-((grid_y - cy) ** 2 + (grid_x - cx) ** 2) / (2 * s * s))
    return pattern


def _pattern(rng, label: int, size: int) -> np.ndarray:
    scale = size / 32  # structure sizes are given for 32x32 and scale with the image
    grid_y, grid_x = np.mgrid[0:size, 0:size].astype(np.float64)
    if label == 0:
        pattern = _stripes(rng, grid_y, grid_x, rng.uniform(2.5, 4.0) * scale)
    elif label == 1:
        pattern = _stripes(rng, grid_y, grid_x, rng.uniform(11.0, 16.0) * scale)
    elif label == 2:
        pattern = _spots(rng, grid_y, grid_x, int(rng.integers(4, 9)), 1.0 * scale, size)
    else:
        pattern = _spots(rng, grid_y, grid_x, int(rng.integers(1, 3)), 4.5 * scale, size)
    pattern = pattern - pattern.mean()
    pattern /= max(pattern.std(), 1e-6)  # zero mean, unit standard deviation
    return pattern * rng.choice([-1.0, 1.0])  # bright or dark structure


def multiscale_patterns(
    samples_per_class: int = 200, image_size: int = 32, seed: int = 0, val_fraction: float = 0.2
) -> Split:
    """Generated grey images whose four classes differ only in the scale of their structure.

    ``PATTERN_CLASSES``: fine stripes (period 2.5-4 px at 32x32), coarse stripes (period
    11-16 px), small spots (4-8 Gaussian spots, sigma ~1 px) and large spots (1-2 spots,
    sigma ~4.5 px). Orientation, phase, positions and polarity (bright or dark) are
    random, and so are contrast (pixel standard deviation 0.06-0.1), a brightness offset
    (+-0.05) and Gaussian pixel noise (sigma 0.04). A 3x3 filter sees the fine stripes and
    small spots, a 5x5 (or a deeper stack) the coarse ones: a block with parallel
    1x1/3x3/5x5 branches covers all four scales at once.

    Every pattern is scaled to zero mean and the same standard deviation before the
    random contrast and offset, so neither the mean pixel value nor the pixel spread
    carries class information: a logistic regression on the mean intensity alone stays at
    chance (about 25%; the tests check it), and so does one on the standard deviation.
    The *histogram* of pixel values is not equalised (spots have long tails, stripes
    do not): a logistic regression on a 16-bin histogram reaches about 45%, so
    pointwise (1x1) features help a little; telling all four apart takes spatial structure.

    Args:
        samples_per_class: images generated per class (int >= 5).
        image_size: height and width (int >= 16; structure sizes scale with it).
        seed: the generator's seed; the same arguments always give the same data.
        val_fraction: share held out for validation, stratified by class.
    """
    samples_per_class = check_int(samples_per_class, "samples_per_class", 5)
    image_size = check_int(image_size, "image_size", 16)
    seed = check_int(seed, "seed", 0)
    val_fraction = check_fraction(val_fraction)
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(len(PATTERN_CLASSES)), samples_per_class)
    images = np.empty((len(labels), image_size, image_size, 1), dtype=np.float32)
    for i, label in enumerate(labels):
        pattern = _pattern(rng, int(label), image_size)
        contrast, offset = rng.uniform(0.06, 0.1), rng.uniform(-0.05, 0.05)
        noise = rng.normal(0.0, 0.04, pattern.shape)
        images[i, ..., 0] = np.clip(0.5 + offset + contrast * pattern + noise, 0.0, 1.0)
    return stratified_split(images, labels.astype(np.int64), PATTERN_CLASSES, val_fraction, seed)
