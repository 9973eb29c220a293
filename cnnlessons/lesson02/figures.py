"""Figures of lesson 02, sparse interactions: who is connected to whom (no widgets).

- ``ConnectionDiagram``: the 1-D connection diagram of Deep Learning Figs 9.2 and 9.3,
  inputs at the bottom, outputs at the top, one line per connection; dense or convolutional,
  seen from one input (which outputs it affects) or from one output (its receptive field).
- ``DependencyFigure``: the same in 2-D, on the classic 6x6 example: pick an output of the
  4x4 result and see the 9 of the 36 inputs it depends on.
- ``connections_plot``: how the number of connections grows with the image, dense (m·n)
  against convolutional (k·n).

Each figure draws once and its ``select`` method changes a few artists in
place and returns them, so an explorer can redraw just those.
"""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap, to_rgba

from cnnlessons import _checks
from cnnlessons.figures.display import check_axes, check_figure, draws_on_figure
from cnnlessons.figures.grids import NumberGrid, frame_axes, highlight, move_highlight
from cnnlessons.figures.style import (
    COLORS,
    FONT,
    LINE,
    SIGNED_CMAP,
    UNSIGNED_CMAP,
    signed_limits,
)
from cnnlessons.numerics.conv import conv2d
from cnnlessons.numerics.counting import conv_connections, dense_connections
from cnnlessons.numerics.images import KERNELS, edge_example

__all__ = [
    "CONNECTION_KINDS",
    "SIDES",
    "ConnectionDiagram",
    "DependencyFigure",
    "connections_plot",
    "locality_figure",
]

CONNECTION_KINDS = ("dense", "conv")
SIDES = ("input", "output")
_WHITE = to_rgba("white")


def _odd_k(k) -> int:
    k = _checks.integer(k, "k", minimum=1)
    if k % 2 == 0:
        raise ValueError(f"k must be odd (a window centred on its output), got {k}")
    return k


#: The most units in a row of ``ConnectionDiagram``: 64 (64 x 64 = 4,096 connections drawn,
#: MAX_DRAWN_CELLS; a longer row is a grey blur anyway).
MAX_UNITS = 64


