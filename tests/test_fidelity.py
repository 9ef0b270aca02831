"""Full-size fidelity: keras.applications, the papers' tables and figures."""

import keras
import numpy as np
import pytest

from inception_edu import models
from inception_edu.analysis import analyze_model
from inception_edu.analysis.paper_tables import googlenet_table1_comparison
from inception_edu.zoo import googlenet, model_spec
from inception_edu.zoo.inception_v3 import KERAS_MIXED
from inception_edu.zoo.inception_v4 import REDUCTION_A_FILTERS

GOOGLENET_MODULES, GOOGLENET_PRINTED = googlenet.MODULES, googlenet.PRINTED


def _shape(tensor):
    return tuple(tensor.shape[1:])


def test_inception_v3_matches_keras_applications(full_model, keras_application):
    ours, reference = full_model("inception_v3"), keras_application("InceptionV3")
    assert ours.count_params() == reference.count_params()
    points = models.end_points(ours)
    for keras_name, our_name in KERAS_MIXED.items():
        assert _shape(points[our_name]) == _shape(reference.get_layer(keras_name).output)


#: keras.applications.InceptionResNetV2 layer -> our stage, at the end of every stage
#: (layers Keras names itself; its unnamed ones get session-dependent names).
KERAS_IRV2_STAGES = {
    "mixed_5b": "mixed_5b",
    "block35_10_ac": "inception_resnet_a_10",
    "mixed_6a": "reduction_a",
    "block17_20_ac": "inception_resnet_b_20",
    "mixed_7a": "reduction_b",
    "conv_7b_ac": "conv2d_7b_1x1",
    "predictions": "classifier",
}


def test_inception_resnet_v2_matches_keras_applications(full_model, keras_application):
    reference = keras_application("InceptionResNetV2")
    ours = full_model("inception_resnet_v2")
    assert ours.count_params() == reference.count_params()
    points = models.end_points(ours)
    for keras_name, our_name in KERAS_IRV2_STAGES.items():
        assert _shape(points[our_name]) == _shape(reference.get_layer(keras_name).output)


@pytest.mark.parametrize(
    "name, application",
    [
        ("inception_v3", "InceptionV3"),
        ("inception_resnet_v2", "InceptionResNetV2"),
    ],
)
def test_released_weights_load_layer_for_layer(name, application, full_model, keras_application):
    """The ImageNet-weights path, offline: copy from a weights=None application model.

    The weights are random, with batch-norm variances kept valid so that the outputs are
    finite (equal NaNs would compare as equal). The session's shared models get these
    weights; the other tests only count and shape them.
    """
    reference, ours = keras_application(application), full_model(name)
    rng = np.random.default_rng(0)
    reference.set_weights(
        [
            (
                rng.uniform(0.5, 1.5, v.shape)
                if "moving_variance" in v.path
                else rng.normal(0.0, 0.05, v.shape)
            ).astype("float32")
            for v in reference.weights
        ]
    )
    assert models.transfer_weights(reference, ours) > 100
    images = rng.random((1, 299, 299, 3), dtype=np.float32)
    expected = keras.ops.convert_to_numpy(reference(images))
    assert np.isfinite(expected).all()
    np.testing.assert_allclose(keras.ops.convert_to_numpy(ours(images)), expected, atol=1e-5)


def test_transfer_weights_refuses_a_different_network():
    with pytest.raises(ValueError, match="layers with weights|Cannot copy"):
        models.transfer_weights(
            models.inception_v3(input_shape=(75, 75, 3), width=0.1),
            models.inception_v3(input_shape=(75, 75, 3), width=0.2),
        )


def _repeats(summary, prefix):
    return sum(1 for block in summary.blocks if block.name.startswith(prefix))


def test_inception_resnet_v2_depth_half_gives_the_papers_repeats():
    summary = analyze_model(model_spec("inception_resnet_v2", depth=0.5), (299, 299, 3))
    counts = [_repeats(summary, f"inception_resnet_{x}_") for x in "abc"]
    assert counts == [5, 10, 5]
    full = analyze_model(model_spec("inception_resnet_v2"), (299, 299, 3))
    assert [_repeats(full, f"inception_resnet_{x}_") for x in "abc"] == [10, 20, 10]


