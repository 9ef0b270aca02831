"""ResNet-50: Keras' network layer for layer at full size, the width/depth rules, bad input."""

import keras
import numpy as np
import pytest

from inception_edu.keras_build.graph import BN_MOMENTUM
from inception_edu.keras_build.resnet import resnet50

SHAPE = (75, 75, 3)
STAGES = ("conv2", "conv3", "conv4", "conv5")


def _layers(model):
    """The layers after the input (Keras names its input automatically)."""
    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def _blocks(model) -> tuple:
    """How many bottleneck blocks each stage has, read off the ``_out`` layers."""
    names = [layer.name for layer in model.layers]
    return tuple(
        sum(n.startswith(f"{stage}_block") and n.endswith("_out") for n in names)
        for stage in STAGES
    )


@pytest.fixture(scope="module")
def pair():
    """Ours and Keras' ResNet50 without the top at 75x75, full size."""
    ours = resnet50(SHAPE, include_top=False)
    theirs = keras.applications.ResNet50(include_top=False, weights=None, input_shape=SHAPE)
    return ours, theirs


def test_full_size_has_keras_layers_in_keras_order(pair):
    ours, theirs = pair
    assert [layer.name for layer in _layers(ours)] == [layer.name for layer in _layers(theirs)]
    assert [type(layer) for layer in _layers(ours)] == [type(layer) for layer in _layers(theirs)]
    assert [w.shape for w in ours.weights] == [w.shape for w in theirs.weights]
    assert ours.count_params() == theirs.count_params() == 23_587_712
    assert tuple(ours.output.shape) == tuple(theirs.output.shape) == (None, 3, 3, 2048)
    assert _blocks(ours) == (3, 4, 6, 3)


def test_full_size_with_keras_weights_gives_keras_outputs(pair):
    ours, theirs = pair
    rng = np.random.default_rng(0)
    # Keras starts batch-norm at the identity; move every bias and batch-norm vector
    # (variances stay near 1, so positive) so that the comparison sees them.
    weights = [
        w if w.ndim > 1 else w * rng.uniform(0.8, 1.2, w.shape) + rng.uniform(-0.05, 0.05, w.shape)
        for w in theirs.get_weights()
    ]
    theirs.set_weights(weights)
    ours.set_weights(weights)
    batch = rng.uniform(-1, 1, (2, *SHAPE)).astype("float32")
    mine = ours(batch, training=False).numpy()
    expected = theirs(batch, training=False).numpy()
    assert np.abs(expected).max() > 0.1  # the comparison is not of zeros
    np.testing.assert_allclose(mine, expected, rtol=1e-4, atol=1e-4)


def test_batch_norm_is_keras_except_momentum(pair):
    ours, theirs = pair
    norms = [layer for layer in ours.layers if isinstance(layer, keras.layers.BatchNormalization)]
    assert len(norms) == 53  # conv1, 16 blocks x 3, and the 4 projections
    assert {(layer.momentum, layer.epsilon, layer.scale) for layer in norms} == {
        (BN_MOMENTUM, 1.001e-5, True)
    }
    assert theirs.get_layer("conv1_bn").momentum == 0.99


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(include_top=True, classes=12),
        dict(include_top=True, classes=5, classifier_activation=None),
        dict(include_top=False, pooling="max"),
    ],
)
def test_tops_and_pooling_match_keras(kwargs):
    shape = (32, 32, 3)
    ours = resnet50(shape, **kwargs)
    theirs = keras.applications.ResNet50(weights=None, input_shape=shape, **kwargs)
    assert [layer.name for layer in _layers(ours)] == [layer.name for layer in _layers(theirs)]
    assert ours.count_params() == theirs.count_params()
    assert tuple(ours.output.shape) == tuple(theirs.output.shape)


def test_include_top_classifies_and_ignores_pooling():
    model = resnet50(SHAPE, classes=4, width=0.1, depth=0.3, pooling="max")
    assert [layer.name for layer in model.layers][-2:] == ["avg_pool", "predictions"]
    probabilities = model(np.zeros((3, *SHAPE), "float32"), training=False).numpy()
    assert probabilities.shape == (3, 4)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-5)
    logits = resnet50(SHAPE, classes=4, width=0.1, depth=0.3, classifier_activation=None)
    assert logits.get_layer("predictions").activation is keras.activations.linear


