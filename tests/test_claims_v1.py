"""Claims ledger C01-C12 (GoogLeNet): each asserted with the computation its notebook shows.

Notebooks 00-03 print these numbers in cells tagged with the claim id; these tests hold
the same computations to the values the notebooks state (or correct).
"""

import keras
import numpy as np
import pytest

from inception_edu import models
from inception_edu.analysis import analyze, analyze_model, parameter_depth
from inception_edu.course import history
from inception_edu.spec.nodes import Dense, Flatten, GlobalPool, Sequence
from inception_edu.zoo import model_spec
from inception_edu.zoo.baselines import alexnet_spec, vgg16_spec
from inception_edu.zoo.googlenet import inception_module, naive_inception_module

INPUT_3A = (28, 28, 192)


def test_c01_name_comes_from_network_in_network_and_the_meme():
    assert "Network in network" in history.NAME_ORIGIN
    assert "we need to go deeper" in history.NAME_ORIGIN


def test_c02_googlenet_won_ilsvrc_2014_ahead_of_vgg():
    ranking = [team for team, *_ in history.ilsvrc_2014_ranking()]
    assert ranking[:2] == ["GoogLeNet", "VGG"]


def test_c03_parameter_ratios_are_about_9x_and_20x_not_12x_and_21x(keras_application):
    googlenet = analyze_model(model_spec("googlenet")).total_params
    with_aux = analyze_model(model_spec("googlenet", aux_heads=True)).total_params
    alexnet = analyze_model(alexnet_spec()).total_params
    grouped = analyze_model(alexnet_spec(variant="grouped")).total_params
    vgg16 = analyze_model(vgg16_spec()).total_params
    assert vgg16 == keras_application("VGG16").count_params()
    assert googlenet == 6_998_552 and with_aux == 13_378_280  # "about 5 million": no
    assert grouped == 60_965_224  # the original two-GPU AlexNet
    assert alexnet / googlenet == pytest.approx(8.9, abs=0.05)
    assert grouped / googlenet == pytest.approx(8.7, abs=0.05)
    assert vgg16 / googlenet == pytest.approx(19.8, abs=0.05)


@pytest.mark.parametrize("variant", ["one_tower", "grouped"])
def test_c03_alexnet_spec_matches_its_keras_build(variant):
    spec = alexnet_spec(variant=variant)
    assert models.build(spec).count_params() == analyze_model(spec).total_params


def test_c04_googlenet_is_22_layers_deep_counting_layers_with_parameters():
    assert parameter_depth(model_spec("googlenet")) == 22
    model = models.googlenet(input_shape=(32, 32, 3), width=0.1, aux_heads=True)
    assert models.parameter_depth(model) == 22
    assert models.parameter_depth(model, "aux_4a") == 12


def test_c05_inception_3a_shapes_from_the_built_block(full_model):
    model = full_model("googlenet")
    assert tuple(model.get_layer("pool2_3x3_s2").output.shape[1:]) == INPUT_3A
    branch_ends = [
        "inception_3a_b1_1x1",
        "inception_3a_b2_3x3",
        "inception_3a_b3_5x5",
        "inception_3a_b4_pool_proj",
    ]
    shapes = [tuple(model.get_layer(name).output.shape[1:]) for name in branch_ends]
    assert shapes == [(28, 28, 64), (28, 28, 128), (28, 28, 32), (28, 28, 32)]
    assert tuple(model.get_layer("inception_3a").output.shape[1:]) == (28, 28, 256)


def test_c06_average_pool_to_1x1x1024_without_parameters_then_1000_outputs():
    summary = analyze_model(model_spec("googlenet"), (224, 224, 3))
    assert summary.block("inception_5b").output_shape == (7, 7, 1024)
    pool = summary.block("avg_pool")
    assert (pool.output_shape, pool.params) == ((1024,), 0)
    classifier = summary.block("classifier")
    assert (classifier.output_shape, classifier.params) == ((1000,), 1024 * 1000 + 1000)


def test_c07_valid_padding_breaks_the_concatenation():
    block = naive_inception_module("naive", 64, 128, 32, padding="valid")
    with pytest.raises(ValueError, match="cannot concatenate"):
        analyze(block, INPUT_3A)
    from inception_edu.keras_build import build_node

    with pytest.raises(ValueError):  # Keras' own refusal, whatever its wording
        build_node(block, keras.Input(INPUT_3A), "naive")


def test_c08_bottleneck_cuts_3a_cost_by_about_2_4x():
    naive = analyze(naive_inception_module("naive_3a", 64, 128, 32), INPUT_3A)
    bottleneck = analyze(inception_module("inception_3a", 64, 96, 128, 16, 32, 32), INPUT_3A)
    assert naive.kernel_params == 192 * 64 + 9 * 192 * 128 + 25 * 192 * 32
    assert bottleneck.output_shape[:2] == naive.output_shape[:2] == (28, 28)
    assert naive.macs / bottleneck.macs == pytest.approx(2.37, abs=0.005)
    assert naive.output_shape[-1] == 416 and bottleneck.output_shape[-1] == 256


