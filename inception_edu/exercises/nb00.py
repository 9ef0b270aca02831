"""Notebook 00's exercise: what halving every layer's filters does to the parameters."""

from __future__ import annotations

from inception_edu.analysis import analyze_model
from inception_edu.exercises.checker import Close, Exercise
from inception_edu.i18n import N_, _
from inception_edu.zoo import model_spec

#: The answers offered, as fractions of the full network's parameters.
FRACTIONS = {"1/2": 1 / 2, "1/4": 1 / 4, "1/8": 1 / 8}


def half_width_fraction(model: str = "inception_v3") -> float:
    """Parameters of ``model`` with every filter count halved, over the full model's."""
    full = analyze_model(model_spec(model)).total_params
    return analyze_model(model_spec(model, width=0.5)).total_params / full


def nearest_fraction() -> str:
    """The offered fraction closest to :func:`half_width_fraction`."""
    ratio = half_width_fraction()
    return min(FRACTIONS, key=lambda name: abs(FRACTIONS[name] - ratio))


HALF_THE_FILTERS = Exercise(
    question=N_(
        "if every layer of inception_v3 had half its filters, about what fraction of "
        'its parameters would remain: "1/2", "1/4" or "1/8"?'
    ),
    expected=nearest_fraction,
    kind="choice",
    choices=tuple(FRACTIONS),
    hint=N_(
        "A convolution's kernel weights are kernel height x width x input channels x "
        "filters. Halve every layer's filters: what happens to the next layer's input "
        "channels?"
    ),
    worked=lambda f: _(
        "both the filters and the input channels of every convolution halve, "
        "so each kernel keeps 1/2 x 1/2 = 1/4 of its weights; counted exactly, "
        "{share} remain (the 1000-way classifier only halves)."
    ).format(share=f"{half_width_fraction():.0%}"),
    right=lambda f: _(
        "Right: about {fraction} ({share}, counted). Width costs quadratically: the "
        "filters and the channels they read both shrink."
    ).format(fraction=f, share=f"{half_width_fraction():.0%}"),
    close=(
        Close(
            N_(
                "Close: the filters halve, but so do the input channels every later layer "
                "reads: two factors of 1/2."
            ),
            value="1/2",
        ),
    ),
)
