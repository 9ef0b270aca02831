"""A held-out test split that keeps near-duplicates together (issue 22).

Near-duplicate groups (dHash and EXIF capture times), the course folder's held-out regions
(no test crop shares a source pixel with a train or validation crop), the grouped split
(no group in two parts, deterministic, clear errors) and the old split, unchanged.
"""

import copy
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from inception_edu import data
from inception_edu.data import folder as folder_module
from inception_edu.data import grouping
from inception_edu.data.photos import FOLDER_PHOTOS, open_photo

# --------------------------------------------------------------------------- helpers


def picture(seed: int, size: int = 64) -> np.ndarray:
    """A smooth random colour picture, float (size, size, 3) in [0, 1]: a 6x6 grid of
    random colours enlarged bicubically (photo-like: shapes, no pixel noise)."""
    rng = np.random.default_rng(seed)
    coarse = (rng.random((6, 6, 3)) * 255).astype(np.uint8)
    big = Image.fromarray(coarse).resize((size + 8, size + 8), Image.Resampling.BICUBIC)
    return np.asarray(big, dtype=np.float32)[4 : 4 + size, 4 : 4 + size] / 255.0


def burst(seed: int, count: int, size: int = 64) -> list:
    """``count`` shots of one scene: shifted by a few pixels, a little brighter or darker,
    with sensor noise."""
    rng = np.random.default_rng(seed + 1000)
    rng_scene = np.random.default_rng(seed)
    coarse = (rng_scene.random((6, 6, 3)) * 255).astype(np.uint8)
    scene = np.asarray(
        Image.fromarray(coarse).resize((size + 8, size + 8), Image.Resampling.BICUBIC),
        dtype=np.float32,
    )
    shots = []
    for _ in range(count):
        dx, dy = rng.integers(3, 6, size=2)  # moved by up to 2 pixels (3 %)
        shot = scene[dy : dy + size, dx : dx + size] / 255.0 * rng.uniform(0.93, 1.07)
        shots.append(np.clip(shot + rng.normal(0, 0.02, shot.shape), 0, 1).astype(np.float32))
    return shots


def save_jpeg(path, pixels: np.ndarray, taken: str | None = None) -> None:
    """Save float pixels as a JPEG, with an EXIF DateTimeOriginal when ``taken`` is given."""
    image = Image.fromarray((pixels * 255).round().astype(np.uint8))
    exif = Image.Exif()
    if taken is not None:
        exif.get_ifd(0x8769)[0x9003] = taken
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, quality=95, exif=exif)


def same_group(groups: data.ImageGroups, files) -> bool:
    index = [groups.files.index(f) for f in files]
    return len(set(groups.ids[index].tolist())) == 1


def apart(groups: data.ImageGroups, files) -> bool:
    index = [groups.files.index(f) for f in files]
    return len(set(groups.ids[index].tolist())) == len(index)


# --------------------------------------------------------------------------- near-duplicates


def test_a_burst_is_one_group_and_other_pictures_are_not_joined():
    shots = burst(1, 5)
    others = [picture(seed) for seed in (2, 3, 4, 5)]
    images = np.stack(shots + others)
    files = [f"cat/burst_{i}.jpg" for i in range(5)] + [f"cat/other_{i}.jpg" for i in range(4)]
    groups = data.near_duplicate_groups(images, np.zeros(9, dtype=np.int64), files)
    assert same_group(groups, files[:5])
    assert apart(groups, files[4:])
    assert groups.count == 5 and groups.sizes().tolist() == [5, 1, 1, 1, 1]
    assert not groups.held_out.any() and not groups.left_out.any()
    assert len(groups.links) == 4 and all("dHash" in why for _, _, why in groups.links)
    summary = groups.summary()
    assert "joined 4 times by look" in summary and "9 images in 5 groups" in summary


def test_copies_are_joined_within_a_class_only():
    scene = picture(7)
    images = np.stack([scene, scene, scene])
    groups = data.near_duplicate_groups(images, np.array([0, 0, 1]), ["a/1", "a/2", "b/1"])
    assert groups.ids[0] == groups.ids[1] != groups.ids[2]


def test_max_distance_zero_joins_exact_copies_only():
    shots = burst(3, 3)
    images = np.stack([shots[0], shots[0], shots[1], shots[2]])
    hashes = data.difference_hash(images)
    assert (hashes[0] != hashes[2]).any() and (hashes[0] != hashes[3]).any()  # not copies
    assert (hashes[2] != hashes[3]).any()
    files = ["a", "b", "c", "d"]
    exact = data.near_duplicate_groups(images, np.zeros(4, dtype=np.int64), files, max_distance=0)
    assert exact.ids.tolist() == [0, 0, 2, 3]
    near = data.near_duplicate_groups(images, np.zeros(4, dtype=np.int64), files)
    assert near.ids.tolist() == [0, 0, 0, 0]


