"""Pooling and invariance (lesson 08): how many pooled values survive a shift, global pooling,
aliasing, blur pooling and the consistency metric.

Oracles: scipy.ndimage.maximum_filter1d / correlate1d (mode "wrap"), the closed form
(w - d)/(w + d), and hand-worked examples."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import ndimage

import cnnlessons as cl
from cnnlessons.lesson08 import numerics as iv


def test_the_aliasing_example_by_hand():
    x = [0, 0, 1, 1, 0, 0, 1, 1]
    np.testing.assert_array_equal(iv.pool1d(x, 2, stride=2), [0, 1, 0, 1])
    np.testing.assert_array_equal(iv.pool1d(np.roll(x, 1), 2, stride=2), [1, 1, 1, 1])
    np.testing.assert_array_equal(iv.ALIASING_EXAMPLE, x)
    # no blur (filter size 1) is plain max pooling
    np.testing.assert_array_equal(iv.max_blur_pool1d(x, 1), [0, 1, 0, 1])
    # [1, 1] after the stride-1 max [0, 1, 1, 1, 0, 1, 1, 1]: neighbours averaged,
    # [.5, 1, 1, .5, .5, 1, 1, .5], every other kept; shifted by one: the same output
    np.testing.assert_array_equal(iv.max_blur_pool1d(x, 2), [0.5, 1, 0.5, 1])
    np.testing.assert_array_equal(iv.max_blur_pool1d(np.roll(x, 1), 2), [0.5, 1, 0.5, 1])


def test_binomial_taps_are_exact_rows_of_pascals_triangle():
    assert [iv.binomial_taps(n).tolist() for n in range(1, 6)] == [
        [1], [1, 1], [1, 2, 1], [1, 3, 3, 1], [1, 4, 6, 4, 1]]  # fmt: skip
    for n in range(1, iv.MAX_FILTER_SIZE + 1):
        taps = iv.binomial_taps(n)
        assert taps.dtype.kind == "i" and taps.sum() == 2 ** (n - 1) and taps.min() >= 1
    with pytest.raises(ValueError, match="filter_size must be at most 16"):
        iv.binomial_taps(17)


rows = arrays(np.float64, st.sampled_from([8, 12, 16, 20]),
              elements=st.floats(-100, 100, allow_nan=False, width=64))  # fmt: skip


@settings(max_examples=50, deadline=None)
@given(rows, st.integers(1, 5))
def test_pool1d_agrees_with_scipy(x, width):
    expected = np.array([max(x[(i + j) % x.size] for j in range(width)) for i in range(x.size)])
    np.testing.assert_array_equal(iv.pool1d(x, width), expected)
    lo = width // 2  # scipy centres the window on width // 2: shift it to start at i
    np.testing.assert_array_equal(
        iv.pool1d(x, width), np.roll(ndimage.maximum_filter1d(x, width, mode="wrap"), -lo)
    )
    np.testing.assert_allclose(
        iv.pool1d(x, width, kind="avg"),
        np.roll(ndimage.uniform_filter1d(x, width, mode="wrap"), -lo),
        atol=1e-9,
    )


@settings(max_examples=50, deadline=None)
@given(rows, st.integers(1, 7))
def test_blur_agrees_with_scipy_and_keeps_constants(x, n):
    taps = iv.binomial_taps(n) / 2 ** (n - 1)
    np.testing.assert_allclose(
        iv.blur1d(x, n),
        ndimage.correlate1d(x, taps, mode="wrap", origin=-((n - 1) % 2) if n % 2 == 0 else 0),
        atol=1e-9,
    )
    c = float(np.round(x[0]))
    np.testing.assert_array_equal(iv.blur_pool1d(np.full(x.size, c), n), np.full(x.size // 2, c))


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 7])
def test_blur_pooling_of_a_constant_image_is_the_constant(n):
    """The package's 2-D blur pooling, too (reflect padding): every filter sums to 1."""
    out = cl.blur_pool2d(np.full((9, 10), 0.3), stride=2, filter_size=n)
    np.testing.assert_allclose(out, 0.3, rtol=1e-15)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.sampled_from([8, 10, 16, 32]), elements=st.integers(-50, 50)),
       st.integers(2, 8))  # fmt: skip
def test_global_mean_after_blur_and_subsampling_is_exactly_shift_invariant(x, n):
    """Even and odd taps of a binomial filter sum to the same (1+3 = 3+1): every input value
    reaches the kept samples with total weight 1/2, whatever the shift. Integer signals and
    dyadic weights: exactly equal, not just close."""
    means = {float(iv.blur_pool1d(np.roll(x, d), n).mean()) for d in range(x.size)}
    assert means == {float(x.sum() / x.size)}


