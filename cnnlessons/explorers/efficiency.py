"""Explorer of lesson 04, computational efficiency: one layer's parameters, multiply-adds and
memory, as a dense layer and as a convolution, as the image grows."""

from __future__ import annotations

import functools

import numpy as np

from .. import _checks
from ..costs import edge_detection_counts, layer_comparison
from ..style import COLORS, FONT
from .base import Explorer

__all__ = [
    "EfficiencyExplorer",
    "SIDES",
    "KERNELS",
    "CHANNEL_PAIRS",
    "human_bytes",
    "short_number",
]

#: the controls' options: 5 x 3 x 4 = 60 combinations, each a precomputed frame
SIDES = (28, 56, 112, 224, 1000)
KERNELS = (1, 3, 5)
#: (C, F) pairs of real layers: a grey image and one filter (the book, d2l), a colour photo
#: into 64 filters (VGG-16's conv1_1), 64 -> 128 (conv2_1), 512 -> 512 (conv5_x)
CHANNEL_PAIRS = ((1, 1), (3, 64), (64, 128), (512, 512))
CURVE_SIDES = np.unique(np.geomspace(5, 3000, 48).astype(int))  # the x range of the lines
X_RANGE = (10, 2e7)
Y_RANGE = (1, 1e19)


def human_bytes(n) -> str:
    """Bytes in decimal units: 358,400 -> '358 kB', 4e12 -> '4.0 TB'."""
    n = _checks.integer(n, "n", minimum=0)
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}" if n < 100 * scale else f"{n / scale:,.0f} {unit}"
    return f"{n} B"


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def short_number(x) -> str:
    """Up to 99,999 in full; beyond, two digits and a power of ten: 4.8·10¹¹."""
    if x < 1e5:
        return f"{x:,.0f}"
    mantissa, exponent = f"{x:.1e}".split("e")
    return f"{mantissa}·10{str(int(exponent)).translate(_SUPERSCRIPTS)}"


@functools.lru_cache(maxsize=64)  # 12 combinations of (channels, kernel, filters)
def _curves(channels: int, kernel: int, filters: int) -> dict:
    """The lines of the plot (read-only arrays: they are cached and shared)."""
    rows = [layer_comparison(s, channels, kernel, filters) for s in CURVE_SIDES if s >= kernel]
    curves = {"x": np.array([r.input_shape[0] ** 2 for r in rows], dtype=float)}
    for key in ("dense_parameters", "conv_parameters", "dense_multiply_adds",
                "conv_multiply_adds"):  # fmt: skip
        curves[key] = np.array([getattr(r, key) for r in rows], dtype=float)
    for values in curves.values():
        values.setflags(write=False)
    return curves