def test_difference_hash_is_krawetz_s_bits():
    """Brighter to the left -> 1: a ramp falling to the right gives all ones."""
    ramp = np.tile(np.linspace(1, 0, 90, dtype=np.float32), (80, 1))
    assert data.difference_hash(ramp[None]).all()
    assert not data.difference_hash(ramp[None, :, ::-1]).any()
    colour = picture(0)
    hashes = data.difference_hash(np.stack([colour, (colour * 255).astype(np.uint8) / 255.0]))
    assert hashes.shape == (2, 64) and (hashes[0] == hashes[1]).all()
    assert data.difference_hash(colour[None], hash_size=4).shape == (1, 16)


def test_capture_times_group_photos_taken_in_a_row(tmp_path):
    taken = {
        "a.jpg": "2024:05:01 10:00:00",
        "b.jpg": "2024:05:01 10:00:02",
        "c.jpg": "2024:05:01 10:00:04",  # 4 s after a: joined through b (a chain)
        "d.jpg": "2024:05:01 10:05:00",
        "e.jpg": None,
        "f.jpg": "2024:05:01 10:00:01",  # another class, taken in between: never joined
    }
    pixels = [picture(seed) for seed in range(20, 26)]
    files = []
    for (name, when), image in zip(taken.items(), pixels, strict=True):
        rel = f"{'dog' if name == 'f.jpg' else 'cat'}/{name}"
        save_jpeg(tmp_path / rel, image, when)
        files.append(rel)
    labels = np.array([0, 0, 0, 0, 0, 1])
    groups = data.near_duplicate_groups(np.stack(pixels), labels, files, path=tmp_path)
    assert same_group(groups, files[:3])
    assert apart(groups, files[2:])
    assert all("time: taken 2 s apart" == why for _, _, why in groups.links)
    assert "read from 5 files" in groups.summary()
    no_time = data.near_duplicate_groups(
        np.stack(pixels), labels, files, path=tmp_path, max_seconds=1.0
    )
    assert apart(no_time, files)


def test_files_are_read_when_no_images_are_given(tmp_path):
    """A streamed folder has no images in memory: thumbnails are read from the files."""
    files = []
    for i, shot in enumerate(burst(1, 4) + [picture(2), picture(3)]):
        save_jpeg(tmp_path / "cat" / f"{i}.jpg", shot)
        files.append(f"cat/{i}.jpg")
    (tmp_path / "cat" / "broken.jpg").write_bytes(b"not an image")
    files.append("cat/broken.jpg")
    groups = data.near_duplicate_groups(None, np.zeros(7, dtype=np.int64), files, path=tmp_path)
    assert same_group(groups, files[:4]) and apart(groups, files[3:])
    with pytest.raises(ValueError, match="needs images, or path"):
        data.near_duplicate_groups(None, np.zeros(7, dtype=np.int64), files)


def test_capture_time_reads_the_exif_and_is_none_without_it(tmp_path):
    save_jpeg(tmp_path / "a.jpg", picture(0), "2024:05:01 10:00:02")
    save_jpeg(tmp_path / "b.jpg", picture(0))
    (tmp_path / "c.jpg").write_bytes(b"not an image")
    assert data.capture_time(tmp_path / "a.jpg") - data.capture_time(tmp_path / "a.jpg") == 0
    assert data.capture_time(tmp_path / "a.jpg") % 60 == 2
    assert data.capture_time(tmp_path / "b.jpg") is None
    assert data.capture_time(tmp_path / "c.jpg") is None
    assert data.capture_time(tmp_path / "missing.jpg") is None


def test_near_duplicate_groups_refuses_bad_input(tmp_path):
    images, labels, files = np.stack([picture(0), picture(1)]), np.array([0, 0]), ["a", "b"]
    with pytest.raises(ValueError, match="max_distance"):
        data.near_duplicate_groups(images, labels, files, max_distance=-1)
    with pytest.raises(ValueError, match="max_seconds"):
        data.near_duplicate_groups(images, labels, files, max_seconds=float("nan"))
    with pytest.raises(ValueError, match="one entry per image"):
        data.near_duplicate_groups(images, labels, ["a"])
    with pytest.raises(ValueError, match="integer class labels"):
        data.near_duplicate_groups(images, np.array([0.5, 1.0]), files)
    with pytest.raises(ValueError, match="images' folder"):
        data.near_duplicate_groups(images, labels, files, path=tmp_path / "missing")
    with pytest.raises(ValueError, match="images must be"):
        data.difference_hash(np.zeros((0, 8, 8, 3)))
    with pytest.raises(ValueError, match="hash_size"):
        data.difference_hash(images, hash_size=1)
    with pytest.raises(ValueError, match="did you mean 'max_distance'"):
        data.near_duplicate_groups(images, labels, files, max_distanc=3)


