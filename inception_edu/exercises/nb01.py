"""Notebook 01's exercise: channels after stacked naive blocks (a new case)."""

from __future__ import annotations

from inception_edu.analysis import analyze
from inception_edu.exercises.checker import Close, Exercise
from inception_edu.i18n import N_, _
from inception_edu.zoo.googlenet import INPUT_3A, naive_inception_module

#: The new case: three naive blocks with 32 1x1, 64 3x3 and 16 5x5 filters each.
FILTERS = (32, 64, 16)
BLOCKS = 3


def channels_after_blocks(blocks: int = BLOCKS, filters=FILTERS, input_shape=INPUT_3A) -> int:
    shape = input_shape
    for i in range(blocks):
        shape = analyze(naive_inception_module(f"naive_{i}", *filters), shape).output_shape
    return shape[-1]


THREE_NAIVE_BLOCKS = Exercise(
    question=N_(  # FILTERS and BLOCKS (tests/test_exercises.py checks the text says them)
        "three naive blocks, each with 32 1x1, 64 3x3 and 16 5x5 filters, are stacked on "
        "a 28x28x192 map. How many channels leave the third block?"
    ),
    expected=channels_after_blocks,
    hint=N_(
        "Each block concatenates its conv outputs AND everything its max-pool branch "
        "passes through. What does the pool branch of block 2 receive?"
    ),
    worked=lambda n: _(
        "Each block adds {added} conv channels to all the channels it receives: "
        "192 -> {one} -> {two} -> {n}."
    ).format(added=sum(FILTERS), one=192 + sum(FILTERS), two=192 + 2 * sum(FILTERS), n=n),
    right=lambda n: _(
        "Right: {n}. The pool branch carries every channel forward, so each naive block "
        "only ever widens the network."
    ).format(n=n),
    close=(
        Close(
            N_(
                "Close: that is the conv channels of three blocks. The pool branch also "
                "passes the 192 input channels through."
            ),
            value=BLOCKS * sum(FILTERS),
        ),
        Close(
            N_(
                "Close: that is after one block. Keep going: block 2's pool branch passes "
                "all of block 1's output through."
            ),
            value=192 + sum(FILTERS),
        ),
        Close(
            N_(
                "Close: the pool branch does not add a new copy of the input each time; it "
                "passes on what the previous block output."
            ),
            test=lambda n: n == BLOCKS * (192 + sum(FILTERS)),
        ),
    ),
)
