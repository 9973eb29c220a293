"""The geometry every sliding-window layer shares, written once (no plotting).

A kernel of ``k`` taps with dilation ``d`` *spans* ``d(k - 1) + 1`` input pixels. Along one
axis an input of ``i`` pixels, padded with ``p`` on each side and read with stride ``s``,
gives (Dumoulin & Visin, *A guide to convolution arithmetic*, 2016)

    o = floor((i + 2p - d(k - 1) - 1) / s) + 1

outputs. ``conv2d``, the pooling functions, ``conv_matrix`` and the receptive-field
measurement all use the helpers below, so they agree on every size.
"""

from __future__ import annotations

import numpy as np

from cnnlessons import _checks

__all__ = [
    "span",
    "output_size",
    "fits_evenly",
    "resolve_padding",
    "PADDING_WORDS",
]

#: Padding given as a word: no padding, size-keeping padding, every partial overlap.
PADDING_WORDS = ("valid", "same", "full")


def _span(k: int, d: int) -> int:
    return d * (k - 1) + 1


def span(k, dilation=1) -> int:
    """Input pixels covered by a kernel of ``k`` taps with ``dilation``: d(k - 1) + 1.

    >>> span(3), span(3, dilation=2)
    (3, 5)
    """
    k = _checks.integer(k, "k", minimum=1)
    d = _checks.integer(dilation, "dilation", minimum=1)
    return _span(k, d)


def _output_length(i: int, k: int, s: int, p: int, d: int) -> int:
    """Output length for validated ints (``p`` on each side)."""
    room = i + 2 * p - _span(k, d)
    if room < 0:
        raise ValueError(
            f"the kernel spans {_span(k, d)} pixels (k={k}, dilation={d}) but the padded "
            f"input has only {i + 2 * p} (i={i}, padding={p})"
        )
    return room // s + 1


def output_size(i, k, stride=1, padding=0, dilation=1) -> int:
    """Output length along one axis: ``o = floor((i + 2p - d(k - 1) - 1) / s) + 1``.

    Raises ``ValueError`` when the (dilated) kernel does not fit in the padded input.
    The lessons' numbers: the 6 x 6 example with a 3 x 3 kernel, the book's 320-pixel-wide
    photo with a 1 x 2 kernel, seed 000's 32 x 32 input with 5 x 5 filters, and Dumoulin &
    Visin's figure 2.7 (5 x 5 input, 3 x 3 kernel, stride 2, padding 1):

    >>> output_size(6, 3), output_size(320, 2), output_size(32, 5)
    (4, 319, 28)
    >>> output_size(5, 3, stride=2, padding=1)
    3
    """
    i = _checks.integer(i, "i", minimum=1)
    k = _checks.integer(k, "k", minimum=1)
    s = _checks.integer(stride, "stride", minimum=1)
    p = _checks.integer(padding, "padding", minimum=0)
    d = _checks.integer(dilation, "dilation", minimum=1)
    return _output_length(i, k, s, p, d)


def fits_evenly(i, k, stride=1, padding=0, dilation=1) -> bool:
    """True when the last window ends exactly at the padded input's last pixel.

    When False, ``(i + 2p - d(k - 1) - 1) mod s`` pixels at the bottom/right are never
    covered by any window: the floor in ``output_size`` drops them.

    >>> fits_evenly(5, 3, stride=2), fits_evenly(6, 3, stride=2)
    (True, False)
    """
    i = _checks.integer(i, "i", minimum=1)
    k = _checks.integer(k, "k", minimum=1)
    s = _checks.integer(stride, "stride", minimum=1)
    p = _checks.integer(padding, "padding", minimum=0)
    d = _checks.integer(dilation, "dilation", minimum=1)
    o = _output_length(i, k, s, p, d)
    return bool((o - 1) * s + _span(k, d) == i + 2 * p)


