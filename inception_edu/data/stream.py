"""An image folder streamed through ``tf.data``: memory that does not grow with the folder.

:func:`~inception_edu.data.load_image_folder` holds every image in memory as float32: at
299x299 (what ImageNet weights want) 10,000 photographs need about 10 GB, more at its
peak. Here the folder is listed once and its files are decoded batch by batch while a
model trains, as Keras' ``image_dataset_from_directory`` does, but read by the very
decoder of :func:`load_image_folder` (EXIF orientation applied, JPEG draft, RGB, the same
bilinear resize, scaled by :func:`~inception_edu.data.folder.to_unit_range`): the pixels
equal the in-memory path's, bit for bit.

- :func:`list_image_folder` -> :class:`FolderFiles`: the files, their labels and the
  class names exactly as :func:`load_image_folder` lists them (system files skipped and
  reported, NFC names, the same order), each file decoded once at a reduced size to check
  it (``verify``), so that a broken file is skipped and reported up front;
- :func:`folder_stream`: a batched ``tf.data.Dataset`` of ``(x, y)`` (float32 images in
  [0, 1], integer labels) over any subset of those files: decoded in parallel
  (``tf.numpy_function`` with ``num_parallel_calls=AUTOTUNE``: Pillow releases the GIL
  while it decodes), for training shuffled anew every epoch from a seed
  (:func:`epoch_orders`) and optionally augmented batch by batch, and prefetched;
  :func:`~inception_edu.training.run` takes it as ``train`` or ``val``;
- :class:`StreamSplit` (from :func:`stream_split`, or from file indices a split of the
  folder chose): train, validation and test parts of one listing, each a stream;
  :func:`~inception_edu.training.run` and notebook 09's comparisons take it where they
  take an in-memory :class:`~inception_edu.data.Split`.

**A file that fails while streaming.** A file that was readable when the folder was
listed and cannot be decoded later (changed or removed since) stops the epoch with an
error that names it and says to list the folder again; nothing is dropped silently, and
an epoch keeps its number of steps. Listing with ``verify=False`` skips the check (only
extensions are checked): a broken file then stops an epoch the same way.

Nothing here imports TensorFlow until a stream is made (:mod:`inception_edu.backend`).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from inception_edu.data.arrays import check_fraction, check_test_fraction, stratified_split
from inception_edu.data.folder import (
    _STRAY,
    _all_skipped,
    _check_counts,
    _check_folder,
    _check_workers,
    _class_folders,
    _decode,
    _decode_one,
    _listing,
    _unreadable_extension,
    reported,
    shown_reason,
    to_unit_range,
)
from inception_edu.data.grouping import grouped_split
from inception_edu.data.progress import progress_enabled
from inception_edu.i18n import _
from inception_edu.spec.checks import check_choice, check_flag, check_int, checks_keywords

__all__ = [
    "FolderFiles",
    "StreamSplit",
    "epoch_orders",
    "folder_stream",
    "list_image_folder",
    "stream_split",
]

#: The side, in pixels, at which ``verify`` decodes each file: a JPEG is then decoded at
#: 1/8 scale (``Image.draft``), which still reads all of its data, so a truncated or
#: corrupt file fails as it fails at full size.
_VERIFY_SIZE = 1


@dataclass(frozen=True, eq=False)
class FolderFiles:
    """An image folder listed, not loaded: what :func:`list_image_folder` returns.

    ``root`` the folder; ``files`` each readable image's path relative to it, in
    :func:`~inception_edu.data.load_image_folder`'s order; ``labels`` int64 (N,) indexes
    ``class_names`` (NFC, sorted); ``skipped`` and ``notes`` as
    :class:`~inception_edu.data.ImageFolder`'s; ``verified`` whether every file was
    decoded once to check it; ``draft`` whether streams decode JPEGs at reduced scale.
    """

    root: Path
    files: tuple
    labels: np.ndarray
    class_names: tuple
    skipped: tuple
    notes: tuple
    verified: bool = True
    draft: bool = True

    def __len__(self) -> int:
        return len(self.files)

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def counts(self) -> dict:
        """Images per class, in class order."""
        totals = np.bincount(self.labels, minlength=self.num_classes)
        return {name: int(n) for name, n in zip(self.class_names, totals, strict=True)}

    def summary(self) -> str:
        """One line: files, classes, verified or not, the files skipped with why and what
        was noted (the first five of each)."""
        how = _("verified") if self.verified else _("not verified")
        text = _("{count} image files of {classes} classes ({how})").format(
            count=len(self.files), classes=self.num_classes, how=how
        )
        return text + reported(self.skipped, self.notes)

    def __repr__(self) -> str:
        return (
            f"FolderFiles({len(self.files)} files, classes={self.num_classes}, "
            f"skipped={len(self.skipped)}, verified={self.verified})"
        )


@checks_keywords
def list_image_folder(
    path,
    min_images_per_class: int = 2,
    verify: bool = True,
    draft: bool = True,
    workers=None,
    verbose: bool = True,
    progress=None,
) -> FolderFiles:
    """List an image folder as :func:`~inception_edu.data.load_image_folder` reads it,
    without keeping its pixels: the files, labels and class names a stream reads.

    Args:
        path: a folder with one sub-folder per class (as :func:`load_image_folder`'s).
        min_images_per_class: the fewest readable images a class may have (>= 1).
        verify: decode every file once, at a reduced size, so that what cannot be read is
            skipped and reported here, as :func:`load_image_folder` reports it, rather
            than stopping an epoch later; ``False`` checks extensions only (a quicker
            start on a huge folder; a broken file then stops an epoch, named).
        draft: the streams decode large JPEGs at reduced scale (as ``load_image_folder``'s
            ``draft``).
        workers: threads verifying files at once (``None``: the CPU count, at most 8).
        verbose: print one summary line.
        progress: a progress bar of the files verified: ``True``, ``False`` or ``None``
            (on where someone watches; :func:`~inception_edu.data.progress.progress_enabled`).

    With ``verify``, ``files``, ``labels``, ``class_names``, ``skipped`` and ``notes`` are
    those of ``load_image_folder(path, draft=draft)`` (its ``y`` as integer labels).

    Raises:
        ValueError: as :func:`load_image_folder` does for a bad folder or a class with too
            few readable images, and for bad arguments.
    """
    min_images_per_class = check_int(min_images_per_class, "min_images_per_class", 1)
    verify = check_flag(verify, "verify")
    draft = check_flag(draft, "draft")
    workers = _check_workers(workers)
    verbose = check_flag(verbose, "verbose")
    progress = progress_enabled(progress)
    folder = _check_folder(path)
    classes, top_system, names_notes = _class_folders(folder, path)
    per_class, strays, system = _listing(folder, classes, top_system)
    if verify:
        options = (True, workers)  # the 1/8 draft: as strict, and quicker
        _pixels, labels, files, skipped, notes = _decode(
            folder, per_class, strays, _VERIFY_SIZE, options, progress
        )
    else:
        labels, files, notes = [], [], []
        skipped = [(name, _STRAY) for name in strays]
        for label, rels in enumerate(per_class):
            for rel in rels:
                why = _unreadable_extension(rel)
                if why is None:
                    labels.append(label)
                    files.append(rel)
                else:
                    skipped.append((rel, why))
    listed = FolderFiles(
        folder,
        tuple(files),
        np.asarray(labels, dtype=np.int64),
        tuple(classes),
        _all_skipped(skipped, strays, system),
        tuple(names_notes + notes),
        verify,
        draft,
    )
    _check_counts(listed.counts(), listed.skipped, min_images_per_class, path)
    if verbose:
        print(listed.summary())
    return listed


# --------------------------------------------------------------------------- streams


def epoch_orders(count: int, seed: int):
    """One permutation of ``range(count)`` per iteration of the dataset (per epoch),
    drawn statelessly from ``(seed, iteration)``: independent of TensorFlow's global
    seed. The iteration counter lives in the dataset, so a new dataset starts again."""
    from inception_edu.backend import tf

    iteration = tf.Variable(-1, dtype=tf.int64, trainable=False)

    def permutation(_element):
        key = tf.stack([tf.constant(seed, tf.int64), iteration.assign_add(1)])
        return tf.random.experimental.stateless_shuffle(tf.range(count, dtype=tf.int64), key)

    return tf.data.Dataset.range(1).map(permutation).unbatch()


def _check_files(source) -> FolderFiles:
    if isinstance(source, FolderFiles):
        return source
    if isinstance(source, (str, os.PathLike)):
        return list_image_folder(source, verbose=False)
    raise ValueError(
        _(
            "source must be a FolderFiles (list_image_folder(path)) or a folder path. "
            "Received: {kind}"
        ).format(kind=type(source).__name__)
    )


def _check_indices(indices, count: int, name: str = "indices") -> np.ndarray:
    """``indices`` as int64 positions into a listing of ``count`` files: a non-empty 1-D
    sequence of integers in [0, count), none repeated."""
    values = np.asarray(indices)
    if values.dtype == object or values.ndim != 1 or values.size == 0:
        raise ValueError(
            _(
                "{name} must be a non-empty 1-D sequence of file indices. Received {dtype} of "
                "shape {shape}"
            ).format(name=name, dtype=values.dtype, shape=values.shape)
        )
    if not np.issubdtype(values.dtype, np.integer):
        raise ValueError(
            _("{name} must be integers (file indices). Received dtype {dtype}").format(
                name=name, dtype=values.dtype
            )
        )
    if values.min() < 0 or values.max() >= count:
        raise ValueError(
            _(
                "{name} must lie in [0, {last}] (the listing has {count} files). Received "
                "values {low}..{high}"
            ).format(name=name, last=count - 1, count=count, low=values.min(), high=values.max())
        )
    if len(np.unique(values)) != len(values):
        raise ValueError(
            _("{name} must not repeat a file. Received {count} indices").format(
                name=name, count=len(values)
            )
        )
    return values.astype(np.int64)


def _check_augment(augment, training: bool) -> None:
    """``augment``: ``None``, or a layer to call on training batches only."""
    if augment is None:
        return
    if not training:
        raise ValueError(
            _(
                "augment applies to training streams only (training=True): validation and "
                "test images are never augmented. Received augment with training=False"
            )
        )
    if not callable(augment):
        raise ValueError(
            _("augment must be None or a Keras layer called on a batch. Received: {kind}").format(
                kind=type(augment).__name__
            )
        )


def _decoder(files: FolderFiles, size: int):
    """The per-file function a stream maps: a file's index -> float32 (size, size, 3),
    by :func:`load_image_folder`'s decoder; a file that fails raises, named."""

    def decode(index) -> np.ndarray:
        rel = files.files[int(index)]
        pixels, why, _note = _decode_one(files.root, rel, size, files.draft)
        if pixels is None:
            raise ValueError(
                _(
                    "{rel!r} in {root!r} could not be decoded while streaming: {why}. It was "
                    "listed as readable: was it changed or removed since? List the folder "
                    "again (list_image_folder) to skip it."
                ).format(rel=rel, root=str(files.root), why=shown_reason(why))
            )
        return to_unit_range(pixels)

    return decode


@checks_keywords
def folder_stream(
    source,
    size: int = 75,
    batch_size: int = 64,
    indices=None,
    training: bool = False,
    seed: int = 0,
    augment=None,
):
    """A folder's images as a batched ``tf.data.Dataset`` of ``(x, y)``, decoded as read.

    ``x``: float32 ``(batch, size, size, 3)`` in [0, 1], equal to
    :func:`~inception_edu.data.load_image_folder`'s rows for the same files; ``y``: int64
    labels ``(batch,)`` (what :func:`~inception_edu.training.run` turns into one-hot
    targets). The dataset's ``class_names`` and ``file_paths`` (absolute, in the
    unshuffled order) say what it reads.

    Args:
        source: a :class:`FolderFiles` (:func:`list_image_folder`), or a folder path
            (listed and verified first, silently).
        size: images are resized to ``size`` x ``size`` (>= 1).
        batch_size: images per batch (>= 1; the last batch of a pass may be smaller).
        indices: ``None`` (every file) or positions into ``source.files``: only those
            are streamed (a train, validation or test part).
        training: ``True``: a new order every epoch (a stateless permutation drawn from
            ``(seed, epoch)``, independent of TensorFlow's global seed), and ``augment``
            applied; ``False``: the order of ``indices``, every pass alike.
        seed: the training order's seed (>= 0).
        augment: ``None``, or a Keras layer (e.g. a ``keras.Sequential`` of random
            flips and rotations) called on each batch with ``training=True``, one batch
            at a time so that seeded layers draw in a fixed order. Training streams only.

    Each file is decoded by a ``tf.numpy_function`` mapped with ``num_parallel_calls=
    AUTOTUNE`` (Pillow releases the GIL while it decodes), in order, and a few batches are
    prefetched: memory holds those batches, not the folder. A file that cannot be decoded
    stops the pass with an error naming it (the module's docstring).
    """
    files = _check_files(source)
    size = check_int(size, "size", 1)
    batch_size = check_int(batch_size, "batch_size", 1)
    chosen = np.arange(len(files), dtype=np.int64) if indices is None else indices
    chosen = _check_indices(chosen, len(files))
    training = check_flag(training, "training")
    seed = check_int(seed, "seed", 0)
    _check_augment(augment, training)
    from inception_edu.backend import tf

    positions = tf.constant(chosen)
    labels = tf.constant(files.labels[chosen])
    decode = _decoder(files, size)

    def read(position):
        index = tf.gather(positions, position)
        x = tf.numpy_function(decode, [index], tf.float32, stateful=False)
        x.set_shape((size, size, 3))
        return x, tf.gather(labels, position)

    order = epoch_orders(len(chosen), seed) if training else tf.data.Dataset.range(len(chosen))
    dataset = order.map(read, num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
    dataset = dataset.batch(batch_size)
    steps = -(-len(chosen) // batch_size)
    dataset = dataset.apply(tf.data.experimental.assert_cardinality(steps))
    if augment is not None:  # one batch at a time: parallel calls would draw in any order
        dataset = dataset.map(lambda batch, tags: (augment(batch, training=True), tags))
    dataset = dataset.prefetch(tf.data.AUTOTUNE)
    dataset.class_names = list(files.class_names)
    dataset.file_paths = [str(files.root / files.files[i]) for i in chosen]
    return dataset


# --------------------------------------------------------------------------- splits


@dataclass(frozen=True, eq=False)
class StreamSplit:
    """Train, validation and (optionally) test parts of one listed folder, streamed.

    ``folder``: the :class:`FolderFiles`; ``train``, ``val``, ``test``: positions into
    ``folder.files`` (disjoint; ``test`` may be empty); ``size``: the images' side. What
    :func:`~inception_edu.training.run` and notebook 09's comparisons take in place of an
    in-memory :class:`~inception_edu.data.Split`: its parts are decoded batch by batch
    (:meth:`train_batches`, :meth:`val_batches`, :meth:`test_batches`).
    """

    folder: FolderFiles
    train: np.ndarray
    val: np.ndarray
    size: int = 75
    test: np.ndarray = ()

    def __post_init__(self):
        if not isinstance(self.folder, FolderFiles):
            raise ValueError(
                _(
                    "folder must be a FolderFiles (list_image_folder(path)). Received: {kind}"
                ).format(kind=type(self.folder).__name__)
            )
        count = len(self.folder)
        parts = {
            "train": _check_indices(self.train, count, "train"),
            "val": _check_indices(self.val, count, "val"),
        }
        test = np.asarray(self.test)
        parts["test"] = _check_indices(test, count, "test") if test.size else np.zeros(0, np.int64)
        every = np.concatenate(list(parts.values()))
        if len(np.unique(every)) != len(every):
            raise ValueError(
                _(
                    "train, val and test must not share a file (a shared image would be "
                    "measured on what it was trained on)."
                )
            )
        for name, value in parts.items():
            object.__setattr__(self, name, value)
        object.__setattr__(self, "size", check_int(self.size, "size", 1))

    @property
    def class_names(self) -> tuple:
        return self.folder.class_names

    @property
    def num_classes(self) -> int:
        return self.folder.num_classes

    @property
    def input_shape(self) -> tuple:
        """(size, size, 3): what a model builder needs."""
        return (self.size, self.size, 3)

    @property
    def y_train(self) -> np.ndarray:
        """The training part's integer labels, in ``train``'s order."""
        return self.folder.labels[self.train]

    @property
    def y_val(self) -> np.ndarray:
        """The validation part's integer labels, in the order :meth:`val_batches` gives."""
        return self.folder.labels[self.val]

    @property
    def y_test(self) -> np.ndarray:
        return self.folder.labels[self.test]

    def train_batches(self, batch_size: int = 64, seed: int = 0, augment=None):
        """The training part, shuffled every epoch with ``seed``, ``augment`` applied."""
        return folder_stream(self.folder, self.size, batch_size, self.train, True, seed, augment)

    def val_batches(self, batch_size: int = 64):
        """The validation part, in ``val``'s order, never augmented."""
        return folder_stream(self.folder, self.size, batch_size, self.val, False)

    def test_batches(self, batch_size: int = 64):
        """The test part, in ``test``'s order, never augmented."""
        if not len(self.test):
            raise ValueError(_("This split has no test part (test is empty)."))
        return folder_stream(self.folder, self.size, batch_size, self.test, False)

    def images(self, part: str = "val", count: int | None = None) -> np.ndarray:
        """The first ``count`` (``None``: all) images of ``part`` (``"train"``, ``"val"``
        or ``"test"``) in memory, float32 (n, size, size, 3), decoded by threads: a few
        images to show, or to set batch-norm statistics from."""
        check_choice(part, ("train", "val", "test"), "part")
        chosen = getattr(self, part)
        if count is not None:
            chosen = chosen[: check_int(count, "count", 1)]
        decode = _decoder(self.folder, self.size)
        with ThreadPoolExecutor(max_workers=_check_workers(None)) as pool:
            rows = list(pool.map(decode, chosen))
        shape = (0, *self.input_shape)
        return np.stack(rows) if rows else np.zeros(shape, np.float32)

    def __repr__(self) -> str:
        test = f", test={len(self.test)}" if len(self.test) else ""
        return (
            f"StreamSplit(train={len(self.train)}, val={len(self.val)}{test}, "
            f"size={self.size}, classes={self.num_classes})"
        )


@checks_keywords
def stream_split(
    source,
    size: int = 75,
    val_fraction: float = 0.2,
    seed: int = 0,
    test_fraction: float = 0.0,
    groups=None,
) -> StreamSplit:
    """A listed folder (a :class:`FolderFiles`, or a path listed first) split into train,
    validation and, with ``test_fraction`` > 0, test parts, as ``ImageFolder.split``
    splits the in-memory images with the same arguments: stratified file by file
    (:func:`~inception_edu.data.arrays.stratified_split`), or with ``groups`` (or a test
    part) by :func:`~inception_edu.data.grouping.grouped_split`, no group straddling two
    parts. For a streamed folder, near-duplicates are grouped from thumbnails read off
    disk: ``near_duplicate_groups(None, files.labels, files.files, files.root)``."""
    files = _check_files(source)
    positions = np.arange(len(files), dtype=np.int64)  # exact as float32 below 2**24
    val_fraction = check_fraction(val_fraction)
    seed = check_int(seed, "seed", 0)
    test_fraction = check_test_fraction(test_fraction, val_fraction)
    if groups is None and test_fraction == 0:
        parts = stratified_split(positions, files.labels, files.class_names, val_fraction, seed)
    else:
        ids = positions if groups is None else groups  # no groups: every file its own
        parts = grouped_split(
            positions, files.labels, ids, files.class_names, val_fraction, test_fraction, seed
        )
    test = () if parts.x_test is None else parts.x_test.astype(np.int64)
    train, val = parts.x_train.astype(np.int64), parts.x_val.astype(np.int64)
    return StreamSplit(files, train, val, size, test)
