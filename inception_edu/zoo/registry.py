"""The model zoo's index: model names (the papers', tf-slim's, Keras') -> spec functions.

:func:`model_spec` is the one way to get a model's spec by name; it checks the keyword
arguments against the spec function's own signature, so a misspelt option is a
``ValueError`` naming what is allowed, not a ``TypeError``.
"""

from __future__ import annotations

import inspect

from inception_edu.spec.checks import check_keywords
from inception_edu.zoo.googlenet import googlenet_spec
from inception_edu.zoo.inception_resnet import (
    inception_resnet_v1_spec,
    inception_resnet_v2_spec,
)
from inception_edu.zoo.inception_v3 import inception_v3_spec
from inception_edu.zoo.inception_v4 import inception_v4_spec

#: The five networks of the course, in the order of the papers.
MODELS = ("googlenet", "inception_v3", "inception_v4", "inception_resnet_v1", "inception_resnet_v2")

#: Their names as the papers write them.
MODEL_LABELS = {
    "googlenet": "GoogLeNet",
    "inception_v3": "Inception-v3",
    "inception_v4": "Inception-v4",
    "inception_resnet_v1": "Inception-ResNet-v1",
    "inception_resnet_v2": "Inception-ResNet-v2",
}

SPEC_FUNCTIONS = {
    "googlenet": googlenet_spec,
    "inception_v3": inception_v3_spec,
    "inception_v4": inception_v4_spec,
    "inception_resnet_v1": inception_resnet_v1_spec,
    "inception_resnet_v2": inception_resnet_v2_spec,
}

#: Other names the same networks go by: the papers', tf-slim's and keras.applications'.
ALIASES = {
    "inception_v1": "googlenet",
    "inception-v1": "googlenet",
    "GoogLeNet": "googlenet",
    "inception_v2": "inception_v3",  # the same graph, trained without the v3 recipe
    "InceptionV3": "inception_v3",
    "Inception-v3": "inception_v3",
    "Inception-v4": "inception_v4",
    "Inception-ResNet-v1": "inception_resnet_v1",
    "InceptionResNetV2": "inception_resnet_v2",
    "Inception-ResNet-v2": "inception_resnet_v2",
}


def canonical_name(model: str) -> str:
    """The course's name of ``model`` (one of :data:`MODELS`), from any known alias."""
    if isinstance(model, str):
        model = ALIASES.get(model, model)
    if not isinstance(model, str) or model not in SPEC_FUNCTIONS:
        raise ValueError(
            f"Unknown model {model!r}. Allowed: {', '.join(MODELS)} "
            f"(or one of the aliases {', '.join(ALIASES)})"
        )
    return model


def spec_arguments(model: str) -> tuple:
    """The keyword arguments the spec function of ``model`` takes."""
    return tuple(inspect.signature(SPEC_FUNCTIONS[canonical_name(model)]).parameters)


def model_spec(model: str, **kwargs):
    """The :class:`~inception_edu.spec.ModelSpec` of ``model`` with the builder's options."""
    name = canonical_name(model)
    check_keywords(kwargs, spec_arguments(name), name)
    return SPEC_FUNCTIONS[name](**kwargs)
