"""Notebook 05's package code: the grid-reduction strategies as specs, the Reduction-A
table, the mini networks and their side-by-side training (on a tiny budget), the two
explorers driven headlessly, and bad input."""

import numpy as np
import pytest
from helpers import svg_texts

from inception_edu.analysis import analyze
from inception_edu.analysis import reduction_costs as rc
from inception_edu.backend import keras
from inception_edu.data import multiscale_patterns
from inception_edu.exercises import nb05
from inception_edu.experiments import grid_reduction as rx
from inception_edu.keras_build.graph import build_node
from inception_edu.spec.nodes import Concat, Conv, Residual, Sequence
from inception_edu.spec.ops import conv_bn
from inception_edu.spec.transforms import without_batch_norm
from inception_edu.widgets.reduction import (
    ReductionAExplorer,
    StrategyComparer,
    draw_strategies,
)
from inception_edu.zoo import grid_reduction as gr
from inception_edu.zoo.inception_v4 import reduction_a

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


# --------------------------------------------------------------------------- the specs


@pytest.mark.parametrize("name", list(gr.STRATEGIES))
def test_every_strategy_doubles_the_channels_and_reduces_the_grid(name):
    for side, reduced in ((35, 17), (36, 17), (17, 8), (3, 1)):
        node = gr.strategy(name, 6)
        assert analyze(node, (side, side, 6)).output_shape == (reduced, reduced, 12)


@pytest.mark.parametrize("name", list(gr.STRATEGIES))
def test_the_specs_build_to_keras_with_the_same_counts(name):
    node = gr.strategy(name, 4, node_name="reduce")
    inputs = keras.Input((9, 9, 4))
    model = keras.Model(inputs, build_node(node, inputs, "reduce"))
    summary = analyze(node, (9, 9, 4))
    assert tuple(model.output.shape[1:]) == summary.output_shape
    assert model.count_params() == summary.params


def test_the_orders_and_figure_10_are_what_the_paper_draws():
    pool_first, conv_first = gr.figure9_pool_first(8), gr.figure9_conv_first(8)
    assert [type(op).__name__ for op in pool_first.ops] == ["Pool", "Conv"]
    assert [type(op).__name__ for op in conv_first.ops] == ["Conv", "Pool"]
    assert pool_first.ops[1].filters == conv_first.ops[0].filters == 16
    parallel = gr.figure10_parallel(8)
    assert isinstance(parallel, Concat) and [b.name for b in parallel.branches] == ["conv", "pool"]
    conv = parallel.branches[0].ops[0]
    assert (conv.filters, conv.strides, conv.padding) == (8, (2, 2), "valid")
    assert gr.figure9_conv_first(8, kernel=1).ops[0].kernel == (1, 1)
    assert gr.strategy("parallel", 8, node_name="r").name == "r"


def test_the_narrowest_map_is_the_bottleneck_of_pool_first_only():
    costs = rc.compare_strategies((15, 15, 10))
    assert costs["pool_first"].narrowest_shape == (7, 7, 10)
    assert costs["conv_first"].narrowest_shape == costs["conv_first"].output_shape == (7, 7, 20)
    assert costs["parallel"].narrowest == costs["parallel"].output_values == 7 * 7 * 20
    text = rc.strategy_table(costs).text()
    assert "pool → conv (Fig. 9 left)" in text and "1.00x" in text


def test_paper_cost_is_the_papers_formula():
    assert gr.paper_cost(4, 3) == {"conv_first": 2 * 16 * 9, "pool_first": 2 * 4 * 9}


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: gr.figure9_pool_first(0), "channels"),
        (lambda: gr.figure9_conv_first(8, kernel=2), "kernel"),
        (lambda: gr.figure10_parallel(2.5), "channels"),
        (lambda: gr.strategy("pool_last", 8), "strategy"),
        (lambda: rc.compare_strategies((2, 2, 8)), "at least 3x3"),
        (lambda: rc.compare_strategies((35, 35)), "input_shape"),
        (lambda: gr.reduction_a_filters(gr.figure10_parallel(8)), "not a Reduction-A block"),
        (lambda: rc.reduction_a_rows(input_size=74), "input_size"),
        (lambda: rc.stages_table([]), "pairs"),
        (lambda: rc.stages_table([("inception_v3", "mixed_9z")]), "no block"),
    ],
)
def test_bad_input_is_a_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_reduction_a_rows_on_another_input_and_the_stages_table():
    rows = rc.reduction_a_rows(input_size=75)
    assert [r.model for r in rows] == list(gr.REDUCTION_A_MODELS)
    assert all(r.output_shape[:2] == (3, 3) for r in rows)  # 75 -> ... -> 7 -> 3
    text = rc.stages_table([("inception_v3", "mixed_6a"), ("inception_v4", "reduction_b")]).text()
    assert "Inception-v3  mixed_6a" in text and "35x35x288  17x17x768" in text
    assert "17x17x1024   8x8x1536" in text


