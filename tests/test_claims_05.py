"""Claims C18 and C27 (notebook 05, grid reduction): the computations the notebook prints,
held to the values it states.

C27 is shared with notebook 07, which reuses the Reduction-A table of
:mod:`inception_edu.analysis.reduction_costs`.
"""

import pytest

from inception_edu.analysis import analyze, analyze_model
from inception_edu.analysis.reduction_costs import (
    compare_strategies,
    reduction_a_rows,
    reduction_a_table,
)
from inception_edu.course.claims import empirical_verdict
from inception_edu.data import multiscale_patterns
from inception_edu.experiments import grid_reduction as rx
from inception_edu.zoo import model_spec
from inception_edu.zoo.grid_reduction import PAPER_EXAMPLE, paper_cost, reduction_a_filters
from inception_edu.zoo.inception_v4 import REDUCTION_A_FILTERS, reduction_a


def test_c18_conv_then_pool_costs_4_24x_pool_then_conv_on_the_papers_example():
    costs = compare_strategies(PAPER_EXAMPLE)
    assert {c.output_shape for c in costs.values()} == {(17, 17, 640)}
    ratio = costs["conv_first"].macs / costs["pool_first"].macs
    assert ratio == pytest.approx(35**2 / 17**2) and round(ratio, 2) == 4.24
    assert costs["conv_first"].macs == 3 * 3 * 320 * 640 * 35 * 35 == 2_257_920_000
    assert costs["pool_first"].macs == 3 * 3 * 320 * 640 * 17 * 17 == 532_684_800


def test_c18_parallel_branches_cost_half_the_cheap_order_without_its_bottleneck():
    costs = compare_strategies(PAPER_EXAMPLE)
    assert costs["parallel"].macs * 2 == costs["pool_first"].macs
    assert costs["pool_first"].narrowest_shape == (17, 17, 320)  # (d/2)^2 k
    assert costs["pool_first"].narrowest * 2 == costs["pool_first"].output_values
    for name in ("conv_first", "parallel"):
        assert costs[name].narrowest == costs[name].output_values == 17 * 17 * 640


def test_c18_the_papers_2d2k2_is_the_1x1_count_and_about_4x_tends_to_4():
    costs = compare_strategies(PAPER_EXAMPLE, kernel=1)
    estimate = paper_cost(35, 320)
    assert costs["conv_first"].macs == estimate["conv_first"] == 2 * 35**2 * 320**2
    # the paper's 2(d/2)^2 k^2 takes d/2 = 17.5; a 3x3/2 'valid' pool gives 17
    assert costs["pool_first"].macs == 2 * 17**2 * 320**2 < estimate["pool_first"]
    ratios = [
        compare_strategies((d, d, 8))["conv_first"].macs
        / compare_strategies((d, d, 8))["pool_first"].macs
        for d in (17, 35, 71, 147)
    ]
    assert ratios == sorted(ratios, reverse=True) and all(r > 4 for r in ratios)
    assert ratios[0] == pytest.approx(289 / 64) and ratios[-1] == pytest.approx(4.055, abs=1e-3)


def test_c18_pooling_first_loses_no_accuracy_by_the_verdict_rule_over_three_seeds():
    # notebook 05's experiment at its defaults, on its first three seeds (each network
    # trains as if alone, so these are the notebook's networks of seeds 0-2)
    patterns = multiscale_patterns(100, seed=0)
    runs = rx.train_strategies(
        patterns, seeds=(0, 1, 2), epochs=8, strategies=("pool_first", "conv_first")
    )
    accuracy = rx.accuracies(runs)
    lost = [
        100 * (c - p) for p, c in zip(accuracy["pool_first"], accuracy["conv_first"], strict=True)
    ]
    verdict = empirical_verdict("C18", lost, "points lost by pooling first", claimed="positive")
    assert verdict.verdict == "wrong", str(verdict)  # no loss seen: pool first was ahead
    assert verdict.opposing > verdict.agreeing
    assert min(min(a) for a in accuracy.values()) > 0.5  # every network learned the task


def test_c27_reduction_a_letters_are_table_1_of_the_v4_paper():
    assert REDUCTION_A_FILTERS == {
        "inception_v4": (192, 224, 256, 384),
        "inception_resnet_v1": (192, 192, 256, 384),
        "inception_resnet_v2": (256, 256, 384, 384),
    }
    assert len(set(REDUCTION_A_FILTERS.values())) == 3  # they differ per network
    for model, letters in REDUCTION_A_FILTERS.items():
        assert reduction_a_filters(model_spec(model).stage("reduction_a")) == letters


def test_c27_the_shapes_each_network_gets_from_its_letters():
    rows = {row.model: row for row in reduction_a_rows()}
    expected = {
        "inception_v4": ((35, 35, 384), (17, 17, 1024)),
        "inception_resnet_v1": ((35, 35, 256), (17, 17, 896)),
        "inception_resnet_v2": ((35, 35, 320), (17, 17, 1088)),
    }
    for model, (shape_in, shape_out) in expected.items():
        row = rows[model]
        assert (row.input_shape, row.output_shape) == (shape_in, shape_out)
        k, l, m, n = row.filters  # noqa: E741
        assert shape_out[2] == shape_in[2] + n + m  # the pool passes the input through
        block = analyze(reduction_a("reduction_a", k, l, m, n), shape_in)
        assert (block.params, block.macs) == (row.params, row.macs)
        stage = analyze_model(model_spec(model)).block("reduction_a")
        assert stage.output_shape == shape_out
    text = reduction_a_table().text()
    assert "Inception-ResNet-v2  256  256  384  384  35x35x320  17x17x1088" in text
    # the paper's IR-v2 has v4's 384-channel stem output: 17x17x1152 after Reduction-A
    paper_v2 = reduction_a("r", *REDUCTION_A_FILTERS["inception_resnet_v2"])
    assert analyze(paper_v2, (35, 35, 384)).output_shape == (17, 17, 1152)
