"""Pooling on numpy arrays: max, average, global and blur pooling (no plotting).

Arrays are ``(H, W)`` or ``(C, H, W)``; each channel is pooled on its own, and every result
is float64. ``kernel_size``, ``stride`` and ``padding`` are an int or a pair ``(rows,
columns)``, as in PyTorch's ``torch.nn.functional``; ``stride`` defaults to ``kernel_size``.
``padding`` may also be a word: ``"valid"`` (none), ``"same"`` (keeps the size at stride 1)
or ``"full"``.

What the padding holds (``padding_mode``):

- ``"ignore"`` (max pooling's default, as in PyTorch): padding never wins (it is -inf), so
  each window's maximum is taken over its real pixels; at most half a window of padding;
- ``"zeros"`` (average pooling's default; PyTorch's ``count_include_pad=True``): zeros, which
  count in the mean;
- ``"circular"``: the picture wraps around, so pooling commutes exactly with circular shifts
  that are multiples of the stride (lesson 08);
- ``"reflect"``: mirrored about the edge pixel (blur pooling's default, as in Zhang's code).

NaN and inf propagate as in PyTorch: a window holding a NaN pools to NaN, one holding +inf
to +inf (a mean of +inf and -inf is NaN).

Every window is reduced along rows, then along columns (a maximum or a sum of a rectangle
is one of its rows' maxima or sums), so a k x k window costs 2k passes over the image.
"""

from __future__ import annotations

import math

import numpy as np

from cnnlessons import _checks
from cnnlessons.numerics.geometry import effective, output_hw, pad, padded_hw, resolve_padding

__all__ = [
    "max_pool2d",
    "avg_pool2d",
    "global_max_pool",
    "global_avg_pool",
    "binomial_filter",
    "blur_pool2d",
    "MAX_BINOMIAL_SIZE",
    "POOL_PADDING_MODES",
]

#: What pooling padding may hold; see the module docstring.
POOL_PADDING_MODES = ("ignore", "zeros", "circular", "reflect")

#: The largest ``filter_size`` of ``binomial_filter`` and ``blur_pool2d``: 57, the largest
#: size whose integer taps C(n - 1, i) are all below 2**53, so that each tap of the 1-D
#: filter, C(n - 1, i) / 2**(n - 1), is exact in float64 and a row sums to exactly 1. A
#: 57-tap binomial is already a Gaussian of standard deviation sqrt(56) / 2 = 3.7 pixels;
#: Zhang (2019) uses sizes 2 to 7.
MAX_BINOMIAL_SIZE = 57

_LARGE = "use a smaller input, less padding or a larger stride"


def _window_reduce(xp, kernel_hw, stride, out_hw, reduce):
    """Reduce every kernel_hw window of the padded ``xp`` (rows first, then columns)."""
    (kh, kw), (sh, sw), (oh, ow) = kernel_hw, stride, out_hw
    rows = None
    for i in range(kh):  # (..., oh, Wp): each output row's window, reduced along its height
        view = xp[..., i : i + sh * (oh - 1) + 1 : sh, :]
        rows = view.copy() if rows is None else reduce(rows, view, out=rows)
    out = None
    for j in range(kw):
        view = rows[..., j : j + sw * (ow - 1) + 1 : sw]
        out = view.copy() if out is None else reduce(out, view, out=out)
    return out


