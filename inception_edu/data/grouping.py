"""Which images must stay together when a folder is split, and a split that keeps them so.

A test set measures how a model does on pictures it has never seen. If a near-copy of a
test picture is in the training set, the test set measures memory instead: the split
*leaks*. A learner's phone folder is full of near-copies (a burst of one scene, the same
photo saved twice, an edited copy), and the course's own folder is worse: each class is
random crops of one photograph, so crops overlap. This module finds what belongs together
and splits by group:

- :func:`near_duplicate_groups`, for a learner's folder: two images of one class are joined
  when their difference hashes (:func:`difference_hash`, Krawetz's dHash) differ in at most
  ``max_distance`` bits, or when their EXIF capture times (:func:`capture_time`,
  ``DateTimeOriginal``) are at most ``max_seconds`` apart; the groups are the connected
  components of those links (a burst chains together even when its ends differ more);
- :func:`course_folder_groups`, for :func:`~inception_edu.data.folder.write_course_folder`'s
  folder: the crop boxes are recomputed from the folder's recipe (the same random stream,
  no pixel read or changed), and per class a region of the photograph is held out: crops
  whose source pixels lie entirely inside it are the test part, crops that touch it are
  left out of every part, the others are train and validation (which still overlap each
  other, as before: only the test part is leak-free);
- :func:`grouped_split` -> :class:`~inception_edu.data.arrays.Split` with a test part: no
  group straddles two parts, class proportions are kept as far as the groups allow, and
  the same seed gives the same split.

:meth:`ImageFolder.groups <inception_edu.data.folder.ImageFolder.groups>` picks the right
one of the two for a folder. Nothing here imports TensorFlow.
"""

from __future__ import annotations

import itertools
import math
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

from inception_edu.data.arrays import Split, check_fraction, check_test_fraction
from inception_edu.data.photos import FOLDER_PHOTOS, photo_path
from inception_edu.i18n import N_, _, translate_filled
from inception_edu.spec.checks import check_int, check_number, checks_keywords

__all__ = [
    "ImageGroups",
    "capture_time",
    "course_crop_footprints",
    "course_folder_groups",
    "difference_hash",
    "grouped_split",
    "held_out_region",
    "near_duplicate_groups",
]

#: EXIF tags: the Exif sub-IFD, the time the photo was taken and its fraction of a second.
_EXIF_IFD, _DATE_TIME_ORIGINAL, _SUBSEC_TIME_ORIGINAL = 0x8769, 0x9003, 0x9291


# What grouped a folder and why two images were joined: kept in English in the result's
# ``method`` and ``links`` (code and tests compare them), shown in the course's language.
_NEAR_DUPLICATES = N_("near-duplicates (dHash within {bits} bits)")
_NEAR_DUPLICATES_TIMED = N_(
    "near-duplicates (dHash within {bits} bits, capture times within {seconds} s, read from "
    "{files} files)"
)
_COURSE_REGIONS = N_("course folder regions (recipe seed {seed})")
_BY_LOOK = N_("look: dHash distance {distance}")
_BY_TIME = N_("time: taken {seconds} s apart")
_SHOWN = (_NEAR_DUPLICATES, _NEAR_DUPLICATES_TIMED, _COURSE_REGIONS, _BY_LOOK, _BY_TIME)
#: How often each kind of link joined two groups, by the kind (a link's text before ":").
_JOINED = {"look": N_("{count} times by look"), "time": N_("{count} times by time")}


# --------------------------------------------------------------------------- the result


