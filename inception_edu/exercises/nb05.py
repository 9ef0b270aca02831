"""Notebook 05's exercises: Reduction-A with other letters on another input, and what
the parallel stride-2 branches save on a grid the notebook does not list."""

from __future__ import annotations

from inception_edu.analysis import analyze
from inception_edu.analysis.reduction_costs import compare_strategies
from inception_edu.exercises.checker import Close, Exercise
from inception_edu.i18n import N_, _
from inception_edu.zoo.inception_v4 import reduction_a

#: The new case: Reduction-A with these k, l, m, n on a 33x33x512 map.
NEW_FILTERS = (128, 160, 192, 256)
NEW_INPUT = (33, 33, 512)
#: A grid the notebook does not list: 23x23x256 (a 3x3/2 V pool leaves 11x11).
GRID_23 = (23, 23, 256)


def reduction_a_channels(filters=NEW_FILTERS, input_shape=NEW_INPUT) -> int:
    """Channels out of Reduction-A with ``filters`` = (k, l, m, n) on ``input_shape``."""
    return analyze(reduction_a("reduction_a", *filters), input_shape).output_shape[-1]


def parallel_cost_ratio(input_shape=GRID_23) -> float:
    """Multiply-adds of conv → pool (Figure 9, right) over those of the parallel stride-2
    branches (Figure 10) on ``input_shape``."""
    costs = compare_strategies(input_shape)
    return costs["conv_first"].macs / costs["parallel"].macs


_K, _L, _M, _N = NEW_FILTERS
_C = NEW_INPUT[2]

REDUCTION_A_CHANNELS = Exercise(
    question=N_(  # says NEW_FILTERS and NEW_INPUT: a marked sentence is a literal
        "Reduction-A with k=128, l=160, m=192, n=256 receives a 33x33x512 map. "
        "How many channels leave it?"
    ),
    expected=reduction_a_channels,
    minimum=0,
    hint=N_(
        "Only the branches that end in a 3x3/2 convolution choose their width; the pool "
        "branch has no filters. Which letters end a branch, and what does the pool pass on?"
    ),
    worked=lambda c: _(
        "the pool passes all {channels} input channels, the 3x3/2 branch adds n = "
        "{n}, the 1x1 → 3x3 → 3x3/2 branch adds m = {m}: "
        "{channels} + {n} + {m} = {total}. k and l only change the cost."
    ).format(channels=_C, n=_N, m=_M, total=c),
    right=lambda c: _(
        "Right: {total} = input + n + m. k and l shape the cost, not the output."
    ).format(total=c),
    close=(
        Close(
            N_(
                "Close: k and l are inside a branch; only its last convolution (m) reaches "
                "the concatenation."
            ),
            value=_C + _K + _L + _M + _N,
        ),
        Close(
            N_("Close: add the pool branch too: max pooling keeps every input channel."),
            value=_N + _M,
        ),
        Close(
            N_(
                "Close: that is the sum of the four letters; the pool branch passes the "
                "input's channels and only n and m end a branch."
            ),
            value=_K + _L + _M + _N,
        ),
    ),
)

_D, _C23 = GRID_23[0], GRID_23[2]
_OUT = (_D - 3) // 2 + 1

PARALLEL_RATIO_23 = Exercise(
    question=N_(  # says GRID_23: a marked sentence is a literal
        "On a 23x23x256 map, how many times the multiply-adds of the parallel "
        "stride-2 branches (Figure 10) does conv → pool (Figure 9, right) need? (3x3 "
        "convolutions, 3x3/2 V pool; two decimals)"
    ),
    expected=parallel_cost_ratio,
    tolerance=0.01,
    minimum=0,
    hint=N_(
        "Only the convolutions cost multiply-adds. Compare the two: how many filters does "
        "each have, and on how many positions does each run? A 3x3/2 'valid' window turns "
        "23 into (23 - 3) // 2 + 1."
    ),
    worked=lambda r: _(
        "conv → pool: {channels} → {doubled} channels on {side} x {side} = {positions} "
        "positions; parallel: {channels} → {channels} on {out} x {out} = {out_positions} "
        "positions; ratio = 2 x {positions} / {out_positions} = {ratio}. The channels "
        "cancel out."
    ).format(
        channels=_C23,
        doubled=2 * _C23,
        side=_D,
        positions=_D * _D,
        out=_OUT,
        out_positions=_OUT * _OUT,
        ratio=f"{r:.2f}",
    ),
    right=lambda r: _(
        "Right: {ratio}: half the filters, on under a quarter of the positions."
    ).format(ratio=f"{r:.2f}"),
    close=(
        Close(
            N_(
                "Close: that compares conv → pool with pool → conv. The parallel branches' "
                "convolution has only half the filters: the pool supplies the other half."
            ),
            value=_D**2 / _OUT**2,
        ),
        Close(  # 23 into 11, not 23 / 2: GRID_23 and _OUT
            N_(
                "Close: 8 = 2 x 4 takes the pool to halve the grid exactly; a 3x3/2 "
                "'valid' pool turns 23 into 11, not 11.5."
            ),
            value=8.0,
        ),
        Close(  # 12 = _OUT + 1
            N_(
                "Close: that rounds the halved grid up to 12, as 'same' padding "
                "would; a 3x3/2 'valid' pool turns 23 into 11."
            ),
            value=2 * _D**2 / (_OUT + 1) ** 2,
        ),
        Close(
            N_("Upside down: divide the cost of conv → pool by the cost of the parallel branches."),
            test=lambda a: 0 < a < 1,
        ),
    ),
)
