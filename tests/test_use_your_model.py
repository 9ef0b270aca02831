"""Use your model (issue 22, point 6): a trained model predicts new image files and folders,
and an exported model, read back in a fresh process, gives the same top-k classes and
probabilities, Korean class names included."""

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from inception_edu.backend import keras
from inception_edu.data import read_image
from inception_edu.experiments.transfer import (
    Experiment,
    Predictions,
    course_backbone,
    export_model,
    load_exported,
    predict,
    predict_images,
    show_predictions,
    sidecar_path,
)
from inception_edu.keras_build.layers import ScaledResidual

ROOT = Path(__file__).resolve().parents[1]
NAMES = ("고양이", "강아지", "나비")  # a learner's folder names: cat, dog, butterfly
SIZE = 32

# Read back in a fresh Python: only the files on disk carry the model and its names.
FRESH = """
import json, sys
from inception_edu.experiments.transfer import load_exported, predict_images
out = {}
for model_file in sys.argv[2:]:
    model, names, size = load_exported(model_file)
    found = predict_images(model, sys.argv[1], names, top=3)
    out[model_file] = {
        "names": list(names),
        "size": size,
        "images": [[str(p.file), list(p.classes), list(p.probabilities)] for p in found],
    }
print(json.dumps(out))
"""


def _tiny_backbone():
    """A few hundred parameters of the course's kind: convolution, batch norm and the
    course's custom layer, Inception-ResNet's scaled residual add."""
    inputs = keras.Input((SIZE, SIZE, 3))
    x = keras.layers.Conv2D(8, 3, strides=2, padding="same", use_bias=False)(inputs)
    x = keras.layers.BatchNormalization(scale=False)(x)
    x = keras.layers.Activation("relu")(x)
    branch = keras.layers.Conv2D(8, 1, activation="relu")(x)
    x = ScaledResidual(0.2, name="block_add")([x, branch])
    return keras.Model(inputs, x, name="tiny_backbone")


def _write_images(folder: Path, count: int, seed: int) -> list:
    """``count`` generated 32x32 PNG photographs, each mostly one colour with noise."""
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(count):
        base = rng.integers(0, 256, 3)
        pixels = np.clip(base + rng.normal(0, 40, (SIZE, SIZE, 3)), 0, 255).astype(np.uint8)
        file = folder / f"photo_{i}.png"
        Image.fromarray(pixels).save(file)
        files.append(file)
    return files


@pytest.fixture(scope="module")
def tiny_model():
    """The tiny network as the frozen protocol's second phase builds it (backbone
    trainable, batch norm frozen), trained a few steps so every weight, the batch-norm
    statistics and the optimizer's state differ from their initial values."""
    keras.utils.set_random_seed(0)
    arm = Experiment(name="mine", backbone=_tiny_backbone, frozen_epochs=1)
    model = arm.build(len(NAMES), (SIZE, SIZE, 3), "unfrozen")
    rng = np.random.default_rng(0)
    x = rng.random((24, SIZE, SIZE, 3), dtype=np.float32)
    y = np.eye(len(NAMES), dtype=np.float32)[rng.integers(0, len(NAMES), 24)]
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="categorical_crossentropy")
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    return model


@pytest.fixture
def new_photos(tmp_path):
    """A learner's folder of new photos, as people have them: a sub-folder, a text file,
    a Windows thumbnail cache, a Mac zip's __MACOSX, a hidden file."""
    folder = tmp_path / "new photos"
    _write_images(folder, 3, seed=1)
    _write_images(folder / "holiday", 2, seed=2)
    (folder / "notes.txt").write_text("not a photo")
    (folder / "Thumbs.db").write_bytes(b"\0")
    _write_images(folder / "__MACOSX", 1, seed=3)
    (folder / ".hidden.png").write_bytes(b"\0")
    return folder


def test_a_folder_predicts_every_image_in_it_and_reports_the_rest(tiny_model, new_photos):
    found = predict_images(tiny_model, new_photos, NAMES, top=2)
    assert isinstance(found, Predictions) and len(found) == 5
    assert [p.name for p in found] == [  # as load_image_folder orders a class folder
        "photo_0.png",
        "photo_1.png",
        "photo_2.png",
        "holiday/photo_0.png",
        "holiday/photo_1.png",
    ]
    skipped = {Path(f).name: why for f, why in found.skipped}
    assert set(skipped) == {"notes.txt", "Thumbs.db", "__MACOSX"}
    assert "Windows thumbnail cache" in skipped["Thumbs.db"]
    # the probabilities are the model's on the files read as the training folder was read
    x = np.stack([read_image(p.file, SIZE) for p in found])
    probabilities = predict(tiny_model, x)
    for p, row in zip(found, probabilities, strict=True):
        order = np.argsort(-row)[:2]
        assert p.classes == tuple(NAMES[i] for i in order)
        assert np.allclose(p.probabilities, row[order], rtol=0, atol=1e-6)
        assert p.probabilities[0] >= p.probabilities[1]