@dataclass(frozen=True, eq=False)
class ImageGroups:
    """The groups of a folder's images, and what made them.

    ``files`` and ``labels`` (N,) are the images' paths and integer classes, in the
    folder's order; ``method`` says what grouped them.
    ``ids`` (N,) int: images with one id must go to one part of a split. ``held_out`` (N,)
    bool: images that form the test part whatever the seed (the course folder's held-out
    regions; all False for a learner's folder). ``left_out`` (N,) bool: images in no part
    (course crops that touch a held-out region). ``links`` (file, file, why) for each pair
    that joined two groups (near-duplicates). ``regions`` (class, (left, top, right,
    bottom), photograph (width, height)) for each held-out region of the course folder.
    ``test_fraction`` the fraction the held-out regions were chosen for (``None`` when
    there are none). ``footprints`` (N, 4) the course crops' source pixels, integer
    half-open boxes in the photograph (``None`` for a learner's folder).
    """

    ids: np.ndarray
    held_out: np.ndarray
    left_out: np.ndarray
    files: tuple
    labels: np.ndarray
    method: str
    links: tuple = ()
    regions: tuple = ()
    test_fraction: float | None = None
    footprints: np.ndarray | None = None

    @property
    def count(self) -> int:
        """How many groups the images that take part form."""
        return len(np.unique(self.ids[~self.left_out]))

    def sizes(self) -> np.ndarray:
        """The size of each group of the images that take part, largest first."""
        kept = self.ids[~self.left_out]
        return np.sort(np.bincount(np.unique(kept, return_inverse=True)[1]))[::-1]

    def parts_per_class(self, class_names) -> dict:
        """Per class: images held out for test, left out, and free for train/validation."""
        result = {}
        for label, name in enumerate(class_names):
            mine = self.labels == label
            held, left = int(np.sum(self.held_out & mine)), int(np.sum(self.left_out & mine))
            free = int(np.sum(mine)) - held - left
            result[name] = {"test": held, "train/val": free, "left out": left}
        return result

    def summary(self) -> str:
        """One line: what grouped the images, the groups it made and, for near-duplicates,
        the first links (file ~ file, why)."""
        kept = ~self.left_out
        sizes = self.sizes()
        text = _(
            "{method}: {images} images in {groups} groups, {several} of them with 2 images "
            "or more (largest: {largest})"
        ).format(
            method=translate_filled(self.method, _SHOWN),
            images=int(kept.sum()),
            groups=self.count,
            several=int(np.sum(sizes > 1)),
            largest=sizes[0],
        )
        if self.regions:
            text += _(
                "; per class, a held-out region of the photograph (test_fraction="
                "{test_fraction}): {held} crops inside it are the test part, {left} that "
                "touch it are left out of every part, {free} are train and validation"
            ).format(
                test_fraction=self.test_fraction,
                held=int(self.held_out.sum()),
                left=int(self.left_out.sum()),
                free=int((kept & ~self.held_out).sum()),
            )
        return text + self._joined()

    def _joined(self) -> str:
        """The summary's end for near-duplicates: how often each kind of link joined two
        groups, and the first links (file ~ file, why)."""
        reasons = {}
        for _first, _second, why in self.links:
            kind = why.split(":")[0]
            reasons[kind] = reasons.get(kind, 0) + 1
        if not reasons:
            return ""
        joins = _(" and ").join(
            _(_JOINED[kind]).format(count=n) if kind in _JOINED else f"{n} times by {kind}"
            for kind, n in reasons.items()
        )
        shown = "; ".join(
            f"{a} ~ {b} ({translate_filled(why, _SHOWN)})" for a, b, why in self.links[:3]
        )
        return _("; joined {joins}, e.g. {shown}").format(joins=joins, shown=shown)

    def __repr__(self) -> str:
        return (
            f"ImageGroups(images={len(self.ids)}, groups={self.count}, "
            f"held_out={int(self.held_out.sum())}, left_out={int(self.left_out.sum())})"
        )


# --------------------------------------------------------------------------- near-duplicates


def difference_hash(images, hash_size: int = 8) -> np.ndarray:
    """Krawetz's difference hash (dHash) of each image: (N, hash_size ** 2) bools.

    The image is made grey and shrunk to (hash_size + 1) x hash_size pixels; each bit says
    whether a pixel is brighter than its right neighbour (N. Krawetz, "Kind of like that",
    The Hacker Factor Blog, 2013). Shrinking throws away noise, compression, small shifts
    and the size, so a resaved, resized or slightly recropped copy keeps nearly the same
    bits, while another scene flips about half of them. ``images``: (N, H, W, C) or
    (N, H, W), float in [0, 1] (as :class:`~inception_edu.data.folder.ImageFolder` holds
    them) or uint8.
    """
    hash_size = check_int(hash_size, "hash_size", 2, 64)
    array = np.asarray(images)
    if array.ndim not in (3, 4) or array.size == 0:
        raise ValueError(
            _(
                "images must be a non-empty (N, H, W, C) or (N, H, W) array. Received shape {shape}"
            ).format(shape=array.shape)
        )
    if array.ndim == 4 and array.shape[-1] == 1:
        array = array[..., 0]
    hashes = np.empty((len(array), hash_size * hash_size), dtype=bool)
    for i, pixels in enumerate(array):  # one at a time: no float64 copy of a whole folder
        if pixels.dtype != np.uint8:
            pixels = np.clip(pixels.astype(np.float32) * 255.0, 0, 255).round().astype(np.uint8)
        grey = Image.fromarray(pixels).convert("L")  # ITU-R 601 luma, as Krawetz's greyscale
        small = grey.resize((hash_size + 1, hash_size), Image.Resampling.LANCZOS)
        values = np.asarray(small, dtype=np.int16)
        hashes[i] = (values[:, :-1] > values[:, 1:]).ravel()
    return hashes


