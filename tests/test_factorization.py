"""Notebook 04's package parts: receptive fields, the Figure 5 module and Table 1 of the v3
paper, and the two explorers, driven headlessly as a learner drives them."""

import statistics
import time

import numpy as np
import pytest

from inception_edu.analysis import analyze
from inception_edu.analysis.paper_tables import inception_v3_table1_comparison
from inception_edu.keras_build.receptive_field import (
    effective_receptive_field,
    path_counts,
    receptive_field_size,
)
from inception_edu.spec.nodes import Concat, Conv, Dense, Pool, Sequence
from inception_edu.spec.transforms import factorize
from inception_edu.viz.maps import plot_receptive_fields, plot_savings
from inception_edu.widgets.factorization import (
    V3_MODULES,
    FactorizationExplorer,
    ModuleExplorer,
    factorization_cost,
    saving_curve,
)
from inception_edu.zoo import inception_v3
from inception_edu.zoo.inception_v3 import (
    figure_module,
    inception_a,
    inception_a_figure5,
    inception_v3_spec,
)

# --------------------------------------------------------------------------- receptive fields


@pytest.mark.parametrize(
    "node, window",
    [
        (Conv("c", 4, 5), (5, 5)),
        (factorize(Conv("c", 4, 7), "3x3"), (7, 7)),
        (factorize(Conv("c", 4, 7), "asymmetric"), (7, 7)),
        (Conv("c", 4, (1, 7)), (1, 7)),
        ([Conv("a", 4, 3, strides=2), Conv("b", 4, 3)], (7, 7)),  # the step doubles: 3 + 2x2
        ([Pool("p", "max", 3, 2), Conv("b", 4, 1)], (3, 3)),
        (inception_a("mixed_5b", 32), (5, 5)),  # the widest branch: two 3x3, or the 5x5
    ],
)
def test_receptive_field_size(node, window):
    assert receptive_field_size(node) == window


@pytest.mark.parametrize(
    "node, message",
    [
        ([], "at least one layer"),
        (Dense("d", 3), "Conv, Pool, Sequence and Concat"),
        (
            Concat(
                "c",
                (Sequence("a", (Conv("x", 2, 3, strides=2),)), Sequence("b", (Conv("y", 2, 3),))),
            ),
            "different steps",
        ),
    ],
)
def test_receptive_field_size_refuses_what_has_no_window(node, message):
    with pytest.raises(ValueError, match=message):
        receptive_field_size(node)


def test_path_counts_are_exact_integers_inside_the_window_and_zero_outside():
    counts = path_counts(factorize(Conv("c", 8, 5), "3x3"))  # 11x11 input, 5x5 window
    assert counts.shape == (11, 11) and counts.dtype == np.int64
    assert counts.sum() == 81 and counts[5, 5] == 9  # 9 x 9 paths in all, 9 to the centre
    assert (counts[:3] == 0).all() and (counts[:, 8:] == 0).all()
    assert (path_counts(factorize(Conv("c", 8, 3), "asymmetric"), size=3) == 1).all()


def test_effective_receptive_field_is_a_normalised_mean_over_seeds():
    field = effective_receptive_field(Conv("c", 4, 3), seeds=(0, 1), channels=2)
    assert field.map.shape == (7, 7) and field.map.max() == pytest.approx(1.0)
    assert field.support == field.window == (3, 3) and field.box == (2, 2, 3, 3)
    assert field.label == "3x3" and field.seeds == (0, 1)
    again = effective_receptive_field(Conv("c", 4, 3), seeds=(0, 1), channels=2)
    assert np.array_equal(field.map, again.map)  # the seeds fix the weights and inputs
    relu = effective_receptive_field(
        factorize(Conv("c", 4, 5), "3x3"), "relu", seeds=range(4), activation="relu"
    )
    assert relu.support == (5, 5) and relu.label == "relu"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"channels": 0}, "channels must be an int >= 1"),
        ({"activation": "tanh"}, "activation must be one of"),
        ({"seeds": ()}, "seeds must be a non-empty list"),
        ({"seeds": "012"}, "seeds must be a non-empty list"),
        ({"seeds": (0, -1)}, "seed must be an int >= 0"),
        ({"size": 2}, "size must be an int >= 3"),
    ],
)
def test_effective_receptive_field_checks_its_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        effective_receptive_field(Conv("c", 4, 3), **kwargs)


