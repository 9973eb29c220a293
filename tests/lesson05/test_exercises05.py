"""Lesson 05's exercises need the lesson (issue 20): the sizes are worked out, not read off the
prompt; the gradient must be derived, a finite difference is named as one."""

import numpy as np
import pytest

import cnnlessons as cl
from cnnlessons.lesson05 import exercises as ex
from cnnlessons.lesson05.numerics import fewshot
from cnnlessons.numerics import tasks


def finite_difference(h):
    def grad(x, w, y):
        return np.array(
            [(ex.loss_1d(x, w + h * e, y) - ex.loss_1d(x, w - h * e, y)) / (2 * h)
             for e in np.eye(len(w))]
        )  # fmt: skip

    return grad


def by_loops(x, w, y):
    """The derivation written out with Python loops (a learner's solution)."""
    n = len(x) - len(w) + 1
    r = [sum(w[j] * x[i + j] for j in range(len(w))) - y[i] for i in range(n)]
    return np.array([2 / n * sum(r[i] * x[i + j] for i in range(n)) for j in range(len(w))])


@pytest.mark.parametrize("h", [1e-9, 1e-6, 1e-3, 1.0, 10.0])
def test_a_finite_difference_does_not_pass_the_gradient_exercise_and_is_named(h):
    feedback = ex.q5.check(finite_difference(h))
    assert feedback.correct is False
    assert "finite difference" in feedback.message


def test_the_derived_gradient_passes_written_either_way():
    assert ex.q5.check(ex.grad_1d).correct
    assert ex.q5.check(by_loops).correct


def test_the_far_cases_are_where_a_finite_difference_fails():
    """On the ordinary cases a finite difference agrees to 1e-6; on the far ones (loss ~1e16)
    it is off by more than the tolerance for every step h."""
    far = [c for c in ex.q5.cases if np.abs(c[2]).min() > ex.FAR_TARGET / 2]
    assert len(far) == 2 and len(ex.q5.cases) == 6
    for x, w, y in far:
        exact = ex.grad_1d(x, w, y)
        assert ex.loss_1d(x, w, y) > 1e15
        for h in (1e-6, 1e-3, 1.0):
            error = np.abs(finite_difference(h)(x, w, y) - exact).max() / np.abs(exact).max()
            assert error > ex.GRADIENT_TOLERANCE


def test_q1_the_dense_layer_needs_m_pairs_worked_out_from_the_sizes():
    assert "144" not in ex.q1.prompt and "m =" not in ex.q1.prompt
    w = tasks.random_kernel(3, seed=1)
    X, Y = tasks.filter_pairs(144, w, input_shape=(12, 12), noise=0.0, seed=0)
    M = cl.conv_matrix((12, 12), w)
    np.testing.assert_allclose(fewshot.fit_dense(X, Y), M, atol=1e-6)
    assert np.abs(fewshot.fit_dense(X[:143], Y[:143]) - M).max() > 0.01
    assert ex.q1.check(144).correct
    for wrong, words in [(14_400, "m·n"), (100, "number of outputs"), (145, "bias"),
                         (143, "one short"), (9, "convolution's")]:  # fmt: skip
        feedback = ex.q1.check(wrong)
        assert feedback.correct is False and words in feedback.message


def test_q2_a_1d_kernel_needs_ceil_k_over_n_pairs():
    """k = 5 taps, 6 inputs, n = 2 outputs per pair: the rank of the equations, by numpy."""
    rng = np.random.default_rng(0)

    def rank(pairs):
        rows = [x[i : i + 5] for x in rng.normal(size=(pairs, 6)) for i in range(2)]
        return np.linalg.matrix_rank(np.array(rows))

    assert rank(2) == 4 and rank(3) == 5
    assert ex.q2.check(3).correct
    for wrong, words in [(1, "only n = 2"), (5, "not 1"), (2, "one short"), (2.5, "round up"),
                         (6, "dense")]:  # fmt: skip
        feedback = ex.q2.check(wrong)
        assert feedback.correct is False and words in feedback.message
