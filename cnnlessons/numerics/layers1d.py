"""A 1-D convolution layer for the series' small network, in numpy (no plotting): lesson 05
trains it on MNIST-1D (sequences of length 40). It works like ``layers.Conv2d`` along one
axis: a batch is ``(N, C, L)`` (examples, channels, length); ``Flatten``, ``ReLU`` and ``Dense``
from ``cnnlessons.numerics.layers`` take its output as they are.

The forward pass is one matrix product over the input's windows (every window a row); the
kernel's gradient is the same rows times the output's gradient, and the input's gradient puts
each window's share back under the ``k`` taps that read it (the transposed convolution of
``layers.Conv2d``, written as ``k`` strided additions).
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cnnlessons import _checks
from cnnlessons.numerics.layers import Layer, _conv_weights, _finite

__all__ = ["Conv1d"]


class Conv1d(Layer):
    """``out_channels`` filters ``kernel_size`` wide over ``in_channels``, on ``(N, C, L)``.

    ``stride`` >= 1; ``padding`` zeros on each end (as ``torch.nn.Conv1d``). Output length
    ``(L + 2·padding - kernel_size) // stride + 1``. Weights start He-normal (std
    sqrt(2 / fan-in)) from ``rng``, biases at 0.

    >>> import numpy as np
    >>> layer = Conv1d(1, 1, 2, rng=0)
    >>> layer.params["w"][:] = [[[1.0, -1.0]]]
    >>> layer.forward(np.array([[[0.0, 1.0, 3.0, 6.0]]]))
    array([[[-1., -2., -3.]]])
    """

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size: int = 3,
        *,
        stride: int = 1,
        padding: int = 0,
        rng=None,
    ):
        super().__init__()
        self.in_channels = _checks.integer(in_channels, "in_channels", minimum=1)
        self.out_channels = _checks.integer(out_channels, "out_channels", minimum=1)
        self.k = _checks.integer(kernel_size, "kernel_size", minimum=1)
        self.stride = _checks.integer(stride, "stride", minimum=1)
        self.padding = _checks.integer(padding, "padding", minimum=0)
        _conv_weights(self, (self.k,), rng)

    def output_length(self, length: int) -> int:
        """The output's length for an input of ``length``."""
        return (length + 2 * self.padding - self.k) // self.stride + 1

    def forward(self, x):
        x = _checks.array(x, "x", ndims=(3,))
        if x.shape[1] != self.in_channels:
            raise ValueError(
                f"x must have {self.in_channels} channel(s) (shape (N, {self.in_channels}, L)), "
                f"got shape {x.shape}"
            )
        _finite(x, "x")
        n, c, length = x.shape
        if length + 2 * self.padding < self.k:
            raise ValueError(
                f"kernel_size {self.k} is longer than the padded input "
                f"({length} + 2 x {self.padding})"
            )
        p = self.padding
        if p:
            xp = np.zeros((n, c, length + 2 * p))
            xp[:, :, p : p + length] = x
        else:
            xp = x
        self._shape, self._lp = x.shape, xp.shape[2]
        win = sliding_window_view(xp, self.k, axis=2)[:, :, :: self.stride]  # (N, C, o, k)
        o = win.shape[2]
        self._cols = np.ascontiguousarray(win.transpose(0, 2, 1, 3)).reshape(n * o, c * self.k)
        w = self.params["w"]
        out = self._cols @ w.reshape(len(w), -1).T + self.params["b"]
        return out.reshape(n, o, -1).transpose(0, 2, 1)

    def backward(self, grad):
        w, s, k = self.params["w"], self.stride, self.k
        n, f, o = grad.shape
        g = grad.transpose(0, 2, 1).reshape(-1, f)
        self.grads["w"] = (g.T @ self._cols).reshape(w.shape)
        self.grads["b"] = g.sum(axis=0)
        if not self.input_grad:
            return None
        c = self.in_channels
        per_tap = (g @ w.reshape(f, -1)).reshape(n, o, c, k).transpose(0, 2, 3, 1)  # N,C,k,o
        gp = np.zeros((n, c, self._lp))
        for j in range(k):
            gp[:, :, j : j + s * (o - 1) + 1 : s] += per_tap[:, :, j]
        p = self.padding
        return gp[:, :, p : p + self._shape[2]]

    def __repr__(self) -> str:
        return (
            f"Conv1d({self.in_channels}, {self.out_channels}, {self.k}, stride={self.stride}, "
            f"padding={self.padding})"
        )
