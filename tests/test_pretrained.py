"""The course's pretrained backbone (notebook 09): the shipped weights and their card, the
loaders (course and ImageNet's, offline), the pretext data, the script end to end, and
that the course weights transfer to the course folder."""

import hashlib
import json
import runpy
import time
from pathlib import Path

import numpy as np
import pytest

from inception_edu.backend import keras
from inception_edu.experiments.transfer import pretrained
from inception_edu.keras_build import WeightsUnavailableError

REPO = Path(__file__).resolve().parents[1]
MAX_BYTES = 4 * 2**20  # "a few MB at most": 4 MiB


@pytest.fixture(scope="module")
def card() -> dict:
    return pretrained.read_card()


@pytest.fixture(scope="module")
def backbone():
    """The course backbone with the shipped weights, built once for the module."""
    return pretrained.course_backbone()


# --------------------------------------------------------------------------- the files


def test_weights_file_exists_is_small_and_is_the_card_s(card):
    path = pretrained.weights_path()
    assert path.is_file() and path.parent.name == "weights"
    assert path.stat().st_size <= MAX_BYTES
    assert card["weights_file"]["bytes"] == path.stat().st_size
    assert card["weights_file"]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert card["quick"] is False  # the shipped weights come from a real run


def test_card_matches_the_architecture_and_says_how_it_was_made(card, backbone):
    arch = card["architecture"]
    assert tuple(arch["input_shape"]) == pretrained.ARCHITECTURE["input_shape"]
    assert arch["width"] == pretrained.ARCHITECTURE["width"]
    assert arch["depth"] == pretrained.ARCHITECTURE["depth"]
    assert arch["include_top"] is False and arch["params"] == backbone.count_params()
    assert backbone.output.shape[1:] == (1, 1, 384)  # the last feature map, as Keras' no-top
    for key in ("task", "images", "epochs", "seed", "date", "versions", "wall_seconds"):
        assert key in card, key
    assert card["task"]["name"] in pretrained.PRETEXT_TASKS
    assert set(card["versions"]) >= {"tensorflow", "keras"}
    accuracy = card["final_pretraining_accuracy"]["val"]
    assert accuracy > 3 * card["task"]["chance_accuracy"]  # it learnt its task


def test_card_records_that_transfer_helps(card):
    check = card["transfer_check"]
    course, scratch = check["val_accuracy"]["course"], check["val_accuracy"]["scratch"]
    assert len(check["seeds"]) >= 3 and len(course) == len(scratch) == len(check["seeds"])
    assert all(c > s for c, s in zip(course, scratch, strict=True))  # on every seed
    # with batch norm's statistics recomputed, what is left is what the features give
    recalibrated = check["val_accuracy_bn_recalibrated"]
    assert np.mean(recalibrated["course"]) > np.mean(recalibrated["scratch"])


# --------------------------------------------------------------------------- loading


def test_loaded_weights_give_the_saved_model_s_outputs(card, backbone):
    got, saved = pretrained.reference_features(backbone), card["reference_features"]
    np.testing.assert_allclose(got["first_8"], saved["first_8"], atol=1e-4)
    np.testing.assert_allclose(got["sum"], saved["sum"], rtol=1e-4)
    x = pretrained.reference_input()
    first, second = backbone(x, training=False), backbone(x, training=False)
    np.testing.assert_array_equal(np.asarray(first), np.asarray(second))  # deterministic


def test_loaded_weights_differ_from_a_fresh_initialisation(backbone):
    keras.utils.set_random_seed(0)
    fresh = pretrained.course_backbone(weights=None)
    kernel = "conv2d_1a_3x3_conv"
    assert not np.allclose(
        fresh.get_layer(kernel).get_weights()[0], backbone.get_layer(kernel).get_weights()[0]
    )
    fresh_mean = np.asarray(fresh.get_layer("conv2d_1a_3x3_bn").moving_mean)
    assert np.all(fresh_mean == 0)  # a fresh batch norm has seen nothing; ours has
    assert np.any(np.asarray(backbone.get_layer("conv2d_1a_3x3_bn").moving_mean) != 0)


def test_pooling_and_larger_inputs_as_keras_applications(backbone):
    pooled = pretrained.course_backbone(input_shape=(96, 96, 3), pooling="avg")
    assert pooled.output.shape[1:] == (384,)
    model = pretrained.with_head(backbone, 12)
    assert model.output.shape[1:] == (12,) and model.layers[-1].name == "predictions"


# --------------------------------------------------------------------------- ImageNet, offline


def test_offline_imagenet_path_says_so_plainly_and_falls_back(monkeypatch, backbone):
    monkeypatch.setenv("INCEPTION_EDU_OFFLINE", "1")
    with pytest.raises(WeightsUnavailableError, match="unavailable offline") as error:
        pretrained.source_backbone("imagenet")
    assert "course's own pretrained backbone is used instead" in str(error.value)
    monkeypatch.setattr(pretrained, "course_backbone", lambda *args: backbone)
    model, note = pretrained.pretrained_backbone()
    assert model is backbone and note == str(error.value)


