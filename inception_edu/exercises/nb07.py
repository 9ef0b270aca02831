"""Notebook 07's exercises: Inception-v4 on GoogLeNet's 224x224 image, and where an
Inception-A block's parameters depend on its input."""

from __future__ import annotations

from inception_edu.analysis import analyze_model
from inception_edu.analysis.engine import analyze
from inception_edu.exercises.checker import Close, Exercise
from inception_edu.i18n import N_, _
from inception_edu.zoo import inception_v4
from inception_edu.zoo.registry import model_spec

#: The new case of the first exercise: GoogLeNet's input size.
NEW_SIZE = 224
#: The new case of the second: an Inception-A block on 256 channels instead of 384.
NEW_CHANNELS = 256


def inception_b_grid(size: int = NEW_SIZE) -> int:
    """The grid side Inception-B works on when Inception-v4 gets a ``size`` x ``size``
    image."""
    summary = analyze_model(model_spec("inception_v4"), (size, size, 3))
    return summary.block("inception_b_1").input_shape[0]


def inception_a_params(channels: int = NEW_CHANNELS) -> int:
    """Parameters of one Inception-A block (Figure 4) on a 35x35x``channels`` input."""
    return analyze(inception_v4.inception_a("inception_a"), (35, 35, channels)).params


def inception_a_saving(channels: int = NEW_CHANNELS) -> int:
    """Parameters one Inception-A block has on 35x35x384 minus those on 35x35x``channels``."""
    return inception_a_params(384) - inception_a_params(channels)


INCEPTION_B_GRID = Exercise(
    question=N_(  # says NEW_SIZE: a marked sentence is a literal
        "Inception-v4 gets GoogLeNet's 224x224 image instead of 299x299. "
        "On what grid (one side) do the Inception-B blocks work?"
    ),
    expected=inception_b_grid,
    hint=N_(
        "Follow the grid through every layer that changes it: a 3x3 'valid' window "
        "turns n into n - 2, with stride 2 into (n - 3) // 2 + 1; the stem has five such "
        "layers on its main path, and Reduction-A one more."
    ),
    worked=lambda g: (  # sizes and layer names only: the same in every language
        "224 → 111 (3x3/2 V) → 109 (3x3 V) → 109 (3x3 same) → 54 (mixed_3a, /2 V) → "
        f"52 (mixed_4a, 3x3 V) → 25 (mixed_5a, /2 V) → {g} (Reduction-A, /2 V)."
    ),
    right=lambda g: _(
        "Right: {g}x{g}. Every 'valid' layer floors, so the grid is not 17 x 224/299."
    ).format(g=g),
    close=(
        Close(
            N_(
                "Close, but 'valid' layers subtract pixels rather than scale the grid: follow "
                "the layers one by one."
            ),
            value=13,
        ),
        Close(N_("Close: 17 is the grid for a 299x299 image; start again from 224."), value=17),
        Close(
            N_(
                "Close, but that halves 224 four times. A 'valid' layer also loses the border: "
                "3x3 V turns n into n - 2, and 3x3/2 V into (n - 3) // 2 + 1, not n / 2; and "
                "two of the stem's 'valid' layers have stride 1."
            ),
            value=NEW_SIZE // 16,
        ),
        Close(
            N_(
                "Close: that is where Inception-A works; Reduction-A halves it once more before "
                "Inception-B."
            ),
            value=25,
        ),
    ),
)

_FIRST_LAYERS = 96 + 96 + 64 + 64  # the 1x1 convolutions that read the block's input

INCEPTION_A_SAVING = Exercise(
    question=N_(  # says NEW_CHANNELS: a marked sentence is a literal
        "An Inception-A block (Figure 4) receives 35x35x256 instead of "
        "35x35x384. How many fewer parameters does it have?"
    ),
    expected=inception_a_saving,
    hint=N_(
        "Only the layers that read the block's input see its channel count. Which "
        "layers are they, how many filters do they have, and how many weights does a 1x1 "
        "filter have per input channel?"
    ),
    worked=lambda s: _(
        "the four 1x1 convolutions that read the input (after the average pool: 96; "
        "alone: 96; before the 3x3s: 64 and 64) have 320 filters of one weight per input "
        "channel: 320 x (384 - {channels}) = {saving} weights. Batch norm counts per output "
        "channel, so it does not change."
    ).format(channels=NEW_CHANNELS, saving=s),
    right=lambda s: _("Right: {saving} = 320 filters x 128 channels fewer.").format(
        saving=f"{s:,}"
    ),
    close=(
        Close(
            N_("Close: that is per input channel; multiply by the 128 channels fewer."),
            value=_FIRST_LAYERS,
        ),
        Close(
            N_(
                "Close: the average pool has no weights, but the 1x1 convolution after it "
                "reads the input's channels too: count all four first 1x1 layers."
            ),
            value=(96 + 64 + 64) * (384 - NEW_CHANNELS),
        ),
        Close(  # says NEW_CHANNELS
            N_(
                "Close: that is the block's whole count on 256 channels; the "
                "question asks how many fewer than on 384."
            ),
            value=inception_a_params(),
        ),
    ),
)
