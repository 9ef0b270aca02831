"""Claims C13-C17, C19, C20 (notebook 04, factorizing convolutions): each asserted with the
computation the notebook prints, to the values its verdicts state."""

import numpy as np
import pytest

from inception_edu.analysis import analyze, analyze_model
from inception_edu.analysis.paper_tables import inception_v3_table1_comparison
from inception_edu.keras_build import build_node
from inception_edu.keras_build.receptive_field import (
    effective_receptive_field,
    path_counts,
    receptive_field_size,
)
from inception_edu.spec.nodes import Conv, Sequence
from inception_edu.spec.transforms import factorize
from inception_edu.widgets.factorization import factorization_cost, saving_curve
from inception_edu.zoo import inception_v3, model_spec

#: The notebook's receptive-field seeds, and other seeds the verdict must also hold on.
NOTEBOOK_SEEDS, OTHER_SEEDS = tuple(range(16)), tuple(range(100, 116))


def test_c13_a_5x5_conv_costs_25_over_9_of_a_3x3():
    per_filter = {k: analyze(Conv("conv", 1, k), (9, 9, 1)).kernel_params for k in (3, 5)}
    assert per_filter == {3: 9, 5: 25}
    five, three = (analyze(Conv("conv", 64, k), (35, 35, 48)) for k in (5, 3))
    assert five.kernel_params / three.kernel_params == pytest.approx(25 / 9)
    assert five.macs / three.macs == pytest.approx(25 / 9)
    assert round(five.macs / three.macs, 2) == 2.78


def test_c14_two_3x3_cut_25_weights_to_18_about_28_percent():
    per_filter = factorization_cost(Conv("conv", 1, 5), "3x3", (11, 11, 1))
    assert (per_filter.original.kernel_params, per_filter.factorized.kernel_params) == (25, 18)
    assert per_filter.saving == pytest.approx(0.28)
    same = factorization_cost(Conv("conv", 64, 5), "3x3", (35, 35, 64))
    assert same.saving == pytest.approx(0.28) and same.macs_ratio == pytest.approx(0.72)
    # v3's own 5x5 (mixed_5b: 48 channels in, 64 out): the second 3x3 reads 64 channels
    released = factorization_cost(Conv("conv", 64, 5), "3x3", (35, 35, 48))
    assert released.saving == pytest.approx(1 - (9 * 48 * 64 + 9 * 64 * 64) / (25 * 48 * 64))
    assert round(released.saving, 2) == 0.16


def test_c14_the_factorized_stack_builds_with_the_counted_parameters():
    import keras

    inputs = keras.Input((35, 35, 48))
    stack = factorize(Conv("conv", 64, 5, batch_norm=False), "3x3")
    model = keras.Model(inputs, build_node(stack, inputs, "stack"))
    assert model.count_params() == analyze(stack, (35, 35, 48)).kernel_params == 64_512


def test_c15_three_3x3_cut_49_weights_to_27_about_45_percent():
    per_filter = factorization_cost(Conv("conv", 1, 7), "3x3", (15, 15, 1))
    assert (per_filter.original.kernel_params, per_filter.factorized.kernel_params) == (49, 27)
    assert round(per_filter.saving * 100) == 45
    layer = factorization_cost(Conv("conv", 192, 7), "3x3", (17, 17, 192))  # mixed_6e's width
    assert layer.saving == pytest.approx(22 / 49)
    assert (round(layer.original.macs / 1e6, 1), round(layer.factorized.macs / 1e6, 1)) == (
        522.0,
        287.6,
    )


def test_c16_1xn_then_nx1_saves_a_third_at_3_and_1_minus_2_over_n():
    three = factorization_cost(Conv("conv", 1, 3), "asymmetric", (7, 7, 1))
    assert (three.original.kernel_params, three.factorized.kernel_params) == (9, 6)
    assert three.saving == pytest.approx(1 / 3)
    curve = saving_curve("asymmetric", range(2, 12))
    assert list(curve) == list(range(2, 12))
    assert all(s == pytest.approx(1 - 2 / n) for n, s in curve.items())
    savings = list(curve.values())
    assert savings[0] == 0 and all(a < b for a, b in zip(savings, savings[1:], strict=False))
    # the paper's comparison: 3x3 -> two 2x2 saves only 11%
    two_by_two = Sequence("s", (Conv("a", 1, 2, padding="valid"), Conv("b", 1, 2, padding="valid")))
    assert 1 - analyze(two_by_two, (7, 7, 1)).kernel_params / 9 == pytest.approx(1 / 9)
    # released mixed_6b: 1x7 keeps the 128 input channels, 7x1 gives 192: 76% saved
    released = factorization_cost(Conv("conv", 192, 7), "asymmetric", (17, 17, 128), inner=128)
    assert round(released.saving, 3) == 0.762
    block = analyze(inception_v3.inception_b("mixed_6b", 128), (17, 17, 768))
    pair = [r for r in block.layers if r.name in ("mixed_6b_b2_0b_1x7", "mixed_6b_b2_0c_7x1")]
    assert sum(r.kernel_params for r in pair) == released.factorized.kernel_params


