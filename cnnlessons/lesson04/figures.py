"""Figures of lesson 04, computational efficiency (no widgets).

- ``edge_map_figure``: the photo crop and its edge map, side by side.
- ``scaling_plot``: measured time against pixels on log-log axes, fitted slopes, and the
  dense product extrapolated to the book's 320 x 280 image.
- ``network_costs_figure``: each layer's share of a network's parameters and of its
  multiply-adds (VGG-16, AlexNet, ...), conv layers and dense layers in two colours.
- ``EfficiencyFigure``: one layer as a convolution and as a dense layer, parameters and
  multiply-adds against the image's size, the numbers and memory beside them.
- ``human_bytes``, ``short_number``: numbers as the figures write them.
- ``Markdown`` text for tables and for the measured numbers in the lesson's prose
  (``slips_table``, ``timing_summary``).
"""

from __future__ import annotations

import functools

import numpy as np

from cnnlessons import _checks
from cnnlessons.figures.display import check_axes, check_figure
from cnnlessons.figures.style import (
    COLORS,
    FONT,
    GREY_CMAP,
    LINE,
    SIGNED_CMAP,
    TEXT_COLORS,
    signed_limits,
)
from cnnlessons.lesson04.numerics.costs import (
    NetworkCosts,
    book_summary_slips,
    edge_detection_counts,
    layer_comparison,
)
from cnnlessons.lesson04.numerics.timing import METHODS, Timings, dense_bytes, fit_slope
from cnnlessons.numerics.images import photo as read_photo

__all__ = [
    "EfficiencyFigure",
    "human_bytes",
    "short_number",
    "METHOD_STYLE",
    "Markdown",
    "edge_map_figure",
    "scaling_plot",
    "network_costs_figure",
    "slips_table",
    "timing_summary",
    "fit_all",
]

#: colour, marker and label of each timed method (markers tell them apart without colour)
METHOD_STYLE = {
    "conv2d": {"color": COLORS["output"], "marker": "o", "label": "conv2d"},
    "sparse": {"color": COLORS["receptive"], "marker": "s", "label": "sparse matrix (CSR)"},
    "dense": {"color": COLORS["input"], "marker": "^", "label": "dense matrix"},
}
KIND_COLORS = {"conv": COLORS["kernel"], "dense": COLORS["input"]}
#: conv bars are hatched, dense bars plain: the kinds apart without their colours (issue 20)
KIND_HATCHES = {"conv": "//", "dense": ""}


#: the image sides the lines of ``EfficiencyFigure`` are drawn at, and its fixed axes
CURVE_SIDES = np.unique(np.geomspace(5, 3000, 48).astype(int))
X_RANGE = (10, 2e7)
Y_RANGE = (0.1, 1e19)  # from 0.1: the book's 2 weights (its star) sit above the x-axis


def human_bytes(n) -> str:
    """Bytes in decimal units: 358,400 -> '358 kB', 4e12 -> '4 TB'."""
    n = _checks.integer(n, "n", minimum=0)
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}" if n < 100 * scale else f"{n / scale:,.0f} {unit}"
    return f"{n} B"


_SUPERSCRIPTS = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def short_number(x) -> str:
    """Up to 99,999 in full; beyond, two digits and a power of ten: 4.8·10¹¹."""
    x = _checks.real(x, "x", finite=True, minimum=0.0)
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


