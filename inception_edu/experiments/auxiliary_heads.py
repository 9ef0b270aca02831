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
- :func:`conv_layer_names`: the conv layers of any Keras model, input to output;
- :func:`set_biases`: the Caffe reference GoogLeNet's constant bias (0.2);
- :func:`signals_by_stage`: forward signal, backward error and kernel gradient per stage;
- :func:`measure_at_init`, :func:`c10_summary`, :func:`c10_verdicts`: notebook 03's C10
  measurement at 224x224 (``scripts/c10_gradients.py`` stores the full grid in
  ``results/c10_gradients.json`` next to this module; :func:`stored_c10` reads it).

Everything reads the model's own layers and names (:mod:`inception_edu.keras_build`), so
it works on a model from ``keras.models.load_model`` and on ``keras.applications`` models.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from inception_edu.backend import keras, tf
from inception_edu.course.claims import empirical_verdict
from inception_edu.i18n import _
from inception_edu.keras_build import (
    check_model,
    end_points,
    output_layer_names,
    stage_layers,
    stage_of,
)
from inception_edu.keras_build.weights import layer_seed
from inception_edu.spec.checks import check_choice, check_int
from inception_edu.training.recipe import Recipe, gives_logits, main_classes, output_names
from inception_edu.zoo.googlenet import AUX_WEIGHT

