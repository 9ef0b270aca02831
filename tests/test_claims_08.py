"""Claims C29-C34 (notebook 08, Inception-ResNet and residual scaling): the computations the
notebook prints, held to the values and verdicts it states.

The training claims (C32, C33) run the notebook's experiment, with its variants, data and
settings, on seed 0 only (the notebook: every seed of ``SEEDS``; its checks are per seed;
a review re-ran the notebook on seeds 3-14 and every check held), to keep this file near a
minute on 2 cores.
"""

import math
import re
from pathlib import Path

import numpy as np
import pytest
from helpers import printed_text

from inception_edu.analysis import analyze, analyze_model
from inception_edu.backend import keras
from inception_edu.cli import summarize
from inception_edu.data import Split, load_digits_split
from inception_edu.experiments import residual_scaling as rx
from inception_edu.keras_build import build_node, keras_summary
from inception_edu.zoo import inception_resnet as ir
from inception_edu.zoo import model_spec
from inception_edu.zoo.mini import mini_inception_resnet_spec

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "08_inception_resnet_scaling.ipynb"
NETWORKS = ("inception_v3", "inception_v4", "inception_resnet_v1", "inception_resnet_v2")

#: What the notebook prints for the four networks (parameters, multiply-adds on 299x299x3).
PRINTED = {
    "inception_v3": (23_851_784, 5_713_216_096),
    "inception_v4": (42_711_400, 12_253_974_624),
    "inception_resnet_v1": (22_769_848, 6_206_361_696),
    "inception_resnet_v2": (55_873_736, 13_155_794_016),
}
PRINTED_V2_5_10_5 = (33_800_696, 8_506_795_616)

#: Each block's input in its network, and the parameter count the notebook prints.
BLOCKS = {
    ("v1", "a"): ((35, 35, 256), 77_632),
    ("v1", "b"): ((17, 17, 896), 690_560),
    ("v1", "c"): ((8, 8, 1792), 1_601_536),
    ("v2", "a"): ((35, 35, 320), 123_408),
    ("v2", "b"): ((17, 17, 1088), 1_127_456),
    ("v2", "c"): ((8, 8, 2080), 2_036_288),
}


def _scale(kind):
    return ir.RESIDUAL_SCALES["abc".index(kind)]


# --------------------------------------------------------------------------- C34


def test_c34_a_residual_block_whose_last_layer_is_zero_is_the_identity():
    layers = keras.layers
    inputs = keras.Input((8, 8, 16))
    f = layers.Conv2D(16, 3, padding="same", activation="relu")(inputs)
    f = layers.Conv2D(16, 1, kernel_initializer="zeros", name="last")(f)
    residual = keras.Model(inputs, layers.Add()([inputs, f]))
    plain = keras.Model(inputs, f)
    x = np.random.default_rng(0).normal(size=(4, 8, 8, 16)).astype("float32")
    assert np.array_equal(residual(x), x) and not np.any(plain(x))

    last = residual.get_layer("last")
    weights = keras.initializers.GlorotUniform(seed=1)(last.kernel.shape).numpy()

    def distance(block, t):
        last.kernel.assign(t * weights)
        return float(np.linalg.norm(block(x) - x) / np.linalg.norm(x))

    base = distance(residual, 1)
    assert base > 0.1  # a real residual at t = 1: the check below can fail
    for t in (0.5, 0.1, 0.01, 0):
        assert distance(residual, t) == pytest.approx(t * base, rel=1e-4, abs=1e-6)
    assert distance(plain, 0) == pytest.approx(1.0)
    assert distance(plain, 0.01) > 0.99  # small weights: the plain block nears zero, not x


def test_c34_an_inception_resnet_block_with_its_linear_1x1_at_zero_passes_x_through():
    shape = (8, 8, 320)  # v2's A block on a small grid: the same layers
    inputs = keras.Input(shape)
    block = keras.Model(inputs, build_node(ir.block("v2", "a", "z", 0.17), inputs, "z"))
    trunk = np.abs(np.random.default_rng(1).normal(size=(2, *shape))).astype("float32")
    assert not np.array_equal(block(trunk), trunk)  # with its initial weights it is not
    for weight in block.get_layer("z_up").weights:
        weight.assign(np.zeros(weight.shape))
    assert np.array_equal(block(trunk), trunk)
    negative = -trunk
    assert not np.any(block(negative))  # the ReLU after the add: ReLU(x), not x


