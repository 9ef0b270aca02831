"""An image folder streamed through tf.data (inception_edu.data.stream): the files, labels
and pixels of load_image_folder, any subset of them, shuffled and augmented for training
only, trained through the runner and notebook 09's comparison."""

import unicodedata

import numpy as np
import pytest
from PIL import Image

from inception_edu.backend import keras, tf
from inception_edu.data import load_image_folder
from inception_edu.data.stream import (
    FolderFiles,
    StreamSplit,
    folder_stream,
    list_image_folder,
    stream_split,
)
from inception_edu.experiments.transfer import experiment as te
from inception_edu.training import Recipe, run

SIZE = 16
CAT = unicodedata.normalize("NFD", "고양이")  # as macOS writes it


def _image(rng, height, width, mode="RGB"):
    pixels = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
    return Image.fromarray(pixels).convert(mode)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """3 classes (one named in NFD) of JPEG, PNG, grey and WebP files of several sizes,
    one JPEG with EXIF orientation 6, a broken PNG, a __MACOSX folder and a stray file."""
    root = tmp_path_factory.mktemp("stream_folder")
    rng = np.random.default_rng(0)
    for k, name in enumerate(("dog", CAT, "bird")):
        (root / name).mkdir()
        for i in range(6):
            image = _image(rng, 20 + 7 * i, 30 + 5 * k, "L" if i == 2 else "RGB")
            image.save(root / name / f"{i}.{('jpg', 'png', 'webp')[i % 3]}")
    exif = Image.Exif()
    exif[0x0112] = 6
    _image(rng, 24, 48).save(root / "dog" / "turned.jpg", exif=exif)
    (root / "bird" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n not really")
    (root / "__MACOSX").mkdir()
    (root / "__MACOSX" / "._0.jpg").write_bytes(b"resource fork")
    (root / "stray.txt").write_text("not in a class")
    return root


@pytest.fixture(scope="module")
def loaded(folder):
    return load_image_folder(folder, size=SIZE, verbose=False, progress=False)


@pytest.fixture(scope="module")
def files(folder):
    return list_image_folder(folder, verbose=False, progress=False)


def _everything(dataset):
    xs, ys = zip(*[(x.numpy(), y.numpy()) for x, y in dataset], strict=True)
    return np.concatenate(xs), np.concatenate(ys)


def test_the_listing_is_load_image_folders(files, loaded):
    assert files.files == loaded.files
    assert np.array_equal(files.labels, loaded.labels)
    assert files.class_names == loaded.class_names == ("bird", "dog", "고양이")
    assert files.skipped == loaded.skipped
    assert any(name == "bird/broken.png" for name, _ in files.skipped)
    assert any(name == "__MACOSX" for name, _ in files.skipped)
    assert files.notes == loaded.notes
    assert files.counts() == loaded.counts()


def test_the_stream_gives_load_image_folders_pixels_exactly(files, loaded):
    dataset = folder_stream(files, size=SIZE, batch_size=4)
    x, y = _everything(dataset)
    assert x.dtype == np.float32 and x.shape == loaded.x.shape
    assert np.array_equal(x, loaded.x)  # the same decoder and scaling, bit for bit
    assert np.array_equal(y, loaded.labels)
    assert dataset.class_names == list(loaded.class_names)
    assert int(dataset.cardinality()) == -(-len(loaded.files) // 4)


def test_a_path_is_listed_and_streamed_alike(folder, loaded):
    x, y = _everything(folder_stream(folder, size=SIZE, batch_size=64))
    assert np.array_equal(x, loaded.x) and np.array_equal(y, loaded.labels)


def test_a_subset_of_indices_streams_only_those_in_their_order(files, loaded):
    chosen = [7, 0, 12, 3]
    dataset = folder_stream(files, size=SIZE, batch_size=3, indices=chosen)
    x, y = _everything(dataset)
    assert np.array_equal(x, loaded.x[chosen])
    assert np.array_equal(y, loaded.labels[chosen])
    assert [p.replace("\\", "/").rsplit("/", 2)[-2:] for p in dataset.file_paths] == [
        loaded.files[i].split("/") for i in chosen
    ]


def test_a_training_stream_reshuffles_every_epoch_from_its_seed(files, loaded):
    dataset = folder_stream(files, size=SIZE, batch_size=5, training=True, seed=3)
    first, second = _everything(dataset), _everything(dataset)
    again = _everything(folder_stream(files, size=SIZE, batch_size=5, training=True, seed=3))
    assert not np.array_equal(first[1], second[1]) or not np.array_equal(first[0], second[0])
    assert np.array_equal(first[0], again[0])  # a new dataset starts from the same order
    for x, y in (first, second):  # every image once per epoch, its label with it
        assert sorted(y) == sorted(loaded.labels)
        rows = {row.tobytes(): label for row, label in zip(loaded.x, loaded.labels, strict=True)}
        assert [rows[row.tobytes()] for row in x] == list(y)


def test_augmentation_is_applied_to_training_streams_only(files):
    halve = keras.layers.Rescaling(0.5)  # a deterministic stand-in for random layers
    plain = _everything(folder_stream(files, size=SIZE, batch_size=4, training=True, seed=1))
    halved = _everything(
        folder_stream(files, size=SIZE, batch_size=4, training=True, seed=1, augment=halve)
    )
    assert np.allclose(halved[0], plain[0] * 0.5) and np.array_equal(halved[1], plain[1])
    with pytest.raises(ValueError, match="training streams only"):
        folder_stream(files, size=SIZE, augment=halve)


def test_a_tiny_model_trains_one_epoch_from_the_stream_through_run(files):
    split = stream_split(files, size=SIZE, val_fraction=0.3, seed=0)
    inputs = keras.Input((SIZE, SIZE, 3))
    pooled = keras.layers.GlobalAveragePooling2D()(keras.layers.Conv2D(4, 3)(inputs))
    model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(pooled))
    history = run(model, split, None, Recipe(), 1, batch_size=4, progress=False)
    assert set(history.history) >= {"loss", "val_loss"}
    assert all(np.isfinite(v[0]) for v in history.history.values())


def test_stream_split_partitions_the_files_as_the_in_memory_split(files, loaded):
    streamed = stream_split(files, size=SIZE, val_fraction=0.3, seed=2)
    in_memory = loaded.split(val_fraction=0.3, seed=2)
    assert np.array_equal(streamed.images("val"), in_memory.x_val)
    assert np.array_equal(streamed.images("train", 5), in_memory.x_train[:5])
    assert np.array_equal(streamed.y_val, in_memory.y_val)
    assert np.array_equal(streamed.y_train, in_memory.y_train)
    assert streamed.input_shape == (SIZE, SIZE, 3) and streamed.num_classes == 3


def _tiny_backbone():
    inputs = keras.Input((SIZE, SIZE, 3), name="image")
    x = keras.layers.Conv2D(4, 3, name="conv")(inputs)
    x = keras.layers.BatchNormalization(name="bn")(x)
    return keras.Model(inputs, keras.layers.Activation("relu")(x), name="tiny")


def test_an_arm_trains_from_the_stream_as_from_memory(files, loaded):
    """The same files, seed and augmentation: the stream's run equals the in-memory one."""
    arm = te.Experiment(name="arm", backbone=_tiny_backbone, augment=True, seed=1)
    streamed = te.run_experiment(
        stream_split(files, size=SIZE, val_fraction=0.3), arm, 2, batch_size=4, progress=False
    )
    in_memory = te.run_experiment(
        loaded.split(val_fraction=0.3), arm, 2, batch_size=4, progress=False
    )
    assert streamed.history.keys() == in_memory.history.keys()
    for key, values in in_memory.history.items():
        assert np.allclose(streamed.history[key], values, rtol=1e-5, atol=1e-6), key
    assert np.array_equal(streamed.labels, in_memory.labels)
    assert np.allclose(streamed.probabilities, in_memory.probabilities, atol=1e-5)


def test_a_file_broken_after_listing_stops_the_epoch_naming_it(tmp_path):
    rng = np.random.default_rng(1)
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        for i in range(3):
            _image(rng, 20, 20).save(tmp_path / name / f"{i}.png")
    listed = list_image_folder(tmp_path, verbose=False, progress=False)
    (tmp_path / "b" / "1.png").write_bytes(b"overwritten")
    with pytest.raises(tf.errors.OpError, match=r"b/1\.png.*List the folder again"):
        _everything(folder_stream(listed, size=SIZE))
    unchecked = list_image_folder(tmp_path, verify=False, verbose=False, progress=False)
    assert "b/1.png" in unchecked.files and not unchecked.verified
    checked = list_image_folder(tmp_path, verbose=False, progress=False)
    assert "b/1.png" not in checked.files
    assert ("b/1.png", "not an image Pillow can read") in checked.skipped


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda f: folder_stream(f, size=0), "size"),
        (lambda f: folder_stream(f, batch_size=0), "batch_size"),
        (lambda f: folder_stream(f, indices=[99]), r"indices must lie in \[0, 18\]"),
        (lambda f: folder_stream(f, indices=[1, 1]), "must not repeat"),
        (lambda f: folder_stream(f, indices=[]), "non-empty"),
        (lambda f: folder_stream(f, indices=[0.5]), "integers"),
        (lambda f: folder_stream(f, training=True, augment=3), "Keras layer"),
        (lambda f: folder_stream(f, seed=-1), "seed"),
        (lambda f: folder_stream(3), "FolderFiles"),
        (lambda f: StreamSplit(f, [0, 1], [1, 2]), "must not share a file"),
        (lambda f: StreamSplit("folder", [0], [1]), "FolderFiles"),
        (lambda f: stream_split(f, val_fraction=1.5), "val_fraction"),
        (lambda f: stream_split(f, val_fraction=0.5, test_fraction=0.6), "test_fraction"),
        (lambda f: stream_split(f, groups=np.zeros(3, int)), "one entry per image"),
        (lambda f: StreamSplit(f, [0], [1]).images("both"), "part"),
        (lambda f: StreamSplit(f, [0], [1]).test_batches(), "no test part"),
        (lambda f: list_image_folder(f.root, verify="yes"), "verify"),
        (lambda f: list_image_folder(f.root, progress="yes"), "progress must be"),
    ],
)
def test_bad_arguments_say_what_was_received_and_what_is_allowed(files, call, message):
    assert isinstance(files, FolderFiles) and len(files) == 19
    with pytest.raises(ValueError, match=message):
        call(files)


