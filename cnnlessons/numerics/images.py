"""Example inputs and kernels that need no download (no plotting).

Every function returns a new array the caller may change; ``KERNELS`` itself is read-only.
Images may hold at most ``MAX_ELEMENTS`` pixels (checked before anything is allocated).
"""

from __future__ import annotations

import os
from types import MappingProxyType

import numpy as np

from cnnlessons import _checks

__all__ = [
    "edge_example",
    "KERNELS",
    "kernel",
    "step_edge",
    "checkerboard",
    "grace_hopper",
    "photo",
    "photo_rgb",
    "MIN_PHOTO_SIDE",
]


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


#: The smallest photo side ``photo`` accepts: the lessons' 3 x 3 kernels, pools and stacks
#: need room, and a smaller picture shows nothing a learner can see.
MIN_PHOTO_SIDE = 16
_LUMA = np.array([0.299, 0.587, 0.114])  # ITU-R BT.601, as grace_hopper


def photo(
    image=None, *, step: int = 1, name: str = "image", min_side: int = MIN_PHOTO_SIDE
) -> np.ndarray:
    """A photograph as the lessons use it: grey, float64, values in [0, 1], every ``step``-th
    pixel. Every figure and explorer that shows a photo reads its ``image=`` argument here.

    ``image`` is ``None`` (Grace Hopper's portrait, ``grace_hopper``), a 2-D array (grey),
    an ``(H, W, 3)`` or ``(H, W, 4)`` array (RGB, RGBA: the alpha is dropped; grey is the
    BT.601 luma), or the path of an image file (PNG; JPEG and others through Pillow), read
    with ``matplotlib.image.imread``. Integer pixels are divided by their type's largest value
    (255 for 8 bits); float pixels already in [0, 1] are kept, others are rescaled so that
    the smallest is 0 and the largest 1. The result is at least ``min_side`` pixels on
    each side and at most ``MAX_ELEMENTS`` pixels (after ``step``): pass a smaller picture,
    or ``step=2``, ``4``, ... for a large one.

    >>> grey = photo(np.array([[0, 255], [255, 0]] * 8, dtype=np.uint8).repeat(8, axis=1))
    >>> grey.shape, float(grey.max())
    ((16, 16), 1.0)
    """
    s = _checks.integer(step, "step", minimum=1)
    if image is None:
        return grace_hopper(step=s)
    arr = _pixels(image, s, name, _checks.integer(min_side, "min_side", minimum=1))
    if arr.ndim == 3:
        arr = arr[..., :3] @ _LUMA
    return np.ascontiguousarray(arr)


def photo_rgb(image=None, *, step: int = 1, name: str = "image") -> np.ndarray:
    """``photo`` in colour: ``(H, W, 3)``, float64, values in [0, 1]. ``None`` is Grace
    Hopper's portrait in colour; a grey picture (2-D array or file) gets three equal
    channels; RGBA drops its alpha. Same checks as ``photo``."""
    s = _checks.integer(step, "step", minimum=1)
    if image is None:
        import matplotlib.cbook as cbook
        import matplotlib.image as mimage

        with cbook.get_sample_data("grace_hopper.jpg") as f:
            rgb = mimage.imread(f, format="jpg").astype(float) / 255.0
        return np.ascontiguousarray(rgb[::s, ::s, :3])
    arr = _pixels(image, s, name)
    if arr.ndim == 2:
        arr = np.repeat(arr[..., None], 3, axis=2)
    return np.ascontiguousarray(arr[..., :3])


def _pixels(image, s: int, name: str, min_side: int = MIN_PHOTO_SIDE) -> np.ndarray:
    """The checked pixels of a learner's picture, every ``s``-th, float64 in [0, 1]: ``(H, W)``
    or ``(H, W, 3 or 4)``."""
    if isinstance(image, (str, os.PathLike)):
        image = _read(image, name)
    elif isinstance(image, bytes):
        raise TypeError(f"{name} must be an array or a file path (str), got bytes")
    if isinstance(image, np.ma.MaskedArray):
        raise TypeError(f"{name} must be a plain array: a masked array's mask would be ignored")
    if isinstance(image, np.ndarray):
        image = image.view(np.ndarray)  # a subclass's methods are never called
    else:
        if isinstance(image, (list, tuple)):
            try:
                image = np.asarray(image)
            except (ValueError, TypeError, OverflowError) as exc:  # ragged lists, huge ints
                raise ValueError(
                    f"{name} must be a rectangular array of numbers: {str(exc)[:120]}"
                ) from None
        else:
            raise TypeError(
                f"{name} must be a 2-D (grey) or (H, W, 3) (RGB) numpy array or an image "
                f"file's path, got {type(image).__name__}"
            )
    arr = image
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or arr.dtype == bool
    ) or np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if not (arr.ndim == 2 or (arr.ndim == 3 and arr.shape[2] in (3, 4))):
        raise ValueError(
            f"{name} must be 2-D (H, W) grey or (H, W, 3) RGB / (H, W, 4) RGBA, "
            f"got shape {arr.shape}"
        )
    arr = arr[::s, ::s]
    h, w = arr.shape[:2]
    if min(h, w) < min_side:
        raise ValueError(
            f"{name} must be at least {min_side} x {min_side} pixels (after "
            f"step={s}), got {h} x {w}"
        )
    _checks.size_limit(
        h * w, f"{name} ({h} x {w} pixels after step={s})",
        "pass a smaller picture, or step=2, 4, ... to keep every 2nd, 4th, ... pixel",
    )  # fmt: skip
    if np.issubdtype(arr.dtype, np.integer):
        top = np.iinfo(arr.dtype).max if arr.min() >= 0 else None
        arr = arr.astype(np.float64)
        if top is not None:
            arr = arr / top
    else:
        arr = arr.astype(np.float64)
    if arr.ndim == 3:
        arr = arr[..., :3]  # the alpha channel says nothing about brightness
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite values")
    lo, hi = float(arr.min()), float(arr.max())
    if lo < 0 or hi > 1:
        arr = (arr - lo) / (hi - lo) if hi > lo else np.zeros_like(arr)
    return arr


def _read(path, name: str) -> np.ndarray:
    """The pixels of an image file, as ``matplotlib.image.imread`` gives them."""
    import matplotlib.image as mimage

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ValueError(f"{name}: there is no file at {path!r}")
    try:
        return mimage.imread(path)
    except Exception as exc:  # Pillow and matplotlib raise many kinds
        raise ValueError(
            f"{name}: could not read {path!r} as an image ({type(exc).__name__}: {exc})"
        ) from None
