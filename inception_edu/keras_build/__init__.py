"""Spec -> Keras: the graph builder, the scaled-residual layer, what a built model holds
(end points, Keras' own counts, depth), the released ImageNet weights, and
:mod:`~inception_edu.keras_build.receptive_field` (which input pixels one output sees, and
how much each counts: notebook 04). Importing this package imports TensorFlow."""

from inception_edu.keras_build.endpoints import (
    check_model,
    end_points,
    keras_summary,
    layer_macs,
    output_layer_names,
    parameter_depth,
    stage_layers,
    stage_of,
)
from inception_edu.keras_build.graph import build, build_node
from inception_edu.keras_build.layers import ScaledResidual
from inception_edu.keras_build.weights import (
    WeightsUnavailableError,
    load_imagenet_weights,
    transfer_weights,
)

__all__ = [
    "ScaledResidual",
    "WeightsUnavailableError",
    "build",
    "build_node",
    "check_model",
    "end_points",
    "keras_summary",
    "layer_macs",
    "load_imagenet_weights",
    "output_layer_names",
    "parameter_depth",
    "stage_layers",
    "stage_of",
    "transfer_weights",
]
