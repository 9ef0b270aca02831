"""Notebook 06's pieces: the label-smoothing explorer, the mini network, the plots."""

import numpy as np
import pytest

from inception_edu.analysis import analyze_model
from inception_edu.experiments.v3_recipe import plot_error_vs_cost
from inception_edu.viz.charts import bars_svg
from inception_edu.viz.curves import plot_runs
from inception_edu.widgets.recipe import LabelSmoothingExplorer, smoothing_losses
from inception_edu.zoo.mini import mini_inception_v3_spec


def test_smoothed_targets_and_the_losses_of_three_predictions():
    result = smoothing_losses(0.1, 10)
    assert result["targets"][0] == pytest.approx(0.91) and result["targets"][1:] == pytest.approx(
        [0.01] * 9
    )
    losses = list(result["losses"].values())
    right, itself, wrong = losses
    assert right[0] == pytest.approx(-np.log(0.99))  # hard target: a confident right is ~free
    assert right[1] > itself[1]  # smoothed: the target itself beats a confident right answer
    entropy = -(result["targets"] * np.log(result["targets"])).sum()
    assert itself[1] == pytest.approx(entropy)  # the minimum is the targets' entropy
    assert wrong[0] > 6 and wrong[1] > 6  # a confident wrong answer is expensive either way
    with pytest.raises(ValueError, match="epsilon"):
        smoothing_losses(1.0, 10)
    with pytest.raises(ValueError, match="classes"):
        smoothing_losses(0.1, 1)


def test_the_explorer_follows_its_sliders_and_shows_a_static_copy():
    explorer = LabelSmoothingExplorer()
    explorer.epsilon.value = 0.3
    assert explorer.targets[0] == pytest.approx(0.73) and "0.730" in explorer.headline.value
    explorer.classes.value = 2
    assert explorer.targets == pytest.approx([0.85, 0.15])
    bundle = explorer._repr_mimebundle_()
    assert "<svg" in bundle["text/html"] and explorer.error is None
    with pytest.raises(ValueError, match="epsilon"):
        LabelSmoothingExplorer(epsilon=0.9)


def test_the_mini_network_is_one_v3_module():
    spec = mini_inception_v3_spec(classes=10, input_size=8)
    summary = analyze_model(spec, (8, 8, 1))
    assert spec.stage_names == ("stem_3x3", "mixed_a", "avg_pool", "classifier")
    assert summary.block("mixed_a").output_shape[:2] == (8, 8)
    assert summary.classes == 10 and spec.stage("classifier").activation is None
    with pytest.raises(ValueError, match="classes"):
        mini_inception_v3_spec(classes=1)


def test_bars_and_curves_draw_what_they_are_given():
    svg = bars_svg([0.91] + [0.01] * 9, ["right"] + list(range(1, 10)), "t", highlight=0)
    assert svg.count("<rect") >= 10 and ">right<" in svg
    with pytest.raises(ValueError, match="one value per label"):
        bars_svg([1, 2], ["a"], "t")
    figure = plot_runs({"sgd": [[0.1, 0.5], [0.2, 0.6], [0.3, 0.7]]})
    line = figure.axes[0].get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), [0.2, 0.6])
    assert line.get_label() == "sgd (3 seeds: mean)"
    with pytest.raises(ValueError, match="one curve per seed"):
        plot_runs({"sgd": [0.1, 0.2]})
    scatter = plot_error_vs_cost([("a", 1.5, 29.0), ("b", 4.8, 21.2)])
    assert [t.get_text() for t in scatter.axes[0].texts] == ["a", "b"]
