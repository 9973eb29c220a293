"""Figures of lesson 03 about counting parameters (no widgets).

- ``param_growth_plot``: dense against convolutional parameters as the image grows.
- ``ParameterCountFigure``: one layer's parameters, dense against convolution, as two bars on
  a fixed log scale, and the arithmetic beside them.
"""

from __future__ import annotations

import numpy as np

from cnnlessons import _checks
from cnnlessons.figures.display import check_axes, check_figure, draws_on_figure
from cnnlessons.figures.style import COLORS, FONT
from cnnlessons.numerics.counting import conv_params, dense_params
from cnnlessons.numerics.geometry import output_size

__all__ = ["param_growth_plot", "ParameterCountFigure"]

#: the bars' fixed log scale: fits a 1000 x 1000 image to a 1000 x 1000 layer (10^12)
X_RANGE = (1, 1e14)


def param_growth_plot(ax, sides, in_channels=3, out_channels=6, kernel_size=5) -> dict:
    """Parameters (weights and biases) of one layer on square images of side s for s in
    ``sides``, on log-log axes (a power law is a straight line): a dense layer from the
    s x s x C input to the output a "valid" convolution has ((s - k + 1)² x F values),
    against the convolution itself, F·(k·k·C + 1) whatever s is: a flat line.

    Returns ``{"dense": Line2D, "conv": Line2D}``; the plotted numbers are in their data.
    """
    check_axes(ax)
    if isinstance(sides, (str, bytes)) or not np.iterable(sides):
        raise TypeError(f"sides must be a list of image sides (integers), got {sides!r}")
    sides = sorted(_checks.integer(s, "sides[i]", minimum=1) for s in sides)
    if len(sides) < 2:
        raise ValueError(f"sides must hold at least 2 image sides, got {len(sides)}")
    c = _checks.integer(in_channels, "in_channels", minimum=1)
    f = _checks.integer(out_channels, "out_channels", minimum=1)
    k = _checks.integer(kernel_size, "kernel_size", minimum=1)
    if sides[0] < k:
        raise ValueError(
            f"sides must all be >= kernel_size={k} (the kernel must fit), got {sides[0]}"
        )
    s = np.array(sides, dtype=float)
    side = "s" if k == 1 else f"(s−{k - 1})"
    dense = [dense_params(v * v * c, output_size(v, k) ** 2 * f) for v in sides]
    conv = [conv_params(c, f, k)] * len(sides)
    (line_dense,) = ax.loglog(
        s,
        np.array(dense, dtype=float),
        "o-",
        color=COLORS["input"],
        lw=2.5,
        label=f"dense: {c}·s² inputs × {f}·{side}² outputs",
    )
    (line_conv,) = ax.loglog(
        s,
        np.array(conv, dtype=float),
        "s-",
        color=COLORS["kernel"],
        lw=2.5,
        label=f"convolution: F·(k·k·C + 1) = {f}·({k}·{k}·{c} + 1) = {conv[0]:,}",
    )
    ax.set_xticks(s, [f"{v:g}" for v in s], minor=False)
    ax.set_xticks([], minor=True)
    ax.set_xlabel("image side s (pixels)")
    ax.set_ylabel("parameters")
    ax.legend(loc="upper left", fontsize=FONT["small"], frameon=False)
    ax.grid(True, which="major", alpha=0.3)
    return {"dense": line_dense, "conv": line_conv}


