"""The sources' image-folder pipeline: labels from folder names, 75x75, one-hot, a .npy cache.

Seed 000 prepared its experiment like this: every image of a folder whose sub-folder names
are the labels, resized to 75x75 (the smallest input ``keras.applications.InceptionResNetV2``
accepts), labels one-hot encoded, the arrays saved with ``np.save`` and read back with
``np.load``. Here is that pipeline, with what a learner's own folder needs besides:

- :func:`write_course_folder`: the course's folder, 12 classes of patches cut from real
  photographs that scikit-image and scikit-learn ship inside their wheels (see
  :mod:`~inception_edu.data.photos`); nothing is downloaded.
- :func:`load_image_folder` -> :class:`ImageFolder`: x float32 in [0, 1] (N, size, size,
  3), y one-hot float32 (N, K), class names sorted as the folder names, the files skipped
  and why; with ``cache_dir``, the arrays are saved as ``x.npy``/``y.npy`` and reloaded
  while the folder is unchanged. :meth:`ImageFolder.split` gives the package's stratified
  :class:`~inception_edu.data.arrays.Split`.
- :func:`folder_dataset`: the same folder through ``keras.utils.image_dataset_from_directory``
  so the two pipelines can be compared. Only this function imports TensorFlow.

Bad folders get a ``ValueError`` saying what was received and what is allowed; a file that
is not a readable image is skipped and reported, not a crash. Hidden files and folders
(``.ipynb_checkpoints``, ``.DS_Store``) are ignored.

A learner's folder is rarely as clean as the course's, so the loader also takes a folder
as people have them (none of this changes the course folder's arrays: its PNGs have no
EXIF orientation, its names are ASCII and it holds no system files):

- the folders and files that systems and sync tools leave (``__MACOSX`` of a zip made on
  a Mac, ``.AppleDouble`` and ``._*`` resource forks, ``Thumbs.db``, ``desktop.ini``, a
  NAS's ``@eaDir``, ...: :data:`SYSTEM_NAMES`) are neither classes nor images: skipped
  and listed in ``skipped`` with what they are;
- class names are NFC-normalised: macOS writes Korean folder names decomposed (NFD), so
  "고양이" from a Mac and from Windows are one class, sorted alike (folders whose names
  differ only so are merged, and the result's ``notes`` says so);
- a phone photo's EXIF orientation is applied (``PIL.ImageOps.exif_transpose``), so a
  portrait photo stored sideways loads upright (noted per file);
- WebP is read; HEIC/HEIF (iPhones' format) is read where ``pillow-heif`` is installed,
  and otherwise each such file is skipped with how to install it;
- large JPEGs are decoded at a reduced scale (``Image.draft``: the JPEG decoder's 1/2,
  1/4 or 1/8 scaling, never below the target size) and files are decoded by several
  threads (Pillow releases the GIL while decoding), in a deterministic order;
  ``benchmarks/folder_loading.py`` measures both.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import shutil
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from inception_edu.data.arrays import (
    Split,
    check_fraction,
    check_test_fraction,
    stratified_split,
)
from inception_edu.data.grouping import (
    ImageGroups,
    course_folder_groups,
    grouped_split,
    near_duplicate_groups,
)
from inception_edu.data.photos import FOLDER_PHOTOS, open_photo
from inception_edu.data.progress import progress_bar, progress_enabled
from inception_edu.i18n import N_, _, translate_filled
from inception_edu.spec.checks import check_flag, check_folder, check_int, checks_keywords

__all__ = [
    "HEIF_EXTENSIONS",
    "IMAGE_EXTENSIONS",
    "KERAS_EXTENSIONS",
    "SYSTEM_NAMES",
    "ImageFolder",
    "folder_dataset",
    "load_image_folder",
    "shown_reason",
    "write_course_folder",
]

#: The extensions ``keras.utils.image_dataset_from_directory`` reads (its allow-list).
KERAS_EXTENSIONS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")

#: The extensions :func:`load_image_folder` reads as images, compared in lower case: Keras'
#: and WebP, which Pillow decodes and Keras' folder reader leaves out (so
#: :func:`folder_dataset` does not see ``.webp`` files).
IMAGE_EXTENSIONS = (*KERAS_EXTENSIONS, ".webp")

#: HEIC/HEIF, iPhones' photo format: read where ``pillow-heif`` is installed; otherwise
#: each such file is skipped, saying how to install it.
HEIF_EXTENSIONS = (".heic", ".heif")

#: Files and folders that operating systems, zip tools, NAS boxes and photo managers leave
#: in a folder, lower case -> what they are: never a class nor an image, always reported.
#: (``._name`` files, macOS resource forks, are recognised by their prefix.)
SYSTEM_NAMES = {
    "__macosx": N_("macOS zip metadata"),
    ".appledouble": N_("macOS resource forks (AppleDouble)"),
    ".trashes": N_("macOS trash"),
    ".spotlight-v100": N_("macOS search index"),
    ".fseventsd": N_("macOS file-event log"),
    ".temporaryitems": N_("macOS temporary items"),
    "thumbs.db": N_("Windows thumbnail cache"),
    "ehthumbs.db": N_("Windows thumbnail cache"),
    "ehthumbs_vista.db": N_("Windows thumbnail cache"),
    "desktop.ini": N_("Windows folder settings"),
    "$recycle.bin": N_("Windows recycle bin"),
    "system volume information": N_("Windows system folder"),
    "@eadir": N_("Synology NAS thumbnails"),
    "#recycle": N_("NAS recycle bin"),
    ".picasa.ini": N_("Picasa settings"),
    "picasa.ini": N_("Picasa settings"),
    ".thumbnails": N_("thumbnail cache"),
}

_RESOURCE_FORK = N_("macOS resource fork (AppleDouble)")
_HEIF_HELP = N_("HEIC needs pillow-heif: pip install pillow-heif")

# Why a file was skipped, what was noted: kept in English in ``skipped`` and ``notes``
# (they are cached, and compared), shown in the course's language (:func:`shown_reason`).
_SYSTEM_FOLDER_TOP = N_("{kind} folder, not a class: {count} file(s) in it not read")
_SYSTEM_FOLDER = N_("{kind} folder: {count} file(s) in it not read")
_SYSTEM_FILE = N_("{kind}, not an image")
_BAD_EXTENSION = N_("extension {ext} is not an image extension")
_NOT_READABLE = N_("not an image Pillow can read")
_UNREADABLE = N_("unreadable image ({error})")
_STRAY = N_("not inside a class sub-folder")
_MERGED = N_("{count} folders named so (NFC and NFD) merged")
_NFD_NAME = N_("folder name in NFD (as macOS writes it) read as {name} (NFC)")
_UPRIGHT = N_("turned upright by its EXIF orientation {orientation}")
_NOT_READ = N_("extension {ext} not read")  # a predicted folder's other files (transfer.use)
_REASONS = (
    _SYSTEM_FOLDER_TOP,
    _SYSTEM_FOLDER,
    _SYSTEM_FILE,
    _HEIF_HELP,
    _BAD_EXTENSION,
    _NOT_READABLE,
    _UNREADABLE,
    _STRAY,
    _MERGED,
    _NFD_NAME,
    _UPRIGHT,
    _NOT_READ,
)
_ORIENTATION = 0x0112  # the EXIF Orientation tag; 2-8 mean mirrored and/or turned

_CACHE_VERSION = 2
_MARKER = ".course_folder.json"  # hidden: neither pipeline takes it for an image or class


# --------------------------------------------------------------------------- the result


def shown_reason(why: str) -> str:
    """Why a file was skipped, or what was noted on it (an entry of ``skipped`` or
    ``notes``, kept in English), in the course's language (:mod:`inception_edu.i18n`)."""
    return translate_filled(why, _REASONS, translated=("kind",))


