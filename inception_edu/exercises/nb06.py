"""Notebook 06's exercise: a smoothed target for another number of classes."""

from __future__ import annotations

from inception_edu.exercises.checker import Close, Exercise
from inception_edu.i18n import N_, _
from inception_edu.training.recipe import Recipe

#: The new case: the sources' own experiment (notebook 09) has 51 classes.
CLASSES, EPSILON = 51, 0.1


def right_class_target(classes: int = CLASSES, epsilon: float = EPSILON) -> float:
    """The target of the right class under Keras' label smoothing."""
    return float(Recipe(label_smoothing=epsilon).targets([0], classes)[0][0])


RIGHT_CLASS_51 = Exercise(
    question=N_(  # says CLASSES and EPSILON: a marked sentence is a literal
        "with 51 classes and Keras' label_smoothing = 0.1, what target "
        "does the right class get? (three decimals)"
    ),
    expected=right_class_target,
    tolerance=0.0005,
    minimum=0,
    hint=N_(
        "Keras first gives every class epsilon / K; the right class then keeps 1 - epsilon "
        "on top of its share."
    ),
    worked=lambda t: _(
        "1 - {epsilon} + {epsilon} / {classes} = {target}; each wrong class "
        "gets {epsilon} / {classes} = {share}, and the "
        "targets still sum to 1."
    ).format(epsilon=EPSILON, classes=CLASSES, target=f"{t:.4f}", share=f"{EPSILON / CLASSES:.4f}"),
    right=lambda t: _(
        "Right: {target}. In the source's notation e = epsilon / K = "
        "{share}, and 1 - (K - 1) e gives the same number."
    ).format(target=f"{t:.3f}", share=f"{EPSILON / CLASSES:.4f}"),
    close=(
        Close(
            N_(
                "Close: 1 - epsilon is only part of it; the right class also gets its "
                "share epsilon / K."
            ),
            value=1 - EPSILON,
        ),
        Close(
            N_("Close: that is a wrong class's target, epsilon / K."),
            value=round(EPSILON / CLASSES, 4),
        ),
        Close(  # says CLASSES
            N_(
                "Close: that is the 10-class target from the page, 1 - epsilon + epsilon / 10; "
                "with 51 classes the right class's share is epsilon / 51."
            ),
            value=round(right_class_target(classes=10), 4),
        ),
        Close(
            N_(
                "Close: that is the target as a percentage; answer as a fraction of 1, "
                "as Keras' targets are."
            ),
            test=lambda a: abs(a - 100 * right_class_target()) <= 0.05,
        ),
    ),
)
