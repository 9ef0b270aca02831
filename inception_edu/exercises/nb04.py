"""Notebook 04's exercise: the window one unit of v3's stem sees, strides included.

The notebook shows that stacked 3x3 convolutions keep the window of the large kernel
they replace (5x5, 7x7) and that the stem's first three convolutions see 11x11 pixels. The
new case: carry the window on through the stem's max pool (stride 2) and its next two
convolutions, to ``conv2d_4a_3x3``.
"""

from __future__ import annotations

from inception_edu.exercises.checker import Close, Exercise
from inception_edu.i18n import N_, _
from inception_edu.keras_build.receptive_field import receptive_field_size
from inception_edu.spec.checks import check_choice
from inception_edu.spec.nodes import Conv
from inception_edu.zoo.inception_v3 import inception_v3_spec

#: The stage the exercise asks about: the stem's last convolution (71x71x192).
STAGE = "conv2d_4a_3x3"


def _stem(stage: str) -> tuple:
    spec = inception_v3_spec()
    check_choice(stage, spec.stage_names[:7], "stage")
    return spec.stages[: spec.stage_names.index(stage) + 1]


def stem_window(stage: str = STAGE) -> int:
    """Width in input pixels of the window one unit of ``stage`` (a stem stage) sees."""
    return receptive_field_size(_stem(stage))[0]


def stem_walk(stage: str = STAGE) -> str:
    """The worked step: the window and the step layer by layer, from the spec."""
    window, step, parts = 1, 1, []
    for node in _stem(stage):
        size = (node.kernel if isinstance(node, Conv) else node.size)[0]
        window += (size - 1) * step
        step *= node.strides[0]
        parts.append(f"{node.name} ({size}x{size}/{node.strides[0]}): {window}")
    return "; ".join(parts)


STEM_WINDOW = Exercise(
    question=N_(  # says STAGE: a marked sentence is a literal, not an f-string
        "One unit of conv2d_4a_3x3 (the stem's 71x71x192 map) depends on a square window "
        "of the 299x299 input image. How many pixels wide is that window?"
    ),
    expected=stem_window,
    hint=N_(
        "Walk the stem layer by layer. A k x k layer widens the window by (k - 1) times "
        "the step between neighbouring units, counted in input pixels; every stride-2 "
        "layer, pools included, doubles that step for all the layers after it."
    ),
    worked=lambda w: _("window after each layer: {walk} pixels wide.").format(walk=stem_walk()),
    right=lambda w: _(
        "Right: {w}x{w} pixels. The 3x3 conv after the stride-2 pool widens "
        "the window by 2 x 4 = 8 pixels at once: strides make later small "
        "kernels see far."
    ).format(w=w),
    close=(
        Close(
            N_(
                "Close: 11 is the window of the first three convs (or of all six "
                "layers with their strides ignored). The max pool widens it and doubles "
                "the step again, and two more layers follow."
            ),
            value=11,
        ),
        Close(
            N_(
                "Close: that counts the first stride but not the max pool's: after "
                "max_pool_3a_3x3 neighbouring units are 4 input pixels apart, not 2."
            ),
            value=19,
        ),
        Close(
            N_(
                "Close: that is the window after the max pool. The 1x1 conv adds "
                "nothing, but the 3x3 conv after it adds 2 steps."
            ),
            value=15,
        ),
    ),
)
