"""The series' small trainable network, in numpy (no plotting). Introduced in lesson 05.

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

import contextlib
import ctypes
import numbers

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from . import _checks
from .conv import PADDING_MODES, binomial_filter

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
    "Network",
    "SGD",
    "Adam",
    "TrainingHistory",
    "correlate",
    "softmax",
    "softmax_cross_entropy",
    "conv_net",
    "dense_net",
    "accuracy",
    "permute_dense_inputs",
    "single_threaded",
]


# ----------------------------------------------------------------------------- speed
_BLAS_NAMES = ("openblas", "scipy_openblas", "scipy_openblas64_")


def _openblas():
    """numpy's OpenBLAS library and its thread-count functions, or None (not Linux, another
    BLAS, or not found). Looked up once, from the libraries this process has loaded."""
    global _BLAS
    if _BLAS is not False:
        return _BLAS
    _BLAS = None
    try:
        with open("/proc/self/maps") as maps:
            paths = sorted({ln.split()[-1] for ln in maps if "openblas" in ln.lower()})
    except OSError:
        return None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", ""):
                get = getattr(lib, f"{prefix}_get_num_threads{suffix}", None)
                put = getattr(lib, f"{prefix}_set_num_threads{suffix}", None)
                if get is not None and put is not None:
                    _BLAS = (get, put)
                    return _BLAS
    return None


_BLAS = False


@contextlib.contextmanager
def single_threaded():
    """Run numpy's matrix products on one thread inside the block.

    The networks here multiply small matrices, thousands of times. OpenBLAS splits each
    product over every core; on a busy machine the threads wait for each other and a step
    takes 5-30x longer (``make bench`` measures it). Outside Linux + OpenBLAS: no change."""
    blas = _openblas()
    if blas is None:
        yield
        return
    get, put = blas
    before = get()
    put(1)
    try:
        yield
    finally:
        put(before)


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


def _positive(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)


def _fraction(value, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {value!r}")
    if not 0 <= value < 1:
        raise ValueError(f"{name} must be in [0, 1), got {value!r}")
    return float(value)


def _labels(y, n: int, classes: int) -> np.ndarray:
    """Integer class labels, one per example, each in [0, classes)."""
    arr = np.asarray(y)
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        if np.issubdtype(arr.dtype, np.floating) and arr.size and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        else:
            raise TypeError(f"y must be integer class labels, got dtype {arr.dtype}")
    if arr.shape != (n,):
        raise ValueError(f"y must have shape ({n},), one label per example, got {arr.shape}")
    if arr.min() < 0 or arr.max() >= classes:
        raise ValueError(
            f"y must hold labels from 0 to {classes - 1} (the network has {classes} outputs), "
            f"got labels from {arr.min()} to {arr.max()}"
        )
    return arr.astype(np.int64)


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


def _check_pad_fits(pads, hw, mode):
    (top, bottom), (left, right) = pads
    h, w = hw
    if mode == "circular" and (max(top, bottom) > h or max(left, right) > w):
        raise ValueError(f"padding {pads} is larger than the input {hw} (circular padding)")
    if mode == "reflect" and (max(top, bottom) >= h or max(left, right) >= w):
        raise ValueError(f"padding {pads} must be smaller than the input {hw} (reflect padding)")


def _pad(x, pads, mode, fill=0.0):
    (top, bottom), (left, right) = pads
    if top == bottom == left == right == 0:
        return x
    _check_pad_fits(pads, x.shape[-2:], mode)
    width = [(0, 0)] * (x.ndim - 2) + [(top, bottom), (left, right)]
    if mode == "zeros":
        return np.pad(x, width, constant_values=fill)
    return np.pad(x, width, mode={"circular": "wrap", "reflect": "reflect"}[mode])


def _unpad(g, pads, hw, mode):
    """Backward of ``_pad``: every padded pixel's gradient goes back to the pixel it copied."""
    (top, bottom), (left, right) = pads
    if top == bottom == left == right == 0:
        return g
    if mode == "zeros":
        return g[..., top : top + hw[0], left : left + hw[1]]
    sh = _fold_matrix(hw[0], top, bottom, mode)
    sw = _fold_matrix(hw[1], left, right, mode)
    return np.einsum("iq,...qr,jr->...ij", sh, g, sw, optimize=True)


