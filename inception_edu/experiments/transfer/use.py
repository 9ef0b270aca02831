"""Use your model: what a learner takes home after notebook 09 trained on their own folder.

The source (seed ``000_…``) stopped at validation accuracy. A model trained on one's own
photographs is for naming new ones, so here is that last step:

- :func:`predict_images`: an image file, a list of them, or a folder (every image in it,
  sub-folders included) -> :class:`Predictions`, one :class:`ImagePrediction` per image
  (its top-k classes and their probabilities). Each file is read by
  :func:`inception_edu.data.read_image`, exactly as ``load_image_folder`` read the
  training folder (EXIF upright, RGB, resized to the model's input, values in [0, 1]), and
  the forward pass is the experiment's :func:`~inception_edu.experiments.transfer.predict`
  (inference mode: augmentation off, batch norm on its moving statistics);
- :func:`show_predictions`: each image as the model saw it, beside a bar chart of its
  top-k probabilities (Korean class names drawn with the font :mod:`inception_edu.viz`
  registers);
- :func:`export_model` / :func:`load_exported`: the model as a Keras 3 ``.keras`` file
  (``model.save``: architecture, weights, and the optimizer's state when it has one), and
  beside it a small JSON file, ``<name>.keras.json`` (:func:`sidecar_path`), holding what
  the ``.keras`` file does not: the class names, in the order of the model's outputs, and
  the input size the images are resized to.

Why a JSON file beside the model rather than inside its config: the ``.keras`` file stays
a plain Keras model that ``keras.models.load_model`` reads with nothing but the course's one
custom layer (:class:`~inception_edu.keras_build.layers.ScaledResidual`, registered as
serializable when :mod:`inception_edu` is imported); the class names stay readable in any
text editor and by programs without Keras; and storing them in the config would need a
custom layer or model class carrying them. The price: the two files travel together
(:func:`load_exported` says which file is missing when one does not).

In a notebook, after a comparison (``run_experiment`` without ``models`` reads a finished
run back from its checkpoint, with its trained ``model``)::

    final = tx.run_experiment(split, arm, EPOCHS, BATCH_SIZE, checkpoint_root=runs)
    tx.export_model(final.model, "my_model.keras", data.class_names)
    model, class_names, size = tx.load_exported("my_model.keras")  # any later session
    found = tx.predict_images(model, "new_photos/", class_names, top=3)
    print(found)
    tx.show_predictions(found)

and from a terminal: ``python -m inception_edu predict my_model.keras new_photos/ --top 3``.
"""

from __future__ import annotations

import json
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import inception_edu.keras_build.layers  # noqa: F401  (registers ScaledResidual for loading)
from inception_edu.analysis import Table
from inception_edu.backend import keras
from inception_edu.data import HEIF_EXTENSIONS, IMAGE_EXTENSIONS, read_image
from inception_edu.data.folder import _NOT_READ, _walk_class, shown_reason
from inception_edu.experiments.transfer.experiment import predict
from inception_edu.i18n import _
from inception_edu.spec.checks import check_int, checks_keywords

__all__ = [
    "EXPORT_FORMAT",
    "ImagePrediction",
    "Predictions",
    "export_model",
    "load_exported",
    "predict_images",
    "show_predictions",
    "sidecar_path",
    "test_report",
]

#: What the JSON file beside an exported model says it is, and its layout's version.
EXPORT_FORMAT = {"format": "inception_edu exported model", "version": 1}

#: Top-k shown when ``top`` is not given: 5 (ImageNet's top-5), or every class if fewer.
_DEFAULT_TOP = 5

#: Images read and predicted at a time: memory stays that of one batch, whatever the folder.
_CHUNK = 64

_READ_EXTENSIONS = IMAGE_EXTENSIONS + HEIF_EXTENSIONS


# --------------------------------------------------------------------------- the results


