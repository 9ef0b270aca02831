"""The image-folder pipeline of notebook 09: labels from folder names, one-hot, the .npy cache,
bad folders, skipped files, the course folder and its photographs, and Keras' pipeline."""

import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inception_edu import data
from inception_edu.data import folder as folder_module
from inception_edu.data import photos

BLUE, RED, GREY = (0, 0, 255), (255, 0, 0), 128


def _save(path: Path, image: Image.Image) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path)
    return path


@pytest.fixture
def tiny(tmp_path) -> Path:
    """3 classes x 3 small images of one colour each: blue RGB, red (one RGBA), grey "L".
    Folder names are made out of order; hidden files and folders lie about."""
    root = tmp_path / "photos"
    for i in range(3):
        _save(root / "c_grey" / f"{i}.png", Image.new("L", (10, 8), GREY))
        _save(root / "a_blue" / f"{i}.jpg", Image.new("RGB", (12, 9), BLUE))
    _save(root / "b_red" / "0.png", Image.new("RGBA", (7, 7), RED + (40,)))
    _save(root / "b_red" / "1.png", Image.new("RGB", (9, 11), RED))
    _save(root / "b_red" / "more" / "2.bmp", Image.new("RGB", (5, 5), RED))  # nested: counts
    _save(root / ".ipynb_checkpoints" / "x.png", Image.new("RGB", (5, 5), BLUE))
    _save(root / "a_blue" / ".ipynb_checkpoints" / "0-checkpoint.png", Image.new("L", (5, 5)))
    (root / "a_blue" / ".DS_Store").write_bytes(b"\x00\x01junk")
    return root


def _load(path, **kwargs):
    return data.load_image_folder(path, verbose=False, **kwargs)


# --------------------------------------------------------------------------- reading


def test_classes_are_sorted_folder_names_and_labels_one_hot(tiny):
    got = _load(tiny, size=6)
    assert got.class_names == ("a_blue", "b_red", "c_grey")
    assert got.x.dtype == np.float32 and got.x.shape == (9, 6, 6, 3)
    assert got.y.dtype == np.float32 and got.y.shape == (9, 3)
    assert np.all(got.y.sum(axis=1) == 1) and set(np.unique(got.y)) == {0.0, 1.0}
    assert got.counts() == {"a_blue": 3, "b_red": 3, "c_grey": 3}
    assert got.files[:3] == ("a_blue/0.jpg", "a_blue/1.jpg", "a_blue/2.jpg")
    assert "b_red/more/2.bmp" in got.files and got.skipped == ()
    for image, label in zip(got.x, got.labels, strict=True):  # each row's colour is its class
        expected = {0: np.array(BLUE) / 255, 1: np.array(RED) / 255, 2: np.full(3, GREY / 255)}
        np.testing.assert_allclose(image.mean(axis=(0, 1)), expected[int(label)], atol=0.02)
    assert got.input_shape == (6, 6, 3) and got.num_classes == 3


def test_grey_rgba_and_16_bit_images_become_rgb(tiny):
    _save(tiny / "c_grey" / "deep.png", Image.fromarray(np.full((4, 4), 65535, np.uint16)))
    got = _load(tiny, size=3)
    grey = got.x[[got.files.index(f"c_grey/{n}.png") for n in (0, 1, 2)]]
    np.testing.assert_allclose(grey, GREY / 255, atol=1e-6)  # all three channels
    rgba = got.x[got.files.index("b_red/0.png")]  # alpha dropped, colour kept
    np.testing.assert_allclose(rgba, np.broadcast_to(np.array(RED) / 255, rgba.shape))
    np.testing.assert_allclose(got.x[got.files.index("c_grey/deep.png")], 1.0)


@pytest.mark.parametrize("size", [1, 5, 33])
def test_size_is_respected(tiny, size):
    assert _load(tiny, size=size).x.shape == (9, size, size, 3)


