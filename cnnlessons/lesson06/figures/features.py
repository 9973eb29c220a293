"""Figures of lesson 06: features built from features (no widgets).

``FeatureFigure`` and ``feature_maps_figure``: the hand-built edge → corner → square stack;
``edge_kernels_figure`` and ``learned_filters_figure``: its kernels and the ones a network
learned.
"""

from __future__ import annotations

import numpy as np
from matplotlib import colormaps as mpl_colormaps
from matplotlib.patches import Rectangle

from cnnlessons import _checks
from cnnlessons.figures.display import check_figure
from cnnlessons.figures.grids import frame_axes
from cnnlessons.figures.style import (
    COLORS,
    FONT,
    GREY_CMAP,
    LINE,
    SIGNED_CMAP,
    TEXT_COLORS,
    UNSIGNED_CMAP,
)
from cnnlessons.lesson06.numerics import features as feat
from cnnlessons.lesson06.numerics import stacks as rl

__all__ = ["FeatureFigure", "feature_maps_figure", "edge_kernels_figure", "learned_filters_figure"]


def _unit_box(ax, role="receptive"):
    rect = Rectangle(
        (0, 0), 1, 1, fill=False, edgecolor=COLORS[role], linewidth=LINE["highlight"], zorder=5
    )
    ax.add_patch(rect)
    return rect


def _set_box(rect, row0, col0, size):
    rect.set_bounds(col0 - 0.5, row0 - 0.5, size, size)


class FeatureFigure:
    """One unit of the hand-built stack: the input with the unit's r x r field (left), the
    map the unit belongs to with the unit marked (middle), and the r x r patch it sees,
    enlarged and framed, on grey (right). ``select(layer, channel, (row, col))``."""

    def __init__(self, fig, x=None):
        check_figure(fig)
        self.x = feat.shapes_image() if x is None else _checks.array(x, "x", ndims=(2,))
        self.maps = feat.feature_maps(self.x)
        h, w = self.x.shape
        ax_in, ax_map, ax_patch = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1, 1, 0.8]})
        self.axes = {"input": ax_in, "map": ax_map, "patch": ax_patch}
        ax_in.imshow(self.x, cmap=GREY_CMAP, vmin=0, vmax=1, interpolation="nearest")
        frame_axes(ax_in, "input", f"input {h}x{w}")
        self.field_box = _unit_box(ax_in)
        self.map_image = ax_map.imshow(
            np.zeros((h, w)), cmap=UNSIGNED_CMAP, vmin=0, vmax=1, interpolation="nearest"
        )
        frame_axes(ax_map, "output")
        self.map_title = ax_map.set_title("", color=TEXT_COLORS["output"])
        self.unit_box = _unit_box(ax_map, "kernel")
        outside = mpl_colormaps[GREY_CMAP].with_extremes(bad=COLORS["muted"])
        self.patch_image = ax_patch.imshow(
            np.zeros((7, 7)),
            cmap=outside,
            vmin=0,
            vmax=1,
            extent=(-0.5, 6.5, 6.5, -0.5),
            interpolation="nearest",
        )
        ax_patch.set_xlim(-0.5, 6.5)
        ax_patch.set_ylim(6.5, -0.5)
        frame_axes(ax_patch, "receptive")
        self.patch_title = ax_patch.set_title("", color=TEXT_COLORS["receptive"])
        self.patch_box = _unit_box(ax_patch)
        self.text = fig.text(0.5, 0.01, "", ha="center", va="bottom", fontsize=FONT["normal"])
        engine = fig.get_layout_engine()
        if engine is not None and hasattr(engine, "set"):
            engine.set(rect=(0, 0.08, 1, 0.9))
        self.select(3, 0, (4, 4))

    @property
    def artists(self) -> list:
        return [
            self.field_box,
            self.map_image,
            self.map_title,
            self.unit_box,
            self.patch_image,
            self.patch_box,
            self.patch_title,
            self.text,
        ]

    def select(self, layer: int, channel: int, unit) -> list:
        layer = _checks.integer(layer, "layer", minimum=1)
        if layer > 3:
            raise ValueError(f"layer must be 1, 2 or 3, got {layer}")
        names = feat.LAYER_NAMES[layer]
        channel = _checks.integer(channel, "channel", minimum=0)
        if channel >= len(names):
            raise ValueError(f"channel must be between 0 and {len(names) - 1}, got {channel}")
        (r0, r1), (c0, c1) = rl.unit_region(feat.FEATURE_LAYERS[:layer], unit)
        row, col = int(unit[0]), int(unit[1])
        h, w = self.x.shape
        if row >= h or col >= w:
            raise ValueError(f"unit must lie in the {h}x{w} map, got {(row, col)}")
        size = r1 - r0 + 1
        _set_box(self.field_box, r0, c0, size)
        fmap = self.maps[layer][channel]
        peak = max(float(fmap.max()), 1e-12)
        self.map_image.set_data(fmap)
        self.map_image.set_clim(0, peak)
        _set_box(self.unit_box, row, col, 1)
        self.map_title.set_text(f"layer {layer}: {names[channel]}")
        padded = np.pad(self.x, 3)
        patch = np.full((7, 7), np.nan)
        off = (7 - size) // 2
        patch[off : off + size, off : off + size] = padded[r0 + 3 : r1 + 4, c0 + 3 : c1 + 4]
        self.patch = patch[off : off + size, off : off + size]
        self.patch_image.set_data(np.ma.masked_invalid(patch))
        _set_box(self.patch_box, off, off, size)
        self.patch_title.set_text(f"what it sees: {size}x{size}")
        value = float(fmap[row, col])
        self.value = value
        state = "on" if value > 0 else "off"
        self.text.set_text(
            f"layer-{layer} unit ({row}, {col}), {names[channel]}: {value:.2f} ({state}); "
            f"it sees input rows {r0}…{r1}, columns {c0}…{c1}"
        )
        self.selected = (layer, channel, (row, col))
        return self.artists


