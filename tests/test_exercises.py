"""Every checker: right, close, wrong (hint, then a worked step), unanswered, malformed."""

import pytest

from inception_edu.exercises import nb00, nb01, nb02, nb03, nb04, nb05, nb06, nb07, nb08, nb09, nb10
from inception_edu.exercises.checker import Close, Exercise

#: exercise -> (a right answer, a close answer, a wrong answer)
CASES = {
    "nb00": (nb00.HALF_THE_FILTERS, "1/4", "1/2", "1/8"),
    "nb01": (nb01.THREE_NAIVE_BLOCKS, 528, 336, 600),
    "nb02": (nb02.REDUCTION_4A, 21.4, 30, 7.0),
    "nb03": (nb03.AUX_4D_DEPTH, 18, 12, 9),
    "nb04": (nb04.STEM_WINDOW, 23, 19, 31),
    "nb05": (nb05.REDUCTION_A_CHANNELS, 960, 448, 900),
    "nb05_parallel": (nb05.PARALLEL_RATIO_23, 8.74, 4.37, 6.0),
    "nb07": (nb07.INCEPTION_B_GRID, 12, 13, 11),
    "nb07_saving": (nb07.INCEPTION_A_SAVING, 40960, 320, 1000),
    "nb06": (nb06.RIGHT_CLASS_51, 0.902, 0.9, 0.95),
    "nb08": (nb08.PROJECTION_1X1, 164480, 163840, 100000),
    "nb08_growth": (nb08.GROWTH_30, 0.65, 1.72, 0.4),
    "nb09": (nb09.CONSTANT_PREDICTOR_200, 0.995, 0.005, 0.9),
    "nb09_percent": (nb09.CONSTANT_PREDICTOR_200, 0.995, 99.5, 0.9),
    "nb09_count": (nb09.CONSTANT_PREDICTOR_200, 0.995, 199, 0.9),
    "nb10": (nb10.DGX1_INCEPTION_V4, 8.7, 69.6, 20.0),
}


@pytest.fixture(params=sorted(CASES))
def case(request):
    exercise, right, close, wrong = CASES[request.param]
    exercise.reset()
    yield exercise, right, close, wrong
    exercise.reset()


def test_the_expected_answers_are_computed():
    assert 0.25 < nb00.half_width_fraction() < 0.3 and nb00.nearest_fraction() == "1/4"
    assert nb01.channels_after_blocks() == 192 + 3 * (32 + 64 + 16)
    assert nb02.reduction_factor_4a_5x5() == pytest.approx(
        5 * 5 * 480 * 48 / (480 * 16 + 5 * 5 * 16 * 48)
    )
    assert nb03.aux_path_depth() == 18 and nb03.aux_path_depth("aux_4a") == 12
    assert nb06.right_class_target() == pytest.approx(1 - 0.1 + 0.1 / 51)
    # Inception-v4 (12.25 G per image) against ResNet-50 v1.5 (4.09 G) at 1,376 images/s,
    # 90 epochs over 8 GPUs; the factor 3 is in both the work and the rate
    v4_images_per_second = 1376 * 4.089184256 / 12.254
    assert nb10.dgx1_v4_hours() == pytest.approx(
        1_281_167 * 90 / v4_images_per_second / 8 / 3600, abs=0.06
    )


def test_unanswered(case):
    exercise, *_ = case
    feedback = exercise.check(None)
    assert feedback.status == "unanswered" and not feedback
    assert "Set ANSWER" in feedback.message


def test_right(case):
    exercise, right, _, _ = case
    feedback = exercise.check(right)
    assert feedback.status == "correct" and feedback
    assert "Right" in feedback.message and exercise.wrong_answers == 0


def test_close_names_the_slip(case):
    exercise, _, close, _ = case
    feedback = exercise.check(close)
    assert feedback.status == "close" and not feedback
    assert feedback.message.startswith(("Close", "Upside"))
    assert "Worked step" not in feedback.message


def test_wrong_gets_a_hint_then_a_worked_step(case):
    exercise, right, _, wrong = case
    first = exercise.check(wrong)
    assert first.status == "wrong" and first.message.startswith("Not quite.")
    assert "Worked step" not in first.message
    second = exercise.check(wrong)
    assert "Worked step" in second.message
    assert str(exercise.answer()).split(".")[0] in second.message  # the step reaches it
    assert exercise.check(right)  # and the right answer still counts


def test_malformed_answers_are_not_counted_as_attempts(case):
    exercise, right, *_ = case
    malformed = "many" if isinstance(right, (int, float)) else 3
    feedback = exercise.check(malformed)
    assert feedback.status == "wrong" and "Received" in feedback.message
    assert exercise.wrong_answers == 0


def test_a_choice_typed_with_other_capitals_or_spaces_counts():
    nb00.HALF_THE_FILTERS.reset()
    assert nb00.HALF_THE_FILTERS.check(" 1/4 ")


