"""Notebook 08's exercises: the linear 1x1 of an Inception-ResNet block on another input,
and the trunk's growth under the rule the notebook measured, for another depth and scale."""

from __future__ import annotations

import math

from inception_edu.analysis import analyze
from inception_edu.exercises.checker import Close, Exercise
from inception_edu.i18n import N_, _
from inception_edu.spec.checks import check_int, check_number
from inception_edu.zoo import inception_resnet

#: The new case: Inception-ResNet-v1's B block (Figure 11) in a narrower network, on a
#: 17x17x640 map instead of v1's 17x17x896.
NEW_INPUT = (17, 17, 640)
#: The second case: the trunk enters with RMS 0.5, each unscaled residual adds a variance
#: of 0.09 (an RMS of 0.3), 30 blocks scaled by 0.25 (the answer, 0.647, rounds cleanly).
START_RMS, RESIDUAL_VARIANCE, BLOCKS, SCALE = 0.5, 0.09, 30, 0.25


def projection_params(input_shape=NEW_INPUT, version: str = "v1", kind: str = "b") -> int:
    """Parameters (kernel and bias) of the linear 1x1 that ends the ``kind`` block of
    Inception-ResNet-``version`` on ``input_shape``, read off the analysed spec."""
    block = inception_resnet.block(version, kind, "block", 0.1)
    rows = analyze(block, input_shape).layers
    return next(row.params for row in rows if row.name == "block_up")


def rms_after(
    start: float = START_RMS,
    variance: float = RESIDUAL_VARIANCE,
    blocks: int = BLOCKS,
    scale: float = SCALE,
) -> float:
    """The trunk's RMS after ``blocks`` residual blocks if each adds ``scale² · variance``
    to its variance (what notebook 08 measures at initialisation)."""
    start = check_number(start, "start", 0)
    variance = check_number(variance, "variance", 0)
    blocks = check_int(blocks, "blocks", 0)
    scale = check_number(scale, "scale", 0)
    return math.sqrt(start**2 + blocks * scale**2 * variance)


def _near(value: float):
    """A close answer's test: within 0.01 of ``value`` (answers come with two decimals)."""
    return lambda answer: abs(answer - value) < 0.01


_C = NEW_INPUT[2]
_CONCAT = 128 + 128  # the B block's two branches, v1's Figure 11

PROJECTION_1X1 = Exercise(
    # line breaks keep the printed prompt within 100 characters a line; says NEW_INPUT (a
    # marked sentence is a literal, not an f-string)
    question=N_(
        "Inception-ResNet-v1's B block (1x1 with 128; 1x1 -> 1x7 -> 7x1 with 128 "
        "each)\nreceives a 17x17x640 map.\nHow many parameters does its linear 1x1 have?"
    ),
    expected=projection_params,
    minimum=0,
    hint=N_(
        "The linear 1x1 turns the concatenated branches back into the trunk, so the add "
        "is defined. How many channels come in, how many must go out, and does a conv "
        "without batch-norm have a bias?"
    ),
    worked=lambda p: _(
        "the branches concatenate to 128 + 128 = {concat} channels; the add needs the "
        "input's {channels}, so the 1x1 has {channels} filters of {concat} weights, plus a "
        "bias each: {concat} x {channels} + {channels} = {params}."
    ).format(concat=_CONCAT, channels=_C, params=p),
    right=lambda p: _(
        "Right: {params}. Its filters are the input's channels, whatever the block."
    ).format(params=p),
    close=(
        Close(
            N_(
                "Close: the linear 1x1 has no batch-norm after it, so it keeps its bias: one "
                "more number per filter."
            ),
            value=_CONCAT * _C,
        ),
        Close(  # says NEW_INPUT's 640
            N_(
                "Close: that is v1's own trunk (896 channels). Here the block receives "
                "640, and the 1x1 must give back exactly that many."
            ),
            value=_CONCAT * 896 + 896,
        ),
        Close(  # says NEW_INPUT's 640 and _CONCAT
            N_(
                "Close: the 1x1 must restore the input's 640 channels, not keep the "
                "concatenation's 256."
            ),
            value=_CONCAT * _CONCAT + _CONCAT,
        ),
    ),
)

GROWTH_30 = Exercise(
    question=N_(  # says START_RMS, RESIDUAL_VARIANCE, BLOCKS and SCALE
        "A trunk enters its first residual block with RMS 0.5; at "
        "initialisation each\nunscaled residual adds a variance of 0.09. With "
        "the rule measured in this notebook,\nwhat is the RMS after 30 blocks scaled by "
        "0.25? (two decimals)"
    ),
    expected=rms_after,
    tolerance=0.005,
    minimum=0,
    hint=N_(
        "Variances add, not RMS values, and a residual scaled by s has s² times the "
        "variance. Add up the variances, then take the square root."
    ),
    worked=lambda r: _(
        "{start}² + {blocks} x {scale}² x {variance} = {start_squared} + {added} = "
        "{total}; its square root is {rms}."
    ).format(
        start=START_RMS,
        blocks=BLOCKS,
        scale=SCALE,
        variance=RESIDUAL_VARIANCE,
        start_squared=START_RMS**2,
        added=f"{BLOCKS * SCALE**2 * RESIDUAL_VARIANCE:.4f}",
        total=f"{START_RMS**2 + BLOCKS * SCALE**2 * RESIDUAL_VARIANCE:.4f}",
        rms=f"{r:.3f}",
    ),
    right=lambda r: _("Right: {rms}, {growth}x the start. Unscaled it would be {unscaled}.").format(
        rms=f"{r:.3f}", growth=f"{r / START_RMS:.2f}", unscaled=f"{rms_after(scale=1.0):.2f}"
    ),
    close=(
        Close(
            N_("Close: that adds the RMS values; it is the variances (their squares) that add."),
            test=_near(START_RMS + BLOCKS * SCALE * math.sqrt(RESIDUAL_VARIANCE)),
        ),
        Close(
            N_(
                "Close: that is the unscaled trunk; each scaled residual adds s² times the "
                "variance."
            ),
            test=_near(rms_after(scale=1.0)),
        ),
        Close(
            N_("Close: scaling a residual by s scales its variance by s², not by s."),
            test=_near(math.sqrt(START_RMS**2 + BLOCKS * SCALE * RESIDUAL_VARIANCE)),
        ),
    ),
)