def capture_time(path) -> float | None:
    """When a photo was taken, from its EXIF ``DateTimeOriginal`` (and
    ``SubSecTimeOriginal``), as seconds on one clock; ``None`` without one.

    Only the file's header is read (no pixels are decoded). Screenshots, downloads and
    images saved by editors often carry no such tag; a broken EXIF block counts as none.
    """
    try:
        with Image.open(path) as image:
            exif = image.getexif().get_ifd(_EXIF_IFD)
    except Exception:  # not an image Pillow opens, or a broken header: no time
        return None
    stamp, fraction = exif.get(_DATE_TIME_ORIGINAL), exif.get(_SUBSEC_TIME_ORIGINAL)
    try:
        taken = datetime.strptime(str(stamp).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    seconds = (taken - datetime(1970, 1, 1)).total_seconds()
    digits = str(fraction).strip("\x00 ") if fraction is not None else ""
    return seconds + (float(f"0.{digits}") if digits.isdigit() else 0.0)


def _components(count: int, pairs) -> tuple[np.ndarray, list]:
    """Connected components of ``count`` nodes joined by ``pairs``, by union-find with path
    halving: each node's component id (its smallest member, so ids follow the input
    order), and the indices of the pairs that joined two components (a spanning forest:
    what the report shows)."""
    parent = np.arange(count)

    def root(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    joining = []
    for index, (a, b) in enumerate(pairs):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
            joining.append(index)
    return np.array([root(i) for i in range(count)], dtype=np.int64), joining


def _close_hashes(hashes: np.ndarray, members: np.ndarray, max_distance: int):
    """(i, j, distance) for each pair of ``members`` whose hashes differ in at most
    ``max_distance`` bits (a matrix product counts the differing bits, by rows of 512)."""
    bits = hashes[members].astype(np.float32)
    flipped = 1 - bits
    for start in range(0, len(members), 512):
        block = bits[start : start + 512]
        distance = block @ flipped.T + (1 - block) @ bits.T
        rows, cols = np.nonzero(distance <= max_distance)
        for r, c in zip(rows, cols, strict=True):
            if start + r < c:
                yield int(members[start + r]), int(members[c]), int(distance[r, c])


def _close_times(times: np.ndarray, members: np.ndarray, max_seconds: float):
    """(i, j, seconds) for consecutive photos of ``members`` taken at most ``max_seconds``
    apart (sorted by time, so a burst links up as a chain)."""
    timed = members[~np.isnan(times[members])]
    ordered = timed[np.argsort(times[timed], kind="stable")]
    for a, b in itertools.pairwise(ordered):
        gap = float(times[b] - times[a])
        if gap <= max_seconds:
            yield int(min(a, b)), int(max(a, b)), gap


def _check_folder_arrays(labels, files, images=None) -> tuple:
    """(labels, files) checked: integer labels, one per file (and per image)."""
    labels = np.asarray(labels)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer) or len(labels) == 0:
        raise ValueError(
            _(
                "labels must be integer class labels (N,). Received dtype {dtype}, shape {shape}"
            ).format(dtype=labels.dtype, shape=labels.shape)
        )
    files = tuple(str(f) for f in files)
    images = len(files) if images is None else len(np.asarray(images))
    if images != len(labels) or len(files) != len(labels):
        raise ValueError(
            _(
                "images, labels and files must have one entry per image. Received "
                "{images} images, {labels} labels, {files} files"
            ).format(images=images, labels=len(labels), files=len(files))
        )
    return labels.astype(np.int64), files


#: The side of the thumbnails :func:`near_duplicate_groups` reads when given no images.
_THUMBNAIL = 64


def _thumbnail(file: Path) -> np.ndarray | None:
    """A small upright RGB copy of an image file, uint8 (64, 64, 3); ``None`` when Pillow
    cannot read it. A JPEG is decoded at a reduced scale (``Image.draft``)."""
    try:
        with Image.open(file) as image:
            if image.format == "JPEG":
                image.draft("RGB", (_THUMBNAIL, _THUMBNAIL))
            upright = ImageOps.exif_transpose(image).convert("RGB")
    except Exception:  # unreadable: no hash, so never linked by look
        return None
    small = upright.resize((_THUMBNAIL, _THUMBNAIL), Image.Resampling.BILINEAR)
    return np.asarray(small, dtype=np.uint8)


def _folder_path(path) -> Path:
    folder = Path(path).expanduser() if isinstance(path, (str, os.PathLike)) else None
    if folder is None or not folder.is_dir():
        raise ValueError(
            _("path must be the images' folder. Received: path={path!r}").format(path=path)
        )
    return folder


def _hashes(images, folder: Path | None, files: tuple) -> tuple[np.ndarray, np.ndarray]:
    """The difference hash of each image, and whether it has one (a file Pillow cannot
    read has none). Without ``images``, each file's thumbnail is read from ``folder``."""
    if images is not None:
        return difference_hash(images), np.ones(len(files), dtype=bool)
    if folder is None:
        raise ValueError(_("near_duplicate_groups needs images, or path to read them from"))
    thumbnails = [_thumbnail(folder / rel) for rel in files]
    readable = np.array([t is not None for t in thumbnails], dtype=bool)
    blank = np.zeros((_THUMBNAIL, _THUMBNAIL, 3), dtype=np.uint8)
    stack = np.stack([blank if t is None else t for t in thumbnails])
    return difference_hash(stack), readable


def _links(labels, hashes, readable, times, limits: tuple) -> list:
    """(i, j, why) for every link, class by class: by look, then by capture time."""
    max_distance, max_seconds = limits
    pairs = []
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        pairs += [
            (a, b, _BY_LOOK.format(distance=d))
            for a, b, d in _close_hashes(hashes, members[readable[members]], max_distance)
        ]
        pairs += [
            (a, b, _BY_TIME.format(seconds=f"{s:g}"))
            for a, b, s in _close_times(times, members, max_seconds)
        ]
    return pairs


@checks_keywords
def near_duplicate_groups(
    images,
    labels,
    files,
    path=None,
    max_distance: int = 10,
    max_seconds: float = 3.0,
) -> ImageGroups:
    """Near-duplicates of a learner's folder as groups: bursts and copies stay together.

    Two images of one class are linked when their difference hashes
    (:func:`difference_hash`, 64 bits) differ in at most ``max_distance`` bits (Krawetz:
    0 is the same picture, up to about 10 a variation of it: resaved, resized, a little
    recropped or brightened), or when both carry an EXIF capture time (:func:`capture_time`,
    read from ``path / file``) and were taken at most ``max_seconds`` apart (a burst, or
    shots of one scene in a row). A group is a connected component of those links, so a
    whole burst is one group. Images of different classes are never linked.

    A link too many only makes a group larger (the split gets coarser); a link too few
    lets a near-copy leak across parts. ``max_distance=0`` joins exact copies only,
    ``max_seconds=0`` photos stamped in the same instant only.

    Args:
        images: (N, H, W, C) the folder's images (``ImageFolder.x``); or ``None`` to read a
            small thumbnail of each file from ``path`` (a folder streamed from disk, whose
            images are not in memory; a file Pillow cannot read is linked by time only).
        labels: (N,) integer class labels (``ImageFolder.labels``).
        files: the N files, relative to ``path`` (``ImageFolder.files``): named in the report.
        path: the folder, to read capture times; ``None`` groups by hash alone.
        max_distance: bits (0-32) two hashes may differ in for a link.
        max_seconds: seconds (>= 0) between two capture times for a link.
    """
    max_distance = check_int(max_distance, "max_distance", 0, 32)
    max_seconds = check_number(max_seconds, "max_seconds", 0)
    labels, files = _check_folder_arrays(labels, files, images)
    folder = None if path is None else _folder_path(path)
    hashes, readable = _hashes(images, folder, files)
    times = np.full(len(files), np.nan)
    if folder is not None:
        for i, rel in enumerate(files):
            taken = capture_time(folder / rel)
            times[i] = np.nan if taken is None else taken
    pairs = _links(labels, hashes, readable, times, (max_distance, max_seconds))
    ids, joining = _components(len(files), [(a, b) for a, b, _why in pairs])
    links = tuple((files[pairs[i][0]], files[pairs[i][1]], pairs[i][2]) for i in joining)
    timed = int(np.sum(~np.isnan(times)))
    method = _NEAR_DUPLICATES.format(bits=max_distance)
    if path:
        method = _NEAR_DUPLICATES_TIMED.format(
            bits=max_distance, seconds=f"{max_seconds:g}", files=timed
        )
    none = np.zeros(len(files), dtype=bool)
    return ImageGroups(ids, none, none.copy(), files, labels, method, links)


# --------------------------------------------------------------------------- course folder


def _course_recipe(recipe) -> dict:
    """The recipe :func:`~inception_edu.data.folder.write_course_folder` records in the
    folder's hidden ``.course_folder.json``, checked."""
    keys = {"version", "images_per_class", "size", "seed", "classes"}
    if (
        not isinstance(recipe, dict)
        or set(recipe) != keys
        or recipe["version"] != 1
        or recipe["classes"] != [source.name for source in FOLDER_PHOTOS]
    ):
        raise ValueError(
            _(
                "recipe must be the course folder's recorded recipe (version 1, the classes "
                "{classes}). Received: recipe={recipe!r:.200}"
            ).format(classes=[s.name for s in FOLDER_PHOTOS], recipe=recipe)
        )
    check_int(recipe["images_per_class"], "images_per_class", 2, 1000)
    check_int(recipe["size"], "size", 16, 512)
    check_int(recipe["seed"], "seed", 0)
    return recipe


def course_crop_footprints(recipe) -> dict:
    """Per class of the course folder, the source pixels of each crop: an int array
    (images_per_class, 4) of half-open boxes (left, top, right, bottom) in the photograph.

    :func:`~inception_edu.data.folder.write_course_folder` cuts crop ``i`` of class
    ``k`` with the random stream ``default_rng([seed, k])``, drawing per crop the side, the
    left and top corner, the mirror flip, brightness and contrast (in that order, see its
    ``_patch``). The same draws are repeated here, with the photograph's size read from
    its header, so the boxes come back without reading or changing any pixel. Pillow's
    bilinear resize reads a little around its box (its filter reaches ``max(scale, 1)``
    source pixels beyond a sample, ``scale`` = box side / output side), so each box is
    widened by that and rounded outwards: two crops whose footprints do not overlap share
    no source pixel.
    """
    recipe = _course_recipe(recipe)
    count, size = recipe["images_per_class"], recipe["size"]
    result = {}
    for index, source in enumerate(FOLDER_PHOTOS):
        with Image.open(photo_path(source)) as image:
            width, height = image.size
        rng = np.random.default_rng([recipe["seed"], index])
        boxes = np.empty((count, 4), dtype=np.int64)
        for i in range(count):
            side = rng.uniform(0.2, 0.6) * min(width, height)
            left, top = rng.uniform(0, width - side), rng.uniform(0, height - side)
            rng.random(), rng.uniform(0.8, 1.2), rng.uniform(0.85, 1.15)  # flip, light
            reach = max(side / size, 1.0)
            boxes[i] = (
                max(0, math.floor(left - reach)),
                max(0, math.floor(top - reach)),
                min(width, math.ceil(left + side + reach)),
                min(height, math.ceil(top + side + reach)),
            )
        result[source.name] = boxes
    return result


def _inside(boxes: np.ndarray, regions: np.ndarray) -> np.ndarray:
    """(R, N): whether box n lies within region r."""
    return (
        (boxes[None, :, 0] >= regions[:, None, 0])
        & (boxes[None, :, 1] >= regions[:, None, 1])
        & (boxes[None, :, 2] <= regions[:, None, 2])
        & (boxes[None, :, 3] <= regions[:, None, 3])
    )


def _apart(boxes: np.ndarray, regions: np.ndarray) -> np.ndarray:
    """(R, N): whether box n shares no pixel with region r (half-open boxes)."""
    return (
        (boxes[None, :, 2] <= regions[:, None, 0])
        | (boxes[None, :, 0] >= regions[:, None, 2])
        | (boxes[None, :, 3] <= regions[:, None, 1])
        | (boxes[None, :, 1] >= regions[:, None, 3])
    )


#: Held-out regions are tried as the bounding boxes of up to 3 of this many smallest crops.
_REGION_CANDIDATES = 40


def held_out_region(footprints: np.ndarray, test_count: int) -> np.ndarray | None:
    """The region of one photograph to hold out: at least ``test_count`` crops inside it,
    and as many crops as possible apart from it (the rest are lost), at least two (one for
    training, one for validation). ``None`` when no tried region does that.

    The best region for a given test part is the bounding box of its crops, so the
    regions tried are the bounding boxes of every one, two and three of the smallest crops
    (small crops fit a region most easily); ties go to more test crops, then to the first
    tried. Deterministic: it depends on the boxes only.
    """
    smallest = np.argsort(footprints[:, 2] - footprints[:, 0], kind="stable")
    smallest = smallest[:_REGION_CANDIDATES]
    combos = np.array(list(itertools.combinations_with_replacement(smallest, 3)))
    chosen = footprints[combos]
    regions = np.concatenate([chosen[:, :, :2].min(axis=1), chosen[:, :, 2:].max(axis=1)], 1)
    test, apart = _inside(footprints, regions).sum(1), _apart(footprints, regions).sum(1)
    usable = (test >= test_count) & (apart >= 2)  # one crop each for train and validation
    score = np.where(usable, apart * (len(footprints) + 1) + test, -1)
    best = int(np.argmax(score))
    return None if score[best] < 0 else regions[best]


def _course_files(files, recipe: dict) -> tuple:
    """(class index, crop index) of each file ``<class>/<nnn>.png`` of the course folder."""
    classes = {name: k for k, name in enumerate(recipe["classes"])}
    result = []
    for rel in files:
        name, _slash, stem = str(rel).partition("/")
        crop = stem[:-4] if stem.endswith(".png") else ""
        if (
            name not in classes
            or not crop.isdigit()
            or len(crop) != 3
            or int(crop) >= recipe["images_per_class"]
        ):
            raise ValueError(
                _(
                    "files must be the course folder's, '<class>/<nnn>.png' with nnn below "
                    "images_per_class={count}. Received: {rel!r}"
                ).format(count=recipe["images_per_class"], rel=rel)
            )
        result.append((classes[name], int(crop)))
    return tuple(result)


@checks_keywords
def course_folder_groups(recipe, files, labels, test_fraction: float = 0.1) -> ImageGroups:
    """The course folder's test part held out so that it shares no source pixel with
    training or validation.

    Each class of :func:`~inception_edu.data.folder.write_course_folder`'s folder is crops
    of one photograph, overlapping one another, so no split of the crops themselves is
    leak-free. Instead, per class, a region of the photograph is held out
    (:func:`held_out_region`): the crops whose source pixels
    (:func:`course_crop_footprints`) lie entirely inside it are the test part
    (``held_out``), those that touch it are left out of every part (``left_out``), and
    the others are train and validation, one group per crop (they overlap one another as
    before: validation is not leak-free, only test is). The region is chosen to hold at
    least ``ceil(test_fraction * images_per_class)`` crops, and as few crops as possible
    are lost.

    Args:
        recipe: the folder's recorded recipe (its hidden ``.course_folder.json``).
        files: the images' paths relative to the folder (``ImageFolder.files``).
        labels: their class labels (``ImageFolder.labels``), kept in the result for
            :meth:`ImageGroups.parts_per_class`.
        test_fraction: the share of each class's crops to hold out for test, in (0, 0.5].
    """
    recipe = _course_recipe(recipe)
    test_fraction = check_number(test_fraction, "test_fraction", 0, 0.5, open_min=True)
    labels, files = _check_folder_arrays(labels, files)
    where = _course_files(files, recipe)
    footprints = course_crop_footprints(recipe)
    test_count = math.ceil(test_fraction * recipe["images_per_class"])
    held, left = np.zeros(len(where), bool), np.zeros(len(where), bool)
    boxes = np.array([footprints[recipe["classes"][k]][i] for k, i in where]).reshape(-1, 4)
    photograph = np.array([k for k, _ in where], dtype=np.int64)
    ids = np.arange(len(where), dtype=np.int64)
    regions = []
    for k, name in enumerate(recipe["classes"]):
        region = held_out_region(footprints[name], test_count)
        if region is None:
            raise ValueError(
                _(
                    "No region of the photograph of {name!r} holds {count} whole crops "
                    "(test_fraction={test_fraction} of {images}) and leaves 2 crops apart "
                    "from it for training and validation: choose a smaller test_fraction, "
                    "or write the folder with more images_per_class"
                ).format(
                    name=name,
                    count=test_count,
                    test_fraction=test_fraction,
                    images=recipe["images_per_class"],
                )
            )
        mine = photograph == k
        inside = _inside(boxes, region[None])[0] & mine
        held |= inside
        left |= mine & ~inside & ~_apart(boxes, region[None])[0]
        ids[inside] = np.flatnonzero(inside)[0] if inside.any() else ids[inside]
        with Image.open(photo_path(FOLDER_PHOTOS[k])) as image:
            regions.append((name, tuple(int(v) for v in region), image.size))
    method = _COURSE_REGIONS.format(seed=recipe["seed"])
    return ImageGroups(
        ids, held, left, files, labels, method, (), tuple(regions), test_fraction, boxes
    )


# --------------------------------------------------------------------------- the split


def _check_split_arrays(x, y, class_names) -> tuple:
    x, y = np.asarray(x), np.asarray(y)
    classes = len(class_names)
    if x.ndim == 0 or len(x) == 0 or len(x) != len(y):
        raise ValueError(
            _(
                "x and y must be non-empty, with one label per image. Received: "
                "x of shape {x_shape}, y of shape {y_shape}"
            ).format(x_shape=x.shape, y_shape=y.shape)
        )
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer) or y.min() < 0 or y.max() >= classes:
        raise ValueError(
            _(
                "y must be integer labels (N,) in [0, {last}] (one per class name). "
                "Received: y of dtype {dtype} and shape {shape}{values}"
            ).format(last=classes - 1, dtype=y.dtype, shape=y.shape, values="")
        )
    return x, y