def _resolve_padding(padding, k) -> tuple[tuple[int, int], tuple[int, int]]:
    if isinstance(padding, str):
        _checks.choice(padding, "padding", ("valid", "same"))
        if padding == "valid":
            return ((0, 0), (0, 0))
        lo = (k - 1) // 2
        return ((lo, k - 1 - lo), (lo, k - 1 - lo))
    p = _checks.integer(padding, "padding", minimum=0)
    return ((p, p), (p, p))


# ----------------------------------------------------------------------------- convolution
def _windows(xp: np.ndarray, kh: int, kw: int, stride: int) -> np.ndarray:
    """``(N, C, oh, ow, kh, kw)`` view: the patch under the kernel at every output position."""
    return sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::stride, ::stride]


def correlate(xp, w, stride: int = 1) -> np.ndarray:
    """Batched cross-correlation of an already padded ``(N, C, H, W)`` batch with
    ``(F, C, kh, kw)`` kernels: ``(N, F, H', W')``, the batch version of ``conv2d`` (which it
    equals image by image; the tests check). One matrix product over all patches."""
    kh, kw = w.shape[2:]
    if kh > xp.shape[2] or kw > xp.shape[3]:
        raise ValueError(
            f"the kernel ({kh} x {kw}) is larger than the padded input "
            f"({xp.shape[2]} x {xp.shape[3]})"
        )
    patches = _windows(xp, kh, kw, stride)
    out = np.tensordot(patches, w, axes=([1, 4, 5], [1, 2, 3]))  # (N, oh, ow, F)
    return np.ascontiguousarray(out.transpose(0, 3, 1, 2))


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

    ``stride`` >= 1; ``padding`` an int, ``"valid"`` or ``"same"`` (odd extra pixel at the
    bottom/right); ``padding_mode`` what the padding holds: ``"zeros"``, ``"circular"`` or
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
        self.pads = _resolve_padding(padding, self.k)
        self.padding = padding if isinstance(padding, str) else self.pads[0][0]
        if padding == "same" and self.stride != 1:
            raise ValueError(f"padding='same' needs stride 1, got stride={self.stride}")
        rng = np.random.default_rng(rng)
        fan_in = self.in_channels * self.k * self.k
        self.params["w"] = rng.normal(
            0, np.sqrt(2 / fan_in), (out_channels, in_channels) + (self.k,) * 2
        )
        self.params["b"] = np.zeros(out_channels)
        self.input_grad = True  # False for a first layer: its input's gradient is not needed

    def forward(self, x):
        x = _images(x, "x", self.in_channels)
        self._hw = x.shape[2:]
        self._xp = xp = _pad(x, self.pads, self.padding_mode)
        w, k = self.params["w"], self.k
        if k > xp.shape[2] or k > xp.shape[3]:
            raise ValueError(f"kernel_size {k} is larger than the padded input {xp.shape[2:]}")
        # every patch as a row ("im2col"), kept for the kernel's gradient
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
        xp = _pad(x, ((p, p), (p, p)), "zeros", fill=fill)
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
        xp = _pad(x, ((p, p), (p, p)), "zeros", fill=-np.inf)
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
        xp = _pad(x, self.pads, "reflect")
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
        rng = np.random.default_rng(rng)
        self.params["w"] = rng.normal(0, np.sqrt(2 / in_features), (in_features, out_features))
        self.params["b"] = np.zeros(out_features)
        self.input_grad = True

    def forward(self, x):
        if x.ndim != 2 or x.shape[1] != self.in_features:
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


