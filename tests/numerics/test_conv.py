"""conv2d and friends against SciPy (the oracle), and the properties convolution must have."""

import numpy as np
import pytest
import scipy.ndimage as ndi
import scipy.signal as sig
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


def dilate(w, d):
    """Insert d - 1 zeros between kernel taps (the oracle's own dilation)."""
    kh, kw = w.shape
    out = np.zeros((d[0] * (kh - 1) + 1, d[1] * (kw - 1) + 1))
    out[:: d[0], :: d[1]] = w
    return out


geometry = st.fixed_dictionaries(
    {
        "stride": st.tuples(st.integers(1, 3), st.integers(1, 3)),
        "padding": st.tuples(st.integers(0, 3), st.integers(0, 3)),
        "dilation": st.tuples(st.integers(1, 3), st.integers(1, 3)),
    }
)


@settings(max_examples=150, deadline=None)
@given(x=image(), w=image((1, 5), (1, 5)), g=geometry)
def test_conv2d_matches_scipy_correlate2d(x, w, g):
    wd = dilate(w, g["dilation"])
    ph, pw = g["padding"]
    assume(wd.shape[0] <= x.shape[0] + 2 * ph and wd.shape[1] <= x.shape[1] + 2 * pw)
    xp = np.zeros((x.shape[0] + 2 * ph, x.shape[1] + 2 * pw))
    xp[ph : ph + x.shape[0], pw : pw + x.shape[1]] = x
    expected = sig.correlate2d(xp, wd, mode="valid")[:: g["stride"][0], :: g["stride"][1]]
    got = cl.conv2d(x, w, **g)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, atol=1e-9)


