"""The one-block probes of notebook 01, trained through training.run."""

import matplotlib
import numpy as np
import pytest

from inception_edu.data import multiscale_patterns
from inception_edu.experiments import naive_block as probes
from inception_edu.experiments.naive_block import ProbeResult, block_probe, compare_blocks
from inception_edu.spec.transforms import keep_branches
from inception_edu.training import side_by_side
from inception_edu.viz.images import plot_per_class, show_examples
from inception_edu.zoo.googlenet import naive_inception_module

matplotlib.use("Agg")
BLOCK = naive_inception_module("block", 4, 4, 4)


@pytest.fixture(scope="module")
def patterns():
    return multiscale_patterns(samples_per_class=10, image_size=16, seed=0)


def test_keep_branches_lives_in_the_spec_transforms_only():
    kept = keep_branches(BLOCK, ["b3", "b1"])
    assert [b.name for b in kept.branches] == ["b1", "b3"]
    assert not hasattr(probes, "keep_branches")


def test_probe_is_input_block_pool_softmax():
    model = block_probe(BLOCK, (16, 16, 1), classes=4)
    assert tuple(model.output.shape) == (None, 4)
    assert model.get_layer("block").output.shape[-1] == 4 + 4 + 4 + 1
    with pytest.raises(ValueError, match="classes"):
        block_probe(BLOCK, (16, 16, 1), classes=1)


def test_compare_blocks_trains_each_probe_from_the_same_seed(patterns, monkeypatch):
    calls = []
    original = side_by_side.run

    def recording_run(*args, **kwargs):  # every probe goes through the one runner
        calls.append(kwargs.get("seed"))
        return original(*args, **kwargs)

    monkeypatch.setattr(side_by_side, "run", recording_run)
    blocks = {"1x1": keep_branches(BLOCK, ["b1"]), "all": BLOCK}
    first = compare_blocks(patterns, blocks, epochs=1, seed=3)
    again = compare_blocks(patterns, blocks, epochs=1, seed=3)
    assert calls == [3, 3]  # one run per comparison: the probes train side by side
    assert [r.name for r in first] == ["1x1", "all"]
    assert [r.val_accuracy for r in first] == [r.val_accuracy for r in again]
    assert all(len(r.per_class) == 4 and 0 <= r.val_accuracy <= 1 for r in first)
    assert first[0].params < first[1].params
    for result in first:  # per-class accuracies average to the overall one (equal classes)
        counts = np.bincount(patterns.y_val, minlength=4)
        assert np.dot(result.per_class, counts) / counts.sum() == pytest.approx(result.val_accuracy)


def test_a_probe_trains_as_if_alone_whatever_trains_beside_it(patterns):
    """Side by side, each probe has its own weights and Adam adapts per weight, so the
    first probe's result is the same next to any other probe."""
    one = keep_branches(BLOCK, ["b1"])
    with_all = compare_blocks(patterns, {"1x1": one, "all": BLOCK}, epochs=2, seed=1)[0]
    with_3x3 = compare_blocks(
        patterns, {"1x1": one, "3x3": keep_branches(BLOCK, ["b2"])}, epochs=2, seed=1
    )[0]
    assert with_all == with_3x3


def test_compare_blocks_checks_its_arguments(patterns):
    probes_ = {"all": BLOCK}
    with pytest.raises(ValueError, match="epochs must be an int >= 1"):
        compare_blocks(patterns, probes_, epochs=0)
    with pytest.raises(ValueError, match="non-empty"):
        compare_blocks(patterns, {})
    with pytest.raises(ValueError, match="split must be a data.Split"):
        compare_blocks(None, probes_)
    with pytest.raises(ValueError, match="learning_rate"):
        compare_blocks(patterns, probes_, learning_rate=0)
    with pytest.raises(ValueError, match="seed"):
        compare_blocks(patterns, probes_, seed=-1)
    with pytest.raises(ValueError, match="recipe"):
        compare_blocks(patterns, probes_, recipe="adam")


def test_per_class_bars_and_example_images(patterns):
    results = [
        ProbeResult("1x1", 10, 0.5, (1.0, 0.0, 0.5, 0.5)),
        ProbeResult("all", 20, 0.75, (1.0, 0.5, 0.5, 1.0)),
    ]
    figure = plot_per_class(results, patterns.class_names)
    assert len(figure.axes[0].patches) == 2 * 4
    labels = [t.get_text() for t in figure.axes[0].get_legend().get_texts()]
    assert labels == ["1x1 (50%)", "all (75%)"]
    with pytest.raises(ValueError, match="at least one ProbeResult"):
        plot_per_class([], patterns.class_names)
    grid = show_examples(patterns, per_class=3)
    assert len(grid.axes) == 4 * 3 and len(grid.axes[0].images) == 1
    with pytest.raises(ValueError, match="per_class"):
        show_examples(patterns, per_class=0)
