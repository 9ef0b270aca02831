"""Notebook 09's exercise: the loss trap's floor (claim C36) for another data set."""

from __future__ import annotations

from inception_edu.exercises.checker import Close, Exercise
from inception_edu.i18n import N_, _
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
    question=N_(  # says BIRD_CLASSES: a marked sentence is a literal, not an f-string
        "A data set has 200 bird species, one per image. A model trained "
        "with binary cross-entropy answers 'no' (0) for every species on every image. What "
        "binary accuracy does Keras report for it? (a fraction, three decimals)"
    ),
    expected=all_no_binary_accuracy,
    tolerance=0.0005,
    minimum=0,
    hint=N_(
        "Binary accuracy scores each of the image's yes/no answers separately, one per "
        "class. How many of them does 'no to everything' get right?"
    ),
    worked=lambda a: _(
        "each image has {classes} answers; only its own species should be 'yes', so "
        "'no' is right {right} times out of {classes}: "
        "{right}/{classes} = {accuracy}, and its categorical accuracy is 0."
    ).format(classes=BIRD_CLASSES, right=BIRD_CLASSES - 1, accuracy=f"{a:.3f}"),
    right=lambda a: _(
        "Right: {accuracy}, higher than the course folder's 0.917 and the source's 0.980: "
        "the more classes, the more a useless model seems to score."
    ).format(accuracy=f"{a:.3f}"),
    close=(
        Close(
            N_(
                "Close: that is the share of answers it gets wrong; binary accuracy counts "
                "the right ones."
            ),
            test=_near(1 / BIRD_CLASSES),
        ),
        Close(
            N_(
                "Close: 0 is its categorical accuracy (it never names the right species); "
                "binary accuracy scores every class's yes/no answer."
            ),
            test=_near(0.0),
        ),
        Close(
            N_("Close: that is a percentage; the question asks for a fraction (between 0 and 1)."),
            test=lambda answer: abs(answer - 100 * all_no_binary_accuracy()) < 0.05,
        ),
        Close(  # says BIRD_CLASSES
            N_(
                "Close: 199 is how many of the 200 answers are "
                "right; accuracy is that count as a fraction of all the answers."
            ),
            test=lambda answer: answer == BIRD_CLASSES - 1,
        ),
        Close(
            N_(
                "Close: a coin flip per answer would score 0.5; answering 'no' every time is "
                "right far more often, because 'no' is the right answer for all classes but "
                "one."
            ),
            test=_near(0.5),
        ),
    ),
)
