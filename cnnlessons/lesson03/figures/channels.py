"""Lesson 03's channels figures: a k x k x C filter is C slices, one per input channel.

- ``rgb_image``: Grace Hopper's portrait in colour (ships with matplotlib), values in [0, 1].
- ``example_filters``: F made-up k x k x C filters and their biases (a trained layer would
  learn its own), built as a spatial pattern times a mix of the channels.
- ``channel_responses``: each slice's response to its channel, and their sum plus the bias:
  the filter's one output map.
- ``one_filter_figure``: a 5x5x3 filter as three slices over the R, G, B planes, each slice's
  response, and their sum plus the bias as one output map; the parameter count read off it.
- ``ChannelsFigure``: F filters of k x k x C giving F maps, redrawn in place for any
  F <= 6, k in (1, 3, 5), C in (1, 3) (the explorer's picture), with F·(k·k·C + 1) under it.

Standalone: imports only matplotlib, numpy, ``cnnlessons.figures.style`` and the numerics.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.patches import Rectangle

from cnnlessons import _checks
from cnnlessons.figures.display import check_figure
from cnnlessons.figures.style import COLORS, FONT, LINE, RC, SIGNED_CMAP, TEXT_COLORS, signed_limits
from cnnlessons.numerics.conv import conv2d
from cnnlessons.numerics.counting import conv_params
from cnnlessons.numerics.images import photo_rgb

__all__ = [
    "CHANNEL_NAMES",
    "CHANNEL_CMAPS",
    "MAX_FILTERS",
    "KERNEL_SIDES",
    "rgb_image",
    "example_filters",
    "channel_responses",
    "one_filter_figure",
    "ChannelsFigure",
]

CHANNEL_NAMES = ("R", "G", "B")
#: each input channel drawn in its own colour, from black (0) to the full colour (1)
CHANNEL_CMAPS = tuple(
    LinearSegmentedColormap.from_list(f"channel {name}", ["black", colour])
    for name, colour in zip(("R", "G", "B"), ("#FF0000", "#00FF00", "#3C64FF"), strict=True)
)
MAX_FILTERS = 6
KERNEL_SIDES = (1, 3, 5)

# each example filter: a spatial pattern times a mix of the R, G, B channels, and a bias
_FILTERS = (
    ("vertical", (1.0, 1.0, 1.0), 0.0),
    ("horizontal", (1.0, 1.0, 1.0), 0.0),
    ("blur", (1.0, 0.0, -1.0), 0.1),
    ("blur", (0.3, 0.6, 0.1), -0.5),
    ("spot", (1.0, 1.0, 1.0), 0.0),
    ("vertical", (0.0, 1.0, -1.0), 0.0),
)


def rgb_image(step: int = 8, image=None) -> np.ndarray:
    """Grace Hopper's portrait in colour, (rows, columns, 3) in [0, 1]; ``step`` keeps every
    step-th pixel (8 gives 75 x 64). ``image``: your own picture instead (a grey or RGB numpy
    array, or an image file's path: ``numerics.images.photo_rgb`` reads it), thinned to at
    most 80 pixels a side so the figures stay quick."""
    s = _checks.integer(step, "step", minimum=1)
    if image is None:
        return photo_rgb(step=s)
    side = max(photo_rgb(image).shape[:2])
    return photo_rgb(image, step=max(1, -(-side // 80)))


def _spatial(kind: str, k: int) -> np.ndarray:
    if k == 1:
        return np.ones((1, 1))
    if kind == "blur":
        return np.full((k, k), 1.0 / (k * k))
    if kind == "spot":
        w = np.full((k, k), -1.0 / (k * k - 1))
        w[k // 2, k // 2] = 1.0
        return w
    col = np.sign(k // 2 - np.arange(k)) / (k * (k // 2))  # +, 0, - columns: rows sum to 0
    w = np.tile(col, (k, 1))
    return w if kind == "vertical" else w.T


def example_filters(in_channels: int = 3, out_channels: int = 6, k: int = 5):
    """(weights, biases): weights of shape (F, C, k, k), biases of shape (F,), for F =
    ``out_channels`` <= 6 made-up filters on C = ``in_channels`` (1 or 3) channels. With C = 1
    every filter sees the grey image and keeps only its spatial pattern."""
    c = _checks.integer(in_channels, "in_channels", minimum=1)
    if c not in (1, 3):
        raise ValueError(f"in_channels must be 1 (grey) or 3 (R, G, B), got {c}")
    f = _checks.integer(out_channels, "out_channels", minimum=1)
    if f > MAX_FILTERS:
        raise ValueError(f"out_channels must be between 1 and {MAX_FILTERS}, got {f}")
    k = _checks.integer(k, "k", minimum=1)
    if k % 2 == 0:
        raise ValueError(f"k must be odd (a kernel with a centre), got {k}")
    weights = np.empty((f, c, k, k))
    biases = np.empty(f)
    for i, (kind, mix, bias) in enumerate(_FILTERS[:f]):
        spatial = _spatial(kind, k)
        mix = np.asarray(mix) if c == 3 else np.array([1.0])
        weights[i] = mix[:, None, None] * spatial[None]
        biases[i] = bias
    return weights, biases


def channel_responses(x, w, b: float = 0.0):
    """(responses, output) of one filter: ``x`` is (rows, cols, C), ``w`` is (C, k, k).
    ``responses[c]`` is the valid cross-correlation of channel c with slice c; ``output`` is
    their sum plus the bias ``b``: the filter's single output map."""
    x = _checks.array(x, "x", ndims=(3,))
    w = _checks.array(w, "w", ndims=(3,))
    if x.shape[2] != w.shape[0]:
        raise ValueError(
            f"w must have one slice per channel of x: x has {x.shape[2]}, w has {w.shape[0]}"
        )
    responses = np.stack([conv2d(x[..., c], w[c]) for c in range(w.shape[0])])
    return responses, responses.sum(axis=0) + float(b)


def _grey(x) -> np.ndarray:
    return (x @ np.array([0.299, 0.587, 0.114]))[..., None]


def _bare(ax) -> None:
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def one_filter_figure(fig, k: int = 5, bias: float = 0.1, image=None) -> dict:
    """One k x k x 3 filter on the R, G, B planes of Grace Hopper's portrait (or ``image``,
    your own: see ``rgb_image``), drawn on ``fig``:
    each row a channel, its slice of the filter and that slice's response; on the right their
    sum plus the bias, the filter's one output map. The slices differ (vertical edges in R,
    horizontal in G, spots in B) so each response shows its own pattern.

    Returns ``{"responses": (3, o, o) array, "output": (o, o) array, "parameters": int}``.
    """
    check_figure(fig)
    k = _checks.integer(k, "k", minimum=1, maximum=64)
    bias = _checks.real(bias, "bias", finite=True)
    x = rgb_image(image=image)
    w = np.stack([_spatial("vertical", k), _spatial("horizontal", k), _spatial("spot", k)])
    responses, output = channel_responses(x, w, bias)
    n = conv_params(3, 1, k)
    lo, hi = signed_limits(responses)
    with mpl.rc_context(RC):
        fig.set_layout_engine("none")
        small = {"fontsize": FONT["normal"]}
        titles = ("input plane", f"its {k}×{k} slice", "slice's response")
        for c, name in enumerate(CHANNEL_NAMES):
            y = 0.665 - 0.28 * c
            panels = (
                (0.06, 0.13, x[..., c], CHANNEL_CMAPS[c], (0, 1)),
                (0.25, 0.11, w[c], SIGNED_CMAP, signed_limits(w[c])),
                (0.42, 0.13, responses[c], SIGNED_CMAP, (lo, hi)),
            )
            for i, (left, width, values, cmap, limits) in enumerate(panels):
                ax = fig.add_axes((left, y, width, 0.25))
                if i == 1:  # the slice: one cell per weight
                    ax.pcolormesh(values, cmap=cmap, vmin=limits[0], vmax=limits[1],
                                  edgecolors="white", linewidth=LINE["grid"])  # fmt: skip
                    ax.invert_yaxis()
                else:
                    ax.imshow(values, cmap=cmap, vmin=limits[0], vmax=limits[1], aspect="auto")
                _bare(ax)
                if c == 0:
                    ax.set_title(titles[i], **small, pad=4)
                if i == 0:
                    ax.set_ylabel(name, fontsize=FONT["title"], rotation=0, labelpad=12,
                                  va="center")  # fmt: skip
            if c < 2:
                fig.text(0.485, y - 0.015, "+", ha="center", va="center", fontsize=FONT["title"])
        fig.text(0.6, 0.47, "sum\n+ bias\n→", ha="center", va="center", **small)
        ax = fig.add_axes((0.66, 0.16, 0.3, 0.7))
        ol = signed_limits(output)
        ax.imshow(output, cmap=SIGNED_CMAP, vmin=ol[0], vmax=ol[1], aspect="auto")
        _bare(ax)
        ax.set_title(f"one output map\n(bias b = {bias:g})", **small)
        fig.text(
            0.5,
            0.015,
            f"one filter: 3 slices × {k}·{k} weights + 1 bias = k·k·C + 1 = {n} parameters",
            ha="center",
            va="bottom",
            fontsize=FONT["normal"],
            fontweight="bold",
        )
    return {"responses": responses, "output": output, "parameters": n}


one_filter_figure.draws_on = "figure"  # ``figures.show`` passes it the whole figure


class ChannelsFigure:
    """F filters of size k x k x C on a C-channel image give F output maps, drawn on ``fig``
    (placed by hand, so every slot keeps its place): the C input planes on the left, the
    filters as F rows of C slices plus a bias in the middle, the F maps on the right, and the
    count F·(k·k·C + 1) read off the picture. ``show(C, F, k)`` redraws in place and returns
    the artists that changed (all of them are in ``artists``, to animate)."""

    def __init__(self, fig, image=None):
        check_figure(fig)
        self.fig = fig
        self.x = rgb_image(image=image)  # Grace Hopper, or your picture (array or file)
        fig.set_layout_engine("none")
        box = {"xticks": [], "yticks": []}
        unit = (0.0, 1.0, 1.0, 0.0)  # every image fills its axes, whatever its size
        self.planes, self.plane_images = [], []
        for c in range(3):
            ax = fig.add_axes((0.045, 0.6 - 0.27 * c, 0.105, 0.24), **box)
            self.planes.append(ax)
            self.plane_images.append(ax.imshow(np.zeros((2, 2)), extent=unit, aspect="auto"))
            ax.set_xlim(0, 1)
            ax.set_ylim(1, 0)
        self.plane_labels = [
            ax.text(-0.06, 0.5, "", transform=ax.transAxes, rotation=90, ha="right",
                    va="center", fontsize=FONT["small"])
            for ax in self.planes
        ]  # fmt: skip
        self.slices, self.slice_images, self.bias_texts, self.borders = [], [], [], []
        size_w, size_h = 0.052, 0.11  # about square on a 9.4 x 4.4 in figure
        for f in range(MAX_FILTERS):
            row, row_images = [], []
            y = 0.755 - 0.128 * f
            for c in range(4):  # 3 slices and the bias
                ax = fig.add_axes((0.2 + 0.062 * c, y, size_w, size_h), **box)
                ax.set_xlim(0, 1)
                ax.set_ylim(1, 0)
                row.append(ax)
                if c < 3:
                    row_images.append(ax.imshow(np.zeros((1, 1)), extent=unit, aspect="auto"))
                    border = Rectangle(
                        (0, 0), 1, 1, fill=False, edgecolor=COLORS["text"],
                        linewidth=LINE["grid"], transform=ax.transAxes, clip_on=False,
                    )  # fmt: skip
                    ax.add_patch(border)
                    self.borders.append(border)
            # a bias text in every column: it shows in the one after the last slice
            self.bias_texts.append(
                [ax.text(0.5, 0.5, "", ha="center", va="center", fontsize=FONT["small"])
                 for ax in row]
            )  # fmt: skip
            self.slices.append(row)
            self.slice_images.append(row_images)
        self.maps, self.map_images = [], []
        for f in range(MAX_FILTERS):
            r, c = divmod(f, 3)
            ax = fig.add_axes((0.515 + 0.16 * c, 0.47 - 0.38 * r, 0.145, 0.34), **box)
            ax.set_xlim(0, 1)
            ax.set_ylim(1, 0)
            self.maps.append(ax)
            self.map_images.append(
                ax.imshow(np.zeros((2, 2)), extent=unit, aspect="auto", cmap=SIGNED_CMAP)
            )
        for ax in [*self.planes, *[a for row in self.slices for a in row], *self.maps]:
            for spine in ax.spines.values():
                spine.set_visible(False)
        heading = {"fontsize": FONT["normal"], "fontweight": "bold", "va": "bottom"}
        fig.text(0.045, 0.875, "input", color=TEXT_COLORS["input"], **heading)
        fig.text(0.2, 0.875, "filters: C slices + bias", color=TEXT_COLORS["kernel"], **heading)
        fig.text(0.515, 0.875, "output maps, one per filter", color=TEXT_COLORS["output"],
                 **heading)  # fmt: skip
        # the changing texts live in axes of their own, so a redraw repaints only their boxes
        bottom = fig.add_axes((0.0, 0.0, 1.0, 0.075))
        top = fig.add_axes((0.2, 0.93, 0.75, 0.07))
        for ax in (bottom, top):
            ax.set_axis_off()
            for spine in ax.spines.values():  # the explorer engine draws owners' spines
                spine.set_visible(False)
        self.formula = bottom.text(
            0.5, 0.2, "", ha="center", va="bottom", fontsize=FONT["title"], fontweight="bold"
        )
        self.note = top.text(0.0, 0.1, "", fontsize=FONT["small"], va="bottom")
        self.map_titles = [
            ax.text(0.5, 1.02, "", transform=ax.transAxes, ha="center", va="bottom",
                    fontsize=FONT["small"])
            for ax in self.maps
        ]  # fmt: skip

    @property
    def artists(self) -> list:
        return [
            *self.plane_images,
            *self.plane_labels,
            *[im for row in self.slice_images for im in row],
            *[t for row in self.bias_texts for t in row],
            *self.borders,
            *self.map_images,
            *self.map_titles,
            self.formula,
            self.note,
        ]

    def show(self, channels: int, filters: int, k: int) -> list:
        """Draw F = ``filters`` filters of k x k x C, C = ``channels``; return the artists."""
        w, b = example_filters(channels, filters, k)
        x = self.x if channels == 3 else _grey(self.x)
        self.weights, self.biases, self.outputs = w, b, []
        names = CHANNEL_NAMES if channels == 3 else ("grey",)
        cmaps = CHANNEL_CMAPS if channels == 3 else ("gray",)
        for c in range(3):
            image = self.plane_images[c]
            if c < channels:
                image.set_data(x[..., c])
                image.set_cmap(cmaps[c])
                image.set_clim(0, 1)
                image.set_visible(True)
                self.plane_labels[c].set_text(names[c])
            else:
                image.set_visible(False)
                self.plane_labels[c].set_text("")
        for f in range(MAX_FILTERS):
            lo, hi = signed_limits(w[f]) if f < filters else (-1, 1)  # each filter its scale
            for c in range(3):
                image = self.slice_images[f][c]
                shown = f < filters and c < channels
                image.set_visible(shown)
                self.borders[3 * f + c].set_visible(shown)
                if shown:
                    image.set_data(w[f, c])
                    image.set_cmap(SIGNED_CMAP)
                    image.set_clim(lo, hi)
            for c, text in enumerate(self.bias_texts[f]):
                text.set_text(f"bias\n{b[f]:g}" if f < filters and c == channels else "")
            map_image = self.map_images[f]
            if f < filters:
                _, out = channel_responses(x, w[f], b[f])
                self.outputs.append(out)
                map_image.set_data(out)
                map_image.set_clim(*signed_limits(out))
                map_image.set_visible(True)
                self.map_titles[f].set_text(f"map {f + 1}")
            else:
                map_image.set_visible(False)
                self.map_titles[f].set_text("")
        n = conv_params(channels, filters, k)
        self.n_parameters = n
        self.formula.set_text(
            f"F·(k·k·C + 1) = {filters}·({k}·{k}·{channels} + 1) = {n:,} parameters"
        )
        self.note.set_text(
            "k = 1: each filter is a dense layer from the C channels of a pixel, at every pixel"
            if k == 1
            else ""
        )
        return self.artists


# the text alternative of each figure a lesson shows (``display.alt_text``): what it shows and
# what to look for
one_filter_figure.alt = (
    "One filter of k by k by 3 on the red, green and blue planes of a photograph: each row is "
    "a channel, its slice of the filter and that slice's response; on the right their sum plus "
    "the bias, the filter's single output map. Look at how each slice responds to a different "
    "pattern, and how one output map combines all three channels."
)
