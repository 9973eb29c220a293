"""Receptive fields of stacked layers, by formula and by measurement (no plotting).

Along one axis, a stack of L layers (conv or pooling, each with kernel k, stride s, padding p,
dilation d) gives every unit of the last layer a receptive field in the input of

    size     r = 1 + sum_l (k_l' - 1) * prod_{i<l} s_i,   with k' = d (k - 1) + 1
    stride   S = prod_l s_l           (how far apart neighbouring units' fields start)
    padding  P = sum_l p_l * prod_{i<l} s_i

and unit u sees input pixels u*S - P ... u*S - P + r - 1 (Araujo, Norris & Sim, *Computing
Receptive Fields of Convolutional Neural Networks*, Distill 2019). Padding moves the field
but does not change its size.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from cnnlessons import _checks
from cnnlessons.numerics.conv import conv2d
from cnnlessons.numerics.geometry import _span
from cnnlessons.numerics.pooling import avg_pool2d, max_pool2d

__all__ = [
    "ReceptiveField",
    "receptive_field",
    "measured_receptive_field",
    "LAYER_OPS",
    "MAX_MEASURED_INPUT",
    "MAX_LAYERS",
    "MAX_MEASURED_LAYERS",
]

LAYER_OPS = ("conv", "max", "avg")
_KEYS = ("kernel", "stride", "padding", "dilation", "op")

#: The longest input ``measured_receptive_field`` pushes through the layers: 2**16 = 65,536
#: pixels. Measuring needs an input a little more than twice the field, so fields up to
#: about 30,000 pixels can be measured (a 12-layer stack of stride-2 3-tap layers has 8,191;
#: ResNet-50's is 483); ``receptive_field`` computes any field by formula.
MAX_MEASURED_INPUT = 2**16

#: The most layers a receptive field is computed for: 10,000 (ResNet-50's main path has 52).
MAX_LAYERS = 10_000

#: The most layers ``measured_receptive_field`` passes its signals through: each layer is a
#: few ``conv2d`` calls per bisection step, about 4 ms a layer in all (256 layers: a second).
MAX_MEASURED_LAYERS = 256


@dataclass(frozen=True)
class ReceptiveField:
    """Receptive field of the last layer's units, in input pixels (along one axis)."""

    size: int
    stride: int
    padding: int

    def __post_init__(self):
        _checks.integer(self.size, "size", minimum=1)
        _checks.integer(self.stride, "stride", minimum=1)
        _checks.integer(self.padding, "padding", minimum=0)

    def span(self, unit: int) -> tuple[int, int]:
        """First and last input pixel (inclusive) that ``unit`` of the last layer sees;
        negative or past-the-end positions are padding.

        >>> ReceptiveField(size=5, stride=1, padding=2).span(0)
        (-2, 2)
        """
        u = _checks.integer(unit, "unit", minimum=0)
        start = u * self.stride - self.padding
        return start, start + self.size - 1


def _layer(item, position: int) -> dict:
    name = f"layers[{position}]"
    if isinstance(item, Mapping):
        unknown = set(item) - set(_KEYS)
        if unknown:
            raise ValueError(
                f"{name} has unknown keys {sorted(map(str, unknown))}; allowed: {_KEYS}"
            )
        if "kernel" not in item:
            raise ValueError(f"{name} needs a 'kernel' entry")
        spec = {"stride": 1, "padding": 0, "dilation": 1, "op": "conv", **item}
    elif isinstance(item, (tuple, list)):
        if len(item) not in (3, 4):
            raise ValueError(
                f"{name} must be (kernel, stride, padding) or (kernel, stride, padding, "
                f"dilation), got {tuple(item)!r}"
            )
        spec = dict(zip(("kernel", "stride", "padding", "dilation"), item, strict=False))
        spec.setdefault("dilation", 1)
        spec["op"] = "conv"
    else:
        raise TypeError(f"{name} must be a tuple or a mapping, got {type(item).__name__}")
    layer = {
        "kernel": _checks.integer(spec["kernel"], f"{name} kernel", minimum=1),
        "stride": _checks.integer(spec["stride"], f"{name} stride", minimum=1),
        "padding": _checks.integer(spec["padding"], f"{name} padding", minimum=0),
        "dilation": _checks.integer(spec["dilation"], f"{name} dilation", minimum=1),
        "op": _checks.choice(spec["op"], f"{name} op", LAYER_OPS),
    }
    if layer["op"] != "conv" and layer["dilation"] != 1:
        raise ValueError(
            f"{name} dilation must be 1 for a pooling layer (op={layer['op']!r}), got "
            f"{layer['dilation']}: max_pool2d and avg_pool2d have no dilation; use op='conv' "
            "for a dilated layer"
        )
    return layer


