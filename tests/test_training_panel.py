"""The training panel of notebooks 03 and 08, driven from Python as a learner drives it."""

import pytest

from inception_edu import data
from inception_edu.backend import keras
from inception_edu.training import Recipe
from inception_edu.widgets.training import PanelControl, TrainingPanel, aux_weight_control

HEADS = ("aux_4a", "aux_4d")


def three_head_model(aux_heads: bool = True, classes: int = 10):
    """A stand-in for a mini GoogLeNet: the same outputs, a fraction of the cost."""
    inputs = keras.Input((8, 8, 1), name="input")
    features = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    pooled = keras.layers.GlobalAveragePooling2D(name="pool")(features)
    main = keras.layers.Dense(classes, activation="softmax", name="classifier")(pooled)
    if not aux_heads:
        return keras.Model(inputs, main, name="mini")
    flat = keras.layers.Flatten(name="flatten")(features)
    outputs = {"main": main}
    for head in HEADS:
        outputs[head] = keras.layers.Dense(classes, activation="softmax", name=head)(flat)
    return keras.Model(inputs, outputs, name="mini")


@pytest.fixture(scope="module")
def digits():
    full = data.load_digits_split(seed=0)
    return data.Split(
        full.x_train[:64], full.y_train[:64], full.x_val[:32], full.y_val[:32], full.class_names
    )


def test_the_panel_trains_with_the_sliders_aux_weight(digits):
    """The slider's weight is the one compiled and the one in the logged total loss."""

    def build(aux_heads):
        keras.utils.set_random_seed(0)
        return three_head_model(aux_heads)

    panel = TrainingPanel(
        digits, build, epochs=2, batch_size=32, recipe=Recipe(optimizer="sgd", learning_rate=0.05)
    )
    assert panel.weight.value == pytest.approx(0.3)
    panel.weight.value = 0.5
    panel.button.click()  # what a learner does
    assert panel.error is None, panel.error
    history = panel.history
    assert history.epoch == [0, 1] and len(history.history["loss"]) == 2
    assert panel.model.get_compile_config()["loss_weights"] == {
        "main": 1.0,
        "aux_4a": 0.5,
        "aux_4d": 0.5,
    }
    assert isinstance(panel.model.optimizer, keras.optimizers.SGD)  # the panel's recipe
    logs = {key: values[-1] for key, values in history.history.items()}
    for prefix in ("", "val_"):
        parts = [logs[f"{prefix}{name}_loss"] for name in ("main", *HEADS)]
        assert parts[1] != pytest.approx(parts[0], rel=1e-3)  # the weight matters here
        assert logs[f"{prefix}loss"] == pytest.approx(
            parts[0] + 0.5 * (parts[1] + parts[2]), rel=1e-4
        )
    assert "aux weight 0.50" in panel.result.value and 0 <= panel.val_accuracy <= 1
    assert not panel.button.disabled


def test_any_failure_is_shown_on_the_panel_and_the_button_comes_back(digits):
    def broken(aux_heads):
        raise RuntimeError("no model today")

    panel = TrainingPanel(digits, broken, epochs=1)
    assert panel.train() is None
    assert panel.error == "RuntimeError: no model today"
    assert "color:#b00" in panel.result.value and "no model today" in panel.result.value
    assert "training..." not in panel.result.value and not panel.button.disabled

    panel = TrainingPanel(digits, lambda aux: three_head_model(aux, classes=5), epochs=1)
    panel.train()  # labels 0-9 for a 5-class model: run refuses them
    assert panel.error.startswith("ValueError:") and panel.history is None
    assert not panel.button.disabled


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(split=None), "split"),
        (dict(build="googlenet"), "build"),
        (dict(epochs=0), "epochs"),
        (dict(batch_size=-1), "batch_size"),
        (dict(seed=1.5), "seed"),
        (dict(recipe="adam"), "recipe"),
        (dict(aux_weight=1.5), "aux_weight"),
    ],
)
def test_the_panel_checks_its_arguments(digits, change, message):
    arguments = dict(split=digits, build=three_head_model)
    arguments.update(change)
    with pytest.raises(ValueError, match=message):
        TrainingPanel(**arguments)


def test_the_panel_shows_a_static_picture_without_a_kernel(digits):
    panel = TrainingPanel(digits, three_head_model)
    bundle = panel._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "run the notebook" in bundle["text/html"] and "aux weight" in bundle["text/html"]
    assert bundle["text/plain"].startswith("TrainingPanel(aux weight 0.30")


def test_a_build_control_passes_its_value_to_build_and_keeps_the_recipe(digits):
    """Notebook 08's use: the slider is an argument of the network, not a loss weight."""
    built = []

    def build(value):
        built.append(value)
        keras.utils.set_random_seed(0)
        return three_head_model(aux_heads=False)

    recipe = Recipe(optimizer="sgd", learning_rate=0.05)
    control = PanelControl("residual scale", 0.2, 0.05, 1.0)
    panel = TrainingPanel(digits, build, epochs=1, batch_size=32, recipe=recipe, control=control)
    assert panel.weight is panel.slider and panel.slider.description == "residual scale"
    assert (panel.slider.min, panel.slider.max, panel.slider.value) == (0.05, 1.0, 0.2)
    panel.slider.value = 0.7
    panel.train()
    assert panel.error is None, panel.error
    assert built == [pytest.approx(0.7)]
    assert panel.current_recipe(panel.model) is recipe
    assert panel.result.value.startswith("residual scale 0.70: validation accuracy ")
    assert "residual scale <b>0.70</b>" in panel.static_html()
    assert repr(panel).startswith("TrainingPanel(residual scale 0.70")


@pytest.mark.parametrize(
    "arguments, message",
    [
        (dict(label=""), "label"),
        (dict(sets="recipe"), "sets"),
        (dict(low=1.0, high=0.5), "high"),
        (dict(step=0), "step"),
        (dict(value=2.0), "residual_scale"),
    ],
)
def test_a_panel_control_checks_its_fields(arguments, message):
    fields = dict(label="residual scale", value=0.2, low=0.0, high=1.0, step=0.05)
    fields.update(arguments)
    with pytest.raises(ValueError, match=message):
        PanelControl(**fields)


def test_the_aux_weight_is_the_default_control_and_not_given_twice(digits):
    panel = TrainingPanel(digits, three_head_model, aux_weight=0.5)
    assert panel.control == aux_weight_control(0.5) and panel.control.sets == "aux_weight"
    with pytest.raises(ValueError, match="aux_weight"):
        TrainingPanel(digits, three_head_model, aux_weight=0.5, control=PanelControl("scale", 0.2))
    with pytest.raises(ValueError, match="control"):
        TrainingPanel(digits, three_head_model, control="scale")