__all__ = [
    "AUX_WEIGHT",
    "BIASES",
    "C10_RESULTS",
    "MAIN_ONLY",
    "SETTINGS",
    "c10_agrees",
    "c10_summary",
    "c10_verdicts",
    "conv_layer_names",
    "gradient_norms",
    "gradient_norms_by_stage",
    "he_initialize",
    "inference_model",
    "measure_at_init",
    "probe_batch",
    "set_biases",
    "signals_by_stage",
    "stored_c10",
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
    return _redraw(model, seed, keras.initializers.HeNormal)


def _hidden_layers(model) -> list:
    """The conv layers and the dense layers that are not a classifier (an output)."""
    check_model(model)
    classifiers = set(output_layer_names(model).values())
    return [
        layer
        for layer in model.layers
        if isinstance(layer, keras.layers.Conv2D)
        or (isinstance(layer, keras.layers.Dense) and layer.name not in classifiers)
    ]


def _redraw(model, seed, initializer):
    seed = check_int(seed, "seed", 0)
    for layer in _hidden_layers(model):
        init = initializer(seed=layer_seed(seed, layer.name))
        layer.kernel.assign(init(tuple(layer.kernel.shape), dtype=layer.kernel.dtype))
    return model


def set_biases(model, value: float = 0.2):
    """Set the bias of every conv and hidden dense layer to ``value``; returns ``model``.

    Caffe's reference GoogLeNet (BVLC ``train_val.prototxt``) starts every convolution,
    and the aux heads' 1024-unit layers, with a constant bias of 0.2 (Keras: 0); the
    classifiers keep theirs. With ReLUs, a positive bias keeps every unit passing a
    signal, so the forward signal cannot fade to nothing with depth.
    """
    for layer in _hidden_layers(model):
        if layer.bias is not None:
            layer.bias.assign(np.full(tuple(layer.bias.shape), float(value), "float32"))
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
                _(
                    "layer_names must be None, 'early', 'all' or a list of Conv2D "
                    "layer names. Received: layer_names={layer_names!r}"
                ).format(layer_names=layer_names)
            )
        return conv_layer_names(model, "all" if layer_names == "all" else "early")
    wanted = list(layer_names)
    order = conv_layer_names(model, "all")
    every = [layer.name for layer in model.layers if _is_conv(layer)]
    unknown = [name for name in wanted if name not in every]
    if unknown or not wanted:
        raise ValueError(
            _(
                "layer_names must name Conv2D layers of {model}. Received "
                "unknown {unknown!r}; allowed e.g. {allowed}..."
            ).format(model=model.name, unknown=unknown or wanted, allowed=order[:4])
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
        raise ValueError(
            _("{model} has no Conv2D layer on its main path.").format(model=model.name)
        )
    grads = dict(zip(names, _kernel_gradients(model, x, y, names, loss_weights), strict=True))
    rms = {}
    for stage, members in stages.items():
        squares = sum(float(np.sum(np.square(grads[name]))) for name in members)
        count = sum(grads[name].size for name in members)
        rms[stage] = float(np.sqrt(squares / count))
    return rms


def _rms(value) -> float:
    value = np.asarray(value, dtype=np.float64)
    return float(np.sqrt(np.mean(np.square(value))))


def signals_by_stage(model, x, y, loss_weights=None, stages=None) -> dict:
    """Forward signal, backward error and kernel gradient per stage, in one pass.

    For each stage of the main path (``stages``: names of :func:`end_points`; default:
    every stage with convs), for the batch ``x``, ``y`` and the loss of
    :func:`training_loss` (``loss_weights`` as there; ``training=False``):

    - ``"activation"``: root mean square of the stage's output (the forward signal);
    - ``"error"``: root mean square of the gradient of the loss with respect to that
      output, the error signal back-propagation carries down to the stage;
    - ``"gradient"``: root-mean-square gradient per kernel weight of the stage's convs
      (as :func:`gradient_norms_by_stage`).

    Returns ``{"activation": {stage: float}, "error": {...}, "gradient": {...}}``.
    """
    check_model(model)
    convs = {
        stage: [layer for layer in layers if _is_conv(layer)]
        for stage, layers in _main_path_stages(model).items()
    }
    convs = {stage: layers for stage, layers in convs.items() if layers}
    points = end_points(model)
    stages = list(convs) if stages is None else list(stages)
    unknown = [stage for stage in stages if stage not in convs or stage not in points]
    if unknown or not stages:
        raise ValueError(
            _(
                "stages must name stages with convs of {model}. Received "
                "{unknown!r}; allowed: {allowed}"
            ).format(model=model.name, unknown=unknown or stages, allowed=list(convs))
        )
    weights = _weights(model, loss_weights)
    probe = keras.Model(model.input, {"stages": [points[s] for s in stages], "heads": model.output})
    targets = tf.convert_to_tensor(Recipe().targets(y, main_classes(model)))
    kernels = [layer.kernel for stage in stages for layer in convs[stage]]
    with tf.GradientTape() as tape:
        out = probe(tf.convert_to_tensor(np.asarray(x, dtype=np.float32)), training=False)
        heads = out["heads"] if isinstance(out["heads"], dict) else {"main": out["heads"]}
        loss = 0.0
        for name, weight in weights.items():
            entropy = keras.losses.CategoricalCrossentropy(from_logits=gives_logits(model, name))
            loss = loss + weight * entropy(targets, heads[name])
    grads = tape.gradient(loss, list(out["stages"]) + kernels)
    errors, kernel_grads = grads[: len(stages)], iter(grads[len(stages) :])
    result = {"activation": {}, "error": {}, "gradient": {}}
    for stage, activation, error in zip(stages, out["stages"], errors, strict=True):
        result["activation"][stage] = _rms(activation)
        result["error"][stage] = _rms(error)
        squares, count = 0.0, 0
        for _conv in convs[stage]:
            grad = np.asarray(next(kernel_grads), dtype=np.float64)
            squares, count = squares + float(np.sum(np.square(grad))), count + grad.size
        result["gradient"][stage] = math.sqrt(squares / count)
    return result


# --------------------------------------------------------------------------- C10 (notebook 03)

#: The two initialisations of notebook 03's C10 measurement: "paper" (the 2014 network:
#: no batch-norm, Glorot-uniform, Keras' default) and "course" (He-normal).
SETTINGS = {"paper": keras.initializers.GlorotUniform, "course": keras.initializers.HeNormal}
#: The two bias choices: Keras' zeros, and the Caffe reference GoogLeNet's 0.2.
BIASES = (0.0, 0.2)
#: The main loss alone, on a model with aux heads: the same weights, the heads' losses off.
MAIN_ONLY = {"main": 1.0, "aux_4a": 0.0, "aux_4d": 0.0}
#: Where notebook 03 reads the stored full measurement (``scripts/c10_gradients.py``).
C10_RESULTS = Path(__file__).with_name("results") / "c10_gradients.json"
FIRST, LAST = "conv1_7x7_s2", "inception_5b"


def probe_batch(images: int = 32, image_size: int = 224, seed: int = 0):
    """The first ``images`` training digits of ``load_digits_split(seed=seed)``, upsampled
    to ``image_size`` (the same images ``load_digits_split(image_size)`` gives, without
    upsampling the other 1,700); returns ``(x, y)``."""
    from inception_edu.data import load_digits_split
    from inception_edu.data.arrays import upsample

    digits = load_digits_split(seed=seed)
    count = check_int(images, "images", 1)
    x = np.clip(upsample(digits.x_train[:count], image_size), 0.0, 1.0)
    return x, digits.y_train[:count]


def measure_at_init(x, y, seed, setting="paper", bias=0.0, width=0.25, aux_weights=None):
    """One GoogLeNet with aux heads at initialisation, its signals with and without them.

    Builds ``models.googlenet(aux_heads=True)`` for ``x``'s image shape and ``y``'s
    classes at ``width``; draws every hidden kernel from ``SETTINGS[setting]`` seeded by
    ``seed`` and the layer's name; sets the hidden biases to ``bias``; then
    :func:`signals_by_stage` for the main loss alone (``"without"``) and for
    ``main + 0.3 aux_4a + 0.3 aux_4d`` (``"with"``; or ``aux_weights``), on the same
    weights. Returns a JSON-ready dict (seed, setting, bias, without, with).
    """
    from inception_edu import models

    check_choice(setting, tuple(SETTINGS), "setting")
    keras.utils.set_random_seed(check_int(seed, "seed", 0))
    classes = int(np.max(y)) + 1 if np.ndim(y) == 1 else int(np.shape(y)[-1])
    model = models.googlenet(
        input_shape=tuple(np.shape(x)[1:]), classes=max(classes, 2), width=width, aux_heads=True
    )
    _redraw(model, seed, SETTINGS[setting])
    set_biases(model, bias)
    weights = dict(aux_weights or {"main": 1.0, "aux_4a": AUX_WEIGHT, "aux_4d": AUX_WEIGHT})
    return {
        "seed": seed,
        "setting": setting,
        "bias": float(bias),
        "without": signals_by_stage(model, x, y, MAIN_ONLY),
        "with": signals_by_stage(model, x, y, weights),
    }


def c10_summary(record) -> dict:
    """The numbers of one :func:`measure_at_init` record that notebook 03 reports.

    - ``forward``: the forward signal kept from conv1 to 5b (activation RMS 5b / conv1);
    - ``shrink``: how much the error shrinks from 5b down to conv1 (error RMS 5b / conv1),
      without the heads; ``shrink_with``: the same with them;
    - ``error_factor``: the heads' factor on the error reaching conv1 (its RMS with /
      without them; 5b's error is the main loss's either way, so this is also
      ``shrink / shrink_with``);
    - ``factor``: the heads' factor on conv1's kernel gradient (with / without), and
      ``factor_3a`` on inception(3a)'s; ``factor_5b``: on 5b's (no head above it: 1).
      The kernel gradient sums conv1's input times the error over every position and
      image, so the heads' share of it can partly cancel the main loss's even where the
      error they send down is larger than the main loss's (``factor`` below
      ``error_factor``);
    - ``conv1``, ``conv1_with``: conv1's RMS gradient per weight without and with them.
    """
    without, with_ = record["without"], record["with"]
    return {
        "forward": without["activation"][LAST] / without["activation"][FIRST],
        "shrink": without["error"][LAST] / without["error"][FIRST],
        "shrink_with": with_["error"][LAST] / with_["error"][FIRST],
        "error_factor": with_["error"][FIRST] / without["error"][FIRST],
        "factor": with_["gradient"][FIRST] / without["gradient"][FIRST],
        "factor_3a": with_["gradient"]["inception_3a"] / without["gradient"]["inception_3a"],
        "factor_5b": with_["gradient"][LAST] / without["gradient"][LAST],
        "conv1": without["gradient"][FIRST],
        "conv1_with": with_["gradient"][FIRST],
    }


def _by_seed(records, setting, bias) -> list:
    chosen = [r for r in records if r["setting"] == setting and r["bias"] == float(bias)]
    return [c10_summary(r) for r in sorted(chosen, key=lambda r: r["seed"])]


def c10_verdicts(records, margin: float = 0.1) -> dict:
    """C10's verdicts from :func:`measure_at_init` records (>= 3 seeds per arm).

    The rule of :func:`~inception_edu.course.claims.empirical_verdict`, on one number per
    seed:

    - ``("add", setting, bias)``, for every setting and bias: *the heads add gradient at
      conv1*: the heads' factor on conv1's kernel gradient minus 1, claimed above
      ``margin`` (10% more);
    - ``("undo", "paper", bias)``: *the heads undo the vanishing*: with them, the error
      shrinks from 5b to conv1 no more than in the He-initialised network of the same
      seed and bias without them (where the signal keeps its size, so what is left is
      what the grid's geometry costs): log10 of the He network's shrink over the paper
      network's shrink with the heads, claimed positive.
    """
    verdicts = {}
    for setting in SETTINGS:
        for bias in BIASES:
            rows = _by_seed(records, setting, bias)
            if len(rows) < 3:
                continue
            verdicts["add", setting, bias] = empirical_verdict(
                _("C10, the heads add gradient at conv1 ({setting}, biases {bias:g})").format(
                    setting=setting, bias=bias
                ),
                [r["factor"] - 1 for r in rows],
                _("factor on conv1's gradient - 1"),
                "positive",
                margin,
            )
    for bias in BIASES:
        paper, course = (
            {r["seed"]: c10_summary(r) for r in records if (r["setting"], r["bias"]) == arm}
            for arm in (("paper", float(bias)), ("course", float(bias)))
        )
        seeds = sorted(set(paper) & set(course))
        if len(seeds) < 3:
            continue
        verdicts["undo", "paper", bias] = empirical_verdict(
            _("C10, the heads undo the vanishing (paper, biases {bias:g})").format(bias=bias),
            [math.log10(course[s]["shrink"] / paper[s]["shrink_with"]) for s in seeds],
            _("log10(He network's error shrink / paper network's with the heads)"),
            "positive",
        )
    return verdicts


def c10_agrees(live, stored, rel: float = 0.02, spread: float = 2.0) -> bool:
    """Whether live :func:`measure_at_init` records agree with stored ones.

    A seed that was stored must give its stored numbers within ``rel`` (float noise
    only); any other seed must fall within the stored seeds' range, widened by the factor
    ``spread`` either way (another seed draws other weights). Compared: the forward signal
    kept, the error's shrink, the heads' factor on conv1 and conv1's gradient.
    """
    keys = ("forward", "shrink", "factor", "conv1")
    for record in live:
        arm = (record["setting"], record["bias"])
        rows = {r["seed"]: c10_summary(r) for r in stored if (r["setting"], r["bias"]) == arm}
        if not rows:
            return False
        mine = c10_summary(record)
        if record["seed"] in rows:
            low = high = rows[record["seed"]]
            low_factor, high_factor = 1 - rel, 1 + rel
        else:
            low = {k: min(row[k] for row in rows.values()) for k in keys}
            high = {k: max(row[k] for row in rows.values()) for k in keys}
            low_factor, high_factor = 1 / spread, spread
        if not all(low[k] * low_factor <= mine[k] <= high[k] * high_factor for k in keys):
            return False
    return True


def stored_c10(path=None) -> dict:
    """The stored full C10 measurement (``scripts/c10_gradients.py``): its provenance
    under ``"provenance"`` and its records under ``"records"``."""
    with open(path or C10_RESULTS, encoding="utf-8") as handle:
        return json.load(handle)
