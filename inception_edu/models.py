"""The public model builders (the DESIGN contract) and what Keras counts of their graphs.

Each builder validates its arguments first (a ``ValueError`` naming what was received and
what is allowed), analyzes its spec (so impossible shapes are reported by name, not by a
TensorFlow error deep in the graph), then builds the Keras functional graph:

- :func:`googlenet`, :func:`inception_v3`, :func:`inception_v4`,
  :func:`inception_resnet_v1`, :func:`inception_resnet_v2`;
- :func:`end_points`: block name -> Keras tensor (tf-slim's best teaching hook);
- :func:`keras_summary`: shapes, parameters and multiply-adds read off the built layers,
  the counterpart of :func:`inception_edu.analysis.analyze_model`;
- :func:`transfer_weights` / :func:`load_imagenet_weights`: the released ImageNet weights
  of ``keras.applications`` go into our v3 and Inception-ResNet-v2, layer for layer.
"""

from __future__ import annotations

import math
import weakref

from inception_edu.analysis import (
    LayerRow,
    ModelSummary,
    NodeSummary,
    analyze_model,
    check_input_shape,
)
from inception_edu.architectures import model_spec
from inception_edu.backend import keras
from inception_edu.blocks import build_node
from inception_edu.specs import ModelSpec

# Which layers each stage of a built model created (weakly keyed: dies with the model).
_STAGE_LAYERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def build(spec: ModelSpec, input_shape) -> keras.Model:
    """Build the Keras functional model of ``spec`` for ``input_shape`` (H, W, C).

    The spec is analyzed first, so a bad shape raises ``ValueError`` naming the layer.
    A model with auxiliary heads returns a dict of named outputs, ``"main"`` first.
    """
    summary = analyze_model(spec, input_shape)
    inputs = keras.Input(shape=summary.input_shape, name="input")
    x, tensors, stage_layers = inputs, {}, {}
    for stage in spec.stages:
        created: list = []
        x = build_node(stage, x, stage.name, created)
        tensors[stage.name], stage_layers[stage.name] = x, created
    outputs = x
    if spec.aux_heads:
        outputs = {"main": x}
        for aux in spec.aux_heads:
            created = []
            outputs[aux.name] = build_node(aux.head, tensors[aux.after], aux.name, created)
            stage_layers[aux.name] = created
    model = keras.Model(inputs, outputs, name=spec.name)
    _STAGE_LAYERS[model] = stage_layers
    return model


def _builder(name: str, input_shape, **kwargs) -> keras.Model:
    spec = model_spec(name, **kwargs)
    default = (spec.default_input, spec.default_input, 3)
    shape = check_input_shape(default if input_shape is None else input_shape, spec.min_input,
                              name)
    return build(spec, shape)


def googlenet(input_shape=(224, 224, 3), classes: int = 1000, include_top: bool = True,
              width: float = 1.0, depth: float = 1.0, aux_heads: bool = False) -> keras.Model:
    """GoogLeNet / Inception-v1 (Szegedy et al. 2014), module widths from Table 1.

    Args:
        input_shape: (height, width, channels), at least 32x32.
        classes: number of softmax outputs.
        include_top: add global average pool, dropout 0.4 and the classifier.
        width: multiplies every filter count (1.0 = the paper's).
        depth: fraction of modules kept per stage (1.0 = the paper's 2/5/2).
        aux_heads: add the auxiliary classifiers after 4a and 4d; the model then returns
            ``{"main", "aux_4a", "aux_4d"}``.
    """
    return _builder("googlenet", input_shape, classes=classes, include_top=include_top,
                    width=width, depth=depth, aux_heads=aux_heads)


