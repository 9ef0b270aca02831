"""The one set of argument checks of the package.

Every public function, widget and the command line validates its input with these, so a
learner always gets the same kind of answer: a ``ValueError`` that says what was received
and what is allowed, raised before anything reaches TensorFlow. Nothing here imports
anything heavy.
"""

from __future__ import annotations

import difflib
import functools
import inspect
import math
import numbers
import os
from pathlib import Path

from inception_edu.i18n import N_, _

__all__ = [
    "check_choice",
    "check_flag",
    "check_input_shape",
    "check_int",
    "check_items",
    "check_keywords",
    "checks_keywords",
    "check_folder",
    "check_multiplier",
    "check_name",
    "check_number",
    "check_pair",
    "check_seeds",
    "MAX_MULTIPLIER",
    "CLASSIFIER_ACTIVATIONS",
    "check_model_args",
]

#: The largest ``width``/``depth`` multiplier a builder accepts.
MAX_MULTIPLIER = 4.0

#: The one form of a bound check's error; ``allowed`` says what is allowed.
_MUST_BE = N_("{name} must be {allowed}. Received: {name}={value!r}")


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_int(value, name: str, minimum: int | None = None, maximum: int | None = None) -> int:
    """``value`` as an ``int`` within ``[minimum, maximum]`` (either bound optional)."""
    if (
        not _is_int(value)
        or (minimum is not None and value < minimum)
        or (maximum is not None and value > maximum)
    ):
        if minimum is not None and maximum is not None:
            allowed = _("an int in [{minimum}, {maximum}]").format(minimum=minimum, maximum=maximum)
        elif minimum is not None:
            allowed = _("an int >= {minimum}").format(minimum=minimum)
        elif maximum is not None:
            allowed = _("an int <= {maximum}").format(maximum=maximum)
        else:
            allowed = _("an int")
        raise ValueError(_(_MUST_BE).format(name=name, allowed=allowed, value=value))
    return int(value)


def check_number(
    value,
    name: str,
    minimum: float | None = None,
    maximum: float | None = None,
    *,
    open_min: bool = False,
    open_max: bool = False,
) -> float:
    """``value`` as a finite ``float`` within the bounds; ``open_*`` excludes the bound."""
    ok = _is_number(value) and math.isfinite(value)
    if ok and minimum is not None:
        ok = value > minimum if open_min else value >= minimum
    if ok and maximum is not None:
        ok = value < maximum if open_max else value <= maximum
    if not ok:
        low = "" if minimum is None else ("(" if open_min else "[") + f"{minimum:g}"
        high = "" if maximum is None else f"{maximum:g}" + (")" if open_max else "]")
        if minimum is not None and maximum is not None:
            allowed = _("a number in {low}, {high}").format(low=low, high=high)
        elif minimum is not None:
            above = _("a number > {minimum}") if open_min else _("a number >= {minimum}")
            allowed = above.format(minimum=f"{minimum:g}")
        elif maximum is not None:
            below = _("a number < {maximum}") if open_max else _("a number <= {maximum}")
            allowed = below.format(maximum=f"{maximum:g}")
        else:
            allowed = _("a finite number")
        raise ValueError(_(_MUST_BE).format(name=name, allowed=allowed, value=value))
    return float(value)


def check_flag(value, name: str) -> bool:
    """``value`` must be ``True`` or ``False`` (not 1, not "yes")."""
    if not isinstance(value, bool):
        raise ValueError(
            _("{name} must be True or False. Received: {name}={value!r}").format(
                name=name, value=value
            )
        )
    return value


def check_choice(value, allowed, name: str, owner: str | None = None):
    """``value`` must be one of ``allowed``; ``owner`` names the thing it belongs to."""
    try:
        found = value in allowed
    except TypeError:  # an unhashable value asked of a set or dict
        found = False
    if not found:
        shown = ", ".join(repr(a) for a in allowed)
        message = (
            _("{name} of {owner!r} must be one of {shown}. Received: {name}={value!r}")
            if owner
            else _("{name} must be one of {shown}. Received: {name}={value!r}")
        )
        raise ValueError(message.format(name=name, owner=owner, shown=shown, value=value))
    return value


