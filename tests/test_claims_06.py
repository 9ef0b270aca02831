"""Claims C21-C24 (notebook 06, the Inception-v3 recipe): what the notebook prints, held to
its verdicts."""

import numpy as np
import pytest

from inception_edu.backend import keras
from inception_edu.course import history
from inception_edu.spec.nodes import Conv, ops_of
from inception_edu.training import GOOGLENET, INCEPTION_V3, Recipe
from inception_edu.zoo import model_spec


def test_c21_keras_label_smoothing_trains_on_the_sources_targets():
    """Keras' ``label_smoothing=ε`` on one-hot rows gives the loss of the source's
    targets (each wrong class e = ε/K, the right one 1 - (K-1)e), which is what the
    course's runner trains on (``Recipe.targets``)."""
    classes, epsilon, labels = 10, 0.1, np.array([3, 0, 9])
    logits = np.random.default_rng(0).normal(size=(3, classes)).astype("float32")
    e = epsilon / classes
    source = np.full((3, classes), e)
    source[np.arange(3), labels] = 1 - (classes - 1) * e
    course = Recipe(label_smoothing=epsilon).targets(labels, classes)
    np.testing.assert_allclose(course, source, rtol=1e-6)
    keras_loss = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=epsilon)
    plain_loss = keras.losses.CategoricalCrossentropy(from_logits=True)
    assert float(keras_loss(np.eye(classes)[labels], logits)) == pytest.approx(
        float(plain_loss(source, logits)), rel=1e-5
    )


def _convs(node):
    return [op for op in ops_of(node) if isinstance(op, Conv)]


def test_c22_inception_v3_has_the_four_changes_and_googlenet_none():
    v3 = model_spec("inception_v3", aux_head=True)
    stem = [c for stage in v3.stages[:4] for c in _convs(stage)][:3]
    assert [c.kernel for c in stem] == [(3, 3)] * 3  # the factorized 7x7
    assert all(c.batch_norm for c in _convs(v3.aux_heads[-1].head))
    assert (INCEPTION_V3.optimizer, INCEPTION_V3.label_smoothing) == ("rmsprop", 0.1)
    assert (INCEPTION_V3.rho, INCEPTION_V3.epsilon, INCEPTION_V3.clipnorm) == (0.9, 1.0, 2.0)

    googlenet = model_spec("googlenet", aux_heads=True)
    first = [c for stage in googlenet.stages[:4] for c in _convs(stage)][0]
    assert first.kernel == (7, 7)
    assert not any(c.batch_norm for head in googlenet.aux_heads for c in _convs(head.head))
    assert (GOOGLENET.optimizer, GOOGLENET.label_smoothing) == ("sgd", 0.0)


def test_c23_the_ablation_table_is_the_papers_and_each_row_improves():
    rows = {name: (top1, top5, cost) for name, top1, top5, cost in history.V3_ABLATION}
    assert rows["GoogLeNet"] == (29.0, 9.2, 1.5)
    assert rows["+ BN-auxiliary"] == (21.2, 5.6, 4.8)  # the abstract's 21.2% / 5.6%
    top1 = [row[1] for row in history.V3_ABLATION]
    assert top1 == sorted(top1, reverse=True)
    free = [name for name, *_, cost in history.V3_ABLATION if cost == 3.8][1:]
    assert free == ["+ RMSProp", "+ Label Smoothing"]  # the recipe changes cost nothing


def test_c24_144_crops_cannot_give_a_top1_error_of_4_1_percent_it_is_a_top5_error():
    # from the paper's single-crop row (Table 3) and its 144-crop row (Table 4)
    one_crop = {row[0]: row[1:3] for row in history.V3_ABLATION}["+ BN-auxiliary"]
    assert one_crop == (21.2, 5.6)
    evaluation, top1, top5 = history.V3_MULTICROP[0]
    assert (evaluation, top1, top5) == ("Inception-v3, one model, 144 crops (Table 4)", 18.77, 4.2)
    assert round(one_crop[0] - top1, 2) == 2.43  # what 144 crops gained in top-1
    assert round(one_crop[0] - 4.1, 1) == 17.1  # what a 4.1% top-1 would need
    assert 4.1 < top5  # below the top-5 error of the same predictions: impossible
    assert all(row[1] > row[2] for row in history.V3_MULTICROP)  # top-1 >= top-5 always
    assert abs(4.1 - top5) < 0.15  # the source's number is the top-5 error
