"""A convolution is a sparse, banded, shared matrix: conv_matrix @ x is the convolution
(checked against SciPy, not against conv2d)."""

import numpy as np
import pytest
import scipy.signal as sig
from hypothesis import given, settings
from hypothesis import strategies as st

import cnnlessons as cl
from cnnlessons.numerics.matrices import LAYER_KINDS


@settings(max_examples=120, deadline=None)
@given(
    h=st.integers(1, 7),
    w=st.integers(1, 7),
    kh=st.integers(1, 3),
    kw=st.integers(1, 3),
    c=st.integers(1, 2),
    f=st.integers(1, 2),
    multi=st.booleans(),
    stride=st.integers(1, 3),
    padding=st.integers(0, 2),
    dilation=st.integers(1, 2),
    mode=st.sampled_from(["zeros", "circular", "reflect"]),
    seed=st.integers(0, 2**16),
)
def test_conv_matrix_times_x_is_conv2d(
    h, w, kh, kw, c, f, multi, stride, padding, dilation, mode, seed
):
    rng = np.random.default_rng(seed)
    shape, kshape = ((c, h, w), (f, c, kh, kw)) if multi else ((h, w), (kh, kw))
    x, k = rng.normal(size=shape), rng.normal(size=kshape)
    g = dict(stride=stride, padding=padding, dilation=dilation, padding_mode=mode)
    try:
        expected = cl.conv2d(x, k, **g)
    except ValueError:
        with pytest.raises(ValueError):
            cl.conv_matrix(shape, k, **g)
        return
    m = cl.conv_matrix(shape, k, **g)
    assert m.shape == (expected.size, x.size)
    # the values from an independent oracle (numpy's padding, SciPy's correlation), not conv2d
    x3, k4 = (x, k) if multi else (x[None], k[None, None])
    oracle = np.stack(
        [
            sum(correlate_ref(x3[ci], k4[fi, ci], stride, padding, dilation, mode)
                for ci in range(x3.shape[0]))  # fmt: skip
            for fi in range(k4.shape[0])
        ]
    )
    np.testing.assert_allclose(m @ x.ravel(), oracle.ravel(), atol=1e-9)


def correlate_ref(x, w, stride, padding, dilation, mode):
    """One channel, one filter: pad with numpy, spread the kernel's taps by hand, correlate
    with SciPy, keep every stride-th output."""
    d, p, s = dilation, padding, stride
    np_mode = {"zeros": "constant", "circular": "wrap", "reflect": "reflect"}[mode]
    xp = np.pad(x, [(p, p), (p, p)], mode=np_mode)
    spread = np.zeros((d * (w.shape[0] - 1) + 1, d * (w.shape[1] - 1) + 1))
    spread[::d, ::d] = w
    return sig.correlate2d(xp, spread, mode="valid")[::s, ::s]


def test_conv_matrix_is_banded_toeplitz_in_1d():
    m = cl.conv_matrix((1, 6), np.array([[1.0, 2.0, 3.0]]))
    expected = np.array(
        [[1, 2, 3, 0, 0, 0], [0, 1, 2, 3, 0, 0], [0, 0, 1, 2, 3, 0], [0, 0, 0, 1, 2, 3]],
        dtype=float,
    )
    np.testing.assert_array_equal(m, expected)


def test_conv_matrix_is_doubly_block_toeplitz_in_2d():
    """Blocks (output row a, input row b) depend only on b - a, and each block is Toeplitz."""
    k = np.arange(1.0, 10.0).reshape(3, 3)
    m = cl.conv_matrix((5, 5), k)  # 3x3 output
    blocks = m.reshape(3, 3, 5, 5).transpose(0, 2, 1, 3)  # [out row, in row, out col, in col]
    for a in range(3):
        for b in range(5):
            block = blocks[a, b]
            if 0 <= b - a < 3:
                np.testing.assert_array_equal(block, cl.conv_matrix((1, 5), k[None, b - a]))
            else:
                assert not block.any()


def test_weight_indices_in_1d():
    conv = cl.weight_indices("conv", (5,), 3)
    np.testing.assert_array_equal(conv, [[0, 1, 2, -1, -1], [-1, 0, 1, 2, -1], [-1, -1, 0, 1, 2]])
    local = cl.weight_indices("locally_connected", (5,), 3)
    np.testing.assert_array_equal(local[1], [-1, 3, 4, 5, -1])
    tiled = cl.weight_indices("tiled", (6,), 3, tiles=2)
    np.testing.assert_array_equal(tiled[:3, :4], [[0, 1, 2, -1], [-1, 3, 4, 5], [-1, -1, 0, 1]])
    np.testing.assert_array_equal(tiled[3], [-1, -1, -1, 3, 4, 5])
    dense = cl.weight_indices("dense", (5,), 3)
    assert dense.shape == (3, 5) and cl.count_parameters(dense) == 15
    assert [cl.count_parameters(i) for i in (conv, local, tiled)] == [3, 9, 6]


def test_weight_indices_in_2d_count_and_match_the_conv_matrix():
    k = 3
    counts = {
        kind: cl.count_parameters(cl.weight_indices(kind, (6, 6), k))
        for kind in LAYER_KINDS
    }
    assert counts == {"dense": 16 * 36, "locally_connected": 16 * 9, "tiled": 4 * 9, "conv": 9}
    idx = cl.weight_indices("conv", (6, 6), k, stride=1, padding=1)
    w = np.random.default_rng(0).normal(size=(k, k))
    m = cl.conv_matrix((6, 6), w, padding=1)
    np.testing.assert_array_equal(np.where(idx >= 0, w.ravel()[idx], 0.0), m)


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: cl.conv_matrix((4, 4), np.ones((5, 5))), ValueError, "kernel height spans 5"),
        (lambda: cl.conv_matrix((2, 4, 4), np.ones((3, 3))), ValueError, r"\(H, W\) input_shape"),
        (lambda: cl.conv_matrix((2, 4, 4), np.ones((1, 3, 2, 2))), ValueError, "input channel"),
        (
            lambda: cl.conv_matrix((4, 4), np.ones((2, 2)), padding_mode="mirror"),
            ValueError,
            "padding_mode must be one of",
        ),
        (lambda: cl.conv_matrix((4, 4.5), np.ones((2, 2))), TypeError, r"input_shape\[1\]"),
        (lambda: cl.weight_indices("sparse", (4,), 3), ValueError, "kind must be one of"),
        (lambda: cl.weight_indices("conv", (4, 4, 4), 3), ValueError, "input_shape must have"),
        (lambda: cl.weight_indices("tiled", (8,), 3, tiles=0), ValueError, "tiles must be"),
        (lambda: cl.count_parameters(np.ones(3)), TypeError, "integer array"),
    ],
)
def test_matrices_reject_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