def reported(skipped, notes) -> str:
    """The end of a folder's summary line: the files skipped with why and what was
    noted, the first five of each (``""`` when there is neither)."""
    text = ""
    lines = (
        (skipped, N_("; skipped {count} file(s): {shown}{more}")),
        (notes, N_("; noted {count} file(s): {shown}{more}")),
    )
    for items, line in lines:
        if items:
            shown = "; ".join(f"{name} ({shown_reason(why)})" for name, why in items[:5])
            more = _("; and {count} more").format(count=len(items) - 5) if len(items) > 5 else ""
            text += _(line).format(count=len(items), shown=shown, more=more)
    return text


@dataclass(frozen=True, eq=False)
class ImageFolder:
    """An image folder as arrays: what :func:`load_image_folder` returns.

    ``x`` float32 in [0, 1] shaped (N, size, size, 3); ``y`` one-hot float32 (N, K) in the
    order of ``class_names`` (the sub-folder names in NFC, sorted); ``files`` the path of each
    image relative to the folder, in the order of ``x``; ``skipped`` (relative path,
    reason) for each file that was not read, and for each system folder (``__MACOSX``,
    ...) left out whole; ``from_cache`` whether the arrays came from the ``.npy`` cache;
    ``notes`` (relative path, what was done) for what was read but changed on the way: a
    class folder's name NFC-normalised (or two folders merged), a photo turned upright by
    its EXIF orientation.
    """

    x: np.ndarray
    y: np.ndarray
    class_names: tuple
    files: tuple
    skipped: tuple
    size: int
    from_cache: bool = False
    notes: tuple = ()

    @property
    def labels(self) -> np.ndarray:
        """Integer labels (N,): the index of each row's one in ``y``."""
        return np.argmax(self.y, axis=1).astype(np.int64)

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    @property
    def input_shape(self) -> tuple:
        """(size, size, 3): what a model builder needs."""
        return (self.size, self.size, 3)

    def counts(self) -> dict:
        """Images per class, in class order."""
        totals = self.y.sum(axis=0).astype(int)
        return {name: int(n) for name, n in zip(self.class_names, totals, strict=True)}

    def split(
        self, val_fraction: float = 0.2, seed: int = 0, test_fraction: float = 0.0, groups=None
    ) -> Split:
        """A stratified train/validation :class:`Split` (integer labels, as the package's
        other data sets; ``keras.utils.to_categorical`` gives one-hot back).

        With ``test_fraction`` > 0 a test part is held out too, and with ``groups`` (from
        :meth:`groups`, or (N,) integer ids) no group straddles two parts:
        :func:`~inception_edu.data.grouping.grouped_split`. A test part without groups
        splits image by image, so near-duplicates can straddle it: give
        ``groups=self.groups(path, test_fraction)``. Called with neither, the split is the
        stratified one it always was."""
        val_fraction = check_fraction(val_fraction)
        seed = check_int(seed, "seed", 0)
        test_fraction = check_test_fraction(test_fraction, val_fraction)
        if groups is None and test_fraction == 0:
            return stratified_split(self.x, self.labels, self.class_names, val_fraction, seed)
        if groups is None:  # a test part without groups: every image its own group
            groups = np.arange(len(self.files))
        return grouped_split(
            self.x, self.labels, groups, self.class_names, val_fraction, test_fraction, seed
        )

    def groups(
        self, path, test_fraction: float = 0.1, max_distance: int = 10, max_seconds: float = 3.0
    ) -> ImageGroups:
        """Which images must stay in one part of a split (for :meth:`split`'s ``groups``).

        ``path`` is the folder these arrays were read from. For the course folder
        (:func:`write_course_folder`, recognised by its recorded recipe) the groups hold
        out a region of each photograph for the test part, chosen for ``test_fraction``
        (:func:`~inception_edu.data.grouping.course_folder_groups`); for any other folder
        they join near-duplicates by look (``max_distance``) and capture time
        (``max_seconds``): :func:`~inception_edu.data.grouping.near_duplicate_groups`."""
        folder = _check_folder(path)
        try:
            recipe = json.loads((folder / _MARKER).read_text())
        except (OSError, ValueError):
            recipe = None
        if recipe is not None:
            return course_folder_groups(
                recipe, self.files, self.labels, test_fraction=test_fraction
            )
        return near_duplicate_groups(
            self.x,
            self.labels,
            self.files,
            path=folder,
            max_distance=max_distance,
            max_seconds=max_seconds,
        )

    def summary(self) -> str:
        """One line: images, classes, size, where from, the files skipped with why and
        what was changed on the way (the first five of each)."""
        where = _(", read from the .npy cache") if self.from_cache else ""
        text = _("{count} images of {classes} classes at {size}x{size}{where}").format(
            count=len(self.files), classes=self.num_classes, size=self.size, where=where
        )
        return text + reported(self.skipped, self.notes)

    def __repr__(self) -> str:
        return (
            f"ImageFolder(x={self.x.shape}, classes={self.num_classes}, "
            f"skipped={len(self.skipped)}, notes={len(self.notes)}, "
            f"from_cache={self.from_cache})"
        )