def test_a_comparison_streams_a_folder_with_a_bar_per_run_and_one_estimate(files, capsys):
    arm = te.Experiment(name="arm", backbone=_tiny_backbone)
    split = stream_split(files, size=SIZE, val_fraction=0.3)
    comparison = te.compare(split, [arm], (0, 1), 2, batch_size=8, settle=False, progress=True)
    shown = capsys.readouterr()
    assert shown.out.count("about ") == 1
    assert "for 1 arms x 2 seeds x 2 epochs (first epoch took" in shown.out
    assert "arm, seed 0, epoch 2/2" in shown.err and "arm, seed 1, epoch 2/2" in shown.err
    results = comparison.results["arm"]
    assert [len(r.epochs) for r in results] == [2, 2]
    assert all(np.array_equal(r.labels, split.y_val) for r in results)


def test_a_test_part_and_groups_split_the_files_as_the_in_memory_folder(files, loaded):
    groups = np.arange(len(files)) // 2  # pairs of files stay together
    streamed = stream_split(files, size=SIZE, val_fraction=0.25, test_fraction=0.25, groups=groups)
    in_memory = loaded.split(val_fraction=0.25, seed=0, test_fraction=0.25, groups=groups)
    assert np.array_equal(streamed.images("test"), in_memory.x_test)
    assert np.array_equal(streamed.y_test, in_memory.y_test)
    assert np.array_equal(streamed.images("val"), in_memory.x_val)
    for part in (streamed.train, streamed.val, streamed.test):  # no pair straddles parts
        others = np.setdiff1d(np.concatenate([streamed.train, streamed.val, streamed.test]), part)
        assert not set(groups[part]) & set(groups[others])
    x, y = _everything(streamed.test_batches(batch_size=4))
    assert np.array_equal(x, in_memory.x_test) and np.array_equal(y, in_memory.y_test)