def test_c09_a_1x1_conv_is_a_dense_layer_applied_to_every_pixel():
    images = np.random.default_rng(0).normal(size=(2, 5, 5, 8)).astype("float32")
    conv = keras.layers.Conv2D(3, 1)
    conv_out = keras.ops.convert_to_numpy(conv(images))
    dense = keras.layers.Dense(3)
    dense.build((None, 8))
    kernel, bias = conv.get_weights()
    dense.set_weights([kernel.reshape(8, 3), bias])
    dense_out = keras.ops.convert_to_numpy(dense(images.reshape(-1, 8))).reshape(2, 5, 5, 3)
    np.testing.assert_allclose(conv_out, dense_out, rtol=1e-5, atol=1e-6)


def test_c12_global_average_pooling_saves_49x_the_classifier_weights():
    map_7x7 = (7, 7, 1024)
    gap = analyze(Sequence("gap", (GlobalPool("pool"), Dense("fc", 1000))), map_7x7)
    flat = analyze(Sequence("fc", (Flatten("flatten"), Dense("fc", 1000))), map_7x7)
    assert (gap.params, flat.params) == (1_025_000, 50_177_000)
    assert flat.kernel_params / gap.kernel_params == 49


@pytest.fixture(scope="module")
def c10_gradients():
    """Notebook 03's C10 measurement: RMS gradient per stage at initialisation, with and
    without the aux losses, in the paper's setting (Keras' Glorot init, no batch-norm)
    and the course's (He init), on three seeds, for a width-0.25 GoogLeNet on 32x32 digits.
    """
    from inception_edu.data import load_digits_split
    from inception_edu.experiments import auxiliary_heads as heads
    from inception_edu.experiments.auxiliary_heads import gradient_norms_by_stage

    digits = load_digits_split(image_size=32, seed=0)
    x, y = digits.x_train[:128], digits.y_train[:128]  # the notebook's PROBE_IMAGES
    weights = {"main": 1.0, "aux_4a": 0.3, "aux_4d": 0.3}
    grads = {}
    for setting in ("paper", "course"):
        for seed in (0, 1, 2):
            for aux in (True, False):
                keras.utils.set_random_seed(seed)
                model = models.googlenet(
                    input_shape=(32, 32, 1), classes=10, width=0.25, aux_heads=aux
                )
                if setting == "course":
                    heads.he_initialize(model, seed=seed)
                grads[setting, seed, aux] = gradient_norms_by_stage(
                    model, x, y, weights if aux else None
                )
    return grads


def test_c10_without_he_init_the_gradient_is_small_everywhere_and_largest_at_conv1(c10_gradients):
    for seed in (0, 1, 2):
        for aux in (True, False):
            paper = c10_gradients["paper", seed, aux]
            assert max(paper, key=paper.get) == "conv1_7x7_s2"
            assert max(paper.values()) < 1e-3
            course = c10_gradients["course", seed, aux]
            assert course["conv1_7x7_s2"] > 10 * paper["conv1_7x7_s2"]


def test_c10_aux_heads_add_early_gradient_only_where_nothing_vanishes(c10_gradients):
    def ratio(setting, seed, stage="conv1_7x7_s2"):
        return (
            c10_gradients[setting, seed, True][stage] / c10_gradients[setting, seed, False][stage]
        )

    for seed in (0, 1, 2):
        # where the gradient is tiny, the heads leave it within a factor of 2 ...
        assert 0.5 < ratio("paper", seed) < 2
        # ... and it stays 10x below a well-initialised network without any head
        paper_with_aux = c10_gradients["paper", seed, True]["conv1_7x7_s2"]
        assert 10 * paper_with_aux < c10_gradients["course", seed, False]["conv1_7x7_s2"]
        # where the signal is healthy, they add gradient, more than in the paper's setting
        assert ratio("course", seed) > 1 and ratio("course", seed) > ratio("paper", seed)
        for setting in ("paper", "course"):  # no aux head sits above 5b: the same gradient
            assert ratio(setting, seed, "inception_5b") == pytest.approx(1.0, rel=1e-4)


def test_c10_the_inference_model_drops_the_aux_heads():
    from inception_edu.experiments import auxiliary_heads as heads

    model = models.googlenet(input_shape=(32, 32, 1), classes=10, width=0.1, aux_heads=True)
    deployed = heads.inference_model(model)
    assert list(model.output) == ["main", "aux_4a", "aux_4d"]
    assert tuple(deployed.output.shape) == (None, 10)
    assert deployed.count_params() < model.count_params()
