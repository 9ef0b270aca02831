"""The public builders: outputs, end points, aux heads, saving, and bad input."""

import keras
import numpy as np
import pytest

from inception_edu import models
from inception_edu.keras_build import ScaledResidual
from inception_edu.zoo import model_spec

MINIMUMS = {
    "googlenet": 32,
    "inception_v3": 75,
    "inception_v4": 75,
    "inception_resnet_v1": 75,
    "inception_resnet_v2": 75,
}


@pytest.mark.parametrize("name", sorted(models.BUILDERS))
def test_builder_rejects_an_input_below_its_minimum(name):
    minimum = MINIMUMS[name]
    with pytest.raises(ValueError, match=f"at least {minimum}x{minimum} for {name}"):
        models.BUILDERS[name](input_shape=(minimum - 1, minimum, 3), width=0.1, depth=0.1)


@pytest.mark.parametrize("name", sorted(models.BUILDERS))
@pytest.mark.parametrize(
    "kwargs, message",
    [
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
        (dict(classifier_activation="relu"), "classifier_activation"),
        (dict(final_endpoint="no_such_block"), "final_endpoint"),
    ],
)
def test_builder_rejects_bad_arguments(name, kwargs, message):
    with pytest.raises(ValueError, match=f"{message}.*Received"):
        models.BUILDERS[name](**kwargs)


def test_unknown_model_and_block_names():
    with pytest.raises(ValueError, match="Unknown model 'resnet'. Allowed: googlenet"):
        model_spec("resnet")
    with pytest.raises(ValueError, match="stage of 'googlenet' must be one of"):
        model_spec("googlenet").stage("inception_9z")
    assert model_spec("InceptionResNetV2", depth=0.1).name == "inception_resnet_v2"


def test_googlenet_aux_heads_return_named_outputs():
    model = models.googlenet(input_shape=(64, 64, 3), classes=10, width=0.25, aux_heads=True)
    assert list(model.output) == ["main", "aux_4a", "aux_4d"]
    predictions = model.predict(np.zeros((2, 64, 64, 3), "float32"), verbose=0)
    assert {key: value.shape for key, value in predictions.items()} == {
        "main": (2, 10),
        "aux_4a": (2, 10),
        "aux_4d": (2, 10),
    }
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
    assert list(points)[:6] == [
        "conv2d_1a_3x3",
        "conv2d_2a_3x3",
        "conv2d_2b_3x3",
        "mixed_3a",
        "mixed_4a",
        "mixed_5a",
    ]
    assert points["classifier"] is model.output
    assert model.get_layer("reduction_a").output is points["reduction_a"]


def test_layers_are_named_after_where_they_sit():
    model = models.googlenet(input_shape=(32, 32, 3), width=0.25)
    conv = model.get_layer("inception_3a_b2_3x3")
    assert conv.kernel.shape == (3, 3, 24, 32)  # 96 and 128 filters at a quarter width
    assert isinstance(model.get_layer("inception_3a"), keras.layers.Concatenate)


def test_include_top_false_returns_the_feature_map():
    model = models.inception_resnet_v1(
        input_shape=(75, 75, 3), include_top=False, width=0.1, depth=0.2
    )
    # width rounds each branch on its own: Reduction-A 26 + 26 + 38, Reduction-B + 38 + 26 + 26
    assert tuple(model.output.shape) == (None, 1, 1, 180)
    assert "classifier" not in [layer.name for layer in model.layers]


def test_residual_model_saves_and_loads(tmp_path):
    model = models.inception_resnet_v1(input_shape=(75, 75, 3), classes=3, width=0.1, depth=0.1)
    scales = [layer.scale for layer in model.layers if isinstance(layer, ScaledResidual)]
    assert scales == [0.17, 0.10, 1.0]  # one block per stage; the last is unscaled
    images = np.random.default_rng(0).random((2, 75, 75, 3), dtype=np.float32)
    path = tmp_path / "mini.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    np.testing.assert_allclose(
        loaded.predict(images, verbose=0), model.predict(images, verbose=0), atol=1e-6
    )