def inception_v3(input_shape=(299, 299, 3), classes: int = 1000, include_top: bool = True,
                 width: float = 1.0, depth: float = 1.0, aux_head: bool = False) -> keras.Model:
    """Inception-v3 (Szegedy et al. 2015) as ``keras.applications.InceptionV3``.

    At full size it has exactly Keras' parameter count and the same shape at every
    ``mixed0..mixed10`` (our ``mixed_5b..mixed_7c``). Minimum input 75x75.
    ``aux_head=True`` adds the batch-normalised auxiliary classifier on ``mixed_6e`` and
    returns ``{"main", "aux"}``.
    """
    return _builder("inception_v3", input_shape, classes=classes, include_top=include_top,
                    width=width, depth=depth, aux_head=aux_head)


def inception_v4(input_shape=(299, 299, 3), classes: int = 1000, include_top: bool = True,
                 width: float = 1.0, depth: float = 1.0) -> keras.Model:
    """Inception-v4 (Szegedy et al. 2016, Figure 9). Minimum input 75x75."""
    return _builder("inception_v4", input_shape, classes=classes, include_top=include_top,
                    width=width, depth=depth)


def inception_resnet_v1(input_shape=(299, 299, 3), classes: int = 1000,
                        include_top: bool = True, width: float = 1.0,
                        depth: float = 1.0) -> keras.Model:
    """Inception-ResNet-v1 (Szegedy et al. 2016, Figure 15). Minimum input 75x75."""
    return _builder("inception_resnet_v1", input_shape, classes=classes,
                    include_top=include_top, width=width, depth=depth)


def inception_resnet_v2(input_shape=(299, 299, 3), classes: int = 1000,
                        include_top: bool = True, width: float = 1.0,
                        depth: float = 1.0) -> keras.Model:
    """Inception-ResNet-v2 as ``keras.applications.InceptionResNetV2`` (10/20/10 blocks,
    the released checkpoint's; ``depth=0.5`` gives the paper's 5/10/5). Minimum 75x75."""
    return _builder("inception_resnet_v2", input_shape, classes=classes,
                    include_top=include_top, width=width, depth=depth)


BUILDERS = {
    "googlenet": googlenet,
    "inception_v3": inception_v3,
    "inception_v4": inception_v4,
    "inception_resnet_v1": inception_resnet_v1,
    "inception_resnet_v2": inception_resnet_v2,
}


def check_model(model, what: str = "model") -> None:
    """``ValueError`` unless ``model`` is a Keras model."""
    if not isinstance(model, keras.Model):
        raise ValueError(f"{what} must be a keras.Model. Received: {type(model).__name__}")


def _stage_layers(model) -> dict:
    check_model(model)
    if model not in _STAGE_LAYERS:
        raise ValueError(
            f"Model {model.name!r} was not built by inception_edu in this session, so its "
            "stages are unknown. Allowed: a model returned by inception_edu.models builders."
        )
    return _STAGE_LAYERS[model]


def end_points(model) -> dict:
    """Block name -> output tensor, in order (aux heads included): "what shape is here?"."""
    return {name: created[-1].output for name, created in _stage_layers(model).items()}


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
        layer.name, type(layer).__name__, tuple(layer.output.shape[1:]), layer.count_params(),
        math.prod(kernel.shape) if kernel is not None else 0, layer_macs(layer),
    )


def keras_summary(model) -> ModelSummary:
    """What Keras counts of a built model, grouped by stage like the analytic summary."""
    stages = _stage_layers(model)
    names = [layer.name for layer in model.layers]
    classes = model.get_layer("classifier").units if "classifier" in names else None
    summary = ModelSummary(model.name, tuple(model.input.shape[1:]), classes)
    for name, created in stages.items():
        rows = tuple(_layer_row(layer) for layer in created)
        first_input = created[0].input
        input_shape = () if isinstance(first_input, list) else tuple(first_input.shape[1:])
        summary.blocks.append(NodeSummary(name, input_shape, rows[-1].output_shape, rows))
    return summary


