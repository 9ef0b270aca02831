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
import re

from inception_edu.analysis.engine import LayerRow, ModelSummary, NodeSummary
from inception_edu.backend import keras
from inception_edu.i18n import N_, _

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
        raise ValueError(
            _("{what} must be a keras.Model. Received: {type}").format(
                what=what, type=type(model).__name__
            )
        )


def _named_layers(model) -> list:
    return [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]


#: What the stage readers (:func:`end_points`, :func:`stage_layers`, :func:`keras_summary`)
#: can read, said in each of their errors.
READABLE = N_(
    "models built by inception_edu.models (googlenet, inception_v3, inception_v4, "
    "inception_resnet_v1, inception_resnet_v2, build(spec)), also after "
    "keras.models.load_model or clone_model: their layers are named after their stage "
    "('inception_3a', 'inception_3a_b1_1x1', ...)"
)


def _functional_config(model, reader: str) -> dict:
    """``model.get_config()`` of a functional model without nested models, else a
    ``ValueError`` saying what ``reader`` found and what it reads."""
    check_model(model)
    try:
        config = model.get_config()
    except NotImplementedError:  # a subclassed model with its own constructor arguments
        config = None
    if not isinstance(config, dict) or "output_layers" not in config or "layers" not in config:
        raise ValueError(
            _(
                "{reader} reads the graph of a functional keras.Model "
                "(keras.Model(inputs, outputs)); {readable}. Received: a "
                "{type} model {name!r}, which is not functional"
            ).format(
                reader=reader, readable=_(READABLE), type=type(model).__name__, name=model.name
            )
        )
    nested = [layer.name for layer in model.layers if isinstance(layer, keras.Model)]
    if nested:
        raise ValueError(
            _(
                "{reader} reads models whose layers are plain layers; {readable}. Received: "
                "model {name!r} with the nested model(s) {nested} among its layers"
            ).format(reader=reader, readable=_(READABLE), name=model.name, nested=nested)
        )
    return config


def output_layer_names(model) -> dict:
    """Output name -> the layer that produces it (``{"main": "classifier", ...}``; a
    single-output model gives ``{"main": <its last layer>}``)."""
    check_model(model)
    if isinstance(model, keras.Sequential):
        return {"main": model.layers[-1].name} if model.layers else {}
    return _output_layer_names(model.get_config())


def _output_layer_names(config: dict) -> dict:
    outputs = config.get("output_layers")
    if isinstance(outputs, dict):
        return {key: value[0] for key, value in outputs.items()}
    if outputs and isinstance(outputs[0], str):  # one output: [name, node, tensor]
        return {"main": outputs[0]}
    return {"main": outputs[0][0]} if outputs else {}


def _is_stage_name(name: str, known: set) -> bool:
    parts = name.split("_")
    return not any("_".join(parts[:i]) in known for i in range(1, len(parts)))


def _is_automatic(layer) -> bool:
    """Whether ``layer`` carries the name Keras gives a second or later layer of its class
    (``conv2d_1``, ``batch_normalization_7``); the builders never give such names."""
    kind = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", type(layer).__name__)
    kind = re.sub("([a-z])([A-Z])", r"\1_\2", kind).lower()
    return re.fullmatch(rf"{re.escape(kind)}_\d+", layer.name) is not None


