"""The model zoo's index: one entry per network, filled by :func:`register` on its spec
function. Every list the package keeps of the networks is derived from these entries:

- :data:`MODELS` (the names, in the order of the papers), :data:`MODEL_LABELS` (the names
  as the papers write them), :data:`ALIASES` (the papers', tf-slim's and Keras' names) and
  :data:`SPEC_FUNCTIONS`, read from the entries each time they are asked for;
- the public builders of :mod:`inception_edu.models` (``models.inception_v3`` ...), made
  from each entry's spec function and ``builder_doc``.

Adding a network touches one file: the zoo module that lays it out, where
``@register(...)`` on its spec function gives its name, label, paper year, aliases and
builder docstring. :mod:`inception_edu.zoo` imports every module of the zoo, so the
registry is complete whichever zoo module is imported first. (So no zoo module may copy a
derived list at import, ``from ...registry import MODELS``: the zoo is half registered
then. Modules above the zoo import them as they like.)

:func:`model_spec` is the one way to get a model's spec by name; it checks the keyword
arguments against the spec function's own signature, so a misspelt option is a
``ValueError`` naming what is allowed, not a ``TypeError``.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass

from inception_edu.spec.checks import check_int, check_keywords

__all__ = [
    "ALIASES",  # noqa: F822 (derived, see __getattr__)
    "MODELS",  # noqa: F822 (derived, see __getattr__)
    "MODEL_LABELS",  # noqa: F822 (derived, see __getattr__)
    "SPEC_FUNCTIONS",  # noqa: F822 (derived, see __getattr__)
    "ModelEntry",
    "canonical_name",
    "entries",
    "model_spec",
    "register",
    "spec_arguments",
]


@dataclass(frozen=True)
class ModelEntry:
    """One network of the course: its name, how the paper writes it, the year of that
    paper (which orders :data:`MODELS`), the spec function that lays it out, the other
    names it goes by, and the docstring of its builder in :mod:`inception_edu.models`."""

    name: str
    label: str
    year: int
    spec_function: Callable
    aliases: tuple
    builder_doc: str


#: The entries by name, in the order they were registered.
_ENTRIES: dict = {}


def register(
    name: str, *, label: str, year: int, aliases: tuple = (), builder_doc: str
) -> Callable:
    """Decorate a spec function to add its network to the zoo under ``name``.

    ``name`` is also the name of its builder in :mod:`inception_edu.models` (a Python
    identifier); ``label`` the name its paper writes (an alias too); ``year`` the paper's,
    which orders :data:`MODELS` (networks of one year keep their registration order, which
    the zoo's imports fix); ``aliases`` the other names it goes by; ``builder_doc`` the
    docstring of the Keras builder made from it, whose options are the spec function's
    plus ``input_shape`` and ``final_endpoint``. The spec function is returned unchanged.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"A model name must be a Python identifier. Received: {name!r}")
    check_int(year, "year", 1900)
    names = (*aliases, label)
    taken = [n for n in (name, *names) if n in _ENTRIES or n in _aliases()]
    if taken:
        raise ValueError(f"A model's names must be new to the zoo. Received again: {taken}")

    def add(spec_function: Callable) -> Callable:
        _ENTRIES[name] = ModelEntry(name, label, year, spec_function, names, builder_doc)
        return spec_function

    return add


def entries() -> tuple:
    """Every :class:`ModelEntry`, in the order of :data:`MODELS`: by the year of the
    paper, then in registration order."""
    return tuple(sorted(_ENTRIES.values(), key=lambda e: e.year))


def _aliases() -> dict:
    return {alias: e.name for e in entries() for alias in e.aliases}


#: What each derived list is made of (module attributes, computed on each access).
_DERIVED = {
    "MODELS": lambda: tuple(e.name for e in entries()),
    "MODEL_LABELS": lambda: {e.name: e.label for e in entries()},
    "ALIASES": _aliases,
    "SPEC_FUNCTIONS": lambda: {e.name: e.spec_function for e in entries()},
}


def __getattr__(attribute: str):
    """The derived lists :data:`MODELS`, :data:`MODEL_LABELS`, :data:`ALIASES` and
    :data:`SPEC_FUNCTIONS`, read from the entries (so none is kept by hand)."""
    if attribute in _DERIVED:
        return _DERIVED[attribute]()
    raise AttributeError(f"module {__name__!r} has no attribute {attribute!r}")


def __dir__() -> list:
    return sorted({*globals(), *_DERIVED})


def canonical_name(model: str) -> str:
    """The course's name of ``model`` (one of :data:`MODELS`), from any known alias."""
    aliases = _aliases()
    if isinstance(model, str):
        model = aliases.get(model, model)
    if not isinstance(model, str) or model not in _ENTRIES:
        raise ValueError(
            f"Unknown model {model!r}. Allowed: {', '.join(e.name for e in entries())} "
            f"(or one of the aliases {', '.join(aliases)})"
        )
    return model


def spec_arguments(model: str) -> tuple:
    """The keyword arguments the spec function of ``model`` takes."""
    return tuple(inspect.signature(_ENTRIES[canonical_name(model)].spec_function).parameters)


def model_spec(model: str, **kwargs):
    """The :class:`~inception_edu.spec.ModelSpec` of ``model`` with the builder's options."""
    name = canonical_name(model)
    check_keywords(kwargs, spec_arguments(name), name)
    return _ENTRIES[name].spec_function(**kwargs)
