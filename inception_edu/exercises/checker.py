"""The checker core of the "check yourself" exercises.

An :class:`Exercise` asks about a *new* case (never one whose answer is already printed
on the page), computes its expected answer with the package (so it cannot drift from the
course's numbers), and grades what a learner types:

- nothing yet (``None``): "not attempted";
- not a number, not finite, or below the exercise's ``minimum`` (a negative count): a
  typing slip, said and not counted as an attempt;
- right (within ``tolerance`` for numbers): a line that says why it is right;
- a known misconception (a :class:`Close` answer): "close", naming the slip;
- anything else: the first time a hint that points at the idea, from the second time on
  the hint *and* a worked step.

The question, hint, close messages and a worked step or "right" given as text are shown
in the course's language (:mod:`inception_edu.i18n`): an exercise marks them ``N_("...")``
where it defines them, and a function of the answer formats a marked template
(``_("Right: {n}.").format(n=n)``), so the message catalog holds their Korean.

A ``"target"`` exercise asks for something to build rather than a number (notebook 11: a
block under half inception(3a)'s multiply-adds, within two points of its accuracy): its
``judge`` measures the answer and says whether it meets the target, nearly meets it, or
misses, in the same four statuses, with the same hint and worked step.

Each check returns a :class:`Feedback`, which a notebook shows as a coloured box.
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from inception_edu.i18n import N_, _

__all__ = ["Close", "Exercise", "Feedback"]

STATUSES = ("correct", "close", "wrong", "unanswered")
#: Each status as the feedback box shows it (marked for the message catalog).
STATUS_WORDS = {
    "correct": N_("correct"),
    "close": N_("close"),
    "wrong": N_("wrong"),
    "unanswered": N_("unanswered"),
}
_COLOURS = {"correct": "#1b7f3b", "close": "#b86e00", "wrong": "#b00020", "unanswered": "#555"}


@dataclass(frozen=True)
class Feedback:
    """The verdict on one answer; a notebook shows it as its message in a coloured box."""

    status: str
    message: str

    def __bool__(self) -> bool:
        return self.status == "correct"

    def __repr__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        colour = _COLOURS[self.status]
        text = html.escape(self.message).replace("\n", "<br>")
        return (
            f"<div style='border-left:4px solid {colour};padding:4px 10px'>"
            f"<b style='color:{colour}'>{_(STATUS_WORDS[self.status])}</b>: {text}</div>"
        )


@dataclass(frozen=True)
class Close:
    """An answer that reveals a known slip (``value`` exactly, or ``test(answer)``), and
    what to say about it."""

    message: str
    value: Any = None
    test: Callable[[Any], bool] | None = None

    def matches(self, answer, tolerance: float) -> bool:
        if self.test is not None:
            return bool(self.test(answer))
        if isinstance(self.value, numbers.Real) and _is_number(answer):
            return abs(answer - self.value) <= tolerance
        return answer == self.value


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


@dataclass
class Exercise:
    """One question with a computed answer, a hint and a worked step.

    Args:
        question: the question, as the notebook asks it (one sentence).
        expected: a function computing the right answer with the package.
        hint: said after a wrong answer: points at the idea, not at the number.
        worked: the worked step said from the second wrong answer on; a function of the
            expected answer, or a string.
        right: what to say when right; a function of the expected answer, or a string.
        kind: ``"number"`` (an int or float, within ``tolerance``), ``"choice"`` (one of
            ``choices``) or ``"target"`` (anything ``judge`` grades).
        judge: for a ``"target"``: a function of the answer returning ``(status,
            detail)``, status ``"correct"``, ``"close"`` or ``"wrong"`` and detail what was
            measured; a ``ValueError`` from it is a malformed answer (said, not counted).
        close: known slips, checked before "wrong".
        minimum: for a quantity that cannot go below it (a count, a ratio of costs: 0),
            the least answer allowed; an answer below it, like one that is not a finite
            number, is a typing slip, not an attempt. ``None``: any number.
    """

    question: str
    expected: Callable[[], Any]
    hint: str
    worked: Callable[[Any], str] | str
    right: Callable[[Any], str] | str = "Right."
    kind: str = "number"
    tolerance: float = 0.0
    choices: tuple = ()
    close: tuple = ()
    minimum: float | None = None
    judge: Callable[[Any], tuple] | None = None
    wrong_answers: int = field(default=0, init=False)

    def __post_init__(self):
        if self.kind not in ("number", "choice", "target"):
            raise ValueError(
                f"kind must be 'number', 'choice' or 'target'. Received: kind={self.kind!r}"
            )
        if (self.kind == "target") != (self.judge is not None):
            raise ValueError("A 'target' exercise needs its judge, and only it has one.")
        if self.kind == "choice" and not self.choices:
            raise ValueError("A 'choice' exercise needs its choices.")
        if self.minimum is not None and (
            not _is_number(self.minimum) or not math.isfinite(self.minimum)
        ):
            raise ValueError(
                f"minimum must be a finite number or None. Received: minimum={self.minimum!r}"
            )

    def answer(self):
        """The expected answer, computed by the package."""
        return self.expected()

    def _text(self, value, expected) -> str:
        return value(expected) if callable(value) else _(value)

    def _normalised(self, answer):
        """A choice typed with other capitals or spaces is the same choice."""
        if self.kind == "choice" and isinstance(answer, str):
            for choice in self.choices:
                if answer.strip().lower() == str(choice).lower():
                    return choice
        return answer

    def _well_formed(self, answer) -> str | None:
        if self.kind == "number" and not _is_number(answer):
            return _("Answer with a number. Received: {answer}").format(answer=repr(answer))
        if self.kind == "number" and not math.isfinite(answer):
            return _("Answer with a finite number. Received: {answer}").format(answer=repr(answer))
        if self.kind == "number" and self.minimum is not None and answer < self.minimum:
            return _(
                "Answer with a number of at least {minimum}: this quantity cannot be "
                "below it. Received: {answer}"
            ).format(minimum=f"{self.minimum:g}", answer=repr(answer))
        if self.kind == "choice" and answer not in self.choices:
            shown = ", ".join(repr(c) for c in self.choices)
            return _("Answer with one of {choices}. Received: {answer}").format(
                choices=shown, answer=repr(answer)
            )
        return None

    def check(self, answer) -> Feedback:
        """Grade ``answer`` (``None``: not attempted yet)."""
        if answer is None:
            return Feedback(
                "unanswered",
                _("Not attempted yet: {question} Set ANSWER and run the cell again.").format(
                    question=_(self.question)
                ),
            )
        if self.kind == "target":
            return self._judged(answer)
        answer = self._normalised(answer)
        problem = self._well_formed(answer)
        if problem:  # a typing slip, not a wrong idea: not counted as an attempt
            return Feedback("wrong", problem)
        expected = self.answer()
        if self.kind == "number":
            is_right = abs(answer - expected) <= self.tolerance + 1e-9
        else:
            is_right = answer == expected
        if is_right:
            return Feedback("correct", self._text(self.right, expected))
        self.wrong_answers += 1
        slip = next((s for s in self.close if s.matches(answer, self.tolerance)), None)
        status, message = (
            ("close", _(slip.message))
            if slip
            else ("wrong", _("Not quite. {hint}").format(hint=_(self.hint)))
        )
        if self.wrong_answers >= 2:
            message += "\n" + _("Worked step: {step}").format(
                step=self._text(self.worked, expected)
            )
        return Feedback(status, message)

    def _judged(self, answer) -> Feedback:
        """A ``"target"`` answer, measured by ``judge``."""
        try:
            status, detail = self.judge(answer)
        except ValueError as error:  # a malformed answer: not counted as an attempt
            return Feedback("wrong", str(error))
        if status not in ("correct", "close", "wrong"):
            raise ValueError(
                f"judge must return 'correct', 'close' or 'wrong'. Received: {status!r}"
            )
        if status == "correct":
            return Feedback("correct", f"{detail} {self._text(self.right, self.answer())}")
        self.wrong_answers += 1
        message = f"{detail} {_(self.hint)}" if status == "wrong" else detail
        if self.wrong_answers >= 2:
            message += "\n" + _("Worked step: {step}").format(
                step=self._text(self.worked, self.answer())
            )
        return Feedback(status, message)

    def reset(self) -> None:
        """Forget earlier wrong answers (the next wrong one gets the hint alone again)."""
        self.wrong_answers = 0
