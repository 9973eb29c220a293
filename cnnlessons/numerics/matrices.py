"""A layer as a matrix (no plotting).

Any linear layer is a matrix ``M`` acting on the flattened input. For a convolution, ``M`` is
built here from index arithmetic alone (which input pixel each kernel tap meets at each output
position), independently of ``conv2d``; the tests check that the two agree.

``weight_indices`` gives the *shape* of the same matrix for four kinds of layer with the same
connections: which parameter sits in each entry (-1 where there is no connection). Drawing it
with one colour per parameter shows dense (every entry its own parameter), locally connected
(sparse, nothing shared), tiled (t sets of kernels, cycled) and convolution (sparse and shared:
a banded, doubly block Toeplitz matrix).
"""

from __future__ import annotations

import numpy as np

from cnnlessons import _checks
from cnnlessons.numerics.conv import PADDING_MODES
from cnnlessons.numerics.geometry import (
    check_padding_fits,
    effective,
    output_hw,
    padded_hw,
    validate,
)

__all__ = [
    "conv_matrix",
    "weight_indices",
    "count_parameters",
    "LAYER_KINDS",
    "MAX_MATRIX_ENTRIES",
]

LAYER_KINDS = ("dense", "locally_connected", "tiled", "conv")

#: The most entries a matrix from ``conv_matrix`` or ``weight_indices`` may have: 2**22
#: (32 MiB of float64), e.g. a 45 x 45 input with a 3 x 3 kernel (1,849 x 2,025). Matrices
#: are for looking at: the lessons' largest is 676 x 784 (28 x 28 input, 3 x 3 kernel). The
#: index arithmetic behind them (one row per connection) is limited to the same number.
MAX_MATRIX_ENTRIES = 2**22

_LIMIT = (MAX_MATRIX_ENTRIES, "MAX_MATRIX_ENTRIES")
_LARGE = (
    "these matrices are for small inputs; use conv2d (the same numbers without the "
    "matrix) or the counting functions (conv_params, dense_params) for inputs this large"
)


def _connections(input_hw, kernel_hw, stride, dilation, pads, mode):
    """Every (output position, kernel tap) pair and the input pixel it reads.

    Returns flat ``out``, ``inp`` and ``tap`` index arrays (equal lengths) and the output
    (height, width). With zero padding, taps that land in the padding are left out.
    """
    h, w = input_hw
    (top, bottom), (left, right) = pads
    oh, ow = output_hw(padded_hw(input_hw, pads), kernel_hw, stride, dilation)
    kh, kw = kernel_hw
    _checks.size_limit(
        oh * ow * h * w, f"the matrix for input_shape {tuple(input_hw)}", _LARGE, *_LIMIT
    )
    what = f"the connections of input_shape {tuple(input_hw)} with a {kernel_hw} kernel"
    _checks.size_limit(oh * ow * kh * kw, what, _LARGE, *_LIMIT)
    check_padding_fits(pads, input_hw, mode)
    stride, dilation = effective(kernel_hw, stride, dilation, (oh, ow))
    reach = max(
        (o - 1) * st + (k - 1) * d + before + after
        for o, st, k, d, (before, after) in zip(
            (oh, ow), stride, kernel_hw, dilation, pads, strict=True
        )
    )
    if reach >= 2**62:  # numpy indexes with int64: refuse before it overflows
        raise ValueError(
            f"padding {pads} with stride {stride} places windows {reach:,} pixels apart, too "
            "far to index: use a smaller padding or stride"
        )
    oy, ox, i, j = np.ix_(np.arange(oh), np.arange(ow), np.arange(kh), np.arange(kw))
    py = oy * stride[0] + i * dilation[0] - top
    px = ox * stride[1] + j * dilation[1] - left
    shape = (oh, ow, kh, kw)
    if mode == "zeros":
        keep = ((py >= 0) & (py < h)) & ((px >= 0) & (px < w))
    else:
        if mode == "circular":
            py, px = py % h, px % w
        else:  # reflect about the edge pixel
            py = np.where(py < 0, -py, np.where(py >= h, 2 * (h - 1) - py, py))
            px = np.where(px < 0, -px, np.where(px >= w, 2 * (w - 1) - px, px))
        keep = np.ones(shape, dtype=bool)
    keep = np.broadcast_to(keep, shape)
    out = np.broadcast_to(oy * ow + ox, shape)[keep]
    inp = np.broadcast_to(py * w + px, shape)[keep]
    tap = np.broadcast_to(i * kw + j, shape)[keep]
    return out, inp, tap, (oh, ow)


