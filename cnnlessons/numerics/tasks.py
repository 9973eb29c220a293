"""Data that lesson 05 learns from, generated here (no download; no plotting).

- ``pattern_task``: 16x16 noisy images, each holding one small pattern of one of two kinds
  (a plus or a cross) at a random position. The label is the kind; *where* the pattern is
  carries no information, so a model that ignores position loses nothing.
- ``pixel_permutation`` and ``shuffle_pixels``: one fixed scrambling of the pixels, the same
  for every image (the "prior is wrong" experiment); ``shuffle_each`` gives every image its
  own scrambling (then nothing can be learned).
- ``filter_pairs``: inputs and outputs of an unknown 3x3 filter on 8x8 inputs, with noise:
  the least-squares experiment.
"""

from __future__ import annotations

import numpy as np

from cnnlessons import _checks
from cnnlessons.numerics.matrices import conv_matrix

__all__ = [
    "PATTERNS",
    "pattern_task",
    "pixel_permutation",
    "shuffle_pixels",
    "shuffle_each",
    "random_kernel",
    "filter_pairs",
]

#: The pattern kinds, 3x3 each, every one with 5 bright pixels (so brightness alone cannot
#: tell them apart).
PATTERNS = {
    "plus": np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=float),
    "cross": np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]], dtype=float),
    "T": np.array([[1, 1, 1], [0, 1, 0], [0, 1, 0]], dtype=float),
    "L": np.array([[1, 0, 0], [1, 0, 0], [1, 1, 1]], dtype=float),
}


def _nonneg(value, name: str) -> float:
    return _checks.real(value, name, finite=True, minimum=0.0)


def pattern_task(
    n: int,
    *,
    size: int = 16,
    noise: float = 0.6,
    kinds=("plus", "cross"),
    seed: int = 0,
    return_positions: bool = False,
):
    """``n`` noisy ``size`` x ``size`` images with one pattern each, and their labels.

    Every image is Gaussian noise of standard deviation ``noise`` plus one pattern of
    ``kinds[label]`` (bright pixels 1) with its top-left corner at a uniformly random
    position. Labels take turns (0, 1, 0, 1, ...), so the first N examples of a set are
    balanced whatever N is (training shuffles them anyway). Returns ``x`` of shape
    ``(n, 1, size, size)`` and ``y`` of shape ``(n,)`` (and the ``(n, 2)`` positions when
    ``return_positions``).
    """
    n = _checks.integer(n, "n", minimum=1)
    size = _checks.integer(size, "size", minimum=3)
    sigma = _nonneg(noise, "noise")
    if not isinstance(kinds, (tuple, list)) or len(kinds) < 2:
        raise ValueError(f"kinds must be a list of at least 2 names from {list(PATTERNS)}")
    for k in kinds:
        _checks.choice(k, "kinds", tuple(PATTERNS))
    _checks.boolean(return_positions, "return_positions")
    _checks.size_limit(n * size * size, "n * size * size", "make fewer or smaller images")
    rng = np.random.default_rng(_checks.seed(seed))
    y = np.arange(n) % len(kinds)
    pos = rng.integers(0, size - 2, size=(n, 2))
    x = (
        rng.normal(0.0, sigma, size=(n, 1, size, size))
        if sigma > 0
        else np.zeros((n, 1, size, size))
    )
    shapes = np.stack([PATTERNS[k] for k in kinds])
    rows = pos[:, 0, None, None] + np.arange(3)[None, :, None]
    cols = pos[:, 1, None, None] + np.arange(3)[None, None, :]
    x[np.arange(n)[:, None, None], 0, rows, cols] += shapes[y]
    return (x, y, pos) if return_positions else (x, y)


def pixel_permutation(n_pixels: int, seed: int = 0) -> np.ndarray:
    """One fixed random order of ``n_pixels`` pixel positions."""
    n = _checks.integer(n_pixels, "n_pixels", minimum=1)
    _checks.size_limit(n, "n_pixels", "use fewer pixels")
    return np.random.default_rng(_checks.seed(seed)).permutation(n)


def shuffle_pixels(x, perm) -> np.ndarray:
    """Every image of ``x`` (``(..., H, W)``) with its pixels put in the order ``perm``: pixel
    ``j`` of a shuffled image is pixel ``perm[j]`` of the original (reading order). The
    same permutation for every image, so the information is all still there."""
    x = _checks.array(x, "x", ndims=(2, 3, 4))
    h, w = x.shape[-2:]
    perm = _checks.permutation(perm, "perm", h * w)
    flat = x.reshape(x.shape[:-2] + (h * w,))
    return flat[..., perm].reshape(x.shape)


def shuffle_each(x, seed: int = 0) -> np.ndarray:
    """Every image of ``x`` (``(N, ..., H, W)``) scrambled by its *own* random permutation:
    which pixel went where differs from image to image, so no model can learn anything
    about where the pattern's pixels are."""
    x = _checks.array(x, "x", ndims=(3, 4))
    rng = np.random.default_rng(_checks.seed(seed))
    h, w = x.shape[-2:]
    flat = x.reshape(len(x), -1, h * w)
    order = np.argsort(rng.random((len(x), 1, h * w)), axis=-1)
    return np.take_along_axis(flat, order, axis=-1).reshape(x.shape)


def random_kernel(k: int = 3, seed: int = 0) -> np.ndarray:
    """An "unknown" ``k`` x ``k`` filter: standard normal entries from ``seed``."""
    k = _checks.integer(k, "k", minimum=1)
    _checks.size_limit(k * k, "k * k", "use a smaller k")
    return np.random.default_rng(_checks.seed(seed)).normal(size=(k, k))


def filter_pairs(n: int, w, *, input_shape=(8, 8), noise: float = 0.1, seed: int = 0):
    """``n`` input/output pairs of the filter ``w``: inputs are standard normal images of
    ``input_shape``; outputs are ``conv2d(x, w)`` (valid) plus Gaussian noise of standard
    deviation ``noise``. Returns ``X`` ``(n, H, W)`` and ``Y`` ``(n, H - k + 1, W - k + 1)``.
    Computed as one matrix product with ``conv_matrix`` (the tests check it against
    ``conv2d``)."""
    n = _checks.integer(n, "n", minimum=1)
    w = _checks.array(w, "w", ndims=(2,))
    shp = _checks.shape(input_shape, "input_shape", lengths=(2,))
    sigma = _nonneg(noise, "noise")
    if w.shape[0] > shp[0] or w.shape[1] > shp[1]:
        raise ValueError(f"w {w.shape} must fit in input_shape {shp}")
    out_hw = (shp[0] - w.shape[0] + 1, shp[1] - w.shape[1] + 1)
    _checks.size_limit(
        n * shp[0] * shp[1], "n * input_shape[0] * input_shape[1]", "make fewer or smaller inputs"
    )
    _checks.work(
        n * shp[0] * shp[1] * out_hw[0] * out_hw[1],
        "n * input_shape pixels * output pixels",
        "make fewer or smaller inputs",
    )
    rng = np.random.default_rng(_checks.seed(seed))
    m = conv_matrix(shp, w)
    x = rng.normal(size=(n, shp[0] * shp[1]))
    y = x @ m.T + sigma * rng.normal(size=(n, m.shape[0]))
    return x.reshape((n,) + shp), y.reshape((n,) + out_hw)
