"""Notebook 11's exercises, graded by the course's checker core
(:class:`~inception_edu.exercises.checker.Exercise`).

- :data:`FACTORIZED_5X5`: a new case to reason about before typing it into the designer:
  inception(3a) at the capstone's width with its 5x5 branch replaced by two stacked 3x3s
  (Inception-v3, Szegedy et al. 2015, section 3.1). Does it save, as it does in the paper?
- :func:`design_target`: the capstone's target, a design to build: at most half
  inception(3a)'s multiply-adds, and a validation error within two points of its own on
  every seed, under the notebook's budget. The answer is a design (a dict, a
  :class:`~inception_edu.experiments.capstone.designer.BlockDesigner` or a design file);
  the judge prices it first (no training for a block that costs too much), then trains it
  with the notebook's seeds and budget and compares it with inception(3a)'s runs
  (:func:`~inception_edu.experiments.capstone.experiment.target_verdict`).
"""

from __future__ import annotations

import os

from inception_edu.analysis import analyze
from inception_edu.exercises.checker import Close, Exercise
from inception_edu.experiments.capstone.design import BLOCK_INPUT, design_to_spec, load_design
from inception_edu.experiments.capstone.designer import YARDSTICK, BlockDesigner, parse_branch
from inception_edu.experiments.capstone.experiment import (
    reference_designs,
    target_verdict,
    train_designs,
)
from inception_edu.i18n import N_, _
from inception_edu.spec.checks import check_number

__all__ = ["FACTORIZED_5X5", "as_design", "block_macs", "design_target"]


def as_design(answer, input_shape=BLOCK_INPUT) -> dict:
    """``answer`` as a checked design: a design dict, a :class:`BlockDesigner` (its design;
    refused while it shows an error) or the path of a design file."""
    if isinstance(answer, BlockDesigner):
        if answer.error:
            raise ValueError(f"The designer shows an error; fix it first: {answer.error}")
        answer = answer.design
    elif isinstance(answer, (str, os.PathLike)):
        answer = load_design(answer, input_shape)
    elif not isinstance(answer, dict):
        raise ValueError(
            "Answer with a design: a BlockDesigner, a design dict or a design file (.json). "
            f"Received: {type(answer).__name__}"
        )
    design_to_spec(answer, input_shape, source="your design")
    return answer


def block_macs(design, input_shape=BLOCK_INPUT) -> int:
    """Multiply-adds per image of ``design``'s block on ``input_shape``."""
    return analyze(design_to_spec(design, input_shape), input_shape).macs


def _with_branch(index: int, line: str) -> dict:
    """inception(3a) at the capstone's width with branch ``index`` written as ``line``."""
    design = reference_designs()[YARDSTICK]
    branches = list(design["branches"])
    branches[index] = parse_branch(line)
    return {**design, "name": "3a, 5x5 as two 3x3", "branches": branches}


def _branch_macs(line: str) -> int:
    """Multiply-adds per image of one branch ``line`` on the capstone's block input."""
    design = {**reference_designs()[YARDSTICK], "branches": [parse_branch(line)]}
    return block_macs(design)


def _factorized_ratio() -> float:
    return _branch_macs("1x1:4 > 3x3:8 > 3x3:8") / _branch_macs("1x1:4 > 5x5:8")


FACTORIZED_5X5 = Exercise(
    question=N_(
        "inception(3a) at the capstone's width has a 5x5 branch 1x1:4 > 5x5:8 on its "
        "8x8x48 input. Replace it with two stacked 3x3s, 1x1:4 > 3x3:8 > 3x3:8. How many "
        "times the old branch's multiply-adds does the new branch need? (two decimals)"
    ),
    expected=_factorized_ratio,
    tolerance=0.005,
    minimum=0,
    hint=N_(
        "Count the whole branch, layer by layer: per output position a convolution costs "
        "kernel height x width x input channels x filters, and the 1x1 reduction is part of it."
    ),
    worked=lambda r: _(
        "per position: 1x1 48*4 = 192 in both; 5x5 on 4 channels to 8: 5*5*4*8 = 800; two "
        "3x3s: 3*3*4*8 + 3*3*8*8 = 288 + 576 = 864. (192 + 864) / (192 + 800) = {ratio}."
    ).format(ratio=f"{r:.2f}"),
    right=lambda r: _(
        "Right: {ratio}, more than before. The paper's 18/25 (section 3.1) holds when both "
        "3x3s keep the 5x5's input channels; here the first 3x3 outputs 8 channels, so the "
        "second reads 8 where the 5x5 read 4."
    ).format(ratio=f"{r:.2f}"),
    close=(
        Close(
            N_(
                "That is the paper's 18/25 for a 5x5 whose two 3x3s keep its channels; here "
                "the first 3x3 reads 4 channels and the second 8. Count each layer."
            ),
            test=lambda a: (
                abs(a - 18 / 25) <= 0.005 or abs(a - (192 + 18 / 25 * 800) / 992) <= 0.005
            ),
        ),
        Close(
            N_(
                "Close: that compares the convolutions alone (864 / 800); the 1x1 reduction's "
                "192 per position is part of both branches."
            ),
            value=864 / 800,
        ),
    ),
)


