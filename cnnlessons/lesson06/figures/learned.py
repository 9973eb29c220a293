"""Figures of lesson 06: the features a trained network learned, next to the hand-built stack
(no widgets). ``LearnedFeatureFigure`` (one learned unit's map, the hand-built map of the same
layer it resembles most, and the input) and ``learned_maps_figure`` (every map, layer by layer).
"""

from __future__ import annotations

import numpy as np

from cnnlessons import _checks
from cnnlessons.figures.display import draws_on_figure
from cnnlessons.figures.grids import frame_axes
from cnnlessons.figures.style import COLORS, FONT, GREY_CMAP, TEXT_COLORS, UNSIGNED_CMAP
from cnnlessons.lesson06.numerics import features as feat
from cnnlessons.lesson06.numerics import learned as lrn

__all__ = ["LearnedFeatureFigure", "learned_maps_figure"]


def _show_map(ax, fmap):
    return ax.imshow(fmap, cmap=UNSIGNED_CMAP, vmin=0, vmax=max(float(fmap.max()), 1e-12),
                     interpolation="nearest")  # fmt: skip


class LearnedFeatureFigure:
    """Pick an input (``inputs``: name -> grey image) and a learned unit (layer 1-3, map
    0-3): the input (left), that unit's map on it (middle) and the hand-built map of the same
    layer that resembles it most (right, with the correlation of the two maps).
    ``select(input_name, layer, channel)`` changes the pictures and returns the artists."""

    def __init__(self, fig, stack: lrn.LearnedStack, inputs: dict):
        if not isinstance(stack, lrn.LearnedStack):
            raise TypeError("stack must come from digits_stack() or train_stack(), got "
                            f"{type(stack).__name__}")
        if not isinstance(inputs, dict) or not inputs:
            raise TypeError("inputs must be a non-empty dict: name -> grey image")
        self.stack = stack
        self.inputs = {k: _checks.array(v, f"inputs[{k!r}]", ndims=(2,)) for k, v in inputs.items()}
        self.learned = {k: lrn.learned_maps(stack, v) for k, v in self.inputs.items()}
        self.hand = {k: feat.feature_maps(v) for k, v in self.inputs.items()}
        ax_in, ax_l, ax_h = fig.subplots(1, 3)
        self.axes = {"input": ax_in, "learned": ax_l, "hand-built": ax_h}
        first = next(iter(self.inputs.values()))
        self.input_image = ax_in.imshow(first, cmap=GREY_CMAP, vmin=0, vmax=1,
                                        interpolation="nearest")  # fmt: skip
        frame_axes(ax_in, "input")
        self.input_title = ax_in.set_title("", fontsize=FONT["normal"], color=TEXT_COLORS["input"])
        self.learned_image = _show_map(ax_l, np.zeros_like(first))
        frame_axes(ax_l, "output")
        self.learned_title = ax_l.set_title("", fontsize=FONT["normal"],
                                            color=TEXT_COLORS["output"])  # fmt: skip
        self.hand_image = _show_map(ax_h, np.zeros_like(first))
        frame_axes(ax_h, "kernel")
        self.hand_title = ax_h.set_title("", fontsize=FONT["normal"], color=COLORS["text"])
        self.text = fig.text(0.5, 0.01, "", ha="center", va="bottom", fontsize=FONT["normal"])
        engine = fig.get_layout_engine()
        if engine is not None and hasattr(engine, "set"):
            engine.set(rect=(0, 0.08, 1, 0.9))
        self.select(next(iter(self.inputs)), 1, 0)

    @property
    def artists(self) -> list:
        return [self.input_image, self.input_title, self.learned_image, self.learned_title,
                self.hand_image, self.hand_title, self.text]  # fmt: skip

    def select(self, input_name: str, layer: int, channel: int) -> list:
        input_name = _checks.choice(input_name, "input_name", tuple(self.inputs))
        layer = lrn._layer(layer)
        channel = _checks.integer(channel, "channel", minimum=0)
        if channel >= lrn.FILTERS:
            raise ValueError(f"channel must be between 0 and {lrn.FILTERS - 1}, got {channel}")
        x = self.inputs[input_name]
        fmap = self.learned[input_name][layer][channel]
        hand = self.hand[input_name][layer]
        k, r = lrn.best_match(fmap, hand)
        self.input_image.set_data(x)
        self.input_image.set_extent((-0.5, x.shape[1] - 0.5, x.shape[0] - 0.5, -0.5))
        self.input_title.set_text(f"input: {input_name}")
        for image, m in ((self.learned_image, fmap), (self.hand_image, hand[k])):
            image.set_data(m)
            image.set_extent((-0.5, m.shape[1] - 0.5, m.shape[0] - 0.5, -0.5))
            image.set_clim(0, max(float(m.max()), 1e-12))
        self.learned_title.set_text(f"learned: layer {layer}, map {channel + 1}")
        self.hand_title.set_text(f"hand-built: {feat.LAYER_NAMES[layer][k]}")
        self.peak = float(fmap.max())
        self.match = (feat.LAYER_NAMES[layer][k], r)
        if self.peak == 0:
            note = "this learned unit is off everywhere on this input"
        elif np.isnan(r):
            note = f"learned unit's largest value {self.peak:.2f}; the hand-built maps are all off"
        else:
            note = (f"learned unit's largest value {self.peak:.2f}; correlation with the "
                    f"hand-built map {r:+.2f}")  # fmt: skip
        self.text.set_text(note)
        self.selected = (input_name, layer, channel)
        return self.artists