def test_unreadable_and_non_image_files_are_skipped_and_reported(tiny, capsys):
    (tiny / "b_red" / "notes.txt").write_text("not an image")
    good = _save(tiny / "b_red" / "cut.png", Image.new("RGB", (64, 64), RED))
    good.write_bytes(good.read_bytes()[: len(good.read_bytes()) // 2])  # a truncated PNG
    (tiny / "a_blue" / "fake.jpg").write_text("text named like a photo")
    (tiny / "stray.png").write_bytes(b"")
    got = data.load_image_folder(tiny, size=4)
    reasons = dict(got.skipped)
    assert set(reasons) == {"b_red/notes.txt", "b_red/cut.png", "a_blue/fake.jpg", "stray.png"}
    assert "not an image extension" in reasons["b_red/notes.txt"]
    assert "unreadable image" in reasons["b_red/cut.png"] and str(tiny) not in str(reasons)
    assert "not an image Pillow can read" in reasons["a_blue/fake.jpg"]
    assert "not inside a class" in reasons["stray.png"]
    assert len(got.files) == 9 and got.counts()["b_red"] == 3
    printed = capsys.readouterr().out
    assert "9 images of 3 classes at 4x4" in printed and "skipped 4 file(s)" in printed


# --------------------------------------------------------------------------- the cache


def test_cache_is_written_then_read_back_without_decoding(tiny, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = _load(tiny, size=5, cache_dir=cache)
    assert not first.from_cache
    assert {p.name for p in cache.iterdir()} == {"x.npy", "y.npy", "meta.json"}
    np.testing.assert_array_equal(np.load(cache / "x.npy"), first.x)
    meta = json.loads((cache / "meta.json").read_text())
    assert meta["class_names"] == list(first.class_names) and meta["size"] == 5

    def broken(*args):
        raise AssertionError("the cache should have been read, not the images")

    monkeypatch.setattr(folder_module, "_read_image", broken)
    second = _load(tiny, size=5, cache_dir=str(cache))
    assert second.from_cache and second.class_names == first.class_names
    assert second.files == first.files
    np.testing.assert_array_equal(second.x, first.x)
    np.testing.assert_array_equal(second.y, first.y)


def test_cache_is_rebuilt_when_the_folder_or_size_changes(tiny, tmp_path):
    cache = tmp_path / "cache"
    _load(tiny, size=5, cache_dir=cache)
    _save(tiny / "c_grey" / "new.png", Image.new("L", (6, 6), 10))
    grown = _load(tiny, size=5, cache_dir=cache)
    assert not grown.from_cache and grown.counts()["c_grey"] == 4
    assert _load(tiny, size=5, cache_dir=cache).from_cache
    _save(tiny / "c_grey" / "new.png", Image.new("L", (30, 30), 200))  # same name, rewritten
    rewritten = _load(tiny, size=5, cache_dir=cache)
    assert not rewritten.from_cache and rewritten.x[-1].min() == pytest.approx(200 / 255)
    resized = _load(tiny, size=4, cache_dir=cache)
    assert not resized.from_cache and resized.x.shape[1:3] == (4, 4)
    (cache / "x.npy").write_bytes(b"garbage")  # a damaged cache is rebuilt, not trusted
    assert not _load(tiny, size=4, cache_dir=cache).from_cache


def test_split_is_the_packages_stratified_split(tiny):
    for i in range(3, 10):
        for name, colour in (("a_blue", BLUE), ("b_red", RED), ("c_grey", (GREY,) * 3)):
            _save(tiny / name / f"x{i}.png", Image.new("RGB", (4, 4), colour))
    split = _load(tiny, size=4).split(val_fraction=0.3, seed=1)
    assert isinstance(split, data.Split) and split.class_names == ("a_blue", "b_red", "c_grey")
    assert np.bincount(split.y_val).tolist() == [3, 3, 3]
    assert np.issubdtype(split.y_train.dtype, np.integer) and split.input_shape == (4, 4, 3)


# --------------------------------------------------------------------------- bad folders


def test_missing_path_and_file_path_are_refused(tmp_path):
    with pytest.raises(ValueError, match="does not exist. Received: path="):
        _load(tmp_path / "nowhere")
    (tmp_path / "a.png").write_bytes(b"")
    with pytest.raises(ValueError, match="is a file"):
        _load(tmp_path / "a.png")
    with pytest.raises(ValueError, match="must be a folder path"):
        _load(42)


def test_a_cache_dir_that_is_a_file_or_inside_the_folder_is_refused(tiny, tmp_path):
    (tmp_path / "notes.txt").write_text("not a folder")
    for cache, said in [
        (tmp_path / "notes.txt", "'.*notes.txt' is a file"),
        (tmp_path / "notes.txt" / "cache", "lies under the file '.*notes.txt'"),
    ]:
        with pytest.raises(ValueError, match=f"cache_dir must be a folder.*{said}. Received"):
            _load(tiny, cache_dir=cache)
    for inside in (tiny, tiny / "a_blue", tiny / ".cache"):  # its files would be read as images
        with pytest.raises(ValueError, match="cache_dir must lie outside path.*Received"):
            _load(tiny, cache_dir=inside)
    assert not (tiny / ".cache").exists()


def test_write_course_folder_refuses_a_path_under_a_file(tmp_path):
    (tmp_path / "notes.txt").write_text("not a folder")
    with pytest.raises(ValueError, match="path must be a folder.*lies under the file"):
        data.write_course_folder(tmp_path / "notes.txt" / "course", images_per_class=2, size=16)
    with pytest.raises(ValueError, match="path must be a folder.*is a file"):
        data.write_course_folder(tmp_path / "notes.txt", images_per_class=2, size=16)
    with pytest.raises(ValueError, match="takes no argument 'image_per_class'"):
        data.write_course_folder(tmp_path / "course", image_per_class=2)


def test_fewer_than_two_classes_are_refused(tmp_path):
    (tmp_path / ".ipynb_checkpoints").mkdir()  # hidden folders are no classes
    with pytest.raises(ValueError, match="at least 2 class sub-folders.*has none"):
        _load(tmp_path)
    _save(tmp_path / "cats" / "0.png", Image.new("RGB", (4, 4)))
    with pytest.raises(ValueError, match="has only 'cats'"):
        _load(tmp_path)


def test_a_class_with_too_few_readable_images_is_named(tiny):
    for name in ("0.png", "1.png"):
        (tiny / "c_grey" / name).unlink()
    (tiny / "c_grey" / "broken.png").write_bytes(b"\x89PNG nope")
    with pytest.raises(ValueError, match=r"min_images_per_class=2.*'c_grey' has 1 \(1 file"):
        _load(tiny)
    assert _load(tiny, min_images_per_class=1).counts()["c_grey"] == 1
    with pytest.raises(ValueError, match="'a_blue' has 3, 'b_red' has 3"):
        _load(tiny, min_images_per_class=4)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"size": 0}, r"size must be an int >= 1. Received: size=0"),
        ({"size": 7.5}, r"size must be an int >= 1"),
        ({"size": True}, r"size must be an int >= 1"),
        ({"min_images_per_class": 0}, r"min_images_per_class must be an int >= 1"),
        ({"cache_dir": 3}, r"cache_dir must be a folder path"),
        ({"verbose": "yes"}, r"verbose must be True or False"),
    ],
)
def test_bad_arguments_say_what_is_allowed(tiny, kwargs, message):
    with pytest.raises(ValueError, match=message):
        data.load_image_folder(tiny, **kwargs)


