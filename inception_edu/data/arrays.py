"""Arrays for the training notebooks: the :class:`Split` type, scikit-learn's digits, resizing.

- :func:`load_digits_split`: scikit-learn's bundled handwritten digits (8x8 grey, 10
  classes, 1,797 images; the file ships inside the scikit-learn package, nothing is
  downloaded), optionally upsampled to 32x32, GoogLeNet's smallest input.

A :class:`Split` holds float32 images in [0, 1] shaped (N, H, W, C) and integer ("sparse")
labels, shuffled and split with a fixed seed, stratified by class so the validation set
has the class proportions of the whole set; optionally a held-out test part
(:func:`inception_edu.data.grouping.grouped_split` makes one that keeps near-duplicates
together). Nothing here imports TensorFlow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from inception_edu.i18n import _
from inception_edu.spec.checks import check_int, check_number

__all__ = [
    "Split",
    "check_test_fraction",
    "load_digits_split",
    "stratified_split",
    "upsample",
]


@dataclass(frozen=True, eq=False)
class Split:
    """A train/validation split: images (N, H, W, C) float32 in [0, 1], int labels; and,
    when one was held out, a test part (``x_test``, ``y_test``; ``None`` otherwise) that
    neither training nor the choice of epochs or settings has seen."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    class_names: tuple
    x_test: np.ndarray | None = None
    y_test: np.ndarray | None = None

    @property
    def has_test(self) -> bool:
        """Whether a test part was held out."""
        return self.x_test is not None

    @property
    def input_shape(self) -> tuple:
        """(height, width, channels) of one image: what a model builder needs."""
        return tuple(int(v) for v in self.x_train.shape[1:])

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def __repr__(self) -> str:
        test = f", test={self.x_test.shape}" if self.has_test else ""
        return (
            f"Split(train={self.x_train.shape}, val={self.x_val.shape}{test}, "
            f"classes={self.num_classes})"
        )


# --------------------------------------------------------------------------- languages


# --------------------------------------------------------------------------- arguments


def check_fraction(value) -> float:
    """``val_fraction``: a number strictly between 0 and 1."""
    return check_number(value, "val_fraction", 0, 1, open_min=True, open_max=True)


def check_test_fraction(value, val_fraction: float) -> float:
    """``test_fraction``: 0 (no test part) or more, leaving room for ``val_fraction`` and
    a training part (``val_fraction + test_fraction < 1``)."""
    value = check_number(value, "test_fraction", 0, 1, open_max=True)
    if val_fraction + value >= 1:
        raise ValueError(
            _(
                "val_fraction + test_fraction must be below 1, leaving images to train on. "
                "Received: val_fraction={val_fraction!r}, test_fraction={test_fraction!r}"
            ).format(val_fraction=val_fraction, test_fraction=value)
        )
    return value


def stratified_split(x, y, class_names, val_fraction: float, seed: int) -> Split:
    """A :class:`Split` of ``x``, ``y``: shuffled with ``seed``, each class's share kept in
    both parts."""
    val_fraction = check_fraction(val_fraction)
    seed = check_int(seed, "seed", 0)
    classes = len(class_names)
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim == 0 or len(x) == 0 or len(x) != len(y):
        raise ValueError(
            _(
                "x and y must be non-empty, with one label per image. Received: "
                "x of shape {x_shape}, y of shape {y_shape}"
            ).format(x_shape=x.shape, y_shape=y.shape)
        )
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= classes:
        shown = ""
        if y.ndim == 1 and y.size:
            shown = _(", values {low}..{high}").format(low=y.min(), high=y.max())
        raise ValueError(
            _(
                "y must be integer labels (N,) in [0, {last}] (one per class name). "
                "Received: y of dtype {dtype} and shape {shape}{values}"
            ).format(last=classes - 1, dtype=y.dtype, shape=y.shape, values=shown)
        )
    n_val = math.ceil(val_fraction * len(y))  # what train_test_split takes for the test part
    if n_val < classes or len(y) - n_val < classes:
        raise ValueError(
            _(
                "val_fraction leaves {val} of {total} images for validation and {train} for "
                "training; each part needs at least one image per class ({classes}). Allowed "
                "here: val_fraction in [{low:.3f}, {high:.3f}]. Received: "
                "val_fraction={val_fraction!r}"
            ).format(
                val=n_val,
                total=len(y),
                train=len(y) - n_val,
                classes=classes,
                low=classes / len(y),
                high=1 - classes / len(y),
                val_fraction=val_fraction,
            )
        )
    x_train, x_val, y_train, y_val = train_test_split(
        x, y, test_size=val_fraction, random_state=seed, shuffle=True, stratify=y
    )
    return Split(
        x_train.astype(np.float32),
        y_train.astype(np.int64),
        x_val.astype(np.float32),
        y_val.astype(np.int64),
        tuple(class_names),
    )


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
    size = check_int(size, "image_size", 1)
    images = np.asarray(images, dtype=np.float32)
    if images.ndim != 4:
        raise ValueError(
            _("images must be (N, H, W, C). Received shape {shape}").format(shape=images.shape)
        )
    rows = _bilinear_matrix(images.shape[1], size).astype(np.float32)
    cols = _bilinear_matrix(images.shape[2], size).astype(np.float32)
    return np.einsum("ih,nhwc,jw->nijc", rows, images, cols).astype(np.float32)


def load_digits_split(
    image_size: int | None = None, val_fraction: float = 0.2, seed: int = 0
) -> Split:
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
        image_size = check_int(image_size, "image_size", 8)
    val_fraction = check_fraction(val_fraction)
    seed = check_int(seed, "seed", 0)
    digits = load_digits()
    x = (digits.images.astype(np.float32) / 16.0)[..., None]
    if image_size is not None and image_size != 8:
        x = np.clip(upsample(x, image_size), 0.0, 1.0)
    names = tuple(str(int(name)) for name in digits.target_names)
    return stratified_split(x, digits.target.astype(np.int64), names, val_fraction, seed)