def feature_maps_figure(fig, x=None) -> dict:
    """Every map of the hand-built stack, layer by layer (rows), on ``x`` (default the
    synthetic shapes), with the input and one unit's field drawn for each layer: a left-edge
    unit (3x3), a top-left-corner unit (5x5), the square unit (7x7) of the first small
    square. Returns ``{layer: [images]}``."""
    check_figure(fig)
    x = feat.shapes_image() if x is None else _checks.array(x, "x", ndims=(2,))
    maps = feat.feature_maps(x)
    units = {1: (0, (4, 3)), 2: (0, (3, 3)), 3: (0, (4, 4))}
    axes = fig.subplots(3, 5)
    images = {}
    for layer in (1, 2, 3):
        row_axes = axes[layer - 1]
        row_axes[0].imshow(x, cmap=GREY_CMAP, vmin=0, vmax=1, interpolation="nearest")
        channel, unit = units[layer]
        (r0, r1), (c0, _) = rl.unit_region(feat.FEATURE_LAYERS[:layer], unit)
        _set_box(_unit_box(row_axes[0]), r0, c0, r1 - r0 + 1)
        frame_axes(row_axes[0], "input")
        row_axes[0].set_title(
            f"layer {layer}: sees {r1 - r0 + 1}x{r1 - r0 + 1}",
            fontsize=FONT["small"],
            color=COLORS["text"],
        )
        images[layer] = []
        for c, name in enumerate(feat.LAYER_NAMES[layer]):
            ax = row_axes[c + 1]
            fmap = maps[layer][c]
            images[layer].append(
                ax.imshow(fmap, cmap=UNSIGNED_CMAP, vmin=0, vmax=max(float(fmap.max()), 1e-12))
            )
            frame_axes(ax, "output")
            ax.set_title(name, fontsize=FONT["small"], color=TEXT_COLORS["output"])
            if c == channel:
                _set_box(_unit_box(ax, "kernel"), unit[0], unit[1], 1)
        for ax in row_axes[len(feat.LAYER_NAMES[layer]) + 1 :]:
            ax.set_axis_off()
    note = axes[2][2].text(
        0,
        0.5,
        "on for the two 3x3 squares only: the 6x6 square\nand the bar have four corners too, "
        "but layer 3\nreads corners only 1 pixel from its centre",
        transform=axes[2][2].transAxes,
        ha="left",
        va="center",
        fontsize=FONT["normal"],
        color=COLORS["text"],
    )
    note.set_in_layout(False)
    return images


def edge_kernels_figure(fig) -> list:
    """The four layer-1 kernels as signed images (red +, blue −)."""
    check_figure(fig)
    axes = fig.subplots(1, 4)
    images = []
    for ax, w, name in zip(axes, feat.edge_kernels()[:, 0], feat.LAYER_NAMES[1], strict=True):
        images.append(ax.imshow(w, cmap=SIGNED_CMAP, vmin=-0.5, vmax=0.5))
        for (i, j), v in np.ndenumerate(w):
            ax.text(j, i, f"{v:g}", ha="center", va="center", fontsize=FONT["small"])
        frame_axes(ax, "kernel", name)
    return images


def learned_filters_figure(fig, learned=None) -> list:
    """The first-layer filters of lesson 05's trained conv net (``features.learned_filters``),
    as they came out: signed colours (red +, blue −, each filter on its own scale), and over
    each the pattern of the task it is most similar to (cosine similarity; "inverted" when
    negative, "no clear match" below 0.5 in size)."""
    check_figure(fig)
    if learned is None:
        learned = feat.learned_filters()
    if not isinstance(learned, feat.LearnedFilters):
        raise TypeError("learned must come from features.learned_filters()")
    w = learned.weights
    axes = np.atleast_1d(fig.subplots(1, len(w)))
    images = []
    for i, (ax, f) in enumerate(zip(axes, w, strict=True)):
        limit = max(float(np.abs(f).max()), 1e-12)
        images.append(ax.imshow(f, cmap=SIGNED_CMAP, vmin=-limit, vmax=limit))
        name, r = learned.best_match(i)
        if abs(r) < 0.5:
            title = f"no clear match\n(best {r:+.2f})"
        else:
            title = f"the {name}{', inverted' if r < 0 else ''}\n(cosine {r:+.2f})"
        frame_axes(ax, "kernel")
        ax.set_title(f"filter {i + 1}:\n{title}", fontsize=FONT["small"], color=COLORS["text"])
    return images


# ``figures.show`` passes these the whole figure, not one axes
feature_maps_figure.draws_on = "figure"
edge_kernels_figure.draws_on = "figure"
learned_filters_figure.draws_on = "figure"


# the text alternative of each figure a lesson shows (``display.alt_text``): what it shows and
# what to look for
feature_maps_figure.alt = (
    "Every map of the hand-built feature stack, layer by layer (rows), on the shapes image, "
    "with one unit's receptive field drawn for each layer. Look for edges in layer 1, corners "
    "in layer 2 and squares in layer 3: features built from features."
)
learned_filters_figure.alt = (
    "The first-layer filters of lesson 05's trained network, in signed colours (red positive, "
    "blue negative), each titled with the pattern it resembles most. Look for filters that "
    "resemble edges or parts of the task's shapes."
)