# ----------------------------------------------------------------------------- loss
def softmax(logits) -> np.ndarray:
    """Class probabilities from ``(N, K)`` scores (shifted by the row maximum: no overflow)."""
    z = np.asarray(logits, dtype=float)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(logits, y) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of softmax(``logits``) against integer labels ``y``, and its
    gradient with respect to the logits: ``(softmax - one_hot(y)) / N``."""
    z = _checks.array(logits, "logits", ndims=(2,))
    _finite(z, "logits")
    n, k = z.shape
    y = _labels(y, n, k)
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_p[np.arange(n), y].mean()
    grad = np.exp(log_p)
    grad[np.arange(n), y] -= 1
    return float(loss), grad / n


# ----------------------------------------------------------------------------- optimisers
class SGD:
    """Gradient descent with momentum: ``v = momentum·v - lr·g``, ``p += v``."""

    def __init__(self, lr: float = 0.1, momentum: float = 0.9):
        self.lr = _positive(lr, "lr")
        self.momentum = _fraction(momentum, "momentum")
        self._v: dict = {}

    def step(self, layers) -> None:
        for i, layer in enumerate(layers):
            for name, p in layer.params.items():
                v = self._v.setdefault((i, name), np.zeros_like(p))
                v *= self.momentum
                v -= self.lr * layer.grads[name]
                p += v


class Adam:
    """Adam (Kingma & Ba 2015) with bias correction; ``lr`` is the step size."""

    def __init__(self, lr: float = 0.01, beta1: float = 0.9, beta2: float = 0.999, eps=1e-8):
        self.lr = _positive(lr, "lr")
        self.beta1 = _fraction(beta1, "beta1")
        self.beta2 = _fraction(beta2, "beta2")
        self.eps = _positive(eps, "eps")
        self._m: dict = {}
        self._v: dict = {}
        self.t = 0

    def step(self, layers) -> None:
        self.t += 1
        c1 = 1 - self.beta1**self.t
        c2 = 1 - self.beta2**self.t
        for i, layer in enumerate(layers):
            for name, p in layer.params.items():
                g = layer.grads[name]
                m = self._m.setdefault((i, name), np.zeros_like(p))
                v = self._v.setdefault((i, name), np.zeros_like(p))
                m *= self.beta1
                m += (1 - self.beta1) * g
                v *= self.beta2
                v += (1 - self.beta2) * g * g
                p -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)


# ----------------------------------------------------------------------------- network
class TrainingHistory(dict):
    """What ``Network.fit`` recorded: ``loss`` (per step), ``train_accuracy`` (at the end),
    ``steps``, ``seconds`` and ``examples_per_second``."""


class Network:
    """Layers applied in order, ending in class scores (logits) trained with softmax
    cross-entropy. ``in_shape`` is one example's shape, e.g. ``(1, 16, 16)``."""

    def __init__(self, layers, in_shape, classes: int):
        self.layers = list(layers)
        if not self.layers or not all(isinstance(la, Layer) for la in self.layers):
            raise TypeError("layers must be a non-empty list of cnnlessons.learning layers")
        self.in_shape = _checks.shape(in_shape, "in_shape", lengths=(1, 3))
        self.classes = _checks.integer(classes, "classes", minimum=2)
        # the first parameterised layer never needs its input's gradient
        for layer in self.layers:
            if hasattr(layer, "input_grad"):
                layer.input_grad = False
                break
        out = self.forward(np.zeros((1,) + self.in_shape))
        if out.shape != (1, self.classes):
            raise ValueError(
                f"the layers turn a {self.in_shape} input into {out.shape[1:]}, "
                f"not {self.classes} class scores"
            )

    @property
    def n_parameters(self) -> int:
        return int(sum(p.size for layer in self.layers for p in layer.params.values()))

    def _check_x(self, x) -> np.ndarray:
        x = _checks.array(x, "x", ndims=(len(self.in_shape) + 1,))
        if x.shape[1:] != self.in_shape:
            raise ValueError(
                f"x must have shape (N, {', '.join(map(str, self.in_shape))}), got {x.shape}"
            )
        _finite(x, "x")
        return x

    def forward(self, x) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad) -> None:
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
            if grad is None:
                break

    def logits(self, x, batch_size: int = 2048) -> np.ndarray:
        """Class scores for every example of ``x`` (in batches, to bound memory)."""
        x = self._check_x(x)
        with single_threaded():
            return np.concatenate(
                [self.forward(x[i : i + batch_size]) for i in range(0, len(x), batch_size)]
            )

    def predict(self, x) -> np.ndarray:
        """The most likely class of every example."""
        return self.logits(x).argmax(axis=1)

    def loss(self, x, y) -> float:
        x = self._check_x(x)
        return softmax_cross_entropy(self.logits(x), y)[0]

    def gradient_step(self, x, y, optimizer) -> float:
        """One step on the batch ``(x, y)``: forward, loss, backward, update. Returns the loss."""
        loss, grad = softmax_cross_entropy(self.forward(x), y)
        self.backward(grad)
        optimizer.step(self.layers)
        return loss

    def fit(
        self, x, y, *, steps: int = 200, batch_size: int = 64, optimizer=None, seed: int = 0
    ) -> TrainingHistory:
        """Train for ``steps`` minibatch steps (batches drawn by shuffling the data once per
        pass, from ``seed``); ``optimizer`` defaults to ``Adam(0.01)``."""
        import time

        x = self._check_x(x)
        y = _labels(y, len(x), self.classes)
        steps = _checks.integer(steps, "steps", minimum=1)
        batch_size = _checks.integer(batch_size, "batch_size", minimum=1)
        optimizer = Adam(0.01) if optimizer is None else optimizer
        if not hasattr(optimizer, "step"):
            raise TypeError(f"optimizer must be SGD(...) or Adam(...), got {optimizer!r}")
        rng = np.random.default_rng(seed)
        batch = min(batch_size, len(x))
        order, at = rng.permutation(len(x)), 0
        losses = np.empty(steps)
        t0 = time.perf_counter()
        with single_threaded():
            for t in range(steps):
                if at + batch > len(x):
                    order, at = rng.permutation(len(x)), 0
                idx = order[at : at + batch]
                at += batch
                losses[t] = self.gradient_step(x[idx], y[idx], optimizer)
        seconds = time.perf_counter() - t0
        return TrainingHistory(
            loss=losses,
            steps=steps,
            seconds=seconds,
            examples_per_second=steps * batch / seconds if seconds > 0 else float("inf"),
            train_accuracy=accuracy(self, x, y),
        )

    def __repr__(self) -> str:
        inner = ", ".join(map(repr, self.layers))
        return f"Network([{inner}], {self.n_parameters:,} parameters)"


