"""The public builders: outputs, end points, aux heads, saving, and bad input."""

import keras
import numpy as np
import pytest

from inception_edu import models
from inception_edu.blocks import ScaledResidual

MINIMUMS = {"googlenet": 32, "inception_v3": 75, "inception_v4": 75,
            "inception_resnet_v1": 75, "inception_resnet_v2": 75}


@pytest.mark.parametrize("name", sorted(models.BUILDERS))
def test_builder_rejects_an_input_below_its_minimum(name):
    minimum = MINIMUMS[name]
    with pytest.raises(ValueError, match=f"at least {minimum}x{minimum} for {name}"):
        models.BUILDERS[name](input_shape=(minimum - 1, minimum, 3), width=0.1, depth=0.1)


@pytest.mark.parametrize("name", sorted(models.BUILDERS))
@pytest.mark.parametrize("kwargs, message", [
    (dict(input_shape=(0, 96, 3)), "input_shape"),
    (dict(input_shape=(-96, 96, 3)), "input_shape"),
    (dict(input_shape=(96.5, 96, 3)), "input_shape"),
    (dict(input_shape=(96, 96)), "input_shape"),
    (dict(input_shape="96x96"), "input_shape"),
    (dict(width=0), "width"),
    (dict(width=-1), "width"),
    (dict(depth=0), "depth"),
    (dict(depth=float("nan")), "depth"),
    (dict(width=True), "width"),
    (dict(classes=0), "classes"),
    (dict(classes=2.5), "classes"),
    (dict(include_top="yes"), "include_top"),
])
def test_builder_rejects_bad_arguments(name, kwargs, message):
    with pytest.raises(ValueError, match=f"{message}.*Received"):
        models.BUILDERS[name](**kwargs)


def test_unknown_model_and_block_names():
    from inception_edu.architectures import model_spec

    with pytest.raises(ValueError, match="Unknown model 'resnet'. Allowed: googlenet"):
        model_spec("resnet")
    with pytest.raises(ValueError, match="no stage 'inception_9z'. Allowed"):
        model_spec("googlenet").stage("inception_9z")


def test_googlenet_aux_heads_return_named_outputs():
    model = models.googlenet(input_shape=(64, 64, 3), classes=10, width=0.25, aux_heads=True)
    assert list(model.output) == ["main", "aux_4a", "aux_4d"]
    predictions = model.predict(np.zeros((2, 64, 64, 3), "float32"), verbose=0)
    assert {key: value.shape for key, value in predictions.items()} == {
        "main": (2, 10), "aux_4a": (2, 10), "aux_4d": (2, 10)}
    np.testing.assert_allclose(predictions["aux_4d"].sum(axis=1), 1, rtol=1e-5)


def test_googlenet_aux_heads_need_inception_4d():
    with pytest.raises(ValueError, match="aux heads tap inception_4a and inception_4d"):
        models.googlenet(depth=0.5, aux_heads=True)
    with pytest.raises(ValueError, match="include_top"):
        models.googlenet(include_top=False, aux_heads=True)


def test_inception_v3_aux_head_is_batch_normalised():
    model = models.inception_v3(input_shape=(75, 75, 3), classes=4, width=0.1, aux_head=True)
    assert list(model.output) == ["main", "aux"]
    assert isinstance(model.get_layer("aux_1x1_bn"), keras.layers.BatchNormalization)
    assert tuple(model.output["aux"].shape) == (None, 4)


def test_end_points_are_the_stages_in_order():
    model = models.inception_v4(input_shape=(75, 75, 3), classes=3, width=0.1, depth=0.3)
    points = models.end_points(model)
    assert list(points)[:6] == ["conv2d_1a_3x3", "conv2d_2a_3x3", "conv2d_2b_3x3",
                                "mixed_3a", "mixed_4a", "mixed_5a"]
    assert points["classifier"] is model.output
    assert model.get_layer("reduction_a").output is points["reduction_a"]


def test_layers_are_named_after_where_they_sit():
    model = models.googlenet(input_shape=(32, 32, 3), width=0.25)
    conv = model.get_layer("inception_3a_b2_3x3")
    assert conv.kernel.shape == (3, 3, 24, 32)  # 96 and 128 filters at a quarter width
    assert isinstance(model.get_layer("inception_3a"), keras.layers.Concatenate)


def test_end_points_needs_a_model_built_here():
    with pytest.raises(ValueError, match="not built by inception_edu"):
        models.end_points(keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)]))


def test_include_top_false_returns_the_feature_map():
    model = models.inception_resnet_v1(input_shape=(75, 75, 3), include_top=False, width=0.1,
                                       depth=0.2)
    # width rounds each branch on its own: Reduction-A 26 + 26 + 38, Reduction-B + 38 + 26 + 26
    assert tuple(model.output.shape) == (None, 1, 1, 180)
    assert "classifier" not in [layer.name for layer in model.layers]


def test_residual_model_saves_and_loads(tmp_path):
    model = models.inception_resnet_v1(input_shape=(75, 75, 3), classes=3, width=0.1,
                                       depth=0.1)
    scales = [layer.scale for layer in model.layers if isinstance(layer, ScaledResidual)]
    assert scales == [0.17, 0.10, 1.0]  # one block per stage; the last is unscaled
    images = np.random.default_rng(0).random((2, 75, 75, 3), dtype=np.float32)
    path = tmp_path / "mini.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(loaded.predict(images, verbose=0),
                               model.predict(images, verbose=0), atol=1e-6)


def test_imagenet_weights_say_clearly_when_unavailable(monkeypatch):
    def offline(**kwargs):
        raise OSError("URL fetch failure: no network")

    monkeypatch.setattr(keras.applications, "InceptionV3", offline)
    model = models.inception_v3(input_shape=(75, 75, 3))
    with pytest.raises(models.WeightsUnavailableError, match="unavailable here.*offline"):
        models.load_imagenet_weights(model)
    with pytest.raises(ValueError, match="ImageNet weights exist for"):
        models.load_imagenet_weights(models.googlenet(input_shape=(32, 32, 3), width=0.1))


@pytest.mark.parametrize("call, message", [
    (lambda: models.googlenet(depth=2), "cannot exceed 1. Received: depth=2"),
    (lambda: models.googlenet(aux_heads="no"), "aux_heads must be True or False"),
    (lambda: models.inception_v3(aux_head=1), "aux_head must be True or False"),
])
def test_builders_check_depth_and_flags(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_model_spec_names_unknown_arguments_and_models():
    from inception_edu.architectures import model_spec

    with pytest.raises(ValueError, match="inception_v4 takes no argument aux_head. Allowed:"):
        model_spec("inception_v4", aux_head=True)
    with pytest.raises(ValueError, match="Unknown model"):
        model_spec(["googlenet"])


@pytest.mark.parametrize("name", ["end_points", "keras_summary", "load_imagenet_weights"])
def test_model_helpers_refuse_what_is_not_a_model(name):
    with pytest.raises(ValueError, match="must be a keras.Model. Received: NoneType"):
        getattr(models, name)(None)


def test_imagenet_weights_need_rgb_and_1000_classes():
    model = models.inception_v3(input_shape=(75, 75, 1), width=0.1)
    with pytest.raises(ValueError, match="3 channels.*Received: 1 channels"):
        models.load_imagenet_weights(model)