class ConnectionDiagram:
    """The 1-D connection diagram of Deep Learning Figs 9.2/9.3 on one axes.

    ``n_inputs`` input units (circles, input blue) in a row at the bottom, as many output
    units (green) at the top, and a line for every connection. ``kind="dense"`` connects
    every output to every input; ``kind="conv"`` connects output j to inputs
    j - k//2 .. j + k//2 (zero padding "same": inputs past the ends do not exist).

    ``select(kind, k, side, unit)`` picks one unit: ``side="output"`` shows that output's
    receptive field (the inputs it depends on), ``side="input"`` the outputs that input
    affects. Those connections are drawn thick in the receptive-field colour, the rest thin
    and grey; the selected unit and the units it reaches are filled. Five artists change in
    all (two ``LineCollection``s, two scatters, one text), whatever the number of units.
    """

    def __init__(
        self,
        ax,
        n_inputs: int = 7,
        *,
        kind: str = "conv",
        k: int = 3,
        side: str = "output",
        unit: int | None = None,
    ):
        check_axes(ax)
        self.n = _checks.integer(n_inputs, "n_inputs", minimum=2, maximum=MAX_UNITS)
        self.ax = ax
        n = self.n
        x = np.arange(n, dtype=float)
        # every possible connection as a segment, output j (top, y=1) to input i (y=0);
        # row-major over (output, input) so a boolean matrix picks segments directly
        jj, ii = np.meshgrid(x, x, indexing="ij")
        self._segments = np.stack(
            [np.stack([ii, np.zeros_like(ii)], -1), np.stack([jj, np.ones_like(jj)], -1)], -2
        ).reshape(n * n, 2, 2)
        # the grey ones first, then the highlighted ones over them, then the units
        self.rest = LineCollection([], colors=COLORS["muted"], linewidths=LINE["grid"], zorder=1)
        self.hot = LineCollection(
            [], colors=COLORS["receptive"], linewidths=LINE["highlight"], zorder=2
        )
        ax.add_collection(self.rest)
        ax.add_collection(self.hot)
        size = min(600.0, 5200.0 / n)  # marker area (pt²): smaller circles for longer rows
        self.inputs = ax.scatter(
            x,
            np.zeros(n),
            s=size,
            zorder=3,
            facecolors="white",
            edgecolors=COLORS["input"],
            linewidths=2.5,
        )
        self.outputs = ax.scatter(
            x,
            np.ones(n),
            s=size,
            zorder=3,
            facecolors="white",
            edgecolors=COLORS["output"],
            linewidths=2.5,
        )
        for i in range(n):  # unit numbers: static, outside the circles
            ax.text(
                i,
                -0.2,
                f"{i}",
                ha="center",
                va="top",
                fontsize=FONT["small"],
                color=COLORS["input"],
            )
            ax.text(
                i,
                1.2,
                f"{i}",
                ha="center",
                va="bottom",
                fontsize=FONT["small"],
                color=COLORS["output"],
            )
        ax.text(
            -0.6,
            0,
            "inputs",
            ha="right",
            va="center",
            fontsize=FONT["normal"],
            color=COLORS["input"],
            fontweight="bold",
        )
        ax.text(
            -0.6,
            1,
            "outputs",
            ha="right",
            va="center",
            fontsize=FONT["normal"],
            color=COLORS["output"],
            fontweight="bold",
        )
        self.text = ax.text(
            0.5,
            1.0,
            "",
            transform=ax.transAxes,
            ha="center",
            va="bottom",
            fontsize=FONT["title"],
            color=COLORS["text"],
        )
        ax.set_xlim(-2.3, n - 0.5)
        ax.set_ylim(-0.55, 1.55)
        ax.set_axis_off()
        for spine in ax.spines.values():  # explorers redraw spines over animated artists
            spine.set_visible(False)
        self.select(kind, k, side, (n - 1) // 2 if unit is None else unit)

    @property
    def artists(self) -> list:
        """The artists ``select`` changes, in drawing order."""
        return [self.rest, self.hot, self.inputs, self.outputs, self.text]

    @staticmethod
    def connectivity(kind: str, n: int, k: int) -> np.ndarray:
        """Boolean (outputs x inputs) matrix: True where output j is connected to input i."""
        _checks.choice(kind, "kind", CONNECTION_KINDS)
        i = np.arange(n)
        if kind == "dense":
            return np.ones((n, n), dtype=bool)
        return np.abs(i[:, None] - i[None, :]) <= k // 2

    @property
    def connected(self) -> np.ndarray:
        """The connections as drawn (both line collections), as an (outputs x inputs)
        boolean matrix read back from the segments' end points."""
        m = np.zeros((self.n, self.n), dtype=bool)
        for lines in (self.rest, self.hot):
            for seg in lines.get_segments():
                (i, _), (j, _) = np.asarray(seg)
                m[int(round(j)), int(round(i))] = True
        return m

    @property
    def highlighted_connections(self) -> np.ndarray:
        """(outputs x inputs) boolean matrix of the connections drawn thick and coloured."""
        m = np.zeros((self.n, self.n), dtype=bool)
        for seg in self.hot.get_segments():
            (i, _), (j, _) = np.asarray(seg)
            m[int(round(j)), int(round(i))] = True
        return m

    def select(self, kind: str, k: int, side: str, unit: int) -> list:
        """Show ``kind`` ("dense" or "conv", kernel size ``k``, odd) seen from unit ``unit`` of
        ``side`` ("input" or "output"); return the artists that changed."""
        _checks.choice(kind, "kind", CONNECTION_KINDS)
        k = _odd_k(k)
        _checks.choice(side, "side", SIDES)
        unit = _checks.integer(unit, "unit", minimum=0)
        if unit >= self.n:
            raise ValueError(f"unit must be between 0 and {self.n - 1}, got {unit}")
        n = self.n
        conn = self.connectivity(kind, n, k)
        hot = np.zeros_like(conn)
        if side == "output":
            hot[unit, :] = conn[unit, :]
        else:
            hot[:, unit] = conn[:, unit]
        self.rest.set_segments(self._segments[(conn & ~hot).ravel()])
        self.hot.set_segments(self._segments[hot.ravel()])
        reached = hot.any(axis=0) if side == "output" else hot.any(axis=1)
        self.kind, self.k, self.side, self.unit = kind, k, side, unit
        self.highlighted = np.flatnonzero(reached)  # the units on the other side
        own, other = (
            (self.outputs, self.inputs) if side == "output" else (self.inputs, self.outputs)
        )
        other_role = "input" if side == "output" else "output"
        fill = np.tile(_WHITE, (n, 1))
        fill[reached] = to_rgba(COLORS[other_role])
        other.set_facecolors(fill)
        other.set_edgecolors(COLORS[other_role])
        other.set_linewidths(2.5)
        fill = np.tile(_WHITE, (n, 1))
        fill[unit] = to_rgba(COLORS[side])
        own.set_facecolors(fill)
        edges = np.tile(to_rgba(COLORS[side]), (n, 1))
        edges[unit] = to_rgba(COLORS["receptive"])
        widths = np.full(n, 2.5)
        widths[unit] = 5.0
        own.set_edgecolors(edges)
        own.set_linewidths(widths)
        count = int(reached.sum())
        verb = "depends on" if side == "output" else "affects"
        what = "inputs" if side == "output" else "outputs"
        layer = "dense layer" if kind == "dense" else f"convolution, k = {k}"
        self.text.set_text(
            f"{layer}: {side} {unit} {verb} {count} of {n} {what}   "
            f"({int(conn.sum())} connections in all)"
        )
        return self.artists


@draws_on_figure
class DependencyFigure:
    """Which inputs one output depends on, in 2-D: the classic 6x6 example.

    Left the input (by default ``edge_example()``: left half 10s, right half 0s), right the
    output of ``conv2d`` with a 3x3 kernel (by default the vertical edge: 0, 30, 30, 0 on every
    row). ``select(row, col)`` outlines output (row, col) in the output colour and the 3x3
    input patch it depends on in the receptive-field colour, and covers the other inputs
    (27 of 36 for the 6x6 example) with a veil of white: nothing there can change that output.
    """

    def __init__(self, fig, x=None, w=None):
        check_figure(fig)
        self.x = edge_example() if x is None else _checks.array(x, "x", ndims=(2,))
        self.w = KERNELS["vertical edge"] if w is None else _checks.array(w, "w", ndims=(2,))
        self.out = conv2d(self.x, self.w)  # validates that the kernel fits
        self.kernel_hw = self.w.shape
        h, wd = self.x.shape
        oh, ow = self.out.shape
        ax_in, ax_out = fig.subplots(1, 2, gridspec_kw={"width_ratios": [wd, ow]})
        self.axes = {"input": ax_in, "output": ax_out}
        self.input = NumberGrid(ax_in, self.x, cmap=UNSIGNED_CMAP)
        lo, hi = signed_limits(self.out)
        self.output = NumberGrid(ax_out, self.out, cmap=SIGNED_CMAP, vmin=lo, vmax=hi)
        frame_axes(ax_in, "input", f"input {h}×{wd}")
        frame_axes(ax_out, "output", f"output {oh}×{ow}")
        # the inputs an output does not depend on: a semi-transparent white veil, masked
        # over the patch (so only the veil's mask changes when the selection moves)
        self.cover = ax_in.pcolormesh(
            np.arange(wd + 1) - 0.5,
            np.arange(h + 1) - 0.5,
            np.ones(self.x.shape),
            cmap=ListedColormap(["white"]),
            alpha=0.78,
            edgecolors="none",
            zorder=3,
        )
        kh, kw = self.kernel_hw
        self.patch_box = highlight(ax_in, 0, 0, kh, kw, "receptive")
        self.cell = highlight(ax_out, 0, 0, 1, 1, "output")
        self.text = fig.text(
            0.5, 0.015, "", ha="center", va="bottom", fontsize=FONT["title"], color=COLORS["text"]
        )
        engine = fig.get_layout_engine()
        if engine is not None and hasattr(engine, "set"):
            engine.set(rect=(0, 0.12, 1, 0.88))  # room for the text under the panels
        self.select(0, 0)

    @property
    def artists(self) -> list:
        """The artists ``select`` changes, in drawing order."""
        return [self.cover, self.patch_box, self.cell, self.text]

    def select(self, row: int, col: int) -> list:
        """Select output (row, col); return the artists that changed."""
        oh, ow = self.out.shape
        row = _checks.integer(row, "row", minimum=0)
        col = _checks.integer(col, "col", minimum=0)
        if row >= oh or col >= ow:
            raise ValueError(f"(row, col) must lie in the {oh}x{ow} output, got {(row, col)}")
        kh, kw = self.kernel_hw
        mask = np.zeros(self.x.shape, dtype=bool)
        mask[row : row + kh, col : col + kw] = True
        self.cover.set_array(np.ma.masked_array(np.ones(self.x.shape), mask=mask))
        move_highlight(self.patch_box, row, col)
        move_highlight(self.cell, row, col)
        self.selected = (row, col)
        self.value = float(self.out[row, col])
        value = f"{self.value:g}"
        self.text.set_text(
            f"output ({row}, {col}) = {value} depends on {kh * kw} of {self.x.size} inputs; "
            f"the other {self.x.size - kh * kw} cannot change it"
        )
        return self.artists

    @property
    def depends_on(self) -> np.ndarray:
        """Boolean mask over the input, as drawn: True where the veil leaves a pixel
        uncovered (the selected output's receptive field)."""
        return np.ma.getmaskarray(self.cover.get_array()).reshape(self.x.shape).copy()


def connections_plot(ax, sides, k: int = 9, *, kernel_size: int | None = None) -> dict:
    """Connections of one layer on square one-channel images of side ``s`` for s in
    ``sides``, "same" padding so m = n = s²: dense m·n against convolutional, log-log.

    ``kernel_size`` is the kernel's side k (the series' notation): each output sees k·k
    inputs, k·k·n connections. ``k`` (kept for older calls) is the number of inputs one output
    sees, used when ``kernel_size`` is not given. The ratio is written at the largest side.
    Returns the two lines and the note (``{"dense": Line2D, "conv": Line2D, "ratio":
    Annotation}``).
    """
    check_axes(ax)
    if isinstance(sides, (str, bytes)) or not np.iterable(sides):
        raise TypeError(f"sides must be a list of image sides (integers), got {sides!r}")
    sides = sorted(_checks.integer(s, "sides[i]", minimum=1) for s in sides)
    if len(sides) < 2:
        raise ValueError(f"sides must hold at least 2 image sides, got {len(sides)}")
    if kernel_size is not None:
        side = _checks.integer(kernel_size, "kernel_size", minimum=1)
        k, label = side * side, f"convolution: k·k·n = {side}·{side}·s²"
    else:
        k = _checks.integer(k, "k", minimum=1)
        label = f"convolution: {k} inputs per output, {k}·n = {k}·s²"
    s = np.array(sides, dtype=float)
    dense = np.array([dense_connections(v * v, v * v) for v in sides], dtype=float)
    conv = np.array([conv_connections(v * v, k) for v in sides], dtype=float)
    (line_dense,) = ax.loglog(
        s, dense, "o-", color=COLORS["input"], lw=2.5, label="dense: m·n = s⁴"
    )
    (line_conv,) = ax.loglog(s, conv, "s-", color=COLORS["kernel"], lw=2.5, label=label)
    top, bottom = dense[-1], conv[-1]
    ax.annotate(
        "",
        xy=(s[-1], bottom),
        xytext=(s[-1], top),
        arrowprops={"arrowstyle": "<->", "color": COLORS["text"], "lw": 1.5},
    )
    ratio = top / bottom
    note = ax.annotate(
        f"{ratio:,.0f}× more\nat {sides[-1]}×{sides[-1]}",
        xy=(s[-1], np.sqrt(top * bottom)),
        xytext=(-10, 0),
        textcoords="offset points",
        ha="right",
        va="center",
        fontsize=FONT["normal"],
        color=COLORS["text"],
    )
    ax.set_xlabel("image side s (pixels), m = n = s²")
    ax.set_ylabel("connections")
    ax.legend(loc="upper left", fontsize=FONT["small"], frameon=False)
    ax.grid(True, which="major", alpha=0.3)
    return {"dense": line_dense, "conv": line_conv, "ratio": note}


# ----------------------------------------------------------------------------- locality
@draws_on_figure
def locality_figure(fig, image=None, distances=(1, 2, 4, 8, 16, 32, 64, 128), pair=16) -> dict:
    """Locality measured on a photograph (``image``: see ``numerics.images.photo``; default
    Grace Hopper). Left: the photo, with two pixels ``pair`` apart marked. Right: the
    correlation of two pixels against their distance, along rows (solid, circles) and columns
    (dashed, squares), and for the same pixels shuffled (dotted: no arrangement left); the
    shaded band is what a 3x3 kernel reaches (distance at most 2)."""
    from cnnlessons.lesson02.numerics import pixel_correlation, shuffled_correlation
    from cnnlessons.numerics.images import photo

    check_figure(fig)
    x = photo(image)
    pair = _checks.integer(pair, "pair", minimum=1)
    if pair > x.shape[1] - 2:
        raise ValueError(f"pair must be at most {x.shape[1] - 2} (the photo's width - 2)")
    ds = np.asarray(distances)
    curves = {
        "horizontal": pixel_correlation(x, ds, axis="horizontal"),
        "vertical": pixel_correlation(x, ds, axis="vertical"),
        "shuffled": shuffled_correlation(x, ds),
    }
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": (1, 1.6)})
    left.imshow(x, cmap="gray", vmin=0, vmax=1)
    r, c = x.shape[0] // 2, x.shape[1] // 2 - pair // 2
    for cc, marker in ((c, "o"), (c + pair, "s")):
        left.plot([cc], [r], marker, ms=10, mfc="none", mec=COLORS["kernel"], mew=2.5)
    left.set_title(f"two pixels {pair} apart", fontsize=FONT["normal"])
    left.set_xticks([])
    left.set_yticks([])
    right.axvspan(0.8, 2.2, color=COLORS["kernel"], alpha=0.2, lw=0)
    right.text(1.0, 0.04, "3x3\nkernel", fontsize=FONT["small"], color=COLORS["text"])
    styles = {
        "horizontal": ("o-", COLORS["input"], "along rows"),
        "vertical": ("s--", COLORS["output"], "along columns"),
        "shuffled": (":", COLORS["muted"], "pixels shuffled"),
    }
    lines = {}
    for key, (fmt, colour, label) in styles.items():
        lines[key] = right.plot(ds, curves[key], fmt, color=colour, lw=2, ms=7, label=label)[0]
    right.axhline(0, color=COLORS["muted"], lw=1)
    right.set_xscale("log", base=2)
    right.set_xticks(ds, [str(int(d)) for d in ds])
    right.minorticks_off()
    right.set_ylim(-0.1, 1.02)
    right.set_xlabel("distance between the two pixels")
    right.set_ylabel("correlation")
    right.legend(fontsize=FONT["small"], loc="upper right")
    return {"lines": lines, "curves": curves, "axes": (left, right)}


# the text alternative of each figure a lesson shows (``display.alt_text``): what it shows and
# what to look for
connections_plot.alt = (
    "Connections of one layer against the number of pixels of a square image, on log-log axes: "
    "a dense layer (m times n connections) against a convolution (k times k times n). Look at "
    "the gap: the dense line is steeper, so the gap grows with the image."
)
locality_figure.alt = (
    "Locality measured on a photograph. Left: the photo with two pixels marked. Right: how "
    "strongly two pixels' values agree (their correlation) against their distance, along rows "
    "and along columns, and for the same pixels shuffled. Look for the correlation falling as "
    "pixels get farther apart, and staying near zero once shuffled: near pixels say more about "
    "each other than far ones."
)
