"""Bad input gets a ValueError or TypeError that names the argument and what is allowed."""

import numpy as np
import pytest

import cnnlessons as cl

X, W = np.ones((5, 5)), np.ones((3, 3))

CASES = [
    # conv2d
    (lambda: cl.conv2d(X, np.ones((7, 3))), ValueError, "kernel height spans 7 .* only 5"),
    (lambda: cl.conv2d(X, W, dilation=3), ValueError, "spans 7 pixels"),
    (lambda: cl.conv2d(X, W, stride=0), ValueError, "stride must be an integer >= 1"),
    (lambda: cl.conv2d(X, W, stride=(1, 0)), ValueError, r"stride\[1\] must be an integer >= 1"),
    (lambda: cl.conv2d(X, W, dilation=0), ValueError, "dilation must be an integer >= 1"),
    (lambda: cl.conv2d(X, W, stride=1.5), TypeError, "stride must be an integer"),
    (lambda: cl.conv2d(X, W, padding=-1), ValueError, "padding must be an integer >= 0"),
    (
        lambda: cl.conv2d(X, W, padding=(1, 2, 3)),
        ValueError,
        "padding must be an integer or a pair",
    ),
    (lambda: cl.conv2d(X, W, padding="half"), ValueError, "padding must be one of 'valid'"),
    (
        lambda: cl.conv2d(X, W, padding="same", stride=2),
        ValueError,
        "padding='same' needs stride 1",
    ),
    (lambda: cl.conv2d(X, W, padding_mode="mirror"), ValueError, "padding_mode must be one of"),
    (lambda: cl.conv2d(X, W, padding=5, padding_mode="reflect"), ValueError, "smaller than"),
    (lambda: cl.conv2d(X, W, padding=6, padding_mode="circular"), ValueError, "at most the input"),
    (
        lambda: cl.conv2d(np.ones(5), W),
        ValueError,
        r"x must have 2 or 3 dimensions, got shape \(5,\)",
    ),
    (lambda: cl.conv2d(X, np.ones((2, 3, 3))), ValueError, "w must have 2 or 4 dimensions"),
    (lambda: cl.conv2d(np.ones((3, 5, 5)), W), ValueError, r"needs a \(F, C, kh, kw\) kernel"),
    (
        lambda: cl.conv2d(np.ones((3, 5, 5)), np.ones((2, 1, 3, 3))),
        ValueError,
        r"w expects 1 input channel\(s\) .* x has 3",
    ),
    (
        lambda: cl.conv2d(X, np.ones((2, 1, 3, 3)), bias=1.0),
        ValueError,
        r"bias must have shape \(2,\)",
    ),
    (lambda: cl.conv2d(X, np.ones((2, 1, 3, 3)), bias=[1, 2, 3]), ValueError, r"shape \(2,\)"),
    (lambda: cl.conv2d([["a", "b"]], W), TypeError, "x must be an array of real numbers"),
    (lambda: cl.conv2d(X, W * 1j), TypeError, "w must be real"),
    (lambda: cl.conv2d([[1, 2], [3]], W), ValueError, "x must be a rectangular array"),
    (lambda: cl.conv2d(np.ones((0, 5)), W), ValueError, "x must not be empty"),
    (lambda: cl.convolve2d(X, np.ones(3)), ValueError, "w must have 2 or 4 dimensions"),
    # pooling
    (lambda: cl.max_pool2d(X, 0), ValueError, "kernel_size must be an integer >= 1"),
    (lambda: cl.max_pool2d(X, 6), ValueError, "kernel_size height spans 6"),
    (lambda: cl.max_pool2d(X, 2, padding=2), ValueError, "padding must be at most half"),
    (lambda: cl.avg_pool2d(X, 2, stride=0), ValueError, "stride must be an integer >= 1"),
    (lambda: cl.avg_pool2d(np.ones((1, 1, 4, 4)), 2), ValueError, "x must have 2 or 3"),
    (lambda: cl.blur_pool2d(X, stride=0), ValueError, "stride must be an integer >= 1"),
    (lambda: cl.blur_pool2d(X, filter_size=0), ValueError, "filter_size must be an integer >= 1"),
    (lambda: cl.blur_pool2d(np.ones((2, 2))), ValueError, "at least 3 x 3"),
    # shift
    (lambda: cl.shift(X, 1.5, 0), TypeError, "dy must be an integer"),
    (lambda: cl.shift(X, 0, 0, mode="wrap"), ValueError, "mode must be one of 'circular', 'zeros'"),
    # sizes
    (lambda: cl.output_size(4, 5), ValueError, "kernel spans 5 pixels .* only 4"),
    (lambda: cl.output_size(0, 1), ValueError, "i must be an integer >= 1"),
    (lambda: cl.output_size(8, 3, stride=0), ValueError, "stride must be an integer >= 1"),
    (lambda: cl.output_size(8, 3, padding=-1), ValueError, "padding must be an integer >= 0"),
    (lambda: cl.output_size(8.0, 3), TypeError, "i must be an integer"),
    (lambda: cl.fits_evenly(8, 3, dilation=0), ValueError, "dilation must be an integer >= 1"),
    # images
    (lambda: cl.kernel("edge"), ValueError, "name must be one of 'vertical edge'"),
    (lambda: cl.step_edge(4, 4, column=9), ValueError, "column must be between 0 and width=4"),
    (lambda: cl.checkerboard(0), ValueError, "size must be an integer >= 1"),
    (lambda: cl.grace_hopper(step=0), ValueError, "step must be an integer >= 1"),
]


@pytest.mark.parametrize(("call", "exc", "match"), CASES)
def test_bad_arguments_are_named(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_numpy_integers_and_bool_arrays_are_accepted():
    out = cl.conv2d(np.eye(4, dtype=bool), np.ones((2, 2), dtype=np.int8), stride=np.int64(1))
    np.testing.assert_array_equal(out, [[2, 1, 0], [1, 2, 1], [0, 1, 2]])
