"""A paper's training section as data: :class:`Recipe`, and the papers' own recipes.

A recipe says *how* a network is trained (optimizer, learning rate and its schedule,
label smoothing, the weights of the auxiliary losses, gradient clipping, weight decay),
never *what* is trained or on which data: :func:`inception_edu.training.run` puts the
three together. Two networks trained with one recipe differ only in the network.

- :data:`GOOGLENET`: Szegedy et al. 2014, "Going deeper with convolutions", section 6
  (and section 5 for the auxiliary losses). Departs from the paper: it gives no initial
  learning rate (0.01 here, the Caffe reference model's), its SGD was asynchronous over
  many machines, and it evaluated a Polyak average of the weights;
- :data:`INCEPTION_V3`: Szegedy et al. 2015, "Rethinking the Inception architecture",
  section 8 (and section 7 for label smoothing). Departs from the paper: RMSProp's
  momentum 0.9 and the aux loss weight 0.4 come from tf-slim's training script (the paper
  gives neither), and the paper's batch of 32 ran on 50 replicas for 100 epochs.

Label smoothing lives in the training targets (:meth:`Recipe.targets`), not in the loss,
so a validation loss is always the true cross-entropy.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

import numpy as np

from inception_edu.backend import keras
from inception_edu.i18n import _
from inception_edu.keras_build import check_model, output_layer_names
from inception_edu.spec.checks import (
    check_choice,
    check_flag,
    check_int,
    check_name,
    check_number,
    checks_keywords,
)
from inception_edu.zoo.googlenet import AUX_WEIGHT

__all__ = [
    "constant_predictor_binary_accuracy",
    "GOOGLENET",
    "INCEPTION_V3",
    "LOSSES",
    "OPTIMIZERS",
    "SCHEDULES",
    "LossWeights",
    "Recipe",
    "check_recipe",
    "gives_logits",
    "main_classes",
    "output_names",
]

OPTIMIZERS = ("sgd", "rmsprop", "adam")
SCHEDULES = (None, "cosine", "exponential")
LOSSES = ("categorical_crossentropy", "binary_crossentropy")


# --------------------------------------------------------------------------- outputs


def output_names(model) -> list:
    """The names of ``model``'s outputs: the dict's keys (``"main"`` first), or
    ``["main"]`` for a single-output model."""
    check_model(model)
    output = model.output
    if isinstance(output, dict):
        names = list(output)
        if "main" not in names:
            raise ValueError(
                _("A dict-output model needs a 'main' output. Received outputs {names}").format(
                    names=names
                )
            )
        return ["main"] + [name for name in names if name != "main"]
    if isinstance(output, (list, tuple)):
        raise ValueError(
            _(
                "{name} has {count} unnamed outputs; return a dict "
                "of named outputs ({{'main': ..., 'aux': ...}}) instead."
            ).format(name=model.name, count=len(output))
        )
    return ["main"]


def _output_tensor(model, name: str):
    return model.output[name] if isinstance(model.output, dict) else model.output


def main_classes(model) -> int:
    """K: the width of the main output, which every other output must share."""
    sizes = {name: _output_tensor(model, name).shape[-1] for name in output_names(model)}
    main = sizes["main"]
    if not isinstance(main, int) or main < 2:
        raise ValueError(
            _(
                "The main output of {name} must give scores for K >= 2 "
                "classes. Received shape {shape}"
            ).format(name=model.name, shape=_output_tensor(model, "main").shape)
        )
    different = {name: size for name, size in sizes.items() if size != main}
    if different:
        raise ValueError(
            _(
                "Every output must have the main output's {main} classes. Received {different}"
            ).format(main=main, different=different)
        )
    return main


def gives_logits(model, name: str = "main") -> bool:
    """Whether output ``name`` gives logits: its layer has a linear activation (a
    ``Dense`` built with ``classifier_activation=None``); a softmax gives probabilities."""
    layer = model.get_layer(output_layer_names(model)[name])
    while isinstance(layer, keras.Model):  # a nested model (side by side): its own output
        layer = layer.get_layer(output_layer_names(layer)["main"])
    activation = getattr(layer, "activation", None)
    return getattr(activation, "__name__", None) == "linear"


# --------------------------------------------------------------------------- the recipe


class LossWeights(dict):
    """A read-only ``{output name: weight}`` dict: a frozen recipe's loss weights.

    Hashable, picklable and copyable like the recipe that holds it; changing it in place
    raises ``TypeError`` (make a new recipe with :meth:`Recipe.replace` instead).
    """

    def _read_only(self, *args, **kwargs):
        raise TypeError(
            _("A recipe's loss_weights are read-only: use recipe.replace(loss_weights={...}).")
        )

    __setitem__ = __delitem__ = __ior__ = _read_only
    clear = pop = popitem = setdefault = update = _read_only

    def __hash__(self):
        return hash(tuple(sorted(self.items())))

    def __reduce__(self):
        return (type(self), (dict(self),))


def _frozen_weights(weights):
    if weights is None:
        return None
    if not isinstance(weights, dict) or not weights:
        raise ValueError(
            _(
                "loss_weights must be None or a non-empty dict {{output name: "
                "weight}}, e.g. {{'main': 1.0, 'aux_4a': 0.3}}. Received: "
                "loss_weights={weights!r}"
            ).format(weights=weights)
        )
    checked = {}
    for name, weight in weights.items():
        check_name(name, "loss_weights key (an output name)")
        checked[name] = check_number(weight, f"loss_weights[{name!r}]", 0)
    return LossWeights(checked)


@dataclass(frozen=True, kw_only=True)
class Recipe:
    """How a network is trained: what a paper's "training methodology" section says.

    Every field is checked when the recipe is made (``ValueError`` naming what was
    received and what is allowed). ``dataclasses.replace(recipe, ...)`` (or
    :meth:`replace`) gives a changed copy.

    Args:
        optimizer: ``"sgd"`` (with ``momentum``), ``"rmsprop"`` (``rho``, ``momentum``,
            ``epsilon``) or ``"adam"`` (``epsilon``).
        learning_rate: the initial (peak) learning rate, > 0.
        schedule: ``None`` (constant), ``"cosine"`` (from ``learning_rate`` down to
            ``alpha * learning_rate`` over the whole run) or ``"exponential"`` (staircase:
            multiplied by ``decay_rate`` every ``decay_epochs`` epochs).
        alpha: the cosine schedule's final fraction of the learning rate, in [0, 1].
        decay_rate: the exponential schedule's factor, in (0, 1].
        decay_epochs: epochs between two exponential steps, > 0.
        momentum: SGD's and RMSProp's momentum, in [0, 1).
        rho: RMSProp's decay of the mean squared gradient, in [0, 1).
        epsilon: RMSProp's and Adam's epsilon, > 0 (the v3 paper uses 1.0).
        label_smoothing: ε in [0, 1): train on ``(1 - ε)·onehot + ε/K`` (:meth:`targets`).
        loss: ``"categorical_crossentropy"`` or ``"binary_crossentropy"`` (one sigmoid
            cross-entropy per class, as notebook 09's source used on a softmax head).
        loss_weights: ``{output name: weight}``; a model with several outputs needs a
            weight for each (``total = Σ weight · loss``). A single-output model trains on
            its one loss and ignores the weights of outputs it does not have, so one
            recipe trains GoogLeNet with and without its auxiliary heads.
        clipnorm: rescale the whole gradient (all variables together) when its L2 norm
            exceeds this value (Keras' ``global_clipnorm``: the clipping of Pascanu et
            al. 2013, which the v3 paper cites for its threshold 2.0), or ``None``.
        weight_decay: Keras' decoupled weight decay (each step ``w -= lr · wd · w``), or
            ``None``. Not the L2 loss term of the papers' code, which Adam/RMSProp would
            rescale.
        metrics: metric names per output, passed to Keras as they are: ``"accuracy"`` is
            resolved by Keras from the targets' and outputs' shapes (under Keras 3 it is
            *categorical* accuracy for one-hot targets even with the binary loss; ask for
            ``"binary_accuracy"`` to see what Keras 2 reported there).
        from_logits: whether the outputs are logits; ``None`` detects it from each output
            layer's activation (linear: logits; softmax: probabilities).
    """

    optimizer: str = "adam"
    learning_rate: float = 1e-3
    schedule: str | None = None
    alpha: float = 0.0
    decay_rate: float = 0.94
    decay_epochs: float = 2.0
    momentum: float = 0.9
    rho: float = 0.9
    epsilon: float = 1e-7
    label_smoothing: float = 0.0
    loss: str = "categorical_crossentropy"
    loss_weights: LossWeights | None = None
    clipnorm: float | None = None
    weight_decay: float | None = None
    metrics: tuple = field(default=("accuracy",))
    from_logits: bool | None = None

    def __post_init__(self):
        def set_(name, value):
            object.__setattr__(self, name, value)

        check_choice(self.optimizer, OPTIMIZERS, "optimizer")
        set_("learning_rate", check_number(self.learning_rate, "learning_rate", 0, open_min=True))
        check_choice(self.schedule, SCHEDULES, "schedule")
        set_("alpha", check_number(self.alpha, "alpha", 0, 1))
        set_("decay_rate", check_number(self.decay_rate, "decay_rate", 0, 1, open_min=True))
        set_("decay_epochs", check_number(self.decay_epochs, "decay_epochs", 0, open_min=True))
        set_("momentum", check_number(self.momentum, "momentum", 0, 1, open_max=True))
        set_("rho", check_number(self.rho, "rho", 0, 1, open_max=True))
        set_("epsilon", check_number(self.epsilon, "epsilon", 0, open_min=True))
        set_(
            "label_smoothing",
            check_number(self.label_smoothing, "label_smoothing", 0, 1, open_max=True),
        )
        check_choice(self.loss, LOSSES, "loss")
        if self.loss == "binary_crossentropy" and self.label_smoothing > 0:
            raise ValueError(
                _(
                    "label_smoothing must be 0 with loss='binary_crossentropy': smoothed "
                    "targets are meant for one softmax over K classes, and Keras' binary "
                    "accuracy would compare predictions with the smoothed values. Received: "
                    "label_smoothing={value!r}"
                ).format(value=self.label_smoothing)
            )
        set_("loss_weights", _frozen_weights(self.loss_weights))
        if self.clipnorm is not None:
            set_("clipnorm", check_number(self.clipnorm, "clipnorm", 0, open_min=True))
        if self.weight_decay is not None:
            set_("weight_decay", check_number(self.weight_decay, "weight_decay", 0))
        metrics = (self.metrics,) if isinstance(self.metrics, str) else self.metrics
        if not isinstance(metrics, (tuple, list)) or not all(
            isinstance(m, str) and m for m in metrics
        ):
            raise ValueError(
                _(
                    "metrics must be a tuple of Keras metric names, e.g. "
                    "('accuracy',). Received: metrics={metrics!r}"
                ).format(metrics=self.metrics)
            )
        set_("metrics", tuple(metrics))
        if self.from_logits is not None:
            check_flag(self.from_logits, "from_logits")

    # ------------------------------------------------------------------ data

    def to_config(self) -> dict:
        """The recipe as a JSON-ready dict (a hyper-parameter table row; what a
        checkpoint directory records). ``Recipe(**config)`` makes it again."""
        config = asdict(self)
        if self.loss_weights is not None:
            config["loss_weights"] = dict(self.loss_weights)
        config["metrics"] = list(self.metrics)
        return config

    def replace(self, **changes) -> Recipe:
        """A copy with ``changes`` (checked like a new recipe)."""
        return replace(self, **changes)

    def targets(self, y, classes: int) -> np.ndarray:
        """The training targets: ``(1 - ε)·onehot(y) + ε/K`` as float32 ``(N, K)``.

        ``y`` holds integer labels ``(N,)`` or one-hot rows ``(N, K)``; ε is
        ``label_smoothing`` and K is ``classes``. With ε = 0 this is the one-hot matrix.
        This is Keras' ``label_smoothing`` form; the v3 paper's (section 7) is the same
        with ``u(k) = 1/K``, and the form "right class 1-(K-1)e, others e" is it with
        ``e = ε/K``.
        """
        classes = check_int(classes, "classes", 2)
        array = np.asarray(y)
        if array.ndim == 2:
            if (
                array.shape[1] != classes
                or not np.all((array == 0) | (array == 1))
                or not np.all(array.sum(axis=1) == 1)
            ):
                raise ValueError(
                    _(
                        "One-hot targets must be rows of {classes} zeros and a "
                        "single one. Received an array of shape {shape}"
                    ).format(classes=classes, shape=array.shape)
                )
            onehot = array.astype(np.float32)
        elif array.ndim == 1:
            if not np.issubdtype(array.dtype, np.integer) or (
                array.size and (array.min() < 0 or array.max() >= classes)
            ):
                received = _("dtype {dtype}").format(dtype=array.dtype)
                if array.size:
                    received = _("dtype {dtype}, values {low}..{high}").format(
                        dtype=array.dtype, low=array.min(), high=array.max()
                    )
                raise ValueError(
                    _("Labels must be integers in [0, {last}]. Received {received}").format(
                        last=classes - 1, received=received
                    )
                )
            onehot = np.eye(classes, dtype=np.float32)[array]
        else:
            raise ValueError(
                _(
                    "y must be integer labels (N,) or one-hot rows (N, K). Received shape {shape}"
                ).format(shape=array.shape)
            )
        epsilon = np.float32(self.label_smoothing)
        return (np.float32(1) - epsilon) * onehot + epsilon / np.float32(classes)

    # ------------------------------------------------------------------ Keras

    def learning_rate_schedule(self, steps_per_epoch: int, epochs: int):
        """The learning rate Keras gets: a float, or a ``LearningRateSchedule`` over steps.

        ``"cosine"`` decays over ``epochs * steps_per_epoch`` steps; ``"exponential"``
        multiplies by ``decay_rate`` every ``round(decay_epochs * steps_per_epoch)`` steps
        (at least 1), in whole steps (``staircase=True``).
        """
        steps_per_epoch = check_int(steps_per_epoch, "steps_per_epoch", 1)
        epochs = check_int(epochs, "epochs", 1)
        if self.schedule == "cosine":
            return keras.optimizers.schedules.CosineDecay(
                self.learning_rate, decay_steps=epochs * steps_per_epoch, alpha=self.alpha
            )
        if self.schedule == "exponential":
            return keras.optimizers.schedules.ExponentialDecay(
                self.learning_rate,
                max(1, round(self.decay_epochs * steps_per_epoch)),
                self.decay_rate,
                staircase=True,
            )
        return self.learning_rate

    def make_optimizer(self, steps_per_epoch: int, epochs: int):
        """A fresh Keras optimizer for a run of ``epochs`` epochs of ``steps_per_epoch``."""
        common = dict(
            learning_rate=self.learning_rate_schedule(steps_per_epoch, epochs),
            global_clipnorm=self.clipnorm,
            weight_decay=self.weight_decay,
        )
        if self.optimizer == "sgd":
            return keras.optimizers.SGD(momentum=self.momentum, **common)
        if self.optimizer == "rmsprop":
            return keras.optimizers.RMSprop(
                rho=self.rho, momentum=self.momentum, epsilon=self.epsilon, **common
            )
        return keras.optimizers.Adam(epsilon=self.epsilon, **common)

    def loss_weights_for(self, model) -> dict | None:
        """``{output: weight}`` for a multi-output ``model`` (``None`` for one output)."""
        names = output_names(model)
        if len(names) == 1:
            return None
        weights = self.loss_weights or {}
        missing = [name for name in names if name not in weights]
        extra = [name for name in weights if name not in names]
        if missing or extra:
            raise ValueError(
                _(
                    "{name} has outputs {names}: loss_weights must give a weight for "
                    "each of them and no other. Received: loss_weights={weights!r}"
                ).format(name=model.name, names=names, weights=dict(weights) if weights else None)
            )
        return {name: weights[name] for name in names}

    def _loss(self, from_logits: bool):
        if self.loss == "binary_crossentropy":
            return keras.losses.BinaryCrossentropy(from_logits=from_logits)
        return keras.losses.CategoricalCrossentropy(from_logits=from_logits)

    def compile(self, model, steps_per_epoch: int, epochs: int):
        """Compile ``model`` for this recipe; return it.

        One loss per output (cross-entropy on one-hot targets, ``from_logits`` detected
        per output unless set), weighted by ``loss_weights``, and ``metrics`` per output.
        Label smoothing is *not* put into the loss: it lives in the training targets
        (:meth:`targets`, which :func:`~inception_edu.training.run` uses), so that the
        validation loss stays the true cross-entropy. ``steps_per_epoch`` and ``epochs``
        set the schedule's length.

        XLA is turned off (``jit_compile=False``; Keras' ``"auto"`` turns it on for the
        TensorFlow backend, CPU included): the course's runs last a few epochs, too few
        to win XLA's compile time back (``benchmarks/training_speed.py xla`` times each
        epoch of notebook 07's small Inception-v4 both ways).
        """
        check_model(model)
        names = output_names(model)
        main_classes(model)
        weights = self.loss_weights_for(model)
        logits = {
            name: self.from_logits if self.from_logits is not None else gives_logits(model, name)
            for name in names
        }
        optimizer = self.make_optimizer(steps_per_epoch, epochs)
        if len(names) == 1:
            model.compile(
                optimizer=optimizer,
                loss=self._loss(logits["main"]),
                metrics=list(self.metrics),
                jit_compile=False,
            )
        else:
            model.compile(
                optimizer=optimizer,
                loss={name: self._loss(logits[name]) for name in names},
                loss_weights=weights,
                metrics={name: list(self.metrics) for name in names},
                jit_compile=False,
            )
        return model


# A misspelt field (``Recipe(lerning_rate=...)``, ``recipe.replace(...)``) is a ValueError
# naming the fields, like every other bad argument of a recipe.
Recipe.__init__ = checks_keywords(Recipe.__init__)

# --------------------------------------------------------------------------- the papers

#: GoogLeNet (Szegedy et al. 2014), section 6: "asynchronous stochastic gradient descent
#: with 0.9 momentum, fixed learning rate schedule (decreasing the learning rate by 4%
#: every 8 epochs)"; section 5: the auxiliary losses "were weighted by 0.3".
#: Departures: the paper gives no initial learning rate (0.01 is the Caffe reference
#: model's, BVLC ``bvlc_googlenet`` solver), its SGD was asynchronous over many machines
#: (here synchronous) and it evaluated a Polyak average of the weights (not done here).
GOOGLENET = Recipe(
    optimizer="sgd",
    momentum=0.9,
    learning_rate=0.01,
    schedule="exponential",
    decay_rate=0.96,
    decay_epochs=8,
    loss_weights={"main": 1.0, "aux_4a": AUX_WEIGHT, "aux_4d": AUX_WEIGHT},
)

#: Inception-v3 (Szegedy et al. 2015), section 8: "RMSProp with decay of 0.9 and
#: ε = 1.0. We used a learning rate of 0.045, decayed every two epoch using an exponential
#: rate of 0.94. In addition, gradient clipping with threshold 2.0"; section 7: label
#: smoothing with ε = 0.1. Departures: RMSProp's momentum (0.9) and the aux loss weight
#: (0.4) are tf-slim's released training script's; the paper states neither. Keras'
#: RMSProp starts its mean square at 0 (TF 1's at 1). Batch 32 over 50 replicas for 100
#: epochs is the paper's scale, not a CPU's.
INCEPTION_V3 = Recipe(
    optimizer="rmsprop",
    rho=0.9,
    momentum=0.9,
    epsilon=1.0,
    learning_rate=0.045,
    schedule="exponential",
    decay_rate=0.94,
    decay_epochs=2,
    clipnorm=2.0,
    label_smoothing=0.1,
    loss_weights={"main": 1.0, "aux": 0.4},
)


def constant_predictor_binary_accuracy(classes: int) -> float:
    """The binary accuracy of a model that predicts 0 for every class: (K-1)/K.

    Evaluated with ``keras.metrics.BinaryAccuracy`` (threshold 0.5) on one one-hot row
    per class against all-zero predictions: each row has K-1 correct zeros and one
    missed one. For the course's 12 classes 11/12 ≈ 0.917; for the source's 51,
    50/51 ≈ 0.980, a "98 % accurate" model that recognises nothing (C36).
    """
    classes = check_int(classes, "classes", 2)
    metric = keras.metrics.BinaryAccuracy()
    metric.update_state(np.eye(classes, dtype=np.float32), np.zeros((classes, classes), np.float32))
    return float(keras.ops.convert_to_numpy(metric.result()))


def check_recipe(recipe, default: Recipe | None = None) -> Recipe:
    """``recipe`` if it is a :class:`Recipe`; ``default`` in its place when it is None.

    Without a ``default``, None is refused too. Anything else raises a ValueError that says
    what was received.
    """
    if recipe is None and default is not None:
        return default
    if not isinstance(recipe, Recipe):
        message = (
            _("recipe must be an inception_edu.training.Recipe or None. Received: {kind}")
            if default
            else _("recipe must be an inception_edu.training.Recipe. Received: {kind}")
        )
        raise ValueError(message.format(kind=type(recipe).__name__))
    return recipe
