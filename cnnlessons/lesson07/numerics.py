"""Translation equivariance, measured (no plotting). Introduced in lesson 07.

A map ``f`` is *equivariant* to a shift ``g`` when shifting first and mapping second gives the
same as mapping first and shifting second: ``f(g(x)) = g(f(x))``. This module measures the
difference ``f(g(x)) - g(f(x))`` for convolutions, stacks of them, strided ones and any other
map, predicts where zero padding makes it non-zero (the border band), says which shifts a
stride keeps exact, and shows that rotation and scaling do *not* commute with a convolution.

Shifts are ``cnnlessons.shift``: ``dy`` pixels down, ``dx`` right; circular (what leaves one
side comes back in at the other) unless said otherwise.
"""

from __future__ import annotations

import numpy as np

from cnnlessons import _checks
from cnnlessons.numerics.conv import conv2d, shift

__all__ = [
    "conv_map",
    "stack_map",
    "commutator",
    "equivariance_error",
    "max_abs",
    "exact_shifts",
    "is_exact_shift",
    "nearest_output_shift",
    "border_band_width",
    "border_band",
    "error_band",
    "rotate90",
    "upscale",
    "rotation_error",
    "scale_error",
]


# ----------------------------------------------------------------------------- maps
def _kernel(w):
    w = _checks.array(w, "w", ndims=(2,))
    if w.shape[0] % 2 == 0 or w.shape[1] % 2 == 0:
        raise ValueError(
            f"w must have odd sides (3x3, 5x5, ...) so that the padding is the same on both "
            f"sides, got shape {w.shape}"
        )
    return w