# --------------------------------------------------------------------------- the folder


def _is_hidden(name: str) -> bool:
    return name.startswith(".")


def _as_path(value, name: str) -> Path:
    if not isinstance(value, (str, os.PathLike)) or str(value) == "":
        raise ValueError(
            _(
                "{name} must be a folder path (a non-empty str or pathlib.Path). "
                "Received: {name}={value!r}"
            ).format(name=name, value=value)
        )
    return Path(value).expanduser()


def _is_within(inner: Path, outer: Path) -> bool:
    inner, outer = inner.resolve(), outer.resolve()
    return inner == outer or outer in inner.parents


def _check_folder(path) -> Path:
    folder = _as_path(path, "path")
    if not folder.exists():
        raise ValueError(
            _(
                "path must be an existing folder whose sub-folders are the classes; "
                "{folder!r} does not exist. Received: path={path!r}"
            ).format(folder=str(folder), path=path)
        )
    if not folder.is_dir():
        raise ValueError(
            _(
                "path must be a folder whose sub-folders are the classes; {folder!r} is "
                "a file. Received: path={path!r}"
            ).format(folder=str(folder), path=path)
        )
    return folder


def _system_kind(name: str) -> str | None:
    """What the system file or folder ``name`` is (:data:`SYSTEM_NAMES`), or None."""
    if name.startswith("._"):
        return _RESOURCE_FORK
    return SYSTEM_NAMES.get(name.lower())


def _system_entry(folder: Path, rel: str, kind: str, is_dir: bool, top: bool) -> tuple:
    """(relative path, why skipped) of a system file or folder; a folder is counted."""
    if not is_dir:
        return rel, _SYSTEM_FILE.format(kind=kind)
    count = sum(len(files) for _unused, _dirs, files in os.walk(folder / rel))
    return rel, (_SYSTEM_FOLDER_TOP if top else _SYSTEM_FOLDER).format(kind=kind, count=count)


def _class_folders(folder: Path, path) -> tuple[dict, list, list]:
    """The classes, sorted by NFC name: ``{name: [its folders' names on disk]}``; the top
    level's system files and folders (relative path, why skipped); and notes on names.

    Folders whose names differ only in Unicode normalisation (macOS writes NFD) are one
    class. Hidden folders are left out silently, system folders with a report. At least
    two classes."""
    on_disk, system = {}, []
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        kind = _system_kind(entry.name)
        if kind is not None:
            system.append(_system_entry(folder, entry.name, kind, entry.is_dir(), True))
        elif entry.is_dir() and not _is_hidden(entry.name):
            on_disk.setdefault(unicodedata.normalize("NFC", entry.name), []).append(entry.name)
    names = sorted(on_disk)
    if len(names) < 2:
        found = _("only {name!r}").format(name=names[0]) if names else _("none")
        raise ValueError(
            _(
                "path must hold at least 2 class sub-folders (their names are the labels: "
                "path/<class>/<image>); {folder!r} has {found}. Received: path={path!r}"
            ).format(folder=str(folder), found=found, path=path)
        )
    notes = []
    for name in names:
        if len(on_disk[name]) > 1:
            notes.append((name, _MERGED.format(count=len(on_disk[name]))))
        notes += [(d, _NFD_NAME.format(name=repr(name))) for d in on_disk[name] if d != name]
    return {name: on_disk[name] for name in names}, system, notes