def test_a_learners_folder_is_grouped_and_split_without_leaks(tmp_path):
    """ImageFolder.groups on a folder with a burst per class: the burst stays in one part."""
    root = tmp_path / "photos"
    for label, name in enumerate(("cat", "dog")):
        for i, shot in enumerate(burst(10 * label, 4)):
            save_jpeg(root / name / f"burst_{i}.jpg", shot)
        for i in range(6):
            save_jpeg(root / name / f"single_{i}.jpg", picture(100 + 10 * label + i))
    folder = data.load_image_folder(root, size=32, verbose=False)
    groups = folder.groups(root)
    assert groups.count == 2 * (1 + 6)
    split = folder.split(0.25, seed=0, test_fraction=0.25, groups=groups)
    parts = [split.x_train, split.x_val, split.x_test]
    for name in ("cat", "dog"):
        rows = [folder.files.index(f"{name}/burst_{i}.jpg") for i in range(4)]
        found = [sum(_count_rows(part, folder.x[r]) for r in rows) for part in parts]
        assert sorted(found) == [0, 0, 4]  # the whole burst in one part


def _count_rows(part: np.ndarray, row: np.ndarray) -> int:
    return int(np.sum(np.all(part.reshape(len(part), -1) == row.reshape(1, -1), axis=1)))


# --------------------------------------------------------------------------- the split


def indexed(count: int) -> np.ndarray:
    """(count, 1, 1, 1) images whose one pixel is their own index: a split's rows say
    which images went where."""
    return np.arange(count, dtype=np.float32).reshape(count, 1, 1, 1)


def where_each_went(split) -> dict:
    parts = {"train": split.x_train, "val": split.x_val, "test": split.x_test}
    return {
        name: set(part.ravel().astype(int).tolist())
        for name, part in parts.items()
        if part is not None
    }


@st.composite
def grouped_labels(draw):
    """Classes of 3-8 groups of 1-4 images each, groups within a class."""
    classes = draw(st.integers(2, 4))
    labels, ids = [], []
    for label in range(classes):
        for _ in range(draw(st.integers(3, 8))):
            size = draw(st.integers(1, 4))
            labels += [label] * size
            ids += [len(set(ids))] * size
    order = draw(st.permutations(range(len(labels))))
    return np.array(labels)[list(order)], np.array(ids)[list(order)]


@settings(max_examples=60, deadline=None)
@given(
    grouped_labels(),
    st.sampled_from([0.1, 0.2, 0.3]),
    st.sampled_from([0.0, 0.1, 0.25]),
    st.integers(0, 3),
)
def test_no_group_straddles_parts_and_every_class_is_in_every_part(case, val, test, seed):
    labels, ids = case
    names = tuple(f"c{k}" for k in range(labels.max() + 1))
    split = grouping.grouped_split(indexed(len(labels)), labels, ids, names, val, test, seed)
    went = where_each_went(split)
    assert set(went) == ({"train", "val", "test"} if test else {"train", "val"})
    assert sum(len(rows) for rows in went.values()) == len(labels)  # each image once
    for group in np.unique(ids):
        members = set(np.flatnonzero(ids == group).tolist())
        assert sum(bool(members & rows) for rows in went.values()) == 1
    parts = [(split.x_train, split.y_train), (split.x_val, split.y_val)]
    if test:
        parts.append((split.x_test, split.y_test))
    for x, y in parts:
        assert set(y.tolist()) == set(range(len(names)))
        assert (labels[x.ravel().astype(int)] == y).all()  # each image keeps its label
    again = grouping.grouped_split(indexed(len(labels)), labels, ids, names, val, test, seed)
    assert np.array_equal(again.x_train, split.x_train)