def resolve_padding(padding, kernel_hw, stride, dilation) -> tuple[tuple[int, int], ...]:
    """Padding as ``((top, bottom), (left, right))`` from an int, a pair or a word.

    ``"valid"`` is no padding; ``"same"`` keeps the size (stride 1 only; the odd extra pixel
    goes to the bottom/right, as in PyTorch); ``"full"`` pads d(k - 1) on every side so that
    every partial overlap of kernel and input produces an output. ``kernel_hw``, ``stride``
    and ``dilation`` are validated pairs.
    """
    if isinstance(padding, str):
        _checks.choice(padding, "padding", PADDING_WORDS)
        spans = [_span(k, d) for k, d in zip(kernel_hw, dilation, strict=True)]
        if padding == "valid":
            return ((0, 0), (0, 0))
        if padding == "full":
            return tuple((s - 1, s - 1) for s in spans)
        if tuple(stride) != (1, 1):
            raise ValueError(f"padding='same' needs stride 1, got stride={tuple(stride)}")
        return tuple(((s - 1) // 2, (s - 1) - (s - 1) // 2) for s in spans)
    ph, pw = _checks.pair(padding, "padding", minimum=0)
    return ((ph, ph), (pw, pw))


def validate(kernel_hw, stride, padding, dilation):
    """Validated ``(stride, dilation, pads)`` pairs for a kernel of validated ``kernel_hw``."""
    stride = _checks.pair(stride, "stride", minimum=1)
    dilation = _checks.pair(dilation, "dilation", minimum=1)
    pads = resolve_padding(padding, kernel_hw, stride, dilation)
    return stride, dilation, pads


def check_padding_fits(pads, input_hw, mode: str) -> None:
    """For ``conv2d`` (not public: its arguments are already checked). Circular padding may
    wrap at most once (padding <= size); reflect padding must be
    smaller than the size (it mirrors about the edge pixel). As in PyTorch."""
    (top, bottom), (left, right) = pads
    h, w = input_hw
    if mode == "circular" and (max(top, bottom) > h or max(left, right) > w):
        raise ValueError(
            f"padding_mode='circular' allows padding at most the input size {(h, w)}, "
            f"got padding {pads}"
        )
    if mode == "reflect" and (max(top, bottom) >= h or max(left, right) >= w):
        raise ValueError(
            f"padding_mode='reflect' needs padding smaller than the input size {(h, w)}, "
            f"got padding {pads}"
        )


def padded_hw(input_hw, pads) -> tuple[int, int]:
    (top, bottom), (left, right) = pads
    return input_hw[0] + top + bottom, input_hw[1] + left + right


def output_hw(padded, kernel_hw, stride, dilation, name="kernel") -> tuple[int, int]:
    """Output (height, width) for a validated padded size, kernel, stride and dilation."""
    out = []
    for size, k, s, d, axis in zip(
        padded, kernel_hw, stride, dilation, ("height", "width"), strict=True
    ):
        if _span(k, d) > size:
            raise ValueError(
                f"{name} {axis} spans {_span(k, d)} pixels (dilation included) but the padded "
                f"input {axis} is only {size}: use a smaller {name} or more padding"
            )
        out.append((size - _span(k, d)) // s + 1)
    return tuple(out)


def effective(kernel_hw, stride, dilation, out_hw):
    """Stride and dilation as indexing uses them: a stride with one output, or a dilation
    with one tap, changes nothing, so it is 1 (huge values never reach numpy's indexing)."""
    stride = tuple(s if o > 1 else 1 for s, o in zip(stride, out_hw, strict=True))
    dilation = tuple(d if k > 1 else 1 for d, k in zip(dilation, kernel_hw, strict=True))
    return stride, dilation


def pad(x: np.ndarray, pads, mode: str, fill: float = 0.0) -> np.ndarray:
    """Pad the last two axes of ``x`` with ``mode`` "zeros" (``fill``), "circular" or
    "reflect" (about the edge pixel, as PyTorch). Sizes must have been checked already."""
    (top, bottom), (left, right) = pads
    if top == bottom == left == right == 0:
        return x
    check_padding_fits(pads, x.shape[-2:], mode)
    width = [(0, 0)] * (x.ndim - 2) + [(top, bottom), (left, right)]
    if mode == "zeros":
        return np.pad(x, width, constant_values=fill)
    return np.pad(x, width, mode={"circular": "wrap", "reflect": "reflect"}[mode])


def taps(xp, kernel_hw, stride, dilation, out_hw):
    """Yield ``(i, j, view)``: for kernel tap (i, j), the input pixels it meets at every
    output position, as a strided view of the padded input (no copy)."""
    (sh, sw), (dh, dw), (oh, ow) = stride, dilation, out_hw
    for i in range(kernel_hw[0]):
        for j in range(kernel_hw[1]):
            r0, c0 = i * dh, j * dw
            yield i, j, xp[..., r0 : r0 + sh * (oh - 1) + 1 : sh, c0 : c0 + sw * (ow - 1) + 1 : sw]
