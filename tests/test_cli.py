"""The command line of the DESIGN contract, run as a learner would run it."""

import json
import subprocess
import sys

import pytest

from inception_edu.cli import main
from inception_edu.zoo import MODELS

FIELDS = {
    "model",
    "input_shape",
    "classes",
    "total_params",
    "total_kernel_params",
    "total_macs",
    "blocks",
}
BLOCK_FIELDS = {"name", "output_shape", "params", "kernel_params", "macs"}


def _run(*args):
    return subprocess.run(
        [sys.executable, "-m", "inception_edu", *args], capture_output=True, text=True
    )


@pytest.mark.parametrize("model", MODELS)
def test_json_has_the_contracts_fields(model, capsys):
    assert main(["summarize", model, "--classes", "10", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == FIELDS and all(set(b) == BLOCK_FIELDS for b in data["blocks"])
    assert data["classes"] == 10 and data["blocks"][-1]["output_shape"] == [10]


def test_keras_path_reports_what_keras_counts_and_agrees():
    """The --keras path in a fresh process, on one mini model (the full-size models'
    agreement is tested once per session in test_keras_equivalence.py)."""
    args = [
        "summarize",
        "inception_resnet_v2",
        "--input-size",
        "75",
        "--width",
        "0.1",
        "--depth",
        "0.1",
        "--classes",
        "3",
        "--json",
    ]
    analytic = json.loads(_run(*args).stdout)
    keras_run = _run(*args, "--keras")
    assert keras_run.returncode == 0, keras_run.stderr
    assert json.loads(keras_run.stdout) == analytic


def test_options_change_the_summary(capsys):
    assert (
        main(
            [
                "summarize",
                "inception_v3",
                "--input-size",
                "75",
                "--width",
                "0.5",
                "--depth",
                "0.5",
                "--json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["input_shape"] == [75, 75, 3]
    assert [b["name"] for b in data["blocks"] if b["name"].startswith("mixed_5")] == [
        "mixed_5b",
        "mixed_5c",
    ]
    assert data["blocks"][-4]["output_shape"] == [1, 1, 1024]  # half of 2048 channels


def test_text_table_by_default(capsys):
    assert main(["summarize", "googlenet"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("googlenet on 224x224x3") and "inception_4e" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["summarize", "vgg16"], "Unknown model 'vgg16'. Allowed: googlenet"),
        (["summarize", "inception_v3", "--input-size", "74"], "at least 75x75 for inception_v3"),
        (["summarize", "googlenet", "--input-size", "0"], "input_shape"),
        (["summarize", "googlenet", "--width", "0"], "width must be a number in (0, 4]"),
        (["summarize", "googlenet", "--depth", "-2"], "depth must be a number"),
        (["summarize", "googlenet", "--classes", "0"], "classes must be an int >= 1"),
        (["summarize", "googlenet", "--classes", "ten"], "invalid int value: 'ten'"),
        (["summarize"], "required: model"),
        (["train", "googlenet"], "invalid choice: 'train'"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, message):
    result = _run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr


# --------------------------------------------------------------------------- predict


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A tiny exported classifier with Korean class names, and a folder of two images."""
    import numpy as np
    from PIL import Image

    from inception_edu.backend import keras
    from inception_edu.experiments.transfer import export_model

    root = tmp_path_factory.mktemp("predict")
    keras.utils.set_random_seed(0)
    inputs = keras.Input((16, 16, 3))
    x = keras.layers.Conv2D(4, 3, activation="relu")(inputs)
    x = keras.layers.GlobalAveragePooling2D()(x)
    model = keras.Model(inputs, keras.layers.Dense(3, activation="softmax")(x))
    model_file = export_model(model, root / "mine.keras", ["고양이", "강아지", "나비"])
    photos = root / "photos"
    photos.mkdir()
    rng = np.random.default_rng(0)
    for i in range(2):
        pixels = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(photos / f"photo_{i}.png")
    return model_file, photos


def test_predict_prints_each_images_top_classes(exported):
    """Run as a learner runs it, in a fresh process."""
    model_file, photos = exported
    result = _run("predict", str(model_file), str(photos), "--top", "2")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "2 image(s), the top 2 of 3 classes (images resized to 16x16)"
    assert lines[1] == "photo_0.png" and lines[4] == "photo_1.png"
    assert all(line.split()[-1] in {"고양이", "강아지", "나비"} for line in lines[2:4])


@pytest.mark.parametrize(
    "args, message",
    [
        (["{model}", "{photos}/absent.jpg"], "absent.jpg' does not exist"),
        (["{photos}/mine.keras", "{photos}"], "mine.keras' does not exist"),
        (["{photos}/photo_0.png", "{photos}"], "path must be a file path ending in .keras"),
        (["{model}", "{photos}", "--top", "4"], "top must be an int in [1, 3]"),
        (["{model}", "{photos}", "--top", "two"], "invalid int value: 'two'"),
        (["{model}"], "required: images"),
    ],
)
def test_predict_bad_input_exits_2_with_one_line(exported, capsys, args, message):
    model_file, photos = exported
    argv = ["predict", *(a.format(model=model_file, photos=photos) for a in args)]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and len(captured.err.strip().splitlines()) == 1
    assert message in captured.err


def test_the_capstone_command_is_reached_and_says_what_is_wrong(tmp_path, capsys):
    assert main(["capstone", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert "nowhere" in err and "not a folder" in err and err.count("\n") == 1