def test_singletons_keep_the_class_proportions():
    labels = np.repeat([0, 1, 2], [40, 20, 60])
    split = data.grouped_split(indexed(120), labels, np.arange(120), ("a", "b", "c"), 0.25, 0.25, 3)
    assert np.bincount(split.y_test).tolist() == [10, 5, 15]
    assert np.bincount(split.y_val).tolist() == [10, 5, 15]
    assert np.bincount(split.y_train).tolist() == [20, 10, 30]
    other = data.grouped_split(indexed(120), labels, np.arange(120), ("a", "b", "c"), 0.25, 0.25, 4)
    assert where_each_went(other)["test"] != where_each_went(split)["test"]


def test_grouped_split_refuses_bad_input():
    labels, ids, names = np.array([0, 0, 0, 1, 1, 1]), np.arange(6), ("a", "b")
    x = indexed(6)
    with pytest.raises(ValueError, match="val_fraction"):
        data.grouped_split(x, labels, ids, names, 0.0, 0.1)
    with pytest.raises(ValueError, match="test_fraction"):
        data.grouped_split(x, labels, ids, names, 0.2, -0.1)
    with pytest.raises(ValueError, match="below 1"):
        data.grouped_split(x, labels, ids, names, 0.5, 0.5)
    with pytest.raises(ValueError, match="one label per image"):
        data.grouped_split(x[:5], labels, ids, names, 0.2, 0.2)
    with pytest.raises(ValueError, match="one entry per image"):
        data.grouped_split(x, labels, ids[:5], names, 0.2, 0.2)
    with pytest.raises(ValueError, match="integer group ids"):
        data.grouped_split(x, labels, ids * 0.5, names, 0.2, 0.2)
    with pytest.raises(ValueError, match=r"integer labels \(N,\) in \[0, 1\]"):
        data.grouped_split(x, labels + 1, ids, names, 0.2, 0.2)
    with pytest.raises(ValueError, match="seed"):
        data.grouped_split(x, labels, ids, names, 0.2, 0.2, seed=-1)
    few = np.array([0, 0, 1, 2, 3, 4])  # class 'a': 3 images in 2 groups
    with pytest.raises(ValueError, match="class 'a' has 3 image\\(s\\) in 2 group"):
        data.grouped_split(x, labels, few, names, 0.2, 0.2)
    assert data.grouped_split(x, labels, few, names, 0.2, 0.0).x_test is None  # 2 suffice
    mixed = np.array([2, 0, 0, 1, 3, 1, 3])  # 'a' is in groups 0, 1, 3, with 'b' in 1 and 3
    with pytest.raises(ValueError, match="no image of 'a' for the test part"):
        data.grouped_split(indexed(7), np.array([1, 0, 0, 1, 0, 0, 1]), mixed, names, 0.2, 0.2)


# --------------------------------------------------------------------------- folders


@pytest.fixture(scope="module")
def small_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("small")
    for label, name in enumerate(("a", "b", "c")):
        for i in range(10):
            save_jpeg(root / name / f"{i}.jpg", picture(50 * label + i, size=16))
    return root, data.load_image_folder(root, size=16, verbose=False)


def test_the_old_split_is_unchanged(small_folder):
    _, folder = small_folder
    old = data.stratified_split(folder.x, folder.labels, folder.class_names, 0.3, 2)
    for new in (folder.split(0.3, 2), folder.split(0.3, 2, test_fraction=0.0, groups=None)):
        assert new.x_test is None and new.y_test is None and not new.has_test
        for name in ("x_train", "y_train", "x_val", "y_val"):
            assert np.array_equal(getattr(new, name), getattr(old, name))
    assert "test" not in repr(old)


def test_a_test_part_without_groups_splits_image_by_image(small_folder):
    _, folder = small_folder
    split = folder.split(0.2, 0, test_fraction=0.2)
    assert np.bincount(split.y_test).tolist() == [2, 2, 2]
    assert len(split.x_train) + len(split.x_val) + len(split.x_test) == 30
    assert "test=(6, 16, 16, 3)" in repr(split)
    with pytest.raises(ValueError, match="test_fraction"):
        folder.split(0.2, 0, test_fraction=1.0)
    with pytest.raises(ValueError, match="one entry per image"):
        folder.split(0.2, 0, test_fraction=0.2, groups=np.arange(3))


# --------------------------------------------------------------------------- course folder


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    path = data.write_course_folder(
        tmp_path_factory.mktemp("course") / "course", images_per_class=16, size=24, seed=3
    )
    return path, data.load_image_folder(path, size=24, verbose=False)