def test_a_file_and_a_list_and_the_default_top(tiny_model, new_photos):
    one = predict_images(tiny_model, new_photos / "photo_0.png", NAMES)
    assert len(one) == 1 and one[0].name == "photo_0.png"
    assert one.top == len(NAMES)  # 5 by default, but only 3 classes
    assert np.isclose(sum(one[0].probabilities), 1.0, atol=1e-5)
    both = predict_images(
        tiny_model, [str(new_photos / "photo_1.png"), new_photos / "holiday"], NAMES
    )
    assert [p.file for p in both] == [
        new_photos / "photo_1.png",
        new_photos / "holiday" / "photo_0.png",
        new_photos / "holiday" / "photo_1.png",
    ]
    assert [p.name for p in both] == ["photo_1.png", "photo_0.png", "photo_1.png"]
    assert isinstance(both[1:], Predictions) and len(both[1:]) == 2


def test_the_printed_table_names_each_image_and_its_korean_classes(tiny_model, new_photos):
    found = predict_images(tiny_model, new_photos / "holiday", NAMES, top=3)
    text = str(found)
    assert "2 image(s), the top 3 of 3 classes (images resized to 32x32)" in text
    for name in NAMES:
        assert text.count(name) == 2
    lines = found[0].text().splitlines()
    assert lines[0] == "photo_0.png" and lines[1].startswith("   1 ")
    assert lines[1].endswith(found[0].best)
    html = found._repr_html_()
    assert "<table>" in html and "top 3" in html and found[0].best in html


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"class_names": ["a", "b"]}, "must name each of the model's 3 outputs"),
        ({"class_names": ["a", "a", "b"]}, "distinct"),
        ({"class_names": "abc"}, "list of the class names"),
        ({"top": 0}, "top must be an int in [1, 3]"),
        ({"top": 4}, "top must be an int in [1, 3]"),
        ({"size": 64}, "size must be the model's input size, 32"),
        ({"paths": []}, "at least one image file or folder"),
        ({"paths": "/no/such/photo.jpg"}, "'/no/such/photo.jpg' does not exist"),
    ],
)
def test_bad_input_says_what_was_received(tiny_model, new_photos, kwargs, message):
    arguments = {"paths": new_photos, "class_names": NAMES, **kwargs}
    with pytest.raises(ValueError) as error:
        predict_images(tiny_model, **arguments)
    assert message in str(error.value)


def _sequential(*layers):
    return keras.Sequential(list(layers))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: "model.keras", "model must be a keras.Model. Received: str"),
        (lambda: _sequential(keras.layers.Dense(3)), "model must be built"),
        (
            lambda: _sequential(
                keras.Input((8, 8, 1)), keras.layers.Flatten(), keras.layers.Dense(3)
            ),
            "RGB images (batch, height, width, 3). Received a model with inputs [(None, 8, 8, 1)]",
        ),
        (
            lambda: _sequential(keras.Input((8, 8, 3)), keras.layers.Dense(3)),
            "one output of class probabilities (batch, classes)",
        ),
        (
            lambda: _sequential(
                keras.Input((8, 6, 3)), keras.layers.Flatten(), keras.layers.Dense(3)
            ),
            "square images",
        ),
    ],
)
def test_a_model_that_is_not_an_image_classifier_is_refused(new_photos, make, message):
    with pytest.raises(ValueError) as error:
        predict_images(make(), new_photos, NAMES)
    assert message in str(error.value)


def test_a_folder_without_images_says_where_it_looked_and_what_it_reads(tiny_model, tmp_path):
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    (tmp_path / "empty" / "sub" / "readme.txt").write_text("x")
    with pytest.raises(ValueError) as error:
        predict_images(tiny_model, tmp_path / "empty", NAMES)
    message = str(error.value)
    assert "No images found in the folder" in message and "empty" in message
    assert ".jpg" in message and ".png" in message and "sub-folders" in message


def test_a_broken_file_in_a_folder_is_skipped_but_named_alone_is_an_error(tiny_model, new_photos):
    (new_photos / "broken.png").write_bytes(b"not a png")
    found = predict_images(tiny_model, new_photos, NAMES)
    assert len(found) == 5
    assert any(Path(f).name == "broken.png" for f, _ in found.skipped)
    with pytest.raises(ValueError, match="cannot read"):
        predict_images(tiny_model, new_photos / "broken.png", NAMES)


def test_the_figure_draws_hangul_and_stays_bounded(tiny_model, tmp_path):
    many = tmp_path / "many"
    _write_images(many, 7, seed=4)
    found = predict_images(tiny_model, many, NAMES, top=3)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure = show_predictions(found, count=4, columns=2)
        figure.canvas.draw()
    assert not [w for w in caught if "missing from font" in str(w.message)]
    assert len(figure.axes) == 8  # 4 images, each beside its bars
    bars = figure.axes[1]
    assert [t.get_text() for t in bars.get_yticklabels()] == list(found[0].classes)
    assert "(3 more not shown)" in figure._suptitle.get_text()
    width, height = figure.get_size_inches()
    assert width <= 13 and height <= 6
    with pytest.raises(ValueError, match="count must be an int in"):
        show_predictions(found, count=0)


