"""Training helpers for the notebooks: GoogLeNet's auxiliary losses, live curves, gradients.

GoogLeNet (Szegedy et al., "Going deeper with convolutions", 2014, section 5) adds two
auxiliary classifiers on top of inception(4a) and inception(4d). "During training, their
loss gets added to the total loss of the network with a discount weight (the losses of
the auxiliary classifiers were weighted by 0.3). At inference time, these auxiliary
networks are discarded." The paper's reason: in a network that deep, the gradient that
reaches the middle and early layers from the single classifier at the top may be weak;
classifiers in the middle add gradient signal there and act as a regulariser.

- :func:`compile_googlenet`: Adam, sparse cross-entropy on every output, weights
  ``{"main": 1, "aux_4a": 0.3, "aux_4d": 0.3}``;
- :func:`fit` / :func:`targets_for`: training a dict-output model on a
  :class:`inception_edu.data.Split`;
- :func:`he_initialize`: He-normal kernels, so the 2014 network (no batch-norm) trains
  in a few epochs at our small scale;
- :func:`inference_model`: the test-time network, aux heads dropped, weights shared;
- :func:`gradient_norms`: how strong the gradient is at each conv layer, aux or not;
- :class:`LiveCurves` and :func:`plot_histories`: loss/accuracy curves, live and compared.
"""

from __future__ import annotations

import io
import math
import zlib

import numpy as np
from matplotlib.ticker import MaxNLocator

from inception_edu import models
from inception_edu.backend import keras, tf
from inception_edu.viz.figures import new_figure

__all__ = [
    "AUX_WEIGHT",
    "LiveCurves",
    "compile_googlenet",
    "conv_layer_names",
    "fit",
    "gradient_norms",
    "he_initialize",
    "inference_model",
    "metric_values",
    "plot_histories",
    "targets_for",
]

#: Weight of each auxiliary loss in the total (GoogLeNet paper, section 5).
AUX_WEIGHT = 0.3


# --------------------------------------------------------------------------- outputs


def _output_names(model) -> list | None:
    """The names of a dict-output model's outputs ("main" first), or None."""
    output = model.output
    return list(output) if isinstance(output, dict) else None


def _check_aux_weight(aux_weight) -> float:
    if isinstance(aux_weight, bool) or not isinstance(aux_weight, (int, float)) \
            or not math.isfinite(aux_weight) or aux_weight < 0:
        raise ValueError(
            f"aux_weight must be a number >= 0 (the paper uses {AUX_WEIGHT}). "
            f"Received: aux_weight={aux_weight!r}"
        )
    return float(aux_weight)


def _loss_weights(names: list, aux_weight: float) -> dict:
    return {name: 1.0 if name == "main" else aux_weight for name in names}


def compile_googlenet(model, aux_weight: float = AUX_WEIGHT, learning_rate: float = 1e-3):
    """Compile ``model`` with Adam and sparse categorical cross-entropy on every output.

    For a model with aux heads (a dict of outputs ``"main"``, ``"aux_4a"``, ``"aux_4d"``)
    the training loss is, as in the GoogLeNet paper (section 5)::

        total_loss = main_loss + aux_weight * (aux_4a_loss + aux_4d_loss)

    and accuracy is tracked for every head (``main_accuracy``, ``aux_4a_accuracy``...).
    Any other dict-output model (v3's ``{"main", "aux"}``) gets weight 1 on ``"main"``
    and ``aux_weight`` on the rest. A single-output model is compiled plainly.
    ``learning_rate`` is a number or a ``keras.optimizers.schedules.LearningRateSchedule``
    (e.g. ``CosineDecay(2e-3, decay_steps=epochs * steps_per_epoch, alpha=0.05)``, which
    settles the last epochs). Returns the model, compiled in place.
    """
    aux_weight = _check_aux_weight(aux_weight)
    schedule = isinstance(learning_rate, keras.optimizers.schedules.LearningRateSchedule)
    if not schedule and (
        isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float))
        or not math.isfinite(learning_rate) or learning_rate <= 0
    ):
        raise ValueError(
            "learning_rate must be a number > 0 or a keras LearningRateSchedule. "
            f"Received: learning_rate={learning_rate!r}"
        )
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    loss = "sparse_categorical_crossentropy"
    names = _output_names(model)
    if names is None:
        model.compile(optimizer=optimizer, loss=loss, metrics=["accuracy"])
        return model
    if "main" not in names:
        raise ValueError(f"A dict-output model needs a 'main' output. Received outputs {names}")
    model.compile(
        optimizer=optimizer,
        loss={name: loss for name in names},
        loss_weights=_loss_weights(names, aux_weight),
        metrics={name: ["accuracy"] for name in names},
    )
    return model


