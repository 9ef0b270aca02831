"""The one-block probes of notebook 01."""

import pytest

from inception_edu.architectures import naive_inception_module
from inception_edu.data import multiscale_patterns
from inception_edu.experiments import block_probe, compare_blocks, keep_branches, plot_per_class

BLOCK = naive_inception_module("block", 4, 4, 4)


def test_keep_branches_keeps_only_the_named_ones_in_order():
    kept = keep_branches(BLOCK, ["b3", "b1"])
    assert [b.name for b in kept.branches] == ["b1", "b3"]
    with pytest.raises(ValueError, match=r"Branches of 'block': \['b1', 'b2', 'b3', 'b4'\]"):
        keep_branches(BLOCK, ["b9"])
    with pytest.raises(ValueError, match="Received: \\[\\]"):
        keep_branches(BLOCK, [])
    assert [b.name for b in keep_branches(BLOCK, "b1").branches] == ["b1"]


def test_probe_is_input_block_pool_softmax():
    model = block_probe(BLOCK, (16, 16, 1), classes=4)
    assert tuple(model.output.shape) == (None, 4)
    assert model.get_layer("block").output.shape[-1] == 4 + 4 + 4 + 1


def test_compare_blocks_trains_each_probe_from_the_same_seed():
    split = multiscale_patterns(samples_per_class=10, image_size=16, seed=0)
    probes = {"1x1": keep_branches(BLOCK, ["b1"]), "all": BLOCK}
    first = compare_blocks(split, probes, epochs=1, seed=3)
    again = compare_blocks(split, probes, epochs=1, seed=3)
    assert [r.name for r in first] == ["1x1", "all"]
    assert [r.val_accuracy for r in first] == [r.val_accuracy for r in again]
    assert all(len(r.per_class) == 4 and 0 <= r.val_accuracy <= 1 for r in first)
    assert first[0].params < first[1].params
    figure = plot_per_class(first, split.class_names)
    assert len(figure.axes[0].patches) == 2 * 4
    with pytest.raises(ValueError, match="epochs must be an int >= 1"):
        compare_blocks(split, probes, epochs=0)
    with pytest.raises(ValueError, match="non-empty"):
        compare_blocks(split, {})
    with pytest.raises(ValueError, match="split must be a data.Split"):
        compare_blocks(None, probes)
    with pytest.raises(ValueError, match="at least one ProbeResult"):
        plot_per_class([], split.class_names)
