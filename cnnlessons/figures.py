"""Figures: numerics drawn on matplotlib axes (no widgets).

Each figure function draws once and returns the artists it made, so that an explorer can
update them in place (``set_data``, ``set_text``, ``set_xy``) instead of drawing again.
"""

from __future__ import annotations

import inspect
import io

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import ListedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from . import _checks
from .conv import conv2d, convolve2d
from .style import COLORS, FONT, LINE, RC, SIGNED_CMAP, UNSIGNED_CMAP, signed_limits

__all__ = [
    "NumberGrid",
    "frame_axes",
    "highlight",
    "move_highlight",
    "SlidingWindowFigure",
    "StaticFigure",
    "new_figure",
    "show",
    "flip_figure",
]


def _fmt(v: float) -> str:
    if not np.isfinite(v):
        return ""
    if float(v).is_integer():
        return f"{int(v)}"
    return f"{v:.2f}".rstrip("0").rstrip(".")


def frame_axes(ax, role: str | None = None, title: str | None = None) -> None:
    """No ticks; the frame in the role's colour ("input", "kernel", "output", "receptive")."""
    ax.set_xticks([])
    ax.set_yticks([])
    if role is not None:
        for spine in ax.spines.values():
            spine.set_edgecolor(COLORS[role])
            spine.set_linewidth(LINE["highlight"])
    if title is not None:
        ax.set_title(title, color=COLORS[role] if role else COLORS["text"])


class NumberGrid:
    """A small array drawn as coloured cells with its numbers written in them.

    ``set_values`` updates colours and numbers in place; NaN cells are drawn empty.
    """

    def __init__(
        self, ax, values, *, cmap=UNSIGNED_CMAP, vmin=None, vmax=None, fontsize=None, numbers=True
    ):
        values = _checks.array(values, "values", ndims=(2,))
        self.ax = ax
        vmin = np.nanmin(values) if vmin is None else vmin
        vmax = np.nanmax(values) if vmax is None else vmax
        self.norm = Normalize(vmin=vmin, vmax=vmax if vmax > vmin else vmin + 1)
        h, w = values.shape
        # a mesh of quads draws several times faster than imshow's resampling
        self.mesh = ax.pcolormesh(
            np.arange(w + 1) - 0.5,
            np.arange(h + 1) - 0.5,
            values,
            cmap=cmap,
            norm=self.norm,
            edgecolors="white",
            linewidth=LINE["grid"],
        )
        ax.set_xlim(-0.5, w - 0.5)
        ax.set_ylim(h - 0.5, -0.5)
        ax.set_aspect("equal")
        self.texts = []
        if numbers:
            size = fontsize or FONT["normal"]
            self.texts = [
                [ax.text(c, r, "", ha="center", va="center", fontsize=size) for c in range(w)]
                for r in range(h)
            ]
        self.set_values(values)

    @property
    def artists(self) -> list:
        return [self.mesh] + [t for row in self.texts for t in row]

    def set_values(self, values) -> None:
        values = np.asarray(values, dtype=float)
        self.values = values
        self.mesh.set_array(np.ma.masked_invalid(values))
        if not self.texts:
            return
        cmap = self.mesh.get_cmap()
        for r, row in enumerate(self.texts):
            for c, text in enumerate(row):
                v = values[r, c]
                text.set_text(_fmt(v))
                if np.isfinite(v):
                    red, green, blue, _ = cmap(self.norm(v))
                    light = 0.299 * red + 0.587 * green + 0.114 * blue > 0.5
                    text.set_color("black" if light else "white")


def highlight(ax, row: int, col: int, height: int, width: int, role: str = "kernel"):
    """A thick rectangle around cells ``[row:row+height, col:col+width]`` in the role's colour."""
    rect = Rectangle(
        (col - 0.5, row - 0.5),
        width,
        height,
        fill=False,
        edgecolor=COLORS[role],
        linewidth=LINE["highlight"] + 1.5,
        zorder=5,
    )
    ax.add_patch(rect)
    return rect


def move_highlight(rect, row: int, col: int) -> None:
    rect.set_xy((col - 0.5, row - 0.5))