def targets_for(model, y):
    """The labels as ``model`` wants them: ``y`` itself, or ``{output name: y}``."""
    names = _output_names(model)
    return y if names is None else {name: y for name in names}


def fit(model, split, epochs: int, batch_size: int = 64, seed: int = 0, callbacks=(),
        verbose: int = 0):
    """Train on ``split.x_train``, validating on ``split.x_val``; return Keras' History.

    ``keras.utils.set_random_seed(seed)`` fixes shuffling and dropout. The initial weights
    were drawn when the model was built: for two runs that start from the same weights
    (with and without aux heads), call ``keras.utils.set_random_seed(seed)`` before
    building each one (or use :func:`he_initialize`, which seeds each layer by name).
    A model that is not compiled yet is compiled with :func:`compile_googlenet`'s
    defaults. The optimizer's state is created before the first step, which makes the
    first epoch about twice as fast (see ``_build_training_state``).
    """
    for value, name, minimum in ((epochs, "epochs", 1), (batch_size, "batch_size", 1),
                                 (seed, "seed", 0)):
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) \
                or value < minimum:
            raise ValueError(f"{name} must be an int >= {minimum}. Received: {name}={value!r}")
    if not all(hasattr(split, a) for a in ("x_train", "y_train", "x_val", "y_val")):
        raise ValueError(
            "split must be an inception_edu.data.Split (x_train, y_train, x_val, y_val). "
            f"Received: {type(split).__name__}"
        )
    if not model.compiled:
        compile_googlenet(model)
    _build_training_state(model, split.x_train[:2], targets_for(model, split.y_train[:2]))
    keras.utils.set_random_seed(int(seed))
    return model.fit(
        split.x_train, targets_for(model, split.y_train),
        validation_data=(split.x_val, targets_for(model, split.y_val)),
        epochs=int(epochs), batch_size=int(batch_size), shuffle=True,
        callbacks=list(callbacks), verbose=verbose,
    )


def _build_training_state(model, x, y) -> None:
    """Create the optimizer's slots and the loss/metric trackers before the first step.

    Without a distribution strategy, Keras creates them while it traces the first training
    step; TensorFlow must then trace that step a second time (a ``tf.function`` that
    creates variables is retraced). For GoogLeNet with Adam that second trace is most of
    the first epoch (about 8 s -> 3.5 s on 2 CPU cores). Building them eagerly first, as
    Keras itself does under a distribution strategy, avoids it. Falls back to a one-batch
    ``evaluate`` if Keras' builder is not there; does nothing if all is built already.
    """
    if model.optimizer is not None and model.optimizer.built:
        return
    build = getattr(model, "_symbolic_build", None)
    if build is not None:
        try:
            with model.distribute_strategy.scope():
                build(data_batch=(x, y, None))
            return
        except Exception:  # a private Keras API: fall back to public calls
            pass
    model.optimizer.build(model.trainable_variables)
    model.evaluate(x, y, verbose=0)


def he_initialize(model, seed: int = 0):
    """Redraw every conv kernel and hidden dense kernel from He et al.'s normal init.

    GoogLeNet (2014) has no batch-norm, and with Keras' default Glorot init the signal of
    its ReLU layers shrinks with every layer: at our small scale the 22-layer network sits
    at chance for several epochs before it learns (the plateau the paper's aux heads were
    meant to ease). He initialisation (He et al. 2015, "Delving deep into rectifiers")
    keeps the signal's scale through ReLU layers and is what made such plain deep nets
    trainable from scratch. Softmax classifiers keep their init; biases stay zero.

    Each layer's seed comes from ``seed`` and its *name*, so the shared layers of a model
    with and without aux heads start from the same weights. Returns ``model``.
    """
    models.check_model(model)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be an int >= 0. Received: seed={seed!r}")
    for layer in model.layers:
        hidden_dense = isinstance(layer, keras.layers.Dense) \
            and getattr(layer.activation, "__name__", "") != "softmax"
        if isinstance(layer, keras.layers.Conv2D) or hidden_dense:
            layer_seed = (int(seed) * 1_000_003 + zlib.crc32(layer.name.encode())) % 2**31
            init = keras.initializers.HeNormal(seed=layer_seed)
            layer.kernel.assign(init(tuple(layer.kernel.shape), dtype=layer.kernel.dtype))
    return model


