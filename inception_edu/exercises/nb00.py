"""Notebook 00's exercise: parameters and compute do not rank networks the same way."""

from __future__ import annotations

from inception_edu.analysis import analyze_model
from inception_edu.analysis.tables import fmt_count, fmt_macs
from inception_edu.exercises.checker import Close, Exercise
from inception_edu.zoo import MODELS, model_spec


def _totals(name: str) -> tuple:
    summary = analyze_model(model_spec(name))
    return summary.total_params, summary.total_macs


def lighter_but_costlier_than_v3() -> str:
    """The one network with fewer parameters than Inception-v3 but more multiply-adds."""
    params, macs = _totals("inception_v3")
    found = [m for m in MODELS if _totals(m)[0] < params and _totals(m)[1] > macs]
    if len(found) != 1:
        raise ValueError(f"Expected one such model, found {found}")
    return found[0]


def _worked(expected: str) -> str:
    v3, other = _totals("inception_v3"), _totals(expected)
    return (f"inception_v3 has {fmt_count(v3[0])} parameters and {fmt_macs(v3[1])} "
            f"multiply-adds; {expected} has {fmt_count(other[0])} and {fmt_macs(other[1])}: "
            "fewer of the first, more of the second.")


LIGHTER_BUT_COSTLIER = Exercise(
    question="which network has fewer parameters than inception_v3 but needs more "
             "multiply-adds per image?",
    expected=lighter_but_costlier_than_v3,
    kind="choice", choices=MODELS,
    hint="Compare both columns of the family table with inception_v3's row: you need a "
         "smaller number in the first and a larger one in the second.",
    worked=_worked,
    right=lambda m: f"Right: {m}. Parameters count weights once; multiply-adds count how "
                    "often they are used, which depends on the grid each layer runs on.",
    close=(Close("Close: googlenet has fewer parameters, but also far fewer multiply-adds.",
                 value="googlenet"),
           Close("Close: it needs more multiply-adds, but it also has more parameters.",
                 test=lambda m: m in ("inception_v4", "inception_resnet_v2"))),
)