def _layers(layers) -> list[dict]:
    if isinstance(layers, (str, bytes, Mapping)) or not isinstance(layers, Sequence):
        raise TypeError(
            "layers must be a list of (kernel, stride, padding[, dilation]) tuples or mappings"
        )
    if len(layers) == 0:
        raise ValueError("layers must hold at least one layer")
    _checks.size_limit(len(layers), "layers", "use fewer layers", limit=MAX_LAYERS,
                       limit_name="MAX_LAYERS")  # fmt: skip
    return [_layer(item, n) for n, item in enumerate(layers)]


def receptive_field(layers) -> ReceptiveField:
    """The closed form: size, effective stride and effective padding of the last layer.

    ``layers`` items: ``(kernel, stride, padding)``, ``(kernel, stride, padding, dilation)``,
    or mappings with keys ``kernel`` and optionally ``stride`` (1), ``padding`` (0),
    ``dilation`` (1, conv only) and ``op`` (``"conv"``, ``"max"`` or ``"avg"``: a pooling
    layer is just a layer, and the op does not change the field). ``measured_receptive_field``
    accepts and refuses exactly the same layers.

    Stacked 3 x 3 layers see 3, 5, 7 pixels; 5 x 5 layers 5, 9, 13; three stride-2 layers
    space their units 8 pixels apart:

    >>> [receptive_field([(3, 1, 1)] * depth).size for depth in (1, 2, 3)]
    [3, 5, 7]
    >>> [receptive_field([(5, 1, 2)] * depth).size for depth in (1, 2, 3)]
    [5, 9, 13]
    >>> receptive_field([(3, 2, 1)] * 3)
    ReceptiveField(size=15, stride=8, padding=7)
    """
    size, stride, padding = 1, 1, 0
    for layer in _layers(layers):
        size += (_span(layer["kernel"], layer["dilation"]) - 1) * stride
        padding += layer["padding"] * stride
        stride *= layer["stride"]
    return ReceptiveField(size, stride, padding)


def _forward(x: np.ndarray, layer: dict) -> np.ndarray:
    """Push a batch of 1-D signals (one per row) through one layer, along the columns."""
    k, s, p, d = layer["kernel"], layer["stride"], layer["padding"], layer["dilation"]
    if layer["op"] == "conv":
        return conv2d(x, np.ones((1, k)), stride=(1, s), padding=(0, p), dilation=(1, d))
    if layer["op"] == "avg":
        return avg_pool2d(x, (1, k), stride=(1, s), padding=(0, p))
    # padding never wins (PyTorch's max pooling); beyond half a window, zeros: the same for
    # the non-negative signals sent through here
    mode = "ignore" if 2 * p <= k else "zeros"
    return max_pool2d(x, (1, k), stride=(1, s), padding=(0, p), padding_mode=mode)


_LONGEST_SIGNAL = 2**20  # pixels of a padded signal inside the measurement (4 at a time)


def _units(specs, n: int) -> int | None:
    """How many units the last layer has for an input of n pixels; None if a layer's
    window does not fit in its (padded) input."""
    for position, layer in enumerate(specs):
        padded = n + 2 * layer["padding"]
        if padded > _LONGEST_SIGNAL:
            raise ValueError(
                f"layers[{position}] padding={layer['padding']} makes the signal {padded:,} "
                f"pixels long inside the measurement, more than {_LONGEST_SIGNAL:,}: too large "
                "to measure; receptive_field computes it by formula"
            )
        room = padded - _span(layer["kernel"], layer["dilation"])
        if room < 0:
            return None
        n = room // layer["stride"] + 1
    return n


def _clean(specs, n: int) -> np.ndarray:
    """Which units of the last layer reach no padding at any layer (their whole field lies
    in the input): all-ones through each layer's windows, kept where every tap was clean."""
    clean = np.ones((1, n))
    for layer in specs:
        k = layer["kernel"]
        window = dict(stride=(1, layer["stride"]), padding=(0, layer["padding"]))
        out = conv2d(clean, np.ones((1, k)), dilation=(1, layer["dilation"]), **window)
        clean = (out == k).astype(float)  # exact: sums of k ones
    return clean[0] > 0


