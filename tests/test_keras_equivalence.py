"""The analytic engine agrees with Keras for every model, at full size and mini size,
and for random block specs (hypothesis)."""

import keras
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inception_edu import models
from inception_edu.analysis import analyze, analyze_model
from inception_edu.keras_build import build_node, layer_macs
from inception_edu.spec.nodes import Concat, Conv, Pool, Residual, Sequence
from inception_edu.zoo import MODELS, model_spec


@pytest.mark.parametrize("name", MODELS)
def test_full_size_model_analytic_equals_keras(name, same_summary, full_model):
    analytic = analyze_model(model_spec(name))
    model = full_model(name)
    same_summary(analytic, models.keras_summary(model))
    assert model.count_params() == analytic.total_params


MINI = [
    ("googlenet", dict(width=0.25, depth=0.5), 32),
    ("googlenet", dict(width=0.25, aux_heads=True, classes=10), 32),
    ("inception_v3", dict(width=0.2, depth=0.5, aux_head=True, classes=7), 75),
    ("inception_v4", dict(width=0.2, depth=0.3, classes=3), 75),
    ("inception_resnet_v1", dict(width=0.2, depth=0.3, classes=5), 80),
    ("inception_resnet_v2", dict(width=0.2, depth=0.1, classes=2), 75),
    (
        "inception_resnet_v2",
        dict(width=0.1, depth=0.1, residual_scales=(1.0, 0.3, 0.1), classifier_activation=None),
        75,
    ),
]


@pytest.mark.parametrize("name, kwargs, size", MINI)
def test_mini_model_analytic_equals_keras(name, kwargs, size, same_summary):
    spec = model_spec(name, **kwargs)
    analytic = analyze_model(spec, (size, size, 3))
    model = models.build(spec, (size, size, 3))
    same_summary(analytic, models.keras_summary(model))
    assert model.count_params() == analytic.total_params


# --------------------------------------------------------------------------- hypothesis

KERNELS = st.sampled_from([1, 3, 5, (1, 3), (3, 1), (1, 7), (7, 1)])


@st.composite
def convs(draw):
    batch_norm = draw(st.booleans())
    return Conv(
        "c",
        draw(st.integers(1, 12)),
        draw(KERNELS),
        batch_norm=batch_norm,
        use_bias=draw(st.booleans()) or not batch_norm,
        activation=draw(st.sampled_from([None, "relu"])),
    )


@st.composite
def branches(draw, index, reduce):
    ops = draw(
        st.lists(
            st.one_of(convs(), st.sampled_from([Pool("p", "max"), Pool("p", "avg")])),
            min_size=1,
            max_size=3,
        )
    )
    if reduce:  # a grid reduction: every branch ends with a 3x3/2 'valid' window
        ops.append(
            draw(st.sampled_from([Conv("c", 4, 3, 2, "valid"), Pool("p", "max", 3, 2, "valid")]))
        )
    return Sequence(
        f"b{index}",
        tuple(
            Conv(**{**op.__dict__, "name": f"op{i}"})
            if isinstance(op, Conv)
            else Pool(**{**op.__dict__, "name": f"op{i}"})
            for i, op in enumerate(ops)
        ),
    )


@st.composite
def blocks(draw):
    residual = draw(st.booleans())
    reduce = not residual and draw(st.booleans())
    count = draw(st.integers(1, 4))
    parts = tuple(draw(branches(i + 1, reduce)) for i in range(count))
    if residual:
        return Residual(
            "block",
            parts,
            scale=draw(st.sampled_from([0.1, 0.2, 1.0])),
            activation=draw(st.sampled_from([None, "relu"])),
            shortcut=draw(st.booleans()),
        )
    return Concat("block", parts)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    block=blocks(), height=st.integers(5, 12), width=st.integers(5, 12), channels=st.integers(1, 9)
)
def test_random_blocks_analytic_equals_keras(block, height, width, channels):
    analytic = analyze(block, (height, width, channels))
    inputs = keras.Input((height, width, channels))
    created: list = []
    outputs = build_node(block, inputs, block.name, created)
    assert tuple(outputs.shape[1:]) == analytic.output_shape
    assert sum(layer.count_params() for layer in created) == analytic.params
    assert sum(layer_macs(layer) for layer in created) == analytic.macs
    assert {row.name for row in analytic.layers} <= {layer.name for layer in created}


def _every_paper_block():
    """Each block function of the zoo, at a small width, with an input it fits."""
    from inception_edu.spec.ops import scaled
    from inception_edu.zoo import googlenet as g
    from inception_edu.zoo import inception_resnet as ir
    from inception_edu.zoo import inception_v3 as v3
    from inception_edu.zoo import inception_v4 as v4

    def w(filters):
        return scaled(filters, 0.125)

    return [
        (g.naive_inception_module("naive", 8, 16, 4), (12, 12, 24)),
        (g.inception_module("inception_3a", 8, 12, 16, 2, 4, 4), (12, 12, 24)),
        (v3.inception_a("mixed_5b", 32, w), (12, 12, 24)),
        (v3.reduction_a("mixed_6a", w), (12, 12, 24)),
        (v3.inception_b("mixed_6b", 128, w), (9, 9, 96)),
        (v3.reduction_b("mixed_7a", w), (9, 9, 96)),
        (v3.inception_c("mixed_7b", w), (5, 5, 160)),
        (v4.inception_a("inception_a_1", w), (12, 12, 48)),
        (v4.reduction_a("reduction_a", *v4.REDUCTION_A_FILTERS["inception_v4"], w), (12, 12, 48)),
        (v4.inception_b("inception_b_1", w), (9, 9, 128)),
        (v4.reduction_b("reduction_b", w), (9, 9, 128)),
        (v4.inception_c("inception_c_1", w), (5, 5, 192)),
        (ir.block("v1", "a", "inception_resnet_a_1", 0.17, w), (12, 12, 32)),
        (ir.block("v1", "b", "inception_resnet_b_1", 0.1, w), (9, 9, 112)),
        (ir.reduction_b("reduction_b", 256, (256, 256), w), (9, 9, 112)),
        (ir.block("v1", "c", "inception_resnet_c_1", 0.2, w), (5, 5, 224)),
        (ir.block("v2", "a", "inception_resnet_a_1", 0.17, w), (12, 12, 40)),
        (ir.block("v2", "b", "inception_resnet_b_1", 0.1, w), (9, 9, 136)),
        (ir.block("v2", "c", "inception_resnet_c_1", 0.2, w), (5, 5, 260)),
    ]


@pytest.mark.parametrize(
    "block, shape", _every_paper_block(), ids=lambda value: getattr(value, "name", None)
)
def test_every_paper_block_analytic_equals_keras(block, shape):
    analytic = analyze(block, shape)
    created: list = []
    outputs = build_node(block, keras.Input(shape), block.name, created)
    assert tuple(outputs.shape[1:]) == analytic.output_shape
    assert sum(layer.count_params() for layer in created) == analytic.params
    assert sum(layer_macs(layer) for layer in created) == analytic.macs
