"""The layers of the series' small trainable network, in numpy (no plotting). Introduced in
lesson 05; the network, its loss and its optimisers are in ``cnnlessons.numerics.training``.

Layers work on a *batch*: images are ``(N, C, H, W)``, vectors ``(N, D)``. Each layer has
``forward(x)`` (which remembers what its backward needs) and ``backward(grad)`` (the gradient
of the loss with respect to its input, given the gradient with respect to its output; it
also fills ``layer.grads`` for the layer's parameters ``layer.params``).

The backward of a convolution is itself a convolution:

- the gradient with respect to the kernel correlates the (padded) input with the output's
  gradient, spread out by the stride;
- the gradient with respect to the input is the output's gradient, with ``stride - 1`` zeros
  put between its values and padded by ``k - 1``, *convolved* with the kernel (flipped, input
  and output channels swapped): a "transposed convolution". Padding is then folded back onto
  the pixels it copied (cropped for zeros; added back for circular and reflect padding).

``Conv2d`` computes the forward pass and the kernel's gradient as one matrix product each
over the input's patches (every patch a row, "im2col"), and the input's gradient with
``correlate``, the batched cross-correlation, exactly as described above (the tests check it
against ``cnnlessons.convolve2d(..., padding="full")``). Lessons 07 and 08 reuse:
``Conv2d`` with any stride and padding mode, ``MaxPool2d`` / ``AvgPool2d`` / ``BlurPool2d``
(Zhang 2019) / ``GlobalMaxPool`` / ``GlobalAvgPool``, ``Dense``, ``softmax_cross_entropy``,
``SGD`` (with momentum) and ``Adam``. Everything is float64, seeded and deterministic: the same
seed gives the same network, the same minibatches and the same numbers.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cnnlessons import _checks
from cnnlessons.numerics.conv import PADDING_MODES
from cnnlessons.numerics.geometry import pad, resolve_padding
from cnnlessons.numerics.pooling import binomial_filter

__all__ = [
    "Conv2d",
    "ReLU",
    "MaxPool2d",
    "AvgPool2d",
    "BlurPool2d",
    "GlobalMaxPool",
    "GlobalAvgPool",
    "Flatten",
    "Dense",
    "correlate",
]


# ----------------------------------------------------------------------------- checks
def _images(x, name="x", channels=None) -> np.ndarray:
    """A finite (N, C, H, W) batch of images, as float64."""
    x = _checks.array(x, name, ndims=(4,))
    if channels is not None and x.shape[1] != channels:
        raise ValueError(
            f"{name} must have {channels} channel(s) (shape (N, {channels}, H, W)), "
            f"got shape {x.shape}"
        )
    _finite(x, name)
    return x


def _finite(x: np.ndarray, name: str) -> None:
    if not np.isfinite(x).all():
        bad = int((~np.isfinite(x)).sum())
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s): clean the data first")








# ----------------------------------------------------------------------------- padding
def _source_index(size: int, before: int, after: int, mode: str) -> np.ndarray:
    """For every padded position along one axis, the input position it copies (-1: a zero)."""
    q = np.arange(-before, size + after)
    if mode == "zeros":
        return np.where((q >= 0) & (q < size), q, -1)
    if mode == "circular":
        return q % size
    # reflect about the edge pixel (PyTorch's "reflect", numpy's "reflect")
    period = 2 * (size - 1)
    if period == 0:
        return np.zeros_like(q)
    r = q % period
    return np.where(r < size, r, period - r)


def _fold_matrix(size: int, before: int, after: int, mode: str) -> np.ndarray:
    """0/1 matrix S (size x padded) with S[i, q] = 1 when padded position q copies input i:
    padding is ``x -> S.T @ x`` along an axis, and its backward is ``g -> S @ g``."""
    src = _source_index(size, before, after, mode)
    s = np.zeros((size, src.size))
    keep = src >= 0
    s[src[keep], np.flatnonzero(keep)] = 1.0
    return s






def _unpad(g, pads, hw, mode):
    """Backward of ``geometry.pad``: every padded pixel's gradient goes back to the pixel it
    copied."""
    (top, bottom), (left, right) = pads
    if top == bottom == left == right == 0:
        return g
    if mode == "zeros":
        return g[..., top : top + hw[0], left : left + hw[1]]
    sh = _fold_matrix(hw[0], top, bottom, mode)
    sw = _fold_matrix(hw[1], left, right, mode)
    return np.einsum("iq,...qr,jr->...ij", sh, g, sw, optimize=True)




# ----------------------------------------------------------------------------- convolution
def _windows(xp: np.ndarray, kh: int, kw: int, stride: int) -> np.ndarray:
    """``(N, C, oh, ow, kh, kw)`` view: the patch under the kernel at every output position."""
    return sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]


def correlate(xp, w, stride: int = 1) -> np.ndarray:
    """Batched cross-correlation of an already padded ``(N, C, H, W)`` batch with
    ``(F, C, kh, kw)`` kernels: ``(N, F, H', W')``, the batch version of ``conv2d`` (which it
    equals image by image; the tests check). One matrix product over all patches."""
    xp = _checks.array(xp, "xp", ndims=(4,))
    w = _checks.array(w, "w", ndims=(4,))
    stride = _checks.integer(stride, "stride", minimum=1)
    if w.shape[1] != xp.shape[1]:
        raise ValueError(
            f"w must have shape (F, C, kh, kw) with C = {xp.shape[1]} (the channels of xp), "
            f"got {w.shape}"
        )
    kh, kw = w.shape[2:]
    if kh > xp.shape[2] or kw > xp.shape[3]:
        raise ValueError(
            f"the kernel ({kh} x {kw}) is larger than the padded input "
            f"({xp.shape[2]} x {xp.shape[3]})"
        )
    oh, ow = (xp.shape[2] - kh) // stride + 1, (xp.shape[3] - kw) // stride + 1
    n_patches = xp.shape[0] * oh * ow
    _checks.size_limit(n_patches * w[0].size, "xp and w (their patches)", "use a smaller xp")
    _checks.work(n_patches * w.size, "xp and w (their multiply-adds)", "use a smaller xp")
    patches = _windows(xp, kh, kw, stride)
    out = np.tensordot(patches, w, axes=([1, 4, 5], [1, 2, 3]))  # (N, oh, ow, F)
    return np.ascontiguousarray(out.transpose(0, 3, 1, 2))


def _conv_weights(layer, kernel_shape: tuple, rng) -> None:
    """A conv layer's parameters (``Conv1d``, ``Conv2d``), once its sizes are checked: the
    weights ``(out, in) + kernel_shape`` He-normal (std sqrt(2 / fan-in)) from ``rng``
    (``_checks.rng``), sized against the budget first; the biases 0."""
    c_in, c_out = layer.in_channels, layer.out_channels
    fan_in = c_in * _checks.product(kernel_shape)
    _checks.size_limit(
        c_out * fan_in,
        "in_channels * out_channels * kernel_size" + ("**2" if len(kernel_shape) == 2 else ""),
        "use fewer channels or a smaller kernel",
    )
    rng = _checks.rng(rng)
    layer.params["w"] = rng.normal(0, np.sqrt(2 / fan_in), (c_out, c_in) + tuple(kernel_shape))
    layer.params["b"] = np.zeros(c_out)
    layer.input_grad = True  # False for a first layer: its input's gradient is not needed


class Layer:
    """Base of every layer: no parameters unless a subclass adds some."""

    def __init__(self):
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}

    def forward(self, x: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self, grad: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Conv2d(Layer):
    """``out_channels`` filters of ``kernel_size`` x ``kernel_size`` over ``in_channels``.

    ``stride`` >= 1; ``padding`` as ``conv2d`` reads it (``geometry.resolve_padding``): an int,
    a pair, ``"valid"``, ``"same"`` (odd extra pixel at the bottom/right) or ``"full"``;
    ``padding_mode`` what the padding holds: ``"zeros"``, ``"circular"`` or
    ``"reflect"`` (as in PyTorch). Weights start He-normal (std sqrt(2 / fan-in)) from
    ``rng``, biases at 0.
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int = 3,
        *,
        stride: int = 1,
        padding=0,
        padding_mode: str = "zeros",
        rng=None,
    ):
        super().__init__()
        self.in_channels = _checks.integer(in_channels, "in_channels", minimum=1)
        self.out_channels = _checks.integer(out_channels, "out_channels", minimum=1)
        self.k = _checks.integer(kernel_size, "kernel_size", minimum=1)
        self.stride = _checks.integer(stride, "stride", minimum=1)
        self.padding_mode = _checks.choice(padding_mode, "padding_mode", PADDING_MODES)
        self.pads = resolve_padding(padding, (self.k, self.k), (1, 1), (1, 1))
        self.padding = padding if isinstance(padding, str) else self.pads[0][0]
        if padding == "same" and self.stride != 1:
            raise ValueError(f"padding='same' needs stride 1, got stride={self.stride}")
        _conv_weights(self, (self.k, self.k), rng)

    def forward(self, x):
        x = _images(x, "x", self.in_channels)
        self._hw = x.shape[2:]
        self._xp = xp = pad(x, self.pads, self.padding_mode)
        w, k = self.params["w"], self.k
        if k > xp.shape[2] or k > xp.shape[3]:
            raise ValueError(f"kernel_size {k} is larger than the padded input {xp.shape[2:]}")
        # every patch as a row ("im2col"), kept for the kernel's gradient
        oh = (xp.shape[2] - k) // self.stride + 1
        ow = (xp.shape[3] - k) // self.stride + 1
        _checks.size_limit(x.shape[0] * oh * ow * w[0].size, "x (its patches)", "use fewer images")
        win = _windows(xp, k, k, self.stride).transpose(0, 2, 3, 1, 4, 5)
        self._out_hw = win.shape[1:3]
        self._cols = np.ascontiguousarray(win).reshape(-1, w[0].size)
        out = self._cols @ w.reshape(len(w), -1).T + self.params["b"]
        return out.reshape(x.shape[0], *self._out_hw, -1).transpose(0, 3, 1, 2)

    def backward(self, grad):
        w, s, k = self.params["w"], self.stride, self.k
        xp = self._xp
        oh, ow = grad.shape[2:]
        # kernel gradient: correlate the input with the output's gradient (at stride s):
        # every patch times the gradient of the output it made, summed
        g = grad.transpose(0, 2, 3, 1).reshape(-1, w.shape[0])
        self.grads["w"] = (g.T @ self._cols).reshape(w.shape)
        self.grads["b"] = g.sum(axis=0)
        if not self.input_grad:
            return None
        # input gradient: a transposed convolution. Spread the gradient out by the stride,
        # pad by k - 1 (and by the rows/columns the stride never reached), and correlate with
        # the flipped kernel whose input and output channels are swapped.
        n, f = grad.shape[:2]
        hp, wp = xp.shape[2:]
        spread = np.zeros((n, f, hp - k + 1, wp - k + 1))
        spread[:, :, : (oh - 1) * s + 1 : s, : (ow - 1) * s + 1 : s] = grad
        spread = np.pad(spread, [(0, 0), (0, 0), (k - 1, k - 1), (k - 1, k - 1)])
        flipped = w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)
        grad_xp = correlate(spread, flipped, 1)
        return _unpad(grad_xp, self.pads, self._hw, self.padding_mode)

    def __repr__(self) -> str:
        return (
            f"Conv2d({self.in_channels}, {self.out_channels}, {self.k}, stride={self.stride}, "
            f"padding={self.padding!r}, padding_mode={self.padding_mode!r})"
        )


