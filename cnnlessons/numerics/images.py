"""Example inputs and kernels that need no download (no plotting).

Every function returns a new array the caller may change; ``KERNELS`` itself is read-only.
Images may hold at most ``MAX_ELEMENTS`` pixels (checked before anything is allocated).
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np

from cnnlessons import _checks

__all__ = ["edge_example", "KERNELS", "kernel", "step_edge", "checkerboard", "grace_hopper"]


def _frozen(rows) -> np.ndarray:
    a = np.array(rows, dtype=np.float64)
    a.flags.writeable = False
    return a


#: The classic kernels, named as the lessons name them. Cross-correlation: "vertical edge"
#: responds positively where bright is on the left and dark on the right. Read-only (a
#: mapping that cannot be changed, of arrays that cannot be written): take a copy to
#: experiment, ``kernel("blur")``, so that no explorer or lesson sees the change.
KERNELS = MappingProxyType(
    {
        "vertical edge": _frozen([[1.0, 0.0, -1.0]] * 3),
        "horizontal edge": _frozen([[1.0, 1.0, 1.0], [0.0, 0.0, 0.0], [-1.0, -1.0, -1.0]]),
        "blur": _frozen(np.full((3, 3), 1.0 / 9.0)),
        "sharpen": _frozen([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]),
        "identity": _frozen([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 0.0]]),
    }
)

_LARGE = "use a smaller image (the lessons use at most 600 x 512)"


def kernel(name: str) -> np.ndarray:
    """A copy of one of ``KERNELS`` (3 x 3), free to change.

    >>> kernel("vertical edge")
    array([[ 1.,  0., -1.],
           [ 1.,  0., -1.],
           [ 1.,  0., -1.]])
    """
    name = _checks.choice(name, "name", tuple(KERNELS))
    return KERNELS[name].copy()


def edge_example() -> np.ndarray:
    """The 6 x 6 image of the classic example: left half 10s, right half 0s."""
    x = np.zeros((6, 6))
    x[:, :3] = 10.0
    return x


def step_edge(height: int = 8, width: int = 8, column: int | None = None, high=1.0, low=0.0):
    """A vertical step: ``high`` left of ``column`` (default: the middle), ``low`` from it on."""
    h = _checks.integer(height, "height", minimum=1)
    w = _checks.integer(width, "width", minimum=1)
    c = w // 2 if column is None else _checks.integer(column, "column", minimum=0)
    if c > w:
        raise ValueError(f"column must be between 0 and width={w}, got {c}")
    high = _checks.real(high, "high")
    low = _checks.real(low, "low")
    _checks.size_limit(h * w, "height x width", _LARGE)
    x = np.full((h, w), low)
    x[:, :c] = high
    return x


def checkerboard(size: int = 8, square: int = 1) -> np.ndarray:
    """A ``size`` x ``size`` board of 0s and 1s in ``square`` x ``square`` blocks."""
    n = _checks.integer(size, "size", minimum=1)
    q = _checks.integer(square, "square", minimum=1)
    _checks.size_limit(n * n, "size x size", _LARGE)
    q = min(q, n)  # a square larger than the board is the whole board
    idx = np.arange(n) // q
    return ((idx[:, None] + idx[None, :]) % 2).astype(float)


def grace_hopper(step: int = 1) -> np.ndarray:
    """Grace Hopper's portrait (ships with matplotlib), grey, values in [0, 1], 600 x 512.

    ``step`` keeps every step-th pixel (2 gives 300 x 256), for quick lessons.
    """
    import matplotlib.cbook as cbook
    import matplotlib.image as mimage

    s = _checks.integer(step, "step", minimum=1)
    with cbook.get_sample_data("grace_hopper.jpg") as f:
        rgb = mimage.imread(f, format="jpg").astype(float) / 255.0
    grey = rgb[..., :3] @ np.array([0.299, 0.587, 0.114])  # ITU-R BT.601 luma
    s = min(s, max(grey.shape))  # a step past the edge keeps the first pixel only
    return grey[::s, ::s].copy()
