"""The series' visual language, in one place.

One colour per role, from the Okabe-Ito palette (distinguishable with the common forms of
colour blindness): the input is blue, the kernel orange, the output green and a receptive field
reddish purple. Signed values use a diverging colormap centred on zero; unsigned values a
perceptually uniform one. Fonts and lines are sized for a classroom projector.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "COLORS",
    "SIGNED_CMAP",
    "UNSIGNED_CMAP",
    "GREY_CMAP",
    "FONT",
    "LINE",
    "RC",
    "signed_limits",
]

COLORS = {
    "input": "#0072B2",  # blue
    "kernel": "#E69F00",  # orange
    "output": "#009E73",  # bluish green
    "receptive": "#CC79A7",  # reddish purple
    "muted": "#999999",
    "text": "#222222",
}

SIGNED_CMAP = "RdBu_r"  # diverging: negative blue, zero white, positive red
UNSIGNED_CMAP = "cividis"  # perceptually uniform, colour-blind safe
GREY_CMAP = "gray"  # photographs

FONT = {"small": 11, "normal": 13, "title": 15}
LINE = {"grid": 1.0, "highlight": 3.5}

#: matplotlib rc settings used by every figure of the series
RC = {
    "font.size": FONT["normal"],
    "axes.titlesize": FONT["title"],
    "axes.titleweight": "bold",
    "axes.labelsize": FONT["normal"],
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
}


def signed_limits(values, floor: float = 1e-12) -> tuple[float, float]:
    """(-m, m) with m the largest absolute value: zero sits in the colormap's middle."""
    m = float(np.max(np.abs(values))) if np.size(values) else 0.0
    m = max(m, floor)
    return -m, m
