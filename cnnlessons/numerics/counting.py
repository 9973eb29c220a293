"""Counting parameters, connections and arithmetic operations (no plotting).

Conventions, stated once: a *parameter* is a number the layer learns (weights, plus biases
when ``bias=True``). An *operation* is one floating-point multiplication or one addition;
they are counted separately, and biases are left out of operation counts. So one output of
a k-weight dot product costs k multiplications and k - 1 additions.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnnlessons import _checks

__all__ = [
    "dense_params",
    "conv_params",
    "locally_connected_params",
    "tiled_params",
    "dense_connections",
    "conv_connections",
    "OpCount",
    "dense_ops",
    "conv_ops",
]


def dense_params(n_in, n_out, bias=True) -> int:
    """A dense layer: one weight per (input, output) pair, plus one bias per output.

    Seed 000's 32 x 32 x 3 input to a 28 x 28 x 6 output:

    >>> dense_params(32 * 32 * 3, 28 * 28 * 6, bias=False), dense_params(3072, 4704)
    (14450688, 14455392)
    """
    n_in = _checks.integer(n_in, "n_in", minimum=1)
    n_out = _checks.integer(n_out, "n_out", minimum=1)
    return n_in * n_out + (n_out if _checks.boolean(bias, "bias") else 0)


def conv_params(in_channels, out_channels, kernel_size, bias=True) -> int:
    """A convolutional layer: each of ``out_channels`` filters has ``in_channels * kh * kw``
    weights (one kh x kw slice per input channel) and one bias. The image size does not
    appear: the same filter is used at every position.

    Six 5 x 5 filters on a 3-channel input (75 weights + 1 bias each); on one channel:

    >>> conv_params(3, 6, 5), conv_params(1, 6, 5)
    (456, 156)
    """
    c = _checks.integer(in_channels, "in_channels", minimum=1)
    f = _checks.integer(out_channels, "out_channels", minimum=1)
    kh, kw = _checks.pair(kernel_size, "kernel_size", minimum=1)
    return f * (c * kh * kw + (1 if _checks.boolean(bias, "bias") else 0))


def locally_connected_params(in_channels, out_channels, kernel_size, output_size, bias=True):
    """A locally connected layer: the connections of a convolution, but every output position
    has its own filter (no sharing), and its own bias per output unit, as in Keras'
    ``LocallyConnected2D``. ``output_size`` is the output's (height, width) or one int."""
    oh, ow = _checks.pair(output_size, "output_size", minimum=1)
    per_position = conv_params(in_channels, out_channels, kernel_size, bias=bias)
    return oh * ow * per_position


def tiled_params(in_channels, out_channels, kernel_size, tiles, bias=True):
    """Tiled convolution (Deep Learning §9.5): ``tiles`` sets of filters (an int t for a
    t x t pattern, or a pair) cycled over the positions; ``tiles=1`` is a convolution."""
    th, tw = _checks.pair(tiles, "tiles", minimum=1)
    return th * tw * conv_params(in_channels, out_channels, kernel_size, bias=bias)


def dense_connections(n_in, n_out) -> int:
    """Every input talks to every output: m * n connections."""
    return dense_params(n_in, n_out, bias=False)


def conv_connections(n_out, k) -> int:
    """Each output talks to its k inputs: k * n connections (shared or not)."""
    n = _checks.integer(n_out, "n_out", minimum=1)
    return n * _checks.integer(k, "k", minimum=1)


@dataclass(frozen=True)
class OpCount:
    """Multiplications and additions, counted separately; ``total`` is their sum."""

    multiplications: int
    additions: int

    @property
    def total(self) -> int:
        return self.multiplications + self.additions


def dense_ops(n_in, n_out) -> OpCount:
    """Matrix (n_out x n_in) times vector: each output is a dot product of length n_in,
    n_in multiplications and n_in - 1 additions."""
    n_in = _checks.integer(n_in, "n_in", minimum=1)
    n_out = _checks.integer(n_out, "n_out", minimum=1)
    return OpCount(n_out * n_in, n_out * (n_in - 1))


def conv_ops(output_shape, kernel_size, in_channels=1, out_channels=1) -> OpCount:
    """A convolution producing ``output_shape`` (height, width) per filter: each output is a
    dot product of length ``in_channels * kh * kw``.

    Deep Learning's edge detector: 2 multiplications and 1 addition per output, 267,960
    operations in all:

    >>> conv_ops((280, 319), (1, 2))
    OpCount(multiplications=178640, additions=89320)
    >>> conv_ops((280, 319), (1, 2)).total
    267960
    """
    oh, ow = _checks.pair(output_shape, "output_shape", minimum=1)
    kh, kw = _checks.pair(kernel_size, "kernel_size", minimum=1)
    c = _checks.integer(in_channels, "in_channels", minimum=1)
    f = _checks.integer(out_channels, "out_channels", minimum=1)
    outputs, length = oh * ow * f, c * kh * kw
    return OpCount(outputs * length, outputs * (length - 1))