def test_without_blur_the_global_mean_depends_on_the_shift():
    x = np.array([1.0, 0, 0, 0, 1, 0, 0, 0])
    assert iv.blur_pool1d(x, 1).mean() == 0.5 and iv.blur_pool1d(np.roll(x, 1), 1).mean() == 0


@pytest.mark.parametrize("width", range(1, 9))
def test_unchanged_fraction_matches_w_minus_1_over_w_plus_1(width):
    frac, se = iv.unchanged_fraction(width, 1, rows=2000, length=32, seed=width)
    expected = (width - 1) / (width + 1)
    assert iv.unchanged_probability(width) == expected
    assert width == 1 or 0 < se < 0.002
    assert abs(frac - expected) <= 4 * se + 1e-12  # within sampling error (4 standard errors)


@pytest.mark.parametrize(("width", "shift"), [(3, 2), (5, 2), (5, 4), (4, 3), (3, 3), (2, 5)])
def test_unchanged_fraction_for_larger_shifts(width, shift):
    frac, se = iv.unchanged_fraction(width, shift, rows=2000, seed=1)
    expected = max(width - shift, 0) / (width + shift)
    assert iv.unchanged_probability(width, shift) == expected
    assert abs(frac - expected) <= 4 * se + 1e-12


def test_figure_9_8_width_3_half_the_pooled_values_change():
    assert iv.unchanged_probability(3) == 0.5
    assert iv.unchanged_probability(3, -1) == 0.5


def test_global_pooling_is_exactly_invariant_to_circular_shifts():
    for kind in ("global max", "global avg"):
        np.testing.assert_array_equal(iv.invariance_curve(kind, range(6), rows=50), 1.0)
    curve = iv.invariance_curve(4, [0, 1, 2, 4], rows=2000, seed=2)
    np.testing.assert_allclose(curve, [1, 3 / 5, 2 / 6, 0], atol=0.02)
    assert iv.global_pool(np.arange(6.0), "max") == 5 and iv.global_pool([[1, 2]], "avg") == 1.5


def test_output_change_zero_for_even_shifts_and_smaller_with_wider_blur():
    x = np.random.default_rng(1).random(32)
    changes = {
        n: [iv.output_change(lambda v, n=n: iv.max_blur_pool1d(v, n), x, d) for d in range(6)]
        for n in range(1, 6)
    }
    for n, c in changes.items():
        assert c[0] == c[2] == c[4] == 0, n  # the output moves by d/2 exactly
        assert c[1] > 0.05
    odd = [changes[n][1] for n in range(1, 6)]
    assert all(a > b for a, b in zip(odd[:-1], odd[1:], strict=True))


def test_consistency_of_known_classifiers():
    rng = np.random.default_rng(0)
    images = rng.random((40, 8, 8))
    assert iv.consistency(lambda b: b.sum(axis=(1, 2)) > 32, images, max_shift=3) == 1.0
    # "is the top-left pixel bright?": changes with the shift (for these images, most often)
    corner = lambda b: (b[:, 0, 0] > 0.5).astype(int)  # noqa: E731
    c = iv.consistency(corner, images, max_shift=3, seed=1)
    assert 0.3 < c < 0.8
    assert iv.consistency(corner, images, max_shift=0) == 1.0
    scores = lambda b: np.stack([b[:, 0, 0], 1 - b[:, 0, 0]], axis=1)  # noqa: E731
    assert iv.consistency(scores, images, max_shift=3, seed=1) == c


