"""Pooling against SciPy (the oracle), hand-worked numbers, and the properties lessons 07-08
rely on: shifts, aliasing and exact binomial filters."""

import numpy as np
import pytest
import scipy.ndimage as ndi
import scipy.special as special
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import cnnlessons as cl

finite = st.floats(-10, 10, allow_nan=False, width=32)


def image(h=(1, 12), w=(1, 12), channels=None):
    shape = st.tuples(st.integers(*h), st.integers(*w))
    if channels:
        shape = st.tuples(st.integers(*channels), st.integers(*h), st.integers(*w))
    return shape.flatmap(lambda s: arrays(np.float64, s, elements=finite))


def windows(x, k, s):
    v = np.lib.stride_tricks.sliding_window_view(x, (k, k), axis=(-2, -1))
    return v[..., ::s, ::s, :, :]


SCIPY_MODE = {"zeros": "constant", "circular": "wrap", "reflect": "mirror"}


# ----------------------------------------------------------------------------- max and mean
@settings(max_examples=80, deadline=None)
@given(x=image((2, 10), (2, 10), channels=(1, 3)), k=st.integers(1, 3), s=st.integers(1, 3))
def test_pooling_matches_windows(x, k, s):
    assume(k <= min(x.shape[1:]))
    np.testing.assert_allclose(cl.max_pool2d(x, k, s), windows(x, k, s).max(axis=(-2, -1)))
    np.testing.assert_allclose(
        cl.avg_pool2d(x, k, s), windows(x, k, s).mean(axis=(-2, -1)), atol=1e-9
    )


