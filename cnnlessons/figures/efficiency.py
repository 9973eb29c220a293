"""Figures of lesson 04, computational efficiency (no widgets).

- ``edge_map_figure``: the photo crop and its edge map, side by side.
- ``scaling_plot``: measured time against pixels on log-log axes, fitted slopes, and the
  dense product extrapolated to the book's 320 x 280 image.
- ``network_costs_figure``: each layer's share of a network's parameters and of its
  multiply-adds (VGG-16, AlexNet, ...), conv layers and dense layers in two colours.
- ``Markdown`` text for tables and for the measured numbers in the lesson's prose
  (``slips_table``, ``timing_summary``).
"""

from __future__ import annotations

import numpy as np

from ..costs import NetworkCosts, book_summary_slips, edge_detection_counts
from ..style import COLORS, FONT, GREY_CMAP, LINE, SIGNED_CMAP, signed_limits
from ..timing import METHODS, Timings, dense_bytes, fit_slope

__all__ = [
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
    ax.set_title(title, color=COLORS[role])


def edge_map_figure(fig, image, edges) -> dict:
    """The grey ``image`` and its ``edges`` (signed: blue where the pixel is darker than its
    left neighbour, red where brighter, white where equal), with their sizes as titles."""
    image, edges = np.asarray(image, dtype=float), np.asarray(edges, dtype=float)
    if image.ndim != 2 or edges.ndim != 2:
        raise ValueError(f"image and edges must be 2-D, got {image.shape} and {edges.shape}")
    left, right = fig.subplots(1, 2)
    photo = left.imshow(image, cmap=GREY_CMAP, vmin=0, vmax=1, interpolation="nearest")
    _frame(left, "input", f"photo: {image.shape[1]} × {image.shape[0]}")
    vmin, vmax = signed_limits(np.percentile(np.abs(edges), 99.5))
    edge = right.imshow(edges, cmap=SIGNED_CMAP, vmin=vmin, vmax=vmax, interpolation="nearest")
    _frame(right, "output", f"edge map: {edges.shape[1]} × {edges.shape[0]}")
    fig.colorbar(edge, ax=right, shrink=0.8, label="right − left")
    return {"photo": photo, "edges": edge, "axes": (left, right)}


def fit_all(timings: Timings) -> dict:
    """``fit_slope`` for each method of ``timings`` (default overhead rule)."""
    if not isinstance(timings, Timings):
        raise TypeError(f"timings must come from measure_edge_map, got {type(timings).__name__}")
    return {m: fit_slope(timings.pixels[m], timings.seconds[m]) for m in METHODS}


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
    fits = fit_all(timings) if fits is None else fits
    artists = {}
    for method in METHODS:
        st, fit = METHOD_STYLE[method], fits[method]
        p, t = timings.pixels[method], timings.seconds[method]
        ax.scatter(p[~fit.used], t[~fit.used], s=36, marker=st["marker"], facecolors="white",
                   edgecolors=st["color"], linewidths=1.5, zorder=3)  # fmt: skip
        ax.scatter(p[fit.used], t[fit.used], s=44, marker=st["marker"], color=st["color"],
                   edgecolors="black", linewidths=0.6, zorder=4)  # fmt: skip
        span = np.array([p[fit.used].min(), p[fit.used].max()])
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
    parameters (left) and of its multiply-adds (right). Conv layers orange, dense blue."""
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
        conv = 100 * costs.share(what, "conv")
        total = costs.total(what)
        ax.set_title(f"{title}\n{total:,} in all\nconv {conv:.0f} % · dense {100 - conv:.0f} %",
                     fontsize=FONT["normal"])  # fmt: skip
        ax.set_xlabel("% of the network")
        ax.set_xlim(0, 100 * share.max() * 1.08)
        ax.grid(True, axis="x", alpha=0.3)
    left.set_yticks(y, names, fontsize=FONT["small"])
    handles = [left.bar([0], [0], color=c, label=f"{k} layers") for k, c in KIND_COLORS.items()]
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