def conv_map(w, *, padding_mode: str = "circular", stride: int = 1, relu: bool = False):
    """The map ``x -> conv2d(x, w)`` with "same"-style padding ((k - 1) // 2 on each side, so
    an odd kernel at stride 1 keeps the size), as a function of one argument.

    ``padding_mode`` is "circular" (the image wraps around: exactly equivariant) or "zeros";
    ``relu=True`` applies max(0, .) after the convolution.

    >>> f = conv_map(np.ones((3, 3)))
    >>> f(np.ones((4, 4))).tolist()[0]
    [9.0, 9.0, 9.0, 9.0]
    """
    w = _kernel(w)
    _checks.choice(padding_mode, "padding_mode", ("circular", "zeros"))
    s = _checks.integer(stride, "stride", minimum=1)
    _checks.boolean(relu, "relu")
    pad = ((w.shape[0] - 1) // 2, (w.shape[1] - 1) // 2)

    def f(x):
        out = conv2d(x, w, padding=pad, stride=s, padding_mode=padding_mode)
        return np.maximum(out, 0.0) if relu else out

    f.__name__ = f"conv_map({w.shape[0]}x{w.shape[1]}, {padding_mode}, stride={s})"
    return f


def stack_map(kernels, *, padding_mode: str = "circular"):
    """A stack of conv + ReLU layers (one per kernel, stride 1, "same" size), as one map."""
    if not isinstance(kernels, (list, tuple)) or not kernels:
        raise TypeError(
            f"kernels must be a non-empty list of 2-D kernels, got {_checks._shown(kernels)}"
        )
    _checks.size_limit(len(kernels), "kernels", "use fewer layers", limit=256, limit_name="256")
    kernels = [_checks.array(w, f"kernels[{i}]", ndims=(2,)) for i, w in enumerate(kernels)]
    layers = [conv_map(w, padding_mode=padding_mode, relu=True) for w in kernels]

    def f(x):
        for layer in layers:
            x = layer(x)
        return x

    return f


def _callable(f, name):
    if not callable(f):
        raise TypeError(f"{name} must be a function of one array, got {_checks._shown(f)}")
    return f


def _output(value, what: str) -> np.ndarray:
    """What a map returned, as a real array: ``None``, text or a complex array is an error
    that names the map, never a NaN."""
    if value is None:
        raise TypeError(f"{what} returned None: the map must return an array (missing return?)")
    return _checks.array(value, what, ndims=(0, 1, 2, 3, 4))


def commutator(f, g, x, *, g_out=None):
    """``f(g(x)) - g_out(f(x))``: zero everywhere when ``f`` commutes with ``g``.

    ``g_out`` is the transformation applied to the output (default ``g`` itself); a stride-2
    map needs the output shifted by half as much as the input, for example.
    """
    _callable(f, "f")
    _callable(g, "g")
    g_out = g if g_out is None else _callable(g_out, "g_out")
    x = _checks.array(x, "x", ndims=(2, 3))
    gx = _output(g(x), "g(x) (the map g)")
    a = _output(f(gx), "f(g(x)) (the map f)")
    fx = _output(f(x), "f(x) (the map f)")
    b = _output(g_out(fx), "g_out(f(x)) (the map g_out)")
    if a.shape != b.shape:
        raise ValueError(
            f"f(g(x)) has shape {a.shape} but g(f(x)) has {b.shape}: the map must give "
            "outputs that the output transformation can compare"
        )
    return a - b


def equivariance_error(f, x, dy: int, dx: int, *, mode: str = "circular", stride: int = 1):
    """``f(g(x)) - g'(f(x))`` for the shift ``g`` by (dy, dx), with ``g'`` the shift of the
    output by (dy / stride, dx / stride).

    Zero everywhere when ``f`` is equivariant to that shift. ``mode`` is how ``g`` shifts
    ("circular" or "zeros", see ``cnnlessons.shift``). For ``stride`` > 1 the shift must be a
    multiple of the stride (otherwise no output shift corresponds to it: see
    ``nearest_output_shift``).

    >>> f = conv_map(np.arange(9.0).reshape(3, 3))
    >>> float(np.abs(equivariance_error(f, np.eye(6), 2, -1)).max())
    0.0
    """
    _callable(f, "f")
    dy, dx = _checks.integer(dy, "dy"), _checks.integer(dx, "dx")
    s = _checks.integer(stride, "stride", minimum=1)
    _checks.choice(mode, "mode", ("circular", "zeros"))
    if not is_exact_shift(dy, dx, s):
        raise ValueError(
            f"with stride={s} the output moves by (dy/{s}, dx/{s}) = ({dy}/{s}, {dx}/{s}), not "
            "a whole number of pixels: use nearest_output_shift for such shifts"
        )
    return commutator(
        f,
        lambda v: shift(v, dy, dx, mode),
        x,
        g_out=lambda v: shift(v, dy // s, dx // s, mode),
    )


def max_abs(values) -> float:
    """The largest absolute value of an array (0.0 means: exactly equal)."""
    return float(np.max(np.abs(_checks.array(values, "values", ndims=(1, 2, 3)))))


def is_exact_shift(dy: int, dx: int, stride: int) -> bool:
    """True when a map of stride ``stride`` can be exactly equivariant to the shift (dy, dx):
    both are multiples of the stride (the output then moves by dy/stride, dx/stride)."""
    dy, dx = _checks.integer(dy, "dy"), _checks.integer(dx, "dx")
    s = _checks.integer(stride, "stride", minimum=1)
    return dy % s == 0 and dx % s == 0


def exact_shifts(stride: int, n: int) -> list[int]:
    """The shifts 0, 1, ..., n - 1 (along one axis) that a map of stride ``stride`` keeps
    exactly: the multiples of the stride."""
    s = _checks.integer(stride, "stride", minimum=1)
    n = _checks.integer(n, "n", minimum=1, maximum=_checks.MAX_ELEMENTS)
    return list(range(0, n, s))


def nearest_output_shift(f, x, dy: int, dx: int, *, mode: str = "circular"):
    """Shift the input by (dy, dx) and look for the circular shift of the output that best
    matches ``f(g(x))``: returns ``((ay, ax), error)`` with ``error`` the largest absolute
    difference for the best output shift (ties: the smallest shift).

    For an equivariant map the error is 0; for a stride-2 map and an odd shift no output
    shift matches and the error stays well above 0.
    """
    _callable(f, "f")
    dy, dx = _checks.integer(dy, "dy"), _checks.integer(dx, "dx")
    _checks.choice(mode, "mode", ("circular", "zeros"))
    x = _checks.array(x, "x", ndims=(2, 3))
    moved = _output(f(shift(x, dy, dx, mode)), "f(shifted x) (the map f)")
    base = _output(f(x), "f(x) (the map f)")
    if moved.shape != base.shape or base.ndim < 2:
        raise ValueError(f"f gave shapes {base.shape} and {moved.shape} for shifted inputs")
    h, w = base.shape[-2:]
    _checks.work(h * w * base.size, "x (every output shift of f(x))", "use a smaller x")
    best = None
    for ay in range(h):
        for ax in range(w):
            err = float(np.max(np.abs(moved - np.roll(base, (ay, ax), axis=(-2, -1)))))
            signed = (ay - h if ay > h // 2 else ay, ax - w if ax > w // 2 else ax)
            key = (err, abs(signed[0]) + abs(signed[1]))
            if best is None or key < best[0]:
                best = (key, signed)
    return best[1], best[0][0]


# ----------------------------------------------------------------------------- borders
def _padding_pair(k: int, padding) -> tuple[int, int]:
    if isinstance(padding, str):
        _checks.choice(padding, "padding", ("same", "valid", "full"))
        if padding == "valid":
            return (0, 0)
        if padding == "full":
            return (k - 1, k - 1)
        return ((k - 1) // 2, (k - 1) - (k - 1) // 2)
    p = _checks.integer(padding, "padding", minimum=0)
    return (p, p)


def border_band_width(k: int, padding="same") -> tuple[int, int]:
    """How many output rows at the top and at the bottom (or columns at the left and right)
    have a window that reaches into the padding, for a ``k``-wide kernel at stride 1.

    It is the padding on that side: for "same" padding of an odd kernel, (k - 1) / 2, as far
    as the kernel reaches from its centre. Those outputs depend on what the padding holds,
    so zero padding and circular padding differ there, and only there.

    >>> border_band_width(3), border_band_width(5), border_band_width(4)
    ((1, 1), (2, 2), (1, 2))
    """
    k = _checks.integer(k, "k", minimum=1)
    return _padding_pair(k, padding)


def border_band(shape, k: int, padding="same"):
    """Boolean ``(H', W')`` mask of the outputs of a stride-1 ``k`` x ``k`` convolution of an
    ``(H, W)`` input whose window reaches into the padding (True in the band)."""
    h, w = _checks.shape(shape, "shape", lengths=(2,))
    k = _checks.integer(k, "k", minimum=1)
    top, bottom = _padding_pair(k, padding)
    oh, ow = h + top + bottom - k + 1, w + top + bottom - k + 1
    _checks.size_limit(max(oh, 1) * max(ow, 1), "shape (the output mask)", "use a smaller shape")
    if oh < 1 or ow < 1:
        raise ValueError(f"a {k}x{k} kernel does not fit a {shape} input with padding {padding}")
    rows = np.zeros(oh, bool)
    cols = np.zeros(ow, bool)
    rows[:top], cols[:top] = True, True
    if bottom:
        rows[oh - bottom :], cols[ow - bottom :] = True, True
    return rows[:, None] | cols[None, :]


def error_band(shape, k: int, dy: int, dx: int):
    """Where ``f(g(x)) - g(f(x))`` can be non-zero for a "same" zero-padded ``k`` x ``k``
    convolution ``f`` and the circular shift ``g`` by (dy, dx): boolean ``(H, W)`` mask.

    The rows where the window of ``f(g(x))`` reaches the padding (the border band) and the
    rows of ``f(x)``'s border band, moved by the shift (where the image's two edges now meet),
    and the same for columns; nothing along an axis that is not shifted. For inputs and
    kernels in general position (random numbers) the difference is non-zero exactly there.
    """
    h, w = _checks.shape(shape, "shape", lengths=(2,))
    k = _checks.integer(k, "k", minimum=1)
    dy, dx = _checks.integer(dy, "dy"), _checks.integer(dx, "dx")
    _checks.size_limit(h * w, "shape (the output mask)", "use a smaller shape")
    if k % 2 == 0 or k > min(h, w):
        raise ValueError(f"k must be odd and at most the image size {min(h, w)}, got {k}")
    band = border_band((h, w), k, "same")
    rows, cols = band[:, w // 2].copy(), band[h // 2, :].copy()
    rows = rows | np.roll(rows, dy) if dy % h else np.zeros(h, bool)
    cols = cols | np.roll(cols, dx) if dx % w else np.zeros(w, bool)
    return rows[:, None] | cols[None, :]


# ----------------------------------------------------------------------------- other moves
def rotate90(x, turns: int = 1):
    """Rotate the picture by ``turns`` quarter turns anticlockwise (last two axes)."""
    x = _checks.array(x, "x", ndims=(2, 3))
    t = _checks.integer(turns, "turns")
    return np.rot90(x, t, axes=(-2, -1)).copy()


def upscale(x, factor: int = 2):
    """Make the picture ``factor`` times bigger: each pixel becomes a factor x factor block."""
    x = _checks.array(x, "x", ndims=(2, 3))
    f = _checks.integer(factor, "factor", minimum=1)
    _checks.size_limit(x.size * f * f, "x upscaled by factor", "use a smaller factor or x")
    return np.repeat(np.repeat(x, f, axis=-2), f, axis=-1)


def rotation_error(x, w, turns: int = 1):
    """``f(rot(x)) - rot(f(x))`` for ``f`` = circular "same" convolution with ``w``: zero only
    when the kernel looks the same after the rotation (rotating the image is the same as
    rotating the kernel the other way, not as leaving it alone)."""
    w = _kernel(w)
    t = _checks.integer(turns, "turns")
    x = _checks.array(x, "x", ndims=(2,))
    if x.shape[0] != x.shape[1] and t % 2:
        raise ValueError(f"x must be square to rotate by a quarter turn, got shape {x.shape}")
    return commutator(conv_map(w), lambda v: rotate90(v, t), x)


def scale_error(x, w, factor: int = 2):
    """``f(up(x)) - up(f(x))`` for ``f`` = circular "same" convolution with ``w`` and ``up`` =
    ``upscale`` by ``factor``: a kernel tuned to details of one size does not follow them when
    they grow."""
    w = _kernel(w)
    f = _checks.integer(factor, "factor", minimum=1)
    x = _checks.array(x, "x", ndims=(2, 3))
    _checks.size_limit(x.size * f * f, "x upscaled by factor", "use a smaller factor or x")
    return commutator(conv_map(w), lambda v: upscale(v, f), x)
