"""Networks trained side by side: one model, each network learning as if alone."""

import numpy as np
import pytest

from inception_edu.backend import keras
from inception_edu.training import Recipe, run
from inception_edu.training.recipe import gives_logits
from inception_edu.training.side_by_side import replica_keys, side_by_side


def tiny(seed, logits=True):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((6, 6, 1))
    x = keras.layers.Conv2D(4, 3, activation="relu")(inputs)
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(3, activation=None if logits else "softmax")(x)
    return keras.Model(inputs, outputs)


@pytest.fixture(scope="module")
def data():
    rng = np.random.default_rng(0)
    return rng.random((48, 6, 6, 1), dtype=np.float32), np.arange(48) % 3


def test_outputs_are_the_replicas_in_order_and_logits_are_seen_through_the_nesting():
    model = side_by_side([tiny(0), tiny(1), tiny(2, logits=False)])
    assert list(model.output) == replica_keys(3) == ["main", "replica_1", "replica_2"]
    assert gives_logits(model, "main") and gives_logits(model, "replica_1")
    assert not gives_logits(model, "replica_2")


def test_a_replica_trains_as_if_alone(data):
    """Its weights after training side by side equal its weights trained alone."""
    recipe = Recipe(optimizer="adam", learning_rate=0.01)
    alone = tiny(0)
    run(alone, data, None, recipe, 2, batch_size=16, seed=5)
    pair = side_by_side([tiny(0), tiny(1)])
    run(
        pair,
        data,
        None,
        recipe.replace(loss_weights={k: 1.0 for k in replica_keys(2)}),
        2,
        batch_size=16,
        seed=5,
    )
    trained = pair.get_layer("main")
    for mine, theirs in zip(alone.get_weights(), trained.get_weights(), strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="at least one model"):
        side_by_side([])
    with pytest.raises(ValueError, match="keras.Model"):
        side_by_side([None])
    inputs = keras.Input((6, 6, 1))
    flat = keras.layers.Flatten()(inputs)
    two_heads = keras.Model(
        inputs, {"a": keras.layers.Dense(3)(flat), "b": keras.layers.Dense(3)(flat)}
    )
    with pytest.raises(ValueError, match="single-output models"):
        side_by_side([two_heads])
    other = keras.Input((5, 5, 1))
    smaller = keras.Model(other, keras.layers.Dense(3)(keras.layers.Flatten()(other)))
    with pytest.raises(ValueError, match="same input shape"):
        side_by_side([tiny(0), smaller])