# --------------------------------------------------------------------------- course folder


def _pixels(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.png"))}


def test_course_folder_has_ten_classes_or_more_and_is_deterministic(tmp_path):
    one = data.write_course_folder(tmp_path / "one", images_per_class=3, size=24, seed=5)
    two = data.write_course_folder(tmp_path / "two", images_per_class=3, size=24, seed=5)
    other = data.write_course_folder(tmp_path / "other", images_per_class=3, size=24, seed=6)
    assert _pixels(one) == _pixels(two) and _pixels(one) != _pixels(other)
    loaded = _load(one, size=24)
    assert loaded.num_classes >= 10 and loaded.skipped == ()
    assert loaded.class_names == tuple(sorted(s.name for s in data.FOLDER_PHOTOS))
    assert set(loaded.counts().values()) == {3}
    assert len({image.tobytes() for image in loaded.x}) == len(loaded.x)  # no duplicates
    with Image.open(one / "brick" / "000.png") as grey, Image.open(one / "cat" / "000.png") as c:
        assert (grey.mode, c.mode) == ("L", "RGB")  # grey photographs give grey files


def test_course_folder_is_reused_replaced_or_refused(tmp_path):
    path = tmp_path / "course"
    data.write_course_folder(path, images_per_class=2, size=16)
    stamp = (path / "cat" / "000.png").stat().st_mtime_ns
    assert data.write_course_folder(path, images_per_class=2, size=16) == path
    assert (path / "cat" / "000.png").stat().st_mtime_ns == stamp  # reused as it was
    data.write_course_folder(path, images_per_class=3, size=16)  # other arguments: rewritten
    assert len(list((path / "cat").iterdir())) == 3
    assert not [p for p in tmp_path.iterdir() if "partial" in p.name]
    mine = tmp_path / "mine"
    _save(mine / "holiday" / "0.png", Image.new("RGB", (4, 4)))
    with pytest.raises(ValueError, match="did not write; give a new or empty folder"):
        data.write_course_folder(mine)
    with pytest.raises(ValueError, match="images_per_class must be an int in \\[2, 1000\\]"):
        data.write_course_folder(tmp_path / "x", images_per_class=1)


def test_photographs_ship_inside_packages_and_the_two_sets_are_disjoint():
    folder, held_out = data.FOLDER_PHOTOS, data.PRETRAINING_PHOTOS
    assert not {s.name for s in folder} & {s.name for s in held_out}
    assert not {s.file for s in folder} & {s.file for s in held_out}
    for source in folder + held_out:  # a file inside the installed package, never a download
        path = photos.photo_path(source)
        package = {"scikit-image": "skimage", "scikit-learn": "sklearn"}[source.package]
        assert path.is_file() and package in path.parts and "site-packages" in str(path)
    held = data.pretraining_photos()
    assert list(held) == [s.name for s in held_out]
    assert all(a.dtype == np.uint8 and a.ndim == 3 and a.shape[2] == 3 for a in held.values())
    assert os.path.basename(str(photos.photo_path(folder[0]))) == "astronaut.png"


# --------------------------------------------------------------------------- Keras' pipeline


def test_keras_pipeline_agrees_on_classes_counts_and_order(tiny):
    # Keras walks hidden folders inside a class folder (only top-level ones are skipped)
    (tiny / "a_blue" / ".ipynb_checkpoints" / "0-checkpoint.png").unlink()
    ours = _load(tiny, size=4)
    theirs = data.folder_dataset(tiny, size=4, batch_size=4)
    assert tuple(theirs.class_names) == ours.class_names
    relative = [Path(p).relative_to(tiny).as_posix() for p in theirs.file_paths]
    assert tuple(relative) == ours.files  # same files, same order
    x = np.concatenate([xb.numpy() for xb, _ in theirs])
    y = np.concatenate([yb.numpy() for _, yb in theirs])
    np.testing.assert_array_equal(y, ours.y)
    np.testing.assert_allclose(x, ours.x * 255, atol=1.0)  # 0-255 floats; flat colours
    with pytest.raises(ValueError, match="batch_size must be an int >= 1"):
        data.folder_dataset(tiny, batch_size=0)