def design_target(
    split,
    runs,
    seeds=(0, 1, 2),
    epochs: int = 4,
    batch_size: int = 64,
    cost_fraction: float = 0.5,
    error_points: float = 2.0,
) -> Exercise:
    """The capstone's target as an exercise: a design whose block costs at most
    ``cost_fraction`` of inception(3a)'s multiply-adds and whose validation error stays
    within ``error_points`` points of inception(3a)'s in ``runs`` (the notebook's
    :func:`train_designs` runs), trained on ``split`` with the same ``seeds``, ``epochs``
    and ``batch_size``. "correct" when the verdict over the seeds holds, "close" when the block is
    cheap enough but the error is not within the points on every seed."""
    cost_fraction = check_number(cost_fraction, "cost_fraction", 0, 1, open_min=True)
    error_points = check_number(error_points, "error_points", 0)
    reference = [r for r in runs if r.design == YARDSTICK]
    if not reference:
        raise ValueError(
            f"runs must hold {YARDSTICK}'s runs (train it beside the designs). "
            f"Received designs: {sorted({r.design for r in runs})}"
        )
    yardstick = block_macs(reference_designs()[YARDSTICK])

    def judge(answer):
        design = as_design(answer)
        ratio = block_macs(design) / yardstick
        if ratio > cost_fraction:
            return "wrong", _("Your block costs {ratio}x {reference}'s multiply-adds.").format(
                ratio=f"{ratio:.2f}", reference=YARDSTICK
            )
        mine = train_designs(split, {"your design": design}, seeds, epochs, batch_size)
        verdict = target_verdict(
            [*reference, *mine], "your design", YARDSTICK, cost_fraction, error_points
        )[2]
        detail = _("Your block costs {ratio}x {reference}'s multiply-adds; {verdict}.").format(
            ratio=f"{ratio:.2f}", reference=YARDSTICK, verdict=verdict
        )
        if verdict.verdict == "holds":
            return "correct", detail
        return "close", (
            f"{detail} "
            + _(
                "Cheap enough, not yet accurate enough on every seed: spend the multiply-adds "
                "you saved where they buy accuracy (wider 3x3s, factorized, rather than wide "
                "1x1s or a 5x5)."
            )
        )

    return Exercise(
        question=_(  # formatted here, in the language set when the exercise is made
            "Design a block that costs at most {fraction}x {reference}'s multiply-adds and "
            "whose validation error stays within {points} points of its own on every seed."
        ).format(fraction=f"{cost_fraction:g}", reference=YARDSTICK, points=f"{error_points:g}"),
        expected=lambda: yardstick,
        kind="target",
        judge=judge,
        hint=N_(
            "Where do the multiply-adds go? Read the designer's table: thin the widest "
            "branch, put a 1x1 reduction before every large kernel, factorize n x n into "
            "1 x n and n x 1."
        ),
        worked=lambda macs: _(
            "{reference} costs {macs} multiply-adds per image; its 3x3 branch "
            "(1x1:24 > 3x3:32) is most of it. 1x1:16 > 1x3:16 > 3x1:16 keeps a 3x3's "
            "receptive field for about a third of that; then thin the other branches."
        ).format(reference=YARDSTICK, macs=f"{macs:,}"),
        right=N_("Target met: cheaper and as accurate, on every seed."),
    )