def check_items(value, kind: type, name: str) -> list:
    """``value`` as a non-empty list whose items are all ``kind`` (a list or tuple of
    them): the results an experiment returned, handed back to its table or plot."""
    items = list(value) if isinstance(value, (list, tuple)) else None
    if not items or not all(isinstance(item, kind) for item in items):
        raise ValueError(
            _("{name} must be a non-empty list of {kind}. Received: {value}").format(
                name=name, kind=kind.__name__, value=f"{value!r:.80}"
            )
        )
    return items


def check_seeds(seeds) -> tuple:
    """``seeds`` as a tuple of distinct ints >= 0, at least one: the seeds an experiment
    repeats its runs over (a repeated seed would count one run twice in the spread)."""
    if not isinstance(seeds, (tuple, list)) or not seeds:
        raise ValueError(
            _(
                "seeds must be a non-empty list of distinct ints >= 0. Received: seeds={seeds!r}"
            ).format(seeds=seeds)
        )
    seeds = tuple(check_int(seed, "seed", 0) for seed in seeds)
    if len(set(seeds)) != len(seeds):
        raise ValueError(
            _("seeds must be distinct. Received: seeds={seeds!r}").format(seeds=list(seeds))
        )
    return seeds


def check_name(value, what: str = N_("name")) -> str:
    """A spec or layer name: a non-empty string without ``/`` or spaces (Keras 3 layer names).
    ``what`` says which name (marked ``N_()`` by the caller, shown translated)."""
    if not isinstance(value, str) or not value or "/" in value or " " in value:
        raise ValueError(
            _(
                "A {what} must be a non-empty string without '/' or spaces. Received: {value!r}"
            ).format(what=_(what), value=value)
        )
    return value


def check_pair(value, name: str, owner: str | None = None) -> tuple[int, int]:
    """An int or an ``(h, w)`` pair of positive ints, as a pair."""
    pair = (value, value) if _is_int(value) else value
    if (
        not isinstance(pair, (tuple, list))
        or len(pair) != 2
        or not all(_is_int(v) and v >= 1 for v in pair)
    ):
        message = (
            _(
                "{name} of {owner!r} must be a positive int or a pair of positive ints. "
                "Received: {name}={value!r}"
            )
            if owner
            else _(
                "{name} must be a positive int or a pair of positive ints. "
                "Received: {name}={value!r}"
            )
        )
        raise ValueError(message.format(name=name, owner=owner, value=value))
    return int(pair[0]), int(pair[1])


def check_multiplier(value, name: str) -> float:
    """``width``/``depth``: a number in (0, :data:`MAX_MULTIPLIER`]."""
    return check_number(value, name, 0, MAX_MULTIPLIER, open_min=True)


def check_input_shape(input_shape, minimum: int = 1, model: str = N_("this model")) -> tuple:
    """``(height, width, channels)`` of positive ints, with height and width >= ``minimum``.

    ``minimum`` is the smallest input ``model`` accepts (75 for v3, v4 and the
    Inception-ResNets, as in Keras; 32 for GoogLeNet's five stride-2 stages). ``model``
    is a model's name, or words marked ``N_()`` (shown translated).
    """
    if (
        not isinstance(input_shape, (tuple, list))
        or len(input_shape) != 3
        or not all(_is_int(v) for v in input_shape)
        or min(input_shape) < 1
    ):
        raise ValueError(
            _(
                "input_shape must be (height, width, channels) with positive ints. "
                "Received: input_shape={input_shape!r}"
            ).format(input_shape=input_shape)
        )
    if min(input_shape[:2]) < minimum:
        raise ValueError(
            _(
                "Input size must be at least {minimum}x{minimum} for {model}. "
                "Received: input_shape={input_shape!r}"
            ).format(minimum=minimum, model=_(model), input_shape=tuple(input_shape))
        )
    return tuple(int(v) for v in input_shape)


