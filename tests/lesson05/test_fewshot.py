"""Least squares for a convolution and a dense layer, the theory curves, kernel learning by
gradient descent, and the classification experiment."""

import numpy as np
import pytest

import cnnlessons as cl
from cnnlessons.lesson05.numerics import fewshot
from cnnlessons.numerics import tasks

W = tasks.random_kernel(3, seed=0)
M = cl.conv_matrix((8, 8), W)


def test_one_noise_free_pair_determines_the_kernel():
    X, Y = tasks.filter_pairs(1, W, noise=0.0, seed=1)
    np.testing.assert_allclose(fewshot.fit_conv(X, Y), W, atol=1e-10)


def test_the_dense_layer_needs_m_noise_free_pairs():
    X, Y = tasks.filter_pairs(64, W, noise=0.0, seed=1)
    np.testing.assert_allclose(fewshot.fit_dense(X, Y), M, atol=1e-8)
    M63 = fewshot.fit_dense(X[:63], Y[:63])
    assert np.abs(M63 - M).max() > 0.1  # one pair short: not determined
    # but it fits the 63 pairs exactly, and is the smallest matrix that does: its rows lie
    # in the span of the inputs (nothing along the unseen direction)
    A = X[:63].reshape(63, -1)
    np.testing.assert_allclose(A @ M63.T, Y[:63].reshape(63, -1), atol=1e-8)
    unseen = np.linalg.svd(A)[2][-1]
    np.testing.assert_allclose(M63 @ unseen, 0, atol=1e-8)


def test_ridge_solves_the_penalised_problem():
    X, Y = tasks.filter_pairs(30, W, noise=0.1, seed=2)
    lam = 0.7
    Mr = fewshot.fit_dense(X, Y, ridge=lam)
    A, B = X.reshape(30, -1), Y.reshape(30, -1)
    grad = 2 * (Mr @ A.T - B.T) @ A + 2 * lam * Mr  # the penalised loss is flat there
    np.testing.assert_allclose(grad, 0, atol=1e-9)


def test_excess_error_is_the_expected_error_on_new_inputs():
    rng = np.random.default_rng(0)
    M_hat = M + rng.normal(scale=0.1, size=M.shape)
    x = rng.normal(size=(40000, 64))  # Monte Carlo, independent of the closed form
    mc = (((x @ (M_hat - M).T) ** 2).mean(axis=0)).mean()
    assert fewshot.excess_error(M_hat, M) == pytest.approx(mc, rel=0.03)
    w_hat = W + rng.normal(scale=0.1, size=(3, 3))  # valid conv: every weight once per row
    assert fewshot.excess_error(cl.conv_matrix((8, 8), w_hat), M) == pytest.approx(
        ((w_hat - W) ** 2).sum(), rel=1e-12
    )


def test_theory_formulas_by_hand():
    assert fewshot.conv_theory(10, 0.1) == pytest.approx(0.01 * 9 / 360)
    assert fewshot.dense_theory(129, 0.1)[()] == pytest.approx(0.01 * 64 / 64)
    assert np.isnan(fewshot.dense_theory(65, 0.1)[()])
    assert fewshot.dense_min_norm_theory(32, 0.1, 4.0)[()] == pytest.approx(2 + 0.01 * 32 / 31)
    assert np.isnan(fewshot.dense_min_norm_theory(63, 0.1, 4.0)[()])
    assert fewshot.optimal_ridge(0.1, M) == pytest.approx(0.01 / (M**2).mean())


@pytest.fixture(scope="module")
def ls_run():
    return fewshot.least_squares_curves((4, 32, 64, 128, 256), 0.1, repeats=30, seed=3)


def test_measured_errors_follow_the_theory(ls_run):
    th = ls_run.theory
    conv_ratio = ls_run.mean("conv") / th["conv"]
    assert np.all((conv_ratio > 0.7) & (conv_ratio < 1.5))  # ≈ σ²·9/(N·n)
    for i in (3, 4):  # N = 128, 256: σ²·m/(N − m − 1)
        assert ls_run.mean("dense")[i] == pytest.approx(th["dense"][i], rel=0.15)
    for i in (0, 1):  # N < m: the minimum-norm fit
        assert ls_run.mean("dense")[i] == pytest.approx(th["dense_min_norm"][i], rel=0.1)
    # the convolution beats the dense layer by orders of magnitude at every N
    assert np.all(ls_run.mean("conv") * 100 < ls_run.mean("dense"))


def test_the_spike_at_n_equals_m_and_ridge_removes_it(ls_run):
    dense, ridge = ls_run.mean("dense"), ls_run.mean("dense_ridge")
    assert dense[2] > 3 * dense[1]  # N = 64 is worse than N = 32
    assert ridge[2] < ridge[1]  # with ridge, more data is never worse here
    assert ridge[2] < dense[2] / 10
    assert ls_run.std("conv").shape == (5,)
    table = ls_run.table([4, 64])
    assert table.count("\n") == 2 and "  64 " in table


def test_learn_kernel_recovers_the_edge_kernel():
    x = fewshot.standard_photo(16)
    assert abs(x.mean()) < 1e-12 and x.std() == pytest.approx(1)
    w = cl.kernel("vertical edge")
    run = fewshot.learn_kernel(x, cl.conv2d(x, w), lr=0.15, steps=40, target=w)
    assert run.steps == 40 and run.kernels.shape == (41, 3, 3)
    assert np.abs(run.kernels[-1] - w).max() < 0.01
    assert np.all(np.diff(run.losses) <= 0)  # a small enough step never goes uphill here
    assert run.losses[-1] < 1e-4 * run.losses[0]