# --------------------------------------------------------------------------- C31


@pytest.mark.parametrize("version, kind", list(BLOCKS))
def test_c31_each_block_ends_in_a_linear_1x1_that_restores_its_input_channels(version, kind):
    shape, params = BLOCKS[version, kind]
    spec = model_spec(f"inception_resnet_{version}")
    assert analyze_model(spec).block(f"inception_resnet_{kind}_1").input_shape == shape
    inputs = keras.Input(shape)
    built = keras.Model(
        inputs, build_node(ir.block(version, kind, "blk", _scale(kind)), inputs, "blk")
    )
    up, concat = built.get_layer("blk_up"), built.get_layer("blk_concat")
    assert isinstance(up, keras.layers.Conv2D) and up.kernel_size == (1, 1)
    assert up.activation.__name__ == "linear" and up.use_bias and up.filters == shape[-1]
    assert concat.output.shape[-1] < shape[-1]  # the add needs the 1x1
    assert built.count_params() == analyze(ir.block(version, kind, "b", 0.1), shape).params
    assert built.count_params() == params
    assert tuple(built.output.shape[1:]) == shape


def test_c31_v1_and_v2_differ_in_their_last_1x1_because_their_trunks_differ():
    for kind in "abc":
        v1, v2 = BLOCKS["v1", kind][0][-1], BLOCKS["v2", kind][0][-1]
        assert v1 != v2
        for version in ("v1", "v2"):
            shape = BLOCKS[version, kind][0]
            rows = analyze(ir.block(version, kind, "blk", 0.1), shape).layers
            up = next(row for row in rows if row.name == "blk_up")
            assert up.output_shape[-1] == shape[-1]


# --------------------------------------------------------------------------- C29, C30


def test_c29_the_printed_costs_are_what_summarize_keras_reports(full_model):
    """``python -m inception_edu summarize MODEL --keras`` is ``keras_summary`` of the
    model built from ``model_spec(MODEL)`` at 299x299x3, which the builders make."""
    for name in NETWORKS:
        analytic = analyze_model(model_spec(name))
        built = keras_summary(full_model(name))
        printed = PRINTED[name]
        assert (analytic.total_params, analytic.total_macs) == printed, name
        assert (built.total_params, built.total_macs) == printed, name
        assert full_model(name).count_params() == printed[0], name
    half = summarize("inception_resnet_v2", depth=0.5, use_keras=True)
    assert (half.total_params, half.total_macs) == PRINTED_V2_5_10_5
    v3, v4 = PRINTED["inception_v3"][1], PRINTED["inception_v4"][1]
    assert round(PRINTED["inception_resnet_v1"][1] / v3, 2) == 1.09
    assert round(PRINTED["inception_resnet_v2"][1] / v4, 2) == 1.07
    assert round(PRINTED_V2_5_10_5[1] / v4, 2) == 0.69


def test_the_notebook_prints_these_costs():
    """Issue 9, point 4: the totals notebook 08 prints (its stored outputs) are PRINTED,
    which the test above holds to ``summarize --keras``."""
    text = printed_text(NOTEBOOK.name)
    rows = re.findall(r"^(\w+(?: \(5/10/5\))?) +([\d,]+) parameters +([\d,]+) multiply", text, re.M)
    printed = {name: (int(p.replace(",", "")), int(m.replace(",", ""))) for name, p, m in rows}
    printed = {name: cost for name, cost in printed.items() if name.startswith("inception")}
    assert printed == {**PRINTED, "inception_resnet_v2 (5/10/5)": PRINTED_V2_5_10_5}


def test_c29_each_pair_is_close_in_computation_not_equal():
    macs = {name: analyze_model(model_spec(name)).total_macs for name in NETWORKS}
    for small, big in (
        ("inception_v3", "inception_resnet_v1"),
        ("inception_v4", "inception_resnet_v2"),
    ):
        assert 1.0 < macs[big] / macs[small] < 1.1