def conv_matrix(input_shape, w, *, stride=1, padding=0, dilation=1, padding_mode="zeros"):
    """The matrix ``M`` of ``conv2d`` for inputs of ``input_shape``:
    ``M @ x.ravel() == conv2d(x, w, ...).ravel()`` for every ``x`` of that shape.

    ``input_shape`` is ``(H, W)`` with a ``(kh, kw)`` kernel, or ``(C, H, W)`` with an
    ``(F, C, kh, kw)`` kernel. ``M`` has one row per output value and one column per input
    value. With circular or reflect padding a tap can meet the same pixel as another tap,
    so an entry can be a sum of weights. At most ``MAX_MATRIX_ENTRIES`` entries.

    A 1-D input of 5 pixels and the kernel [1, 2, 3]: each row is the kernel, one step
    further right (a banded Toeplitz matrix); 3 outputs, 5 inputs.

    >>> conv_matrix((1, 5), [[1, 2, 3]])
    array([[1., 2., 3., 0., 0.],
           [0., 1., 2., 3., 0.],
           [0., 0., 1., 2., 3.]])
    >>> conv_matrix((6, 6), [[1, 0, -1]] * 3).shape  # the 6 x 6 example: 16 outputs, 36 inputs
    (16, 36)
    """
    w = _checks.array(w, "w", ndims=(2, 4))
    shp = _checks.shape(input_shape, "input_shape", lengths=(2, 3))
    padding_mode = _checks.choice(padding_mode, "padding_mode", PADDING_MODES)
    if w.ndim == 2:
        if len(shp) != 2:
            raise ValueError(
                f"a (kh, kw) kernel needs an (H, W) input_shape, got {shp}; "
                "use an (F, C, kh, kw) kernel for (C, H, W)"
            )
        w4, shp3 = w[None, None], (1,) + shp
    else:
        shp3 = shp if len(shp) == 3 else (1,) + shp
        w4 = w
        if w4.shape[1] != shp3[0]:
            raise ValueError(
                f"w expects {w4.shape[1]} input channel(s) (w.shape[1]) but input_shape "
                f"{shp} has {shp3[0]}"
            )
    n_f, n_c, kh, kw = w4.shape
    stride, dilation, pads = validate((kh, kw), stride, padding, dilation)
    c, h, wd = shp3
    oh, ow = output_hw(padded_hw((h, wd), pads), (kh, kw), stride, dilation)
    _checks.size_limit(
        n_f * oh * ow * c * h * wd, f"the matrix for input_shape {shp} and w {w.shape}", _LARGE,
        *_LIMIT,
    )
    out, inp, tap, (oh, ow) = _connections((h, wd), (kh, kw), stride, dilation, pads, padding_mode)
    n_out, n_in = oh * ow, h * wd
    m = np.zeros((n_f * n_out, c * n_in))
    flat_w = w4.reshape(n_f, n_c, kh * kw)
    for f in range(n_f):
        for ch in range(c):
            np.add.at(m, (f * n_out + out, ch * n_in + inp), flat_w[f, ch, tap])
    return m


