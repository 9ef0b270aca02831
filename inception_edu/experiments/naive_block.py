"""Notebook 01's experiment: one-block "probes", trained the same way, compared.

:func:`compare_blocks` trains one-block probes (input -> one block -> global average
pool -> softmax) on the same batches from the same seed with the same recipe, through
:func:`~inception_edu.training.run`, so the only difference between two probes is the
block: which branches it has, and so which scales it can see. (To drop branches from a
block, use :func:`inception_edu.spec.transforms.keep_branches`; the bars are drawn by
:func:`inception_edu.viz.images.plot_per_class`.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inception_edu.analysis import analyze
from inception_edu.backend import keras
from inception_edu.data import Split
from inception_edu.i18n import _
from inception_edu.keras_build.graph import build_node
from inception_edu.spec.checks import check_int, check_number
from inception_edu.training.recipe import Recipe, check_recipe
from inception_edu.training.side_by_side import fit_side_by_side

__all__ = ["ProbeResult", "block_probe", "compare_blocks"]


def block_probe(block, input_shape, classes: int, contrast: float = 10.0) -> keras.Model:
    """Input -> standardised pixels -> ``block`` -> global average pool -> softmax.

    The generated patterns have a low contrast (pixel standard deviation about 0.08
    around 0.5); scaling pixels by ``contrast`` around 0.5 gives the single block inputs
    of order one, as any real input pipeline would, so that it learns in a few epochs.
    """
    classes = check_int(classes, "classes", 2)
    contrast = check_number(contrast, "contrast", 0, open_min=True)
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


def _side_by_side(blocks: dict, input_shape, classes: int, contrast: float = 10.0):
    """One Keras model holding a probe per block, side by side on the same input.

    Each probe has its own weights (its block, pooling and classifier), so the summed
    loss gives each exactly the gradient it would get alone, and Adam, which adapts per
    weight, updates each exactly as if it trained alone, on the same batches. Training
    them together costs one trace and one pass per batch instead of one per probe. The
    first probe's head is the model's ``"main"`` output (the runner's convention).
    """
    inputs = keras.Input(input_shape, name="input")
    x = keras.layers.Rescaling(contrast, offset=-0.5 * contrast, name="standardise")(inputs)
    outputs, params = {}, {}
    for index, (name, block) in enumerate(blocks.items()):
        analyze(block, input_shape)  # a bad block fails here with a clear message
        prefix = f"probe_{index}"
        y = build_node(block, x, f"{prefix}_{block.name}")
        y = keras.layers.GlobalAveragePooling2D(name=f"{prefix}_avg_pool")(y)
        key = "main" if index == 0 else prefix
        outputs[key] = keras.layers.Dense(
            classes, activation="softmax", name=f"{prefix}_classifier"
        )(y)
        params[name] = key
    return keras.Model(inputs, outputs, name="probes"), params


def compare_blocks(
    split,
    blocks: dict,
    epochs: int = 15,
    batch_size: int = 32,
    learning_rate: float = 1e-2,
    seed: int = 0,
    recipe=None,
) -> list:
    """Train a probe (input -> block -> global average pool -> softmax) for each
    ``{name: block}`` on ``split``; return their :class:`ProbeResult` in order.

    All probes train at once, side by side in one model (see :func:`_side_by_side`):
    from ``keras.utils.set_random_seed(seed)``, with the same recipe (``recipe``, by
    default Adam at ``learning_rate``; its loss weights are set to 1 for every probe),
    on the same batches of ``split``'s training part for ``epochs``. Each probe's
    validation accuracy, overall and per class, is measured once at the end.
    """
    epochs = check_int(epochs, "epochs", 1)
    seed = check_int(seed, "seed", 0)
    recipe = check_recipe(recipe, Recipe(optimizer="adam", learning_rate=learning_rate))
    if not isinstance(blocks, dict) or not blocks:
        raise ValueError(
            _("blocks must be a non-empty {{name: block}} dict. Received: {blocks!r}").format(
                blocks=blocks
            )
        )
    if not isinstance(split, Split):
        raise ValueError(
            _("split must be a data.Split. Received: {kind}").format(kind=type(split).__name__)
        )
    keras.utils.set_random_seed(seed)
    model, keys = _side_by_side(blocks, split.input_shape, split.num_classes)
    fit_side_by_side(model, keys.values(), split, recipe, epochs, batch_size, seed)
    # a direct call, not predict(): the validation set is small
    predictions = model(split.x_val, training=False)
    results = []
    for index, (name, key) in enumerate(keys.items()):
        probabilities = keras.ops.convert_to_numpy(predictions[key])
        correct = probabilities.argmax(axis=1) == split.y_val
        per_class = tuple(float(correct[split.y_val == c].mean()) for c in range(split.num_classes))
        params = sum(
            layer.count_params()
            for layer in model.layers
            if layer.name.startswith(f"probe_{index}_")
        )
        results.append(ProbeResult(name, params, float(np.mean(correct)), per_class))
    return results
