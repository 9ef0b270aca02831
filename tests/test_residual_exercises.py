"""Notebook 08's exercises: the expected answers are the package's, on the new cases."""

import math

import pytest

from inception_edu.exercises import nb08


def test_the_linear_1x1_on_a_new_input_restores_that_input():
    assert nb08.projection_params() == (128 + 128) * 640 + 640 == 164_480
    assert nb08.projection_params((17, 17, 896)) == 256 * 896 + 896  # v1's own trunk
    assert nb08.projection_params((35, 35, 320), "v2", "a") == 128 * 320 + 320
    with pytest.raises(ValueError):
        nb08.projection_params((17, 17))
    with pytest.raises(ValueError, match="version"):
        nb08.projection_params(version="v3")
    with pytest.raises(ValueError, match="kind"):
        nb08.projection_params(kind="d")


def test_variances_add_under_the_residual_scale():
    assert nb08.rms_after() == pytest.approx(math.sqrt(0.25 + 30 * 0.0625 * 0.09))
    assert round(nb08.rms_after(), 2) == 0.65 and round(nb08.rms_after(), 3) == 0.647
    assert nb08.rms_after(scale=0.0) == pytest.approx(0.5)
    assert nb08.rms_after(scale=1.0) == pytest.approx(math.sqrt(0.25 + 30 * 0.09))
    for arguments in (dict(start=-1), dict(variance=-0.1), dict(blocks=1.5), dict(scale=-1)):
        with pytest.raises(ValueError, match=next(iter(arguments))):
            nb08.rms_after(**arguments)


def test_every_close_slip_is_named():
    """Each exercise's three slips land on their own message (right, close and wrong
    answers of both are in tests/test_exercises.py's CASES)."""
    slips = [
        (nb08.PROJECTION_1X1, (163_840, 256 * 896 + 896, 256 * 256 + 256)),
        (nb08.GROWTH_30, (2.75, 1.72, 0.96)),
    ]
    for exercise, answers in slips:
        messages = set()
        for answer in answers:
            exercise.reset()
            feedback = exercise.check(answer)
            assert feedback.status == "close", answer
            messages.add(feedback.message)
        assert len(messages) == len(answers)
        exercise.reset()


def test_a_negative_answer_is_not_an_attempt():
    for exercise in (nb08.PROJECTION_1X1, nb08.GROWTH_30):
        exercise.reset()
        feedback = exercise.check(-5)
        assert "at least 0" in feedback.message and exercise.wrong_answers == 0
        exercise.reset()
