"""Lesson 07's exercises ask about what the lesson has not printed (issue 20): the border band of
a stack, checked against SciPy; the equivariance hint points without handing over the code."""

import numpy as np
from scipy.signal import correlate2d

from cnnlessons.lesson07 import exercises as ex


def test_q2_the_band_of_three_stacked_layers_is_three_rows_by_scipy():
    rng = np.random.default_rng(0)
    x = rng.uniform(0.5, 1.5, (32, 32))
    kernels = [rng.uniform(0.5, 1.5, (3, 3)) for _ in range(3)]
    zeros, wrap = x, x
    for k in kernels:  # positive values: the ReLU never clips, so only the padding differs
        zeros = np.maximum(correlate2d(zeros, k, mode="same", boundary="fill"), 0)
        wrap = np.maximum(correlate2d(wrap, k, mode="same", boundary="wrap"), 0)
    middle = ~np.isclose(zeros, wrap)[:16, 14:18]
    band = int(np.flatnonzero(middle.any(axis=1)).max()) + 1
    assert band == ex.q2.answer == 3
    assert "printed" not in ex.q2.prompt and "5x5" not in ex.q2.prompt


def test_q3_hint_points_but_is_not_the_solution():
    hint = ex.q3.hint().message
    assert "np.roll" not in hint and "f(g(x)) - g(f(x))" not in hint
    assert "both orders" in hint