def _pool(x, kernel_size, stride, padding, padding_mode, allowed, name):
    """Validate a pooling call; return the padded input and the geometry."""
    x = _checks.array(x, "x", ndims=(2, 3))
    kernel_hw = _checks.pair(kernel_size, "kernel_size", minimum=1)
    stride = kernel_hw if stride is None else _checks.pair(stride, "stride", minimum=1)
    mode = _checks.choice(padding_mode, "padding_mode", allowed)
    pads = resolve_padding(padding, kernel_hw, stride, (1, 1))
    if mode == "ignore" and any(
        2 * p > k for side, k in zip(pads, kernel_hw, strict=True) for p in side
    ):
        raise ValueError(
            f"{name}: with padding_mode='ignore' padding must be at most half the kernel size "
            f"{kernel_hw}, got {pads} (so that every window holds a real pixel); "
            "use padding_mode='zeros' for more"
        )
    channels = x.shape[:-2]
    hp, wp = padded_hw(x.shape[-2:], pads)
    oh, ow = output_hw((hp, wp), kernel_hw, stride, (1, 1), name="kernel_size")
    c = _checks.product(channels)
    _checks.size_limit(c * hp * wp, f"padding {pads} of x {x.shape}", _LARGE)
    _checks.size_limit(c * oh * wp, f"pooling x {x.shape} with padding {pads}", _LARGE)
    if mode == "ignore":
        xp = pad(x, pads, "zeros", fill=-np.inf)
    else:
        xp = pad(x, pads, mode)
    stride, _ = effective(kernel_hw, stride, (1, 1), (oh, ow))
    return xp, kernel_hw, stride, (oh, ow)


def max_pool2d(x, kernel_size, stride=None, padding=0, padding_mode="ignore"):
    """Largest value in each ``kernel_size`` window; ``stride`` defaults to ``kernel_size``.

    ``x`` is ``(H, W)`` or ``(C, H, W)`` (each channel pooled on its own). With the default
    ``padding_mode="ignore"`` padding (at most half the kernel) never wins, as in PyTorch;
    ``"zeros"``, ``"circular"`` and ``"reflect"`` fill it as in ``conv2d``.

    >>> max_pool2d([[1, 2, 0, 0], [3, 4, 0, 1], [0, 0, 5, 0], [0, 2, 0, 0]], 2)
    array([[4., 1.],
           [2., 5.]])
    """
    xp, k, s, out_hw = _pool(
        x, kernel_size, stride, padding, padding_mode, POOL_PADDING_MODES, "max_pool2d"
    )
    return _window_reduce(xp, k, s, out_hw, np.maximum)


def avg_pool2d(x, kernel_size, stride=None, padding=0, padding_mode="zeros"):
    """Mean of each ``kernel_size`` window; ``stride`` defaults to ``kernel_size``.

    Zero padding counts in the mean (PyTorch's default ``count_include_pad=True``);
    ``"circular"`` and ``"reflect"`` padding are allowed as well.

    >>> avg_pool2d([[1, 3, 0, 0], [5, 7, 0, 4]], 2)
    array([[4., 1.]])
    """
    xp, k, s, out_hw = _pool(
        x, kernel_size, stride, padding, padding_mode, POOL_PADDING_MODES[1:], "avg_pool2d"
    )
    out = _window_reduce(xp, k, s, out_hw, np.add)
    out /= k[0] * k[1]
    return out


def global_max_pool(x):
    """The largest value of each channel: a float for ``(H, W)``, shape ``(C,)`` for
    ``(C, H, W)``. The position of the maximum is forgotten, so the result does not change
    under any shift of the picture (circular or not, as long as nothing leaves it).

    >>> global_max_pool([[1, 5], [2, 3]])
    5.0
    """
    x = _checks.array(x, "x", ndims=(2, 3))
    return x.max(axis=(-2, -1)) if x.ndim == 3 else float(x.max())


def global_avg_pool(x):
    """The mean of each channel (Network in Network, Lin et al. 2013): a float for
    ``(H, W)``, shape ``(C,)`` for ``(C, H, W)``; unchanged by any circular shift.

    >>> global_avg_pool([[1, 5], [2, 4]])
    3.0
    """
    x = _checks.array(x, "x", ndims=(2, 3))
    return x.mean(axis=(-2, -1)) if x.ndim == 3 else float(x.mean())


def _binomial_row(n: int) -> np.ndarray:
    """Row n - 1 of Pascal's triangle divided by its sum 2**(n - 1), exactly (n <= 57)."""
    return np.array([math.comb(n - 1, i) for i in range(n)], dtype=np.float64) / 2.0 ** (n - 1)


