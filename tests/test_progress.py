"""Progress bars and the time estimate (inception_edu.data.progress,
inception_edu.training.progress): shown where someone watches, silent in a headless run
(nbval, nbconvert, papermill, pytest) and when off."""

import sys
import types

import numpy as np
import pytest
from PIL import Image

from inception_edu.backend import keras
from inception_edu.data import load_image_folder
from inception_edu.data.progress import PROGRESS_ENV, progress_bar, progress_enabled
from inception_edu.training import Recipe, run
from inception_edu.training.progress import TimeEstimate, TrainingProgress, time_estimate


@pytest.fixture(autouse=True)
def no_forced_progress(monkeypatch):
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)


def _fake_kernel(monkeypatch):
    """IPython as a notebook kernel shows it: ``get_ipython()`` has a ``kernel``."""
    shell = types.SimpleNamespace(kernel=object())
    monkeypatch.setitem(sys.modules, "IPython", types.SimpleNamespace(get_ipython=lambda: shell))


def test_a_headless_kernel_shows_no_bar_and_one_a_jupyter_server_started_does(monkeypatch):
    _fake_kernel(monkeypatch)
    assert progress_enabled(None) is False  # nbconvert, nbval, papermill: no session name
    monkeypatch.setenv("JPY_SESSION_NAME", "/home/learner/09_practical_experiment.ipynb")
    assert progress_enabled(None) is True
    monkeypatch.setenv(PROGRESS_ENV, "0")
    assert progress_enabled(None) is False
    assert progress_enabled(True) is True


def test_under_pytest_none_is_off_and_the_environment_can_force_it(monkeypatch):
    assert progress_enabled(None) is False  # stderr is captured: nobody watches
    monkeypatch.setenv(PROGRESS_ENV, "1")
    assert progress_enabled(None) is True
    assert progress_enabled(False) is False


@pytest.mark.parametrize("value", ["yes", 1, 0.5])
def test_progress_must_be_true_false_or_none(value):
    with pytest.raises(ValueError, match=r"progress must be True .* Received: progress="):
        progress_enabled(value)


def test_a_bar_that_is_off_prints_nothing(capsys):
    with progress_bar(10, "decoding images", "file", False) as bar:
        bar.update(3)
        bar.set_postfix_str("loss 0.1")
        bar.set_description_str("epoch 2/2")
    assert capsys.readouterr() == ("", "")


def _folder(root):
    rng = np.random.default_rng(0)
    for name in ("a", "b"):
        (root / name).mkdir()
        for i in range(3):
            pixels = rng.integers(0, 256, (12, 12, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(root / name / f"{i}.png")
    return root


def test_loading_a_folder_shows_files_decoded_only_when_asked(tmp_path, capsys):
    folder = _folder(tmp_path)
    load_image_folder(folder, size=8, verbose=False)  # None under pytest: off
    load_image_folder(folder, size=8, verbose=False, progress=False)
    assert capsys.readouterr() == ("", "")
    load_image_folder(folder, size=8, verbose=False, progress=True, workers=2)
    shown = capsys.readouterr().err
    assert "decoding images" in shown and "6/6" in shown


def _model():
    inputs = keras.Input((8, 8, 3))
    pooled = keras.layers.GlobalAveragePooling2D()(inputs)
    return keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(pooled))


def test_a_run_shows_one_bar_with_its_label_epochs_and_metrics_only_when_asked(capsys):
    x = np.random.default_rng(0).uniform(size=(12, 8, 8, 3)).astype(np.float32)
    y = np.arange(12) % 2
    run(_model(), (x, y), (x, y), Recipe(), 2, batch_size=4)
    run(_model(), (x, y), None, Recipe(), 1, batch_size=4, progress=False)
    assert capsys.readouterr() == ("", "")
    run(_model(), (x, y), (x, y), Recipe(), 2, batch_size=4, progress=True, label="arm, seed 0")
    shown = capsys.readouterr().err
    assert "arm, seed 0, epoch 2/2" in shown and "6/6" in shown  # 3 steps x 2 epochs
    assert "val_loss" in shown
    with pytest.raises(ValueError, match="label must be a string"):
        run(_model(), (x, y), None, Recipe(), 1, progress=True, label=3)


def test_the_estimate_multiplies_the_first_epoch_by_every_epoch_to_run():
    line = time_estimate(30, arms=5, seeds=3, epochs=3)
    assert line == "about 23 min for 5 arms x 3 seeds x 3 epochs (first epoch took 30 s)"
    assert time_estimate(0.2, 1, 1, 1).startswith("about 1 min")
    with pytest.raises(ValueError, match="first_epoch_seconds"):
        time_estimate(float("nan"), 1, 1, 1)


def test_the_estimate_is_printed_once_and_only_when_progress_is_on(capsys):
    quiet, shown = TimeEstimate(2, 3, 4, progress=False), TimeEstimate(2, 3, 4, progress=True)
    for callback in (quiet, shown):
        for epoch in range(3):
            callback.on_epoch_begin(epoch)
            callback.on_epoch_end(epoch)
    out = capsys.readouterr().out
    assert out.count("about ") == 1 and "for 2 arms x 3 seeds x 4 epochs" in out
    assert quiet.estimate is not None  # measured all the same


def test_training_progress_refuses_bad_arguments():
    with pytest.raises(ValueError, match="label must be a string"):
        TrainingProgress(3)
    with pytest.raises(ValueError, match="progress must be"):
        TrainingProgress("run", progress="on")
