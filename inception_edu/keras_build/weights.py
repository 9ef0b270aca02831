"""The released ImageNet weights of ``keras.applications``, loaded into our graphs.

Our Inception-v3 and Inception-ResNet-v2 create their weighted layers in the order Keras'
``keras.applications`` models do, so the released weights fit layer for layer
(:func:`transfer_weights`). Downloading them needs the internet: offline,
:func:`load_imagenet_weights` says so plainly (:class:`WeightsUnavailableError`).
:func:`reinitialize` redraws a model's weights from a seed (notebooks 08 and 10 start their
variants from the same draw).
"""

from __future__ import annotations

import zlib

from inception_edu.backend import keras
from inception_edu.i18n import _
from inception_edu.keras_build.endpoints import check_model, output_layer_names
from inception_edu.spec.checks import check_int

__all__ = [
    "WeightsUnavailableError",
    "layer_seed",
    "load_imagenet_weights",
    "reinitialize",
    "transfer_weights",
]


def _weighted_layers(model) -> list:
    return [layer for layer in model.layers if layer.weights]


def transfer_weights(source, target) -> int:
    """Copy every weight of ``source`` into ``target``, pairing weighted layers in order.

    Raises ``ValueError`` naming the first pair whose shapes differ. Returns the number of
    layers copied.
    """
    check_model(source, "source")
    check_model(target, "target")
    sources, targets = _weighted_layers(source), _weighted_layers(target)
    if len(sources) != len(targets):
        raise ValueError(
            _(
                "{source} has {sources} layers with weights, {target} has {targets}: "
                "they are not the same network."
            ).format(
                source=source.name, sources=len(sources), target=target.name, targets=len(targets)
            )
        )
    pairs = list(zip(sources, targets, strict=True))
    for src, dst in pairs:
        src_shapes = [tuple(w.shape) for w in src.weights]
        dst_shapes = [tuple(w.shape) for w in dst.weights]
        if src_shapes != dst_shapes:
            raise ValueError(
                _(
                    "Cannot copy {source} {source_shapes} into {target} {target_shapes}: "
                    "the networks differ here (width, depth, classes or input channels)."
                ).format(
                    source=src.name,
                    source_shapes=src_shapes,
                    target=dst.name,
                    target_shapes=dst_shapes,
                )
            )
    for src, dst in pairs:
        dst.set_weights(src.get_weights())
    return len(pairs)


_KERAS_APPLICATIONS = {
    "inception_v3": "InceptionV3",
    "inception_resnet_v2": "InceptionResNetV2",
}


class WeightsUnavailableError(RuntimeError):
    """The ImageNet weights could not be had (offline, or no cached copy)."""


def load_imagenet_weights(model):
    """Load the released ImageNet weights of ``keras.applications`` into ``model``.

    Works for full-size ``inception_v3`` and ``inception_resnet_v2`` models (with 1000
    classes if they have a top). Needs the internet, or a copy already cached in
    ``~/.keras/models``; otherwise raises :class:`WeightsUnavailableError` saying so, and
    the course goes on with its own weights.
    """
    check_model(model)
    if model.name not in _KERAS_APPLICATIONS:
        raise ValueError(
            _("ImageNet weights exist for {models}. Received: {name!r}").format(
                models=sorted(_KERAS_APPLICATIONS), name=model.name
            )
        )
    application = getattr(keras.applications, _KERAS_APPLICATIONS[model.name])
    main = model.get_layer(output_layer_names(model)["main"])
    include_top = isinstance(main, keras.layers.Dense)
    classes = main.units if include_top else 1000
    if model.input.shape[-1] != 3 or classes != 1000:
        raise ValueError(
            _(
                "ImageNet weights need RGB input (3 channels) and, with a top, 1000 classes. "
                "Received: {channels} channels, {classes} classes"
            ).format(channels=model.input.shape[-1], classes=classes)
        )
    # Width and depth are checked layer by layer by transfer_weights below; what fails
    # inside this try is the download (keras.utils.get_file raises a bare Exception).
    try:
        source = application(
            weights="imagenet", include_top=include_top, input_shape=tuple(model.input.shape[1:])
        )
    except Exception as error:  # no network, no cache, a blocked download
        raise WeightsUnavailableError(
            _(
                "ImageNet weights for {model} are unavailable here ({type}: {error}). This "
                "course runs offline; connect to the internet (e.g. in Colab) to try the "
                "pretrained path."
            ).format(model=model.name, type=type(error).__name__, error=error)
        ) from error
    transfer_weights(source, model)
    return model


# --------------------------------------------------------------------------- fresh draws


def layer_seed(seed: int, name: str) -> int:
    """A seed for one layer's draw from the run's ``seed`` and the layer's name: the same
    layer names draw the same weights in every network and every session."""
    return (seed * 1_000_003 + zlib.crc32(name.encode())) % 2**31


def _fresh(initializer, seed: int):
    """``initializer`` with its own seed: the same draw for the same seed and layer."""
    config = initializer.get_config()
    if "seed" in config:
        config["seed"] = seed
    return type(initializer).from_config(config)


def _reinitialize_layer(layer, seed: int) -> None:
    if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)):
        pairs = [(layer.kernel, layer.kernel_initializer)]
        if layer.bias is not None:
            pairs.append((layer.bias, layer.bias_initializer))
    elif isinstance(layer, keras.layers.BatchNormalization):
        pairs = [
            (layer.moving_mean, layer.moving_mean_initializer),
            (layer.moving_variance, layer.moving_variance_initializer),
        ]
        if layer.center:
            pairs.append((layer.beta, layer.beta_initializer))
        if layer.scale:
            pairs.append((layer.gamma, layer.gamma_initializer))
    elif layer.weights:
        raise ValueError(
            _(
                "reinitialize redraws Conv2D, Dense and BatchNormalization layers. Received "
                "layer {name!r} ({type}) with weights"
            ).format(name=layer.name, type=type(layer).__name__)
        )
    else:
        return
    for variable, initializer in pairs:
        draw = _fresh(initializer, layer_seed(seed, f"{layer.name}/{variable.name}"))
        variable.assign(draw(tuple(variable.shape), dtype=variable.dtype))


def reinitialize(model, seed: int = 0):
    """Redraw every weight of ``model`` from its layer's own initializer; return ``model``.

    Each variable's draw is seeded by ``seed`` and the layer's name, so networks that
    share layer names (the variants of one spec, side by side) start from the same
    weights for the same seed, and a seed gives the same weights in every session. The
    batch-norm statistics go back to mean 0 and variance 1. Nested models (a side-by-side
    model's replicas) are redrawn layer by layer. Layers with weights other than
    convolutions, dense layers and batch-norm are refused (``ValueError``).
    """
    check_model(model)
    seed = check_int(seed, "seed", 0)
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            reinitialize(layer, seed)
        else:
            _reinitialize_layer(layer, seed)
    return model
