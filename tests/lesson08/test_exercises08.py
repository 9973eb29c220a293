"""Lesson 08's exercises need the lesson (issue 20): exercise 3 pools a row the lesson has not
shown, worked by hand; a consistency given as a percentage is named as one."""

import numpy as np

from cnnlessons.lesson08 import exercises as ex
from cnnlessons.lesson08 import numerics as iv


def test_q3_blur_pooling_keeps_the_mean_of_the_stride_1_max_for_every_shift():
    # by hand: max (width 2, stride 1, circular) of [1, 1, 0, 0, 0, 0, 0, 0] is
    # [1, 1, 0, 0, 0, 0, 0, 1], mean 3/8; plain stride-2 max pooling gives 1/4 or 1/2
    assert ex.q3.answer == 3 / 8
    means = {round(float(iv.max_blur_pool1d(np.roll(ex.PAIR, d), 4).mean()), 12) for d in range(8)}
    assert means == {0.375}
    plain = {float(iv.pool1d(np.roll(ex.PAIR, d), 2, stride=2).mean()) for d in range(8)}
    assert plain == {0.25, 0.5}
    assert "0.375" not in ex.q3.prompt


def test_q4_a_percentage_is_named():
    """Issue 20: 08 q4 returning a percentage got "numbering from 1" ("57.75 more")."""
    def percent(predict, images, shifts_a, shifts_b):
        return 100 * ex._reference(predict, images, shifts_a, shifts_b)

    feedback = ex.q4.check(percent)
    assert feedback.correct is False and "percentage" in feedback.message
    assert "numbering" not in feedback.message