def _read_stages(model, reader: str) -> list:
    """The stage names of a model the builders made, input to output and aux heads last.

    Checks what the builders' naming guarantees, so a model named otherwise (Keras'
    automatic ``conv2d``, ``conv2d_1``, or ``keras.applications``' layers) is a
    ``ValueError``, never stages made up from its names: one input; every output is a
    stage's own layer; and every edge that leaves a stage starts at that stage's own
    layer, which nothing inside the stage reads; and no layer carries Keras' automatic
    name (``conv2d_3``: a model read by names alone would otherwise depend on how many
    layers Keras had named before).
    """
    config = _functional_config(model, reader)
    found = _("{reader} cannot read model {name!r}").format(reader=reader, name=model.name)
    if len(model.inputs) != 1:
        raise ValueError(
            _(
                "{found}: it has {count} inputs and {reader} reads {readable}, which have one"
            ).format(found=found, count=len(model.inputs), reader=reader, readable=_(READABLE))
        )
    layers = [c for c in config["layers"] if c.get("class_name") != "InputLayer"]
    names = [c["name"] for c in layers]
    known = set(names)
    stages = [name for name in names if _is_stage_name(name, known)]
    by_prefix = sorted(stages, key=len, reverse=True)
    owner = {name: stage_of(name, by_prefix) for name in names}
    hint = _(
        "{reader} reads {readable}; a layer name that starts with another layer's name "
        "and '_' is read as part of that layer's stage (Keras' automatic names such as "
        "'conv2d', 'conv2d_1' do not say where a layer sits)"
    ).format(reader=reader, readable=_(READABLE))
    for layer_config in layers:
        child = layer_config["name"]
        for parent in _inbound(layer_config):
            stage = owner.get(parent)
            if stage is None or parent == child:
                continue
            if stage != owner[child] and parent != stage:
                raise ValueError(
                    _(
                        "{found}: its layer {parent!r} would be inside stage {stage!r}, yet "
                        "feeds {child!r} outside it. {hint}"
                    ).format(found=found, parent=parent, stage=stage, child=child, hint=hint)
                )
            if stage == owner[child] and parent == stage:
                raise ValueError(
                    _(
                        "{found}: stage {stage!r} would end at its layer {stage!r}, yet "
                        "{child!r} reads it inside the stage. {hint}"
                    ).format(found=found, stage=stage, child=child, hint=hint)
                )
    automatic = next((layer for layer in _named_layers(model) if _is_automatic(layer)), None)
    if automatic is not None:
        raise ValueError(
            _(
                "{found}: its layer {name!r} carries Keras' automatic name for a "
                "{type}, which does not say which block it belongs to. {hint}"
            ).format(found=found, name=automatic.name, type=type(automatic).__name__, hint=hint)
        )
    outputs = _output_layer_names(config)
    loose = [name for name in outputs.values() if name not in stages]
    if loose:
        raise ValueError(
            _(
                "{found}: its output layer(s) {loose} would be inside stage(s) {stages}. {hint}"
            ).format(
                found=found, loose=loose, stages=[owner.get(name) for name in loose], hint=hint
            )
        )
    aux = set(outputs) - {"main"}
    return [s for s in stages if s not in aux] + [s for s in stages if s in aux]


def stage_of(layer_name: str, stages) -> str | None:
    """The stage (one of ``stages``) that ``layer_name`` belongs to, or ``None``."""
    for stage in stages:
        if layer_name == stage or layer_name.startswith(stage + "_"):
            return stage
    return None


def stage_layers(model) -> dict:
    """Stage name -> its layers (the stage's output layer last), stages in order.

    Reads models the builders made (also loaded or cloned); any other model is a
    ``ValueError`` that says what was found.
    """
    return _stage_layers(model, "stage_layers")


def _stage_layers(model, reader: str) -> dict:
    stages = _read_stages(model, reader)
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
    ``keras.models.load_model``, or ``keras.models.clone_model``. Any other model (Keras'
    automatic layer names, ``keras.applications``, a ``Sequential``) is a ``ValueError``
    that says what was found, never stages made up from its layer names.
    """
    stages = _stage_layers(model, "end_points")
    return {stage: members[-1].output for stage, members in stages.items()}


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
    stages = _stage_layers(model, "keras_summary")
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
    multi-output model (default: ``"main"``). Reads any functional model whose layers
    are plain layers (a ``Sequential`` or nested model is a ``ValueError``).
    """
    config = _functional_config(model, "parameter_depth")
    outputs = _output_layer_names(config)
    key = "main" if output is None else output
    if key not in outputs:
        raise ValueError(
            _(
                "output must be one of {outputs} (the outputs of {name!r}). "
                "Received: output={key!r}"
            ).format(outputs=", ".join(map(repr, outputs)), name=model.name, key=key)
        )
    depths: dict = {}
    for layer_config in config["layers"]:  # in topological order
        below = max((depths[parent] for parent in _inbound(layer_config)), default=0)
        layer = model.get_layer(layer_config["name"])
        depths[layer_config["name"]] = below + isinstance(
            layer, (keras.layers.Conv2D, keras.layers.Dense)
        )
    return depths[outputs[key]]