def overlaps(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two half-open pixel boxes (left, top, right, bottom) share a pixel."""
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_course_footprints_cover_every_pixel_a_crop_reads(course):
    """Noise outside a crop's footprint leaves the crop unchanged: the recomputed boxes are
    the ones write_course_folder cut, and nothing outside them is read."""
    path, _ = course
    recipe = json.loads((path / ".course_folder.json").read_text())
    footprints = grouping.course_crop_footprints(recipe)
    noise = np.random.default_rng(0)
    for index in (0, 3, 9):  # astronaut (colour), coffee (colour), rocket (JPEG source)
        source = FOLDER_PHOTOS[index]
        photo = open_photo(source)
        rng = np.random.default_rng([recipe["seed"], index])
        for crop, box in enumerate(footprints[source.name][:6]):
            stored = np.asarray(Image.open(path / source.name / f"{crop:03d}.png"))
            pixels = np.asarray(photo).copy()
            outside = np.ones(pixels.shape[:2], dtype=bool)
            outside[box[1] : box[3], box[0] : box[2]] = False
            pixels[outside] = noise.integers(0, 256, pixels[outside].shape)
            masked = Image.fromarray(pixels)
            same = folder_module._patch(masked, copy.deepcopy(rng), recipe["size"])
            assert np.array_equal(np.asarray(folder_module._patch(photo, rng, 24)), stored)
            assert np.array_equal(np.asarray(same), stored), (source.name, crop)


def test_course_test_crops_share_no_source_pixel_with_train_or_validation(course):
    path, folder = course
    groups = folder.groups(path, test_fraction=0.1)
    assert groups.regions and groups.test_fraction == 0.1
    counts = groups.parts_per_class(folder.class_names)
    assert all(c["test"] >= 2 and c["train/val"] >= 2 for c in counts.values())
    assert sum(sum(c.values()) for c in counts.values()) == len(folder.files)
    kept = ~groups.held_out & ~groups.left_out
    assert [name for name, _, _ in groups.regions] == [s.name for s in FOLDER_PHOTOS]
    for name, region, _ in groups.regions:
        mine = np.array([f.startswith(f"{name}/") for f in groups.files])
        assert counts[name]["test"] == int(np.sum(groups.held_out & mine))
        for t in np.flatnonzero(groups.held_out & mine):
            for k in np.flatnonzero(kept & mine):
                assert not overlaps(groups.footprints[t], groups.footprints[k])
        region = np.array(region)
        for t in np.flatnonzero(groups.held_out & mine):
            assert (groups.footprints[t][:2] >= region[:2]).all()
            assert (groups.footprints[t][2:] <= region[2:]).all()
    split = folder.split(0.25, seed=1, test_fraction=0.1, groups=groups)
    assert len(split.x_test) == int(groups.held_out.sum())
    assert len(split.x_train) + len(split.x_val) == int(kept.sum())
    for row in folder.x[groups.held_out]:
        assert _count_rows(split.x_test, row) == 1
        assert _count_rows(split.x_train, row) + _count_rows(split.x_val, row) == 0
    for row in folder.x[groups.left_out]:
        assert sum(_count_rows(p, row) for p in (split.x_train, split.x_val, split.x_test)) == 0
    assert "held-out region" in groups.summary()
    again = folder.split(0.25, seed=2, test_fraction=0.1, groups=groups)  # the same test
    assert np.array_equal(
        again.x_test[np.lexsort(again.x_test.reshape(len(again.x_test), -1).T)],
        split.x_test[np.lexsort(split.x_test.reshape(len(split.x_test), -1).T)],
    )


def test_course_groups_refuse_what_is_not_the_course_folder(course):
    path, folder = course
    recipe = json.loads((path / ".course_folder.json").read_text())
    labels = folder.labels
    with pytest.raises(ValueError, match="recorded recipe"):
        grouping.course_folder_groups({**recipe, "classes": ["a", "b"]}, folder.files, labels)
    with pytest.raises(ValueError, match="nnn below"):
        grouping.course_folder_groups(recipe, ["astronaut/016.png"], [0])
    with pytest.raises(ValueError, match="nnn below"):
        grouping.course_folder_groups(recipe, ["astronaut/photo.jpg"], [0])
    with pytest.raises(ValueError, match="test_fraction"):
        grouping.course_folder_groups(recipe, folder.files, labels, test_fraction=0.0)
    with pytest.raises(ValueError, match="No region of the photograph of"):
        grouping.course_folder_groups(recipe, folder.files, labels, test_fraction=0.5)
    with pytest.raises(ValueError, match="one entry per image"):
        grouping.course_folder_groups(recipe, folder.files, labels[:3])
    groups = folder.groups(path, test_fraction=0.1)
    with pytest.raises(ValueError, match="chosen for test_fraction=0.1"):
        folder.split(0.25, 0, test_fraction=0.2, groups=groups)