def _layout_1d_or_2d(input_shape, kernel_size, stride, padding, dilation, tiles):
    shp = _checks.shape(input_shape, "input_shape", lengths=(1, 2))
    if len(shp) == 1:
        return (
            (1, shp[0]),
            (1, _checks.integer(kernel_size, "kernel_size", minimum=1)),
            (1, _checks.integer(stride, "stride", minimum=1)),
            ((0, 0), (_checks.integer(padding, "padding", minimum=0),) * 2),
            (1, _checks.integer(dilation, "dilation", minimum=1)),
            (1, _checks.integer(tiles, "tiles", minimum=1)),
        )
    kernel_hw = _checks.pair(kernel_size, "kernel_size", minimum=1)
    s, d, pads = validate(kernel_hw, stride, padding, dilation)
    return shp, kernel_hw, s, pads, d, _checks.pair(tiles, "tiles", minimum=1)


def weight_indices(kind, input_shape, kernel_size, *, stride=1, padding=0, dilation=1, tiles=2):
    """Which parameter each entry of a layer's matrix is: an int matrix of shape
    (outputs, inputs), -1 where output and input are not connected.

    ``kind`` is one of ``"dense"``, ``"locally_connected"``, ``"tiled"``, ``"conv"``. All four
    have the outputs a convolution of ``kernel_size`` (stride, zero padding, dilation) would
    have on a one-channel input of ``input_shape`` — ``(W,)`` for 1-D, ``(H, W)`` for 2-D — so
    they can be compared side by side. ``tiles`` (tiled only): t kernels cycled along each axis
    (more tiles than outputs along an axis is one kernel per output, numbered as such).
    At most ``MAX_MATRIX_ENTRIES`` entries.

    The lessons' 1-D picture: 5 inputs, a 3-tap kernel, 3 outputs. A convolution reuses its
    3 weights (0, 1, 2) in every row; a locally connected layer gives each row its own.

    >>> weight_indices("conv", (5,), 3)
    array([[ 0,  1,  2, -1, -1],
           [-1,  0,  1,  2, -1],
           [-1, -1,  0,  1,  2]])
    >>> weight_indices("locally_connected", (5,), 3)
    array([[ 0,  1,  2, -1, -1],
           [-1,  3,  4,  5, -1],
           [-1, -1,  6,  7,  8]])
    """
    kind = _checks.choice(kind, "kind", LAYER_KINDS)
    hw, kernel_hw, stride, pads, dilation, tiles = _layout_1d_or_2d(
        input_shape, kernel_size, stride, padding, dilation, tiles
    )
    out, inp, tap, (oh, ow) = _connections(hw, kernel_hw, stride, dilation, pads, "zeros")
    n_out, n_in, k = oh * ow, hw[0] * hw[1], kernel_hw[0] * kernel_hw[1]
    if kind == "dense":
        return np.arange(n_out * n_in).reshape(n_out, n_in)
    idx = np.full((n_out, n_in), -1, dtype=np.int64)
    if kind == "conv":
        idx[out, inp] = tap
    elif kind == "locally_connected":
        idx[out, inp] = out * k + tap
    else:
        th, tw = min(tiles[0], oh), min(tiles[1], ow)  # more tiles than outputs: one each
        tile = (out // ow % th) * tw + (out % ow % tw)
        idx[out, inp] = tile * k + tap
    return idx


def count_parameters(indices) -> int:
    """Number of distinct parameters in a weight-index matrix (entries >= 0).

    >>> count_parameters(weight_indices("conv", (5,), 3))
    3
    """
    if isinstance(indices, (str, bytes)):
        raise TypeError(f"indices must be an integer array, got a string {indices!r}")
    try:
        idx = np.asarray(indices)
    except (ValueError, TypeError, OverflowError) as exc:
        raise ValueError(f"indices must be a rectangular array of integers: {exc}") from None
    if not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(f"indices must be an integer array, got dtype {idx.dtype}")
    return int(np.unique(idx[idx >= 0]).size)