@draws_on_figure
class ParameterCountFigure:
    """Parameters of one layer, dense against convolution, for an H x W x C input and F
    filters of k x k (stride 1, ``padding`` zeros on each side: the output is H' x W' x F,
    H' = H + 2p − k + 1, and the dense layer maps the same input to an output of that size).
    Biases included.

    Left: two bars on a fixed log scale (``bars``, their counts written on them,
    ``numbers``). Right: the input and output sizes, the arithmetic of each count and their
    ratio (``lines``; their labels are static, only the values change, since text is most of
    the cost of a redraw).

    ``select(height, width, channels, filters, kernel, padding=0)`` shows one layer and
    returns the artists that changed. Numbers: ``dense``, ``conv`` (the counts shown),
    ``dense_weights`` (without biases), ``formula`` (the line explaining ``conv``),
    ``input_shape`` (H, W, C) and ``output_shape`` (H', W', F).
    """

    def __init__(self, fig, height=32, width=32, channels=3, filters=6, kernel=5, padding=0):
        check_figure(fig)
        ax, panel = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.3]})
        self.ax, self.panel = ax, panel
        bars = ax.barh([1, 0], [1, 1], left=1, height=0.6,
                       color=[COLORS["input"], COLORS["kernel"]])  # fmt: skip
        self.bars = {"dense": bars.patches[0], "conv": bars.patches[1]}
        ax.set_xscale("log")
        ax.set_xlim(*X_RANGE)
        ax.set_ylim(-0.6, 1.6)
        ax.set_yticks([1, 0], ["dense", "conv"])
        for label, role in zip(ax.get_yticklabels(), ("input", "kernel"), strict=True):
            label.set_color(COLORS[role])
        ax.set_xticks([1, 1e3, 1e6, 1e9, 1e12], ["1", "10³", "10⁶", "10⁹", "10¹²"])
        ax.set_xlabel("parameters (log scale)")
        ax.grid(True, axis="x", alpha=0.3)
        ax.set_title("parameters of one layer")
        self.numbers = {
            key: ax.text(1, y, "", va="center", fontsize=FONT["normal"], fontweight="bold")
            for key, y in (("dense", 1), ("conv", 0))
        }
        panel.set_axis_off()
        for spine in panel.spines.values():  # an explorer redraws the spines of owners
            spine.set_visible(False)
        # (key, static label, font size, colour, bold): labels stay in the background, only
        # the values are redrawn (text is most of the cost of an update)
        rows = [
            ("input", "input", FONT["normal"], COLORS["input"], False),
            ("output", "output", FONT["normal"], COLORS["output"], False),
            ("size", "", FONT["small"], COLORS["muted"], False),
            ("dense", "dense", FONT["normal"], COLORS["input"], False),
            (None, "conv", FONT["normal"], COLORS["kernel"], True),
            ("conv", "", FONT["normal"], COLORS["kernel"], True),
            ("ratio", "ratio", FONT["normal"], COLORS["text"], False),
        ]
        self.lines = {}
        for i, (key, label, size, color, bold) in enumerate(rows):
            style = {"transform": panel.transAxes, "va": "top", "fontsize": size,
                     "color": color, "fontweight": "bold" if bold else "normal"}  # fmt: skip
            y = 1.0 - 0.145 * i
            panel.text(0, y, label, **style)
            if key is None:
                panel.text(0.18, y, "F × (C·k·k + 1)", **style)
            else:
                self.lines[key] = panel.text(0.18, y, "", **style)
        self.select(height, width, channels, filters, kernel, padding)

    @property
    def artists(self) -> list:
        return [*self.bars.values(), *self.numbers.values(), *self.lines.values()]

    def select(self, height, width, channels, filters, kernel, padding=0) -> list:
        """Show one layer; return the artists that changed."""
        h = _checks.integer(height, "height", minimum=1)
        w = _checks.integer(width, "width", minimum=1)
        c = _checks.integer(channels, "channels", minimum=1)
        f = _checks.integer(filters, "filters", minimum=1)
        k = _checks.integer(kernel, "kernel", minimum=1)
        p = _checks.integer(padding, "padding", minimum=0)
        if k > min(h, w) + 2 * p:
            raise ValueError(
                f"kernel must fit the padded input (at most {min(h, w) + 2 * p} for "
                f"{h}×{w} with padding {p}), got {k}"
            )
        oh, ow = output_size(h, k, padding=p), output_size(w, k, padding=p)
        n_in, n_out = h * w * c, oh * ow * f
        dense = dense_params(n_in, n_out)
        if dense > X_RANGE[1]:
            raise ValueError(
                f"height, width, channels and filters must keep the dense count within the "
                f"bars' fixed scale (at most {X_RANGE[1]:g}), got {dense:,}"
            )
        self.input_shape, self.output_shape = (h, w, c), (oh, ow, f)
        self.dense = dense
        self.dense_weights = dense_params(n_in, n_out, bias=False)
        self.conv = conv_params(c, f, k)
        self.formula = f"F × (C·k·k + 1) = {f} × ({c}·{k}·{k} + 1) = {self.conv:,}"
        for key, count in (("dense", self.dense), ("conv", self.conv)):
            self.bars[key].set_width(count - X_RANGE[0])
            text = self.numbers[key]
            text.set_text(f"{count:,}")
            inside = count >= 1e7
            text.set_x(count / 1.4 if inside else count * 1.4)
            text.set_horizontalalignment("right" if inside else "left")
            text.set_color("white" if inside else COLORS["text"])
        plural = {n: "" if n == 1 else "s" for n in (n_in, n_out)}
        self.lines["input"].set_text(f"{h}×{w}×{c} = {n_in:,} value{plural[n_in]}")
        self.lines["output"].set_text(f"{oh}×{ow}×{f} = {n_out:,} value{plural[n_out]}")
        if p == 0:
            size = f'"valid": {h} − {k} + 1 = {oh}' + ("" if w == h else f", {w} − {k} + 1 = {ow}")
        elif (oh, ow) == (h, w):
            size = f'"same" padding {p}: as big as the input'
        else:
            size = f"padding {p}: {h} + 2·{p} − {k} + 1 = {oh}" + (
                "" if w == h else f", {w} + 2·{p} − {k} + 1 = {ow}"
            )
        self.lines["size"].set_text(size)
        self.lines["dense"].set_text(f"{n_in:,} × {n_out:,} + {n_out:,}")
        self.lines["conv"].set_text(self.formula.split(")", 1)[1].lstrip())
        self.lines["ratio"].set_text(f"dense / conv = {self.dense / self.conv:,.0f}×")
        return self.artists


# the text alternative of each figure a lesson shows (``display.alt_text``): what it shows and
# what to look for
param_growth_plot.alt = (
    "Parameters of one layer against the image's side, on log-log axes, a dense layer against "
    "a convolution. Look for the dense line growing as a straight, steep line while the "
    "convolution's count stays flat whatever the image size."
)