def test_consistency_is_the_share_of_agreeing_pairs_worked_by_hand():
    """Two images, max_shift=1: recompute the shifts the seed draws and compare."""
    images = np.arange(2 * 3 * 3, dtype=float).reshape(2, 3, 3)
    predict = lambda b: b[:, 0, 0]  # noqa: E731
    rng = np.random.default_rng(5)
    d1, d2 = rng.integers(-1, 2, size=(2, 2)), rng.integers(-1, 2, size=(2, 2))
    agree = [np.roll(images[i], tuple(d1[i]), (0, 1))[0, 0]
             == np.roll(images[i], tuple(d2[i]), (0, 1))[0, 0] for i in range(2)]  # fmt: skip
    assert iv.consistency(predict, images, max_shift=1, seed=5) == np.mean(agree)
    assert math.isfinite(iv.consistency(predict, images, max_shift=1, seed=5))


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: iv.pool1d(np.ones((2, 2)), 2), ValueError, "x must have 1 dimensions"),
        (lambda: iv.pool1d(np.ones(8), 9), ValueError, "width must be at most the row length 8"),
        (lambda: iv.pool1d(np.ones(9), 2, stride=2), ValueError, "multiple of the stride"),
        (lambda: iv.pool1d(np.ones(8), 2, kind="min"), ValueError, "kind must be one of"),
        (lambda: iv.blur1d(np.ones(4), 5), ValueError, "filter_size must be at most the row"),
        (lambda: iv.binomial_taps(0), ValueError, "filter_size must be an integer >= 1"),
        (lambda: iv.binomial_taps(2.0), TypeError, "filter_size must be an integer"),
        (lambda: iv.unchanged_probability(0), ValueError, "width must be"),
        (lambda: iv.unchanged_fraction(3, rows=1), ValueError, "rows must be"),
        (lambda: iv.unchanged_fraction(3, rows=10**6, length=100), ValueError, "rows \\* length"),
        (lambda: iv.invariance_curve("global min", [1]), ValueError, "width must be one of"),
        (lambda: iv.changed([1, 2], [1, 2, 3]), ValueError, "same shape"),
        (lambda: iv.output_change(3, np.ones(4), 1), TypeError, "pool must be a function"),
        (lambda: iv.consistency(3, np.ones((2, 4, 4))), TypeError, "predict must be a function"),
        (
            lambda: iv.consistency(lambda b: b, np.ones((2, 4, 4))),
            ValueError,
            "predict must return 2 class labels",
        ),
        (lambda: iv.consistency(len, np.ones((4, 4))), ValueError, "images must have 3 or 4"),
        (lambda: iv.consistency(len, np.ones((2, 4, 4)), max_shift=-1), ValueError, "max_shift"),
    ],
)
def test_bad_arguments_are_named(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# -- the trained-network part ------------------------------------------------------------------
def test_circular_max_blur_pool_without_blur_is_max_pool_forward_and_backward():
    from cnnlessons.numerics.layers import MaxPool2d

    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3, 6, 8))
    ours, ref = iv.CircularMaxBlurPool(1), MaxPool2d(2)
    np.testing.assert_array_equal(ours.forward(x), ref.forward(x))
    g = rng.normal(size=(2, 3, 3, 4))
    np.testing.assert_array_equal(ours.backward(g), ref.backward(g))


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5])
def test_circular_max_blur_pool_gradient_matches_finite_differences(n):
    rng = np.random.default_rng(n)
    x = rng.normal(size=(1, 2, 4, 6))
    layer = iv.CircularMaxBlurPool(n)
    g = rng.normal(size=layer.forward(x).shape)
    analytic = layer.backward(g)
    numeric = np.zeros_like(x)
    eps = 1e-6
    for i in np.ndindex(x.shape):
        up, down = x.copy(), x.copy()
        up[i] += eps
        down[i] -= eps
        numeric[i] = ((layer.forward(up) - layer.forward(down)) * g).sum() / (2 * eps)
    np.testing.assert_allclose(analytic, numeric, atol=1e-6)


@pytest.mark.parametrize("n", [1, 3, 4])
def test_circular_max_blur_pool_even_shifts_exact_constants_kept(n):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(2, 2, 8, 8))
    layer = iv.CircularMaxBlurPool(n)
    out = layer.forward(x)
    for dy, dx in [(2, 0), (0, 4), (-2, 6)]:
        moved = layer.forward(np.roll(x, (dy, dx), axis=(2, 3)))
        np.testing.assert_array_equal(moved, np.roll(out, (dy // 2, dx // 2), axis=(2, 3)))
    np.testing.assert_allclose(layer.forward(np.full((1, 1, 6, 6), 0.7)), 0.7, rtol=1e-15)
    # blurred: the output equals the 1-D recipe along each axis for a row-constant image
    row = rng.random(8)
    img = np.tile(row, (8, 1))[None, None]
    np.testing.assert_allclose(layer.forward(img)[0, 0, 0], iv.max_blur_pool1d(row, n))


def test_pooling_net_shapes_and_same_start_for_every_filter():
    a, b = iv.pooling_net(1, seed=3), iv.pooling_net(4, seed=3)
    assert a.in_shape == (1, 12, 12) and a.classes == 2
    np.testing.assert_array_equal(a.layers[0].params["w"], b.layers[0].params["w"])
    assert a.n_parameters == b.n_parameters == 8 * 9 + 8 + 8 * 8 * 9 + 8 + 8 * 2 + 2
    with pytest.raises(ValueError, match="size must be even"):
        iv.pooling_net(1, size=13)


def test_consistency_experiment_structure_small_and_quick():
    run = iv.consistency_experiment((1, 4), (0, 1), n_train=16, n_test=20, steps=2)
    assert run.filter_sizes == (1, 4) and run.seeds == (0, 1)
    for f in (1, 4):
        assert run.accuracy[f].shape == run.consistency[f].shape == (2,)
        assert ((0 <= run.consistency[f]) & (run.consistency[f] <= 1)).all()
    table = run.table()
    assert "max, stride 2" in table and "max-blur [1, 3, 3, 1]" in table and "±" in table
    with pytest.raises(ValueError, match="at least one"):
        iv.consistency_experiment((), (0,))
