"""Batch-norm statistics after a short run: set them from the data, as a long run would.

During training a batch-norm layer normalises with the batch's own statistics and keeps a
running average of them (momentum 0.9 in the course's builders) for inference. After a
few dozen large steps that average still describes earlier weights, and a network scored
in inference mode is misjudged: notebook 08's unscaled network scored 49% with its stored
statistics and 85% with its own; notebook 09's course folder, 39% against 74% for a small
Inception-ResNet-v2 trained six epochs from scratch. :func:`settle_batch_norm` stores the
current network's statistics, as stochastic weight averaging's ``bn_update`` does
(Izmailov et al. 2018, section 3.2).
"""

from __future__ import annotations

import numpy as np

from inception_edu.backend import keras
from inception_edu.keras_build import check_model
from inception_edu.spec.checks import check_int

__all__ = ["batch_norm_layers", "settle_batch_norm"]


def batch_norm_layers(model) -> list:
    """Every ``BatchNormalization`` layer of ``model``, nested models included."""
    found = []
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found += batch_norm_layers(layer)
        elif isinstance(layer, keras.layers.BatchNormalization):
            found.append(layer)
    return found


def settle_batch_norm(model, x, max_images: int | None = None) -> None:
    """Set every batch-norm layer's stored mean and variance to those of ``x`` (its first
    ``max_images`` images; ``None``: all), in one pass with the momentum at 0."""
    check_model(model)
    if max_images is not None:
        x = x[: check_int(max_images, "max_images", 1)]
    layers = batch_norm_layers(model)
    momenta = [layer.momentum for layer in layers]
    for layer in layers:
        layer.momentum = 0.0
    try:
        model(np.asarray(x, dtype=np.float32), training=True)
    finally:
        for layer, momentum in zip(layers, momenta, strict=True):
            layer.momentum = momentum