class EfficiencyFigure:
    """A ``side`` x ``side`` x C image through F k x k filters ("same" padding, stride 1) or
    through the dense layer with the same input and output sizes
    (``costs.layer_comparison``): parameters (solid lines) and multiply-adds (dashed; for the
    dense layer they are equal, every weight is used once) against the number of pixels, on
    fixed log axes, with the current image as dots; the numbers, and the memory of the
    weights and of the output (float32), beside them. Fixed markers: the book's 320 x 280
    edge detector (8,003,072,000 matrix entries against 2 weights) and d2l's 1000 x 1000
    image to a 1000 x 1000 layer (10^12 weights, 4 TB).

    ``select(side, kernel, channels, filters)`` shows one layer and returns the artists that
    changed. Arrays: ``comparison`` (the ``LayerComparison`` shown) and ``curves`` (the
    lines' data).
    """

    def __init__(self, fig, side=224, kernel=3, channels=1, filters=1):
        check_figure(fig)
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
        self.markers["book"].set_label(book_label + " (1 → 1)")
        d2l = layer_comparison(1000, 1, 3, 1)
        (self.markers["d2l"],) = ax.plot(
            [1e6], [d2l.dense_parameters], "D", color=COLORS["text"], markersize=8, zorder=6,
            label=f"d2l: 1000×1000 → 1000×1000, 10¹² weights "
            f"({human_bytes(d2l.dense_weight_bytes)}; 1 → 1)",
        )  # fmt: skip
        panel.set_axis_off()
        for spine in panel.spines.values():  # an explorer redraws the spines of owners
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
        self.select(side, kernel, channels, filters)

    @property
    def artists(self) -> list:
        return [*self.lines.values(), *self.dots.values(), *self.markers.values(),
                self.shape_text, *self.values_text.values(), self.memory_text]  # fmt: skip

    def select(self, side, kernel, channels=1, filters=1) -> list:
        """Show a ``side`` x ``side`` x ``channels`` image through ``filters`` k x k filters
        (``kernel`` odd, at most ``side``); return the artists that changed."""
        c = layer_comparison(side, channels, kernel, filters)
        x = float(side * side)
        top = max(c.dense_parameters, c.dense_multiply_adds, c.conv_multiply_adds)
        if not X_RANGE[0] <= x <= X_RANGE[1] or top > Y_RANGE[1]:
            raise ValueError(
                f"side, channels and filters must keep the dots on the fixed axes (side × side "
                f"from {X_RANGE[0]:g} to {X_RANGE[1]:g} pixels, counts up to {Y_RANGE[1]:g}), "
                f"got side={side}, channels={channels}, filters={filters}"
            )
        self.comparison = c
        self.curves = _curves(channels, kernel, filters)
        # the book's and d2l's layers have 1 channel and 1 filter: off the lines otherwise
        for marker in self.markers.values():
            marker.set_visible(channels == 1 and filters == 1)
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
        return self.artists


class Markdown(str):
    """A string that a notebook shows as Markdown when it ends a cell."""

    def _repr_markdown_(self) -> str:
        return str(self)


def _frame(ax, role, title):
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_edgecolor(COLORS[role])
        spine.set_linewidth(LINE["highlight"])
    ax.set_title(title, color=TEXT_COLORS[role])


def edge_map_figure(fig, image, edges) -> dict:
    """The ``image`` (an array or a file, as ``numerics.images.photo`` reads it) and its
    ``edges`` (signed: blue where the pixel is darker than its
    left neighbour, red where brighter, white where equal), with their sizes as titles."""
    check_figure(fig)
    image = read_photo(image, name="image", min_side=1)  # an array (grey or RGB) or a file's path
    edges = _checks.array(edges, "edges", ndims=(2,))
    left, right = fig.subplots(1, 2)
    photo = left.imshow(image, cmap=GREY_CMAP, vmin=0, vmax=1, interpolation="nearest")
    _frame(left, "input", f"photo: {image.shape[1]} × {image.shape[0]}")
    vmin, vmax = signed_limits(np.percentile(np.abs(edges), 99.5))
    edge = right.imshow(edges, cmap=SIGNED_CMAP, vmin=vmin, vmax=vmax, interpolation="nearest")
    _frame(right, "output", f"edge map: {edges.shape[1]} × {edges.shape[0]}")
    # said in words: red here is "brighter to the right" (lesson 01's kernel [1, 0, −1] makes
    # red "brighter on the left"; issue 20)
    words = "right − left\nred: brighter to the right\nblue: darker to the right"
    fig.colorbar(edge, ax=right, shrink=0.8, label=words)
    return {"photo": photo, "edges": edge, "axes": (left, right)}


def fit_all(timings: Timings) -> dict:
    """``fit_slope`` for each method of ``timings``: each method's fixed cost per call (its
    smallest time) taken out, and every point whose time is at least twice it fitted (issue
    20: leaving out every point under 10x the smallest time threw conv2d's rising stretch
    away, and its slope rested on 3 points)."""
    if not isinstance(timings, Timings):
        raise TypeError(f"timings must come from measure_edge_map, got {type(timings).__name__}")
    return {
        m: fit_slope(timings.pixels[m], timings.seconds[m], overhead_factor=2.0,
                     subtract_overhead=True)  # fmt: skip
        for m in METHODS
    }


def _seconds_label(t: float) -> str:
    for unit, scale in (("s", 1), ("ms", 1e-3), ("µs", 1e-6)):
        if t >= scale:
            return f"{t / scale:.3g} {unit}"
    return f"{t * 1e9:.3g} ns"