def _group_arrays(groups, count: int) -> tuple:
    """(ids, held_out, left_out) from an :class:`ImageGroups` or an (N,) int array."""
    if isinstance(groups, ImageGroups):
        ids, held, left = groups.ids, groups.held_out, groups.left_out
    else:
        ids = np.asarray(groups)
        if ids.ndim != 1 or not (ids.size == 0 or np.issubdtype(ids.dtype, np.integer)):
            raise ValueError(
                _(
                    "groups must be an ImageGroups (ImageFolder.groups) or (N,) integer group "
                    "ids. Received: dtype {dtype}, shape {shape}"
                ).format(dtype=ids.dtype, shape=ids.shape)
            )
        held, left = np.zeros(len(ids), bool), np.zeros(len(ids), bool)
    if len(ids) != count:
        raise ValueError(
            _("groups must have one entry per image. Received {ids} for {count} images").format(
                ids=len(ids), count=count
            )
        )
    return ids, held, left


def _assign(ids, y, order, targets: np.ndarray) -> np.ndarray:
    """Each group, largest first (``order`` breaks ties), goes to the part whose share of
    the group's classes is furthest below its target: ``part[i]`` for each image.

    ``targets`` (parts, classes): the number of images of each class each part should
    hold. A part that holds nothing of a class yet comes first, so every class reaches
    every part as long as it has as many groups as there are parts (checked before)."""
    parts, classes = targets.shape
    unique, inverse = np.unique(ids, return_inverse=True)
    counts = np.zeros((len(unique), classes))
    np.add.at(counts, (inverse, y), 1)
    sizes = counts.sum(1)
    rank = np.empty(len(unique), dtype=np.int64)
    rank[order] = np.arange(len(unique))
    held = np.zeros((parts, classes))
    part_of_group = np.empty(len(unique), dtype=np.int64)
    for g in np.lexsort((rank, -sizes)):
        mine = counts[g] > 0
        fill = held[:, mine] / np.maximum(targets[:, mine], 1e-9)
        empty = (held[:, mine] == 0).any(axis=1)
        score = np.where(empty, -1.0, (fill * counts[g, mine]).sum(1))
        part_of_group[g] = int(np.argmin(score))  # ties: the first part (train)
        held[part_of_group[g]] += counts[g]
    return part_of_group[inverse]


