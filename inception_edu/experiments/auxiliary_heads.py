"""GoogLeNet's training-time pieces: He init, the inference model, gradient strength.

GoogLeNet (Szegedy et al., "Going deeper with convolutions", 2014, section 5) adds two
auxiliary classifiers on top of inception(4a) and inception(4d). "During training, their
loss gets added to the total loss of the network with a discount weight (the losses of
the auxiliary classifiers were weighted by 0.3). At inference time, these auxiliary
networks are discarded." The paper's reason: in a network that deep, the gradient that
reaches the middle and early layers from the single classifier at the top may be weak;
classifiers in the middle add gradient signal there and act as a regulariser. The
weighted loss itself is the recipe's (:data:`inception_edu.training.GOOGLENET`).

- :func:`he_initialize`: He-normal kernels, so the 2014 network (no batch-norm) trains
  in a few epochs at our small scale;
- :func:`inference_model`: the test-time network, aux heads dropped, weights shared;
- :func:`gradient_norms`, :func:`gradient_norms_by_stage`: how strong the gradient of the
  training loss is at each conv layer, or per weight in each stage, aux heads or not;
- :func:`conv_layer_names`: the conv layers of any Keras model, input to output.

Everything reads the model's own layers and names (:mod:`inception_edu.keras_build`), so
it works on a model from ``keras.models.load_model`` and on ``keras.applications`` models.
"""

from __future__ import annotations

import numpy as np

from inception_edu.backend import keras, tf
from inception_edu.keras_build import check_model, output_layer_names, stage_layers, stage_of
from inception_edu.keras_build.weights import layer_seed
from inception_edu.spec.checks import check_choice, check_int
from inception_edu.training.recipe import Recipe, gives_logits, main_classes, output_names
from inception_edu.zoo.googlenet import AUX_WEIGHT

__all__ = [
    "AUX_WEIGHT",
    "conv_layer_names",
    "gradient_norms",
    "gradient_norms_by_stage",
    "he_initialize",
    "inference_model",
    "training_loss",
]


# --------------------------------------------------------------------------- init


def he_initialize(model, seed: int = 0):
    """Redraw every conv kernel and hidden dense kernel from He et al.'s normal init.

    GoogLeNet (2014) has no batch-norm, and with Keras' default Glorot init the signal of
    its ReLU layers shrinks with every layer: at our small scale the 22-layer network sits
    at chance for several epochs before it learns (the plateau the paper's aux heads were
    meant to ease). He initialisation (He et al. 2015, "Delving deep into rectifiers")
    keeps the signal's scale through ReLU layers and is what made such plain deep nets
    trainable from scratch. The classifiers (the layers that give the model's outputs,
    softmax or logits) keep their init; biases stay zero.

    Each layer's seed comes from ``seed`` and its *name*, so the shared layers of a model
    with and without aux heads start from the same weights. Returns ``model``.
    """
    check_model(model)
    seed = check_int(seed, "seed", 0)
    classifiers = set(output_layer_names(model).values())
    for layer in model.layers:
        hidden_dense = isinstance(layer, keras.layers.Dense) and layer.name not in classifiers
        if isinstance(layer, keras.layers.Conv2D) or hidden_dense:
            init = keras.initializers.HeNormal(seed=layer_seed(seed, layer.name))
            layer.kernel.assign(init(tuple(layer.kernel.shape), dtype=layer.kernel.dtype))
    return model


def inference_model(model):
    """The test-time network: for an aux model, the same input to only ``"main"``.

    The paper discards the auxiliary networks at inference (section 5). The returned
    ``keras.Model`` reuses the trained layers (shared weights, nothing is copied), so it
    predicts exactly what the full model's ``"main"`` output does, without computing the
    aux heads. A single-output model is returned unchanged.
    """
    if len(output_names(model)) == 1:
        return model
    return keras.Model(model.input, model.output["main"], name=f"{model.name}_inference")


# --------------------------------------------------------------------------- layers


def _main_path_stages(model) -> dict:
    """Stage -> layers, input to output, without the stages of the aux heads."""
    stages = stage_layers(model)
    outputs = output_layer_names(model)
    longest_first = sorted(stages, key=len, reverse=True)
    aux = {stage_of(layer, longest_first) for name, layer in outputs.items() if name != "main"}
    return {stage: layers for stage, layers in stages.items() if stage not in aux}


def _is_conv(layer) -> bool:
    return isinstance(layer, keras.layers.Conv2D)  # DepthwiseConv2D is not one


def conv_layer_names(model, which: str = "early") -> list:
    """Names of ``model``'s Conv2D layers on the main path, from input to output.

    The order is the model's own (a topological order: every layer after the ones it
    reads), grouped by stage (:func:`inception_edu.keras_build.stage_layers`); the aux
    heads' convs are left out.

    ``which="early"``: the stem and the first multi-branch block (the first stage that
    merges branches, by concatenation or an add), the layers farthest from the main
    classifier: for GoogLeNet conv1, conv2 and inception(3a)'s six convs; for
    ``keras.applications.ResNet50`` conv1 and the first residual block.
    ``which="all"``: every conv of the main path.
    """
    check_model(model)
    check_choice(which, ("early", "all"), "which")
    names: list = []
    for layers in _main_path_stages(model).values():
        names += [layer.name for layer in layers if _is_conv(layer)]
        merges = any(
            isinstance(layer, (keras.layers.Concatenate, keras.layers.Add)) for layer in layers
        )
        if which == "early" and merges and names:
            break
    return names