# --------------------------------------------------------------------------- GoogLeNet


def _table1_computed():
    """Kernel weights and multiply-adds per Table 1 row, from its own filter columns."""
    rows, channels = {}, 192
    grids = {"3": 28, "4": 14, "5": 7}
    for label, (c1, r3, c3, r5, c5, pp) in GOOGLENET_MODULES.items():
        weights = channels * (c1 + r3 + r5 + pp) + 9 * r3 * c3 + 25 * r5 * c5
        rows[label] = (weights, weights * grids[label[0]] ** 2)
        channels = c1 + c3 + c5 + pp
    rows["conv1"] = (7 * 7 * 3 * 64, 7 * 7 * 3 * 64 * 112 * 112)
    conv2 = 64 * 64 + 9 * 64 * 192
    rows["conv2"] = (conv2, conv2 * 56 * 56)
    rows["linear"] = (1024 * 1000, 1024 * 1000)
    return rows


def _disagrees(computed, printed):
    """Beyond rounding: more than one printed unit away (1,024 weights / 1M ops)."""
    (weights, ops), (printed_k, printed_m) = computed, printed
    return abs(weights / 1024 - printed_k) > 1 or abs(ops / 1e6 - printed_m) > 1


def test_googlenet_output_sizes_are_table1s():
    summary = analyze_model(model_spec("googlenet"), (224, 224, 3))
    for row, size in googlenet.OUTPUT_SIZES.items():
        assert summary.block(googlenet.table1_stages(row)[-1]).output_shape == size


def test_googlenet_modules_against_table1():
    computed = _table1_computed()
    summary = analyze_model(model_spec("googlenet"), (224, 224, 3))
    for label in GOOGLENET_MODULES:  # our graph carries exactly the filter columns' numbers
        block = summary.block(f"inception_{label}")
        assert (block.kernel_params, block.macs) == computed[label]
    assert summary.block("conv1_7x7_s2").kernel_params == computed["conv1"][0]
    assert summary.block("classifier").kernel_params == computed["linear"][0]
    disagreeing = sorted(
        r for r in GOOGLENET_PRINTED if _disagrees(computed[r], GOOGLENET_PRINTED[r])
    )
    # The paper's printed params/ops disagree with its own filter columns in these rows;
    # the model follows the filter columns.
    assert disagreeing == ["4a", "4c", "4d", "4e", "5a", "5b", "conv1"]
    marked = [row[0] for row in googlenet_table1_comparison(summary).rows if row[-1]]
    assert sorted(marked) == disagreeing


# --------------------------------------------------------------------------- Inception-v4


def test_inception_v4_stages_follow_the_paper():
    summary = analyze_model(model_spec("inception_v4"), (299, 299, 3))
    assert summary.block("mixed_5a").output_shape == (35, 35, 384)  # the stem
    for prefix, count, shape in [
        ("inception_a_", 4, (35, 35, 384)),
        ("inception_b_", 7, (17, 17, 1024)),
        ("inception_c_", 3, (8, 8, 1536)),
    ]:
        stage = [b for b in summary.blocks if b.name.startswith(prefix)]
        assert len(stage) == count
        assert {b.input_shape for b in stage} == {b.output_shape for b in stage} == {shape}
    assert [b.name for b in summary.blocks[-3:]] == ["avg_pool", "dropout", "classifier"]
    assert model_spec("inception_v4").stage("dropout").rate == 0.2


@pytest.mark.parametrize(
    "name, stem_channels, after",
    [
        ("inception_v4", 384, (17, 17, 1024)),
        ("inception_resnet_v1", 256, (17, 17, 896)),
        ("inception_resnet_v2", 320, (17, 17, 1088)),
    ],
)
def test_reduction_a_table(name, stem_channels, after):
    k, l, m, n = REDUCTION_A_FILTERS[name]  # noqa: E741
    block = analyze_model(model_spec(name), (299, 299, 3)).block("reduction_a")
    assert block.input_shape == (35, 35, stem_channels)
    assert block.output_shape == (17, 17, stem_channels + m + n) == after
    filters = {row.name: row.output_shape[-1] for row in block.layers}
    assert filters["reduction_a_b2_0a_1x1"] == k and filters["reduction_a_b2_0b_3x3"] == l
