"""The analytic engine agrees with Keras for every model, at full size and mini size,
and for random block specs (hypothesis)."""

import keras
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from inception_edu import models
from inception_edu.analysis import analyze, analyze_model
from inception_edu.architectures import MODELS, model_spec
from inception_edu.blocks import build_node
from inception_edu.specs import Concat, Conv, Pool, Residual, Sequence

FULL_INPUT = {"googlenet": 224}


@pytest.mark.parametrize("name", MODELS)
def test_full_size_model_analytic_equals_keras(name, same_summary):
    spec = model_spec(name)
    size = FULL_INPUT.get(name, 299)
    analytic = analyze_model(spec, (size, size, 3), 1000)
    model = models.build(spec, (size, size, 3))
    same_summary(analytic, models.keras_summary(model))
    assert model.count_params() == analytic.total_params


MINI = [
    ("googlenet", dict(width=0.25, depth=0.5), 32),
    ("googlenet", dict(width=0.25, aux_heads=True, classes=10), 32),
    ("inception_v3", dict(width=0.2, depth=0.5, aux_head=True, classes=7), 75),
    ("inception_v4", dict(width=0.2, depth=0.3, classes=3), 75),
    ("inception_resnet_v1", dict(width=0.2, depth=0.3, classes=5), 80),
    ("inception_resnet_v2", dict(width=0.2, depth=0.1, classes=2), 75),
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
    return Conv("c", draw(st.integers(1, 12)), draw(KERNELS),
                batch_norm=batch_norm, use_bias=draw(st.booleans()) or not batch_norm,
                activation=draw(st.sampled_from([None, "relu"])))


@st.composite
def branches(draw, index, reduce):
    ops = draw(st.lists(st.one_of(convs(), st.sampled_from(
        [Pool("p", "max"), Pool("p", "avg")])), min_size=1, max_size=3))
    if reduce:  # a grid reduction: every branch ends with a 3x3/2 'valid' window
        ops.append(draw(st.sampled_from([Conv("c", 4, 3, 2, "valid"),
                                         Pool("p", "max", 3, 2, "valid")])))
    return Sequence(f"b{index}", tuple(
        Conv(**{**op.__dict__, "name": f"op{i}"}) if isinstance(op, Conv)
        else Pool(**{**op.__dict__, "name": f"op{i}"}) for i, op in enumerate(ops)))


@st.composite
def blocks(draw):
    residual = draw(st.booleans())
    reduce = not residual and draw(st.booleans())
    count = draw(st.integers(1, 4))
    parts = tuple(draw(branches(i + 1, reduce)) for i in range(count))
    if residual:
        return Residual("block", parts, scale=draw(st.sampled_from([0.1, 0.2, 1.0])),
                        activation=draw(st.sampled_from([None, "relu"])))
    return Concat("block", parts)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(block=blocks(), height=st.integers(5, 12), width=st.integers(5, 12),
       channels=st.integers(1, 9))
def test_random_blocks_analytic_equals_keras(block, height, width, channels):
    analytic = analyze(block, (height, width, channels))
    inputs = keras.Input((height, width, channels))
    created: list = []
    outputs = build_node(block, inputs, block.name, created)
    assert tuple(outputs.shape[1:]) == analytic.output_shape
    assert sum(layer.count_params() for layer in created) == analytic.params
    assert sum(models.layer_macs(layer) for layer in created) == analytic.macs
    assert {row.name for row in analytic.layers} <= {layer.name for layer in created}
