"""Lesson 03's numerics (no plotting): the stationarity prior, measured on a photograph.

Sharing one kernel over the whole image bets that the image's local statistics are the same
everywhere: what an edge looks like, and how often one occurs. ``block_statistics`` cuts a
photo into a grid of blocks and measures, in each, the mean brightness, the neighbour
correlation (lesson 02's locality at distance 1) and the edge energy (the mean absolute
response of the vertical-edge kernel); ``edge_responses`` gives one block's responses.
"""

from __future__ import annotations

import numpy as np

from cnnlessons import _checks
from cnnlessons.numerics.conv import conv2d
from cnnlessons.numerics.images import KERNELS, photo

__all__ = ["STATISTICS", "block_statistics", "edge_responses"]

#: what ``block_statistics`` measures in each block
STATISTICS = ("mean", "neighbour_correlation", "edge_energy")


def _grid(x: np.ndarray, blocks) -> tuple[int, int, int, int]:
    rows, cols = _checks.pair(blocks, "blocks", minimum=1)
    h, w = x.shape
    if h // rows < 4 or w // cols < 4:
        raise ValueError(
            f"blocks must leave at least 4 x 4 pixels per block: the photo is {h} x {w}, "
            f"got blocks={blocks!r}"
        )
    return rows, cols, h // rows, w // cols


def _block(x, r, c, bh, bw):
    return x[r * bh : (r + 1) * bh, c * bw : (c + 1) * bw]


def block_statistics(image=None, blocks=(4, 4)) -> dict:
    """For each block of a ``blocks`` = (rows, columns) grid over the photo (``image``: see
    ``numerics.images.photo``; default Grace Hopper), the statistics of ``STATISTICS``, each
    an array of shape ``blocks``: ``mean`` brightness (0-1), ``neighbour_correlation`` (of
    horizontally adjacent pixels) and ``edge_energy`` (mean |response| of the vertical-edge
    kernel, valid positions inside the block). Also ``block_size`` (pixels)."""
    x = photo(image)
    rows, cols, bh, bw = _grid(x, blocks)
    w = KERNELS["vertical edge"]
    out = {name: np.zeros((rows, cols)) for name in STATISTICS}
    for r in range(rows):
        for c in range(cols):
            b = _block(x, r, c, bh, bw)
            out["mean"][r, c] = b.mean()
            a, n = b[:, :-1] - b[:, :-1].mean(), b[:, 1:] - b[:, 1:].mean()
            den = np.sqrt((a * a).sum() * (n * n).sum())
            out["neighbour_correlation"][r, c] = (a * n).sum() / den if den > 0 else np.nan
            out["edge_energy"][r, c] = np.abs(conv2d(b, w)).mean()
    out["block_size"] = (bh, bw)
    return out


def edge_responses(image=None, block=(0, 0), blocks=(4, 4)) -> np.ndarray:
    """The vertical-edge kernel's responses inside one block (``block`` = (row, column) of the
    ``blocks`` grid), flattened: the distribution whose mean |value| is the block's
    ``edge_energy``."""
    x = photo(image)
    rows, cols, bh, bw = _grid(x, blocks)
    r, c = _checks.pair(block, "block", minimum=0)
    if r >= rows or c >= cols:
        raise ValueError(f"block must be inside the {rows} x {cols} grid, got {block!r}")
    return conv2d(_block(x, r, c, bh, bw), KERNELS["vertical edge"]).ravel()