class EfficiencyExplorer(Explorer):
    """A ``side`` x ``side`` x C image through F k x k filters ("same" padding, stride 1) or
    through the dense layer with the same input and output sizes
    (``costs.layer_comparison``): parameters (solid lines) and multiply-adds (dashed; for the
    dense layer they are equal, every weight is used once) against the number of pixels, on
    log axes, with the current image as dots; the numbers, and the memory of the weights and
    of the output (float32), beside them. Fixed markers: the book's 320 x 280 edge detector
    (8,003,072,000 matrix entries against 2 weights) and d2l's 1000 x 1000 image to a
    1000 x 1000 layer (10^12 weights, 4 TB).

    Controls (all frame controls: 5 x 3 x 4 = 60 precomputed pictures, swapped in the
    browser): ``side`` (a slider over ``SIDES``), ``kernel`` (buttons over ``KERNELS``) and
    ``channels`` (buttons over ``CHANNEL_PAIRS``: input channels C → filters F, in pairs
    that real layers use). Channels and filters are one control, not two: 4 x 4 pairs would
    make 240 pictures, more than ``MAX_FRAMES``, and the engine draws the pictures one
    button away late (measured: with 135 pictures on a busy machine, the filters' buttons
    showed nothing for over 10 s).
    Arrays: ``comparison`` (the ``LayerComparison`` shown) and ``curves``.
    """

    figsize = (9.4, 4.2)

    def __init__(self, side=224, kernel=3, channels=1, filters=1, *, renderer="frames"):
        import ipywidgets as widgets

        for name, value, options in (("side", side, SIDES), ("kernel", kernel, KERNELS)):
            if isinstance(value, bool) or value not in options:
                raise ValueError(f"{name} must be one of {options}, got {value!r}")
        if (channels, filters) not in CHANNEL_PAIRS or isinstance(channels, bool):
            raise ValueError(
                f"(channels, filters) must be one of {CHANNEL_PAIRS}, got {(channels, filters)!r}"
            )
        controls = {
            "side": widgets.SelectionSlider(
                options=list(SIDES), value=side, description="image side",
                continuous_update=True, layout={"width": "330px"},
                style={"description_width": "initial"},
            ),
            "kernel": widgets.ToggleButtons(
                options=[(f"{k}×{k}", k) for k in KERNELS], value=kernel,
                description="kernel k",
                style={"button_width": "3.6em", "description_width": "initial"},
            ),
            "channels": widgets.ToggleButtons(
                options=[(f"{c} → {f}", (c, f)) for c, f in CHANNEL_PAIRS],
                value=(channels, filters), description="channels C → filters F",
                style={"button_width": "6em", "description_width": "initial"},
            ),
        }  # fmt: skip
        super().__init__(controls, renderer=renderer, frame_control=("side", "kernel", "channels"))

    def build(self, fig) -> None:
        ax, panel = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.25, 1]})
        self.ax, self.panel = ax, panel
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlim(*X_RANGE)
        ax.set_ylim(*Y_RANGE)
        ax.set_xlabel("pixels per channel (side × side)")
        ax.set_ylabel("count (log scale)")
        ax.set_yticks([1, 1e4, 1e8, 1e12, 1e16], ["1", "10⁴", "10⁸", "10¹²", "10¹⁶"])
        ax.grid(True, alpha=0.3)
        blue, orange = COLORS["input"], COLORS["kernel"]
        self.lines = {}
        for key, color, style, label in (
            ("dense_parameters", blue, "-", "dense: parameters = multiply-adds"),
            ("conv_parameters", orange, "-", "conv: parameters"),
            ("conv_multiply_adds", orange, "--", "conv: multiply-adds"),
        ):
            (self.lines[key],) = ax.plot([], [], style, color=color, linewidth=2.5, label=label)
        self.dots = {
            key: ax.plot([], [], "o", color=line.get_color(), markeredgecolor="black",
                         markersize=8, zorder=5)[0]
            for key, line in self.lines.items()
        }  # fmt: skip
        book = edge_detection_counts()
        h, w = book.input_shape
        ax.plot([h * w] * 2, [book.dense_entries, book.kernel_weights], "*", color=COLORS["text"],
                markersize=13, zorder=6)  # fmt: skip
        book_label = (f"book: {w}×{h}, {short_number(book.dense_entries)} entries "
                      f"vs {book.kernel_weights} weights")  # fmt: skip
        self.markers = {"book": ax.lines[-1]}
        self.markers["book"].set_label(book_label)
        d2l = layer_comparison(1000, 1, 3, 1)
        (self.markers["d2l"],) = ax.plot(
            [1e6], [d2l.dense_parameters], "D", color=COLORS["text"], markersize=8, zorder=6,
            label=f"d2l: 1000×1000 → 1000×1000, 10¹² weights "
            f"({human_bytes(d2l.dense_weight_bytes)})",
        )  # fmt: skip
        panel.set_axis_off()
        for spine in panel.spines.values():  # the engine draws the spines of owners
            spine.set_visible(False)
        text = {"transform": panel.transAxes, "va": "top", "ha": "left"}
        self.shape_text = panel.text(0, 1.0, "", fontsize=FONT["normal"], **text)
        # static labels; the values are animated text
        self.values_text = {}
        x_cols = (0.0, 0.25, 0.64)
        for col, header in ((1, "parameters"), (2, "multiply-adds")):
            panel.text(x_cols[col], 0.8, header, fontsize=FONT["small"], color=COLORS["text"],
                       **text)  # fmt: skip
        rows = [("dense", COLORS["input"]), ("conv", COLORS["kernel"]), ("ratio", COLORS["text"])]
        for i, (key, color) in enumerate(rows):
            y = 0.71 - 0.1 * i
            panel.text(x_cols[0], y, key, fontsize=FONT["normal"], color=color,
                       fontweight="bold", **text)  # fmt: skip
            for col, what in ((1, "parameters"), (2, "multiply_adds")):
                self.values_text[(key, what)] = panel.text(
                    x_cols[col], y, "", fontsize=FONT["normal"], color=color, **text
                )
        panel.text(0, 0.38, "memory, float32", fontsize=FONT["small"], color=COLORS["text"],
                   **text)  # fmt: skip
        self.memory_text = panel.text(0, 0.31, "", fontsize=FONT["normal"], linespacing=1.3,
                                      **text)  # fmt: skip
        panel.legend(*ax.get_legend_handles_labels(), loc="lower left", ncols=1,
                     bbox_to_anchor=(-0.02, -0.2), fontsize=FONT["small"],
                     frameon=False)  # fmt: skip
        self.animate(*self.lines.values(), *self.dots.values(), self.shape_text,
                     *self.values_text.values(), self.memory_text)  # fmt: skip

    def update(self, side=224, kernel=3, channels=(1, 1)) -> list:
        channels, filters = channels
        c = layer_comparison(side, channels, kernel, filters)
        self.comparison = c
        self.curves = _curves(channels, kernel, filters)
        x = float(side * side)
        for key, line in self.lines.items():
            line.set_data(self.curves["x"], self.curves[key])
            self.dots[key].set_data([x], [getattr(c, key)])
        (h, w, ch), (oh, ow, f) = c.input_shape, c.output_shape
        self.shape_text.set_text(
            f"{h}×{w}×{ch} image → {oh}×{ow}×{f} output\n"
            f'{f} filter{"s" if f > 1 else ""} of {kernel}×{kernel}×{ch}, "same" padding'
        )
        v = self.values_text
        v[("dense", "parameters")].set_text(short_number(c.dense_parameters))
        v[("conv", "parameters")].set_text(short_number(c.conv_parameters))
        v[("dense", "multiply_adds")].set_text(short_number(c.dense_multiply_adds))
        v[("conv", "multiply_adds")].set_text(short_number(c.conv_multiply_adds))
        v[("ratio", "parameters")].set_text(
            short_number(c.dense_parameters / c.conv_parameters) + "×"
        )
        v[("ratio", "multiply_adds")].set_text(
            short_number(c.dense_multiply_adds / c.conv_multiply_adds) + "×"
        )
        self.memory_text.set_text(
            f"dense weights {human_bytes(c.dense_weight_bytes)}, "
            f"conv weights {human_bytes(c.conv_weight_bytes)}\n"
            f"the output itself: {human_bytes(c.output_bytes)}"
        )
        return [*self.lines.values(), *self.dots.values(), self.shape_text, *v.values(),
                self.memory_text]  # fmt: skip