def test_c30_inception_resnet_v2_pairs_with_v4_not_v3():
    macs = {name: analyze_model(model_spec(name)).total_macs for name in NETWORKS}
    v2 = macs["inception_resnet_v2"]
    assert round(v2 / macs["inception_v3"], 2) == 2.30
    assert round(v2 / macs["inception_v4"], 2) == 1.07
    assert round(macs["inception_resnet_v1"] / macs["inception_v3"], 2) == 1.09
    assert round(macs["inception_resnet_v1"] / macs["inception_v4"], 2) == 0.51


# --------------------------------------------------------------------------- C32, C33


@pytest.fixture(scope="module")
def digits():
    return load_digits_split(seed=0)


def test_c32_unscaled_residuals_grow_the_trunk_and_variances_add(digits):
    wide = mini_inception_resnet_spec(channels=1024, blocks=16, width=1.0, branches=3)
    growth = rx.activation_growth(wide, digits.x_val[:8], scales=(1.0, 0.3, 0.2, 0.1), seed=0)
    assert growth.growth(1.0) > 3
    assert all(growth.growth(s) < 1.6 for s in (0.1, 0.2, 0.3))
    k = len(growth.blocks)
    v = (growth.at(1.0)[-1] ** 2 - growth.stem**2) / k
    for s in (0.3, 0.2, 0.1):
        predicted = math.sqrt(growth.stem**2 + k * s * s * v)
        assert predicted / growth.at(s)[-1] == pytest.approx(1.0, abs=0.05)


@pytest.fixture(scope="module")
def runs(digits):
    """The notebook's experiment on seed 0: its variants, data, epochs, rates."""
    train = Split(
        digits.x_train[:720], digits.y_train[:720], digits.x_val, digits.y_val, digits.class_names
    )
    variants = {
        "unscaled": mini_inception_resnet_spec(scale=1.0),
        "scaled": mini_inception_resnet_spec(scale=0.2),
        "plain": mini_inception_resnet_spec(scale=1.0, shortcut=False),
    }
    return rx.train_variants(train, variants, (0,), (0.1, 1.0), 3, 64)


def _least(runs, variant, other, rate, field="final_loss"):
    return min(rx.differences(runs, variant, other, rate, field))


def test_c32_at_the_edge_unscaled_dies_and_scaled_trains(runs):
    dead = rx.final_values(runs, "dead")
    assert min(dead["unscaled", 1.0]) > 0.95
    assert max(rx.final_values(runs, "val_accuracy")["unscaled", 1.0]) < 0.4
    assert _least(runs, "unscaled", "scaled", 1.0) > 0.5
    assert _least(runs, "scaled", "unscaled", 1.0, "val_accuracy") > 0.25


def test_c32_at_a_comfortable_rate_scaling_slows_a_short_run(runs):
    assert _least(runs, "scaled", "unscaled", 0.1) > 0.5
    assert _least(runs, "unscaled", "scaled", 0.1, "val_accuracy") > 0.15


def test_c33_the_plain_twin_learns_but_the_residual_network_learns_faster(runs):
    specs = [mini_inception_resnet_spec(scale=1.0, shortcut=s) for s in (True, False)]
    costs = [analyze_model(spec, (8, 8, 1)) for spec in specs]
    assert costs[0].total_params == costs[1].total_params
    assert costs[0].total_macs == costs[1].total_macs
    plain = [r for r in runs if (r.variant, r.learning_rate) == ("plain", 0.1)]
    assert all(r.loss[0] - r.loss[-1] > 0.3 for r in plain)
    assert _least(runs, "plain", "unscaled", 0.1) > 0.5
    assert _least(runs, "unscaled", "plain", 0.1, "val_accuracy") > 0.15


def test_c33_the_residual_advantage_has_conditions(runs):
    """Scaled by 0.2 the residual network is no faster than plain; at the edge rate the
    unscaled one fails where its plain twin learns."""
    assert _least(runs, "scaled", "plain", 0.1) > -0.05
    assert _least(runs, "unscaled", "plain", 1.0) > 0