#: What ``classifier_activation`` may be: as ``keras.applications`` allows, ``None`` gives
#: logits (for label smoothing from logits, temperature scaling, mixed precision).
CLASSIFIER_ACTIVATIONS = ("softmax", None)


def check_model_args(classes, include_top, width, depth, classifier_activation="softmax"):
    """The arguments every model builder takes; returns (classes, width, depth)."""
    check_flag(include_top, "include_top")
    check_choice(classifier_activation, CLASSIFIER_ACTIVATIONS, "classifier_activation")
    return (
        check_int(classes, "classes", 1),
        check_multiplier(width, "width"),
        check_multiplier(depth, "depth"),
    )


def check_keywords(given, allowed, owner: str) -> None:
    """Every name in ``given`` must be one of ``allowed``: a misspelt keyword argument of
    ``owner`` is a ``ValueError`` naming the allowed ones (and the closest, if any), not
    Python's ``TypeError``."""
    allowed = tuple(allowed)
    unknown = [name for name in given if name not in allowed]
    if unknown:
        close = difflib.get_close_matches(unknown[0], allowed, n=1)
        guess = _(" (did you mean {close!r}?)").format(close=close[0]) if close else ""
        raise ValueError(
            _(
                "{owner} takes no argument {unknown}{guess}. Allowed: {allowed}. Received: {given}"
            ).format(
                owner=owner,
                unknown=", ".join(map(repr, unknown)),
                guess=guess,
                allowed=", ".join(allowed),
                given=", ".join(f"{name}={given[name]!r:.40}" for name in unknown),
            )
        )


def checks_keywords(function):
    """Decorate a public function (or a class's ``__init__``) so that a misspelt keyword
    argument is a :func:`check_keywords` ``ValueError``; its signature, name and
    docstring are kept (``help`` and ``inspect.signature`` show the function's own)."""
    parameters = inspect.signature(function).parameters.values()
    kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    allowed = tuple(p.name for p in parameters if p.kind in kinds and p.name != "self")
    positional = [
        p.name
        for p in parameters
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    if any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in parameters):
        positional = None  # takes any number
    owner = function.__qualname__.replace(".__init__", "") + "()"

    @functools.wraps(function)
    def checked(*args, **kwargs):
        if kwargs:
            check_keywords(kwargs, allowed, owner)
        if positional is not None and len(args) > len(positional):
            shown = [name for name in positional if name != "self"]
            given = args[len(positional) - len(shown) :]  # without self
            takes = (
                _(
                    "takes at most {count} positional argument(s) ({names}); "
                    "give the others by name"
                ).format(count=len(shown), names=", ".join(shown))
                if shown
                else _("takes its arguments by name only")
            )
            raise ValueError(
                _(
                    "{owner} {takes}. Allowed: {allowed}. Received: "
                    "{count} positional arguments {given}"
                ).format(
                    owner=owner,
                    takes=takes,
                    allowed=", ".join(allowed),
                    count=len(given),
                    given=f"{given!r:.80}",
                )
            )
        return function(*args, **kwargs)

    return checked


def check_folder(value, name: str) -> Path:
    """A folder path (a non-empty ``str`` or ``os.PathLike``, ``~`` expanded) where a
    folder is, or can be made: it is a folder, or does not exist yet and lies under no
    file. Nothing is created."""
    if not isinstance(value, (str, os.PathLike)) or str(os.fspath(value)) == "":
        raise ValueError(
            _(
                "{name} must be a folder path (a non-empty str or pathlib.Path). "
                "Received: {name}={value!r}"
            ).format(name=name, value=value)
        )
    path = Path(value).expanduser()
    for place in (path, *path.parents):
        if place.exists():
            if not place.is_dir():
                where = (
                    _("is a file")
                    if place == path
                    else _("lies under the file {file!r}").format(file=str(place))
                )
                raise ValueError(
                    _(
                        "{name} must be a folder, or a path where one can be made; "
                        "{path!r} {where}. Received: {name}={value!r}"
                    ).format(name=name, path=str(path), where=where, value=value)
                )
            break
    return path