def accuracy(net: Network, x, y) -> float:
    """The fraction of examples whose predicted class is the label."""
    pred = net.predict(x)
    y = _labels(y, len(pred), net.classes)
    return float((pred == y).mean())


# ----------------------------------------------------------------------------- the two models
def conv_net(
    in_shape=(1, 16, 16),
    classes: int = 2,
    *,
    filters: int = 8,
    kernel_size: int = 3,
    seed: int = 0,
) -> Network:
    """Lesson 05's convolutional net: ``filters`` k x k filters -> ReLU -> global max
    pooling -> dense -> class scores. Few parameters, and blind to *where* a pattern is."""
    shp = _checks.shape(in_shape, "in_shape", lengths=(3,))
    rng = np.random.default_rng(seed)
    f = _checks.integer(filters, "filters", minimum=1)
    return Network(
        [
            Conv2d(shp[0], f, kernel_size, rng=rng),
            ReLU(),
            GlobalMaxPool(),
            Dense(f, classes, rng=rng),
        ],
        shp,
        classes,
    )


def dense_net(
    in_shape=(1, 16, 16), classes: int = 2, *, hidden: int = 32, seed: int = 0
) -> Network:
    """Lesson 05's dense net: flatten -> dense (``hidden`` units) -> ReLU -> dense -> class
    scores. Every hidden unit sees every pixel, with its own weight for each."""
    shp = _checks.shape(in_shape, "in_shape", lengths=(1, 3))
    rng = np.random.default_rng(seed)
    h = _checks.integer(hidden, "hidden", minimum=1)
    d = int(np.prod(shp))
    return Network(
        [Flatten(), Dense(d, h, rng=rng), ReLU(), Dense(h, classes, rng=rng)], shp, classes
    )


def permute_dense_inputs(net: Network, perm) -> Network:
    """A copy of a dense net whose first ``Dense`` layer reads its inputs in the order
    ``perm``: row ``j`` of the new weights is row ``perm[j]`` of the old. It computes on
    ``x.ravel()[perm]`` exactly what ``net`` computes on ``x``."""
    import copy

    new = copy.deepcopy(net)
    first = next((la for la in new.layers if isinstance(la, Dense)), None)
    if first is None:
        raise ValueError("net has no Dense layer to permute")
    perm = np.asarray(perm)
    if perm.shape != (first.in_features,) or not np.array_equal(
        np.sort(perm), np.arange(first.in_features)
    ):
        raise ValueError(
            f"perm must be a permutation of 0..{first.in_features - 1}, got shape {perm.shape}"
        )
    first.params["w"] = first.params["w"][perm].copy()
    return new