def test_counting_the_pools_is_a_close_answer():
    nb03.AUX_4D_DEPTH.reset()
    assert nb03.AUX_4D_DEPTH.check(21).message.startswith("Close: the pooling layers")


def test_the_main_outputs_depth_for_aux_4d_gets_a_hint_about_where_the_head_leaves():
    nb03.AUX_4D_DEPTH.reset()
    message = nb03.AUX_4D_DEPTH.check(22).message
    assert "main output" in message and "4d" in message and "pooling" not in message


def test_upside_down_ratio_is_a_close_answer():
    nb02.REDUCTION_4A.reset()
    assert nb02.REDUCTION_4A.check(1 / 21.4).message.startswith("Upside down")


def test_feedback_shows_as_a_coloured_box():
    html = nb01.THREE_NAIVE_BLOCKS.check(None)._repr_html_()
    assert html.startswith("<div") and "unanswered" in html


def test_the_parallel_ratio_is_asked_on_a_grid_the_notebook_does_not_print():
    assert nb05.GRID_23[:2] not in ((17, 17), (35, 35), (71, 71), (147, 147))
    assert nb05.parallel_cost_ratio() == pytest.approx(2 * 23**2 / 11**2)
    nb05.PARALLEL_RATIO_23.reset()
    for slip in (23**2 / 11**2, 8.0, 2 * 23**2 / 12**2):
        assert nb05.PARALLEL_RATIO_23.check(slip).status == "close"


def test_the_smoothed_target_knows_the_page_value_and_a_percentage():
    nb06.RIGHT_CLASS_51.reset()
    for slip, words in ((0.91, "10-class"), (90.2, "percentage")):
        feedback = nb06.RIGHT_CLASS_51.check(slip)
        assert feedback.status == "close" and words in feedback.message


@pytest.mark.parametrize("answer", [-3, -0.5, float("nan"), float("inf")])
def test_negative_or_non_finite_quantities_are_typing_slips(answer):
    exercise = Exercise("How many?", lambda: 3, "h", "w", minimum=0)
    feedback = exercise.check(answer)
    assert feedback.status == "wrong" and "Received" in feedback.message
    assert "at least 0" in feedback.message or "finite" in feedback.message
    assert exercise.wrong_answers == 0
    assert exercise.check(3) and exercise.check(0).message.startswith("Not quite.")


def test_negative_answers_count_when_no_minimum_is_set():
    exercise = Exercise("Which change?", lambda: -2, "h", "w")
    assert exercise.check(-2) and not exercise.check(-3)
    assert exercise.wrong_answers == 1


def test_exercise_definitions_are_checked():
    with pytest.raises(ValueError, match="kind must be"):
        Exercise("q?", lambda: 1, "h", "w", kind="essay")
    with pytest.raises(ValueError, match="needs its choices"):
        Exercise("q?", lambda: "a", "h", "w", kind="choice")
    assert Close("m", value=3).matches(3.0, 0.0) and not Close("m", value=3).matches(4, 0.5)
    with pytest.raises(ValueError, match="minimum must be"):
        Exercise("q?", lambda: 1, "h", "w", minimum=float("nan"))
    with pytest.raises(ValueError, match="needs its judge"):
        Exercise("q?", lambda: 1, "h", "w", kind="target")
    with pytest.raises(ValueError, match="only it has one"):
        Exercise("q?", lambda: 1, "h", "w", judge=lambda a: ("correct", ""))


def test_a_target_exercise_grades_what_its_judge_measures():
    def judge(answer):
        if not isinstance(answer, int):
            raise ValueError(f"Answer with a block size. Received: {answer!r}")
        return ("correct", "met.") if answer < 5 else ("close" if answer < 8 else "wrong", "no.")

    target = Exercise("Build one?", lambda: 5, "Smaller.", lambda v: f"under {v}",
                      kind="target", judge=judge)  # fmt: skip
    assert target.check(None).status == "unanswered"
    assert target.check("big").message.startswith("Answer with a block size")
    assert target.wrong_answers == 0
    assert target.check(9).message == "no. Smaller."
    second = target.check(6)
    assert second.status == "close" and second.message == "no.\nWorked step: under 5"
    assert target.check(3).status == "correct"
    broken = Exercise("?", lambda: 1, "h", "w", kind="target", judge=lambda a: ("maybe", ""))
    with pytest.raises(ValueError, match="judge must return"):
        broken.check(1)


def test_the_299_grid_is_named_as_the_slip_it_is():
    nb07.INCEPTION_B_GRID.reset()
    feedback = nb07.INCEPTION_B_GRID.check(17)
    assert feedback.status == "close" and "299" in feedback.message
    nb07.INCEPTION_B_GRID.reset()


def test_the_stacked_blocks_question_states_the_filters_it_computes_with():
    question = nb01.THREE_NAIVE_BLOCKS.question
    assert f"{nb01.FILTERS[0]} 1x1, {nb01.FILTERS[1]} 3x3 and {nb01.FILTERS[2]} 5x5" in question
    assert nb01.BLOCKS == 3 and "third block" in question
