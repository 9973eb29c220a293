"""Figures of lesson 01, convolution by hand (no widgets).

- ``SlidingWindowFigure``: one output of a convolution computed in the open (input with the
  window, kernel, products, output filled in so far).
- ``PhotoFigure``: one kernel on a photograph (input, kernel, output, a note below).
- ``OutputSizeFigure``: how big a convolution's output is (the padded input with every
  window's start, the last window's taps, the output grid and the formula with its numbers).
- ``flip_figure``: cross-correlation against true convolution, on an impulse.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Rectangle

from cnnlessons import _checks
from cnnlessons.figures.display import check_figure, draws_on_figure, new_figure
from cnnlessons.figures.grids import NumberGrid, fmt_number, frame_axes, highlight, move_highlight
from cnnlessons.figures.style import (
    COLORS,
    FONT,
    GREY_CMAP,
    LINE,
    RC,
    SIGNED_CMAP,
    TEXT_COLORS,
    UNSIGNED_CMAP,
    signed_limits,
)
from cnnlessons.numerics.conv import conv2d, convolve2d
from cnnlessons.numerics.geometry import fits_evenly, output_size
from cnnlessons.numerics.images import photo as read_photo

__all__ = ["SlidingWindowFigure", "PhotoFigure", "OutputSizeFigure", "flip_figure"]


@draws_on_figure
class SlidingWindowFigure:
    """One output of a convolution, computed in the open.

    Four panels on ``fig``: the input with the kernel's window on it, the kernel, the
    element-wise products of window and kernel, and the output with the cell that their sum
    fills. ``show(row, col)`` moves everything to the window at output (row, col); outputs
    from the window positions before it (in reading order) are filled in, later ones empty.
    Stride 1, no padding: the hand calculation of lesson 01.
    """

    def __init__(self, fig, x, w):
        check_figure(fig)
        self.x = _checks.array(x, "x", ndims=(2,))
        self.w = _checks.array(w, "w", ndims=(2,))
        self.out = conv2d(self.x, self.w)  # validates that the kernel fits
        kh, kw = self.w.shape
        self.kernel_hw = (kh, kw)
        widths = [self.x.shape[1], kw, kw, self.out.shape[1]]
        axes = fig.subplots(1, 4, gridspec_kw={"width_ratios": widths})
        self.axes = dict(zip(("input", "kernel", "products", "output"), axes, strict=True))
        # the input in grey (an image: black 0, white its largest value), so that blue means
        # "negative" only, in the kernel, products and output beside it (issue 20: navy was 0
        # in the input and -1 in the kernel)
        self.input = NumberGrid(axes[0], self.x, cmap=GREY_CMAP, vmin=min(0, self.x.min()))
        self.kernel = NumberGrid(axes[1], self.w, cmap=SIGNED_CMAP)
        self.products = NumberGrid(
            axes[2], np.zeros_like(self.w), cmap=SIGNED_CMAP, fontsize=FONT["small"]
        )
        self.output = NumberGrid(axes[3], self.out, cmap=SIGNED_CMAP)
        frame_axes(axes[0], "input", f"input {self.x.shape[0]}×{self.x.shape[1]}")
        frame_axes(axes[1], "kernel", "kernel")
        frame_axes(axes[2], "kernel", "products")
        frame_axes(axes[3], "output", f"output {self.out.shape[0]}×{self.out.shape[1]}")
        self.total = axes[2].text(
            0.5,
            -0.06,
            "",
            transform=axes[2].transAxes,
            ha="center",
            va="top",
            fontsize=FONT["title"],
            color=COLORS["output"],
            fontweight="bold",
        )
        self.window = highlight(axes[0], 0, 0, kh, kw, "kernel")
        self.cell = highlight(axes[3], 0, 0, 1, 1, "output")
        # outputs not computed yet are covered by white cells (masked where computed), so the
        # output's numbers can stay in the background and only this cover changes per step
        oh, ow = self.out.shape
        self.cover = axes[3].pcolormesh(
            np.arange(ow + 1) - 0.5,
            np.arange(oh + 1) - 0.5,
            np.ones(self.out.shape),
            cmap=ListedColormap(["white"]),
            edgecolors="white",
            linewidth=LINE["grid"],
            zorder=3,
        )
        self.position = (0, 0)
        self.set_kernel(self.w)

    def set_kernel(self, w) -> list:
        """Use another kernel of the same shape; return the artists that changed."""
        w = _checks.array(w, "w", ndims=(2,))
        if w.shape != self.kernel_hw:
            raise ValueError(f"w must have shape {self.kernel_hw}, got {w.shape}")
        self.w, self.out = w, conv2d(self.x, w)
        # colour limits fixed per kernel, symmetric about zero
        self.kernel.norm.vmin, self.kernel.norm.vmax = signed_limits(w)
        self.products.norm.vmin, self.products.norm.vmax = signed_limits(
            np.abs(self.x).max() * np.abs(w).max()
        )
        self.output.norm.vmin, self.output.norm.vmax = signed_limits(self.out)
        self.kernel.set_values(w)
        self.output.set_values(self.out)
        return self.kernel.artists + self.output.artists + self.show(*self.position)

    @property
    def n_positions(self) -> int:
        return self.out.size

    def show(self, row: int, col: int) -> list:
        """Move to output (row, col); return the artists that changed."""
        oh, ow = self.out.shape
        row = _checks.integer(row, "row", minimum=0)
        col = _checks.integer(col, "col", minimum=0)
        if row >= oh or col >= ow:
            raise ValueError(f"(row, col) must lie in the {oh}x{ow} output, got {(row, col)}")
        kh, kw = self.kernel_hw
        self.patch = self.x[row : row + kh, col : col + kw]
        self.products.set_values(self.patch * self.w)
        total = float((self.patch * self.w).sum())
        self.total.set_text(f"sum = {fmt_number(total)}")
        done = np.arange(self.out.size).reshape(self.out.shape) <= row * ow + col
        self.cover.set_array(np.ma.masked_array(np.ones(self.out.shape), mask=done))
        self.output_shown = np.where(done, self.out, np.nan)
        move_highlight(self.window, row, col)
        move_highlight(self.cell, row, col)
        self.position = (row, col)
        return [*self.products.artists, self.total, self.cover, self.window, self.cell]


def _keep_bottom(fig, fraction: float) -> None:
    """Leave the bottom ``fraction`` of a constrained-layout figure to text drawn there."""
    engine = fig.get_layout_engine()
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0, fraction, 1, 1 - fraction))


@draws_on_figure
class PhotoFigure:
    """One kernel on a photograph: the input, the kernel's numbers and the output side by
    side, and a note below saying what to look for.

    ``select(w, note="")`` shows kernel ``w`` (the shape of the first one) and its output
    ``conv2d(photo, w)`` (``output``); it returns the artists that changed (``artists``).
    Outputs of kernels whose weights sum to 0 (edge detectors) are signed: red positive, blue
    negative, white zero, the colour limits at the 99.5th percentile of |output| so that a few
    strong edges do not wash out the others. Other outputs are grey from 0 to 1.
    """

    def __init__(self, fig, photo, w, note: str = ""):
        check_figure(fig)
        # the photo: an array (grey or RGB) or an image file's path
        self.x = read_photo(photo, name="photo", min_side=1)
        w = _checks.array(w, "w", ndims=(2,))
        if w.shape[0] > self.x.shape[0] or w.shape[1] > self.x.shape[1]:
            raise ValueError(f"w must fit in the {self.x.shape} photo, got shape {w.shape}")
        self.kernel_hw = w.shape
        oh, ow = self.x.shape[0] - w.shape[0] + 1, self.x.shape[1] - w.shape[1] + 1
        ax_in, ax_k, ax_out = fig.subplots(1, 3, gridspec_kw={"width_ratios": [4, 1.6, 4]})
        self.axes = {"input": ax_in, "kernel": ax_k, "output": ax_out}
        ax_in.imshow(self.x, cmap=GREY_CMAP, vmin=0, vmax=1)
        frame_axes(ax_in, "input", f"input {self.x.shape[0]}×{self.x.shape[1]}")
        self.kernel_grid = NumberGrid(
            ax_k, np.zeros(w.shape), cmap=SIGNED_CMAP, vmin=-1, vmax=1, fontsize=FONT["small"]
        )
        frame_axes(ax_k, "kernel", "kernel")
        self.image = ax_out.imshow(np.zeros((oh, ow)))
        frame_axes(ax_out, "output")
        ax_out.set_title(f"output {oh}×{ow}", color=TEXT_COLORS["output"])
        self.note = fig.text(0.5, 0.01, "", ha="center", va="bottom", fontsize=FONT["normal"])
        _keep_bottom(fig, 0.08)
        self.select(w, note)

    @property
    def artists(self) -> list:
        return [*self.kernel_grid.artists, self.image, self.note]

    def select(self, w, note: str = "") -> list:
        """Show kernel ``w`` and its output, ``note`` below; return the artists that changed."""
        w = _checks.array(w, "w", ndims=(2,))
        if w.shape != self.kernel_hw:
            raise ValueError(f"w must have shape {self.kernel_hw}, got {w.shape}")
        if not isinstance(note, str):
            raise TypeError(f"note must be a string, got {note!r}")
        self.kernel = w
        self.output = conv2d(self.x, w)
        lo, hi = signed_limits(w)
        self.kernel_grid.norm.vmin, self.kernel_grid.norm.vmax = lo, hi
        self.kernel_grid.set_values(w)
        self.image.set_data(self.output)
        if abs(w.sum()) < 1e-12:  # an edge detector: signed output centred on zero
            self.image.set_cmap(SIGNED_CMAP)
            # 99.5th percentile: a few strong edges must not wash out all the others
            self.image.set_clim(*signed_limits(np.percentile(np.abs(self.output), 99.5)))
        else:
            self.image.set_cmap(GREY_CMAP)
            self.image.set_clim(0, 1)
        self.note.set_text(note)
        return self.artists


def _grid(size: int, extent: int) -> list:
    """Cell borders of the first ``extent`` x ``extent`` cells of a size x size grid drawn
    in the unit square (row 0 at the top)."""
    edge = extent / size
    ticks = np.arange(1, extent) / size
    return [[(t, 1 - edge), (t, 1)] for t in ticks] + [[(0, 1 - t), (edge, 1 - t)] for t in ticks]


@draws_on_figure
class OutputSizeFigure:
    """How big is a convolution's output? Input size, kernel, padding, stride and dilation on
    one axis (drawn square, as in Dumoulin & Visin's guide).

    Left: the padded input (input blue, padding light grey), every window's top-left corner
    (``starts``, a dot each), and the last window (``window``) with its dilated taps
    (``taps``, orange). Pixels that no window covers are red. Right: the output grid
    (``out_cells``). Below: the formula with the numbers (``formula``) and a warning
    (``warning``). A kernel larger than the padded input is flagged instead of failing.

    ``select(i, k, padding, stride, dilation)`` draws one case and returns the artists that
    changed; ``out_size`` (0 when there is no output) and ``fits`` (every padded pixel in
    some window) say what it shows. Both squares are drawn in [0, 1] x [0, 1] with fixed
    limits, so a change of size moves nothing static.
    """

    #: the most pixels the padded input may have per side (so its cells stay visible)
    MAX_SIDE = 32

    def __init__(self, fig, i=7, k=3, padding=1, stride=2, dilation=1):
        check_figure(fig)
        ax_in, ax_out = fig.subplots(1, 2)
        self.axes = {"input": ax_in, "output": ax_out}
        blank = np.full((2, 2), np.nan)
        # 0 padding, 1 input, 2 never covered
        kinds = ListedColormap(["#DDDDDD", "#9CC3E4", "#F4A582"])
        self.cells = ax_in.imshow(
            blank, cmap=kinds, vmin=-0.5, vmax=2.5, extent=(0, 1, 0, 1), interpolation="nearest"
        )
        self.out_cells = ax_out.imshow(
            blank,
            cmap=ListedColormap([COLORS["output"]]),
            vmin=0,
            vmax=1,
            extent=(0, 1, 0, 1),
            interpolation="nearest",
        )
        self.lines = {
            name: ax.add_collection(LineCollection([], colors="white", linewidths=LINE["grid"]))
            for name, ax in self.axes.items()
        }
        self.starts = ax_in.scatter([], [], s=18, color=COLORS["text"], zorder=3)
        self.taps = ax_in.scatter([], [], s=70, color=COLORS["kernel"], zorder=4)
        self.window = ax_in.add_patch(
            Rectangle(
                (0, 0),
                1,
                1,
                fill=False,
                zorder=5,
                edgecolor=COLORS["kernel"],
                linewidth=LINE["highlight"],
            )
        )
        for ax, role, title in ((ax_in, "input", "padded input"), (ax_out, "output", "output")):
            ax.set_xlim(0, 1)
            ax.set_ylim(0, 1)
            ax.set_aspect("equal")
            frame_axes(ax, role, title)
        self.formula = fig.text(0.5, 0.07, "", ha="center", fontsize=FONT["title"])
        self.warning = fig.text(
            0.5, 0.01, "", ha="center", fontsize=FONT["normal"], color="#D55E00"
        )
        self.select(i, k, padding, stride, dilation)
        _keep_bottom(fig, 0.14)

    @property
    def artists(self) -> list:
        return [
            self.cells,
            self.lines["input"],
            self.starts,
            self.taps,
            self.window,
            self.out_cells,
            self.lines["output"],
            self.formula,
            self.warning,
        ]

    def select(self, i, k, padding=0, stride=1, dilation=1) -> list:
        """Draw input size ``i``, kernel ``k``, ``padding``, ``stride`` and ``dilation``;
        return the artists that changed."""
        i = _checks.integer(i, "i", minimum=1)
        k = _checks.integer(k, "k", minimum=1)
        padding = _checks.integer(padding, "padding", minimum=0)
        stride = _checks.integer(stride, "stride", minimum=1, maximum=self.MAX_SIDE)
        dilation = _checks.integer(dilation, "dilation", minimum=1, maximum=self.MAX_SIDE)
        size, span = i + 2 * padding, dilation * (k - 1) + 1
        if size > self.MAX_SIDE:
            raise ValueError(
                f"i + 2·padding must be at most {self.MAX_SIDE} so the cells stay visible, "
                f"got {i} + 2·{padding} = {size}"
            )
        cell = 1 / size

        def centre(rows, cols):  # cell centres in the unit square, row 0 at the top
            r, c = np.meshgrid(rows, cols, indexing="ij")
            return np.column_stack([(c.ravel() + 0.5) * cell, 1 - (r.ravel() + 0.5) * cell])

        kind = np.zeros((size, size))
        kind[padding : padding + i, padding : padding + i] = 1
        self.lines["input"].set_segments(_grid(size, size))
        formula = (
            f"o = ⌊(i + 2p − d(k − 1) − 1)/s⌋ + 1 = ⌊({i} + 2·{padding} − "
            f"{dilation}·({k} − 1) − 1)/{stride}⌋ + 1"
        )
        if span > size:
            self.out_size, self.fits = 0, False
            self.cells.set_data(kind)
            self.starts.set_offsets(np.empty((0, 2)))
            self.taps.set_offsets(np.empty((0, 2)))
            self.window.set_visible(False)
            self.out_cells.set_data(np.full((size, size), np.nan))
            self.lines["output"].set_segments([])
            self.formula.set_text(f"{formula}: no output")
            self.warning.set_text(
                f"the kernel spans {span} pixels but the padded input has "
                f"only {size}: add padding or use a smaller kernel"
            )
            return self.artists
        o = output_size(i, k, stride, padding, dilation)
        self.out_size, self.fits = o, fits_evenly(i, k, stride, padding, dilation)
        used = (o - 1) * stride + span  # padded pixels reached by some window
        kind[used:, :] = 2
        kind[:, used:] = 2
        self.cells.set_data(kind)
        self.starts.set_offsets(centre(np.arange(o) * stride, np.arange(o) * stride))
        last = (o - 1) * stride
        taps = last + np.arange(k) * dilation
        self.taps.set_offsets(centre(taps, taps))
        self.window.set_visible(True)
        self.window.set_bounds(last * cell, 1 - (last + span) * cell, span * cell, span * cell)
        out = np.full((size, size), np.nan)
        out[:o, :o] = 1
        self.out_cells.set_data(out)
        self.lines["output"].set_segments(_grid(size, o))
        self.formula.set_text(f"{formula} = {o}")
        left = size - used
        plural = "s" if left > 1 else ""
        self.warning.set_text(
            ""
            if self.fits
            else f"not even: the last {left} row{plural}/column{plural} of the padded input (red) "
            "fall in no window"
        )
        return self.artists


@draws_on_figure
def flip_figure(fig=None):
    """Cross-correlation against true convolution, shown once: both applied to an impulse.

    Sliding an *unflipped* kernel over a single 1 (cross-correlation, ``conv2d``) paints the
    kernel upside down and back to front; true convolution (``convolve2d``) paints it as it
    is. Returns the figure (a new 9.4 x 3 in one if ``fig`` is None).
    """
    if fig is not None:
        check_figure(fig)
    with mpl.rc_context(RC):
        if fig is None:
            fig = new_figure((9.4, 3.0))
        impulse = np.zeros((5, 5))
        impulse[2, 2] = 1.0
        w = np.arange(1.0, 10.0).reshape(3, 3)
        panels = [
            (impulse, "impulse x", "input"),
            (w, "kernel w", "kernel"),
            (conv2d(impulse, w, padding=1), "conv2d(x, w)\ncross-correlation", "output"),
            (convolve2d(impulse, w, padding=1), "convolve2d(x, w)\ntrue convolution", "output"),
        ]
        axes = fig.subplots(1, 4)
        for ax, (values, title, role) in zip(axes, panels, strict=True):
            # each panel on its own 0..max scale: the impulse's single 1 is its brightest cell
            NumberGrid(ax, values, cmap=UNSIGNED_CMAP, vmin=0, vmax=values.max())
            frame_axes(ax, role, title)
    if not getattr(fig, "alt", ""):
        fig.alt = flip_figure.alt
    return fig


# the text alternative of each figure a lesson shows (``display.alt_text``): what it shows and
# what to look for
flip_figure.alt = (
    "Cross-correlation against true convolution, both applied to a single 1 in a field of "
    "zeros. Look for the copy of the kernel each one paints: cross-correlation (what conv2d "
    "and deep learning call convolution) paints the kernel upside down and back to front; true "
    "convolution paints it as it is."
)
