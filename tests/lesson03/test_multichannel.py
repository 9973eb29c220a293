"""Exercise 5 of lesson 03: a convolutional layer over C channels, written by the learner. The
reference against SciPy (an independent oracle), its cases unlike the lesson's example, the
usual mistakes named, a loop solution accepted."""

import numpy as np
from scipy import ndimage

from cnnlessons.lesson03 import exercises as ex


def by_scipy(x, w, b):
    """Sum over channels of SciPy's correlate, kept where the kernel fits (valid), plus b."""
    f, c, k, _ = w.shape
    lo = (k - 1) // 2  # SciPy centres the kernel: shift to the top-left convention
    out = []
    for fi in range(f):
        full = sum(ndimage.correlate(x[ci], w[fi, ci], mode="constant", origin=-(k % 2 == 0))
                   for ci in range(c))  # fmt: skip
        out.append(full[lo : lo + x.shape[1] - k + 1, lo : lo + x.shape[2] - k + 1] + b[fi])
    return np.stack(out)


def loops(x, w, b):
    f_, c_, k, _ = w.shape
    h, wd = x.shape[1:]
    out = np.zeros((f_, h - k + 1, wd - k + 1))
    for f in range(f_):
        for i in range(h - k + 1):
            for j in range(wd - k + 1):
                out[f, i, j] = sum(
                    x[c, i + di, j + dj] * w[f, c, di, dj]
                    for c in range(c_) for di in range(k) for dj in range(k)
                ) + b[f]  # fmt: skip
    return out


def test_the_reference_agrees_with_scipy_on_every_case():
    for x, w, b in ex.q5.cases:
        np.testing.assert_allclose(ex._conv_layer(x, w, b), by_scipy(x, w, b), atol=1e-12)


def test_the_cases_are_not_the_lessons_example_and_cover_channels_filters_and_kernels():
    shapes = [(x.shape, w.shape) for x, w, _ in ex.q5.cases]
    assert all(w[:2] != (6, 3) for _, w in shapes)  # the lesson's layer: 6 filters on 3 channels
    assert {w[1] for _, w in shapes} >= {1, 2, 3, 4} and {w[0] for _, w in shapes} >= {1, 2, 3}
    assert {w[2] for _, w in shapes} == {1, 2, 3}
    assert all(x[1] != x[2] for x, _ in shapes)  # no square image: rows and columns differ


def test_a_loop_solution_passes_and_mistakes_are_named():
    assert ex.q5.check(loops).correct
    no_bias = ex.q5.check(lambda x, w, b: loops(x, w, np.zeros_like(b)))
    assert not no_bias.correct and "bias" in no_bias.message
    flipped = ex.q5.check(lambda x, w, b: loops(x, w[:, :, ::-1, ::-1], b))
    assert "flipped" in flipped.message
    first = ex.q5.check(lambda x, w, b: loops(x[:1], w[:, :1], b))
    assert "first input channel" in first.message
    wrong_shape = ex.q5.check(lambda x, w, b: loops(x, w, b).transpose(0, 2, 1))
    assert not wrong_shape.correct and "shape" in wrong_shape.message
