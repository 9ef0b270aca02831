"""Several independent networks trained as one Keras model, on the same batches.

Each network keeps its own weights; the model's loss is the sum of theirs, so each gets
exactly the gradient it would get alone, and an optimizer that adapts per weight (Adam,
RMSProp, SGD with momentum) updates each exactly as if it trained alone. What they share
is the order of the batches. Training them together costs one trace of the training step
and one pass per batch instead of one per network, which on a small CPU is most of the
cost of a short run: the course trains three seeds of a mini network this way.
"""

from __future__ import annotations

from inception_edu.backend import keras
from inception_edu.i18n import _
from inception_edu.keras_build import check_model
from inception_edu.training.recipe import Recipe
from inception_edu.training.runner import run

__all__ = ["fit_side_by_side", "replica_curves", "replica_keys", "replica_outputs", "side_by_side"]


def replica_keys(count: int) -> list:
    """The output names of ``count`` networks side by side: ``"main"`` (the runner's
    convention for the first), then ``"replica_1"``, ``"replica_2"``..."""
    return ["main"] + [f"replica_{i}" for i in range(1, count)]


def side_by_side(models) -> keras.Model:
    """One model whose outputs are ``models``' outputs on a shared input.

    ``models``: a list of single-output Keras models taking the same input shape. Returns
    a model with outputs ``{replica_keys(n)[i]: models[i](x)}``; train it with a recipe
    whose ``loss_weights`` give every key 1.0.
    """
    models = list(models)
    if not models:
        raise ValueError(_("side_by_side needs at least one model. Received: []"))
    for model in models:
        check_model(model, "each of models")
        if isinstance(model.output, (dict, list, tuple)):
            raise ValueError(
                _(
                    "side_by_side takes single-output models. Received: "
                    "{name} with outputs {outputs}"
                ).format(name=model.name, outputs=list(model.output))
            )
    shapes = {tuple(model.input.shape[1:]) for model in models}
    if len(shapes) != 1:
        raise ValueError(
            _("The models must take the same input shape. Received: {shapes}").format(shapes=shapes)
        )
    inputs = keras.Input(shapes.pop(), name="input")
    outputs = {}
    for key, model in zip(replica_keys(len(models)), models, strict=True):
        named = keras.Model(model.input, model.output, name=key)  # a unique name each
        outputs[key] = named(inputs)
    return keras.Model(inputs, outputs, name="side_by_side")


def replica_curves(history, metric: str = "val_accuracy") -> list:
    """Per replica, the per-epoch values of ``metric`` from a side-by-side run's history
    (``"val_accuracy"`` reads ``val_main_accuracy``, ``val_replica_1_accuracy``, ...)."""
    logs = getattr(history, "history", history)
    prefix, base = ("val_", metric[4:]) if metric.startswith("val_") else ("", metric)
    keys = [key for key in replica_keys(len(logs)) if f"{prefix}{key}_{base}" in logs]
    if not keys:
        raise ValueError(
            _("No {metric!r} per replica in this history. Allowed: {allowed}").format(
                metric=metric, allowed=sorted(logs)
            )
        )
    return [[float(v) for v in logs[f"{prefix}{key}_{base}"]] for key in keys]


def replica_outputs(model, x) -> list:
    """Each replica's output on ``x``, in order, as numpy arrays (inference mode)."""
    check_model(model)
    outputs = model(x, training=False)
    if not isinstance(outputs, dict):
        raise ValueError(
            _("{name} is not a side-by-side model (one output).").format(name=model.name)
        )
    return [keras.ops.convert_to_numpy(outputs[key]) for key in replica_keys(len(outputs))]


def fit_side_by_side(model, keys, split, recipe: Recipe, epochs: int, batch_size: int, seed: int):
    """Train a side-by-side ``model`` on ``split``'s training part, every network's loss
    weighted 1.0 (``keys``: its output names), so each learns exactly as if alone; returns
    the history of :func:`~inception_edu.training.run`."""
    recipe = recipe.replace(loss_weights={key: 1.0 for key in keys})
    train = (split.x_train, split.y_train)
    return run(model, train, None, recipe, epochs, batch_size=batch_size, seed=seed)
