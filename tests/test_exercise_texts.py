"""The exercises' sentences are catalogued literals (``N_``: a translated sentence cannot be
an f-string), so a number an exercise's question or close message states is written into
its text. Each such number must still be the one the exercise computes with: these tests
read it from the module's constants and fail when the text and the constant part ways."""

import pytest

from inception_edu.analysis.cost import REFERENCE_RUN
from inception_edu.exercises import nb04, nb05, nb06, nb07, nb08, nb09, nb10


def _close(exercise, start: str) -> str:
    (found,) = [slip.message for slip in exercise.close if slip.message.startswith(start)]
    return found


def _shape(shape) -> str:
    return "x".join(str(side) for side in shape)


CASES = {
    "nb04 stem window": (nb04.STEM_WINDOW.question, [nb04.STAGE]),
    "nb05 Reduction-A": (
        nb05.REDUCTION_A_CHANNELS.question,
        ["k={}, l={}, m={}, n={}".format(*nb05.NEW_FILTERS), _shape(nb05.NEW_INPUT)],
    ),
    "nb05 parallel ratio": (nb05.PARALLEL_RATIO_23.question, [_shape(nb05.GRID_23)]),
    "nb06 right class": (
        nb06.RIGHT_CLASS_51.question,
        [f"{nb06.CLASSES} classes", f"label_smoothing = {nb06.EPSILON}"],
    ),
    "nb06 close": (
        _close(nb06.RIGHT_CLASS_51, "Close: that is the 10-class"),
        [f"with {nb06.CLASSES} classes", f"epsilon / {nb06.CLASSES}."],
    ),
    "nb07 grid": (nb07.INCEPTION_B_GRID.question, [f"{nb07.NEW_SIZE}x{nb07.NEW_SIZE}"]),
    "nb07 saving": (
        nb07.INCEPTION_A_SAVING.question,
        [f"receives 35x35x{nb07.NEW_CHANNELS} instead"],
    ),
    "nb07 close": (
        _close(nb07.INCEPTION_A_SAVING, "Close: that is the block's whole count"),
        [f"on {nb07.NEW_CHANNELS} channels"],
    ),
    "nb08 projection": (nb08.PROJECTION_1X1.question, [f"17x17x{nb08.NEW_INPUT[2]} map"]),
    "nb08 trunk close": (
        _close(nb08.PROJECTION_1X1, "Close: that is v1's own trunk"),
        [f"receives {nb08.NEW_INPUT[2]},"],
    ),
    "nb08 concat close": (
        _close(nb08.PROJECTION_1X1, "Close: the 1x1 must restore"),
        [f"input's {nb08.NEW_INPUT[2]} channels", f"concatenation's {nb08._CONCAT}."],
    ),
    "nb08 growth": (
        nb08.GROWTH_30.question,
        [
            f"RMS {nb08.START_RMS};",
            f"variance of {nb08.RESIDUAL_VARIANCE}.",
            f"after {nb08.BLOCKS} blocks scaled by {nb08.SCALE}?",
        ],
    ),
    "nb09 birds": (nb09.CONSTANT_PREDICTOR_200.question, [f"{nb09.BIRD_CLASSES} bird species"]),
    "nb09 close": (
        _close(nb09.CONSTANT_PREDICTOR_200, f"Close: {nb09.BIRD_CLASSES - 1} is"),
        [f"{nb09.BIRD_CLASSES - 1} is how many of the {nb09.BIRD_CLASSES} answers"],
    ),
    "nb10 question": (
        nb10.DGX1_INCEPTION_V4.question,
        [f"{nb10.V100_EPOCHS} epochs of ImageNet on {nb10.V100_GPUS} such GPUs"],
    ),
    "nb10 gpus close": (
        _close(nb10.DGX1_INCEPTION_V4, "Close: that is the time on one GPU"),
        [f"{nb10.V100_GPUS} GPUs share"],
    ),
    "nb10 ratio close": (
        _close(nb10.DGX1_INCEPTION_V4, "Close: that is how long ResNet-50"),
        [f"{nb10._v4_macs() / REFERENCE_RUN.macs_per_image:.1f}x as many multiply-adds"],
    ),
    "nb10 epochs close": (
        _close(nb10.DGX1_INCEPTION_V4, "Close: that is 100 epochs"),
        [f"this run has {nb10.V100_EPOCHS}."],
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_the_text_states_the_constant(name):
    text, stated = CASES[name]
    for part in stated:
        assert part in text, f"{name}: {part!r} not in {text!r}"


def test_the_check_can_fail():
    """A text that no longer states its constant is caught (the test of the test)."""
    text = nb10.DGX1_INCEPTION_V4.question.replace(str(nb10.V100_EPOCHS), "100")
    assert f"{nb10.V100_EPOCHS} epochs of ImageNet" not in text