@draws_on_figure
def learned_maps_figure(fig, stack: lrn.LearnedStack, x=None) -> dict:
    """Every map of the trained net on ``x`` (default: the hand-built stack's shapes image),
    layer by layer (rows), beside the hand-built stack's maps of the same layer: the input,
    4 learned maps, then the hand-built ones (4 edges, 4 corners, 1 square)."""
    if not isinstance(stack, lrn.LearnedStack):
        raise TypeError("stack must come from digits_stack() or train_stack(), got "
                            f"{type(stack).__name__}")
    x = feat.shapes_image() if x is None else _checks.array(x, "x", ndims=(2,))
    learned, hand = lrn.learned_maps(stack, x), feat.feature_maps(x)
    cols = 1 + lrn.FILTERS + 4
    axes = fig.subplots(3, cols)
    images = {}
    for layer in (1, 2, 3):
        row = axes[layer - 1]
        row[0].imshow(x, cmap=GREY_CMAP, vmin=0, vmax=1, interpolation="nearest")
        frame_axes(row[0], "input")
        row[0].set_title(f"layer {layer}", fontsize=FONT["small"], color=COLORS["text"])
        images[layer] = []
        for c in range(lrn.FILTERS):
            images[layer].append(_show_map(row[1 + c], learned[layer][c]))
            frame_axes(row[1 + c], "output")
            row[1 + c].set_title(f"learned {c + 1}", fontsize=FONT["small"],
                                 color=COLORS["output"])  # fmt: skip
        for c, name in enumerate(feat.LAYER_NAMES[layer]):
            ax = row[1 + lrn.FILTERS + c]
            _show_map(ax, hand[layer][c])
            frame_axes(ax, "kernel")
            ax.set_title(name.replace(" ", "\n", 1), fontsize=FONT["small"],
                         color=COLORS["text"])  # fmt: skip
        for ax in row[1 + lrn.FILTERS + len(feat.LAYER_NAMES[layer]) :]:
            ax.set_axis_off()
    return images


# the text alternative of each figure a lesson shows (``display.alt_text``): what it shows and
# what to look for
learned_maps_figure.alt = (
    "Every map of the trained network on one input, layer by layer (rows), beside the "
    "hand-built stack's maps of the same layer. Look for learned maps that light up where a "
    "hand-built one does, and for maps that stay dark."
)
