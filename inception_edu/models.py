"""The public model builders (the DESIGN contract), each returning a ``keras.Model``.

Every builder validates its arguments first (a ``ValueError`` naming what was received
and what is allowed; a misspelt keyword names the allowed ones), analyzes its spec (so
an impossible shape is reported by layer name, not by a TensorFlow error deep in the
graph), then builds the Keras functional graph from the spec of :mod:`inception_edu.zoo`:

- :func:`googlenet`, :func:`inception_v3`, :func:`inception_v4`,
  :func:`inception_resnet_v1`, :func:`inception_resnet_v2`.

The builders are not written here one by one: each is made from its network's entry in
:mod:`inception_edu.zoo.registry` (the spec function's options, plus ``input_shape`` first
and ``final_endpoint`` last, with the entry's docstring), so a network registered in the
zoo has its builder here with nothing to add. :data:`BUILDERS` maps every name to its
builder.

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

import functools
import inspect

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
from inception_edu.zoo import registry

__all__ = [
    "BUILDERS",  # noqa: F822 (derived, see __getattr__)
    "ScaledResidual",
    "WeightsUnavailableError",
    "build",
    "check_model",
    "end_points",
    "keras_summary",
    "layer_macs",
    "load_imagenet_weights",
    "parameter_depth",
    "stage_layers",
    "transfer_weights",
    *registry.MODELS,  # the builders: googlenet, inception_v3, ...
]

_POSITIONAL = inspect.Parameter.POSITIONAL_OR_KEYWORD


@functools.cache
def _builder(entry: registry.ModelEntry):
    """The public builder of ``entry``: its options checked by name and position, its spec
    made by :func:`~inception_edu.zoo.registry.model_spec`, then built into Keras."""
    spec_options = inspect.signature(entry.spec_function).parameters.values()
    default_input = entry.spec_function().default_input
    signature = inspect.Signature(
        [
            inspect.Parameter("input_shape", _POSITIONAL, default=(default_input,) * 2 + (3,)),
            *spec_options,
            inspect.Parameter("final_endpoint", _POSITIONAL, default=None, annotation="str | None"),
        ]
    )

    def builder(*args, **kwargs):
        arguments = signature.bind(*args, **kwargs)
        arguments.apply_defaults()
        options = dict(arguments.arguments)
        input_shape, final_endpoint = options.pop("input_shape"), options.pop("final_endpoint")
        return build(registry.model_spec(entry.name, **options), input_shape, final_endpoint)

    builder.__name__ = builder.__qualname__ = entry.name
    builder.__doc__ = entry.builder_doc
    builder.__signature__ = signature
    return checks_keywords(builder)


def __getattr__(attribute: str):
    """The builders by name (``googlenet``, ``inception_v3``, ...) and :data:`BUILDERS`
    (``{name: builder}`` in :data:`~inception_edu.zoo.registry.MODELS` order), made from
    the registry's entries."""
    if attribute == "BUILDERS":
        return {entry.name: _builder(entry) for entry in registry.entries()}
    for entry in registry.entries():
        if entry.name == attribute:
            return _builder(entry)
    raise AttributeError(f"module {__name__!r} has no attribute {attribute!r}")


def __dir__() -> list:
    return sorted({*globals(), "BUILDERS", *registry.MODELS})