def _check_enough_groups(ids, y, class_names, parts: int, test_fraction: float) -> None:
    for label, name in enumerate(class_names):
        mine = y == label
        found = len(np.unique(ids[mine]))
        if found < parts:
            message = (
                N_(
                    "class {name!r} has {images} image(s) in {found} group(s) of "
                    "near-duplicates; train, validation and test need at least {parts} (one "
                    "group per part). Add photographs of other scenes to {name!r}, or set "
                    "test_fraction=0. Received: test_fraction={test_fraction}"
                )
                if parts == 3
                else N_(
                    "class {name!r} has {images} image(s) in {found} group(s) of "
                    "near-duplicates; train and validation need at least {parts} (one group "
                    "per part). Add photographs of other scenes to {name!r}. Received: "
                    "test_fraction={test_fraction}"
                )
            )
            raise ValueError(
                _(message).format(
                    name=name,
                    images=int(mine.sum()),
                    found=found,
                    parts=parts,
                    test_fraction=test_fraction,
                )
            )


def _check_every_class_in_every_part(y, part, class_names, parts: int) -> None:
    """Groups that mix classes can leave a class out of a part: refused, saying which."""
    names = (N_("train"), N_("validation"), N_("test"))
    for p in range(parts):
        missing = sorted(set(range(len(class_names))) - set(y[part == p].tolist()))
        if missing:
            shown = ", ".join(repr(class_names[m]) for m in missing[:5])
            raise ValueError(
                _(
                    "the groups leave no image of {shown} for the {part} part (groups that "
                    "mix classes cannot always be shared out); give groups within classes, or "
                    "more groups"
                ).format(shown=shown, part=_(names[p]))
            )