def inference_model(model):
    """The test-time network: for an aux model, the same input to only ``"main"``.

    The paper discards the auxiliary networks at inference (section 5). The returned
    ``keras.Model`` reuses the trained layers (shared weights, nothing is copied), so it
    predicts exactly what the full model's ``"main"`` output does, without computing the
    aux heads. A single-output model is returned unchanged.
    """
    models.check_model(model)
    names = _output_names(model)
    if names is None:
        return model
    if "main" not in names:
        raise ValueError(f"A dict-output model needs a 'main' output. Received outputs {names}")
    return keras.Model(model.input, model.output["main"], name=f"{model.name}_inference")


# --------------------------------------------------------------------------- gradients


def _conv_layers(model) -> list:
    return [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]


def _stages(model) -> dict | None:
    try:
        return models._stage_layers(model)
    except ValueError:
        return None


def _layer_order(model) -> dict:
    """Layer name -> position, input to output: stage by stage and, inside an Inception
    module, branch by branch (the order the builder created them), aux heads last."""
    stages = _stages(model)
    if stages is None:
        return {layer.name: i for i, layer in enumerate(model.layers)}
    aux = set(model.output) - {"main"} if isinstance(model.output, dict) else set()
    ordered = [layer for stage, created in stages.items() if stage not in aux
               for layer in created]
    ordered += [layer for stage in stages if stage in aux for layer in stages[stage]]
    order = {layer.name: i for i, layer in enumerate(ordered)}
    for layer in model.layers:  # anything else (the input layer)
        order.setdefault(layer.name, len(order))
    return order


def conv_layer_names(model, which: str = "early") -> list:
    """Names of ``model``'s Conv2D layers from input to output.

    Stage by stage and, inside an Inception module, branch by branch (1x1, 3x3 reduce,
    3x3, 5x5 reduce, 5x5, pool proj): the order the builder created them, which is a
    valid input-to-output order and reads like the paper's Table 1.

    ``which="early"``: the stem and the first Inception module (for GoogLeNet conv1,
    conv2 and inception(3a)'s six convs), the layers farthest from the main classifier.
    ``which="all"``: every conv of the main path; the aux heads' own convs are left out.
    For a model not built by :mod:`inception_edu`, "early" is its first three convs.
    """
    if which not in ("early", "all"):
        raise ValueError(f"which must be 'early' or 'all'. Received: which={which!r}")
    stages = _stages(model)
    if stages is None:
        convs = [layer.name for layer in _conv_layers(model)]
        return convs[:3] if which == "early" else convs
    aux = set()
    if isinstance(model.output, dict):
        aux = {name for name in model.output if name != "main"}
    names: list = []
    for stage, created in stages.items():
        if stage in aux:
            continue
        names += [layer.name for layer in created if isinstance(layer, keras.layers.Conv2D)]
        is_module = any(isinstance(layer, keras.layers.Concatenate) for layer in created)
        if which == "early" and is_module:
            break
    return names


