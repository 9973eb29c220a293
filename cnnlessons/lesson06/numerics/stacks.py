"""Receptive fields layer by layer, the stacks that give 5, 7 and 11, and the *effective*
receptive field (numerics only: numpy in and out, never plotting). Introduced in lesson 06.

Built on ``receptive`` (the closed form of Araujo, Norris & Sim, Distill 2019, and its
measurement by impulses):

- ``layer_fields``: receptive field size r, effective stride S and effective padding P after
  every layer of a layer list (convolutions, pooling, dilation), as a ``FieldTable``;
- ``PRESETS`` / ``preset_stack`` / ``claim_table``: named stacks, and which of them make
  "layer 2 see 5x5 or 7x7, layer 3 11x11";
- ``unit_region`` / ``region_mask``: the 2-D patch of the input one unit sees;
- ``path_counts`` / ``impulse_response`` / ``erf_variance``: the effective receptive field of
  n stacked uniform k-tap kernels, exactly (the n-fold convolution of the kernel; its variance
  is n·(k² − 1)/12, so its width grows like √n while r grows like n; Luo et al., NIPS 2016);
- ``random_erf``: the same for random zero-mean kernels, optionally with ReLUs: the mean of the
  squared impulse responses over many seeded random networks (Monte Carlo).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cnnlessons import _checks
from cnnlessons.numerics.architectures import Network, alexnet, layer_shapes, resnet50, vgg16
from cnnlessons.numerics.receptive import ReceptiveField, receptive_field

__all__ = [
    "LayerField",
    "FieldTable",
    "layer_fields",
    "PRESETS",
    "preset_stack",
    "conv_fields",
    "ClaimTable",
    "claim_table",
    "network_layers",
    "network_fields",
    "NETWORKS",
    "NetworkTable",
    "networks_table",
    "growth_terms",
    "unit_region",
    "region_mask",
    "path_counts",
    "impulse_response",
    "erf_variance",
    "distribution_variance",
    "gaussian",
    "effective_width",
    "erf_2d",
    "random_erf",
]

_SPEC_KEYS = ("kernel", "stride", "padding", "dilation", "op")


@dataclass(frozen=True)
class LayerField:
    """One layer and the receptive field of its units (input pixels, along one axis)."""

    name: str
    kernel: int
    stride: int
    padding: int
    dilation: int
    op: str
    size: int  # r: how many input pixels one unit sees
    effective_stride: int  # S: how far apart neighbouring units' fields start
    effective_padding: int  # P: how far the first unit's field starts before pixel 0

    @property
    def field(self) -> ReceptiveField:
        return ReceptiveField(self.size, self.effective_stride, self.effective_padding)


class FieldTable(list):
    """A list of ``LayerField``s that shows itself as a Markdown table in a notebook."""

    def _repr_markdown_(self) -> str:
        lines = [
            "| layer | kernel k | stride s | padding p | dilation d | r | S | P |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for f in self:
            lines.append(
                f"| {f.name} | {f.kernel} | {f.stride} | {f.padding} | {f.dilation} | "
                f"**{f.size}** | {f.effective_stride} | {f.effective_padding} |"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        head = f"{'layer':<16}{'k':>4}{'s':>4}{'p':>4}{'d':>4}{'r':>7}{'S':>5}{'P':>6}"
        rows = [
            f"{f.name:<16}{f.kernel:>4}{f.stride:>4}{f.padding:>4}{f.dilation:>4}"
            f"{f.size:>7}{f.effective_stride:>5}{f.effective_padding:>6}"
            for f in self
        ]
        return "\n".join([head, *rows])


def _named(layers, names):
    """Split ``layers`` into receptive-field specs and display names."""
    if isinstance(layers, (str, bytes, Mapping)) or not isinstance(layers, Sequence):
        raise TypeError(
            "layers must be a list of (kernel, stride, padding[, dilation]) tuples or mappings"
        )
    if len(layers) == 0:
        raise ValueError("layers must hold at least one layer")
    specs, found = [], []
    for item in layers:
        name = None
        if isinstance(item, Mapping) and "name" in item:
            name = item["name"]
            item = {key: value for key, value in item.items() if key != "name"}
        specs.append(item)
        found.append(name)
    if names is not None:
        if isinstance(names, (str, bytes)) or not isinstance(names, Sequence):
            raise TypeError("names must be a list of strings, one per layer")
        if len(names) != len(specs):
            raise ValueError(
                f"names must have one entry per layer ({len(specs)}), got {len(names)}"
            )
        found = list(names)
    labels = []
    for n, name in enumerate(found):
        if name is None:
            name = f"layer {n + 1}"
        if not isinstance(name, str):
            raise TypeError(f"names[{n}] must be a string, got {name!r}")
        labels.append(name)
    return specs, labels


def layer_fields(layers, names=None) -> FieldTable:
    """Receptive field size r, effective stride S and effective padding P after every layer.

    ``layers`` as for ``receptive_field`` (tuples, or mappings with ``kernel`` and optionally
    ``stride``, ``padding``, ``dilation``, ``op``); a mapping may also carry a ``name``.
    Row l is ``receptive_field(layers[: l + 1])``: the field of layer l's units in the input.

    >>> [f.size for f in layer_fields([(3, 1, 1)] * 3)]
    [3, 5, 7]
    """
    specs, labels = _named(layers, names)
    receptive_field(specs)  # validates every layer, with the messages of ``receptive``
    table = FieldTable()
    for n, (spec, name) in enumerate(zip(specs, labels, strict=True)):
        rf = receptive_field(specs[: n + 1])
        if isinstance(spec, Mapping):
            full = {"stride": 1, "padding": 0, "dilation": 1, "op": "conv", **spec}
        else:
            full = dict(zip(("kernel", "stride", "padding", "dilation"), spec, strict=False))
            full.setdefault("dilation", 1)
            full["op"] = "conv"
        table.append(
            LayerField(
                name,
                int(full["kernel"]),
                int(full["stride"]),
                int(full["padding"]),
                int(full["dilation"]),
                str(full["op"]),
                rf.size,
                rf.stride,
                rf.padding,
            )
        )
    return table


def growth_terms(layers) -> list[int]:
    """What each layer adds to r: (k' − 1)·Π_{i<l} s_i, with k' = d(k − 1) + 1.

    1 + sum(growth_terms(layers)) == receptive_field(layers).size."""
    table = layer_fields(layers)
    sizes = [1] + [f.size for f in table]
    return [b - a for a, b in zip(sizes, sizes[1:], strict=False)]


# -- named stacks ---------------------------------------------------------------------------


def _conv(k=3, s=1, d=1):
    return {"kernel": k, "stride": s, "padding": d * (k - 1) // 2, "dilation": d, "op": "conv"}


_POOL = {"kernel": 2, "stride": 2, "padding": 0, "dilation": 1, "op": "max"}

#: stacks by name: layer l (from 0) -> the layers it adds (a convolution, maybe a pooling
#: layer after it). "Same" padding throughout, so the padding never changes r.
PRESETS = {
    "3x3": lambda i: [_conv(3)],
    "5x5": lambda i: [_conv(5)],
    "3x3, dilation 2": lambda i: [_conv(3, d=2)],
    "3x3, dilation 1, 2, 4, …": lambda i: [_conv(3, d=2**i)],
    "3x3, stride 2 in layer 1": lambda i: [_conv(3, s=2 if i == 0 else 1)],
    "3x3, stride 2 in every layer": lambda i: [_conv(3, s=2)],
    "3x3, 2x2 max pool after layer 1": lambda i: [_conv(3)] + ([dict(_POOL)] if i == 0 else []),
    "3x3, 2x2 max pool after every layer": lambda i: [_conv(3), dict(_POOL)],
}

MAX_DEPTH = 16


def preset_stack(name: str, depth: int) -> list[dict]:
    """The layer list of preset ``name`` (one of ``PRESETS``) with ``depth`` convolutions.

    A pooling layer that would come after the last convolution is left out: it changes no
    convolution's field."""
    _checks.choice(name, "name", tuple(PRESETS))
    depth = _checks.integer(depth, "depth", minimum=1)
    if depth > MAX_DEPTH:
        raise ValueError(f"depth must be at most {MAX_DEPTH}, got {depth}")
    layers = []
    for i in range(depth):
        block = PRESETS[name](i)
        layers.extend(block if i < depth - 1 else block[:1])
    return layers


def conv_fields(layers) -> list[ReceptiveField]:
    """The receptive field of each *convolution*'s units in ``layers`` (pooling layers are
    counted in the convolution after them): "layer l" in the lessons' sense."""
    table = layer_fields(layers)
    return [f.field for f in table if f.op == "conv"]


class ClaimTable(dict):
    """stack name -> r after each convolution; shows itself as a Markdown table in which
    the book summary's numbers (5 or 7 at layer 2, 11 at layer 3) are marked."""

    def _repr_markdown_(self) -> str:
        depth = max(len(v) for v in self.values())
        head = "| stack | " + " | ".join(f"layer {i}" for i in range(1, depth + 1)) + " |"
        lines = [head, "|---|" + "---|" * depth]
        for name, sizes in self.items():
            cells = []
            for i, r in enumerate(sizes, start=1):
                claimed = (i == 2 and r in (5, 7)) or (i == 3 and r == 11)
                cells.append(f"**{r}** ✓" if claimed else f"{r}")
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        return "\n".join(lines)


def claim_table(depth: int = 3) -> ClaimTable:
    """r after each of the first ``depth`` convolutions, for every preset: which stacks make
    layer 2 see 5 or 7 and layer 3 see 11 (the book summary's claim)."""
    depth = _checks.integer(depth, "depth", minimum=1)
    if depth > MAX_DEPTH:
        raise ValueError(f"depth must be at most {MAX_DEPTH}, got {depth}")
    return ClaimTable(
        {name: [f.size for f in conv_fields(preset_stack(name, depth))] for name in PRESETS}
    )


# -- real networks (the layer lists of ``networks``, shared with lesson 04) ------------------


def network_layers(network) -> list[dict]:
    """A ``networks.Network`` as a named layer list for ``layer_fields``: its main path (for
    ResNet-50 the 1x1 → 3x3 → 1x1 convolutions of every block; a projection shortcut is a
    1x1 and never sees more), without the dense layers and without a global pooling layer at
    the end (it pools the whole map: every input pixel)."""
    if not isinstance(network, Network):
        raise TypeError(
            f"network must be a Network (e.g. networks.vgg16()), got {type(network).__name__}"
        )
    layers = []
    for layer, before, after in layer_shapes(network):
        if layer.path != "main" or layer.kind == "dense":
            continue
        if layer.kind != "conv" and after[1:] == (1, 1) and layer.kernel >= before[1]:
            continue  # global pooling
        layers.append({"name": layer.name, **layer.receptive_spec})
    return layers


def network_fields(network) -> FieldTable:
    """r, S and P after every layer of ``network``'s main path (see ``network_layers``)."""
    return layer_fields(network_layers(network))


#: the networks of lesson 06's table, by name
NETWORKS = {
    "AlexNet (torchvision)": alexnet,
    "VGG-16": vgg16,
    "ResNet-50 (paper: stride on the first 1x1)": lambda: resnet50("1x1"),
    "ResNet-50 (torchvision v1.5: stride on the 3x3)": lambda: resnet50("3x3"),
}


class NetworkTable(list):
    """Rows (name, last layer, ReceptiveField, input side); a Markdown table in a notebook."""

    def _repr_markdown_(self) -> str:
        lines = [
            "| network | last layer | r | S | P | input |",
            "|---|---|---|---|---|---|",
        ]
        for name, last, rf, side in self:
            more = " (more than the input)" if rf.size > side else ""
            lines.append(
                f"| {name} | {last} | **{rf.size}**{more} | {rf.stride} | {rf.padding} | {side} |"
            )
        return "\n".join(lines)


def networks_table() -> NetworkTable:
    """The receptive field of the last layer before the classifier (and before a global
    pooling layer) of each network in ``NETWORKS``, at its 224 x 224 input."""
    table = NetworkTable()
    for name, make in NETWORKS.items():
        network = make()
        rows = network_fields(network)
        table.append((name, rows[-1].name, rows[-1].field, network.input_shape[1]))
    return table


# -- the 2-D region of a unit ----------------------------------------------------------------


def _unit(unit) -> tuple[int, int]:
    if not isinstance(unit, (tuple, list)) or len(unit) != 2:
        raise TypeError(f"unit must be a pair (row, col) of integers, got {_checks._shown(unit)}")
    return (
        _checks.integer(unit[0], "unit[0] (row)", minimum=0),
        _checks.integer(unit[1], "unit[1] (col)", minimum=0),
    )


def unit_region(layers, unit) -> tuple[tuple[int, int], tuple[int, int]]:
    """First and last input row, first and last input column (inclusive) that unit
    ``(row, col)`` of the last layer sees, when every layer acts alike on both axes (square
    kernels). Positions outside the image are padding."""
    row, col = _unit(unit)
    rf = receptive_field(layers)
    return rf.span(row), rf.span(col)


def _output_shape(layers, shape) -> tuple[int, int]:
    """How many units the last layer has along each axis of an input of ``shape``."""
    from cnnlessons.numerics.geometry import output_size
    from cnnlessons.numerics.receptive import _layers

    out = []
    for n in shape:
        for layer in _layers(layers):
            try:
                n = output_size(n, layer["kernel"], layer["stride"], layer["padding"],
                                layer["dilation"])  # fmt: skip
            except ValueError:
                raise ValueError(
                    f"input_shape {tuple(shape)} is too small for these layers"
                ) from None
        out.append(n)
    return out[0], out[1]


def region_mask(layers, unit, input_shape) -> np.ndarray:
    """Boolean mask over an input of ``input_shape`` (rows, cols): the pixels unit
    ``(row, col)`` sees (its region clipped to the image)."""
    h, w = _checks.shape(input_shape, "input_shape", lengths=(2,))
    _checks.size_limit(h * w, "input_shape", "use a smaller input")
    row, col = _unit(unit)
    (r0, r1), (c0, c1) = unit_region(layers, unit)
    oh, ow = _output_shape(layers, (h, w))
    if row >= oh or col >= ow:
        raise ValueError(
            f"unit {(row, col)} does not exist: these layers turn a {h} x {w} input into "
            f"{oh} x {ow} units (rows 0..{oh - 1}, columns 0..{ow - 1})"
        )
    mask = np.zeros((h, w), dtype=bool)
    mask[max(r0, 0) : max(r1 + 1, 0), max(c0, 0) : max(c1 + 1, 0)] = True
    return mask


# -- the effective receptive field ------------------------------------------------------------

MAX_ERF_DEPTH = 256
MAX_ERF_KERNEL = 64


def _nk(n, k):
    n = _checks.integer(n, "n", minimum=1)
    k = _checks.integer(k, "k", minimum=1)
    if n > MAX_ERF_DEPTH:
        raise ValueError(f"n must be at most {MAX_ERF_DEPTH} layers, got {n}")
    if k > MAX_ERF_KERNEL:
        raise ValueError(f"k must be at most {MAX_ERF_KERNEL}, got {k}")
    return n, k


def path_counts(n: int, k: int) -> list[int]:
    """How many paths lead from each of the n(k − 1) + 1 input pixels to the top unit of a
    stack of n k-tap layers (stride 1): the coefficients of (1 + x + … + x^(k−1))^n, exact
    Python integers. This is the n-fold convolution of an all-ones kernel."""
    n, k = _nk(n, k)
    _checks.python_work(
        n * (n * (k - 1) + 1) * k, "n * k * n(k - 1) (the paths counted)", "use fewer layers"
    )
    counts = [1]
    for _ in range(n):
        out = [0] * (len(counts) + k - 1)
        for i, c in enumerate(counts):
            for j in range(k):
                out[i + j] += c
        counts = out
    return counts


def impulse_response(n: int, k: int) -> np.ndarray:
    """The top unit's response to an impulse at each input pixel, for n stacked uniform
    k-tap averaging kernels (weights 1/k): ``path_counts / k**n``. It sums to 1; its
    variance is ``erf_variance(n, k)``."""
    counts = path_counts(n, k)
    total = k**n
    return np.array([c / total for c in counts])


def erf_variance(n: int, k: int) -> float:
    """n·(k² − 1)/12: a uniform k-tap kernel has variance (k² − 1)/12, and variances add
    under convolution."""
    n, k = _nk(n, k)
    return n * (k * k - 1) / 12


def distribution_variance(weights) -> float:
    """Variance of the pixel position, weighting pixel i by ``weights[i]`` (>= 0)."""
    w = _checks.array(weights, "weights", ndims=(1,))
    if (w < 0).any() or not np.isfinite(w).all():
        raise ValueError("weights must be finite and >= 0")
    total = w.sum()
    if total <= 0:
        raise ValueError("weights must not all be 0")
    x = np.arange(w.size)
    mean = (w * x).sum() / total
    return float((w * (x - mean) ** 2).sum() / total)


def gaussian(n: int, k: int, positions=None) -> np.ndarray:
    """The Gaussian with the impulse response's mean and variance, as a density over the
    pixels 0 … n(k − 1) (or over ``positions``): the curve the response approaches."""
    n, k = _nk(n, k)
    x = (
        np.arange(n * (k - 1) + 1, dtype=float)
        if positions is None
        else _checks.array(positions, "positions", ndims=(1,))
    )
    mean, var = n * (k - 1) / 2, erf_variance(n, k)
    if var == 0:
        return (x == mean).astype(float)
    return np.exp(-((x - mean) ** 2) / (2 * var)) / math.sqrt(2 * math.pi * var)


def effective_width(n: int, k: int) -> float:
    """Width of the band ±1.96σ around the centre (95 % of a Gaussian's weight), in pixels:
    2·1.96·√(n(k² − 1)/12). Grows like √n, while r = n(k − 1) + 1 grows like n."""
    return 2 * 1.96 * math.sqrt(erf_variance(n, k))


def erf_2d(n: int, k: int) -> np.ndarray:
    """The 2-D impulse response of n stacked uniform k x k kernels: the outer product of the
    1-D one (the kernel is separable), an (r x r) array summing to 1."""
    n, k = _nk(n, k)
    r = n * (k - 1) + 1
    _checks.size_limit(r * r, "n and k (the r x r response, r = n(k - 1) + 1)",
                       "use fewer layers or a smaller kernel")  # fmt: skip
    profile = impulse_response(n, k)
    return np.outer(profile, profile)


MAX_TRIALS = 20_000
MAX_CHANNELS = 16


def random_erf(
    n: int,
    k: int,
    *,
    trials: int = 500,
    channels: int = 1,
    relu: bool = False,
    seed: int = 0,
    normalise: bool = True,
) -> np.ndarray:
    """The effective receptive field of random networks, by Monte Carlo (1-D).

    ``trials`` random networks of n layers of k-tap "valid" convolutions with ``channels``
    channels (weights i.i.d. normal, mean 0, variance 1/(channels·k); no bias), each on an
    input of r = n(k − 1) + 1 pixels: the gradient of the top unit (channel 0) with respect to
    every input pixel, squared, averaged over the networks (and the input channels). For a
    linear stack this is the impulse response; with ``relu=True`` a ReLU follows every layer
    but the last, the input is random (standard normal), and the gradient passes only through
    the units that are on.

    Without ReLUs, E[response²] counts the paths from each pixel (the weights are independent
    with mean 0, so cross terms between different paths vanish): it is proportional to
    ``path_counts(n, k)``, the shape of ``impulse_response(n, k)``. One network alone is far
    from that shape (a product of random numbers is heavy-tailed): average many. Returns the mean
    (normalised to sum 1 unless ``normalise=False``), length r. Seeded: the same arguments
    give the same array.
    """
    n, k = _nk(n, k)
    trials = _checks.integer(trials, "trials", minimum=1)
    if trials > MAX_TRIALS:
        raise ValueError(f"trials must be at most {MAX_TRIALS}, got {trials}")
    c = _checks.integer(channels, "channels", minimum=1)
    if c > MAX_CHANNELS:
        raise ValueError(f"channels must be at most {MAX_CHANNELS}, got {c}")
    relu = _checks.boolean(relu, "relu")
    seed = _checks.seed(seed)
    normalise = _checks.boolean(normalise, "normalise")
    rng = np.random.default_rng(seed)
    width = n * (k - 1) + 1
    _checks.size_limit(n * trials * c * c * k, "n * trials * channels**2 * k (the weights)",
                       "use fewer trials, layers or channels")  # fmt: skip
    _checks.size_limit(n * trials * c * width, "n * trials * channels * r (the activations)",
                       "use fewer trials, layers or channels")  # fmt: skip
    _checks.work(n * trials * c * c * k * width, "n * trials * channels**2 * k * r",
                 "use fewer trials, layers or channels")  # fmt: skip
    weights = [rng.normal(0.0, 1.0 / math.sqrt(c * k), size=(trials, c, c, k)) for _ in range(n)]
    masks = []
    if relu:  # forward pass: remember which units are on
        from numpy.lib.stride_tricks import sliding_window_view

        x = rng.normal(size=(trials, c, width))
        for layer, w in enumerate(weights):
            windows = sliding_window_view(x, k, axis=2)  # (t, c, out, k)
            x = np.einsum("tocj,tcij->toi", w, windows)
            if layer < n - 1:
                masks.append(x > 0)
                x = np.maximum(x, 0.0)
    grad = np.zeros((trials, c, 1))
    grad[:, 0, 0] = 1.0
    for layer in range(n - 1, -1, -1):
        if relu and layer < n - 1:
            grad = grad * masks[layer]
        w = weights[layer]
        out = grad.shape[2]
        below = np.zeros((trials, c, out + k - 1))
        for j in range(k):
            below[:, :, j : j + out] += np.einsum("toc,toi->tci", w[..., j], grad)
        grad = below
    mean = (grad**2).mean(axis=(0, 1))
    if normalise and mean.sum() > 0:
        mean = mean / mean.sum()
    return mean