def test_the_exercises_answers_are_computed():
    assert nb05.reduction_a_channels() == 512 + 256 + 192
    assert nb05.reduction_a_channels((1, 1, 5, 7), (9, 9, 3)) == 15
    assert nb05.parallel_cost_ratio() == pytest.approx(2 * 23**2 / 11**2)


# --------------------------------------------------------------------------- the experiment


def test_mini_networks_differ_only_in_their_reduction():
    nets = {name: rx.mini_network(name, 4, 3) for name in gr.STRATEGIES}
    for net in nets.values():
        assert [op.name for op in net.ops] == [
            "stem_3x3",
            "reduce",
            "conv_3x3",
            "avg_pool",
            "classifier",
        ]
        assert analyze(net, (32, 32, 1)).output_shape == (4,)
        assert not any(isinstance(op, Conv) and op.batch_norm for op in (net.ops[0], net.ops[2]))
    assert nets["pool_first"].ops[0] == nets["parallel"].ops[0]
    assert nets["pool_first"].ops[2:] == nets["conv_first"].ops[2:]


def test_without_batch_norm_converts_every_conv_and_refuses_residual_blocks():
    plain = without_batch_norm(gr.figure10_parallel(4))
    conv = plain.branches[0].ops[0]
    assert (conv.batch_norm, conv.use_bias) == (False, True)
    assert analyze(plain, (9, 9, 4)).params == 3 * 3 * 4 * 4 + 4
    residual = Residual("r", (Sequence("b", (conv_bn(4, 1),)),))
    with pytest.raises(ValueError, match="without_batch_norm handles"):
        without_batch_norm(residual)


def _weights(model, key: str) -> list:
    return [w for layer in model.get_layer(key).layers for w in layer.get_weights()]


def test_a_network_beside_others_starts_as_it_would_alone():
    net = rx.mini_network("parallel", 4, 2)
    alone, keys = rx.seeded_side_by_side({"a": (net, 7)}, (16, 16, 1))
    crowded, crowded_keys = rx.seeded_side_by_side(
        {"b": (rx.mini_network("conv_first", 4, 2), 3), "a": (net, 7)}, (16, 16, 1)
    )
    assert keys == {"a": "main"} and crowded_keys == {"b": "main", "a": "replica_1"}
    ours, theirs = _weights(alone, "main"), _weights(crowded, "replica_1")
    assert len(ours) == len(theirs) > 0
    assert all(np.array_equal(x, y) for x, y in zip(ours, theirs, strict=True))


def test_networks_of_one_seed_start_from_the_same_stem_and_head():
    model, keys = rx.seeded_side_by_side(
        {name: (rx.mini_network(name, 4, 2), 5) for name in gr.STRATEGIES}, (16, 16, 1)
    )
    for part in ("stem_3x3", "conv_3x3", "classifier"):
        first, *others = [
            model.get_layer(keys[name]).get_layer(f"{name}_{part}").get_weights()[0]
            for name in gr.STRATEGIES
        ]
        assert all(np.array_equal(first, other) for other in others)


def test_train_strategies_on_a_tiny_budget():
    split = multiscale_patterns(5, image_size=16, seed=0)
    runs = rx.train_strategies(split, seeds=(0, 1), epochs=1, batch_size=8, channels=2)
    assert [(r.strategy, r.seed) for r in runs] == [
        (name, seed) for seed in (0, 1) for name in gr.STRATEGIES
    ]
    for run in runs:
        cost = analyze(rx.mini_network(run.strategy, 4, 2), (16, 16, 1))
        assert (run.params, run.macs) == (cost.params, cost.macs)
        assert 0 <= run.val_accuracy <= 1
    accuracy = rx.accuracies(runs)
    assert list(accuracy) == list(gr.STRATEGIES) and all(len(a) == 2 for a in accuracy.values())
    assert "seed 1" in rx.runs_table(runs).text()
    figure = rx.plot_accuracy_and_cost(runs)
    assert len(figure.axes[0].collections) == 3


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(split="digits"), "split"),
        (dict(seeds=()), "seeds"),
        (dict(seeds=(1, 1)), "seeds"),
        (dict(seeds=(-1,)), "seed"),
        (dict(epochs=0), "epochs"),
        (dict(recipe="adam"), "recipe"),
        (dict(strategies=("pool_first", "pool_first")), "strategies"),
        (dict(strategies=("pool_last",)), "strategy"),
    ],
)
def test_train_strategies_refuses_bad_input(kwargs, match):
    args = dict(split=multiscale_patterns(5, image_size=16), seeds=(0,), epochs=1)
    with pytest.raises(ValueError, match=match):
        rx.train_strategies(**{**args, **kwargs})