def _chosen_layers(model, layer_names) -> list:
    if layer_names is None or isinstance(layer_names, str):
        if layer_names not in (None, "early", "all"):
            raise ValueError(
                "layer_names must be None, 'early', 'all' or a list of Conv2D "
                f"layer names. Received: layer_names={layer_names!r}"
            )
        return conv_layer_names(model, "all" if layer_names == "all" else "early")
    wanted = list(layer_names)
    order = conv_layer_names(model, "all")
    every = [layer.name for layer in model.layers if _is_conv(layer)]
    unknown = [name for name in wanted if name not in every]
    if unknown or not wanted:
        raise ValueError(
            f"layer_names must name Conv2D layers of {model.name}. Received "
            f"unknown {unknown or wanted!r}; allowed e.g. {order[:4]}..."
        )
    rank = {name: i for i, name in enumerate(order + [n for n in every if n not in order])}
    return sorted(dict.fromkeys(wanted), key=rank.get)


# --------------------------------------------------------------------------- gradients


def _weights(model, loss_weights) -> dict:
    """Per-output weights: the given ones, or main 1 and every aux head AUX_WEIGHT."""
    names = output_names(model)
    if loss_weights is None:
        loss_weights = {name: 1.0 if name == "main" else AUX_WEIGHT for name in names}
    recipe = Recipe(loss_weights=loss_weights)  # checks them
    return recipe.loss_weights_for(model) or {"main": 1.0}


def training_loss(model, x, y, loss_weights=None, training: bool = False):
    """The loss a recipe trains on, as a TensorFlow scalar (differentiable).

    ``sum over outputs of weight · mean one-hot cross-entropy`` of ``model(x)`` against
    the labels ``y`` (integer labels or one-hot rows). ``loss_weights`` defaults to the
    paper's: 1 for ``"main"``, :data:`AUX_WEIGHT` (0.3) for every auxiliary head; a
    single-output model has its one loss. Logits or softmax outputs are detected per
    output, as :class:`~inception_edu.training.Recipe` does.
    """
    check_model(model)
    weights = _weights(model, loss_weights)
    targets = tf.convert_to_tensor(Recipe().targets(y, main_classes(model)))
    outputs = model(tf.convert_to_tensor(np.asarray(x, dtype=np.float32)), training=training)
    if not isinstance(outputs, dict):
        outputs = {"main": outputs}
    total = 0.0
    for name, weight in weights.items():
        loss = keras.losses.CategoricalCrossentropy(from_logits=gives_logits(model, name))
        total = total + weight * loss(targets, outputs[name])
    return total


def _kernel_gradients(model, x, y, names, loss_weights) -> list:
    kernels = [model.get_layer(name).kernel for name in names]
    with tf.GradientTape() as tape:
        loss = training_loss(model, x, y, loss_weights)
    return [np.asarray(g) for g in tape.gradient(loss, kernels)]


def gradient_norms(model, x, y, layer_names=None, loss_weights=None) -> dict:
    """L2 norm of the gradient of the training loss with respect to each conv kernel.

    The loss is :func:`training_loss`: the main cross-entropy plus ``loss_weights`` times
    each aux head's, for the batch ``x``, ``y``. This is the paper's argument made
    measurable (section 5): with aux heads, extra gradient reaches the layers below 4a
    and 4d. Pass ``loss_weights={"main": 1, "aux_4a": 0, "aux_4d": 0}`` for the main loss
    alone on the same model.

    The forward pass runs with ``training=False``: GoogLeNet's only train-time layers are
    its dropouts (0.4 in the main head, 0.7 in the aux heads), and with them active the
    numbers would change from call to call; without them the result is deterministic,
    and it is the gradient of the same loss up to the dropout noise. (A batch-normalised
    model would use its moving statistics.)

    Args:
        layer_names: ``None`` or ``"early"`` for :func:`conv_layer_names` "early" (stem and
            first module), ``"all"`` for every conv of the main path, or a list of Conv2D
            names.
        loss_weights: ``{output: weight}`` (each >= 0), or ``None`` for the paper's 0.3.

    Returns:
        ``{layer name: norm}`` as Python floats, ordered from input to output. A kernel's
        norm grows with its size; to compare stages, use :func:`gradient_norms_by_stage`.
    """
    check_model(model)
    names = _chosen_layers(model, layer_names)
    grads = _kernel_gradients(model, x, y, names, loss_weights)
    return {name: float(np.linalg.norm(g)) for name, g in zip(names, grads, strict=True)}


def gradient_norms_by_stage(model, x, y, loss_weights=None) -> dict:
    """Root-mean-square gradient per kernel weight of each stage with convs, input to output.

    For each stage of the main path (the stem's convs, each Inception module, ...):
    ``sqrt(sum of squared gradients / number of kernel weights)`` over all its conv
    kernels. Per weight, so a wide module and a narrow one compare, and one point per
    stage (a per-conv plot mixes the branches' sizes into a sawtooth). The loss and
    ``loss_weights`` as :func:`gradient_norms`. Returns ``{stage: rms}`` as floats.
    """
    check_model(model)
    stages = {
        stage: [layer.name for layer in layers if _is_conv(layer)]
        for stage, layers in _main_path_stages(model).items()
    }
    stages = {stage: names for stage, names in stages.items() if names}
    names = [name for members in stages.values() for name in members]
    if not names:
        raise ValueError(f"{model.name} has no Conv2D layer on its main path.")
    grads = dict(zip(names, _kernel_gradients(model, x, y, names, loss_weights), strict=True))
    rms = {}
    for stage, members in stages.items():
        squares = sum(float(np.sum(np.square(grads[name]))) for name in members)
        count = sum(grads[name].size for name in members)
        rms[stage] = float(np.sqrt(squares / count))
    return rms
