"""Claims C35-C38 (notebook 09, the practical experiment): what the notebook computes,
recomputed here where it is cheap, and its stored training results held to the verdicts
it states (re-running five arms x three seeds would take minutes)."""

import re

import numpy as np
import pytest
from helpers import printed_text

from inception_edu.analysis import analyze_model
from inception_edu.backend import keras
from inception_edu.experiments.transfer import experiment as tx
from inception_edu.experiments.transfer.pretrained import course_backbone
from inception_edu.keras_build.resnet import resnet50
from inception_edu.zoo import model_spec

NOTEBOOK = "09_practical_experiment.ipynb"


@pytest.fixture(scope="module")
def printed():
    return printed_text(NOTEBOOK)


def _flag(printed: str, text: str) -> bool:
    match = re.search(re.escape(text) + r"\s*(True|False)", printed)
    assert match, f"the notebook does not print {text!r}"
    return match.group(1) == "True"


def test_c35_75x75_is_the_smallest_input_of_inception_resnet_v2(printed):
    spec = model_spec("inception_resnet_v2")
    assert analyze_model(spec, (75, 75, 3)).block("conv2d_7b_1x1").output_shape == (1, 1, 1536)
    with pytest.raises(ValueError, match="at least 75x75"):
        analyze_model(spec, (74, 74, 3))
    with pytest.raises(ValueError, match="at least 75x75"):
        keras.applications.InceptionResNetV2(
            weights=None, include_top=False, input_shape=(74, 74, 3)
        )
    assert printed.count("74x74 -> ValueError") == 2
    assert "75x75 -> final grid (1, 1, 1536)" in printed


def test_c36_keras_3_reports_categorical_accuracy_and_the_useless_model_scores_k_minus_1_over_k(
    printed,
):
    assert tx.keras_accuracy_metric("binary") == "CategoricalAccuracy"
    assert tx.constant_predictor_binary_accuracy(12) == pytest.approx(11 / 12)
    assert tx.constant_predictor_binary_accuracy(51) == pytest.approx(50 / 51)
    assert "K = 12: 'no to every class' scores binary accuracy 0.917" in printed
    assert "K = 51: 'no to every class' scores binary accuracy 0.980" in printed
    # the verdict "wrong": the binary run is not ahead in categorical accuracy
    assert _flag(printed, "binary accuracy above the useless model's 0.917 on every seed:")
    assert _flag(printed, "within 10 points on every seed:")
    assert not _flag(printed, "binary loss ahead in mean categorical accuracy at every epoch:")
    rows = {
        name: np.array(
            re.search(rf"{name}\s+settled categorical \[([^\]]+)\]", printed).group(1).split(),
            dtype=float,
        )
        for name in ("binary loss", "pretrained")
    }
    assert np.abs(rows["binary loss"] - rows["pretrained"]).max() < 0.1


def test_c37_augmentation_makes_little_difference_pretraining_a_large_one_here(printed):
    assert _flag(printed, "augmentation changes accuracy by less than 10 points on every seed:")
    assert _flag(printed, "pretrained ahead of scratch on average over the seeds:")
    assert _flag(printed, "as Keras left them, pretrained 50+ points ahead on every seed:")
    assert _flag(printed, "from scratch: settling adds more than 20 points on every seed:")
    assert _flag(printed, "pretrained: settling moves it less than the scratch run on every seed:")


def test_c38_the_two_backbones_are_compared_at_equal_parameters_and_budget(printed):
    irv2 = course_backbone(weights=None)
    resnet = resnet50((75, 75, 3), include_top=False, width=0.25, depth=0.5)
    assert abs(resnet.count_params() / irv2.count_params() - 1) < 0.1
    assert f"Inception-ResNet-v2    {irv2.count_params():,} parameters" in printed
    assert f"ResNet-50              {resnet.count_params():,} parameters" in printed
    numbers = re.search(r"difference per seed \[([^\]]+)\]", printed).group(1).split()
    difference = np.array(numbers, dtype=float)
    assert len(difference) >= 3  # a verdict rests on three seeds at least
    verdict = re.search(r"verdict C38 on these seeds: (\w+)", printed).group(1)
    expected = "holds" if difference.min() > 0 else "wrong" if difference.max() < 0 else "undecided"
    assert verdict == expected


def test_the_notebook_resumes_an_interrupted_run_without_losing_an_epoch(printed):
    assert "interrupted: the kernel was interrupted" in printed
    assert "epochs in its history: [0, 1, 2]" in printed
    assert "epochs trained by this call: [1, 2]" in printed  # epoch 0 was kept
    assert "called once more, epochs trained: []" in printed


def test_the_package_model_is_the_plain_keras_model_on_the_page(printed):
    package = re.search(r"transfer: ([\d,]+) parameters; head: predictions \((\d+),\)", printed)
    by_hand = re.search(r"by hand: ([\d,]+) parameters, output \((\d+),\)", printed)
    assert package and by_hand and package.groups() == by_hand.groups()
    classes = tx.source_model(lambda: course_backbone(), 12).count_params()
    assert package.group(1) == f"{classes:,}"