def test_export_refuses_what_it_cannot_reload(tiny_model, tmp_path):
    with pytest.raises(ValueError, match="ending in .keras"):
        export_model(tiny_model, tmp_path / "model.h5", NAMES)
    with pytest.raises(ValueError, match="must name each of the model's 3 outputs"):
        export_model(tiny_model, tmp_path / "model.keras", NAMES[:2])
    with pytest.raises(ValueError, match="size must be the model's input size, 32"):
        export_model(tiny_model, tmp_path / "model.keras", NAMES, size=75)
    assert not (tmp_path / "model.keras").exists()


def test_load_exported_says_which_file_is_missing_or_wrong(tiny_model, tmp_path):
    with pytest.raises(ValueError, match="ending in .keras"):
        load_exported(tmp_path / "model.json")
    with pytest.raises(ValueError, match="does not exist"):
        load_exported(tmp_path / "absent.keras")
    model_file = export_model(tiny_model, tmp_path / "exported" / "mine.keras", NAMES)
    sidecar = sidecar_path(model_file)
    assert sidecar == tmp_path / "exported" / "mine.keras.json"
    facts = json.loads(sidecar.read_text(encoding="utf-8"))
    assert facts["class_names"] == list(NAMES) and facts["input_size"] == SIZE
    assert "고양이" in sidecar.read_text(encoding="utf-8")  # readable in an editor
    sidecar.write_text(json.dumps({**facts, "class_names": ["a", "b"]}), encoding="utf-8")
    with pytest.raises(ValueError, match="does not describe the model"):
        load_exported(model_file)
    sidecar.write_text(json.dumps({**facts, "input_size": 64}), encoding="utf-8")
    with pytest.raises(ValueError, match="does not describe the model"):
        load_exported(model_file)
    sidecar.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="is not valid JSON"):
        load_exported(model_file)
    sidecar.write_text(json.dumps({"class_names": list(NAMES)}), encoding="utf-8")
    with pytest.raises(ValueError, match="is not an exported model's JSON file"):
        load_exported(model_file)
    sidecar.write_text(json.dumps({**facts, "class_names": ["a", "b"]}), encoding="utf-8")
    with pytest.raises(ValueError, match="does not describe the model"):
        load_exported(model_file)
    sidecar.unlink()
    with pytest.raises(ValueError, match="'mine.keras.json' is missing"):
        load_exported(model_file)


def test_an_exported_model_predicts_the_same_in_a_fresh_process(tiny_model, new_photos, tmp_path):
    """The tiny model, and the course's Inception-ResNet-v2 with the experiment's head as
    the frozen protocol's second phase builds it, both saved here and read back in a new
    Python process that has imported nothing of this one.

    Tolerance 1e-6 (absolute, on probabilities in [0, 1]): about 16 float32 steps at 1,
    room for a different summation order in a fresh process's kernels; a weight, a
    batch-norm statistic or a preprocessing step that did not survive the round trip moves
    a probability by far more."""
    course_arm = Experiment(
        name="course", backbone=lambda: course_backbone(weights=None), frozen_epochs=1
    )
    course = course_arm.build(len(NAMES), (75, 75, 3), "unfrozen")
    models = {
        str(export_model(tiny_model, tmp_path / "tiny.keras", NAMES)): tiny_model,
        str(export_model(course, tmp_path / "course.keras", list(NAMES))): course,
    }
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    done = subprocess.run(
        [sys.executable, "-c", FRESH, str(new_photos), *models],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    fresh = json.loads(done.stdout.splitlines()[-1])
    for model_file, model in models.items():
        here = predict_images(model, new_photos, NAMES, top=3)
        there = fresh[model_file]
        assert there["names"] == list(NAMES)  # the Korean names round-trip
        assert there["size"] == here.size
        assert [row[0] for row in there["images"]] == [str(p.file) for p in here]
        assert [row[1] for row in there["images"]] == [list(p.classes) for p in here]
        assert np.allclose(
            [row[2] for row in there["images"]],
            [p.probabilities for p in here],
            rtol=0,
            atol=1e-6,
        )


def test_the_test_report_reads_an_in_memory_test_part():
    from inception_edu.data import Split
    from inception_edu.experiments.transfer import test_report

    inputs = keras.Input((4, 4, 3))
    flat = keras.layers.Flatten()(inputs)
    model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(flat))
    x = np.random.default_rng(0).random((6, 4, 4, 3), dtype=np.float32)
    y = np.array([0, 1, 2, 0, 1, 2])
    split = Split(x, y, x, y, ("a", "b", "c"), x_test=x, y_test=y)
    report = test_report(model, split)
    predicted = model(x).numpy().argmax(axis=1)
    assert report["images"] == 6 and report["top5"] is None
    assert report["top1"] == pytest.approx(np.mean(predicted == y))
    with pytest.raises(ValueError, match="with a test part"):
        test_report(model, Split(x, y, x, y, ("a", "b", "c")))