def _filter_size(filter_size) -> int:
    n = _checks.integer(filter_size, "filter_size", minimum=1)
    if n > MAX_BINOMIAL_SIZE:
        raise ValueError(
            f"filter_size must be at most {MAX_BINOMIAL_SIZE} (MAX_BINOMIAL_SIZE: larger "
            f"binomial taps are not exact in float64), got {n}; for a wider blur, use conv2d "
            "with a kernel of your own"
        )
    return n


def binomial_filter(filter_size=4) -> np.ndarray:
    """The normalised 2-D binomial low-pass filter of Zhang (2019): row ``filter_size - 1``
    of Pascal's triangle (1 1; 1 2 1; 1 3 3 1; ...), outer product with itself, divided by
    its sum. The binomial coefficients are exact integers, ``filter_size`` at most
    ``MAX_BINOMIAL_SIZE``.

    >>> binomial_filter(4) * 64
    array([[1., 3., 3., 1.],
           [3., 9., 9., 3.],
           [3., 9., 9., 3.],
           [1., 3., 3., 1.]])
    """
    row = _binomial_row(_filter_size(filter_size))
    return np.outer(row, row)


def blur_pool2d(x, stride=2, filter_size=4, *, padding="same", padding_mode="reflect"):
    """Anti-aliased downsampling (Zhang, *Making Convolutional Networks Shift-Invariant
    Again*, 2019): blur each channel with ``binomial_filter(filter_size)``, then keep every
    ``stride``-th pixel.

    ``padding="same"`` (the default) pads ((f-1)//2, f//2) as in the paper's code, so the
    output is ``ceil(H / stride)`` by ``ceil(W / stride)``; an int, a pair, ``"valid"`` or
    ``"full"`` are allowed too. ``padding_mode`` is ``"reflect"`` (the paper's default),
    ``"circular"`` (exactly equivariant to circular shifts by multiples of the stride) or
    ``"zeros"``.

    Max-blur-pool, the paper's replacement for max pooling, is
    ``blur_pool2d(max_pool2d(x, 2, stride=1))``.

    >>> blur_pool2d([[0, 0, 4, 4]] * 4, stride=2, filter_size=3)
    array([[0., 3.],
           [0., 3.]])
    """
    x = _checks.array(x, "x", ndims=(2, 3))
    s = _checks.integer(stride, "stride", minimum=1)
    n = _filter_size(filter_size)
    mode = _checks.choice(padding_mode, "padding_mode", POOL_PADDING_MODES[1:])
    pads = resolve_padding(padding, (n, n), (1, 1), (1, 1))  # "same" before subsampling
    hp, wp = padded_hw(x.shape[-2:], pads)
    oh, ow = output_hw((hp, wp), (n, n), (s, s), (1, 1), name="filter")
    c = _checks.product(x.shape[:-2])
    _checks.size_limit(c * hp * wp, f"padding {pads} of x {x.shape}", _LARGE)
    (top, bottom), (left, right) = pads
    h, w = x.shape[-2:]
    if mode == "reflect" and max(top, bottom, left, right) >= min(h, w):
        raise ValueError(
            f"blur_pool2d with filter_size={n} and padding_mode='reflect' needs an input of "
            f"at least {max(top, bottom, left, right) + 1} x {max(top, bottom, left, right) + 1}"
            f" (reflect padding of {max(top, bottom, left, right)}), got {h} x {w}; "
            "use padding_mode='zeros' or a smaller filter_size"
        )
    xp = pad(x, pads, mode)
    s = s if max(oh, ow) > 1 else 1  # one output: the stride changes nothing
    row = _binomial_row(n)
    rows = np.zeros(x.shape[:-2] + (oh, wp))
    for i in range(n):  # blur along the height, keeping every s-th row
        rows += row[i] * xp[..., i : i + s * (oh - 1) + 1 : s, :]
    out = np.zeros(x.shape[:-2] + (oh, ow))
    for j in range(n):  # then along the width
        out += row[j] * rows[..., j : j + s * (ow - 1) + 1 : s]
    return out
