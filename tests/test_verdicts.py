"""The one rule for empirical verdicts (course.claims.empirical_verdict)."""

import pytest

from inception_edu.course.claims import VERDICTS, empirical_verdict


@pytest.mark.parametrize(
    ("differences", "claimed", "margin", "verdict"),
    [
        ([0.1, 0.2, 0.3], "positive", 0.0, "holds"),
        ([0.1, -0.01, 0.3], "positive", 0.0, "holds approximately"),
        ([0.1, -0.01, 0.3], "positive", 0.05, "holds approximately"),  # -0.01 is no "against"
        ([-0.1, -0.2, 0.05], "positive", 0.0, "wrong"),
        ([0.1, -0.1, 0.0], "positive", 0.0, "not shown at this scale"),
        ([0.01, 0.02, 0.0], "positive", 0.05, "not shown at this scale"),  # within the margin
        ([-0.1, -0.2, -0.3], "negative", 0.0, "holds"),
        ([0.01, -0.02, 0.0], "none", 0.03, "holds"),
        ([0.2, 0.25, 0.01], "none", 0.03, "wrong"),
        ([0.05, 0.01, 0.02], "none", 0.03, "holds approximately"),
        ([0.2, -0.25, 0.01], "none", 0.03, "not shown at this scale"),  # cancels out
        # one seed of three decides nothing when the others are even
        ([1.0, 0.0, 0.0], "positive", 0.0, "not shown at this scale"),
        ([-2.0, 0.0, 0.0], "positive", 0.0, "not shown at this scale"),
        ([0.3, 0.2, 0.0, 0.0], "positive", 0.0, "not shown at this scale"),  # half is no majority
        ([0.3, 0.2, 0.1, 0.0, -0.1], "positive", 0.0, "holds approximately"),
        ([-0.3, -0.2, -0.1, 0.0, 0.1], "positive", 0.0, "wrong"),
    ],
)
def test_the_rule(differences, claimed, margin, verdict):
    result = empirical_verdict("C99", differences, "a minus b", claimed, margin)
    assert result.verdict == verdict
    assert result.verdict in VERDICTS


def test_the_evidence_is_printed_with_the_verdict():
    text = str(empirical_verdict("C32", [0.03, -0.01, 0.05], "scaled minus unscaled"))
    assert text.startswith("C32: holds approximately (scaled minus unscaled per seed:")
    assert "+0.03, -0.01, +0.05" in text and "2 of 3 seeds as claimed, 1 against" in text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"differences": [0.1, 0.2]}, "at least|>= 3"),
        ({"differences": [0.1, float("nan"), 0.2]}, "finite"),
        ({"differences": [0.1, 0.2, 0.3], "claimed": "up"}, "claimed"),
        ({"differences": [0.1, 0.2, 0.3], "margin": -1}, "margin"),
        ({"differences": "abc"}, "differences|>= 3"),
    ],
)
def test_bad_input_is_a_clear_error(kwargs, message):
    with pytest.raises(ValueError, match=message):
        empirical_verdict("C99", effect="x", **kwargs)
