"""settle_batch_norm stores the data's own statistics and leaves the momentum as it was."""

import numpy as np
import pytest

from inception_edu.backend import keras
from inception_edu.training.batch_norm import batch_norm_layers, settle_batch_norm


def _net():
    inputs = keras.Input((4,))
    inner = keras.Sequential([keras.layers.BatchNormalization(momentum=0.9)])
    x = keras.layers.BatchNormalization(momentum=0.9, name="outer")(inputs)
    return keras.Model(inputs, inner(x))


def test_the_stored_statistics_become_the_datas():
    net = _net()
    x = np.random.default_rng(0).normal(3.0, 2.0, size=(64, 4)).astype("float32")
    assert len(batch_norm_layers(net)) == 2  # the nested model's layer is found too
    settle_batch_norm(net, x)
    outer = net.get_layer("outer")
    np.testing.assert_allclose(outer.moving_mean.numpy(), x.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(outer.moving_variance.numpy(), x.var(axis=0), rtol=1e-4)
    assert all(layer.momentum == 0.9 for layer in batch_norm_layers(net))
    settle_batch_norm(net, x + 1.0, max_images=8)
    np.testing.assert_allclose(outer.moving_mean.numpy(), x[:8].mean(axis=0) + 1.0, rtol=1e-5)


def test_bad_arguments():
    with pytest.raises(ValueError, match="max_images"):
        settle_batch_norm(_net(), np.zeros((4, 4)), max_images=0)
    with pytest.raises(ValueError):
        settle_batch_norm("not a model", np.zeros((4, 4)))
