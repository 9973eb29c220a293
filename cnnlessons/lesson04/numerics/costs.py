"""What layers cost: parameters, operations, multiply-adds and memory (no plotting).

Conventions, stated once (the counters themselves are ``counting``'s, reused here):

- **operations**: one floating-point multiplication or one addition, counted separately
  (``counting.OpCount``); a dot product of length L costs L multiplications and L - 1
  additions. Biases are left out. This is how Deep Learning §9.2 counts its edge detector.
- **multiply-adds** (MACs): one per weight use, i.e. the multiplications of ``OpCount``. This
  is how network tables count (torchvision's "GFLOPS" for VGG-16, 15.47, are multiply-adds).
  Pooling, ReLUs, biases, batch norms (folded into the convolution at inference) and residual
  additions count zero.
- **parameters**: weights plus biases (``counting``), plus 2 per channel for a batch norm
  (its scale and shift; running statistics are not learned, so not parameters).
- **memory**: bytes, ``bytes_per_value`` each (4 for float32, the default); 1 GB = 10^9 B.

Introduced in lesson 04.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnnlessons import _checks
from cnnlessons.numerics.architectures import Network, layer_shapes
from cnnlessons.numerics.counting import (
    OpCount,
    conv_connections,
    conv_ops,
    conv_params,
    dense_ops,
    dense_params,
)
from cnnlessons.numerics.geometry import output_size

__all__ = [
    "LayerCost",
    "NetworkCosts",
    "network_costs",
    "EdgeCounts",
    "edge_detection_counts",
    "SlipRow",
    "book_summary_slips",
    "LayerComparison",
    "layer_comparison",
    "memory_bytes",
]

GB = 10**9
_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def memory_bytes(values, bytes_per_value=4) -> int:
    """Bytes needed to hold ``values`` numbers of ``bytes_per_value`` bytes each (4: float32)."""
    n = _checks.integer(values, "values", minimum=0)
    b = _checks.integer(bytes_per_value, "bytes_per_value", minimum=1)
    return n * b


# ------------------------------------------------------------------------------ networks
@dataclass(frozen=True)
class LayerCost:
    """One layer's shapes ``(C, H, W)``, parameters and multiply-adds."""

    name: str
    kind: str
    path: str
    input_shape: tuple
    output_shape: tuple
    parameters: int
    multiply_adds: int


@dataclass(frozen=True)
class NetworkCosts:
    """Per-layer costs of a network, with totals and shares by layer kind."""

    name: str
    layers: tuple

    @property
    def parameters(self) -> int:
        return sum(layer.parameters for layer in self.layers)

    @property
    def multiply_adds(self) -> int:
        return sum(layer.multiply_adds for layer in self.layers)

    def total(self, what: str, kind: str | None = None) -> int:
        """Sum of ``what`` ("parameters" or "multiply_adds") over layers of ``kind``
        ("conv", "dense", ...; None: all)."""
        _checks.choice(what, "what", ("parameters", "multiply_adds"))
        return sum(getattr(ly, what) for ly in self.layers if kind is None or ly.kind == kind)

    def share(self, what: str, kind: str) -> float:
        """Fraction of the network's ``what`` in layers of ``kind``."""
        return self.total(what, kind) / self.total(what)

    def count(self, kind: str) -> int:
        """How many layers of ``kind`` the network has."""
        return sum(1 for layer in self.layers if layer.kind == kind)

    def weighted(self) -> tuple:
        """The layers that have parameters (conv and dense), in order."""
        return tuple(layer for layer in self.layers if layer.parameters)