def _measure(specs, n: int) -> ReceptiveField | None:
    """The field of the middle unit and its right-hand neighbour on an input of n pixels,
    found by bisection; None if the input is too small for the layers or for the field."""
    units = _units(specs, n)
    if units is None or units < 2:
        return None
    u = units // 2 - (1 if units % 2 == 0 else 0)  # the middle unit, with a right neighbour
    if not _clean(specs, n)[[u, u + 1]].all():
        return None  # their fields run into padding: the input is too small to see them whole
    watched = np.array([u, u, u + 1, u + 1])
    first = np.array([True, False, True, False])  # searching a first (True) or last pixel

    def responds(cut: np.ndarray) -> np.ndarray:
        """Row r: ones on pixels 0..cut[r] (a first-pixel search) or cut[r]..n-1 (a last)."""
        pixels = np.arange(n)
        x = np.where(first[:, None], pixels <= cut[:, None], pixels >= cut[:, None])
        for layer in specs:
            x = _forward(x.astype(float), layer)
        return x[np.arange(4), watched] > 0

    lo, hi = np.zeros(4, dtype=np.int64), np.full(4, n - 1, dtype=np.int64)
    while (lo < hi).any():
        mid = np.where(first, (lo + hi) // 2, (lo + hi + 1) // 2)
        yes = responds(mid)
        # first pixel: the smallest cut that responds; last pixel: the largest
        hi = np.where(first & yes, mid, np.where(~first & ~yes, mid - 1, hi))
        lo = np.where(first & ~yes, mid + 1, np.where(~first & yes, mid, lo))
    start, end, next_start = int(lo[0]), int(lo[1]), int(lo[2])
    stride = next_start - start
    return ReceptiveField(size=end - start + 1, stride=stride, padding=u * stride - start)


def measured_receptive_field(layers, input_size=None) -> ReceptiveField:
    """The receptive field found by experiment, not by formula.

    Inputs of 0s and 1s go through the actual stacked operations (``conv2d`` with all-ones
    kernels, ``max_pool2d``, ``avg_pool2d``); for such non-negative inputs a unit of the last
    layer responds (is above 0) exactly when some pixel of its receptive field is 1. Lighting
    pixels 0..m and asking whether the middle unit responds, for m found by bisection, gives
    the first pixel it sees; lighting m..end gives the last (size, and padding); its
    right-hand neighbour's first pixel gives the stride. About log2(n) passes of 4 signals
    instead of n impulses, so long inputs are cheap. The measurement counts only when no
    window on the way from the input to these two units reaches padding (otherwise part of
    their field lies outside the input).

    Without ``input_size``, the input doubles from 16 pixels until two sizes in a row give
    the same answer, up to ``MAX_MEASURED_INPUT``. Accepts and refuses the same layers as
    ``receptive_field``, and agrees with it:

    >>> measured_receptive_field([(3, 1, 1)] * 3)
    ReceptiveField(size=7, stride=1, padding=3)
    """
    specs = _layers(layers)
    _checks.size_limit(len(specs), "layers (to measure)", "receptive_field computes any "
                       "field by formula", limit=MAX_MEASURED_LAYERS,
                       limit_name="MAX_MEASURED_LAYERS")  # fmt: skip
    if input_size is not None:
        n = _checks.integer(input_size, "input_size", minimum=1)
        if n > MAX_MEASURED_INPUT:
            raise ValueError(
                f"input_size must be at most {MAX_MEASURED_INPUT} (MAX_MEASURED_INPUT), got "
                f"{n}; receptive_field computes any field by formula"
            )
        found = _measure(specs, n)
        if found is None:
            raise ValueError(
                f"input_size={n} is too small: the middle unit's receptive field does not fit"
            )
        return found
    n, previous = 16, None
    while n <= MAX_MEASURED_INPUT:
        found = _measure(specs, n)
        if found is not None and found == previous:
            return found
        previous, n = found, 2 * n
    raise ValueError(
        f"these layers' receptive field is too large to measure on an input of at most "
        f"{MAX_MEASURED_INPUT} pixels (MAX_MEASURED_INPUT); receptive_field computes it by "
        "formula"
    )
