"""Real photographs that installed packages ship inside their wheels, split in two sets.

Notebook 09 re-runs its source's experiment on an image folder, and the course must run
offline: its folder is cut from photographs that are *files inside installed packages*,
read straight from the package directory with Pillow. Nothing calls
``skimage.data.<name>()`` (which may go through pooch and a download for the images not
in the wheel), nothing is downloaded, and a missing file raises an error naming it.

Two disjoint sets, fixed here once so every notebook and script agrees:

- :data:`FOLDER_PHOTOS` (12): the classes of the course folder
  (:func:`~inception_edu.data.folder.write_course_folder`), one class per photograph.
  Subjects like those of a learner's own folder: an astronaut, a cat, a cup of coffee,
  the Hubble deep field, a rocket launch, a flower and a temple (7 in colour), and brick,
  coins, grass, gravel and the moon's surface (5 grey). With colour and grey classes,
  objects and textures, neither colour nor texture alone separates them all.
- :data:`PRETRAINING_PHOTOS` (10): held out for the course's own pretrained backbone,
  which learns a *different* task from them. If the backbone had seen the folder's
  photographs, "pretrained vs from scratch" (claim C37) would measure leakage, not
  transfer. They mix colour and grey too: the motorcycle stereo pair (both halves show
  the same scene, so they stay together on this side), the cameraman, a clock, a printed
  page and text, and microscopy and medical images (cells, immunohistochemistry, a retina,
  microaneurysms).

Left out of both: scikit-image's synthetic images (chessboards, colour wheel, logo,
phantom, horse silhouette), which are drawings, not photographs.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from inception_edu.i18n import _

__all__ = [
    "FOLDER_PHOTOS",
    "PRETRAINING_PHOTOS",
    "PhotoSource",
    "folder_photos",
    "open_photo",
    "photo_path",
    "pretraining_photos",
]


@dataclass(frozen=True)
class PhotoSource:
    """One shipped photograph: its name in the course, package, file and subject."""

    name: str
    package: str  # the distribution that ships it: "scikit-image" or "scikit-learn"
    file: str  # path inside the package directory
    subject: str


def _skimage(name: str, file: str, subject: str) -> PhotoSource:
    return PhotoSource(name, "scikit-image", f"data/{file}", subject)


def _sklearn(name: str, file: str, subject: str) -> PhotoSource:
    return PhotoSource(name, "scikit-learn", f"datasets/images/{file}", subject)


#: The course folder's classes, one per photograph (class name = ``name``).
FOLDER_PHOTOS = (
    _skimage("astronaut", "astronaut.png", "astronaut Eileen Collins, colour"),
    _skimage("brick", "brick.png", "a brick wall, grey texture"),
    _skimage("cat", "chelsea.png", "Chelsea the cat, colour"),
    _skimage("coffee", "coffee.png", "a cup of coffee, colour"),
    _skimage("coins", "coins.png", "Greek coins, grey"),
    _skimage("grass", "grass.png", "grass, grey texture"),
    _skimage("gravel", "gravel.png", "gravel, grey texture"),
    _skimage("hubble", "hubble_deep_field.jpg", "Hubble eXtreme deep field, colour"),
    _skimage("moon", "moon.png", "the moon's surface, grey"),
    _skimage("rocket", "rocket.jpg", "a rocket launch, colour"),
    _sklearn("flower", "flower.jpg", "a flower close up, colour"),
    _sklearn("temple", "china.jpg", "a temple in China, colour"),
)

#: Held out of the folder: the photographs the course's backbone is pretrained on.
PRETRAINING_PHOTOS = (
    _skimage("camera", "camera.png", "the cameraman, grey"),
    _skimage("cell", "cell.png", "cells under a microscope, grey"),
    _skimage("clock", "clock_motion.png", "a clock with motion blur, grey"),
    _skimage("ihc", "ihc.png", "immunohistochemistry stained tissue, colour"),
    _skimage("microaneurysms", "microaneurysms.png", "retinal microaneurysms, grey"),
    _skimage("motorcycle_left", "motorcycle_left.png", "a motorcycle, left view, colour"),
    _skimage("motorcycle_right", "motorcycle_right.png", "a motorcycle, right view, colour"),
    _skimage("page", "page.png", "a printed page, grey"),
    _skimage("retina", "retina.jpg", "a human retina, colour"),
    _skimage("text", "text.png", "text on a textured background, grey"),
)

_MODULES = {"scikit-image": "skimage", "scikit-learn": "sklearn"}


def photo_path(source: PhotoSource) -> Path:
    """Where ``source``'s file lies inside its installed package (found without importing it).

    Raises ``FileNotFoundError`` when the package is missing or no longer ships the file:
    the course never falls back to a download.
    """
    spec = importlib.util.find_spec(_MODULES[source.package])
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            _(
                "The photograph {name!r} ships with {package}, which is not installed. Install "
                "the course's requirements (pip install -r requirements.txt)."
            ).format(name=source.name, package=source.package)
        )
    path = Path(next(iter(spec.submodule_search_locations))) / source.file
    if not path.is_file():
        raise FileNotFoundError(
            _(
                "{package} does not ship {file} in this version (looked for {path}); the "
                "course downloads nothing. Install the version in constraints.txt."
            ).format(package=source.package, file=source.file, path=path)
        )
    return path


def open_photo(source: PhotoSource) -> Image.Image:
    """The photograph as a decoded Pillow image, grey ("L") or colour ("RGB")."""
    with Image.open(photo_path(source)) as image:
        image.load()
        return image.convert("L" if image.mode in ("L", "I;16", "I") else "RGB")


def _as_arrays(sources) -> dict[str, np.ndarray]:
    return {s.name: np.asarray(open_photo(s).convert("RGB"), dtype=np.uint8) for s in sources}


def folder_photos() -> dict[str, np.ndarray]:
    """The course folder's source photographs: name -> uint8 array (H, W, 3), grey as RGB."""
    return _as_arrays(FOLDER_PHOTOS)


def pretraining_photos() -> dict[str, np.ndarray]:
    """The photographs held out for pretraining: name -> uint8 array (H, W, 3).

    Disjoint from :func:`folder_photos` (no file, and no scene, in both): a backbone
    pretrained on these has never seen the folder's classes.
    """
    return _as_arrays(PRETRAINING_PHOTOS)
