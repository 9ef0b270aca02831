"""Small, offline image data sets for the training notebooks (numpy and scikit-learn only).

- :func:`load_digits_split`: scikit-learn's bundled handwritten digits (8x8 grey, 10
  classes, 1,797 images; the file ships inside the scikit-learn package, nothing is
  downloaded), optionally upsampled to 32x32, GoogLeNet's smallest input.
- :func:`multiscale_patterns`: generated images whose classes differ only in the *scale*
  of their structure (fine vs coarse stripes, small vs large spots): the situation an
  Inception module's parallel 1x1/3x3/5x5 branches are made for.

Both return a :class:`Split`: float32 images in [0, 1] shaped (N, H, W, 1), integer
("sparse") labels, shuffled and split with a fixed seed, stratified by class so the
validation set has the class proportions of the whole set. Nothing here imports
TensorFlow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

__all__ = ["Split", "load_digits_split", "multiscale_patterns", "upsample", "PATTERN_CLASSES"]


@dataclass(frozen=True, eq=False)
class Split:
    """A train/validation split: images (N, H, W, 1) float32 in [0, 1], int labels."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    class_names: tuple

    @property
    def input_shape(self) -> tuple:
        """(height, width, channels) of one image: what a model builder needs."""
        return tuple(int(v) for v in self.x_train.shape[1:])

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def __repr__(self) -> str:
        return (f"Split(train={self.x_train.shape}, val={self.x_val.shape}, "
                f"classes={self.num_classes})")


# --------------------------------------------------------------------------- arguments


def _check_int(value, name: str, minimum: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) \
            or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}. Received: {name}={value!r}")
    return int(value)


def _check_fraction(value) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value) or not 0 < value < 1:
        raise ValueError(
            f"val_fraction must be a number strictly between 0 and 1. "
            f"Received: val_fraction={value!r}"
        )
    return float(value)


def _stratified_split(x, y, class_names, val_fraction: float, seed: int) -> Split:
    """Shuffle and split with ``seed``, keeping each class's share in both parts."""
    classes = len(class_names)
    n_val = math.ceil(val_fraction * len(y))  # what train_test_split takes for the test part
    if n_val < classes or len(y) - n_val < classes:
        raise ValueError(
            f"val_fraction leaves {n_val} of {len(y)} images for validation and "
            f"{len(y) - n_val} for training; each part needs at least one image per class "
            f"({classes}). Allowed here: val_fraction in [{classes / len(y):.3f}, "
            f"{1 - classes / len(y):.3f}]. Received: val_fraction={val_fraction!r}"
        )
    x_train, x_val, y_train, y_val = train_test_split(
        x, y, test_size=val_fraction, random_state=seed, shuffle=True, stratify=y)
    return Split(x_train.astype(np.float32), y_train.astype(np.int64),
                 x_val.astype(np.float32), y_val.astype(np.int64), tuple(class_names))


# --------------------------------------------------------------------------- digits


def _bilinear_matrix(size_in: int, size_out: int) -> np.ndarray:
    """(size_out, size_in) matrix of 1-D linear interpolation with half-pixel centres."""
    centres = (np.arange(size_out) + 0.5) * size_in / size_out - 0.5
    grid, eye = np.arange(size_in), np.eye(size_in)
    # column j: how much input pixel j contributes to each output pixel (a "hat" of width 2)
    return np.stack([np.interp(centres, grid, eye[j]) for j in range(size_in)], axis=1)


def upsample(images: np.ndarray, size: int) -> np.ndarray:
    """Resize (N, H, W, C) images to (N, size, size, C) by bilinear interpolation.

    Separable: one small interpolation matrix per axis (``np.interp`` on the pixel grid,
    half-pixel centres as ``tf.image.resize``'s default), applied with ``einsum``, so the
    result is deterministic and needs no image library. Bilinear rather than nearest
    neighbour: nearest (``np.kron``) would turn each 8x8 pixel into a flat 4x4 block whose
    hard edges form an artificial grid the network could latch on to; bilinear gives
    smooth strokes, closer to a real 32x32 scan. Values stay within the input's range.
    """
    size = _check_int(size, "image_size", 1)
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 4:
        raise ValueError(f"images must be (N, H, W, C). Received shape {images.shape}")
    rows = _bilinear_matrix(images.shape[1], size).astype(np.float32)
    cols = _bilinear_matrix(images.shape[2], size).astype(np.float32)
    return np.einsum("ih,nhwc,jw->nijc", rows, images, cols).astype(np.float32)


def load_digits_split(image_size: int | None = None, val_fraction: float = 0.2,
                      seed: int = 0) -> Split:
    """scikit-learn's handwritten digits as a stratified train/validation :class:`Split`.

    1,797 grey 8x8 images of the digits 0-9 (from the UCI "optical recognition of
    handwritten digits" set; the file ships with scikit-learn, so this works offline),
    scaled from 0..16 to float32 in [0, 1], shaped (N, 8, 8, 1).

    Args:
        image_size: ``None`` keeps 8x8; an int >= 8 upsamples bilinearly (see
            :func:`upsample`) to ``image_size`` x ``image_size``, e.g. 32, the smallest
            input GoogLeNet's five stride-2 stages accept.
        val_fraction: share of images held out for validation (stratified by class).
        seed: shuffling seed; the same seed always gives the same split.
    """
    if image_size is not None:
        image_size = _check_int(image_size, "image_size", 8)
    val_fraction = _check_fraction(val_fraction)
    seed = _check_int(seed, "seed", 0)
    digits = load_digits()
    x = (digits.images.astype(np.float32) / 16.0)[..., None]
    if image_size is not None and image_size != 8:
        x = np.clip(upsample(x, image_size), 0.0, 1.0)
    names = tuple(str(int(name)) for name in digits.target_names)
    return _stratified_split(x, digits.target.astype(np.int64), names, val_fraction, seed)


# --------------------------------------------------------------------------- patterns

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
    pattern /= max(pattern.std(), 1e-6)           # zero mean, unit standard deviation
    return pattern * rng.choice([-1.0, 1.0])      # bright or dark structure


def multiscale_patterns(samples_per_class: int = 200, image_size: int = 32, seed: int = 0,
                        val_fraction: float = 0.2) -> Split:
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
    samples_per_class = _check_int(samples_per_class, "samples_per_class", 5)
    image_size = _check_int(image_size, "image_size", 16)
    seed = _check_int(seed, "seed", 0)
    val_fraction = _check_fraction(val_fraction)
    rng = np.random.default_rng(seed)
    labels = np.repeat(np.arange(len(PATTERN_CLASSES)), samples_per_class)
    images = np.empty((len(labels), image_size, image_size, 1), dtype=np.float32)
    for i, label in enumerate(labels):
        pattern = _pattern(rng, int(label), image_size)
        contrast, offset = rng.uniform(0.06, 0.1), rng.uniform(-0.05, 0.05)
        noise = rng.normal(0.0, 0.04, pattern.shape)
        images[i, ..., 0] = np.clip(0.5 + offset + contrast * pattern + noise, 0.0, 1.0)
    return _stratified_split(images, labels.astype(np.int64), PATTERN_CLASSES, val_fraction,
                             seed)