def _class_names(folder: Path, path) -> list:
    """The class names (NFC, sorted; hidden and system folders left out); at least two."""
    return list(_class_folders(folder, path)[0])


def _walk_class(folder: Path, on_disk: list, system: list) -> list:
    """The files of one class (relative paths, sorted): every non-hidden file under its
    folders. System files and folders met are appended to ``system``."""
    found = []
    for start in on_disk:
        for root, dirs, files in os.walk(folder / start):
            rel = Path(root).relative_to(folder).as_posix()
            kept = []
            for name in sorted(dirs):
                kind = _system_kind(name)
                if kind is not None:
                    system.append(_system_entry(folder, f"{rel}/{name}", kind, True, False))
                elif not _is_hidden(name):
                    kept.append(name)
            dirs[:] = kept
            for name in files:
                kind = _system_kind(name)
                if kind is not None:
                    system.append((f"{rel}/{name}", _SYSTEM_FILE.format(kind=kind)))
                elif not _is_hidden(name):
                    found.append((rel, name))
    return [f"{root}/{name}" for root, name in sorted(found)]


def _listing(folder: Path, classes: dict, system: list) -> tuple:
    """Files per class (relative paths, Keras' order), files outside any class folder, and
    the system files and folders found anywhere (relative path, why skipped), sorted.

    Sub-folders of a class folder belong to that class (Keras walks them too). Hidden
    files and folders are left out silently.
    """
    system = list(system)
    per_class = [_walk_class(folder, on_disk, system) for on_disk in classes.values()]
    strays = sorted(
        e.name
        for e in os.scandir(folder)
        if e.is_file() and not _is_hidden(e.name) and _system_kind(e.name) is None
    )
    return per_class, strays, sorted(system)


def _fingerprint(folder: Path, per_class: list, strays: list, system: list) -> str:
    """A hash of every file's relative path, size and modification time (and of the system
    files reported): it changes when a file is added, removed, renamed or rewritten."""
    entries = []
    for rel in [f for files in per_class for f in files] + strays:
        stat = (folder / rel).stat()
        entries.append([rel, stat.st_size, stat.st_mtime_ns])
    entries.append([list(item) for item in system])
    return hashlib.sha256(json.dumps(entries).encode()).hexdigest()


# --------------------------------------------------------------------------- decoding


