"""Notebook 08's widgets, driven from Python as a learner drives them: the residual-scale
explorer and the training panel with a residual-scale slider."""

import numpy as np
import pytest
from helpers import svg_texts

from inception_edu.data import Split, load_digits_split
from inception_edu.experiments.residual_scaling import (
    SCALE_GRID,
    ActivationGrowth,
    ScaleExplorer,
    scale_training_panel,
)
from inception_edu.keras_build import ScaledResidual

BLOCKS = 8


def synthetic_growth(scales=SCALE_GRID) -> ActivationGrowth:
    """What the measurement gives when variances add: stem 0.3, 0.05 per unscaled block."""
    depth = np.arange(1, BLOCKS + 1)
    rows = tuple(tuple(np.sqrt(0.09 + 0.05 * s * s * depth)) for s in scales)
    return ActivationGrowth(tuple(scales), tuple(f"b{i}" for i in depth), 0.3, rows)


def test_the_explorer_follows_its_slider():
    explorer = ScaleExplorer(synthetic_growth(), scale=0.2)
    assert explorer.error is None and explorer.redraws == 1
    assert explorer.ratio == pytest.approx(np.sqrt(0.09 + 0.05 * 0.04 * BLOCKS) / 0.3)
    assert "residual scale 0.20" in explorer.headline.value
    explorer.slider.value = 1.0
    assert explorer.ratio == pytest.approx(np.sqrt(0.09 + 0.05 * BLOCKS) / 0.3)
    assert f"{explorer.ratio:.2f}x" in explorer.headline.value and explorer.redraws == 2
    explorer.slider.value = 0.0
    np.testing.assert_allclose(explorer.values, 0.3)  # every block the identity
    rows = explorer.table().rows
    assert [row[0] for row in rows] == ["0 (stem)", "1", "2", "4", "6", "8"]
    assert rows[-1][2] == f"{np.sqrt(0.09 + 0.05 * BLOCKS):.3f}"  # the unscaled column


def test_the_explorer_draws_both_curves_and_shows_a_static_copy():
    explorer = ScaleExplorer(synthetic_growth(), scale=0.5)
    texts = svg_texts(explorer.diagram.value)
    assert "scale 0.50" in texts and "unscaled (1.0)" in texts
    assert [str(i) for i in range(1, BLOCKS + 1)] == [t for t in texts if t.isdigit()][-BLOCKS:]
    explorer.slider.value = 1.0
    assert "unscaled (1.0)" not in svg_texts(explorer.diagram.value)  # one curve, not two
    bundle = explorer._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "<svg" in bundle["text/html"] and "run the notebook" in bundle["text/html"]
    assert bundle["text/plain"].startswith("ScaleExplorer(residual scale 1.00")


def test_the_explorer_checks_its_arguments():
    with pytest.raises(ValueError, match="ActivationGrowth"):
        ScaleExplorer({0.2: [1.0]})
    with pytest.raises(ValueError, match="1.0"):
        ScaleExplorer(synthetic_growth(scales=(0.1, 0.2)))
    with pytest.raises(ValueError, match="not measured"):
        ScaleExplorer(synthetic_growth(), scale=0.17)
    with pytest.raises(ValueError, match="scale"):
        ScaleExplorer(synthetic_growth(), scale=-1)


@pytest.fixture(scope="module")
def digits():
    full = load_digits_split(seed=0)
    return Split(
        full.x_train[:64], full.y_train[:64], full.x_val[:32], full.y_val[:32], full.class_names
    )


def test_the_panel_trains_the_network_at_the_sliders_scale(digits):
    panel = scale_training_panel(
        digits, learning_rate=0.1, epochs=1, batch_size=32, channels=8, blocks=2
    )
    assert panel.slider.description == "residual scale" and panel.slider.value == 0.2
    panel.slider.value = 0.5
    panel.button.click()
    assert panel.error is None, panel.error
    scales = [layer.scale for layer in panel.model.layers if isinstance(layer, ScaledResidual)]
    assert scales == [0.5, 0.5]
    assert panel.model.optimizer.learning_rate.numpy() == pytest.approx(0.1)
    assert panel.history.epoch == [0] and 0 <= panel.val_accuracy <= 1
    assert "residual scale 0.50: validation accuracy" in panel.result.value
    assert "main head" not in panel.result.value
    assert "residual scale <b>0.50</b>" in panel.static_html()
    assert "SGD (momentum 0.9), learning rate 0.1" in panel.static_html()
    assert repr(panel) == "TrainingPanel(residual scale 0.50, 1 epoch, seed 0)"


@pytest.mark.parametrize(
    "arguments, message",
    [
        (dict(split=None), "split"),
        (dict(learning_rate=0), "learning_rate"),
        (dict(scale=0), "scale"),
        (dict(seed=-1), "seed"),
        (dict(epochs=0), "epochs"),
        (dict(blocks=0), "blocks"),
    ],
)
def test_the_panel_checks_its_arguments(digits, arguments, message):
    call = dict(split=digits, learning_rate=0.1)
    call.update(arguments)
    with pytest.raises(ValueError, match=message):
        scale_training_panel(**call)