def network_costs(network: Network, input_shape=None) -> NetworkCosts:
    """Parameters and multiply-adds of every layer of ``network`` (conventions: module
    docstring). A conv layer producing ``(F, H', W')`` from ``C`` channels does
    ``H'·W'·F·k·k·C`` multiply-adds; a dense layer ``m·n``."""
    rows = []
    for layer, src, out in layer_shapes(network, input_shape):
        if layer.kind == "conv":
            params = conv_params(layer.in_channels, layer.out_channels, layer.kernel, layer.bias)
            if layer.batch_norm:
                params += 2 * layer.out_channels
            macs = conv_ops(out[1:], layer.kernel, layer.in_channels, layer.out_channels)
            macs = macs.multiplications
        elif layer.kind == "dense":
            params = dense_params(layer.in_channels, layer.out_channels, layer.bias)
            macs = dense_ops(layer.in_channels, layer.out_channels).multiplications
        else:  # pooling: no parameters, no multiply-adds
            params = macs = 0
        rows.append(LayerCost(layer.name, layer.kind, layer.path, src, out, params, macs))
    return NetworkCosts(network.name, tuple(rows))


# --------------------------------------------------------------------- the book's example
@dataclass(frozen=True)
class EdgeCounts:
    """Deep Learning §9.2's edge detector, counted exactly (operations: module docstring)."""

    input_shape: tuple  # (height, width)
    kernel_shape: tuple  # (1, 2): [-1, 1]
    output_shape: tuple  # (280, 319)
    conv: OpCount  # 2 multiplications + 1 addition per output
    kernel_weights: int  # 2
    dense_entries: int  # the same map as a matrix: n_out x n_in entries
    dense: OpCount  # multiplying by that matrix
    nonzeros: int  # entries of the matrix that are not zero
    dense_bytes: int  # the matrix in float32
    image_bytes: int  # the image itself in float32

    @property
    def ratio(self) -> float:
        """How many times more operations the matrix product needs."""
        return self.dense.total / self.conv.total

    @property
    def storage_ratio(self) -> float:
        """Matrix entries per kernel weight."""
        return self.dense_entries / self.kernel_weights


def edge_detection_counts(height=280, width=320, kernel_width=2, bytes_per_value=4) -> EdgeCounts:
    """The edge map of a ``height`` x ``width`` image by a 1 x ``kernel_width`` kernel
    ("valid", stride 1: each pixel minus its left neighbour for [-1, 1]), counted as a
    convolution and as the same map written as a dense matrix.

    >>> c = edge_detection_counts()
    >>> c.conv.total, c.dense_entries, c.dense.total, round(c.ratio)
    (267960, 8003072000, 16006054680, 59733)
    """
    h = _checks.integer(height, "height", minimum=1)
    w = _checks.integer(width, "width", minimum=1)
    k = _checks.integer(kernel_width, "kernel_width", minimum=1)
    b = _checks.integer(bytes_per_value, "bytes_per_value", minimum=1)
    if k > w:
        raise ValueError(f"kernel_width must be at most width={w}, got {k}")
    out = (h, output_size(w, k))
    n_in, n_out = h * w, out[0] * out[1]
    entries = dense_params(n_in, n_out, bias=False)
    return EdgeCounts(
        input_shape=(h, w),
        kernel_shape=(1, k),
        output_shape=out,
        conv=conv_ops(out, (1, k)),
        kernel_weights=conv_params(1, 1, (1, k), bias=False),
        dense_entries=entries,
        dense=dense_ops(n_in, n_out),
        nonzeros=conv_connections(n_out, k),
        dense_bytes=memory_bytes(entries, b),
        image_bytes=memory_bytes(n_in, b),
    )


@dataclass(frozen=True)
class SlipRow:
    """One line of the book summary's worked example, beside the corrected value."""

    quantity: str
    book: str
    corrected: str
    slip: str