def parameter_depth(model, output: str | None = None) -> int:
    """Conv and dense layers on the longest path from the input to an output of ``model``.

    Read off the built Keras graph (the analytic twin is
    :func:`inception_edu.analysis.parameter_depth`). ``output`` names one output of a
    multi-output model (default: ``"main"`` when there is one, else the only output).
    """
    outputs = model.output
    if isinstance(outputs, dict):
        key = output or "main"
        if key not in outputs:
            raise ValueError(f"No output {key!r}. Allowed: {sorted(outputs)}")
        outputs = outputs[key]
    depths: dict = {}

    def depth(tensor) -> int:
        layer, node_index, _ = tensor._keras_history
        key = (id(layer), node_index)
        if key not in depths:
            node = layer._inbound_nodes[node_index]
            inputs = node.input_tensors
            below = max((depth(t) for t in inputs), default=0)
            own = isinstance(layer, (keras.layers.Conv2D, keras.layers.Dense))
            depths[key] = below + int(own)
        return depths[key]

    return depth(outputs)


# --------------------------------------------------------------------------- weights


def _weighted_layers(model) -> list:
    return [layer for layer in model.layers if layer.weights]


def transfer_weights(source, target) -> int:
    """Copy every weight of ``source`` into ``target``, pairing weighted layers in order.

    Our Inception-v3 and Inception-ResNet-v2 create their layers in the order Keras'
    ``keras.applications`` models do, so the released ImageNet weights fit layer for layer.
    Raises ``ValueError`` naming the first pair whose shapes differ. Returns the number of
    layers copied.
    """
    check_model(source, "source")
    check_model(target, "target")
    sources, targets = _weighted_layers(source), _weighted_layers(target)
    if len(sources) != len(targets):
        raise ValueError(
            f"{source.name} has {len(sources)} layers with weights, {target.name} has "
            f"{len(targets)}: they are not the same network."
        )
    pairs = list(zip(sources, targets, strict=True))
    for src, dst in pairs:
        src_shapes = [tuple(w.shape) for w in src.weights]
        dst_shapes = [tuple(w.shape) for w in dst.weights]
        if src_shapes != dst_shapes:
            raise ValueError(
                f"Cannot copy {src.name} {src_shapes} into {dst.name} {dst_shapes}: "
                "the networks differ here (width, depth, classes or input channels)."
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


def load_imagenet_weights(model) -> keras.Model:
    """Load the released ImageNet weights of ``keras.applications`` into ``model``.

    Works for full-size :func:`inception_v3` and :func:`inception_resnet_v2` models (with
    1000 classes if they have a top). Needs the internet, or a copy already cached in
    ``~/.keras/models``; otherwise raises :class:`WeightsUnavailableError` saying so, and
    the course goes on with randomly initialised weights.
    """
    check_model(model)
    if model.name not in _KERAS_APPLICATIONS:
        raise ValueError(
            f"ImageNet weights exist for {sorted(_KERAS_APPLICATIONS)}. Received: {model.name!r}"
        )
    application = getattr(keras.applications, _KERAS_APPLICATIONS[model.name])
    stages = _stage_layers(model)
    include_top = "avg_pool" in stages
    classes = model.get_layer("classifier").units if include_top else 1000
    if model.input.shape[-1] != 3 or classes != 1000:
        raise ValueError(
            "ImageNet weights need RGB input (3 channels) and, with a top, 1000 classes. "
            f"Received: {model.input.shape[-1]} channels, {classes} classes"
        )
    # Width and depth are checked layer by layer by transfer_weights below; what fails
    # inside this try is the download (keras.utils.get_file raises a bare Exception).
    try:
        source = application(weights="imagenet", include_top=include_top,
                             input_shape=tuple(model.input.shape[1:]))
    except Exception as error:  # no network, no cache, a blocked download
        raise WeightsUnavailableError(
            f"ImageNet weights for {model.name} are unavailable here ({type(error).__name__}: "
            f"{error}). This course runs offline with randomly initialised weights; connect to "
            "the internet (e.g. in Colab) to try the pretrained path."
        ) from error
    transfer_weights(source, model)
    return model