def test_imagenet_weights_say_clearly_when_unavailable(monkeypatch):
    def offline(**kwargs):
        raise OSError("URL fetch failure: no network")

    monkeypatch.setattr(keras.applications, "InceptionV3", offline)
    model = models.inception_v3(input_shape=(75, 75, 3), width=0.1)  # the download fails first
    with pytest.raises(models.WeightsUnavailableError, match="unavailable here.*offline"):
        models.load_imagenet_weights(model)
    with pytest.raises(ValueError, match="ImageNet weights exist for"):
        models.load_imagenet_weights(models.googlenet(input_shape=(32, 32, 3), width=0.1))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: models.googlenet(depth=2), "cannot exceed 1. Received: depth=2"),
        (lambda: models.googlenet(aux_heads="no"), "aux_heads must be True or False"),
        (lambda: models.inception_v3(aux_head=1), "aux_head must be True or False"),
    ],
)
def test_builders_check_depth_and_flags(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_model_spec_names_unknown_arguments_and_models():
    with pytest.raises(ValueError, match="inception_v4 takes no argument 'aux_head'.*Allowed:"):
        model_spec("inception_v4", aux_head=True)
    with pytest.raises(ValueError, match="Unknown model"):
        model_spec(["googlenet"])


@pytest.mark.parametrize(
    "name", ["end_points", "keras_summary", "load_imagenet_weights", "parameter_depth"]
)
def test_model_helpers_refuse_what_is_not_a_model(name):
    with pytest.raises(ValueError, match="must be a keras.Model. Received: NoneType"):
        getattr(models, name)(None)


def test_imagenet_weights_need_rgb_and_1000_classes():
    model = models.inception_v3(input_shape=(75, 75, 1), width=0.1)
    with pytest.raises(ValueError, match="3 channels.*Received: 1 channels"):
        models.load_imagenet_weights(model)


# --------------------------------------------------------------------------- the contracts


def _same_weights(source, target):
    target.set_weights(source.get_weights())
    return target


@pytest.mark.parametrize(
    "builder, options",
    [
        (models.googlenet, dict(input_shape=(32, 32, 3), width=0.1, aux_heads=True)),
        (models.inception_v4, dict(input_shape=(75, 75, 3), width=0.1, depth=0.1)),
    ],
)
def test_logits_after_a_softmax_are_the_softmax_models_output(builder, options):
    keras.utils.set_random_seed(0)
    softmax = builder(classes=5, **options)
    logits = _same_weights(softmax, builder(classes=5, classifier_activation=None, **options))
    images = np.random.default_rng(0).random((3, *options["input_shape"]), dtype=np.float32)
    probabilities, raw = softmax(images), logits(images)
    if isinstance(raw, dict):
        assert set(raw) == set(probabilities)
    else:
        raw, probabilities = {"main": raw}, {"main": probabilities}
    for key in raw:
        after = keras.ops.convert_to_numpy(keras.ops.softmax(raw[key], axis=-1))
        np.testing.assert_allclose(
            after, keras.ops.convert_to_numpy(probabilities[key]), rtol=1e-5, atol=1e-6
        )
        assert not np.allclose(keras.ops.convert_to_numpy(raw[key]).sum(axis=1), 1)


@pytest.mark.parametrize("builder", [models.inception_resnet_v1, models.inception_resnet_v2])
def test_residual_scales_change_the_scale_layers_and_nothing_else(builder):
    options = dict(input_shape=(75, 75, 3), classes=3, width=0.1, depth=0.2)
    default = builder(**options)
    scaled = builder(residual_scales=(0.3, 0.05, 1.0), **options)
    assert scaled.count_params() == default.count_params()
    pairs = list(zip(default.layers, scaled.layers, strict=True))
    changed = {}
    for before, after in pairs:
        assert before.name == after.name and type(before) is type(after)
        if before.get_config() != after.get_config():
            changed[before.name] = (before.scale, after.scale)
    blocks = [layer.name for layer in default.layers if isinstance(layer, ScaledResidual)]
    # every scaled add except the last C block, which stays 1.0 in every reference model
    assert sorted(changed) == sorted(blocks[:-1])
    expected = {"a": (0.17, 0.3), "b": (0.1, 0.05), "c": (0.2, 1.0)}
    for name, scales in changed.items():
        assert scales == pytest.approx(expected[name.split("_")[2]])


@pytest.mark.parametrize("scales", [(0.1, 0.2), (0.1, 0.2, -1), "0.1", (0.1, 0.2, 11)])
def test_residual_scales_are_checked(scales):
    with pytest.raises(ValueError, match="residual_scales"):
        models.inception_resnet_v1(residual_scales=scales)


def _points(model):
    return [(name, tuple(tensor.shape)) for name, tensor in models.end_points(model).items()]


def test_end_points_survive_save_load_and_clone(tmp_path):
    model = models.googlenet(input_shape=(32, 32, 3), classes=4, width=0.1, aux_heads=True)
    path = tmp_path / "googlenet.keras"
    model.save(path)
    loaded = keras.models.load_model(path)
    cloned = keras.models.clone_model(model)
    original = _points(model)
    assert [name for name, _ in original][-5:] == [
        "avg_pool",
        "dropout",
        "classifier",
        "aux_4a",
        "aux_4d",
    ]
    assert _points(loaded) == original and _points(cloned) == original
    assert models.parameter_depth(loaded) == models.parameter_depth(model) == 22


def test_end_points_of_a_residual_model_after_loading(tmp_path):
    model = models.inception_resnet_v2(input_shape=(75, 75, 3), classes=3, width=0.1, depth=0.1)
    path = tmp_path / "irv2.keras"
    model.save(path)
    assert _points(keras.models.load_model(path)) == _points(model)


def test_a_truncated_model_ends_at_the_named_block():
    model = models.inception_v3(input_shape=(75, 75, 3), width=0.1, final_endpoint="mixed_6a")
    points = models.end_points(model)
    assert list(points)[-1] == "mixed_6a" and model.output is points["mixed_6a"]
    full = models.inception_v3(input_shape=(75, 75, 3), width=0.1)
    assert tuple(model.output.shape) == tuple(models.end_points(full)["mixed_6a"].shape)
    assert "classifier" not in [layer.name for layer in model.layers]


def test_keras_summary_reads_the_class_count_off_the_model():
    model = models.inception_v4(input_shape=(75, 75, 3), classes=7, width=0.1, depth=0.1)
    assert models.keras_summary(model).classes == 7
    headless = models.inception_v4(input_shape=(75, 75, 3), include_top=False, width=0.1, depth=0.1)
    assert models.keras_summary(headless).classes is None


def test_stage_layers_group_every_layer_once():
    model = models.inception_v3(
        input_shape=(75, 75, 3), classes=3, width=0.1, depth=0.3, aux_head=True
    )
    groups = models.stage_layers(model)
    members = [layer.name for layers in groups.values() for layer in layers]
    assert sorted(members) == sorted(layer.name for layer in model.layers[1:])
    assert all(layers[-1].name == stage for stage, layers in groups.items())
    assert list(groups)[-1] == "aux"


# --------------------------------------------------------------------------- not ours


def _keras_named_model(names=(None, None)):
    """What a learner writes by hand: Keras names the layers conv2d, conv2d_1, ... (the
    numbers go on across models, so ``names`` can fix them)."""
    inputs = keras.Input((32, 32, 3))
    x = keras.layers.Conv2D(4, 3, name=names[0])(inputs)
    x = keras.layers.Conv2D(4, 3, name=names[1])(x)
    x = keras.layers.GlobalAveragePooling2D()(x)
    return keras.Model(inputs, keras.layers.Dense(3)(x), name="mine")


@pytest.mark.parametrize("name", ["end_points", "stage_layers", "keras_summary"])
def test_stage_readers_refuse_a_model_the_builders_did_not_make(name):
    """Read by names alone, conv2d_1 would be merged into a stage 'conv2d' (issue 19)."""
    with pytest.raises(
        ValueError,
        match=rf"{name} cannot read model 'mine': stage 'conv2d' would end at its layer "
        rf"'conv2d', yet 'conv2d_1' reads it inside the stage. {name} reads models built by "
        r"inception_edu.models \(googlenet, .*load_model or clone_model",
    ):
        getattr(models, name)(_keras_named_model(("conv2d", "conv2d_1")))
    model = _keras_named_model()  # conv2d_7, conv2d_8, ...: not nested, still not ours
    with pytest.raises(ValueError, match=rf"{name} cannot read model 'mine': .*Keras' automatic"):
        getattr(models, name)(model)


def test_stage_readers_refuse_keras_applications_and_sequential_models():
    mobile = keras.applications.MobileNetV2(
        input_shape=(32, 32, 3), weights=None, alpha=0.35, classes=2
    )
    with pytest.raises(ValueError, match=r"layer 'Conv1_relu' would be inside stage 'Conv1'"):
        models.end_points(mobile)
    sequential = keras.Sequential([keras.Input((8,)), keras.layers.Dense(3, name="classifier")])
    for name in ("end_points", "stage_layers", "keras_summary", "parameter_depth"):
        with pytest.raises(
            ValueError,
            match=rf"{name} reads the graph of a functional keras.Model .*Received: a "
            rf"Sequential model '{sequential.name}', which is not functional",
        ):
            getattr(models, name)(sequential)


def test_parameter_depth_reads_any_functional_model_and_names_its_outputs():
    model = _keras_named_model()
    assert models.parameter_depth(model) == 3  # two convs and the dense layer
    with pytest.raises(ValueError, match=r"output must be one of 'main'.*Received: output='aux'"):
        models.parameter_depth(model, output="aux")


def test_stage_readers_refuse_nested_models():
    inner = models.googlenet(input_shape=(32, 32, 3), classes=3, width=0.1, depth=0.3)
    inputs = keras.Input((32, 32, 3))
    outer = keras.Model(inputs, inner(inputs), name="wrapper")
    with pytest.raises(ValueError, match=r"nested model\(s\) \['googlenet'\]"):
        models.end_points(outer)


@pytest.mark.parametrize(
    "builder, kwargs, heads",
    [
        (models.googlenet, dict(aux_heads=True), "aux_4a on inception_4a, aux_4d on inception_4d"),
        (models.inception_v3, dict(aux_head=True), "aux on mixed_6e"),
    ],
)
def test_final_endpoint_does_not_drop_aux_heads_unsaid(builder, kwargs, heads):
    first = "conv1_7x7_s2" if builder is models.googlenet else "conv2d_1a_3x3"
    with pytest.raises(
        ValueError,
        match=rf"final_endpoint='{first}' stops .* before its end, so its auxiliary heads "
        rf"\({heads}\) and classifier would be left out. With aux heads, final_endpoint must "
        rf"be None or 'classifier'.*Received: final_endpoint='{first}'",
    ):
        builder(input_shape=(75, 75, 3), width=0.1, final_endpoint=first, **kwargs)
    whole = builder(input_shape=(75, 75, 3), width=0.1, final_endpoint="classifier", **kwargs)
    assert isinstance(whole.output, dict) and "main" in whole.output


@pytest.mark.parametrize("name", sorted(models.BUILDERS))
def test_a_misspelt_builder_keyword_names_the_allowed_ones(name):
    with pytest.raises(
        ValueError,
        match=rf"{name}\(\) takes no argument 'clases' \(did you mean 'classes'\?\). "
        r"Allowed: input_shape, classes, include_top, width, depth, .*Received: clases=10",
    ):
        models.BUILDERS[name](clases=10)
    with pytest.raises(ValueError, match=r"takes at most \d+ positional argument"):
        models.BUILDERS[name]((75, 75, 3), 10, True, 1.0, 1.0, None, None, None, None, None)