def gradient_norms(model, x, y, layer_names=None, aux_weight: float = AUX_WEIGHT) -> dict:
    """L2 norm of the gradient of the training loss with respect to each conv kernel.

    The loss is the one :func:`compile_googlenet` trains on: mean sparse cross-entropy
    of ``"main"`` plus ``aux_weight`` times each aux head's (only ``"main"`` for a plain
    model), for the batch ``x``, ``y``. This is the paper's argument made measurable
    (section 5): with aux heads, extra gradient reaches the layers below 4a and 4d.

    The forward pass runs with ``training=False``: GoogLeNet's only train-time layers are
    its dropouts (0.4 in the main head, 0.7 in the aux heads), and with them active the
    numbers would change from call to call; without them the result is deterministic,
    and it is the gradient of the same loss up to the dropout noise. (A batch-normalised
    model would use its moving statistics.)

    Args:
        layer_names: ``None`` for :func:`conv_layer_names` "early" (stem and first
            module), ``"all"`` for every conv of the main path, or a list of Conv2D names.
        aux_weight: weight of each aux loss (number >= 0); 0 leaves only the main loss.

    Returns:
        ``{layer name: norm}`` as Python floats, ordered from input to output.
    """
    aux_weight = _check_aux_weight(aux_weight)
    if layer_names is None or isinstance(layer_names, str):
        if isinstance(layer_names, str) and layer_names != "all":
            raise ValueError(
                "layer_names must be None, 'all' or a list of Conv2D layer names. "
                f"Received: layer_names={layer_names!r}"
            )
        names = conv_layer_names(model, "all" if layer_names == "all" else "early")
    else:
        wanted = list(layer_names)
        order = _layer_order(model)
        convs = {layer.name for layer in _conv_layers(model)}
        unknown = [name for name in wanted if name not in convs]
        if unknown or not wanted:
            raise ValueError(
                f"layer_names must name Conv2D layers of {model.name}. Received unknown "
                f"{unknown or wanted!r}; allowed e.g. {sorted(convs, key=order.get)[:4]}..."
            )
        names = sorted(dict.fromkeys(wanted), key=order.get)
    kernels = [model.get_layer(name).kernel for name in names]
    x = tf.convert_to_tensor(np.asarray(x, dtype=np.float32))
    y = tf.convert_to_tensor(np.asarray(y))
    cross_entropy = keras.losses.SparseCategoricalCrossentropy()
    with tf.GradientTape() as tape:
        outputs = model(x, training=False)
        if isinstance(outputs, dict):
            weights = _loss_weights(list(outputs), aux_weight)
            loss = tf.add_n([weights[k] * cross_entropy(y, out) for k, out in outputs.items()])
        else:
            loss = cross_entropy(y, outputs)
    grads = tape.gradient(loss, kernels)
    return {name: float(tf.norm(g)) for name, g in zip(names, grads, strict=True)}


# --------------------------------------------------------------------------- curves


def _metric_key(logs, metric: str) -> str | None:
    """The key under which ``metric`` ("loss", "val_accuracy", ...) sits in ``logs``.

    A dict-output model logs ``main_accuracy``/``val_main_accuracy`` and its ``loss`` is
    the weighted total; ``"main_"`` is preferred, so "loss" and "accuracy" mean the
    main classifier's for both kinds of model and runs with and without aux heads compare.
    """
    prefix, base = ("val_", metric[4:]) if metric.startswith("val_") else ("", metric)
    for key in (f"{prefix}main_{base}", metric):
        if key in logs:
            return key
    return None


def metric_values(history, metric: str) -> list:
    """Per-epoch values of ``metric`` from a History (or its ``.history`` dict).

    ``"loss"``, ``"accuracy"``, ``"val_loss"``, ``"val_accuracy"`` work for plain and
    aux models alike (for an aux model they are the ``"main"`` output's; its weighted
    total stays under ``history.history["loss"]``).
    """
    logs = getattr(history, "history", history)
    key = _metric_key(logs, metric)
    if key is None:
        raise ValueError(f"No metric {metric!r} in this history. Allowed: {sorted(logs)}")
    return [float(v) for v in logs[key]]


_PANELS = (("loss", "loss"), ("accuracy", "accuracy"))


class LiveCurves(keras.callbacks.Callback):
    """Loss and accuracy curves (train and validation) redrawn after every epoch.

    Pass an ``ipywidgets.Output`` to draw into it; with ``output=None`` the callback only
    records ``self.history`` (``{"loss": [...], "val_loss": [...], "accuracy": [...],
    "val_accuracy": [...]}``, the main output's for an aux model), e.g. in tests.

    No flicker: one matplotlib figure is kept and its lines are updated; each epoch the
    figure is rendered to a PNG and shown with ``output.clear_output(wait=True)``, which
    replaces the old picture only when the new one arrives. The figure is made outside
    pyplot (:func:`inception_edu.figures.new_figure`), so the notebook's inline backend
    never shows a second copy when the cell ends, and it works headless (no GUI backend
    is touched). It is released at the end of training.
    """

    def __init__(self, output=None, title: str | None = None):
        super().__init__()
        self.output, self.title = output, title
        self.history: dict = {}
        self.figure = None
        self._lines: dict = {}

    def on_train_begin(self, logs=None):
        self.history = {key: [] for key in ("loss", "val_loss", "accuracy", "val_accuracy")}
        if self.output is not None:
            self._make_figure()

    def _make_figure(self):
        self.figure = new_figure(figsize=(8, 3), layout="constrained")
        axes = self.figure.subplots(1, 2)
        self._lines = {}
        for ax, (metric, label) in zip(axes, _PANELS, strict=True):
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_xlabel("epoch")
            ax.set_ylabel(label)
            ax.grid(alpha=0.3)
            for prefix, style in (("", "-"), ("val_", "--")):
                name = f"{prefix}{metric}"
                (self._lines[name],) = ax.plot([], [], style, marker="o", markersize=3,
                                               label="validation" if prefix else "train")
            ax.legend(loc="best")
        self._axes = axes
        if self.title:
            self.figure.suptitle(self.title)

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        for name in self.history:
            key = _metric_key(logs, name)
            if key is not None:
                self.history[name].append(float(logs[key]))
        if self.output is not None and self.figure is not None:
            self._redraw(epoch)

    def _redraw(self, epoch: int):
        for name, line in self._lines.items():
            values = self.history[name]
            line.set_data(np.arange(1, len(values) + 1), values)
        for ax in self._axes:
            ax.relim()
            ax.autoscale_view()
        from IPython.display import Image, display

        buffer = io.BytesIO()
        self.figure.savefig(buffer, format="png", dpi=80)
        with self.output:
            self.output.clear_output(wait=True)
            display(Image(data=buffer.getvalue()))

    def on_train_end(self, logs=None):
        self.figure, self._lines, self._axes = None, {}, ()  # let the figure be freed


