"""Translation equivariance (lesson 07): exact with circular padding, a predictable border band
with zero padding, even shifts only at stride 2, and no commuting with rotation or scaling.

Oracle: scipy.ndimage.correlate (mode "wrap" is circular padding, "constant" zero padding)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import ndimage

import cnnlessons as cl
from cnnlessons.lesson07 import numerics as eq

finite = st.floats(-10, 10, allow_nan=False, allow_infinity=False, width=64)


def integer_image(draw, h, w):
    return draw(arrays(np.float64, (h, w), elements=st.integers(-9, 9).map(float)))


@st.composite
def cases(draw):
    h, w = draw(st.integers(5, 12)), draw(st.integers(5, 12))
    k = draw(st.sampled_from([1, 3, 5]))
    x = draw(arrays(np.float64, (h, w), elements=finite))
    kernel = draw(arrays(np.float64, (k, k), elements=finite))
    dy, dx = draw(st.integers(-2 * h, 2 * h)), draw(st.integers(-2 * w, 2 * w))
    return x, kernel, dy, dx


@settings(max_examples=60, deadline=None)
@given(cases())
def test_circular_padding_is_exactly_equivariant(case):
    x, w, dy, dx = case
    # integer-valued inputs: every sum is exact, so "exactly 0" means exactly
    x, w = np.round(x), np.round(w)
    f = eq.conv_map(w, padding_mode="circular")
    assert eq.max_abs(eq.equivariance_error(f, x, dy, dx)) == 0.0


@settings(max_examples=40, deadline=None)
@given(cases())
def test_circular_conv_map_agrees_with_scipy_wrap(case):
    x, w, _, _ = case
    np.testing.assert_allclose(eq.conv_map(w)(x), ndimage.correlate(x, w, mode="wrap"), atol=1e-9)
    np.testing.assert_allclose(
        eq.conv_map(w, padding_mode="zeros")(x),
        ndimage.correlate(x, w, mode="constant"),
        atol=1e-9,
    )


@settings(max_examples=40, deadline=None)
@given(cases(), st.integers(1, 3))
def test_a_stack_of_conv_relu_layers_stays_exactly_equivariant(case, depth):
    x, w, dy, dx = case
    x, w = np.round(x), np.round(w)
    f = eq.stack_map([w] * depth)
    assert eq.max_abs(eq.equivariance_error(f, x, dy, dx)) == 0.0


@pytest.mark.parametrize("k", [3, 5, 7])
@pytest.mark.parametrize(("dy", "dx"), [(0, 1), (2, 0), (-3, 4), (1, 1), (0, 0), (16, 0)])
def test_zero_padding_differs_exactly_in_the_predicted_band(k, dy, dx):
    rng = np.random.default_rng(abs(k + 10 * dy + dx))
    x, w = rng.normal(size=(16, 14)), rng.normal(size=(k, k))
    d = eq.equivariance_error(eq.conv_map(w, padding_mode="zeros"), x, dy, dx)
    band = eq.error_band(x.shape, k, dy, dx)
    np.testing.assert_array_equal(np.abs(d) > 1e-12, band)  # random data: non-zero exactly there


@pytest.mark.parametrize(("k", "padding", "width"), [(3, "same", (1, 1)), (5, "same", (2, 2)),
                         (7, "same", (3, 3)), (4, "same", (1, 2)), (3, "valid", (0, 0)),
                         (3, "full", (2, 2)), (3, 2, (2, 2))])  # fmt: skip
def test_border_band_width_is_the_padding(k, padding, width):
    assert eq.border_band_width(k, padding) == width
    mask = eq.border_band((10, 12), k, padding)
    top, bottom = width
    assert mask.shape == (10 + top + bottom - k + 1, 12 + top + bottom - k + 1)
    rows = mask[:, mask.shape[1] // 2]
    assert rows.sum() == top + bottom and rows[:top].all() and (bottom == 0 or rows[-bottom:].all())


def test_band_is_where_zero_and_circular_padding_disagree():
    rng = np.random.default_rng(3)
    x, w = rng.normal(size=(9, 11)), rng.normal(size=(5, 5))
    differ = np.abs(eq.conv_map(w)(x) - eq.conv_map(w, padding_mode="zeros")(x)) > 1e-12
    np.testing.assert_array_equal(differ, eq.border_band(x.shape, 5))


@pytest.mark.parametrize("k", [1, 3, 5])
def test_stride_two_is_exact_for_even_shifts_only(k):
    rng = np.random.default_rng(k)
    x, w = rng.normal(size=(16, 16)), rng.normal(size=(k, k))
    f = eq.conv_map(w, stride=2)
    for d in range(-4, 7):
        exact = eq.is_exact_shift(d, 0, 2)
        assert exact == (d % 2 == 0)
        (ay, ax), err = eq.nearest_output_shift(f, x, d, 0)
        if exact:
            assert eq.max_abs(eq.equivariance_error(f, x, d, 0, stride=2)) < 1e-12
            assert err < 1e-12 and (ay - d // 2) % 8 == 0 and ax == 0
        else:
            assert err > 0.1  # no shift of the output matches
            with pytest.raises(ValueError, match="not a whole number of pixels"):
                eq.equivariance_error(f, x, d, 0, stride=2)


def test_exact_shifts_are_the_multiples_of_the_stride():
    assert eq.exact_shifts(1, 4) == [0, 1, 2, 3]
    assert eq.exact_shifts(2, 8) == [0, 2, 4, 6]
    assert eq.exact_shifts(3, 7) == [0, 3, 6]


def test_relu_commutes_with_shifts():
    x = np.random.default_rng(0).normal(size=(7, 9))
    relu = lambda v: np.maximum(v, 0)  # noqa: E731
    for dy, dx in [(1, 0), (3, -2), (0, 5)]:
        assert eq.max_abs(eq.equivariance_error(relu, x, dy, dx)) == 0.0


def test_rotation_does_not_commute_but_rotating_the_kernel_does():
    x = cl.step_edge(8, 8)
    vertical = cl.kernel("vertical edge")
    assert eq.max_abs(eq.rotation_error(x, vertical)) > 1  # the edge detector does not turn
    # rotating the image is rotating the kernel: f_w(rot x) = rot f_{rot^-1 w}(x)
    lhs = eq.conv_map(vertical)(eq.rotate90(x))
    rhs = eq.rotate90(eq.conv_map(eq.rotate90(vertical, -1))(x))
    np.testing.assert_allclose(lhs, rhs, atol=1e-12)
    # the rotated vertical edge is horizontal: the vertical-edge kernel no longer sees it
    assert eq.max_abs(eq.conv_map(vertical)(eq.rotate90(x))) == 0
    # a kernel that looks the same after a quarter turn commutes
    assert eq.max_abs(eq.rotation_error(x, cl.kernel("blur"))) < 1e-12


def test_scaling_does_not_commute():
    rng = np.random.default_rng(1)
    x, w = rng.normal(size=(6, 6)), rng.normal(size=(3, 3))
    assert eq.max_abs(eq.scale_error(x, w, 2)) > 0.1
    assert eq.max_abs(eq.scale_error(x, w, 1)) == 0
    np.testing.assert_array_equal(eq.upscale([[1, 2]], 2), [[1, 1, 2, 2], [1, 1, 2, 2]])


def test_commutator_with_an_output_transformation():
    x = np.arange(16.0).reshape(4, 4)
    d = eq.commutator(lambda v: 2 * v, lambda v: v + 1, x, g_out=lambda v: v + 2)
    assert eq.max_abs(d) == 0


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: eq.conv_map(np.ones((2, 2))), ValueError, "w must have odd sides"),
        (lambda: eq.conv_map(np.ones(3)), ValueError, "w must have 2 dimensions"),
        (
            lambda: eq.conv_map(np.ones((3, 3)), padding_mode="reflect"),
            ValueError,
            "padding_mode must be one of",
        ),
        (lambda: eq.conv_map(np.ones((3, 3)), stride=0), ValueError, "stride must be"),
        (lambda: eq.conv_map(np.ones((3, 3)), relu=1), TypeError, "relu must be True or False"),
        (lambda: eq.stack_map([]), TypeError, "kernels must be a non-empty list"),
        (lambda: eq.equivariance_error(3, np.ones((4, 4)), 1, 1), TypeError, "f must be a"),
        (lambda: eq.equivariance_error(abs, np.ones((4, 4)), 1.5, 1), TypeError, "dy must be"),
        (
            lambda: eq.equivariance_error(abs, np.ones((4, 4)), 1, 1, mode="wrap"),
            ValueError,
            "mode must be one of",
        ),
        (
            lambda: eq.commutator(lambda v: v[:2], lambda v: v.T, np.ones((3, 4))),
            ValueError,
            "f\\(g\\(x\\)\\) has shape",
        ),
        (lambda: eq.border_band_width(0), ValueError, "k must be an integer >= 1"),
        (lambda: eq.border_band_width(3, "half"), ValueError, "padding must be one of"),
        (lambda: eq.border_band((3, 3), 5, "valid"), ValueError, "does not fit"),
        (lambda: eq.error_band((8, 8), 4, 1, 1), ValueError, "k must be odd"),
        (lambda: eq.exact_shifts(0, 4), ValueError, "stride must be"),
        (lambda: eq.rotation_error(np.ones((3, 4)), np.ones((3, 3))), ValueError, "square"),
        (lambda: eq.upscale(np.ones((2, 2)), 0), ValueError, "factor must be"),
        (lambda: eq.max_abs("abc"), TypeError, "values must be an array of real numbers"),
    ],
)
def test_bad_arguments_are_named(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
