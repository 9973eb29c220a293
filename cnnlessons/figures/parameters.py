"""Figures of lesson 03 about counting parameters (no widgets).

- ``param_growth_plot``: dense against convolutional parameters as the image grows.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..conv import output_size
from ..counting import conv_params, dense_params
from ..style import COLORS, FONT

__all__ = ["param_growth_plot"]


def param_growth_plot(ax, sides, in_channels=3, out_channels=6, kernel_size=5) -> dict:
    """Parameters (weights and biases) of one layer on square images of side s for s in
    ``sides``, on log-log axes (a power law is a straight line): a dense layer from the
    s x s x C input to the output a "valid" convolution has ((s - k + 1)² x F values),
    against the convolution itself, F·(k·k·C + 1) whatever s is: a flat line.

    Returns ``{"dense": Line2D, "conv": Line2D}``; the plotted numbers are in their data.
    """
    if isinstance(sides, (str, bytes)) or not np.iterable(sides):
        raise TypeError(f"sides must be a list of image sides (integers), got {sides!r}")
    sides = sorted(_checks.integer(s, "sides[i]", minimum=1) for s in sides)
    if len(sides) < 2:
        raise ValueError(f"sides must hold at least 2 image sides, got {len(sides)}")
    c = _checks.integer(in_channels, "in_channels", minimum=1)
    f = _checks.integer(out_channels, "out_channels", minimum=1)
    k = _checks.integer(kernel_size, "kernel_size", minimum=1)
    if sides[0] < k:
        raise ValueError(
            f"sides must all be >= kernel_size={k} (the kernel must fit), got {sides[0]}"
        )
    s = np.array(sides, dtype=float)
    side = "s" if k == 1 else f"(s−{k - 1})"
    dense = [dense_params(v * v * c, output_size(v, k) ** 2 * f) for v in sides]
    conv = [conv_params(c, f, k)] * len(sides)
    (line_dense,) = ax.loglog(
        s,
        np.array(dense, dtype=float),
        "o-",
        color=COLORS["input"],
        lw=2.5,
        label=f"dense: {c}·s² inputs × {f}·{side}² outputs",
    )
    (line_conv,) = ax.loglog(
        s,
        np.array(conv, dtype=float),
        "s-",
        color=COLORS["kernel"],
        lw=2.5,
        label=f"convolution: F·(k·k·C + 1) = {f}·({k}·{k}·{c} + 1) = {conv[0]:,}",
    )
    ax.set_xticks(s, [f"{v:g}" for v in s], minor=False)
    ax.set_xticks([], minor=True)
    ax.set_xlabel("image side s (pixels)")
    ax.set_ylabel("parameters")
    ax.legend(loc="upper left", fontsize=FONT["small"], frameon=False)
    ax.grid(True, which="major", alpha=0.3)
    return {"dense": line_dense, "conv": line_conv}