class ReLU(Layer):
    """max(0, x); its gradient passes where the input was positive."""

    def forward(self, x):
        self._mask = x > 0
        return x * self._mask

    def backward(self, grad):
        return grad * self._mask


class _WindowPool(Layer):
    """Pooling over ``kernel_size`` windows at ``stride`` (default: ``kernel_size``)."""

    def __init__(self, kernel_size: int = 2, stride: int | None = None, padding: int = 0):
        super().__init__()
        self.k = _checks.integer(kernel_size, "kernel_size", minimum=1)
        self.stride = self.k if stride is None else _checks.integer(stride, "stride", minimum=1)
        self.padding = _checks.integer(padding, "padding", minimum=0)
        if 2 * self.padding > self.k:
            raise ValueError(
                f"padding must be at most half the kernel_size {self.k}, got {self.padding}"
            )

    def _padded_windows(self, x, fill):
        p = self.padding
        self._hw = x.shape[2:]
        xp = pad(x, ((p, p), (p, p)), "zeros", fill=fill)
        self._php = xp.shape
        if self.k > min(xp.shape[2:]):
            raise ValueError(
                f"kernel_size {self.k} is larger than the (padded) input {xp.shape[2:]}"
            )
        return _windows(xp, self.k, self.k, self.stride)

    def _scatter(self, per_tap):
        """Add ``per_tap(i, j)`` (an ``(N, C, oh, ow)`` array) back under tap (i, j) of every
        window, then drop the padding: the backward of any window pooling."""
        gp = np.zeros(self._php)
        s = self.stride
        for i in range(self.k):
            for j in range(self.k):
                g = per_tap(i, j)
                oh, ow = g.shape[2:]
                gp[:, :, i : i + s * (oh - 1) + 1 : s, j : j + s * (ow - 1) + 1 : s] += g
        p = self.padding
        return gp[:, :, p : p + self._hw[0], p : p + self._hw[1]]

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.k}, stride={self.stride}, padding={self.padding})"