def test_unreachable_host_fails_fast_without_downloading(monkeypatch, tmp_path):
    monkeypatch.delenv("INCEPTION_EDU_OFFLINE", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # an empty cache
    monkeypatch.setattr(pretrained, "_cached_imagenet", lambda: False)
    monkeypatch.setattr(pretrained, "IMAGENET_HOST", "unreachable.invalid")
    start = time.perf_counter()
    available, why = pretrained.imagenet_available(timeout=1.0)
    assert not available and "unreachable.invalid" in why
    assert time.perf_counter() - start < 5
    with pytest.raises(WeightsUnavailableError, match="course_backbone"):
        pretrained.source_backbone("imagenet", timeout=1.0)


def test_a_cached_copy_counts_as_available(monkeypatch, tmp_path):
    monkeypatch.delenv("INCEPTION_EDU_OFFLINE", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / pretrained._IMAGENET_NOTOP).write_bytes(b"")
    assert pretrained.imagenet_available() == (True, "found in Keras' cache")


# --------------------------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: pretrained.course_backbone(weights="imagenet"), "weights must be one of"),
        (lambda: pretrained.course_backbone(input_shape=(74, 74, 3)), "at least 75x75"),
        (lambda: pretrained.course_backbone(input_shape=(75, 75, 1)), "3 channels"),
        (lambda: pretrained.course_backbone(pooling="mean"), "pooling must be one of"),
        (lambda: pretrained.source_backbone(weights="course"), "weights must be one of"),
        (lambda: pretrained.source_backbone(input_shape=(64, 64, 3)), "at least 75x75"),
        (lambda: pretrained.imagenet_available(timeout=0), "timeout must be"),
        (lambda: pretrained.with_head("model", 3), "backbone must be a keras.Model"),
        (lambda: pretrained.pretext_patches(task="rotation"), "task must be one of"),
        (lambda: pretrained.pretext_patches(per_scene=0), "per_scene must be"),
        (lambda: pretrained.transfer_check(starts=("imagenet",)), "starts must be"),
        (lambda: pretrained.transfer_check(seeds=()), "seeds must be a non-empty list"),
        (lambda: pretrained.transfer_check(epochs=0), "epochs must be"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(call, match):
    with pytest.raises(ValueError, match=match) as error:
        call()
    assert "Received" in str(error.value)


def test_weights_for_another_architecture_are_refused(tmp_path):
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])
    other.save_weights(str(pretrained.weights_path(tmp_path)))
    with pytest.raises(ValueError, match="does not fit"):
        pretrained.course_backbone(directory=tmp_path)
    with pytest.raises(FileNotFoundError, match="pretrain_backbone.py"):
        pretrained.course_backbone(directory=tmp_path / "none")


# --------------------------------------------------------------------------- pretext data


def test_pretext_patches_are_seeded_and_labelled_by_scene_and_turn():
    first = pretrained.pretext_patches(per_scene=3, seed=1)
    again = pretrained.pretext_patches(per_scene=3, seed=1)
    other = pretrained.pretext_patches(per_scene=3, seed=2)
    np.testing.assert_array_equal(first.x, again.x)
    assert not np.array_equal(first.x, other.x)
    scenes = pretrained.scenes()
    assert len(scenes) == 9 and len(scenes["motorcycle"]) == 2  # the stereo pair is one scene
    assert len(first.class_names) == 36 and first.class_names[:2] == ("camera@0", "camera@90")
    assert first.x.shape == (27, 75, 75, 3) and first.x.dtype == np.float32
    assert 0 <= first.x.min() and first.x.max() <= 1
    assert np.bincount(first.y // 4, minlength=9).tolist() == [3] * 9
    plain = pretrained.pretext_patches(per_scene=2, task="scene")
    assert plain.class_names == tuple(scenes) and set(plain.y) <= set(range(9))


# --------------------------------------------------------------------------- end to end


def test_quick_script_runs_end_to_end(tmp_path, monkeypatch, capsys):
    """Pretraining, weights, card, then the transfer check (stubbed here: its fine-tuning
    runs are what the card's real numbers come from) added to the card."""
    asked = {}

    def transfer_check(**kwargs):
        asked.update(kwargs)
        return pretrained.TransferCheck((0,), 1, {"course": (0.5,), "scratch": (0.25,)}, {}, 0.1)

    monkeypatch.setattr(pretrained, "transfer_check", transfer_check)
    script = runpy.run_path(str(REPO / "scripts" / "pretrain_backbone.py"), run_name="test")
    card = script["main"](["--quick", "--out", str(tmp_path), "--no-determinism", "--verbose", "0"])
    weights = pretrained.weights_path(tmp_path)
    assert weights.is_file() and card["quick"] is True
    assert json.loads(pretrained.card_path(tmp_path).read_text()) == card
    assert card["epochs"] == 1 and card["images"]["train_patches"] == 36
    assert card["weights_file"]["bytes"] == weights.stat().st_size
    assert asked["directory"] == tmp_path and asked["seeds"] == (0,)
    assert card["transfer_check"]["val_accuracy"] == {"course": [0.5], "scratch": [0.25]}
    loaded = pretrained.course_backbone(directory=tmp_path)
    got, saved = pretrained.reference_features(loaded), card["reference_features"]
    np.testing.assert_allclose(got["sum"], saved["sum"], rtol=1e-4)
    out = capsys.readouterr().out
    assert "pretraining:" in out and "validation accuracy after 1 epoch(s)" in out


def test_fine_tuning_from_the_course_weights_learns_the_course_folder_fast():
    """A small budget (12 images per class, 2 epochs of 2 steps): from the course weights
    the network is far above chance (1/12) already. From scratch it is still at chance
    at this budget (measured: 8-17 %, its batch-norm averages have barely moved), so the
    comparison needs the longer check of 3 seeds x 8 epochs, course vs scratch, which the
    script runs and whose numbers the card holds (tested above)."""
    check = pretrained.transfer_check(seeds=(0,), epochs=2, images_per_class=12, starts=("course",))
    assert tuple(check.accuracy) == ("course",) and check.seeds == (0,)
    assert check.accuracy["course"][0] >= 0.4, check.accuracy
    assert set(check.histories["course", 0]) >= {"accuracy", "val_accuracy", "val_loss"}
    assert len(check.recalibrated["course"]) == 1 and "recalibrated" in check.table().text()
