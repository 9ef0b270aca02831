"""Notebook 05's exercises: Reduction-A with other letters on another input, and what
the parallel stride-2 branches save on a grid the notebook does not list."""

from __future__ import annotations

from inception_edu.analysis import analyze
from inception_edu.analysis.reduction_costs import compare_strategies
from inception_edu.exercises.checker import Close, Exercise
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
    question=f"Reduction-A with k={_K}, l={_L}, m={_M}, n={_N} receives a 33x33x{_C} map. "
    "How many channels leave it?",
    expected=reduction_a_channels,
    minimum=0,
    hint="Only the branches that end in a 3x3/2 convolution choose their width; the pool "
    "branch has no filters. Which letters end a branch, and what does the pool pass on?",
    worked=lambda c: (
        f"the pool passes all {_C} input channels, the 3x3/2 branch adds n = "
        f"{_N}, the 1x1 → 3x3 → 3x3/2 branch adds m = {_M}: "
        f"{_C} + {_N} + {_M} = {c}. k and l only change the cost."
    ),
    right=lambda c: f"Right: {c} = input + n + m. k and l shape the cost, not the output.",
    close=(
        Close(
            "Close: k and l are inside a branch; only its last convolution (m) reaches "
            "the concatenation.",
            value=_C + _K + _L + _M + _N,
        ),
        Close(
            "Close: add the pool branch too: max pooling keeps every input channel.", value=_N + _M
        ),
        Close(
            "Close: that is the sum of the four letters; the pool branch passes the "
            "input's channels and only n and m end a branch.",
            value=_K + _L + _M + _N,
        ),
    ),
)

_D, _C23 = GRID_23[0], GRID_23[2]
_OUT = (_D - 3) // 2 + 1

PARALLEL_RATIO_23 = Exercise(
    question=f"On a {_D}x{_D}x{_C23} map, how many times the multiply-adds of the parallel "
    "stride-2 branches (Figure 10) does conv → pool (Figure 9, right) need? (3x3 "
    "convolutions, 3x3/2 V pool; two decimals)",
    expected=parallel_cost_ratio,
    tolerance=0.01,
    minimum=0,
    hint="Only the convolutions cost multiply-adds. Compare the two: how many filters does "
    "each have, and on how many positions does each run? A 3x3/2 'valid' window turns "
    f"{_D} into ({_D} - 3) // 2 + 1.",
    worked=lambda r: (
        f"conv → pool: {_C23} → {2 * _C23} channels on {_D} x {_D} = {_D * _D} positions; "
        f"parallel: {_C23} → {_C23} on {_OUT} x {_OUT} = {_OUT * _OUT} positions; "
        f"ratio = 2 x {_D * _D} / {_OUT * _OUT} = {r:.2f}. The channels cancel out."
    ),
    right=lambda r: f"Right: {r:.2f}: half the filters, on under a quarter of the positions.",
    close=(
        Close(
            "Close: that compares conv → pool with pool → conv. The parallel branches' "
            "convolution has only half the filters: the pool supplies the other half.",
            value=_D**2 / _OUT**2,
        ),
        Close(
            f"Close: 8 = 2 x 4 takes the pool to halve the grid exactly; a 3x3/2 "
            f"'valid' pool turns {_D} into {_OUT}, not {_D / 2}.",
            value=8.0,
        ),
        Close(
            f"Close: that rounds the halved grid up to {_OUT + 1}, as 'same' padding "
            f"would; a 3x3/2 'valid' pool turns {_D} into {_OUT}.",
            value=2 * _D**2 / (_OUT + 1) ** 2,
        ),
        Close(
            "Upside down: divide the cost of conv → pool by the cost of the parallel branches.",
            test=lambda a: 0 < a < 1,
        ),
    ),
)