def test_quarter_width_scales_every_filter_count():
    model = resnet50(SHAPE, include_top=False, width=0.25)
    assert model.get_layer("conv1_conv").filters == 16
    for stage, bottleneck in zip(STAGES, (16, 32, 64, 128), strict=True):
        assert model.get_layer(f"{stage}_block1_1_conv").filters == bottleneck
        assert model.get_layer(f"{stage}_block1_2_conv").filters == bottleneck
        assert model.get_layer(f"{stage}_block1_3_conv").filters == 4 * bottleneck
        assert model.get_layer(f"{stage}_block1_0_conv").filters == 4 * bottleneck
    assert tuple(model.output.shape) == (None, 3, 3, 2048 // 4)
    assert model.count_params() == 1_500_896
    assert _blocks(model) == (3, 4, 6, 3)


def test_width_rounds_half_up_and_keeps_the_expansion_of_four():
    model = resnet50((32, 32, 3), include_top=False, width=0.1, depth=0.1)
    # 64 x 0.1 = 6.4 -> 6; 128 -> 12.8 -> 13; 256 -> 25.6 -> 26; 512 -> 51.2 -> 51
    assert model.get_layer("conv1_conv").filters == 6
    bottlenecks = [model.get_layer(f"{s}_block1_2_conv").filters for s in STAGES]
    assert bottlenecks == [6, 13, 26, 51]
    assert tuple(model.output.shape) == (None, 1, 1, 4 * 51)
    tiny = resnet50((32, 32, 3), include_top=False, width=0.001, depth=0.1)
    assert tiny.get_layer("conv2_block1_1_conv").filters == 1  # at least one filter
    assert tuple(tiny.output.shape) == (None, 1, 1, 4)


@pytest.mark.parametrize(
    "depth, blocks",
    [(0.34, (1, 1, 2, 1)), (0.5, (2, 2, 3, 2)), (0.01, (1, 1, 1, 1)), (1.0, (3, 4, 6, 3))],
)
def test_depth_keeps_rounded_half_up_blocks_per_stage(depth, blocks):
    model = resnet50((32, 32, 3), include_top=False, width=0.05, depth=depth)
    assert _blocks(model) == blocks
    assert blocks == tuple(max(1, int(n * depth + 0.5)) for n in (3, 4, 6, 3))
    for stage in STAGES:  # the projection block is the one kept first
        assert isinstance(model.get_layer(f"{stage}_block1_0_conv"), keras.layers.Conv2D)


@pytest.mark.parametrize(
    "size, spatial", [(32, 1), (33, 2), (64, 2), (75, 3), (96, 3), (224, 7), (40, 2)]
)
def test_output_grid_is_the_input_over_32_rounded_up(size, spatial):
    model = resnet50((size, size, 1), include_top=False, width=0.05, depth=0.01)
    assert tuple(model.output.shape[1:3]) == (spatial, spatial)


def test_pooling_gives_a_vector():
    for pooling, layer in (("avg", "avg_pool"), ("max", "max_pool")):
        model = resnet50(SHAPE, include_top=False, width=0.1, depth=0.1, pooling=pooling)
        assert model.layers[-1].name == layer
        assert tuple(model.output.shape) == (None, 4 * 51)
    assert resnet50(SHAPE, width=0.1, depth=0.1, name="backbone").name == "backbone"
    assert resnet50(SHAPE, width=0.1, depth=0.1).name == "resnet50"


@pytest.mark.parametrize(
    "kwargs, argument",
    [
        (dict(width=0), "width"),
        (dict(width=1.5), "width"),
        (dict(width=-0.25), "width"),
        (dict(width=float("nan")), "width"),
        (dict(width=True), "width"),
        (dict(width="0.5"), "width"),
        (dict(depth=-1), "depth"),
        (dict(depth=0), "depth"),
        (dict(depth=1.01), "depth"),
        (dict(classes=0), "classes"),
        (dict(classes=2.5), "classes"),
        (dict(classes=True), "classes"),
        (dict(include_top="yes"), "include_top"),
        (dict(include_top=1), "include_top"),
        (dict(pooling="mean"), "pooling"),
        (dict(pooling="AVG"), "pooling"),
        (dict(include_top=False, pooling=["avg"]), "pooling"),
        (dict(classifier_activation="relu"), "classifier_activation"),
        (dict(classifier_activation="sigmoid"), "classifier_activation"),
        (dict(input_shape=(31, 31, 3)), "input_shape"),
        (dict(input_shape=(31, 224, 3)), "input_shape"),
        (dict(input_shape=(224, 224)), "input_shape"),
        (dict(input_shape=(224, 224, 0)), "input_shape"),
        (dict(input_shape=(224.0, 224, 3)), "input_shape"),
        (dict(input_shape="224x224"), "input_shape"),
        (dict(name="my model"), "name"),
        (dict(name=""), "name"),
    ],
)
def test_bad_arguments_raise_value_error_naming_them(kwargs, argument):
    with pytest.raises(ValueError, match=argument) as caught:
        resnet50(**kwargs)
    assert f"Received: {argument}=" in str(caught.value) or argument == "name"
    assert repr(kwargs[argument]) in str(caught.value)  # what was received


def test_small_input_names_the_minimum():
    with pytest.raises(ValueError, match=r"at least 32x32 for resnet50.*\(31, 31, 3\)"):
        resnet50((31, 31, 3), include_top=False)