@dataclass(frozen=True)
class ImagePrediction:
    """One image's answer: its ``file``, its ``top`` most probable ``classes`` (most
    probable first) and their ``probabilities`` (the model's softmax outputs, summing to at
    most 1 over the top-k). ``name`` is how tables and figures call the file: its path
    inside the folder that was given, or the file's name when the file itself was given."""

    file: Path
    name: str
    classes: tuple
    probabilities: tuple

    @property
    def best(self) -> str:
        """The most probable class."""
        return self.classes[0]

    def text(self) -> str:
        """The file's name, then one line per class: rank, probability, class name.

        The class name comes last, so the columns stay aligned whatever the name's script
        (a Hangul character takes two columns of a monospaced font)."""
        lines = [self.name]
        for rank, (name, p) in enumerate(zip(self.classes, self.probabilities, strict=True), 1):
            lines.append(f"  {rank:>2}  {100 * p:5.1f}%  {name}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


@dataclass(frozen=True, eq=False)
class Predictions:
    """What :func:`predict_images` returns: one :class:`ImagePrediction` per image read,
    in order (``predictions[0]``, ``len``, iteration, slices), the files of the folders
    given that were not read (``skipped``: (file, why)), the ``size`` images were resized
    to and the model's number of ``classes``.

    ``print(predictions)`` lists each image with its top-k; in a notebook, returning it
    shows :meth:`table` (one row per image)."""

    images: tuple
    skipped: tuple
    size: int
    classes: int

    def __len__(self) -> int:
        return len(self.images)

    def __iter__(self):
        return iter(self.images)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return Predictions(self.images[index], self.skipped, self.size, self.classes)
        return self.images[index]

    @property
    def top(self) -> int:
        """How many classes each image lists."""
        return len(self.images[0].classes) if self.images else 0

    def _heading(self) -> str:
        heading = _(
            "{images} image(s), the top {top} of {classes} classes (images resized to "
            "{size}x{size})"
        ).format(images=len(self), top=self.top, classes=self.classes, size=self.size)
        if self.skipped:
            heading += _("; {count} file(s) skipped").format(count=len(self.skipped))
        return heading

    def text(self) -> str:
        """Every image with its top-k (:meth:`ImagePrediction.text`), then the skipped files
        and why."""
        blocks = [self._heading()] + [image.text() for image in self.images]
        if self.skipped:
            lines = [f"  {f}: {shown_reason(why)}" for f, why in self.skipped]
            blocks.append(_("skipped:") + "\n" + "\n".join(lines))
        return "\n".join(blocks)

    def table(self) -> Table:
        """One row per image: its name, then each of its top-k as ``class (p%)``."""
        top = _("top {k}")
        columns = (_("image"), *(top.format(k=k) for k in range(1, self.top + 1)))
        rows = tuple(
            (
                image.name,
                *(
                    f"{name} ({100 * p:.1f}%)"
                    for name, p in zip(image.classes, image.probabilities, strict=True)
                ),
            )
            for image in self.images
        )
        return Table(columns, rows, title=self._heading(), left=len(columns))

    def __str__(self) -> str:
        return self.text()

    def _repr_html_(self) -> str:
        return self.table().html()


# --------------------------------------------------------------------------- checks


def _tensors(model, which: str) -> list:
    """The model's input or output tensors (``which``: ``"inputs"``/``"outputs"``); a
    Sequential model that was never given its input shape has none."""
    try:
        return list(getattr(model, which))
    except AttributeError as error:
        raise ValueError(
            _(
                "model must be built: a functional model, or a Sequential one that starts with "
                "keras.Input(shape) or was called once. Received {name!r}, never built"
            ).format(name=model.name)
        ) from error


def _model_input_size(model) -> int | None:
    """The model's square input side, or ``None`` when it takes any size."""
    inputs = _tensors(model, "inputs")
    shape = tuple(inputs[0].shape) if len(inputs) == 1 else ()
    if len(shape) != 4 or shape[-1] != 3:
        raise ValueError(
            _(
                "model must take one batch of RGB images (batch, height, width, 3). Received a "
                "model with inputs {shapes}"
            ).format(shapes=[tuple(t.shape) for t in inputs])
        )
    height, width = shape[1:3]
    if height is not None and width is not None and height != width:
        raise ValueError(
            _(
                "model must take square images (read_image resizes to size x size). Received a "
                "model taking {height}x{width}"
            ).format(height=height, width=width)
        )
    return height if height is not None else width


def _check_model(model) -> int:
    """The model's number of classes (the width of its single 2-D output)."""
    if not isinstance(model, keras.Model):
        raise ValueError(
            _("model must be a keras.Model. Received: {kind}").format(kind=type(model).__name__)
        )
    outputs = _tensors(model, "outputs")
    if len(outputs) != 1 or len(outputs[0].shape) != 2:
        raise ValueError(
            _(
                "model must have one output of class probabilities (batch, classes). Received "
                "a model with outputs {shapes}"
            ).format(shapes=[tuple(t.shape) for t in outputs])
        )
    return int(outputs[0].shape[-1])


def _check_size(model, size) -> int:
    """``size`` (default: the model's input side), checked against the model."""
    expected = _model_input_size(model)
    if size is None:
        if expected is None:
            raise ValueError(
                _("size must be given: this model takes images of any size. Received: size=None")
            )
        return int(expected)
    size = check_int(size, "size", 1)
    if expected is not None and size != expected:
        raise ValueError(
            _("size must be the model's input size, {expected}. Received: size={size}").format(
                expected=expected, size=size
            )
        )
    return size


def _check_class_names(class_names, classes: int) -> tuple:
    if isinstance(class_names, str) or not isinstance(class_names, (list, tuple)):
        raise ValueError(
            _(
                "class_names must be a list of the class names, in the order of the model's "
                "outputs (e.g. data.class_names). Received: {kind}"
            ).format(kind=type(class_names).__name__)
        )
    names = tuple(class_names)
    if not all(isinstance(n, str) and n for n in names):
        raise ValueError(
            _("class_names must be non-empty strings. Received: {names!r:.200}").format(names=names)
        )
    if len(names) != classes:
        raise ValueError(
            _(
                "class_names must name each of the model's {classes} outputs. Received "
                "{count} names: {names!r:.200}"
            ).format(classes=classes, count=len(names), names=list(names))
        )
    if len(set(names)) != len(names):
        repeated = sorted({n for n in names if names.count(n) > 1})
        raise ValueError(
            _("class_names must be distinct. Received repeats: {repeated}").format(
                repeated=repeated
            )
        )
    return names


def _check_top(top, classes: int) -> int:
    if top is None:
        return min(_DEFAULT_TOP, classes)
    return check_int(top, "top", 1, classes)


# --------------------------------------------------------------------------- predicting


def _as_path(value) -> Path:
    if not isinstance(value, (str, os.PathLike)) or str(value) == "":
        raise ValueError(
            _(
                "paths must be an image file, a folder, or a list of them (str or Path). "
                "Received: {value!r:.200}"
            ).format(value=value)
        )
    return Path(value).expanduser()


def _folder_images(folder: Path) -> tuple[list, list]:
    """The image files under ``folder`` as (file, name inside the folder), sorted, and the
    other files met (file, why not read). Walked as ``load_image_folder`` walks a class
    folder: sub-folders included, hidden files left out, system files reported."""
    resolved = folder.resolve()
    system: list = []
    found = _walk_class(resolved.parent, [resolved.name], system)
    images, skipped = [], []
    for rel in found:
        inside = Path(rel).relative_to(resolved.name)
        if inside.suffix.lower() in _READ_EXTENSIONS:
            images.append((folder / inside, inside.as_posix()))
        else:
            skipped.append((folder / inside, _NOT_READ.format(ext=inside.suffix or "(none)")))
    prefix = len(resolved.name) + 1
    skipped += [(folder / rel[prefix:], why) for rel, why in system]
    return images, skipped


def _list_images(paths) -> tuple[list, list]:
    """``[(file, name, from a folder?)]`` to read, and the folders' files not read."""
    given = list(paths) if isinstance(paths, (list, tuple)) else [paths]
    if not given:
        raise ValueError(_("paths must name at least one image file or folder. Received: []"))
    todo, skipped = [], []
    for value in given:
        path = _as_path(value)
        if path.is_dir():
            images, others = _folder_images(path)
            if not images:
                raise ValueError(
                    _(
                        "No images found in the folder {folder!r} (searched with its "
                        "sub-folders; extensions read: {extensions}; hidden and system files "
                        "left out). Found {others} other file(s)"
                    ).format(
                        folder=str(value),
                        extensions=", ".join(_READ_EXTENSIONS),
                        others=len(others),
                    )
                )
            todo += [(file, name, True) for file, name in images]
            skipped += others
        elif path.is_file():
            todo.append((path, path.name, False))
        else:
            raise ValueError(
                _(
                    "paths must be image files or folders; {path!r} does not exist. "
                    "Received: {value!r}"
                ).format(path=str(value), value=value)
            )
    return todo, skipped


def _read_all(todo: list, size: int, pool: ThreadPoolExecutor) -> list:
    """Each file's pixels, or for a folder's file it cannot read, the reason (a file named
    itself is an error: the learner asked for it)."""

    def one(item):
        file, _name, in_folder = item
        try:
            return read_image(file, size)
        except ValueError as error:
            if not in_folder:
                raise
            return str(error)

    return list(pool.map(one, todo))


def _top_k(probabilities: np.ndarray, top: int) -> np.ndarray:
    """Indices of the ``top`` largest, largest first (ties: the lower class index first)."""
    return np.argsort(-probabilities, axis=-1, kind="stable")[..., :top]


def _predict_chunk(model, kept: list, names: tuple, top: int) -> list:
    """One :class:`ImagePrediction` per ``((file, name, from a folder?), pixels)``."""
    probabilities = predict(model, np.stack([pixels for _item, pixels in kept]))
    found = []
    for ((file, name, _in_folder), _pixels), row in zip(kept, probabilities, strict=True):
        best = _top_k(row, top)
        classes = tuple(names[i] for i in best)
        found.append(ImagePrediction(file, name, classes, tuple(float(row[i]) for i in best)))
    return found


@checks_keywords
def predict_images(
    model, paths, class_names, size: int | None = None, top: int | None = None
) -> Predictions:
    """The model's ``top`` most probable classes for each image of ``paths``.

    Args:
        model: a trained classifier (one output of K class probabilities), e.g. notebook
            09's, or one read back by :func:`load_exported`.
        paths: an image file, a folder (every image in it and its sub-folders, sorted;
            hidden files left out, system files such as ``__MACOSX`` or ``Thumbs.db`` and
            files that are not images skipped and listed in ``skipped``, as
            ``load_image_folder`` does), or a list of files and folders.
        class_names: the K class names in the order of the model's outputs (the
            training folder's ``class_names``).
        size: the side images are resized to; default, and the only value allowed for a
            model with a fixed input, the model's input size.
        top: how many classes to list per image, 1 to K (default 5, or K if fewer).

    Returns:
        :class:`Predictions`. Files are read in batches of 64 (so a folder of any size
        needs the memory of one batch) by several threads.

    Raises:
        ValueError: a model that is not a classifier of square RGB images; class_names
            not one distinct name per output; top outside 1..K; a path that does not
            exist; a folder with no image (saying where it looked and which extensions
            are read); a file named in ``paths`` that is not a readable image.
    """
    classes = _check_model(model)
    size = _check_size(model, size)
    names = _check_class_names(class_names, classes)
    top = _check_top(top, classes)
    todo, skipped = _list_images(paths)
    images = []
    with ThreadPoolExecutor(max_workers=max(1, min(8, os.cpu_count() or 1))) as pool:
        for start in range(0, len(todo), _CHUNK):
            chunk = todo[start : start + _CHUNK]
            read = list(zip(chunk, _read_all(chunk, size, pool), strict=True))
            skipped += [(item[0], why) for item, why in read if isinstance(why, str)]
            kept = [(item, pixels) for item, pixels in read if not isinstance(pixels, str)]
            if kept:
                images += _predict_chunk(model, kept, names, top)
    if not images:
        raise ValueError(
            _("None of the {count} image file(s) found could be read: {shown}").format(
                count=len(todo), shown=[f"{f}: {shown_reason(why)}" for f, why in skipped[:3]]
            )
        )
    return Predictions(tuple(images), tuple(skipped), size, classes)


# --------------------------------------------------------------------------- the figure


@checks_keywords
def show_predictions(predictions, count: int = 12, columns: int = 2, title: str = ""):
    """Each image as the model saw it (read again at the size it was resized to), beside
    a horizontal bar per class of its top-k, most probable on top.

    Args:
        predictions: what :func:`predict_images` returned (slice it to show other images:
            ``predictions[12:24]``).
        count: show the first ``count`` images (1 to 48): the figure's size is bounded
            whatever the folder's; the title says how many were left out.
        columns: images per row (1 to 4).
        title: the figure's title (default: what is shown).
    """
    from inception_edu.viz.figures import new_figure

    if not isinstance(predictions, Predictions) or not len(predictions):
        raise ValueError(
            _(
                "predictions must be what predict_images returned, with at least one image. "
                "Received: {kind}"
            ).format(kind=type(predictions).__name__)
        )
    count = check_int(count, "count", 1, 48)
    columns = check_int(columns, "columns", 1, 4)
    if not isinstance(title, str):
        raise ValueError(
            _("title must be a str. Received: {kind}").format(kind=type(title).__name__)
        )
    shown = predictions.images[:count]
    columns = min(columns, len(shown))
    rows = -(-len(shown) // columns)
    top = predictions.top
    row_height = max(1.9, 0.32 * top + 0.9)
    figure = new_figure(figsize=(6.2 * columns, row_height * rows + 0.6), layout="constrained")
    grid = figure.add_gridspec(rows, 2 * columns, width_ratios=[1, 1.6] * columns)
    for index, image in enumerate(shown):
        row, column = divmod(index, columns)
        picture = figure.add_subplot(grid[row, 2 * column])
        picture.imshow(read_image(image.file, predictions.size))
        picture.set_axis_off()
        picture.set_title(_shorten(image.name, 28), fontsize=9)
        bars = figure.add_subplot(grid[row, 2 * column + 1])
        positions = np.arange(top)
        bars.barh(positions, image.probabilities, color="#0072B2", height=0.7)
        bars.set_yticks(positions, [_shorten(c, 18) for c in image.classes], fontsize=9)
        bars.invert_yaxis()
        bars.set_xlim(0, 1)
        bars.tick_params(axis="x", labelsize=8)
        for y, p in zip(positions, image.probabilities, strict=True):
            bars.text(min(p, 0.78) + 0.02, y, f"{100 * p:.1f}%", va="center", fontsize=8)
    left_out = len(predictions) - len(shown)
    heading = title or (
        _("The model's top {top} for {count} image(s)").format(top=top, count=len(shown))
        + (_(" ({count} more not shown)").format(count=left_out) if left_out else "")
    )
    figure.suptitle(heading, fontsize=11)
    return figure


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- export


def sidecar_path(path) -> Path:
    """The JSON file beside an exported model: ``flowers.keras`` -> ``flowers.keras.json``."""
    model_file = _keras_path(path)
    return model_file.with_name(model_file.name + ".json")


def _keras_path(path) -> Path:
    if not isinstance(path, (str, os.PathLike)) or not str(path).endswith(".keras"):
        raise ValueError(
            _(
                "path must be a file path ending in .keras (Keras 3's model format). "
                "Received: path={path!r}"
            ).format(path=path)
        )
    return Path(path).expanduser()


@checks_keywords
def export_model(model, path, class_names, size: int | None = None) -> Path:
    """Save ``model`` to ``path`` (``.keras``) and, beside it, its class names and input
    size (:func:`sidecar_path`); returns the ``.keras`` file's path.

    ``model.save`` writes the architecture, the weights and, for a model that trained, the
    optimizer's state (so training can go on from it). The JSON file holds
    :data:`EXPORT_FORMAT`, ``class_names`` (in the order of the model's outputs),
    ``input_size`` and the Keras version that saved. Both files are overwritten; the
    folder is created if missing. Read them back with :func:`load_exported`.

    Raises:
        ValueError: ``path`` not ending in ``.keras``; a model that is not a classifier of
            square RGB images; class_names not one distinct name per output; a size
            other than the model's input size.
    """
    model_file = _keras_path(path)
    classes = _check_model(model)
    size = _check_size(model, size)
    names = _check_class_names(class_names, classes)
    model_file.parent.mkdir(parents=True, exist_ok=True)
    model.save(model_file)
    facts = {
        **EXPORT_FORMAT,
        "model_file": model_file.name,
        "class_names": list(names),
        "input_size": size,
        "keras_version": keras.__version__,
    }
    sidecar_path(model_file).write_text(
        json.dumps(facts, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return model_file


def _read_sidecar(model_file: Path) -> dict:
    sidecar = sidecar_path(model_file)
    if not sidecar.is_file():
        raise ValueError(
            _(
                "{model!r} has no class names beside it: {sidecar!r} is missing (export_model "
                "writes both files; copy them together). The bare model reads with "
                "keras.models.load_model(path), without class names."
            ).format(model=str(model_file), sidecar=sidecar.name)
        )
    try:
        facts = json.loads(sidecar.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(
            _("{path!r} is not valid JSON ({error})").format(path=str(sidecar), error=error)
        ) from error
    wanted = {"format", "version", "class_names", "input_size"}
    if not isinstance(facts, dict) or not wanted <= set(facts):
        raise ValueError(
            _(
                "{path!r} is not an exported model's JSON file: it must hold {wanted}. "
                "Received keys: {keys}"
            ).format(
                path=str(sidecar),
                wanted=sorted(wanted),
                keys=sorted(facts) if isinstance(facts, dict) else type(facts).__name__,
            )
        )
    if (facts["format"], facts["version"]) != tuple(EXPORT_FORMAT.values()):
        raise ValueError(
            _(
                "{path!r} is format {format!r} version {version!r}; this package reads {expected}"
            ).format(
                path=str(sidecar),
                format=facts["format"],
                version=facts["version"],
                expected=EXPORT_FORMAT,
            )
        )
    return facts


def load_exported(path) -> tuple:
    """A model written by :func:`export_model`, in this or a fresh process: returns
    ``(model, class_names, size)``, ready for :func:`predict_images`.

    The model is read with ``keras.models.load_model(path, compile=False)``: predicting
    needs no optimizer or loss (``model.compile`` again to train on). The course's custom
    layer is registered by importing this package.

    Raises:
        ValueError: ``path`` not a ``.keras`` path, or no such file; its JSON file missing
            or not one :func:`export_model` wrote; class names or input size that do not
            match the model read.
    """
    model_file = _keras_path(path)
    if not model_file.is_file():
        raise ValueError(
            _("path must be an exported .keras file; {path!r} does not exist").format(
                path=str(path)
            )
        )
    facts = _read_sidecar(model_file)
    model = keras.models.load_model(model_file, compile=False)
    try:
        classes = _check_model(model)
        names = _check_class_names(facts["class_names"], classes)
        size = _check_size(model, facts["input_size"])
    except ValueError as error:
        raise ValueError(
            _(
                "{sidecar!r} does not describe the model in {model!r} (was one of the two "
                "files replaced?): {error}"
            ).format(sidecar=sidecar_path(model_file).name, model=str(model_file), error=error)
        ) from error
    return model, names, size


def test_report(model, split, batch_size: int = 64) -> dict:
    """``model`` on the held-out test part of ``split``: ``{"images", "top1", "top5",
    "balanced"}`` (:func:`~inception_edu.training.metrics.accuracy_summary`; ``top5`` is
    ``None`` with five classes or fewer, where every label is in the top five).

    ``split``: an in-memory :class:`~inception_edu.data.Split` or a streamed
    :class:`~inception_edu.data.stream.StreamSplit` (its test part decoded batch by
    batch), made with a ``test_fraction``; a split without a test part is a
    ``ValueError``. Balanced accuracy is the mean of the per-class recalls, so a large
    class cannot hide a class the model never gets right."""
    from inception_edu.data.stream import StreamSplit
    from inception_edu.training.metrics import accuracy_summary

    batch_size = check_int(batch_size, "batch_size", 1)
    if isinstance(split, StreamSplit):
        batches = split.test_batches(batch_size)  # a ValueError without a test part
        probabilities = np.concatenate(
            [predict(model, x, batch_size) for x, _ in batches.as_numpy_iterator()]
        )
        labels = split.y_test
    elif getattr(split, "has_test", False):
        probabilities, labels = predict(model, split.x_test, batch_size), split.y_test
    else:
        raise ValueError(
            _(
                "split must be a Split or StreamSplit with a test part (made with "
                "test_fraction > 0). Received: {split!r}"
            ).format(split=split)
        )
    return {"images": int(len(labels)), **accuracy_summary(labels, probabilities)}