@pytest.mark.parametrize("seeds", [NOTEBOOK_SEEDS, OTHER_SEEDS])
def test_c17_stacked_3x3_keep_the_window_and_weight_its_centre(seeds):
    for n, (low, high) in ((5, (2, 4.5)), (7, (4.5, 10))):
        big = Conv("conv", 8, n)
        small = factorize(big, "3x3")
        one, stacked = (effective_receptive_field(s, seeds=seeds) for s in (big, small))
        assert one.window == stacked.window == one.support == stacked.support == (n, n)
        assert 0.7 < one.centre_to_corner < 1.4  # flat, up to the average's noise
        assert low < stacked.centre_to_corner < high  # about sqrt(9) = 3, sqrt(49) = 7


def test_c17_path_counts_same_window_different_weighting():
    one = path_counts(Conv("conv", 8, 5), size=5)
    two = path_counts(factorize(Conv("conv", 8, 5), "3x3"), size=5)
    assert (one == 1).all()
    pyramid = np.array([1, 2, 3, 2, 1])
    assert (two == np.outer(pyramid, pyramid)).all()
    assert path_counts(factorize(Conv("conv", 8, 7), "3x3"), size=7)[3, 3] == 49


def test_c19_table1_rows_that_disagree_with_the_built_v3():
    table, disagreements = inception_v3_table1_comparison()
    assert [row[0] for row in table.rows if row[0] != ""] == list(range(1, 14))
    assert [d.row for d in disagreements] == [5, 6, 7, 8, 9]
    reasons = {d.row: " | ".join(d.reasons) for d in disagreements}
    assert "kernel 1x1, not 3x3" in reasons[5]
    assert "stride 1, not 2" in reasons[6] and "input 73x73x80" in reasons[6]
    assert "max pool" in reasons[7] and "into 33x33" in reasons[7]  # the table's own slip
    assert "input 35x35x192, not 35x35x288" in reasons[8] and "5x5" in reasons[8]
    assert "4 modules" in reasons[9] and "not 5" in reasons[9]
    agrees = {row[0]: row[-1] for row in table.rows if row[0] != ""}
    assert agrees[3] == "yes"  # "conv padded": the stem's one 'same' conv, as released
    not_rows = [row[4] for row in table.rows if row[5] == "not a row"]
    assert not_rows == ["mixed_6a", "mixed_7a", "dropout"]


def test_c19_the_tables_grids_and_widths_hold_where_it_agrees():
    summary = analyze_model(model_spec("inception_v3"))
    assert summary.block("mixed_5d").output_shape == (35, 35, 288)
    assert summary.block("mixed_6b").input_shape == (17, 17, 768)
    assert summary.block("mixed_7b").input_shape == (8, 8, 1280)
    assert summary.block("avg_pool").input_shape == (8, 8, 2048)


def test_c20_v3_takes_299_and_three_3x3_convs_stand_where_googlenet_has_a_7x7():
    v3_spec, googlenet_spec = model_spec("inception_v3"), model_spec("googlenet")
    v3, googlenet = analyze_model(v3_spec), analyze_model(googlenet_spec)
    assert v3.input_shape == (299, 299, 3) and googlenet.input_shape == (224, 224, 3)
    stem = v3_spec.stages[:3]
    assert [s.kernel for s in stem] == [(3, 3)] * 3 and stem[0].strides == (2, 2)
    assert v3.blocks[2].output_shape == (147, 147, 64)
    assert googlenet_spec.stages[0].kernel == (7, 7)
    assert googlenet.blocks[0].output_shape == (112, 112, 64)
    assert receptive_field_size(stem) == (11, 11)  # not 7x7: the first conv has stride 2
    assert receptive_field_size(googlenet_spec.stages[:1]) == (7, 7)
    assert sum(b.kernel_params for b in v3.blocks[:3]) == 28_512
    assert sum(b.macs for b in v3.blocks[:3]) > 5 * googlenet.blocks[0].macs  # own sizes
    first_v3 = {}
    for side in (224, 299):  # on the same input the gap is 2.9x, not 5.2x
        first_v3[side] = sum(b.macs for b in analyze_model(v3_spec, (side, side, 3)).blocks[:3])
        first_googlenet = analyze_model(googlenet_spec, (side, side, 3)).blocks[0].macs
        assert round(first_v3[side] / first_googlenet, 1) == 2.9
    # the 5.2x at the papers' own sizes: 2.9x from the layers, 1.8x from the larger image
    assert round(first_v3[299] / first_v3[224], 1) == 1.8
    assert round(first_v3[299] / googlenet.blocks[0].macs, 1) == 5.2