class SlidingWindowFigure:
    """One output of a convolution, computed in the open.

    Four panels on ``fig``: the input with the kernel's window on it, the kernel, the
    element-wise products of window and kernel, and the output with the cell that their sum
    fills. ``show(row, col)`` moves everything to the window at output (row, col); outputs
    from the window positions before it (in reading order) are filled in, later ones empty.
    Stride 1, no padding: the hand calculation of lesson 01.
    """

    def __init__(self, fig, x, w):
        self.x = _checks.array(x, "x", ndims=(2,))
        self.w = _checks.array(w, "w", ndims=(2,))
        self.out = conv2d(self.x, self.w)  # validates that the kernel fits
        kh, kw = self.w.shape
        self.kernel_hw = (kh, kw)
        widths = [self.x.shape[1], kw, kw, self.out.shape[1]]
        axes = fig.subplots(1, 4, gridspec_kw={"width_ratios": widths})
        self.axes = dict(zip(("input", "kernel", "products", "output"), axes, strict=True))
        self.input = NumberGrid(axes[0], self.x, cmap=UNSIGNED_CMAP)
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
        self.total.set_text(f"sum = {_fmt(total)}")
        done = np.arange(self.out.size).reshape(self.out.shape) <= row * ow + col
        self.cover.set_array(np.ma.masked_array(np.ones(self.out.shape), mask=done))
        self.output_shown = np.where(done, self.out, np.nan)
        move_highlight(self.window, row, col)
        move_highlight(self.cell, row, col)
        self.position = (row, col)
        return [*self.products.artists, self.total, self.cover, self.window, self.cell]


class StaticFigure(Figure):
    """A matplotlib figure that shows itself as a PNG when it is the last expression of a
    notebook cell (a plain ``Figure`` made without pyplot would show only its ``repr``)."""

    def _repr_png_(self) -> bytes:
        if not isinstance(self.canvas, FigureCanvasAgg):
            FigureCanvasAgg(self)
        with mpl.rc_context(RC), io.BytesIO() as buf:
            self.savefig(buf, format="png")
            return buf.getvalue()


def new_figure(figsize=(9.4, 3.0)) -> StaticFigure:
    """A figure for a lesson, laid out with constrained layout (draw on it inside
    ``matplotlib.rc_context(style.RC)`` for the series' fonts)."""
    return StaticFigure(figsize=figsize, layout="constrained")


def show(draw, *args, figsize=(9.4, 3.4), **kwargs) -> StaticFigure:
    """A new figure, in the series' style, with ``draw(target, *args, **kwargs)`` on it;
    it shows itself as a PNG when it is the last expression of a notebook cell.

    ``target`` is the figure itself when ``draw``'s first parameter is named ``fig`` (e.g.
    ``matrix_figures.weight_matrices_figure``), otherwise one axes filling the figure (e.g.
    ``diagrams.connections_plot``). So a lesson shows a figure in one short line:
    ``show(connections_plot, [8, 32, 128], k=9)``.
    """
    if not callable(draw):
        raise TypeError(f"draw must be a drawing function, e.g. connections_plot, got {draw!r}")
    if not (
        isinstance(figsize, (tuple, list))
        and len(figsize) == 2
        and all(isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0 for v in figsize)
    ):
        raise ValueError(f"figsize must be (width, height) in inches, both > 0, got {figsize!r}")
    size = tuple(float(v) for v in figsize)
    params = list(inspect.signature(draw).parameters)
    with mpl.rc_context(RC):
        fig = new_figure(size)
        draw(fig if params[:1] == ["fig"] else fig.add_subplot(), *args, **kwargs)
    return fig


def flip_figure(fig=None):
    """Cross-correlation against true convolution, shown once: both applied to an impulse.

    Sliding an *unflipped* kernel over a single 1 (cross-correlation, ``conv2d``) paints the
    kernel upside down and back to front; true convolution (``convolve2d``) paints it as it
    is. Returns the figure (a new 9.4 x 3 in one if ``fig`` is None).
    """
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
            NumberGrid(ax, values, cmap=UNSIGNED_CMAP, vmin=0, vmax=9)
            frame_axes(ax, role, title)
    return fig