def test_the_experiments_helpers_refuse_bad_input():
    with pytest.raises(ValueError, match="networks"):
        rx.seeded_side_by_side({}, (16, 16, 1))
    with pytest.raises(ValueError, match="pair"):
        rx.seeded_side_by_side({"a": rx.mini_network("parallel", 4)}, (16, 16, 1))
    with pytest.raises(ValueError, match="StrategyRun"):
        rx.runs_table([])
    with pytest.raises(ValueError, match="classes"):
        rx.mini_network("parallel", 1)


# --------------------------------------------------------------------------- the explorers


def test_strategy_comparer_answers_a_grid_change():
    comparer = StrategyComparer()
    assert round(comparer.ratio, 2) == 4.24 and comparer.chosen == "parallel"
    draws = comparer.redraws
    comparer.grid.value = 36  # the pool leaves 17 again
    assert comparer.ratio == pytest.approx(36**2 / 17**2)
    assert comparer.costs["pool_first"].output_shape == (17, 17, 640)
    assert "36x36x320 → 17x17x640" in comparer.headline.value
    assert comparer.redraws == draws + 1 and comparer.error is None
    comparer.channels.value = 1
    assert comparer.costs["parallel"].output_shape == (17, 17, 2)
    assert "1.00x" in comparer.numbers.value


def test_strategy_comparer_draws_the_chosen_strategy():
    comparer = StrategyComparer((35, 35, 320), chosen="pool_first")
    texts = svg_texts(comparer.diagram.value)
    assert "3x3 conv, 640" in texts and "17x17x320" in texts
    comparer.choice.value = "parallel"
    texts = svg_texts(comparer.diagram.value)
    assert "3x3 conv /2 V, 320" in texts and "concatenate → 17x17x640" in texts
    assert "conv /2 ‖ pool /2" in comparer.headline.value


def test_reduction_a_explorer_letters_and_networks():
    explorer = ReductionAExplorer()
    assert explorer.summary.output_shape == (17, 17, 1024) and explorer.table_1
    before = explorer.summary
    explorer.sliders["k"].value = 64  # k only changes the cost
    assert explorer.summary.output_shape == before.output_shape
    assert explorer.summary.macs < before.macs and not explorer.table_1
    assert "changed from Table 1" in explorer.headline.value
    explorer.sliders["n"].value = 100  # n reaches the output
    assert explorer.summary.output_shape == (17, 17, 384 + 100 + 256)
    assert "n = 100: 3x3/2 V" in explorer.numbers.value
    draws = explorer.redraws
    explorer.model.value = "inception_resnet_v2"  # Table 1's row, in one update
    assert explorer.redraws == draws + 1 and explorer.table_1
    assert explorer.filters == (256, 256, 384, 384)
    assert explorer.input_shape == (35, 35, 320)
    assert explorer.summary.output_shape == (17, 17, 1088)
    assert "input 35x35x320" in svg_texts(explorer.diagram.value)
    assert (
        explorer.summary.params
        == analyze(reduction_a("r", 256, 256, 384, 384), (35, 35, 320)).params
    )


@pytest.mark.parametrize(
    "explorer",
    [lambda: StrategyComparer(draw=False), lambda: ReductionAExplorer("inception_resnet_v1")],
)
def test_explorers_carry_a_static_fallback(explorer):
    shown = explorer()
    bundle = shown._repr_mimebundle_()
    assert WIDGET_VIEW in bundle and "A static copy" in bundle["text/html"]
    assert "<table>" in bundle["text/html"]
    if shown.draw:
        assert "<svg" in bundle["text/html"]
    assert bundle["text/html"] == shown.static_html()


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: StrategyComparer((35, 34, 320)), "square"),
        (lambda: StrategyComparer((2, 2, 8)), "at least 3x3"),
        (lambda: StrategyComparer((35, 35, 4096)), "square"),
        (lambda: StrategyComparer(chosen="pool_last"), "chosen"),
        (lambda: ReductionAExplorer("inception_v3"), "model"),
        (lambda: ReductionAExplorer(draw="yes"), "draw"),
    ],
)
def test_explorers_refuse_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_draw_strategies_puts_the_three_side_by_side():
    figure = draw_strategies((17, 17, 16))
    assert len(figure.axes) == 3
    titles = [t.get_text() for ax in figure.axes for t in ax.texts if "Fig." in t.get_text()]
    assert len(titles) == 3 and all("multiply-adds" in t for t in titles)