class MaxPool2d(_WindowPool):
    """Largest value in each window; its gradient goes to that value (the first, on ties).
    Padding holds -inf, so it never wins (as in PyTorch)."""

    def forward(self, x):
        x = _images(x)
        self._padded_windows(x, -np.inf)  # checks sizes, notes the padded shape
        p, k, s = self.padding, self.k, self.stride
        xp = pad(x, ((p, p), (p, p)), "zeros", fill=-np.inf)
        oh, ow = (xp.shape[2] - k) // s + 1, (xp.shape[3] - k) // s + 1
        # one tap of the window at a time: keep the larger value and which tap it came from
        out, self._arg = None, np.zeros(x.shape[:2] + (oh, ow), dtype=np.int64)
        for i in range(k):
            for j in range(k):
                view = xp[:, :, i : i + s * (oh - 1) + 1 : s, j : j + s * (ow - 1) + 1 : s]
                if out is None:
                    out = view.copy()
                    continue
                better = view > out  # strictly: the first tap wins a tie
                np.copyto(out, view, where=better)
                np.copyto(self._arg, i * k + j, where=better)
        return out

    def backward(self, grad):
        return self._scatter(lambda i, j: grad * (self._arg == i * self.k + j))


class AvgPool2d(_WindowPool):
    """Mean of each window (zero padding counts, as PyTorch's default)."""

    def forward(self, x):
        win = self._padded_windows(_images(x), 0.0)
        return win.mean(axis=(-2, -1))

    def backward(self, grad):
        share = grad / (self.k * self.k)
        return self._scatter(lambda i, j: share)