@settings(max_examples=100, deadline=None)
@given(
    x=image((3, 10), (3, 10)),
    k=st.sampled_from([1, 3, 5]),
    s=st.integers(1, 3),
    mode=st.sampled_from(["ignore", "zeros", "circular", "reflect"]),
)
def test_padded_strided_pooling_matches_scipy_filters(x, k, s, mode):
    """Padding k // 2 centres each window on its pixel, as ndimage's filters do; the stride
    keeps every s-th of them."""
    assume(k // 2 < min(x.shape))
    cval = -np.inf if mode == "ignore" else 0.0
    scipy_mode = SCIPY_MODE.get(mode, "constant")
    expected = ndi.maximum_filter(x, size=k, mode=scipy_mode, cval=cval)[::s, ::s]
    got = cl.max_pool2d(x, k, stride=s, padding=k // 2, padding_mode=mode)
    np.testing.assert_array_equal(got, expected)
    if mode != "ignore":
        expected = ndi.uniform_filter(x, size=k, mode=scipy_mode, cval=0.0)[::s, ::s]
        got = cl.avg_pool2d(x, k, stride=s, padding=k // 2, padding_mode=mode)
        np.testing.assert_allclose(got, expected, atol=1e-9)


def test_pooling_defaults_and_padding_like_pytorch():
    x = np.arange(16.0).reshape(4, 4)
    np.testing.assert_array_equal(cl.max_pool2d(x, 2), [[5, 7], [13, 15]])
    np.testing.assert_array_equal(cl.avg_pool2d(x, 2), [[2.5, 4.5], [10.5, 12.5]])
    # count_include_pad: the corner window holds one real value (4) and three zeros
    assert cl.avg_pool2d(x + 4, 2, stride=2, padding=1)[0, 0] == pytest.approx(4 / 4)


def test_padded_max_pooling_by_hand():
    """4 x 4 of 0..15, 2 x 2 windows, stride 2, padding 1: windows start at row/column -1,
    1 and 3 of the input, so each holds rows/columns {-1, 0}, {1, 2}, {3, 4}."""
    x = np.arange(16.0).reshape(4, 4)
    # padding never wins: the corner windows hold one real pixel each
    ignore = [[0, 2, 3], [8, 10, 11], [12, 14, 15]]
    np.testing.assert_array_equal(cl.max_pool2d(x, 2, padding=1), ignore)
    # zeros beat every value of x - 20 (all negative) in the border windows
    zeros = [[0, 0, 0], [0, -10, 0], [0, 0, 0]]
    np.testing.assert_array_equal(cl.max_pool2d(x - 20, 2, padding=1, padding_mode="zeros"), zeros)
    # circular: row/column -1 is row/column 3, and 4 is 0
    circular = [[15, 14, 15], [11, 10, 11], [15, 14, 15]]
    np.testing.assert_array_equal(
        cl.max_pool2d(x, 2, padding=1, padding_mode="circular"), circular
    )


def test_reflect_and_circular_average_pooling_by_hand():
    x = np.array([[1.0, 2.0, 3.0]])
    # reflect pads 2 | 1 2 3 | 2: means of (2, 1, 2), (1, 2, 3), (2, 3, 2)
    got = cl.avg_pool2d(x, (1, 3), stride=1, padding=(0, 1), padding_mode="reflect")
    np.testing.assert_allclose(got, [[5 / 3, 2, 7 / 3]])
    # circular pads 3 | 1 2 3 | 1: means of (3, 1, 2), (1, 2, 3), (2, 3, 1), all 2
    got = cl.avg_pool2d(x, (1, 3), stride=1, padding=(0, 1), padding_mode="circular")
    np.testing.assert_allclose(got, [[2, 2, 2]])


def test_same_padding_keeps_the_size_at_stride_1():
    x = np.arange(35.0).reshape(5, 7)
    for k in (2, 3, 4):
        assert cl.max_pool2d(x, k, stride=1, padding="same").shape == (5, 7)
        assert cl.avg_pool2d(x, k, stride=1, padding="same").shape == (5, 7)
    # an even window's extra padding goes to the bottom/right: the last column sees only
    # itself and padding
    got = cl.max_pool2d(x, (1, 2), stride=1, padding="same")
    np.testing.assert_array_equal(got[:, -1], x[:, -1])


def test_max_pooling_and_a_one_pixel_shift():
    """The book summary's example (lesson 08): 2-wide, stride-2 max pooling maps
    0 0 1 1 0 0 1 1 to 0 1 0 1; shifted by one pixel, to 1 1 1 1."""
    x = np.array([[0.0, 0, 1, 1, 0, 0, 1, 1]])
    np.testing.assert_array_equal(cl.max_pool2d(x, (1, 2)), [[0, 1, 0, 1]])
    np.testing.assert_array_equal(cl.max_pool2d(cl.shift(x, 0, 1), (1, 2)), [[1, 1, 1, 1]])


@pytest.mark.parametrize(("w", "expected"), [(2, 1 / 3), (3, 1 / 2), (4, 3 / 5), (5, 2 / 3)])
def test_fraction_of_max_pooled_values_a_one_pixel_shift_leaves(w, expected):
    """For independent random values, (w - 1) / (w + 1) of the stride-1 max-pooled values
    survive a one-pixel shift: the largest of the w + 1 values involved must be one of the
    w - 1 shared ones."""
    x = np.random.default_rng(8).normal(size=(1, 200_001))
    pooled = cl.max_pool2d(x, (1, w), stride=1)[0]
    shifted = cl.max_pool2d(cl.shift(x, 0, 1), (1, w), stride=1)[0]  # input moved right by one
    same = np.mean(pooled[1:] == shifted[1:])  # (the first window wraps round: left out)
    assert same == pytest.approx(expected, abs=0.005)


@settings(max_examples=40, deadline=None)
@given(x=image((4, 10), (4, 10)), dy=st.integers(-12, 12), dx=st.integers(-12, 12))
def test_circular_stride_1_pooling_commutes_with_every_shift(x, dy, dx):
    for pool in (cl.max_pool2d, cl.avg_pool2d):
        g = dict(stride=1, padding=1, padding_mode="circular")
        np.testing.assert_allclose(
            pool(cl.shift(x, dy, dx), 3, **g), cl.shift(pool(x, 3, **g), dy, dx), atol=1e-12
        )


def test_ignore_padding_is_for_max_pooling_only():
    with pytest.raises(ValueError, match="padding_mode must be one of 'zeros'"):
        cl.avg_pool2d(np.ones((4, 4)), 2, padding_mode="ignore")


# ----------------------------------------------------------------------------- global pooling
def test_global_pooling_by_hand():
    x = np.array([[[1.0, 5.0], [2.0, 4.0]], [[-1.0, -5.0], [-2.0, -4.0]]])
    np.testing.assert_array_equal(cl.global_max_pool(x), [5, -1])
    np.testing.assert_array_equal(cl.global_avg_pool(x), [3, -3])
    assert cl.global_max_pool(x[0]) == 5.0 and type(cl.global_max_pool(x[0])) is float
    assert cl.global_avg_pool(x[1]) == -3.0 and type(cl.global_avg_pool(x[1])) is float


@settings(max_examples=40, deadline=None)
@given(x=image((1, 8), (1, 8), channels=(1, 3)), dy=st.integers(-9, 9), dx=st.integers(-9, 9))
def test_global_pooling_is_invariant_to_circular_shifts(x, dy, dx):
    shifted = cl.shift(x, dy, dx)
    np.testing.assert_array_equal(cl.global_max_pool(shifted), cl.global_max_pool(x))
    np.testing.assert_allclose(cl.global_avg_pool(shifted), cl.global_avg_pool(x), atol=1e-12)
    np.testing.assert_array_equal(cl.global_max_pool(x), x.max(axis=(1, 2)))


# ----------------------------------------------------------------------------- binomial, blur
def test_binomial_filter_is_1_3_3_1():
    f = cl.binomial_filter(4)
    np.testing.assert_array_equal(f * 64, np.outer([1, 3, 3, 1], [1, 3, 3, 1]))
    assert cl.blur_pool2d(np.ones((7, 5))).shape == (4, 3)


@pytest.mark.parametrize("n", [1, 2, 5, 30, 31, 56, cl.MAX_BINOMIAL_SIZE])
def test_binomial_filter_is_exact_up_to_the_limit(n):
    """Every tap is the correctly rounded C(n-1, i) C(n-1, j) / 4**(n-1), positive, and the
    filter is exactly symmetric (no zeros, NaN or overflow at any allowed size)."""
    c = [special.comb(n - 1, i, exact=True) for i in range(n)]
    exact = np.array([[float(a * b) for b in c] for a in c])  # Python ints: exact products
    f = cl.binomial_filter(n)
    np.testing.assert_array_equal(f * 4.0 ** (n - 1), exact)
    assert (f > 0).all() and np.array_equal(f, f.T) and np.array_equal(f, f[::-1, ::-1])
    assert f.sum() == pytest.approx(1.0, abs=1e-15)


def test_binomial_filter_and_blur_pool_refuse_sizes_past_the_limit():
    n = cl.MAX_BINOMIAL_SIZE + 1
    for call in (
        lambda: cl.binomial_filter(n),
        lambda: cl.binomial_filter(10**6),
        lambda: cl.blur_pool2d(np.ones((200, 200)), filter_size=n),
    ):
        with pytest.raises(ValueError, match=f"filter_size must be at most {n - 1}"):
            call()
    # just under: the widest filter blurs a big enough image
    out = cl.blur_pool2d(np.ones((60, 60)), filter_size=n - 1)
    np.testing.assert_allclose(out, np.ones((30, 30)), atol=1e-14)


@settings(max_examples=60, deadline=None)
@given(
    x=image((4, 12), (4, 12), channels=(1, 2)),
    f=st.integers(1, 7),
    s=st.integers(1, 3),
    mode=st.sampled_from(["reflect", "circular", "zeros"]),
)
def test_blur_pool_matches_scipy(x, f, s, mode):
    """Pad ((f-1)//2, f//2), correlate with the binomial filter, keep every s-th."""
    assume(f // 2 < min(x.shape[1:]))
    origin = -1 if f % 2 == 0 else 0  # ndimage centres an even filter one pixel later
    c = np.array([special.comb(f - 1, i, exact=True) for i in range(f)], dtype=float)
    filt = np.outer(c, c) / c.sum() ** 2
    expected = np.stack(
        [ndi.correlate(ch, filt, mode=SCIPY_MODE[mode], origin=origin)[::s, ::s] for ch in x]
    )
    got = cl.blur_pool2d(x, stride=s, filter_size=f, padding_mode=mode)
    np.testing.assert_allclose(got, expected, atol=1e-9)


def test_blur_pool_with_explicit_padding_by_hand():
    # 1 x 6 row, filter [1, 2, 1] / 4, no padding, stride 2: windows at 0..2 and 2..4
    x = np.array([[0.0, 4, 8, 4, 0, 4]])
    got = cl.blur_pool2d(np.repeat(x, 3, axis=0), stride=2, filter_size=3, padding="valid")
    np.testing.assert_allclose(got, [[4, 4]])  # (0 + 8 + 8) / 4 and (8 + 8 + 0) / 4
    # zero padding of one on each side: windows at -1..1, 1..3, 3..5 of the input:
    # (0 + 0 + 4) / 4, (4 + 16 + 4) / 4, (4 + 0 + 4) / 4
    got = cl.blur_pool2d(
        np.repeat(x, 3, axis=0), stride=2, filter_size=3, padding=(0, 1), padding_mode="zeros"
    )
    np.testing.assert_allclose(got, [[1, 6, 2]])


@pytest.mark.parametrize("f", [2, 3, 4, 5])
def test_circular_blur_pool_keeps_the_mean_under_any_shift(f):
    """Lesson 08's checkable fact: after a binomial blur and stride-2 subsampling of a
    circular signal, the mean does not depend on the shift (the even and the odd taps of a
    binomial sum to the same, 1 + 3 = 3 + 1). Plain subsampling (f = 1) keeps it only for
    even shifts."""
    x = np.random.default_rng(f).normal(size=(6, 16))

    def mean_after(z, size):
        return cl.blur_pool2d(z, stride=2, filter_size=size, padding_mode="circular").mean()

    means = [mean_after(cl.shift(x, dy, dx), f) for dy in range(3) for dx in range(3)]
    np.testing.assert_allclose(means, x.mean(), atol=1e-12)
    assert mean_after(cl.shift(x, 0, 1), 1) != pytest.approx(mean_after(x, 1), abs=1e-6)
    assert mean_after(cl.shift(x, 2, 2), 1) == pytest.approx(mean_after(x, 1), abs=1e-12)