def book_summary_slips() -> list:
    """The book summary's edge-detection numbers beside correct ones, all computed here.

    Its four slips: a 3x3 kernel (the book's is [-1, 1]); "3 x 3 = 9 multiply-adds" per
    output but then x3 in the total; matrix *entries*, with (320·280)² instead of
    (319·280)·(320·280), counted as *operations*; hence ~30,000x instead of ~60,000x.
    """
    c = edge_detection_counts()
    (h, w), (oh, ow) = c.input_shape, c.output_shape

    def sci(x):  # 2.68·10⁵, as the book summary writes it
        mantissa, exponent = f"{x:.2e}".split("e")
        return f"{mantissa}·10{str(int(exponent)).translate(_SUPERSCRIPTS)}"

    book_conv = oh * ow * 3  # the summary's total (right, by luck, for the book's kernel)
    book_dense = (h * w) ** 2  # entries of a square matrix, called operations
    k3 = (output_size(h, 3), output_size(w, 3))  # what a valid 3x3 kernel would give
    ops3 = conv_ops(k3, 3)
    return [
        SlipRow("kernel", "3 × 3", f"1 × 2: [-1, 1], output {ow} × {oh}",
                f"a 3 × 3 kernel would give {k3[1]} × {k3[0]} outputs"),
        SlipRow("operations per output", "3 × 3 = 9 multiply-adds, then × 3",
                f"{c.conv.multiplications // (oh * ow)} multiplications + "
                f"{c.conv.additions // (oh * ow)} addition = 3",
                f"9 multiply-adds would be {ops3.total // (k3[0] * k3[1])} operations per "
                f"output, {ops3.total:,} in all"),
        SlipRow("convolution, operations", f"{ow}·{oh}·3 ≈ {sci(book_conv)}",
                f"{ow}·{oh}·3 = {c.conv.total:,}", "right only for the 2-element kernel"),
        SlipRow("dense matrix", f"({w}·{h})² ≈ {sci(book_dense)} operations",
                f"{c.dense_entries:,} entries, {c.dense.total:,} operations",
                f"entries are not operations; the matrix has {ow}·{oh} rows, not {w}·{h}"),
        SlipRow("convolution is cheaper by", f"≈ {book_dense / book_conv:,.0f}× (\"30,000×\")",
                f"{c.ratio:,.0f}× (\"60,000×\")",
                "one multiplication and one addition per matrix entry: twice the entries"),
    ]  # fmt: skip


# ------------------------------------------------------------------ one layer, two ways
@dataclass(frozen=True)
class LayerComparison:
    """A dense layer and a convolution with the same input and output sizes."""

    input_shape: tuple  # (H, W, C)
    output_shape: tuple  # (H', W', F)
    dense_parameters: int
    conv_parameters: int
    dense_multiply_adds: int
    conv_multiply_adds: int
    dense_weight_bytes: int  # bytes_per_value each
    conv_weight_bytes: int
    output_bytes: int  # the output map, the same for both


def layer_comparison(side, channels=1, kernel=3, filters=1, bytes_per_value=4) -> LayerComparison:
    """A ``side`` x ``side`` x ``channels`` input through ``filters`` k x k filters with "same"
    padding ((k - 1) / 2 each side, k odd; stride 1: the output is ``side`` x ``side`` x
    ``filters``), and through the dense layer with the same input and output sizes. Biases
    included in parameters; memory in bytes, ``bytes_per_value`` each (the weights, and the
    output map both layers write).

    d2l's 1000 x 1000 image to a 1000 x 1000 hidden layer: ``layer_comparison(1000, 1, 3, 1)``
    has 10^12 dense weights (+10^6 biases), 4 TB in float32.
    """
    s = _checks.integer(side, "side", minimum=1)
    c = _checks.integer(channels, "channels", minimum=1)
    k = _checks.integer(kernel, "kernel", minimum=1)
    f = _checks.integer(filters, "filters", minimum=1)
    if k % 2 == 0 or k > s:
        raise ValueError(f"kernel must be odd (for 'same' padding) and at most side={s}, got {k}")
    o = output_size(s, k, padding=(k - 1) // 2)
    n_in, n_out = s * s * c, o * o * f
    dense_p, conv_p = dense_params(n_in, n_out), conv_params(c, f, k)
    return LayerComparison(
        input_shape=(s, s, c),
        output_shape=(o, o, f),
        dense_parameters=dense_p,
        conv_parameters=conv_p,
        dense_multiply_adds=dense_ops(n_in, n_out).multiplications,
        conv_multiply_adds=conv_ops((o, o), k, c, f).multiplications,
        dense_weight_bytes=memory_bytes(dense_p, bytes_per_value),
        conv_weight_bytes=memory_bytes(conv_p, bytes_per_value),
        output_bytes=memory_bytes(n_out, bytes_per_value),
    )