class BlurPool2d(Layer):
    """Anti-aliased downsampling (Zhang 2019): blur every channel with the normalised binomial
    filter of ``filter_size`` taps, then keep every ``stride``-th pixel; reflect padding so the
    output is ceil(H / stride) x ceil(W / stride), as ``cnnlessons.blur_pool2d``. No learned
    parameters. Max-blur-pool is ``MaxPool2d(2, stride=1)`` then ``BlurPool2d(2)``."""

    def __init__(self, stride: int = 2, filter_size: int = 4):
        super().__init__()
        self.stride = _checks.integer(stride, "stride", minimum=1)
        self.filter_size = _checks.integer(filter_size, "filter_size", minimum=1)
        self.filter = binomial_filter(self.filter_size)
        lo, hi = (self.filter_size - 1) // 2, self.filter_size // 2
        self.pads = ((lo, hi), (lo, hi))

    def forward(self, x):
        x = _images(x)
        n, c, h, w = x.shape
        self._shape = x.shape
        if self.pads[0][1] >= min(h, w):
            raise ValueError(
                f"BlurPool2d with filter_size={self.filter_size} needs inputs of at least "
                f"{self.pads[0][1] + 1} x {self.pads[0][1] + 1}, got {h} x {w}"
            )
        xp = pad(x, self.pads, "reflect")
        self._php = xp.shape
        f, s, k = self.filter, self.stride, self.filter_size
        oh, ow = (xp.shape[2] - k) // s + 1, (xp.shape[3] - k) // s + 1
        out = np.zeros((n, c, oh, ow))
        for i in range(k):  # one filter tap at a time, over every image and channel
            for j in range(k):
                out += (
                    f[i, j] * xp[:, :, i : i + s * (oh - 1) + 1 : s, j : j + s * (ow - 1) + 1 : s]
                )
        return out

    def backward(self, grad):
        # each tap sent f[i, j] times the output's gradient back to the pixels it read (the
        # transposed convolution, written as a scatter), then the reflect padding folds back
        n, c, h, w = self._shape
        f, s, k = self.filter, self.stride, self.filter_size
        oh, ow = grad.shape[2:]
        gp = np.zeros(self._php)
        for i in range(k):
            for j in range(k):
                gp[:, :, i : i + s * (oh - 1) + 1 : s, j : j + s * (ow - 1) + 1 : s] += (
                    f[i, j] * grad
                )
        return _unpad(gp, self.pads, (h, w), "reflect")

    def __repr__(self) -> str:
        return f"BlurPool2d(stride={self.stride}, filter_size={self.filter_size})"


