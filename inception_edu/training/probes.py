"""Small, fast experiments of the notebooks, kept here so their cells stay short.

:func:`compare_blocks` trains one-block "probes" (input -> one block -> global average
pool -> softmax) on the same data from the same seed, so the only difference between two
runs is the block: which branches it has, and so which scales it can see (notebook 01).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from inception_edu.analysis import analyze
from inception_edu.backend import keras
from inception_edu.keras_build.graph import build_node
from inception_edu.spec.nodes import Concat
from inception_edu.viz.figures import new_figure


def keep_branches(block: Concat, names) -> Concat:
    """A copy of ``block`` with only the branches named in ``names``, in block order."""
    names = (names,) if isinstance(names, str) else tuple(names)
    known = [b.name for b in block.branches]
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise ValueError(f"Branches of {block.name!r}: {known}. Received: {list(names)}")
    return replace(block, branches=tuple(b for b in block.branches if b.name in names))


def block_probe(block, input_shape, classes: int, contrast: float = 10.0) -> keras.Model:
    """Input -> standardised pixels -> ``block`` -> global average pool -> softmax.

    The generated patterns have a low contrast (pixel standard deviation about 0.08
    around 0.5); scaling pixels by ``contrast`` around 0.5 gives the single block inputs
    of order one, as any real input pipeline would, so that it learns in a few epochs.
    """
    analyze(block, input_shape)  # a bad block fails here with a clear message
    inputs = keras.Input(input_shape, name="input")
    x = keras.layers.Rescaling(contrast, offset=-0.5 * contrast, name="standardise")(inputs)
    x = build_node(block, x, block.name)
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = keras.layers.Dense(classes, activation="softmax", name="classifier")(x)
    return keras.Model(inputs, outputs, name=f"probe_{block.name}")


@dataclass(frozen=True)
class ProbeResult:
    """One trained probe: its parameters and validation accuracy, overall and per class."""

    name: str
    params: int
    val_accuracy: float
    per_class: tuple


def compare_blocks(split, blocks: dict, epochs: int = 15, batch_size: int = 32,
                   learning_rate: float = 1e-2, seed: int = 0) -> list:
    """Train a :func:`block_probe` for each ``{name: block}`` from the same seed."""
    if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 1:
        raise ValueError(f"epochs must be an int >= 1. Received: epochs={epochs!r}")
    if not isinstance(blocks, dict) or not blocks:
        raise ValueError(f"blocks must be a non-empty {{name: block}} dict. Received: {blocks!r}")
    if not hasattr(split, "x_train"):
        raise ValueError(f"split must be a data.Split. Received: {type(split).__name__}")
    results = []
    for name, block in blocks.items():
        keras.utils.set_random_seed(seed)
        model = block_probe(block, split.input_shape, split.num_classes)
        model.compile(keras.optimizers.Adam(learning_rate), "sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        model.fit(split.x_train, split.y_train, epochs=epochs, batch_size=batch_size,
                  verbose=0)
        # a direct call, not predict(): predict() in a loop makes TensorFlow warn about
        # retracing, and the validation set is small
        probabilities = keras.ops.convert_to_numpy(model(split.x_val, training=False))
        predicted = probabilities.argmax(axis=1)
        correct = predicted == split.y_val
        per_class = tuple(float(correct[split.y_val == c].mean())
                          for c in range(split.num_classes))
        results.append(ProbeResult(name, model.count_params(), float(correct.mean()),
                                   per_class))
    return results


def plot_per_class(results, class_names):
    """Grouped bars: each probe's validation accuracy on each class."""
    if not results:
        raise ValueError("plot_per_class needs at least one ProbeResult. Received: []")
    figure = new_figure(figsize=(9, 3.4), layout="constrained")
    ax = figure.subplots()
    width = 0.8 / len(results)
    positions = np.arange(len(class_names))
    for i, result in enumerate(results):
        ax.bar(positions + (i - (len(results) - 1) / 2) * width, result.per_class, width,
               label=f"{result.name} ({result.val_accuracy:.0%})")
    ax.set_xticks(positions, class_names)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("validation accuracy")
    ax.axhline(1 / len(class_names), color="grey", linestyle=":", linewidth=1)
    ax.set_title("accuracy on each class (dotted line: chance)", fontsize=11)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9)
    return figure


def show_examples(split, per_class: int = 4):
    """A grid of training images, one row per class, titled with the class names."""
    classes = split.num_classes
    figure = new_figure(figsize=(1.6 * per_class + 1.8, 1.5 * classes), layout="constrained")
    axes = figure.subplots(classes, per_class, squeeze=False)
    for label in range(classes):
        images = split.x_train[split.y_train == label][:per_class]
        for column, image in enumerate(images):
            ax = axes[label][column]
            ax.imshow(image[..., 0], cmap="gray", vmin=0, vmax=1)
            ax.set_xticks([])
            ax.set_yticks([])
        axes[label][0].set_ylabel(split.class_names[label], rotation=0, ha="right",
                                  va="center", fontsize=10)
    return figure