def test_gradient_maps_need_a_single_path_of_convolutions():
    with pytest.raises(ValueError, match="a Conv or a Sequence of Convs"):
        path_counts(inception_a("mixed_5b", 32))
    with pytest.raises(ValueError, match="a Conv or a Sequence of Convs"):
        effective_receptive_field(Sequence("s", (Pool("p", "max"),)))


def test_receptive_field_figure_outlines_each_window():
    fields = [
        effective_receptive_field(s, label, seeds=(0,), channels=2)
        for label, s in (
            ("one 5x5", Conv("c", 2, 5)),
            ("two 3x3", factorize(Conv("c", 2, 5), "3x3")),
        )
    ]
    figure = plot_receptive_fields(fields, "title")
    texts = [t.get_text() for ax in figure.axes for t in (ax.title, ax.xaxis.label)]
    assert "one 5x5" in texts and texts.count("window 5x5") == 2
    with pytest.raises(ValueError, match="fields must be a non-empty list"):
        plot_receptive_fields([])
    assert plot_savings({"a": {2: 0.0, 3: 1 / 3}}, [(3, 1 / 3, "33%", (5, 5))]).axes
    with pytest.raises(ValueError, match="curves must be"):
        plot_savings({})


# --------------------------------------------------------------------------- the zoo


def test_figure5_module_differs_from_the_released_one_in_one_kernel():
    shape = (35, 35, 288)
    figure5, released = (
        analyze(b("mixed_5d", 64), shape) for b in (inception_a_figure5, inception_a)
    )
    assert figure5.output_shape == released.output_shape == (35, 35, 288)
    assert released.kernel_params - figure5.kernel_params == (25 - 9) * 48 * 64
    assert analyze(inception_a_figure5("m", 32), (35, 35, 192)).output_shape == (35, 35, 256)
    kernels = {r.name: r.kind for r in figure5.layers}
    assert kernels["mixed_5d_b2_0b_3x3"] == "conv 3x3/1"
    assert analyze(inception_a_figure5("m", 64, lambda f: f // 2), shape).output_shape[-1] == 144


def test_figure5_module_builds_in_keras_with_the_counted_parameters():
    import keras

    from inception_edu.keras_build import build_node

    inputs = keras.Input((35, 35, 288))
    block = inception_a_figure5("mixed_5d", 64)
    model = keras.Model(inputs, build_node(block, inputs, "mixed_5d"))
    assert model.count_params() == analyze(block, (35, 35, 288)).params


def test_figure_module_and_its_bad_input():
    assert figure_module(6).name == "figure_6" and figure_module(7).name == "figure_7"
    with pytest.raises(ValueError, match="figure must be one of 5, 6, 7"):
        figure_module(4)


def test_table1_is_the_papers_thirteen_rows():
    assert len(inception_v3.TABLE1) == len(inception_v3.TABLE1_STAGES) == 13
    assert inception_v3.TABLE1[2] == ("conv padded", "3x3 / 1", "147x147x32")
    assert inception_v3.TABLE1[7] == ("3xInception", "As in figure 5", "35x35x288")
    assert inception_v3.table1_stages()[7] == ("mixed_5b", "mixed_5c", "mixed_5d")


def test_table1_comparison_follows_the_spec_it_is_given():
    deeper = inception_v3_spec(depth=1.25)  # 4 x A, 5 x B, 3 x C
    _, disagreements = inception_v3_table1_comparison(deeper)
    reasons = {d.row: " | ".join(d.reasons) for d in disagreements}
    assert "4 modules" in reasons[8] and "not 3" in reasons[8]
    assert 9 not in reasons  # five 17x17 modules, as the table prints
    assert "3 modules" in reasons[10]
    table, _ = inception_v3_table1_comparison(inception_v3_spec())
    assert "conv padded 3x3 / 1" in table.text() and "<table>" in table.html()
    assert str(disagreements[0]).startswith("row ")


@pytest.mark.parametrize("spec", ["inception_v3", None.__class__, inception_v3.stem])
def test_table1_comparison_refuses_what_is_not_a_v3_spec(spec):
    with pytest.raises(ValueError, match="needs an Inception-v3 spec"):
        inception_v3_table1_comparison(spec)


# --------------------------------------------------------------------------- costs


def test_factorization_cost_and_saving_curve():
    cost = factorization_cost(Conv("c", 192, 7), "asymmetric", (17, 17, 192))
    assert cost.saving == pytest.approx(5 / 7) and cost.macs_ratio == pytest.approx(2 / 7)
    narrow = factorization_cost(Conv("c", 192, 7), "asymmetric", (17, 17, 128), inner=128)
    assert narrow.factorized.kernel_params == 7 * 128 * 128 + 7 * 128 * 192
    assert list(saving_curve("3x3", range(2, 12))) == [5, 7, 9, 11]
    wide = saving_curve("asymmetric", (3,), (17, 17, 64), filters=128)
    assert wide[3] == pytest.approx(1 - (3 * 64 * 128 + 3 * 128 * 128) / (9 * 64 * 128))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: factorization_cost(Conv("c", 4, 5), "2x2", (9, 9, 4)), "how must be one of"),
        (lambda: factorization_cost(Conv("c", 4, 5), "3x3", (9, 9)), "input_shape must be"),
        (lambda: factorization_cost(Conv("c", 4, 5), "3x3", (9, 9, 4), inner=0), "inner must be"),
        (lambda: saving_curve("asymmetric", (0,)), "n must be an int >= 1"),
        (lambda: saving_curve("3x3", filters=0), "filters must be an int >= 1"),
    ],
)
def test_costs_refuse_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --------------------------------------------------------------------------- the explorers


