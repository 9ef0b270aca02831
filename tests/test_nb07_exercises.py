"""Notebook 07's exercises: the slips a cold read made get hints aimed at them."""

from inception_edu.exercises import nb07


def test_halving_224_four_times_is_told_what_valid_layers_do():
    nb07.INCEPTION_B_GRID.reset()
    feedback = nb07.INCEPTION_B_GRID.check(14)
    assert feedback.status == "close" and "(n - 3) // 2 + 1" in feedback.message
    nb07.INCEPTION_B_GRID.reset()


def test_the_whole_count_on_256_channels_is_told_to_subtract():
    nb07.INCEPTION_A_SAVING.reset()
    assert nb07.inception_a_params(384) == 318_240  # the notebook's printed Inception-A
    assert nb07.inception_a_params() == 318_240 - 40_960
    feedback = nb07.INCEPTION_A_SAVING.check(nb07.inception_a_params())
    assert feedback.status == "close" and "how many fewer" in feedback.message
    nb07.INCEPTION_A_SAVING.reset()
