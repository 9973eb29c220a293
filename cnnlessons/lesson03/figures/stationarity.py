"""Lesson 03's stationarity figure: the same statistics at different places of a photograph
(draws ``lesson03.numerics`` on a matplotlib figure; no widgets)."""

from __future__ import annotations

import numpy as np

from cnnlessons import _checks
from cnnlessons.figures.display import check_figure, draws_on_figure
from cnnlessons.figures.style import COLORS, FONT, GREY_CMAP
from cnnlessons.lesson03.numerics import block_statistics, edge_responses
from cnnlessons.numerics.images import photo

__all__ = ["stationarity_figure", "picked_blocks"]


def picked_blocks(stats: dict) -> dict:
    """The blocks with the most, the median and the least edge energy: ``{label: (r, c)}``."""
    stats = _checks.mapping(stats, "stats", ("edge_energy",))
    e = _checks.array(stats["edge_energy"], "stats['edge_energy']", ndims=(2,), finite=True)
    order = np.argsort(e, axis=None)
    pick = {
        "most edges": order[-1],
        "median": order[len(order) // 2],
        "fewest edges": order[0],
    }
    return {k: tuple(int(i) for i in np.unravel_index(v, e.shape)) for k, v in pick.items()}


@draws_on_figure
def stationarity_figure(fig, image=None, blocks=(4, 4)) -> dict:
    """Left: the photo cut into ``blocks``, each block labelled with its edge energy (mean
    |response| of the vertical-edge kernel, x 100). Right: the distribution of the kernel's
    responses in three blocks (most edges, median, fewest), one line style each."""
    check_figure(fig)
    x = photo(image)
    stats = block_statistics(x, blocks)
    rows, cols = stats["edge_energy"].shape
    bh, bw = stats["block_size"]
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": (1, 1.4)})
    left.imshow(x, cmap=GREY_CMAP, vmin=0, vmax=1)
    for r in range(rows + 1):
        left.axhline(r * bh - 0.5, color=COLORS["kernel"], lw=1.5)
    for c in range(cols + 1):
        left.axvline(c * bw - 0.5, color=COLORS["kernel"], lw=1.5)
    picks = picked_blocks(stats)
    marks = {"most edges": "A", "median": "B", "fewest edges": "C"}
    for r in range(rows):
        for c in range(cols):
            tag = next((marks[k] for k, v in picks.items() if v == (r, c)), "")
            left.text(
                (c + 0.5) * bw, (r + 0.5) * bh,
                f"{tag}{' ' if tag else ''}{100 * stats['edge_energy'][r, c]:.0f}",
                ha="center", va="center", fontsize=FONT["small"], color=COLORS["text"],
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.85},
            )  # fmt: skip
    left.set_title("edge energy x 100, per block", fontsize=FONT["normal"])
    left.set_xticks([])
    left.set_yticks([])
    bins = np.linspace(-3, 3, 61)  # the kernel's 6 taps of +-1 on values in [0, 1]
    lines = {}
    for (label, rc), ls in zip(picks.items(), ("-", "--", ":"), strict=True):
        resp = edge_responses(x, rc, blocks)
        density, edges = np.histogram(resp, bins=bins, density=True)
        centres = (edges[:-1] + edges[1:]) / 2
        lines[label] = right.plot(
            centres, np.where(density > 0, density, np.nan), ls, lw=2.5,
            color=COLORS["input"] if ls == "-" else COLORS["text"],
            label=f"{marks[label]}: {label} (row {rc[0]}, col {rc[1]})",
        )[0]  # fmt: skip
    right.set_yscale("log")
    right.set_ylim(1e-3, 30)
    right.set_xlabel("vertical-edge response")
    right.set_ylabel("density (log)")
    right.set_title("same kernel, different places", fontsize=FONT["normal"])
    right.legend(fontsize=FONT["small"], loc="upper center", ncol=1, frameon=False,
                 bbox_to_anchor=(0.5, -0.18))  # fmt: skip
    return {"stats": stats, "picks": picks, "lines": lines, "axes": (left, right)}


# the text alternative of each figure a lesson shows (``display.alt_text``): what it shows and
# what to look for
stationarity_figure.alt = (
    "Stationarity measured on a photograph. Left: the photo cut into blocks, each labelled "
    "with its edge energy. Right: the distribution of the same kernel's responses in three "
    "blocks (most edges, median, fewest). Look for the same shape of distribution in every "
    "block, wider where there are more edges."
)