def scaling_plot(ax, timings: Timings, fits: dict | None = None) -> dict:
    """Seconds per call against pixels, log-log: measured points (hollow where the fit left
    them out as overhead), the fitted line of each method with its slope in the legend, and
    the dense time extrapolated to ``timings.target_shape`` (a dotted line to a hollow
    triangle) beside conv2d's time measured there (a filled circle)."""
    check_axes(ax)
    _checks.instance(timings, "timings", Timings, "the Timings measure_edge_map returns")
    if fits is not None and not isinstance(fits, dict):
        raise TypeError(f"fits must be None or a dict of method -> SlopeFit, got {fits!r:.60}")
    fits = fit_all(timings) if fits is None else fits
    artists = {}
    for method in METHODS:
        st, fit = METHOD_STYLE[method], fits[method]
        p, t = timings.pixels[method], timings.seconds[method]
        ax.scatter(p[~fit.used], t[~fit.used], s=36, marker=st["marker"], facecolors="white",
                   edgecolors=st["color"], linewidths=1.5, zorder=3)  # fmt: skip
        ax.scatter(p[fit.used], t[fit.used], s=44, marker=st["marker"], color=st["color"],
                   edgecolors="black", linewidths=0.6, zorder=4)  # fmt: skip
        span = np.geomspace(p[fit.used].min(), p[fit.used].max(), 40)  # a curve: cost + law
        (artists[method],) = ax.plot(
            span, fit.predict(span), color=st["color"], linewidth=2.5,
            label=f"{st['label']}: slope {fit.slope:.2f}",
        )  # fmt: skip
    h, w = timings.target_shape
    target = h * w
    side, dense_t = timings.largest_dense()
    extra = timings.extrapolated_dense()
    ax.plot([side * side, target], [dense_t, extra], ":", color=METHOD_STYLE["dense"]["color"],
            linewidth=2)  # fmt: skip
    ax.scatter([target], [extra], s=110, marker="^", facecolors="white", linewidths=2,
               edgecolors=METHOD_STYLE["dense"]["color"], zorder=5)  # fmt: skip
    ax.annotate(f"dense, extrapolated\nto {w}×{h}: {_seconds_label(extra)}", (target, extra),
                xytext=(14, 0), textcoords="offset points", ha="left", va="center",
                fontsize=FONT["small"], color=COLORS["text"])  # fmt: skip
    conv_t = timings.target["conv2d"]
    ax.scatter([target], [conv_t], s=90, marker="o", color=METHOD_STYLE["conv2d"]["color"],
               edgecolors="black", linewidths=1, zorder=5)  # fmt: skip
    ax.annotate(f"conv2d at {w}×{h}: {_seconds_label(conv_t)}", (target, conv_t),
                xytext=(10, -10), textcoords="offset points", ha="left", va="top",
                fontsize=FONT["small"], color=COLORS["text"])  # fmt: skip
    ax.axvline(target, color=COLORS["muted"], linewidth=1, zorder=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("pixels in the image (N × N)")
    ax.set_ylabel("seconds per edge map")
    ax.grid(True, which="major", alpha=0.3)
    ax.legend(loc="upper left", fontsize=FONT["small"], framealpha=0.9)
    low, high = ax.get_ylim()
    ax.set_ylim(low, max(high, 8 * extra))
    ax.set_xlim(right=max(ax.get_xlim()[1], 40 * target))  # room for the labels
    ax.set_title("measured on this computer (hollow: overhead, left out of the fit)",
                 fontsize=FONT["normal"])  # fmt: skip
    return artists


def network_costs_figure(fig, costs: NetworkCosts) -> dict:
    """Two panels, one bar per layer that has parameters: its share of the network's
    parameters (left) and of its multiply-adds (right). Conv layers orange and hatched, dense
    blue and plain."""
    check_figure(fig)
    if not isinstance(costs, NetworkCosts):
        raise TypeError(f"costs must come from network_costs, got {type(costs).__name__}")
    layers = costs.weighted()
    names = [ly.name for ly in layers]
    colors = [KIND_COLORS[ly.kind] for ly in layers]
    y = np.arange(len(layers))[::-1]
    left, right = fig.subplots(1, 2, sharey=True)
    bars = {}
    for ax, what, title in (
        (left, "parameters", "share of parameters"),
        (right, "multiply_adds", "share of multiply-adds"),
    ):
        share = np.array([getattr(ly, what) for ly in layers]) / costs.total(what)
        bars[what] = ax.barh(y, 100 * share, color=colors, edgecolor=COLORS["text"],
                             linewidth=0.6)  # fmt: skip
        for bar, layer in zip(bars[what], layers, strict=True):
            bar.set_hatch(KIND_HATCHES[layer.kind])
        conv = 100 * costs.share(what, "conv")
        total = costs.total(what)
        ax.set_title(f"{title}\n{total:,} in all\nconv {conv:.0f} % · dense {100 - conv:.0f} %",
                     fontsize=FONT["normal"])  # fmt: skip
        ax.set_xlabel("% of the network")
        ax.set_xlim(0, 100 * share.max() * 1.08)
        ax.grid(True, axis="x", alpha=0.3)
    left.set_yticks(y, names, fontsize=FONT["small"])
    handles = [left.bar([0], [0], color=c, hatch=KIND_HATCHES[k], edgecolor=COLORS["text"],
                        label=f"{k} layers{' (hatched)' if KIND_HATCHES[k] else ''}")
               for k, c in KIND_COLORS.items()]  # fmt: skip
    right.legend(handles=handles, loc="lower right", fontsize=FONT["small"])
    fig.suptitle(f"{costs.name}: where the parameters are, and where the work is",
                 fontsize=FONT["title"], fontweight="bold")  # fmt: skip
    return {"axes": (left, right), "bars": bars}


# ``figures.show`` passes these the whole figure (the attribute its ``draws_on_figure``
# decorator sets; written out here so that this module imports no other figure module)
edge_map_figure.draws_on = "figure"
network_costs_figure.draws_on = "figure"


def _table(header, rows) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def slips_table() -> Markdown:
    """The book summary's numbers beside the corrected ones (``costs.book_summary_slips``)."""
    rows = [(r.quantity, r.book, f"**{r.corrected}**", r.slip) for r in book_summary_slips()]
    return Markdown(_table(("", "the book summary", "correct", "what went wrong"), rows))


def _grew(fits: dict, methods: tuple, expected: int, what: str) -> str:
    """How the time grew: 'about 1, ...', or the reason when a slope is well above it."""
    if all(fits[m].slope <= expected + 0.3 for m in methods):
        return f"about {expected}, time proportional to {what}."
    return (
        f"time proportional to {what} (slope {expected}), and more than that here: between the "
        "sizes fitted the data grew out of the processor's caches, and reading from main memory "
        "is slower."
    )


def timing_summary(timings: Timings, fits: dict | None = None) -> Markdown:
    """The measurement in a few sentences, every number from ``timings``: the slopes, the
    memory budget, the extrapolated dense time and the measured against the counted ratio."""
    _checks.instance(timings, "timings", Timings, "the Timings measure_edge_map returns")
    if fits is not None and not isinstance(fits, dict):
        raise TypeError(f"fits must be None or a dict of method -> SlopeFit, got {fits!r:.60}")
    fits = fit_all(timings) if fits is None else fits
    counts = edge_detection_counts(*timings.target_shape)
    h, w = timings.target_shape
    side, _ = timings.largest_dense()
    s = {m: f"**{fits[m].slope:.2f}**" for m in METHODS}
    text = (
        f"On this computer the time of `conv2d` grew with slope {s['conv2d']} and the sparse "
        f"product's with slope {s['sparse']}: "
        f"{_grew(fits, ('conv2d', 'sparse'), 1, 'the number of pixels')} The dense product's "
        f"grew with slope {s['dense']}: "
        f"{_grew(fits, ('dense',), 2, 'the *square* of the number of pixels')} "
        f"Its matrix was measured up to {side} × {side} pixels, the "
        f"largest that fits the memory budget of {timings.memory_budget / 1e6:,.0f} MB.\n\n"
        f"At {w} × {h}, `conv2d` took **{_seconds_label(timings.target['conv2d'])}** and the "
        f"sparse product {_seconds_label(timings.target['sparse'])}. The dense product would "
        f"take about **{_seconds_label(timings.extrapolated_dense())}** (its time per matrix "
        f"entry at {side} × {side}, times {counts.dense_entries:,} entries), if its "
        f"{dense_bytes(h, w) / 1e9:.1f} GB matrix (float64; {counts.dense_bytes / 1e9:.1f} GB "
        f"in float32) fitted in memory at all. "
        f"Measured ratio: about **{timings.measured_ratio():,.0f}×**; counted: "
        f"{counts.ratio:,.0f}×. (Measured in {timings.elapsed:.1f} s.)"
    )
    if timings.stopped_early:
        text += " The time budget ran out before the largest sizes: fewer points were fitted."
    return Markdown(text)


# the text alternative of each figure a lesson shows (``display.alt_text``): what it shows and
# what to look for
edge_map_figure.alt = (
    "The book's edge detection example: a grey image and its edge map, each pixel minus its "
    "left neighbour (blue where darker, red where brighter to the right, white where equal: "
    "the colour bar says so in words), sizes in the titles. Look for the outlines the "
    "two-weight kernel finds."
)
network_costs_figure.alt = (
    "Where a real network spends: one bar per layer with parameters, its share of all "
    "parameters (left) and of all multiply-adds (right), convolution layers (orange, hatched) "
    "against dense layers (blue, plain). Look for the dense layers holding most parameters "
    "while the convolutions do most of the computing."
)
scaling_plot.alt = (
    "Seconds per call against the number of pixels, measured on this computer, log-log: one "
    "fit per method, a fixed cost per call plus a power law, with its slope in the legend "
    "(hollow points, under twice the fixed cost, left out), and the dense layer's time "
    "extrapolated to a large image beside conv2d's measured time. Look at the slopes: the "
    "dense method's time grows much faster."
)
