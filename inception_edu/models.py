"""The public model builders (the DESIGN contract), each returning a ``keras.Model``.

Every builder validates its arguments first (a ``ValueError`` naming what was received
and what is allowed; a misspelt keyword names the allowed ones), analyzes its spec (so
an impossible shape is reported by layer name, not by a TensorFlow error deep in the
graph), then builds the Keras functional graph from the spec of :mod:`inception_edu.zoo`:

- :func:`googlenet`, :func:`inception_v3`, :func:`inception_v4`,
  :func:`inception_resnet_v1`, :func:`inception_resnet_v2`.

Options every builder takes: ``input_shape``, ``classes``, ``include_top``, ``width``
(filter multiplier), ``depth`` (repeat multiplier), ``classifier_activation``
(``"softmax"``, or ``None`` for logits, as ``keras.applications`` allows) and
``final_endpoint`` (stop after that block, as tf-slim's builders do). The
Inception-ResNets also take ``residual_scales=(a, b, c)``.

What a built model holds is read off the model itself (:mod:`inception_edu.keras_build`):
:func:`end_points`, :func:`keras_summary`, :func:`parameter_depth`; and the released
ImageNet weights load with :func:`load_imagenet_weights` when the machine is online.
"""

from __future__ import annotations

from inception_edu.keras_build import (
    ScaledResidual,
    WeightsUnavailableError,
    build,
    check_model,
    end_points,
    keras_summary,
    layer_macs,
    load_imagenet_weights,
    parameter_depth,
    stage_layers,
    transfer_weights,
)
from inception_edu.spec.checks import checks_keywords
from inception_edu.zoo.inception_resnet import RESIDUAL_SCALES
from inception_edu.zoo.registry import model_spec

__all__ = [
    "BUILDERS",
    "ScaledResidual",
    "WeightsUnavailableError",
    "build",
    "check_model",
    "end_points",
    "googlenet",
    "inception_resnet_v1",
    "inception_resnet_v2",
    "inception_v3",
    "inception_v4",
    "keras_summary",
    "layer_macs",
    "load_imagenet_weights",
    "parameter_depth",
    "stage_layers",
    "transfer_weights",
]


def _builder(name: str, input_shape, final_endpoint, **options):
    return build(model_spec(name, **options), input_shape, final_endpoint)


@checks_keywords
def googlenet(
    input_shape=(224, 224, 3),
    classes: int = 1000,
    include_top: bool = True,
    width: float = 1.0,
    depth: float = 1.0,
    aux_heads: bool = False,
    classifier_activation: str | None = "softmax",
    final_endpoint: str | None = None,
):
    """GoogLeNet / Inception-v1 (Szegedy et al. 2014), module widths from Table 1.

    Args:
        input_shape: (height, width, channels), at least 32x32.
        classes: width of the classifier.
        include_top: add global average pool, dropout 0.4 and the classifier.
        width: multiplies every filter count (1.0 = the paper's).
        depth: fraction of modules kept per stage (1.0 = the paper's 2/5/2).
        aux_heads: add the auxiliary classifiers after 4a and 4d; the model then returns
            ``{"main", "aux_4a", "aux_4d"}``.
        classifier_activation: ``"softmax"``, or ``None`` for logits.
        final_endpoint: a block name to stop after (``"inception_4e"``), or ``None``.
            With ``aux_heads=True`` only ``None`` or the last block (a cut would drop
            the heads).
    """
    return _builder(
        "googlenet",
        input_shape,
        final_endpoint,
        classes=classes,
        include_top=include_top,
        width=width,
        depth=depth,
        aux_heads=aux_heads,
        classifier_activation=classifier_activation,
    )


@checks_keywords
def inception_v3(
    input_shape=(299, 299, 3),
    classes: int = 1000,
    include_top: bool = True,
    width: float = 1.0,
    depth: float = 1.0,
    aux_head: bool = False,
    classifier_activation: str | None = "softmax",
    final_endpoint: str | None = None,
):
    """Inception-v3 (Szegedy et al. 2015) as ``keras.applications.InceptionV3``.

    At full size it has exactly Keras' parameter count and the same shape at every
    ``mixed0..mixed10`` (our ``mixed_5b..mixed_7c``). Minimum input 75x75.
    ``aux_head=True`` adds the batch-normalised auxiliary classifier on ``mixed_6e`` and
    returns ``{"main", "aux"}``. Other options as :func:`googlenet`.
    """
    return _builder(
        "inception_v3",
        input_shape,
        final_endpoint,
        classes=classes,
        include_top=include_top,
        width=width,
        depth=depth,
        aux_head=aux_head,
        classifier_activation=classifier_activation,
    )


@checks_keywords
def inception_v4(
    input_shape=(299, 299, 3),
    classes: int = 1000,
    include_top: bool = True,
    width: float = 1.0,
    depth: float = 1.0,
    classifier_activation: str | None = "softmax",
    final_endpoint: str | None = None,
):
    """Inception-v4 (Szegedy et al. 2016, Figure 9). Minimum input 75x75."""
    return _builder(
        "inception_v4",
        input_shape,
        final_endpoint,
        classes=classes,
        include_top=include_top,
        width=width,
        depth=depth,
        classifier_activation=classifier_activation,
    )


@checks_keywords
def inception_resnet_v1(
    input_shape=(299, 299, 3),
    classes: int = 1000,
    include_top: bool = True,
    width: float = 1.0,
    depth: float = 1.0,
    residual_scales=RESIDUAL_SCALES,
    classifier_activation: str | None = "softmax",
    final_endpoint: str | None = None,
):
    """Inception-ResNet-v1 (Szegedy et al. 2016, Figure 15). Minimum input 75x75.

    ``residual_scales=(a, b, c)`` scales the residuals of the A, B and C blocks (the last
    C block stays unscaled, as in every reference implementation).
    """
    return _builder(
        "inception_resnet_v1",
        input_shape,
        final_endpoint,
        classes=classes,
        include_top=include_top,
        width=width,
        depth=depth,
        residual_scales=residual_scales,
        classifier_activation=classifier_activation,
    )


@checks_keywords
def inception_resnet_v2(
    input_shape=(299, 299, 3),
    classes: int = 1000,
    include_top: bool = True,
    width: float = 1.0,
    depth: float = 1.0,
    residual_scales=RESIDUAL_SCALES,
    classifier_activation: str | None = "softmax",
    final_endpoint: str | None = None,
):
    """Inception-ResNet-v2 as ``keras.applications.InceptionResNetV2`` (10/20/10 blocks,
    the released checkpoint's; ``depth=0.5`` gives the paper's 5/10/5). Minimum 75x75.
    ``residual_scales`` as :func:`inception_resnet_v1`."""
    return _builder(
        "inception_resnet_v2",
        input_shape,
        final_endpoint,
        classes=classes,
        include_top=include_top,
        width=width,
        depth=depth,
        residual_scales=residual_scales,
        classifier_activation=classifier_activation,
    )


BUILDERS = {
    "googlenet": googlenet,
    "inception_v3": inception_v3,
    "inception_v4": inception_v4,
    "inception_resnet_v1": inception_resnet_v1,
    "inception_resnet_v2": inception_resnet_v2,
}