def _median_ms(control, values, repeats=11):
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        control.value = values[i % len(values)]
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def test_factorization_explorer_follows_n_and_the_factorization():
    explorer = FactorizationExplorer(n=7, how="asymmetric")
    assert explorer.cost.saving == pytest.approx(5 / 7) and explorer.error is None
    assert "1x7 then 7x1" in explorer.headline.value and "saving 71%" in explorer.headline.value
    explorer.slider.value = 3
    assert explorer.cost.factorized.kernel_params == 6 * 192 * 192
    explorer.choice.value = "3x3"  # a 3x3 cannot become stacked 3x3s: said on the widget
    assert "odd kernel of 5 or more" in explorer.error
    assert "odd kernel of 5 or more" in explorer.headline.value
    explorer.slider.value = 5
    assert explorer.error is None and explorer.cost.saving == pytest.approx(0.28)
    assert "two stacked 3x3" in explorer.diagram.value
    assert explorer.diagram.value.count("<svg") == 3  # the curve and the two diagrams
    assert "<svg" in explorer.static_html() and "factorized, total" in explorer.static_html()
    bundle = explorer._repr_mimebundle_()
    assert "text/html" in bundle and "saving 28%" in bundle["text/plain"]


def test_factorization_explorer_answers_well_under_30_ms():
    explorer = FactorizationExplorer()
    assert _median_ms(explorer.slider, [3, 5, 9, 11, 2]) < 30


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"n": 1}, "n must be an int in"),
        ({"n": 12}, "n must be an int in"),
        ({"how": "2x2"}, "how must be one of"),
        ({"max_n": 3}, "max_n must be"),
        ({"filters": 0}, "filters must be"),
        ({"input_shape": (17, 17)}, "input_shape"),
    ],
)
def test_factorization_explorer_refuses_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FactorizationExplorer(**kwargs)


def test_module_explorer_switches_modules_and_compares_them():
    explorer = ModuleExplorer(module="A")
    shown = [key for key, e in explorer.explorers.items() if e.widget.layout.display != "none"]
    assert shown == ["A"] and explorer.summary.output_shape == (35, 35, 288)
    explorer.dropdown.value = "A, Figure 5"
    shown = [key for key, e in explorer.explorers.items() if e.widget.layout.display != "none"]
    assert shown == ["A, Figure 5"]
    params = {row[0].removeprefix("▶ "): row[3] for row in explorer.table().rows}
    assert params["A"] == "285,648" and params["A, Figure 5"] == "236,496"
    explorer.dropdown.value = "C"
    assert explorer.summary.output_shape == (8, 8, 2048)
    explorer.explorers["C"].checkboxes["b1"].value = False  # the comparison follows
    assert explorer.summary.output_shape == (8, 8, 2048 - 320)
    assert "8x8x1728" in explorer.numbers.value
    static = explorer.static_html()
    assert "Inception-C (Figure 7)" in static and "<svg" in static
    assert list(V3_MODULES) == ["A", "A, Figure 5", "B", "C"]


def test_module_explorer_answers_well_under_30_ms():
    explorer = ModuleExplorer()
    assert _median_ms(explorer.dropdown, list(V3_MODULES)) < 30
    slider = explorer.explorers["B"].sliders[("b1", "0a_1x1")]
    assert _median_ms(slider, [150, 200, 250]) < 30


def test_module_explorer_refuses_an_unknown_module():
    with pytest.raises(ValueError, match="module must be one of"):
        ModuleExplorer(module="D")