def plot_histories(histories: dict, metrics=("loss", "val_accuracy")):
    """Curves of several runs side by side: one subplot per metric, one line per run.

    ``histories`` maps a label ("with aux", "without aux") to a Keras History (or its
    ``.history`` dict). Metric names are normalised by :func:`metric_values`, so
    ``"val_accuracy"`` means the main classifier's for a plain and an aux model alike.
    Returns a ``matplotlib.figure.Figure`` made outside pyplot
    (:func:`inception_edu.figures.new_figure`): a notebook shows it once, where it is
    displayed (the cell's last expression); ``fig.savefig(...)`` works as usual.
    """
    if not isinstance(histories, dict) or not histories:
        raise ValueError(
            "histories must be a non-empty dict {label: History}. "
            f"Received: {type(histories).__name__}"
        )
    if isinstance(metrics, str):
        metrics = (metrics,)
    metrics = tuple(metrics)
    if not metrics:
        raise ValueError("metrics must name at least one metric. Received: ()")
    fig = new_figure(figsize=(4 * len(metrics), 3.2), layout="constrained")
    axes = fig.subplots(1, len(metrics), squeeze=False)[0]
    for ax, metric in zip(axes, metrics, strict=True):
        for label, history in histories.items():
            values = metric_values(history, metric)
            ax.plot(np.arange(1, len(values) + 1), values, marker="o", markersize=3,
                    label=str(label))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric.replace("val_", "validation ").replace("_", " "))
        ax.grid(alpha=0.3)
        ax.legend(loc="best")
    return fig



def plot_gradient_norms(runs: dict, title: str = "gradient norm at each conv layer",
                        taps=("4a", "4d")):
    """One line per run of :func:`gradient_norms` (``{label: {layer: norm}}``), log scale.

    The x axis follows the layers from input to output, labelled by stage (``stem``,
    ``3a``, ... ``5b``) at each stage's first conv; dotted lines mark the modules the aux
    heads tap (``taps``), so a learner sees where the extra gradient comes in.
    """
    figure = new_figure(figsize=(9, 3.4), layout="constrained")
    ax = figure.subplots()
    names: list = []
    for label, norms in runs.items():
        names = list(norms)
        ax.plot(range(len(names)), list(norms.values()), marker="o", markersize=3, label=label)
    ax.set_yscale("log")
    stages = ["stem" if name.startswith("conv") else name.removeprefix("inception_").split("_")[0]
              for name in names]
    firsts = [i for i, stage in enumerate(stages) if i == 0 or stage != stages[i - 1]]
    ax.set_xticks(firsts, [stages[i] for i in firsts], fontsize=9)
    for tap in taps:
        if tap in stages:
            after = max(i for i, stage in enumerate(stages) if stage == tap) + 0.5
            ax.axvline(after, color="grey", linestyle=":", linewidth=1)
            ax.annotate(f"aux head on {tap}", (after, 1), xycoords=("data", "axes fraction"),
                        xytext=(3, -12), textcoords="offset points", fontsize=8, color="grey")
    ax.set_xlabel("conv layers, from input (left) to output (right)")
    ax.set_ylabel("L2 norm of the kernel's gradient")
    ax.set_title(title, fontsize=11)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=9)
    return figure