def test_learn_kernel_steps_along_the_finite_difference_gradient():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(7, 9)), rng.normal(size=(5, 7))
    run = fewshot.learn_kernel(x, y, lr=0.01, steps=1, seed=4)
    w0 = run.kernels[0].copy()

    def loss(w):
        return ((cl.conv2d(x, w) - y) ** 2).mean()

    num = np.zeros((3, 3))
    for i in np.ndindex(3, 3):
        e = np.zeros((3, 3))
        e[i] = 1e-6
        num[i] = (loss(w0 + e) - loss(w0 - e)) / 2e-6
    np.testing.assert_allclose((w0 - run.kernels[1]) / 0.01, num, atol=1e-7)
    assert run.losses[0] == pytest.approx(loss(w0))


def test_classification_experiment_small():
    run = fewshot.classification_curves(N=(10, 40), seeds=(0, 1), steps=40, test_size=200)
    assert set(run.test) == {("conv", False), ("conv", True), ("dense", False), ("dense", True)}
    assert run.test[("conv", False)].shape == (2, 2)
    assert run.n_parameters == {"conv": 6 * 10 + 14, "dense": 256 * 32 + 32 + 33 * 2}
    # the dense net is exactly unchanged by the fixed permutation
    np.testing.assert_array_equal(run.test[("dense", False)], run.test[("dense", True)])
    np.testing.assert_array_equal(run.train[("dense", False)], run.train[("dense", True)])
    again = fewshot.classification_curves(N=(10, 40), seeds=(0, 1), steps=40, test_size=200)
    for key in run.test:
        np.testing.assert_array_equal(run.test[key], again.test[key])  # deterministic
    assert "conv   as is" in run.table() and "per seed from" in run.gaps()
    assert "examples/s" in run.timing()


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (
            lambda: fewshot.fit_conv(np.ones((2, 8, 8)), np.ones((3, 6, 6))),
            ValueError,
            "same number of pairs",
        ),  # fmt: skip
        (
            lambda: fewshot.fit_conv(np.ones((2, 8, 8)), np.ones((2, 5, 5))),
            ValueError,
            r"Y must be \(N, 6, 6\)",
        ),  # fmt: skip
        (
            lambda: fewshot.fit_dense(np.ones((2, 8, 8)), np.ones((2, 6, 6)), ridge=-1),
            ValueError,
            "ridge must be a finite number >= 0",
        ),  # fmt: skip
        (
            lambda: fewshot.fit_dense(np.full((2, 8, 8), np.nan), np.ones((2, 6, 6))),
            ValueError,
            "X contains NaN",
        ),  # fmt: skip
        (
            lambda: fewshot.excess_error(np.ones((2, 3)), np.ones((3, 2))),
            ValueError,
            "M_hat must have M's shape",
        ),  # fmt: skip
        (lambda: fewshot.conv_theory(0, 0.1), ValueError, "N must be a whole number"),
        (lambda: fewshot.conv_theory(2.5, 0.1), ValueError, "N must be a whole number"),
        (lambda: fewshot.dense_theory(100, -0.1), ValueError, "noise must be a finite"),
        (lambda: fewshot.least_squares_curves([10**5], repeats=2), ValueError, "at most 100,000"),
        (lambda: fewshot.least_squares_curves([4], w=np.ones((2, 2))), ValueError, "3x3 kernel"),
        (
            lambda: fewshot.learn_kernel(np.ones((5, 5)), np.ones((3, 3)), lr=0),
            ValueError,
            "lr must be a finite number > 0",
        ),  # fmt: skip
        (
            lambda: fewshot.learn_kernel(np.ones((5, 5)), np.ones((4, 4))),
            ValueError,
            r"y must have shape \(3, 3\)",
        ),  # fmt: skip
        (
            lambda: fewshot.learn_kernel(
                np.random.default_rng(0).normal(size=(9, 9)), np.zeros((7, 7)), lr=50.0, steps=100
            ),
            ValueError,
            "diverged",
        ),  # fmt: skip
        (lambda: fewshot.classification_curves(seeds=()), ValueError, "seeds must hold at least"),
        (lambda: fewshot.classification_curves(N=(0,)), ValueError, "N must be a whole"),
    ],
)
def test_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_one_blas_thread_limits_blas_once_per_outer_block(monkeypatch):
    """Entering threadpoolctl costs about a millisecond; the least-squares experiments fit
    hundreds of times: the limit is set once per outermost block, and holds inside it."""
    from threadpoolctl import threadpool_info

    calls = []
    real = fewshot.single_threaded

    def counting():
        calls.append(1)
        return real()

    monkeypatch.setattr(fewshot, "single_threaded", counting)
    before = fewshot.least_squares_curves(N=(4, 70), noise=0.1, repeats=2, seed=3)
    assert calls == [1]  # one experiment of 2 x 2 x 3 fits: entered once
    with fewshot._one_blas_thread():
        blas = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
        assert blas and all(n == 1 for n in blas)
        again = fewshot.least_squares_curves(N=(4, 70), noise=0.1, repeats=2, seed=3)
        fewshot.fit_conv(*tasks.filter_pairs(2, tasks.random_kernel(3, seed=0), seed=0))
    assert calls == [1, 1]
    for key in ("conv", "dense"):
        np.testing.assert_array_equal(before.mean(key), again.mean(key))