class GlobalMaxPool(Layer):
    """The largest value of each channel over the whole image: ``(N, C, H, W) -> (N, C)``.
    Where the pattern is does not matter, only whether it is somewhere."""

    def forward(self, x):
        x = _images(x)
        n, c = x.shape[:2]
        flat = x.reshape(n, c, -1)
        self._shape = x.shape
        self._arg = flat.argmax(axis=-1)
        return np.take_along_axis(flat, self._arg[..., None], axis=-1)[..., 0]

    def backward(self, grad):
        n, c = self._shape[:2]
        g = np.zeros((n, c, int(np.prod(self._shape[2:]))))
        np.put_along_axis(g, self._arg[..., None], grad[..., None], axis=-1)
        return g.reshape(self._shape)


class GlobalAvgPool(Layer):
    """The mean of each channel over the whole image: ``(N, C, H, W) -> (N, C)``."""

    def forward(self, x):
        x = _images(x)
        self._shape = x.shape
        return x.mean(axis=(2, 3))

    def backward(self, grad):
        hw = self._shape[2] * self._shape[3]
        return np.broadcast_to(grad[:, :, None, None] / hw, self._shape).copy()


class Flatten(Layer):
    """``(N, C, H, W) -> (N, C·H·W)`` in C order (channel, row, column)."""

    def forward(self, x):
        self._shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, grad):
        return grad.reshape(self._shape)


class Dense(Layer):
    """``x @ w + b`` for ``(N, in_features)`` inputs: every output sees every input.
    Weights start He-normal (std sqrt(2 / in_features)) from ``rng``, biases at 0."""

    def __init__(self, in_features: int, out_features: int, *, rng=None):
        super().__init__()
        self.in_features = _checks.integer(in_features, "in_features", minimum=1)
        self.out_features = _checks.integer(out_features, "out_features", minimum=1)
        _checks.size_limit(
            self.in_features * self.out_features,
            "in_features * out_features (the weights)",
            "use fewer features",
        )
        rng = _checks.rng(rng)
        self.params["w"] = rng.normal(0, np.sqrt(2 / in_features), (in_features, out_features))
        self.params["b"] = np.zeros(out_features)
        self.input_grad = True

    def forward(self, x):
        x = _checks.array(x, "x", ndims=(2,))
        if x.shape[1] != self.in_features:
            raise ValueError(
                f"x must have shape (N, {self.in_features}) for this Dense layer, got {x.shape}"
            )
        self._x = x
        return x @ self.params["w"] + self.params["b"]

    def backward(self, grad):
        self.grads["w"] = self._x.T @ grad
        self.grads["b"] = grad.sum(axis=0)
        return grad @ self.params["w"].T if self.input_grad else None

    def __repr__(self) -> str:
        return f"Dense({self.in_features}, {self.out_features})"