@settings(max_examples=100, deadline=None)
@given(
    x=image((3, 12), (3, 12)),
    w=st.tuples(st.sampled_from([1, 3, 5]), st.sampled_from([1, 3, 5])).flatmap(
        lambda s: arrays(np.float64, s, elements=finite)
    ),
    mode=st.sampled_from(["zeros", "circular", "reflect"]),
)
def test_padding_modes_match_scipy_ndimage(x, w, mode):
    kh, kw = w.shape
    assume(kh // 2 < x.shape[0] and kw // 2 < x.shape[1])
    scipy_mode = {"zeros": "constant", "circular": "wrap", "reflect": "mirror"}[mode]
    expected = ndi.correlate(x, w, mode=scipy_mode, cval=0.0)
    got = cl.conv2d(x, w, padding=(kh // 2, kw // 2), padding_mode=mode)
    np.testing.assert_allclose(got, expected, atol=1e-9)
    np.testing.assert_allclose(
        cl.conv2d(x, w, padding="same", padding_mode=mode), expected, atol=1e-9
    )


@settings(max_examples=60, deadline=None)
@given(x=image((2, 9), (2, 9)), w=image((1, 4), (1, 4)))
def test_full_padding_and_true_convolution_match_scipy(x, w):
    np.testing.assert_allclose(
        cl.conv2d(x, w, padding="full"), sig.correlate2d(x, w, mode="full"), atol=1e-9
    )
    np.testing.assert_allclose(
        cl.convolve2d(x, w, padding="full"), sig.convolve2d(x, w, mode="full"), atol=1e-9
    )
    if w.shape[0] <= x.shape[0] and w.shape[1] <= x.shape[1]:
        np.testing.assert_allclose(
            cl.convolve2d(x, w), sig.convolve2d(x, w, mode="valid"), atol=1e-9
        )


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    c=st.integers(1, 3),
    f=st.integers(1, 3),
    k=st.integers(1, 3),
    stride=st.integers(1, 2),
)
def test_multichannel_is_a_sum_over_channels_plus_bias(data, c, f, k, stride):
    x = data.draw(arrays(np.float64, (c, 6, 7), elements=finite))
    w = data.draw(arrays(np.float64, (f, c, k, k), elements=finite))
    b = data.draw(arrays(np.float64, (f,), elements=finite))
    got = cl.conv2d(x, w, bias=b, stride=stride, padding=1)
    for fi in range(f):
        expected = (
            sum(
                sig.correlate2d(np.pad(x[ci], 1), w[fi, ci], mode="valid")[::stride, ::stride]
                for ci in range(c)
            )
            + b[fi]
        )
        np.testing.assert_allclose(got[fi], expected, atol=1e-8)


@settings(max_examples=80, deadline=None)
@given(
    x=image((2, 10), (2, 10)),
    y_seed=st.integers(0, 2**16),
    a=finite,
    b=finite,
    w=image((1, 3), (1, 3)),
    g=geometry,
)
def test_linearity(x, y_seed, a, b, w, g):
    y = np.random.default_rng(y_seed).normal(size=x.shape)
    try:
        lhs = cl.conv2d(a * x + b * y, w, **g)
    except ValueError:
        return  # kernel does not fit: nothing to compare (validation is tested elsewhere)
    rhs = a * cl.conv2d(x, w, **g) + b * cl.conv2d(y, w, **g)
    np.testing.assert_allclose(lhs, rhs, atol=1e-7)


@settings(max_examples=80, deadline=None)
@given(
    x=image((2, 10), (2, 10)),
    w=image((1, 4), (1, 4)),
    dy=st.integers(-12, 12),
    dx=st.integers(-12, 12),
)
def test_circular_shift_equivariance_at_stride_1(x, w, dy, dx):
    """f(g(x)) == g(f(x)): shift in, shift out, exactly, with circular padding."""
    assume(w.shape[0] <= x.shape[0] and w.shape[1] <= x.shape[1])
    conv = lambda z: cl.conv2d(z, w, padding="same", padding_mode="circular")  # noqa: E731
    np.testing.assert_allclose(conv(cl.shift(x, dy, dx)), cl.shift(conv(x), dy, dx), atol=1e-9)


def test_stride_2_is_equivariant_only_for_even_shifts():
    x = np.random.default_rng(1).normal(size=(12, 12))
    w = cl.kernel("vertical edge")
    conv = lambda z: cl.conv2d(z, w, stride=2, padding=1, padding_mode="circular")  # noqa: E731
    np.testing.assert_allclose(conv(cl.shift(x, 0, 2)), cl.shift(conv(x), 0, 1), atol=1e-9)
    shifted_once = conv(cl.shift(x, 0, 1))
    assert not any(np.allclose(shifted_once, cl.shift(conv(x), 0, s)) for s in range(6))


@settings(max_examples=100, deadline=None)
@given(
    i=st.integers(1, 30),
    k=st.integers(1, 6),
    s=st.integers(1, 4),
    p=st.integers(0, 4),
    d=st.integers(1, 3),
)
def test_output_size_and_fits_evenly_by_sliding_a_window(i, k, s, p, d):
    """Slide a window over the padded input, one stride at a time, and count."""
    assume(d * (k - 1) + 1 <= i + 2 * p)
    starts = list(range(0, i + 2 * p - d * (k - 1), s))  # every window that fits
    assert cl.output_size(i, k, s, p, d) == len(starts)
    taps_of_last = [starts[-1] + t * d for t in range(k)]
    assert cl.fits_evenly(i, k, s, p, d) is (taps_of_last[-1] == i + 2 * p - 1)
    out = cl.conv2d(
        np.ones((i, 3)), np.ones((k, 1)), stride=(s, 1), padding=(p, 0), dilation=(d, 1)
    )
    assert out.shape == (len(starts), 3)


def test_fits_evenly_uses_the_validated_numbers():
    """numpy integers of any width mean the same as Python ints (no int8 overflow)."""
    # by hand: 101 + 2 * 100 = 301 padded pixels; windows start at 0, 2, ..., 298 (150 of
    # them) and the last covers 298..300, the last pixel. With 100 pixels, 300 padded: the
    # windows start at 0, 2, ..., 296 (149) and pixel 299 is never covered.
    for np_int in (np.int8, np.uint8, np.int16, np.int64):
        assert cl.fits_evenly(np_int(101), 3, np_int(2), np_int(100)) is True
        assert cl.fits_evenly(np_int(100), 3, np_int(2), np_int(100)) is False
        assert cl.output_size(np_int(101), 3, np_int(2), np_int(100)) == 150
        assert cl.output_size(np_int(100), 3, np_int(2), np_int(100)) == 149


def test_output_size_by_hand():
    assert cl.output_size(6, 3) == 4
    assert cl.output_size(320, 2) == 319
    assert cl.output_size(32, 5) == 28
    assert cl.output_size(5, 3, stride=2, padding=1) == 3  # Dumoulin & Visin, fig. 2.7
    assert cl.output_size(7, 3, dilation=2) == 3  # dilated 3x3 spans 5
    assert cl.output_size(6, 3, stride=2, padding=1) == 3 and not cl.fits_evenly(6, 3, 2, 1)


def test_the_six_by_six_vertical_edge_example():
    out = cl.conv2d(cl.edge_example(), cl.kernel("vertical edge"))
    expected = np.array([[0, 30, 30, 0]] * 4, dtype=float)
    np.testing.assert_array_equal(out, expected)


def test_same_padding_keeps_the_size_with_even_kernels():
    """An even kernel needs an odd total padding: the extra pixel goes to the bottom/right
    (as PyTorch): rows (0 above, 1 below), columns (1 left, 2 right). SciPy is the oracle."""
    x = np.arange(30.0).reshape(5, 6)
    w = np.arange(1.0, 9.0).reshape(2, 4)
    got = cl.conv2d(x, w, padding="same")
    expected = sig.correlate2d(np.pad(x, [(0, 1), (1, 2)]), w, mode="valid")
    assert got.shape == (5, 6)
    np.testing.assert_allclose(got, expected, atol=1e-12)


@pytest.mark.parametrize("switch", [True, False, np.True_, np.array(True)])
def test_bias_true_is_refused_not_added_as_one(switch):
    """A PyTorch user writes bias=True to ask for biases; here a bias is a value, and True
    is not one: refused with what to pass instead (it once added 1.0 to every output)."""
    with pytest.raises(TypeError, match=r"bias must be a number or an array of numbers"):
        cl.conv2d(np.zeros((3, 3)), np.ones((2, 2)), bias=switch)
    np.testing.assert_array_equal(cl.conv2d(np.zeros((3, 3)), np.ones((2, 2)), bias=1.0), 1.0)


@pytest.mark.parametrize(
    "x",
    [np.ones((3, 3), "m8[s]"), np.ma.masked_all((3, 3)), np.ones((3, 3), complex)],
    ids=["timedelta64", "masked", "complex"],
)
def test_conv2d_refuses_arrays_that_are_not_plain_real_numbers(x):
    with pytest.raises(TypeError, match=r"^x must"):
        cl.conv2d(x, np.ones((2, 2)))


# ----------------------------------------------------------------------------- shift
def test_shift_moves_content_down_and_right():
    x = np.arange(9.0).reshape(3, 3)
    np.testing.assert_array_equal(cl.shift(x, 1, 0), [[6, 7, 8], [0, 1, 2], [3, 4, 5]])
    np.testing.assert_array_equal(
        cl.shift(x, 1, -1, mode="zeros"), [[0, 0, 0], [1, 2, 0], [4, 5, 0]]
    )
    np.testing.assert_array_equal(cl.shift(x, 5, 0, mode="zeros"), np.zeros((3, 3)))
    np.testing.assert_array_equal(cl.shift(x, -3, 3), x)
