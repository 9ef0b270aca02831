"""Notebook 07: its plain-Keras Reduction-A against the package's builder (issue 21,
point 11), and the small Inception-v4 that learns, on three seeds (issue 21, point 10).

The notebook trains one seed and prints one robust boolean ("this run learns: settled
validation accuracy above 50%"); these tests train seeds 0, 1 and 2 the same way (width
0.125, depth 0.25, 75x75 digits, Adam 3e-3, 2 epochs, batch norm settled on the training
images) and assert that boolean on each.
"""

import pytest
from helpers import printed_text

from inception_edu import models
from inception_edu.analysis import analyze_model
from inception_edu.backend import keras
from inception_edu.zoo import model_spec
from inception_edu.zoo.inception_v4 import REDUCTION_A_FILTERS

NOTEBOOK = "07_inception_v4.ipynb"
layers = keras.layers


def _conv_bn(x, filters, kernel, strides=1, padding="same"):
    x = layers.Conv2D(filters, kernel, strides, padding, use_bias=False)(x)
    return layers.ReLU()(layers.BatchNormalization(scale=False)(x))


def _reduction_a(x, k, l, m, n):  # noqa: E741  (the paper's letters)
    """The notebook's Reduction-A (Figure 7), without the package."""
    b1 = _conv_bn(x, n, 3, strides=2, padding="valid")
    b2 = _conv_bn(_conv_bn(_conv_bn(x, k, 1), l, 3), m, 3, strides=2, padding="valid")
    return layers.Concatenate()([b1, b2, layers.MaxPooling2D(3, 2)(x)])


@pytest.mark.parametrize("network", sorted(REDUCTION_A_FILTERS))
def test_plain_keras_reduction_a_is_the_package_s(network):
    """Each network's row of Table 1: the same output shape as the spec at 299x299 and the
    same parameters as the package's built model (parameters do not depend on the grid,
    so that model is built on the smallest input, 75x75)."""
    k, l, m, n = REDUCTION_A_FILTERS[network]  # noqa: E741
    block = analyze_model(model_spec(network), (299, 299, 3)).block("reduction_a")
    inputs = keras.Input(block.input_shape)
    mine = keras.Model(inputs, _reduction_a(inputs, k, l, m, n))
    built = models.BUILDERS[network](input_shape=(75, 75, 3), final_endpoint="reduction_a")
    theirs = sum(layer.count_params() for layer in models.stage_layers(built)["reduction_a"])
    assert mine.count_params() == theirs == block.params
    assert tuple(mine.output.shape[1:]) == block.output_shape
    assert block.output_shape[2] == block.input_shape[2] + n + m


def test_notebook_07_prints_its_reduction_a_check():
    printed = printed_text(NOTEBOOK)
    assert "k, l, m, n = 192, 224, 256, 384" in printed
    assert "plain Keras: (17, 17, 1024), 2,307,168 parameters" in printed
    assert "2,307,168 parameters; the same: True" in printed


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_small_inception_v4_learns_on_every_seed(seed):
    from inception_edu.data import load_digits_split
    from inception_edu.training import Recipe, run
    from inception_edu.training.batch_norm import settle_batch_norm

    digits = load_digits_split(image_size=75, seed=seed)
    keras.utils.set_random_seed(seed)
    model = models.inception_v4(input_shape=digits.input_shape, classes=10, width=0.125, depth=0.25)
    run(
        model,
        digits,
        None,
        Recipe(optimizer="adam", learning_rate=3e-3),
        2,
        batch_size=64,
        seed=seed,
    )
    settle_batch_norm(model, digits.x_train)
    predicted = model.predict(digits.x_val, verbose=0).argmax(axis=-1)
    assert float((predicted == digits.y_val).mean()) > 0.5, seed
