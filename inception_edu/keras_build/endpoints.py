"""What a built model holds, read off the model itself: no state is kept beside it.

The builders name every layer after where it sits (see :mod:`inception_edu.spec.nodes`):
a stage's output layer carries the stage's name and its other layers ``stage_...``, and
no stage name is another's plus ``_...``. So the stages of a model are exactly its layers
whose name does not start with another layer's name plus ``_``; this holds after
``keras.models.load_model`` and ``keras.models.clone_model`` too, since names survive
both. The graph's edges come from ``model.get_config()``, Keras' public description of a
functional model.

- :func:`end_points`: stage name -> output tensor, in order (tf-slim's teaching hook);
- :func:`stage_layers`, :func:`stage_of`: which layers make up each stage;
- :func:`keras_summary`: shapes, parameters and multiply-adds read off the built layers,
  the counterpart of :func:`inception_edu.analysis.analyze_model`;
- :func:`parameter_depth`: layers with parameters on the longest path to an output.
"""

from __future__ import annotations

import math

from inception_edu.analysis.engine import LayerRow, ModelSummary, NodeSummary
from inception_edu.backend import keras

__all__ = [
    "check_model",
    "end_points",
    "keras_summary",
    "layer_macs",
    "output_layer_names",
    "parameter_depth",
    "stage_layers",
    "stage_of",
]


def check_model(model, what: str = "model") -> None:
    """``ValueError`` unless ``model`` is a Keras model."""
    if not isinstance(model, keras.Model):
        raise ValueError(f"{what} must be a keras.Model. Received: {type(model).__name__}")


def _named_layers(model) -> list:
    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


def output_layer_names(model) -> dict:
    """Output name -> the layer that produces it (``{"main": "classifier", ...}``; a
    single-output model gives ``{"main": <its last layer>}``)."""
    check_model(model)
    outputs = model.get_config().get("output_layers")
    if isinstance(outputs, dict):
        return {key: value[0] for key, value in outputs.items()}
    if outputs and isinstance(outputs[0], str):  # one output: [name, node, tensor]
        return {"main": outputs[0]}
    return {"main": outputs[0][0]} if outputs else {}


def _stage_names(model) -> list:
    names = [layer.name for layer in _named_layers(model)]
    known = set(names)

    def is_stage(name: str) -> bool:
        parts = name.split("_")
        return not any("_".join(parts[:i]) in known for i in range(1, len(parts)))

    stages = [name for name in names if is_stage(name)]
    aux = set(output_layer_names(model)) - {"main"}
    return [s for s in stages if s not in aux] + [s for s in stages if s in aux]


def stage_of(layer_name: str, stages) -> str | None:
    """The stage (one of ``stages``) that ``layer_name`` belongs to, or ``None``."""
    for stage in stages:
        if layer_name == stage or layer_name.startswith(stage + "_"):
            return stage
    return None


def stage_layers(model) -> dict:
    """Stage name -> its layers (the stage's output layer last), stages in order."""
    check_model(model)
    stages = _stage_names(model)
    grouped: dict = {stage: [] for stage in stages}
    by_prefix = sorted(stages, key=len, reverse=True)
    for layer in _named_layers(model):
        grouped[stage_of(layer.name, by_prefix)].append(layer)
    for stage, members in grouped.items():  # the stage's own layer is its output
        own = next(layer for layer in members if layer.name == stage)
        members.remove(own)
        members.append(own)
    return grouped


def end_points(model) -> dict:
    """Stage name -> output tensor, input to output, aux heads last: "what shape is here?".

    Works for any model the builders made, also after ``model.save`` and
    ``keras.models.load_model``, or ``keras.models.clone_model``.
    """
    return {stage: members[-1].output for stage, members in stage_layers(model).items()}


def layer_macs(layer) -> int:
    """Multiply-accumulates of one built Conv2D or Dense layer for one image (else 0)."""
    if isinstance(layer, keras.layers.Conv2D):
        return math.prod(layer.output.shape[1:3]) * math.prod(layer.kernel.shape)
    if isinstance(layer, keras.layers.Dense):
        return math.prod(layer.kernel.shape)
    return 0


def _layer_row(layer) -> LayerRow:
    kernel = layer.kernel if isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense)) else None
    return LayerRow(
        layer.name,
        type(layer).__name__,
        tuple(layer.output.shape[1:]),
        layer.count_params(),
        math.prod(kernel.shape) if kernel is not None else 0,
        layer_macs(layer),
    )


def _classes(model) -> int | None:
    """The main classifier's width, if the main output is a dense layer."""
    layer = model.get_layer(output_layer_names(model)["main"])
    return layer.units if isinstance(layer, keras.layers.Dense) else None


def keras_summary(model) -> ModelSummary:
    """What Keras counts of a built model, grouped by stage like the analytic summary."""
    stages = stage_layers(model)
    summary = ModelSummary(model.name, tuple(model.input.shape[1:]), _classes(model))
    for name, members in stages.items():
        rows = tuple(_layer_row(layer) for layer in members)
        first = members[0].input
        input_shape = () if isinstance(first, list) else tuple(first.shape[1:])
        summary.blocks.append(NodeSummary(name, input_shape, rows[-1].output_shape, rows))
    return summary


def _inbound(layer_config) -> list:
    """Names of the layers feeding a layer, from its serialized config."""
    found: list = []

    def walk(value):
        if isinstance(value, dict):
            history = (
                value.get("config", {}).get("keras_history")
                if value.get("class_name") == "__keras_tensor__"
                else None
            )
            if history:
                found.append(history[0])
            else:
                for item in value.values():
                    walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(layer_config.get("inbound_nodes", []))
    return found


def parameter_depth(model, output: str | None = None) -> int:
    """Conv and dense layers on the longest path from the input to an output of ``model``.

    Read off the built Keras graph (the analytic twin is
    :func:`inception_edu.analysis.parameter_depth`). ``output`` names one output of a
    multi-output model (default: ``"main"``).
    """
    outputs = output_layer_names(model)
    key = output or "main"
    if key not in outputs:
        raise ValueError(f"No output {key!r}. Allowed: {sorted(outputs)}")
    depths: dict = {}
    for config in model.get_config()["layers"]:  # in topological order
        below = max((depths[parent] for parent in _inbound(config)), default=0)
        layer = model.get_layer(config["name"])
        depths[config["name"]] = below + isinstance(
            layer, (keras.layers.Conv2D, keras.layers.Dense)
        )
    return depths[outputs[key]]
