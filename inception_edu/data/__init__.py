"""Offline data for the training notebooks: nothing here downloads or imports TensorFlow
(except :func:`folder_dataset`, which imports Keras when it is called).

- :mod:`~inception_edu.data.arrays`: :class:`Split`, scikit-learn's digits, resizing;
- :mod:`~inception_edu.data.grouping`: what must stay together when a folder is split
  (near-duplicates of a learner's folder, :func:`near_duplicate_groups`; the course
  folder's overlapping crops, :func:`course_folder_groups`) and :func:`grouped_split`, a
  train/validation/test split that never separates a group;
- :mod:`~inception_edu.data.patterns`: generated multi-scale patterns (notebook 01);
- :mod:`~inception_edu.data.folder`: the sources' image-folder pipeline (notebook 09):
  :func:`load_image_folder` (labels = sub-folder names, resize, one-hot, ``.npy`` cache)
  -> :class:`ImageFolder` (a folder as people have them: system files skipped and
  reported, NFC class names, EXIF orientation, WebP and HEIC), :func:`folder_dataset` (the
  same through Keras), :func:`read_image` (one file as the folder's are read), and
  :func:`write_course_folder`, the course's folder cut from shipped photographs;
- :mod:`~inception_edu.data.photos`: those photographs, in two disjoint sets: the
  folder's classes (:func:`folder_photos`) and the ones held out for pretraining
  (:func:`pretraining_photos`).
"""

from inception_edu.data.arrays import Split, load_digits_split, stratified_split, upsample
from inception_edu.data.folder import (
    HEIF_EXTENSIONS,
    IMAGE_EXTENSIONS,
    KERAS_EXTENSIONS,
    SYSTEM_NAMES,
    ImageFolder,
    folder_dataset,
    load_image_folder,
    read_image,
    write_course_folder,
)
from inception_edu.data.grouping import (
    ImageGroups,
    capture_time,
    course_folder_groups,
    difference_hash,
    grouped_split,
    near_duplicate_groups,
)
from inception_edu.data.patterns import PATTERN_CLASSES, multiscale_patterns
from inception_edu.data.photos import (
    FOLDER_PHOTOS,
    PRETRAINING_PHOTOS,
    PhotoSource,
    folder_photos,
    pretraining_photos,
)

__all__ = [
    "FOLDER_PHOTOS",
    "HEIF_EXTENSIONS",
    "IMAGE_EXTENSIONS",
    "ImageFolder",
    "ImageGroups",
    "KERAS_EXTENSIONS",
    "PATTERN_CLASSES",
    "PRETRAINING_PHOTOS",
    "PhotoSource",
    "SYSTEM_NAMES",
    "Split",
    "capture_time",
    "course_folder_groups",
    "difference_hash",
    "folder_dataset",
    "folder_photos",
    "grouped_split",
    "load_digits_split",
    "load_image_folder",
    "multiscale_patterns",
    "near_duplicate_groups",
    "pretraining_photos",
    "read_image",
    "stratified_split",
    "upsample",
    "write_course_folder",
]