def _rows(x, y, where) -> tuple:
    return x[where].astype(np.float32), y[where].astype(np.int64)


@checks_keywords
def grouped_split(
    x,
    y,
    groups,
    class_names,
    val_fraction: float = 0.2,
    test_fraction: float = 0.1,
    seed: int = 0,
) -> Split:
    """A train/validation/test :class:`~inception_edu.data.arrays.Split` in which no group
    straddles two parts.

    Groups are assigned whole, the largest first (a seeded shuffle orders groups of one
    size), each to the part whose share of the group's classes lies furthest below
    ``val_fraction``, ``test_fraction`` or the rest (scikit-learn's ``StratifiedGroupKFold``
    balances classes the same greedy way, for equal folds only). So each part keeps the
    class proportions as far as the groups allow, every class is in every part, and the
    same seed gives the same split. With ``test_fraction=0`` there is no test part
    (``x_test`` is ``None``), and validation is still grouped.

    ``groups``: an :class:`ImageGroups` (:meth:`ImageFolder.groups
    <inception_edu.data.folder.ImageFolder.groups>`), or (N,) integer ids (images with one
    id stay together). An :class:`ImageGroups` of the course folder brings its own test
    part (its held-out regions, chosen for its ``test_fraction``, which must be the one
    given here) and leaves its ``left_out`` images out of every part.

    Raises ``ValueError`` for bad fractions (each in range, their sum below 1), mismatched
    lengths, non-integer labels or ids, and a class with fewer groups than parts (named).
    """
    val_fraction = check_fraction(val_fraction)
    test_fraction = check_test_fraction(test_fraction, val_fraction)
    seed = check_int(seed, "seed", 0)
    x, y = _check_split_arrays(x, y, class_names)
    ids, held, left = _group_arrays(groups, len(y))
    fixed_test = bool(held.any())
    if fixed_test and groups.test_fraction != test_fraction:
        raise ValueError(
            _(
                "these groups hold out the course photographs' regions chosen for "
                "test_fraction={chosen}; give that test_fraction or make the groups with "
                "test_fraction={test_fraction}. Received: test_fraction={test_fraction}"
            ).format(chosen=groups.test_fraction, test_fraction=test_fraction)
        )
    free = ~held & ~left
    free_fractions = [val_fraction] if fixed_test else [val_fraction, test_fraction]
    free_fractions = [f for f in free_fractions if f > 0]
    parts = 1 + len(free_fractions)
    _check_enough_groups(ids[free], y[free], class_names, parts, test_fraction)
    shares = np.array([1.0 - sum(free_fractions), *free_fractions])
    class_counts = np.bincount(y[free], minlength=len(class_names))
    targets = shares[:, None] * class_counts[None, :]
    order = np.random.default_rng(seed).permutation(len(np.unique(ids[free])))
    part = np.full(len(y), -1)
    part[free] = _assign(ids[free], y[free], order, targets)
    if fixed_test:
        part[held] = 2
    _check_every_class_in_every_part(y, part, class_names, parts if not fixed_test else 3)
    shuffled = np.random.default_rng(seed).permutation(len(y))  # each part in shuffled order
    rows = [shuffled[part[shuffled] == p] for p in range(3)]
    test = _rows(x, y, rows[2]) if len(rows[2]) else (None, None)
    return Split(*_rows(x, y, rows[0]), *_rows(x, y, rows[1]), tuple(class_names), test[0], test[1])