def _to_rgb(image: Image.Image) -> Image.Image:
    """Any Pillow mode as 8-bit RGB: grey is repeated, alpha dropped (as Keras does)."""
    if image.mode in ("I", "F") or image.mode.startswith("I;16"):  # 16-bit or float grey
        values = np.asarray(image, dtype=np.float64)
        scale = 257.0 if image.mode != "F" else 1.0  # 65535 -> 255, as TensorFlow scales
        image = Image.fromarray(np.clip(values / scale, 0, 255).round().astype(np.uint8))
    return image.convert("RGB")


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation (2-8), or 1 when there is none or it is not one of those."""
    try:
        value = image.getexif().get(_ORIENTATION, 1)
    except Exception:  # a broken EXIF block: read the pixels as they are stored
        return 1
    return value if isinstance(value, int) and 2 <= value <= 8 else 1


def _read_image(file: Path, size: int, draft: bool = True) -> tuple[np.ndarray, int]:
    """One image file as uint8 (size, size, 3), and its EXIF orientation (1: none).

    Decoded (a JPEG at the smallest of its 1/1, 1/2, 1/4, 1/8 scales that is still at
    least ``size`` on both sides when ``draft``), turned upright by its EXIF orientation
    (``ImageOps.exif_transpose``), made RGB, resized (bilinear, aspect ratio not kept,
    as the source's ``cv2.resize`` and Keras' default)."""
    with Image.open(file) as image:
        if draft and image.format == "JPEG":
            image.draft("RGB", (size, size))
        image.load()  # decodes now: a truncated or corrupt file fails here
        orientation = _orientation(image)
        upright = ImageOps.exif_transpose(image) if orientation != 1 else image
        rgb = _to_rgb(upright)
    resized = rgb.resize((size, size), Image.Resampling.BILINEAR)
    return np.asarray(resized, dtype=np.uint8), orientation


def read_image(path, size: int = 75) -> np.ndarray:
    """One image file as :func:`load_image_folder` reads it: float32 (size, size, 3) in
    [0, 1], upright by its EXIF orientation, RGB, resized as the folder's images are.

    For a single photograph outside a folder (predicting a new image with a trained
    model). A path that is not a file, an extension that is not an image's, or a file
    Pillow cannot decode is a ``ValueError`` saying which and what is allowed."""
    size = check_int(size, "size", 1)
    if not isinstance(path, (str, os.PathLike)) or str(path) == "":
        raise ValueError(
            _("path must be an image file's path (str or Path); received {path!r}").format(
                path=path
            )
        )
    file = Path(path).expanduser()
    if not file.is_file():
        raise ValueError(
            _("path must be an image file; received {path!r}, not a file").format(path=str(path))
        )
    pixels, why, _unused = _decode_one(file.parent, file.name, size, True)
    if pixels is None:
        allowed = ", ".join(IMAGE_EXTENSIONS + HEIF_EXTENSIONS)
        raise ValueError(
            _("cannot read {path!r}: {why} (allowed extensions: {allowed})").format(
                path=str(path), why=shown_reason(why), allowed=allowed
            )
        )
    return to_unit_range(pixels)


@functools.lru_cache(maxsize=1)
def _heif_available() -> bool:
    """Whether ``pillow-heif`` is installed; registers its HEIC/HEIF opener with Pillow."""
    try:
        import pillow_heif
    except ImportError:
        return False
    pillow_heif.register_heif_opener()
    return True


def _why_unreadable(error: Exception, file: Path) -> str:
    if isinstance(error, UnidentifiedImageError):
        return _NOT_READABLE
    message = str(error).replace(str(file), file.name)
    return _UNREADABLE.format(error=f"{type(error).__name__}: {message}")


def _unreadable_extension(rel: str) -> str | None:
    """Why a file is not read for its extension alone (not an image's, or HEIC without
    ``pillow-heif``), or None when its extension is one this loader decodes."""
    ext = os.path.splitext(rel)[1].lower()
    if ext in HEIF_EXTENSIONS and not _heif_available():
        return _HEIF_HELP
    if ext not in IMAGE_EXTENSIONS + HEIF_EXTENSIONS:
        return _BAD_EXTENSION.format(ext=ext or "(none)")
    return None


def _decode_one(folder: Path, rel: str, size: int, draft: bool) -> tuple:
    """(pixels or None, why skipped or None, note or None) of one file."""
    why = _unreadable_extension(rel)
    if why is not None:
        return None, why, None
    try:
        pixels, orientation = _read_image(folder / rel, size, draft)
    except Exception as error:  # any decoder failure: skip the file, report why
        return None, _why_unreadable(error, folder / rel), None
    note = None if orientation == 1 else _UPRIGHT.format(orientation=orientation)
    return pixels, None, note


def _decode(
    folder: Path, per_class: list, strays: list, size: int, options: tuple, progress=False
) -> tuple:
    """Every class file decoded, by ``workers`` threads, in the listing's order, with a
    progress bar of the files decoded (:func:`~inception_edu.data.progress.progress_bar`).

    ``options`` is (draft, workers). Returns (uint8 images, labels, files, skipped, notes).
    """
    draft, workers = options
    todo = [(label, rel) for label, files in enumerate(per_class) for rel in files]

    def one(item):
        return _decode_one(folder, item[1], size, draft)

    results = []
    with progress_bar(len(todo), _("decoding images"), "file", progress) as bar:
        if workers > 1 and len(todo) > 1:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                for result in pool.map(one, todo):  # in the order of ``todo``
                    results.append(result)
                    bar.update(1)
        else:
            for item in todo:
                results.append(one(item))
                bar.update(1)
    images, labels, files, notes = [], [], [], []
    skipped = [(name, _STRAY) for name in strays]
    for (label, rel), (pixels, why, note) in zip(todo, results, strict=True):
        if pixels is None:
            skipped.append((rel, why))
            continue
        images.append(pixels)
        labels.append(label)
        files.append(rel)
        if note is not None:
            notes.append((rel, note))
    x = np.stack(images) if images else np.zeros((0, size, size, 3), np.uint8)
    return x, np.asarray(labels, dtype=np.int64), files, skipped, notes


# --------------------------------------------------------------------------- the cache


def _cache_files(cache: Path) -> tuple:
    return cache / "x.npy", cache / "y.npy", cache / "meta.json"


def _read_cache(cache: Path, fingerprint: str, size: int) -> ImageFolder | None:
    """The cached arrays when they were made from this very folder at this size."""
    x_file, y_file, meta_file = _cache_files(cache)
    try:
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        if (meta["version"], meta["fingerprint"], meta["size"]) != (
            _CACHE_VERSION,
            fingerprint,
            size,
        ):
            return None
        x = np.load(x_file, allow_pickle=False)
        y = np.load(y_file, allow_pickle=False)
    except (OSError, ValueError, KeyError, TypeError):  # absent, partial or another format
        return None
    n, k = len(meta["files"]), len(meta["class_names"])
    if x.shape != (n, size, size, 3) or y.shape != (n, k):
        return None
    skipped = tuple((str(a), str(b)) for a, b in meta["skipped"])
    notes = tuple((str(a), str(b)) for a, b in meta["notes"])
    names, files = tuple(meta["class_names"]), tuple(meta["files"])
    return ImageFolder(x, y, names, files, skipped, size, True, notes)


def _write_cache(cache: Path, data: ImageFolder, fingerprint: str) -> None:
    """``x.npy``, ``y.npy`` and ``meta.json``; the json goes last, so a cache interrupted
    half-way has none and is rebuilt."""
    cache.mkdir(parents=True, exist_ok=True)
    x_file, y_file, meta_file = _cache_files(cache)
    meta_file.unlink(missing_ok=True)
    for target, array in ((x_file, data.x), (y_file, data.y)):
        partial = target.with_name(target.name + ".partial")
        with open(partial, "wb") as handle:
            np.save(handle, array, allow_pickle=False)
        os.replace(partial, target)
    meta = {
        "version": _CACHE_VERSION,
        "fingerprint": fingerprint,
        "size": data.size,
        "class_names": list(data.class_names),
        "files": list(data.files),
        "skipped": [list(item) for item in data.skipped],
        "notes": [list(item) for item in data.notes],
    }
    partial = meta_file.with_name("meta.json.partial")
    partial.write_text(json.dumps(meta, indent=1, ensure_ascii=False), encoding="utf-8")
    os.replace(partial, meta_file)


# --------------------------------------------------------------------------- loading


def to_unit_range(pixels: np.ndarray) -> np.ndarray:
    """uint8 pixels as float32 in [0, 1], exactly as :func:`load_image_folder` scales
    them (the streaming path, :mod:`~inception_edu.data.stream`, uses it too)."""
    return pixels.astype(np.float32) / np.float32(255.0)


def _all_skipped(skipped: list, strays: list, system: list) -> tuple:
    """What was skipped, in the result's order: the files outside any class folder, the
    system files and folders, then the class files that could not be read."""
    return tuple(skipped[: len(strays)] + system + skipped[len(strays) :])


def _check_counts(counts: dict, skipped, minimum: int, path) -> None:
    """Every class of ``counts`` (name -> readable images) has ``minimum`` images, else a
    ``ValueError`` naming the short ones with their skipped files."""
    skipped_in = {}
    for rel, _why in skipped:
        top = unicodedata.normalize("NFC", rel.split("/")[0])
        skipped_in[top] = skipped_in.get(top, 0) + 1
    short = [
        _("{name!r} has {count}").format(name=name, count=count)
        + (
            _(" ({count} file(s) skipped)").format(count=skipped_in[name])
            if name in skipped_in
            else ""
        )
        for name, count in counts.items()
        if count < minimum
    ]
    if short:
        raise ValueError(
            _(
                "every class needs at least min_images_per_class={minimum} readable images; "
                "{short}. Add images or remove the class folder. Received: "
                "path={path!r}, min_images_per_class={minimum}"
            ).format(minimum=minimum, short=", ".join(short), path=path)
        )


def _check_outside(cache: Path | None, folder: Path, cache_dir, path) -> None:
    """A ``ValueError`` when the cache folder lies inside the image ``folder``."""
    if cache is not None and _is_within(cache, folder):
        raise ValueError(
            _(
                "cache_dir must lie outside path: its x.npy, y.npy and meta.json would be read "
                "as files of the image folder (and change its fingerprint on every call). "
                "Received: cache_dir={cache_dir!r} inside path={path!r}"
            ).format(cache_dir=cache_dir, path=path)
        )


def _check_workers(workers) -> int:
    """``workers`` as a thread count: ``None`` is the CPU count, at most 8."""
    if workers is None:
        return max(1, min(8, os.cpu_count() or 1))
    return check_int(workers, "workers", 1, 64)


def _build(
    folder: Path, listing: tuple, size: int, options: tuple, names_notes: list, progress=False
):
    """Decode the listed files into an :class:`ImageFolder` (x scaled to [0, 1])."""
    per_class, strays, system, class_names = listing
    x, labels, files, skipped, notes = _decode(folder, per_class, strays, size, options, progress)
    y = np.eye(len(class_names), dtype=np.float32)[labels]
    return ImageFolder(
        to_unit_range(x),
        y.reshape(len(labels), len(class_names)),
        tuple(class_names),
        tuple(files),
        _all_skipped(skipped, strays, system),
        size,
        False,
        tuple(names_notes + notes),
    )


@checks_keywords
def load_image_folder(
    path,
    size: int = 75,
    cache_dir=None,
    min_images_per_class: int = 2,
    verbose: bool = True,
    draft: bool = True,
    workers=None,
    progress=None,
) -> ImageFolder:
    """Read an image folder as the sources did: labels = sub-folder names, resized, one-hot.

    Args:
        path: a folder with one sub-folder per class (``path/<class>/<image>``; images in
            nested folders of a class count for it, as in Keras). At least 2 classes;
            names are NFC-normalised (a Mac's NFD "고양이" and Windows' NFC one are one class).
        size: every image is resized to ``size`` x ``size`` (bilinear; aspect ratio not
            kept). 75 is the smallest input ``keras.applications.InceptionResNetV2`` takes.
        cache_dir: ``None``, or a folder where the arrays are saved as ``x.npy`` and
            ``y.npy`` with ``meta.json`` (class names, size, a fingerprint of the folder's
            file names, sizes and modification times). The next call reads them back with
            ``np.load`` when the fingerprint and size match, and rebuilds them when the
            folder changed. One cache per directory: another folder or size replaces it.
        min_images_per_class: the fewest readable images a class may have (>= 1; 2 lets
            :meth:`ImageFolder.split` put one in each part).
        verbose: print one summary line (images, classes, skipped files with why).
        draft: decode a large JPEG at a reduced scale (1/2, 1/4 or 1/8, never below
            ``size``) before the resize: a 12-megapixel photo decodes several times
            faster, and the bilinear resize then shrinks less. No effect on other formats
            nor on a JPEG less than twice ``size``.
        workers: threads decoding files at once (``None``: the CPU count, at most 8; 1:
            one after another). The result's order never depends on it.
        progress: a bar of the files decoded: ``True``, ``False``, or ``None``, on where
            someone watches, never in a headless run (:mod:`inception_edu.data.progress`).

    Images are read with Pillow: grey, palette and RGBA images become RGB (alpha is
    dropped, as Keras drops it; 16-bit grey is scaled to 8 bits), and a photo's EXIF
    orientation is applied. Only files with an extension in :data:`IMAGE_EXTENSIONS`
    (and :data:`HEIF_EXTENSIONS` where ``pillow-heif`` is installed) are decoded. A file
    that is not one, or that cannot be decoded (e.g. a truncated PNG), is skipped and
    listed in ``skipped`` with the reason; so are files lying in ``path`` outside any
    class folder, and system files and folders (:data:`SYSTEM_NAMES`, such as a zip's
    ``__MACOSX``). Other hidden files and folders are ignored. What was changed on the
    way (a name normalised, a photo turned upright) is listed in ``notes``.

    Raises:
        ValueError: ``path`` missing or not a folder; fewer than 2 class sub-folders; a
            class with fewer than ``min_images_per_class`` readable images (named, with
            its count); a bad ``size``, ``min_images_per_class``, ``draft``, ``workers``
            ``cache_dir`` (a file, a path under a file, or a folder inside ``path``) or
            ``progress``.
    """
    size = check_int(size, "size", 1)
    min_images_per_class = check_int(min_images_per_class, "min_images_per_class", 1)
    verbose = check_flag(verbose, "verbose")
    options = (check_flag(draft, "draft"), _check_workers(workers))
    progress = progress_enabled(progress)
    cache = None if cache_dir is None else check_folder(cache_dir, "cache_dir")
    folder = _check_folder(path)
    _check_outside(cache, folder, cache_dir, path)
    classes, top_system, names_notes = _class_folders(folder, path)
    per_class, strays, system = _listing(folder, classes, top_system)
    fingerprint = _fingerprint(folder, per_class, strays, system + [("draft", str(draft))])

    data = None if cache is None else _read_cache(cache, fingerprint, size)
    fresh = data is None
    if fresh:
        listing = (per_class, strays, system, list(classes))
        data = _build(folder, listing, size, options, names_notes, progress)
    _check_counts(data.counts(), data.skipped, min_images_per_class, path)
    if fresh and cache is not None:  # a folder with too few images is not cached
        _write_cache(cache, data, fingerprint)
    if verbose:
        print(data.summary())
    return data


@checks_keywords
def folder_dataset(
    path, size: int = 75, batch_size: int = 64, seed: int = 0, shuffle: bool = False
):
    """The same folder through ``keras.utils.image_dataset_from_directory``, to compare.

    Called as the Keras tutorials call it, with one-hot labels (``label_mode=
    "categorical"``), images resized to ``size`` x ``size`` and this package's class list
    (the non-hidden sub-folders, sorted), so both pipelines number the classes alike. It
    returns a ``tf.data.Dataset`` of batches whose ``class_names`` and
    ``file_paths`` say what it read. Differences from :func:`load_image_folder`:

    - pixel values are floats in 0-255, not 0-1 (a model adds a ``Rescaling`` layer);
    - resizing is TensorFlow's bilinear without antialiasing, so values differ slightly
      from Pillow's (which smooths when it shrinks);
    - it cannot skip a bad file: a truncated image with an image extension makes the
      iteration fail; hidden files inside class folders are not ignored, nor are system
      files (a ``._photo.jpg`` resource fork makes the iteration fail);
    - it reads only :data:`KERAS_EXTENSIONS`: ``.webp`` and HEIC files are left out
      silently, where :func:`load_image_folder` reads them;
    - it ignores EXIF orientation: a phone's portrait photo stored sideways stays sideways;
    - ``shuffle=True`` reshuffles every epoch with ``seed``; with the default ``False`` the
      order is that of :attr:`ImageFolder.files` (for the files both read).

    Class folders are given to Keras by their names on disk, and the dataset's
    ``class_names`` are set to the NFC names :func:`load_image_folder` uses. Keras cannot
    merge two folders into one class, so a folder holding both the NFC and the NFD form of
    a name is refused (``ValueError``): rename one.

    Imports TensorFlow (through :mod:`inception_edu.backend`) on the first call only.
    """
    size = check_int(size, "size", 1)
    batch_size = check_int(batch_size, "batch_size", 1)
    seed = check_int(seed, "seed", 0)
    shuffle = check_flag(shuffle, "shuffle")
    folder = _check_folder(path)
    classes = _class_folders(folder, path)[0]
    twice = {name: dirs for name, dirs in classes.items() if len(dirs) > 1}
    if twice:
        raise ValueError(
            _(
                "folder_dataset cannot merge folders whose names differ only in Unicode "
                "normalisation (NFC and NFD), as load_image_folder does; rename one of each: "
                "{twice}. Received: path={path!r}"
            ).format(twice=twice, path=path)
        )
    from inception_edu.backend import keras

    dataset = keras.utils.image_dataset_from_directory(
        str(folder),
        labels="inferred",
        label_mode="categorical",
        class_names=[dirs[0] for dirs in classes.values()],
        color_mode="rgb",
        batch_size=batch_size,
        image_size=(size, size),
        shuffle=shuffle,
        seed=seed,
        interpolation="bilinear",
    )
    dataset.class_names = list(classes)
    return dataset


# --------------------------------------------------------------------------- course folder


def _patch(photo: Image.Image, rng: np.random.Generator, size: int) -> Image.Image:
    """A random square crop of ``photo`` (20-60 % of its shorter side, so the scale varies
    three-fold), resized to ``size``, mirrored half the time, brightness x0.8-1.2 and
    contrast x0.85-1.15."""
    width, height = photo.size
    side = rng.uniform(0.2, 0.6) * min(width, height)
    left, top = rng.uniform(0, width - side), rng.uniform(0, height - side)
    mirror, brightness, contrast = (
        rng.random() < 0.5,
        rng.uniform(0.8, 1.2),
        rng.uniform(0.85, 1.15),
    )
    box = (left, top, left + side, top + side)
    patch = photo.resize((size, size), Image.Resampling.BILINEAR, box=box)
    if mirror:
        patch = patch.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    values = np.asarray(patch, dtype=np.float32)
    mean = values.mean()
    values = (values - mean) * contrast + mean * brightness
    return Image.fromarray(np.clip(values, 0, 255).round().astype(np.uint8))


def _recipe(images_per_class: int, size: int, seed: int) -> dict:
    return {
        "version": 1,
        "images_per_class": images_per_class,
        "size": size,
        "seed": seed,
        "classes": [source.name for source in FOLDER_PHOTOS],
    }


def _is_complete(folder: Path, recipe: dict) -> bool:
    try:
        if json.loads((folder / _MARKER).read_text()) != recipe:
            return False
    except (OSError, ValueError):
        return False
    return all(
        (folder / name / f"{i:03d}.png").is_file()
        for name in recipe["classes"]
        for i in range(recipe["images_per_class"])
    )


@checks_keywords
def write_course_folder(path, images_per_class: int = 40, size: int = 96, seed: int = 0) -> Path:
    """Write the course's image folder, ``path/<class>/<nnn>.png``, and return its path.

    One class per photograph of :data:`~inception_edu.data.photos.FOLDER_PHOTOS` (12, named
    after its subject: ``astronaut``, ``brick``, ``cat``, ...). Each image is a random
    square crop of 20-60 % of the photograph's shorter side (so the scale varies three-fold
    and different crops show different parts), resized to ``size`` x ``size``, mirrored
    half the time, with brightness x0.8-1.2 and contrast x0.85-1.15. Grey photographs give
    grey PNGs, so the loader's grey-to-RGB conversion is exercised as on a real folder.
    Patches of one photograph overlap and share its colours and texture, so the task is
    learnable, yet crops of sky, fur, leaves or shadow look alike across classes, so it is
    not trivial.

    Deterministic: the same ``seed`` gives the same pixels (each class has its own random
    stream). Idempotent: a complete folder written with the same arguments (recorded in a
    hidden ``.course_folder.json``) is reused as it is; one written with other arguments is
    replaced. A folder that exists, is not empty and was not written here is never touched
    (``ValueError``). Writing goes to a temporary sibling folder renamed at the end, so an
    interrupted run leaves no half-written folder behind.

    Args:
        path: the folder to write.
        images_per_class: images per class, 2 to 1000.
        size: side of each image in pixels, 16 to 512 (96 by default: the loader's resize
            to 75x75 is then a real resize, as on a learner's photographs).
        seed: seed of the crops and changes.
    """
    images_per_class = check_int(images_per_class, "images_per_class", 2, 1000)
    size = check_int(size, "size", 16, 512)
    seed = check_int(seed, "seed", 0)
    folder = check_folder(path, "path")
    recipe = _recipe(images_per_class, size, seed)
    if _is_complete(folder, recipe):
        return folder
    if folder.exists():
        if (folder / _MARKER).exists():  # an earlier course folder with other arguments
            shutil.rmtree(folder)
        elif any(folder.iterdir()):
            raise ValueError(
                _(
                    "path already holds files that write_course_folder did not write; give a "
                    "new or empty folder. Received: path={path!r}"
                ).format(path=path)
            )
        else:
            folder.rmdir()
    partial = folder.parent / f".{folder.name}.partial-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    for index, source in enumerate(FOLDER_PHOTOS):
        rng = np.random.default_rng([seed, index])
        photo = open_photo(source)
        (partial / source.name).mkdir()
        for i in range(images_per_class):
            _patch(photo, rng, size).save(partial / source.name / f"{i:03d}.png")
    (partial / _MARKER).write_text(json.dumps(recipe, indent=1))
    os.replace(partial, folder)
    return folder
