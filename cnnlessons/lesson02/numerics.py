"""Lesson 02's numerics (no plotting): the locality prior, measured on a photograph.

A convolution connects each output to a small window of inputs. That bets that what matters
for a pixel is mostly near it. On a photograph: how alike are two pixels, as the distance
between them grows? ``pixel_correlation`` is the Pearson correlation over every pair of pixels
``d`` apart (along rows or columns); ``shuffled_correlation`` the same after one random
permutation of all the pixels (the control: no arrangement left).
"""

from __future__ import annotations

import numpy as np

from cnnlessons import _checks
from cnnlessons.numerics.images import photo

__all__ = ["AXES", "pixel_correlation", "shuffled_correlation", "half_distance"]

AXES = ("horizontal", "vertical")


def _pairs(x: np.ndarray, d: int, axis: str):
    """The two pixels of every pair ``d`` apart: left and right, or top and bottom."""
    if axis == "horizontal":
        return x[:, :-d], x[:, d:]
    return x[:-d], x[d:]


def _pearson(a: np.ndarray, b: np.ndarray) -> float:
    a = a - a.mean()
    b = b - b.mean()
    den = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / den) if den > 0 else float("nan")


def _distances(distances, x: np.ndarray, axis: str) -> np.ndarray:
    size = x.shape[1] if axis == "horizontal" else x.shape[0]
    ds = np.array(_checks.integers(distances, "distances", minimum=1))
    if ds.min() < 1 or ds.max() > size - 2:
        raise ValueError(
            f"distances must be between 1 and {size - 2} (the image is {size} pixels "
            f"{'wide' if axis == 'horizontal' else 'tall'}), got {ds.min()} to {ds.max()}"
        )
    return ds


def pixel_correlation(
    image=None, distances=(1, 2, 4, 8, 16, 32, 64, 128), *, axis: str = "horizontal"
) -> np.ndarray:
    """The correlation of two pixels ``d`` apart, for every ``d`` in ``distances``: the
    Pearson correlation of all pairs ``(x[i, j], x[i, j + d])`` (``axis="horizontal"``) or
    ``(x[i, j], x[i + d, j])`` (``"vertical"``). 1: the two always move together; 0: knowing
    one says nothing (linearly) about the other. ``image``: see ``numerics.images.photo``
    (default: Grace Hopper).

    >>> x = np.add.outer(np.zeros(20), np.arange(20.0))  # a ramp: every row the same
    >>> pixel_correlation(x, [1, 5], axis="horizontal").round(6)
    array([1., 1.])
    """
    x = photo(image)
    axis = _checks.choice(axis, "axis", AXES)
    ds = _distances(distances, x, axis)
    return np.array([_pearson(*_pairs(x, int(d), axis)) for d in ds])


def shuffled_correlation(
    image=None, distances=(1, 2, 4, 8, 16, 32, 64, 128), *, axis="horizontal", seed: int = 0
):
    """``pixel_correlation`` of the same pixels put in a random order (one permutation of all
    of them, from ``seed``): what "no locality" looks like (about 0 at every distance)."""
    x = photo(image)
    seed = _checks.integer(seed, "seed", minimum=0)
    mixed = np.random.default_rng(seed).permutation(x.ravel()).reshape(x.shape)
    return pixel_correlation(mixed, distances, axis=axis)


def half_distance(image=None, *, axis: str = "horizontal") -> int:
    """The smallest distance (in pixels) at which two pixels' correlation has fallen below
    half of what it is for neighbours (distance 1)."""
    x = photo(image)
    axis = _checks.choice(axis, "axis", AXES)
    size = x.shape[1] if axis == "horizontal" else x.shape[0]
    first = _pearson(*_pairs(x, 1, axis))
    for d in range(2, size - 1):
        if _pearson(*_pairs(x, d, axis)) < first / 2:
            return d
    raise ValueError(f"the correlation never falls to half its value at distance 1 ({axis})")
