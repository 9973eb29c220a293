"""Bad input gets a ValueError or TypeError that names the argument and what is allowed."""

import re
import tracemalloc

import numpy as np
import pytest

import cnnlessons as cl

X, W = np.ones((5, 5)), np.ones((3, 3))

CASES = [
    # conv2d
    (lambda: cl.conv2d(X, np.ones((7, 3))), ValueError, "kernel w height spans 7 .* only 5"),
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


def test_numpy_scalars_mean_what_python_ints_mean():
    x = np.arange(64.0).reshape(8, 8)
    for t in (np.int8, np.uint8, np.int64):
        np.testing.assert_array_equal(
            cl.max_pool2d(x, t(3), stride=t(2), padding=t(1)), cl.max_pool2d(x, 3, 2, 1)
        )
        np.testing.assert_array_equal(
            cl.blur_pool2d(x, stride=t(2), filter_size=t(3)), cl.blur_pool2d(x, 2, 3)
        )
        np.testing.assert_array_equal(cl.shift(x, t(3), t(100)), cl.shift(x, 3, 100))
    assert cl.step_edge(2, 2, high=np.float32(2), low=np.int8(-1)).tolist() == [[2, -1]] * 2


def test_step_edge_names_high_and_low():
    with pytest.raises(TypeError, match="high must be a real number"):
        cl.step_edge(4, 4, high="bright")
    with pytest.raises(TypeError, match="low must be a real number"):
        cl.step_edge(4, 4, low=None)


# ----------------------------------------------------------------------------- size limits
LIMITED = [
    # (what, call refused at once, call just under the limit)
    (
        "conv2d padding",
        lambda: cl.conv2d(np.ones((5, 5)), np.ones((3, 3)), padding=100_000),
        lambda: cl.conv2d(np.ones((1, 1)), np.ones((1, 1)), padding=1447),  # 2895 x 2895
    ),
    (
        "conv2d output",
        lambda: cl.conv2d(np.ones((1, 120, 120)), np.ones((600, 1, 1, 1))),  # 600 x 14,400
        lambda: cl.conv2d(np.ones((1, 120, 120)), np.ones((582, 1, 1, 1))),  # 582 x 14,400
    ),
    (
        "conv2d x",
        # broadcast views: no memory until conv2d converts them
        lambda: cl.conv2d(np.broadcast_to(np.False_, (1, 2**23 + 1)), np.ones((1, 1))),
        lambda: cl.conv2d(np.broadcast_to(np.False_, (1, 2**23)), np.ones((1, 1))),
    ),
    (
        "max_pool2d padding",
        lambda: cl.max_pool2d(np.ones((4, 4)), 2, padding=10**5, padding_mode="zeros"),
        lambda: cl.max_pool2d(np.ones((1, 1)), 2, padding=1447, padding_mode="zeros"),
    ),
    (
        "avg_pool2d padding",
        lambda: cl.avg_pool2d(np.ones((4, 4)), 2, padding=10**5),
        lambda: cl.avg_pool2d(np.ones((1, 1)), 2, padding=1447),
    ),
    (
        "blur_pool2d padding",
        lambda: cl.blur_pool2d(np.ones((4, 4)), padding=10**5, padding_mode="zeros"),
        lambda: cl.blur_pool2d(np.ones((1, 1)), padding=1447, padding_mode="zeros"),
    ),
    (
        "conv_matrix",
        lambda: cl.conv_matrix((2000, 2000), np.ones((3, 3))),
        lambda: cl.conv_matrix((45, 45), np.ones((3, 3))),  # 1,849 x 2,025
    ),
    (
        "conv_matrix connections",
        lambda: cl.conv_matrix((1, 1), np.ones((1, 3000)), padding="full"),  # 3,000 x 3,000
        lambda: cl.conv_matrix((1, 1), np.ones((1, 2048)), padding="full"),  # 2,048 x 2,048
    ),
    (
        "weight_indices",
        lambda: cl.weight_indices("conv", (200, 200), 3),
        lambda: cl.weight_indices("conv", (45, 45), 3),
    ),
    (
        "weight_indices dense",
        lambda: cl.weight_indices("dense", (2049,), 1),  # 2,049 x 2,049
        lambda: cl.weight_indices("dense", (2048,), 1),  # 2**22 entries exactly
    ),
    (
        "step_edge",
        lambda: cl.step_edge(10**6, 10**6),
        lambda: cl.step_edge(2896, 2896),
    ),
    (
        "checkerboard",
        lambda: cl.checkerboard(100_000),
        lambda: cl.checkerboard(2896),
    ),
    (
        "measured_receptive_field",
        lambda: cl.measured_receptive_field([(3, 1, 1)], input_size=100_000),
        lambda: cl.measured_receptive_field([(3, 1, 1)], input_size=cl.MAX_MEASURED_INPUT),
    ),
]


@pytest.mark.parametrize(("what", "refused", "under"), LIMITED, ids=[c[0] for c in LIMITED])
def test_size_limits_refuse_at_once_and_allow_just_under(what, refused, under):
    """Over a limit: a ValueError naming the limit and what to do instead, before a big
    allocation (traced); just under: a result."""
    tracemalloc.start()
    try:
        with pytest.raises(ValueError, match=r"MAX_\w+|at most") as info:
            refused()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2**20, f"{what} allocated {peak:,} bytes before refusing"
    assert re.search(r"use |receptive_field computes", str(info.value)), "no advice given"
    result = under()
    UNDER[what](result)  # just under the limit: the right answer, worked out by hand


def _one_hot_sum(shape, total):
    def check(out):
        assert out.shape == shape and np.isfinite(out).all()
        assert out.sum() == pytest.approx(total) and out.min() >= 0

    return check


def _every_row_holds(n_cols, per_row):
    def check(m):
        assert m.shape[1] == n_cols
        assert ((m != 0) if m.dtype.kind == "f" else (m >= 0)).sum(axis=1).tolist() == [
            per_row
        ] * m.shape[0]

    return check


#: what each call just under its limit returns, by hand: a 1x1 input padded by 1447 is a
#: 2895 x 2895 picture with one 1 in the middle; stride-2 pools of 2 see it in one window
UNDER = {
    "conv2d padding": _one_hot_sum((2895, 2895), 1.0),
    "conv2d output": lambda out: (
        np.testing.assert_array_equal(out, np.ones((582, 120, 120)))
    ),
    "conv2d x": lambda out: (
        np.testing.assert_array_equal(out.shape, (1, 2**23)),
        np.testing.assert_array_equal(out[:, :: 2**16], 0.0),
    ),
    "max_pool2d padding": _one_hot_sum((1447, 1447), 1.0),
    "avg_pool2d padding": _one_hot_sum((1447, 1447), 0.25),
    "blur_pool2d padding": lambda out: (
        np.testing.assert_array_less(-1e-15, out),
        np.testing.assert_array_less(out, 1.0),
        np.testing.assert_(0 < out.sum() <= 1.0 + 1e-9),
    ),
    # a valid 3x3 convolution of a 45x45 image: 43x43 outputs, each of 9 weights
    "conv_matrix": _every_row_holds(45 * 45, 9),
    "conv_matrix connections": lambda m: np.testing.assert_array_equal(
        m.sum(axis=1) if m.shape[1] == 1 else m.sum(axis=0), np.ones(max(m.shape))
    ),
    "weight_indices": _every_row_holds(45 * 45, 9),
    "weight_indices dense": lambda idx: (
        np.testing.assert_array_equal(idx.shape, (2048, 2048)),
        np.testing.assert_array_equal(idx.ravel()[:: 2**12], np.arange(0, 2**22, 2**12)),
    ),
    "step_edge": lambda x: (
        np.testing.assert_array_equal(x.shape, (2896, 2896)),
        np.testing.assert_array_equal(x[:, :1448], x[0, 0]),
        np.testing.assert_(x[0, 0] != x[0, -1]),
    ),
    "checkerboard": lambda x: (
        np.testing.assert_array_equal(x.shape, (2896, 2896)),
        np.testing.assert_array_equal(x[:2, :2], [[0, 1], [1, 0]]),
        np.testing.assert_array_equal(x, x[::-1, ::-1]),
    ),
    "measured_receptive_field": lambda rf: np.testing.assert_equal(
        (rf.size, rf.stride, rf.padding), (3, 1, 1)
    ),
}


def test_size_limit_messages_give_advice():
    with pytest.raises(ValueError, match="use conv2d"):
        cl.conv_matrix((2000, 2000), np.ones((3, 3)))
    with pytest.raises(ValueError, match="MAX_MATRIX_ENTRIES = 4,194,304"):
        cl.weight_indices("conv", (200, 200), 3)
    with pytest.raises(ValueError, match=r"padding \(\(100000, 100000\), \(100000, 100000\)\)"):
        cl.conv2d(np.ones((5, 5)), np.ones((3, 3)), padding=100_000)


def test_a_twelve_layer_stride_2_stack_is_measured_in_little_memory():
    """8,191 pixels of field, measured on inputs up to 65,536 pixels by bisection: a few MB
    (an impulse per pixel would need 65,536 x 65,536 values)."""
    layers = [(3, 2, 1)] * 12
    tracemalloc.start()
    try:
        got = cl.measured_receptive_field(layers)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert got == cl.receptive_field(layers) == cl.ReceptiveField(8191, 4096, 4095)
    assert peak < 32 * 2**20
    with pytest.raises(ValueError, match="too large to measure"):
        cl.measured_receptive_field([(3, 2, 1)] * 14)  # 32,767 pixels: needs > 65,536


# ----------------------------------------------------------------------------- read-only data
def test_kernels_cannot_be_changed_and_kernel_returns_a_copy():
    with pytest.raises(TypeError):
        cl.KERNELS["blur"] = np.zeros((3, 3))
    with pytest.raises(ValueError, match="read-only"):
        cl.KERNELS["blur"][0, 0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        cl.KERNELS["vertical edge"] *= 2
    mine = cl.kernel("blur")
    mine[0, 0] = 5.0
    assert cl.KERNELS["blur"][0, 0] == pytest.approx(1 / 9)
    assert cl.kernel("blur")[0, 0] == pytest.approx(1 / 9)
    np.testing.assert_array_equal(cl.KERNELS["vertical edge"], [[1, 0, -1]] * 3)


# ----------------------------------------------------------------------------- NaN and inf
def window_mask(shape, k, pixel):
    """Outputs (valid, stride 1) whose k x k window holds ``pixel``."""
    oh, ow = shape[0] - k + 1, shape[1] - k + 1
    mask = np.zeros((oh, ow), dtype=bool)
    r, c = pixel
    mask[max(0, r - k + 1) : r + 1, max(0, c - k + 1) : c + 1] = True
    return mask


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_nan_and_inf_propagate_to_the_outputs_that_see_them(bad):
    x = np.random.default_rng(0).normal(size=(7, 7))
    x[2, 4] = bad
    mask = window_mask(x.shape, 3, (2, 4))
    conv = cl.conv2d(x, np.ones((3, 3)))  # positive weights: the value itself comes out
    avg = cl.avg_pool2d(x, 3, stride=1)
    for out in (conv, avg):
        np.testing.assert_array_equal(out[mask], np.full(mask.sum(), bad))
        assert np.isfinite(out[~mask]).all()
    mx = cl.max_pool2d(x, 3, stride=1)
    if bad == -np.inf:  # -inf never wins a maximum
        assert np.isfinite(mx).all()
    else:
        np.testing.assert_array_equal(mx[mask], np.full(mask.sum(), bad))
        assert np.isfinite(mx[~mask]).all()
    # a zero weight meets inf: inf * 0 is NaN, as in PyTorch and IEEE arithmetic
    edge = cl.conv2d(x, cl.kernel("vertical edge"))
    assert np.isnan(edge[mask]).any() and np.isfinite(edge[~mask]).all()
    blurred = cl.blur_pool2d(x, stride=1, filter_size=3)
    assert not np.isfinite(blurred[1:4, 3:6]).any() and np.isfinite(blurred[5:, :2]).all()
    for pool in (cl.global_max_pool, cl.global_avg_pool):
        expected = bad if pool is cl.global_avg_pool or bad != -np.inf else x[np.isfinite(x)].max()
        np.testing.assert_array_equal(pool(x), expected)
    moved = cl.shift(x, 1, 1)
    np.testing.assert_array_equal(moved[3, 5], bad)


# ----------------------------------------------------------------------------- layering
