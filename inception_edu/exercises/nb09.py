"""Notebook 09's exercise: the loss trap's floor (claim C36) for another data set."""

from __future__ import annotations

from inception_edu.exercises.checker import Close, Exercise
from inception_edu.training.recipe import constant_predictor_binary_accuracy

#: The new case: 200 classes, one label per image (a bird-species data set the size of
#: Caltech-UCSD Birds-200), trained with binary cross-entropy and ``binary_accuracy``.
BIRD_CLASSES = 200


def all_no_binary_accuracy(classes: int = BIRD_CLASSES) -> float:
    """What a model that answers "no" for every class scores in binary accuracy."""
    return round(constant_predictor_binary_accuracy(classes), 4)


def _near(value: float):
    return lambda answer: abs(answer - value) < 0.0005


CONSTANT_PREDICTOR_200 = Exercise(
    question=f"A data set has {BIRD_CLASSES} bird species, one per image. A model trained "
    "with binary cross-entropy answers 'no' (0) for every species on every image. What "
    "binary accuracy does Keras report for it? (a fraction, three decimals)",
    expected=all_no_binary_accuracy,
    tolerance=0.0005,
    minimum=0,
    hint="Binary accuracy scores each of the image's yes/no answers separately, one per "
    "class. How many of them does 'no to everything' get right?",
    worked=lambda a: (
        f"each image has {BIRD_CLASSES} answers; only its own species should be 'yes', so "
        f"'no' is right {BIRD_CLASSES - 1} times out of {BIRD_CLASSES}: "
        f"{BIRD_CLASSES - 1}/{BIRD_CLASSES} = {a:.3f}, and its categorical accuracy is 0."
    ),
    right=lambda a: (
        f"Right: {a:.3f}, higher than the course folder's 0.917 and the source's 0.980: "
        "the more classes, the more a useless model seems to score."
    ),
    close=(
        Close(
            "Close: that is the share of answers it gets wrong; binary accuracy counts "
            "the right ones.",
            test=_near(1 / BIRD_CLASSES),
        ),
        Close(
            "Close: 0 is its categorical accuracy (it never names the right species); "
            "binary accuracy scores every class's yes/no answer.",
            test=_near(0.0),
        ),
        Close(
            "Close: that is a percentage; the question asks for a fraction (between 0 and 1).",
            test=lambda answer: abs(answer - 100 * all_no_binary_accuracy()) < 0.05,
        ),
        Close(
            f"Close: {BIRD_CLASSES - 1} is how many of the {BIRD_CLASSES} answers are "
            "right; accuracy is that count as a fraction of all the answers.",
            test=lambda answer: answer == BIRD_CLASSES - 1,
        ),
        Close(
            "Close: a coin flip per answer would score 0.5; answering 'no' every time is "
            "right far more often, because 'no' is the right answer for all classes but one.",
            test=_near(0.5),
        ),
    ),
)
