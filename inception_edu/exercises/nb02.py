"""Notebook 02's exercise: what a 1x1 reduction saves, on inception(4a)'s 5x5 branch."""

from __future__ import annotations

from inception_edu.analysis import analyze
from inception_edu.exercises.checker import Close, Exercise
from inception_edu.i18n import N_, _
from inception_edu.zoo.googlenet import MODULES, module, naive_inception_module

#: inception(4a)'s input: 14x14 with the 480 channels inception(3b) outputs.
INPUT_4A = (14, 14, 480)


def reduction_factor_4a_5x5() -> float:
    """Multiply-adds of 48 5x5 filters on all 480 channels, over those of 4a's 5x5 branch
    with its 16-filter 1x1 reduction."""
    ch1x1, _, ch3x3, _, ch5x5, _ = MODULES["4a"]
    reduced = analyze(module("4a"), INPUT_4A)
    with_reduce = sum(r.macs for r in reduced.layers if r.name.startswith("inception_4a_b3_"))
    direct = analyze(naive_inception_module("naive", ch1x1, ch3x3, ch5x5), INPUT_4A)
    without = sum(r.macs for r in direct.layers if r.name == "naive_b3_5x5")
    return without / with_reduce


REDUCTION_4A = Exercise(
    question=N_(
        "inception(4a) receives 14x14x480 and its 5x5 branch has a 16-filter 1x1 "
        "reduction before 48 5x5 filters. How many times fewer multiply-adds does the "
        "branch need than 48 5x5 filters applied to all 480 channels? (one decimal)"
    ),
    expected=reduction_factor_4a_5x5,
    tolerance=0.05,
    hint=N_(
        "Per output pixel, a conv costs kernel height x width x input channels x filters. "
        "Compare one 5x5 layer on 480 channels with a 1x1 to 16 plus a 5x5 on 16."
    ),
    worked=lambda f: _(
        "without: 5*5*480*48 = {without}; with: 480*16 + 5*5*16*48 = {with_} per pixel; "
        "ratio {ratio}."
    ).format(
        without=f"{5 * 5 * 480 * 48:,}", with_=f"{480 * 16 + 5 * 5 * 16 * 48:,}", ratio=f"{f:.1f}"
    ),
    right=lambda f: _(
        "Right: about {ratio}x. The wider the input, the more the reduction saves."
    ).format(ratio=f"{f:.1f}"),
    close=(
        Close(
            N_("Upside down: divide the cost without the reduction by the cost with it."),
            test=lambda a: 0 < a < 1,
        ),
        Close(
            N_(
                "Close: that compares only the two 5x5 layers (480 vs 16 input channels); "
                "the 1x1 reduction costs 480 x 16 per pixel too."
            ),
            value=480 / 16,
        ),
    ),
)
