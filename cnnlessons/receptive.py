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

from . import _checks
from .conv import avg_pool2d, conv2d, max_pool2d

__all__ = ["ReceptiveField", "receptive_field", "measured_receptive_field", "LAYER_OPS"]

LAYER_OPS = ("conv", "max", "avg")
_KEYS = ("kernel", "stride", "padding", "dilation", "op")


@dataclass(frozen=True)
class ReceptiveField:
    """Receptive field of the last layer's units, in input pixels (along one axis)."""

    size: int
    stride: int
    padding: int

    def span(self, unit: int) -> tuple[int, int]:
        """First and last input pixel (inclusive) that ``unit`` of the last layer sees;
        negative or past-the-end positions are padding."""
        u = _checks.integer(unit, "unit", minimum=0)
        start = u * self.stride - self.padding
        return start, start + self.size - 1


def _layer(item, position: int) -> dict:
    name = f"layers[{position}]"
    if isinstance(item, Mapping):
        unknown = set(item) - set(_KEYS)
        if unknown:
            raise ValueError(f"{name} has unknown keys {sorted(unknown)}; allowed: {_KEYS}")
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
    return {
        "kernel": _checks.integer(spec["kernel"], f"{name} kernel", minimum=1),
        "stride": _checks.integer(spec["stride"], f"{name} stride", minimum=1),
        "padding": _checks.integer(spec["padding"], f"{name} padding", minimum=0),
        "dilation": _checks.integer(spec["dilation"], f"{name} dilation", minimum=1),
        "op": _checks.choice(spec["op"], f"{name} op", LAYER_OPS),
    }


def _layers(layers) -> list[dict]:
    if isinstance(layers, (str, bytes, Mapping)) or not isinstance(layers, Sequence):
        raise TypeError(
            "layers must be a list of (kernel, stride, padding[, dilation]) tuples or mappings"
        )
    if len(layers) == 0:
        raise ValueError("layers must hold at least one layer")
    return [_layer(item, n) for n, item in enumerate(layers)]


def receptive_field(layers) -> ReceptiveField:
    """The closed form: size, effective stride and effective padding of the last layer.

    ``layers`` items: ``(kernel, stride, padding)``, ``(kernel, stride, padding, dilation)``,
    or mappings with keys ``kernel`` and optionally ``stride`` (1), ``padding`` (0),
    ``dilation`` (1) and ``op`` (``"conv"``, ``"max"`` or ``"avg"``: a pooling layer is just a
    layer, and the op does not change the field).

    >>> receptive_field([(3, 1, 1)] * 3).size
    7
    """
    size, stride, padding = 1, 1, 0
    for layer in _layers(layers):
        span = layer["dilation"] * (layer["kernel"] - 1) + 1
        size += (span - 1) * stride
        padding += layer["padding"] * stride
        stride *= layer["stride"]
    return ReceptiveField(size, stride, padding)


def _forward(x: np.ndarray, layer: dict) -> np.ndarray:
    """Push a batch of 1-D signals (one per row) through one layer, along the columns."""
    k, s, p, d = layer["kernel"], layer["stride"], layer["padding"], layer["dilation"]
    if layer["op"] == "conv":
        return conv2d(x, np.ones((1, k)), stride=(1, s), padding=(0, p), dilation=(1, d))
    if d != 1:
        raise ValueError("measured_receptive_field supports dilation only for 'conv' layers")
    pool = max_pool2d if layer["op"] == "max" else avg_pool2d
    if 2 * p > k:  # pooling allows at most half a kernel of padding: pad with zeros first
        x, p = np.pad(x, ((0, 0), (p, p))), 0
    return pool(x, (1, k), stride=(1, s), padding=(0, p))


def _measure(specs, n: int) -> ReceptiveField | None:
    """Impulse responses on an input of n pixels; None if the middle unit's field is clipped."""
    try:
        response = np.eye(n)  # row j: the response to an impulse at input position j
        for layer in specs:
            response = _forward(response, layer)
    except ValueError:
        return None  # the input is too small for these layers
    sees = response.T != 0  # (units, inputs): which inputs each last-layer unit responds to
    u = sees.shape[0] // 2
    if u + 1 >= sees.shape[0] or not sees[u].any() or not sees[u + 1].any():
        return None
    first, last = np.flatnonzero(sees[u])[[0, -1]]
    if first == 0 or last == n - 1:
        return None  # may run into the padding: not the whole field
    stride = int(np.flatnonzero(sees[u + 1])[0] - first)
    return ReceptiveField(
        size=int(last - first + 1), stride=stride, padding=int(u * stride - first)
    )


def measured_receptive_field(layers, input_size: int | None = None) -> ReceptiveField:
    """The receptive field found by experiment, not by formula.

    Each input position in turn gets an impulse (a 1 among 0s); the impulses go through the
    actual stacked operations (``conv2d`` with all-ones kernels, ``max_pool2d``,
    ``avg_pool2d``), and we record which units of the last layer respond. The middle unit
    tells the size (first to last input it responds to) and the padding; its right-hand
    neighbour tells the stride. Without ``input_size``, the input doubles from 16 pixels
    until two sizes in a row give the same answer.
    """
    specs = _layers(layers)
    if input_size is not None:
        n = _checks.integer(input_size, "input_size", minimum=1)
        found = _measure(specs, n)
        if found is None:
            raise ValueError(
                f"input_size={n} is too small: the middle unit's receptive field does not fit"
            )
        return found
    n, previous = 16, None
    while n <= 1 << 13:
        found = _measure(specs, n)
        if found is not None and found == previous:
            return found
        previous, n = found, 2 * n
    raise ValueError("these layers' receptive field is too large to measure (> 8192 pixels)")
