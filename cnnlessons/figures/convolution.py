"""Figures of lesson 01, convolution by hand (no widgets).

- ``SlidingWindowFigure``: one output of a convolution computed in the open (input with the
  window, kernel, products, output filled in so far).
- ``flip_figure``: cross-correlation against true convolution, on an impulse.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.colors import ListedColormap

from .. import _checks
from ..conv import conv2d, convolve2d
from ..style import COLORS, FONT, LINE, RC, SIGNED_CMAP, UNSIGNED_CMAP, signed_limits
from .display import draws_on_figure, new_figure
from .grids import NumberGrid, fmt_number, frame_axes, highlight, move_highlight

__all__ = ["SlidingWindowFigure", "flip_figure"]


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
        self.total.set_text(f"sum = {fmt_number(total)}")
        done = np.arange(self.out.size).reshape(self.out.shape) <= row * ow + col
        self.cover.set_array(np.ma.masked_array(np.ones(self.out.shape), mask=done))
        self.output_shown = np.where(done, self.out, np.nan)
        move_highlight(self.window, row, col)
        move_highlight(self.cell, row, col)
        self.position = (row, col)
        return [*self.products.artists, self.total, self.cover, self.window, self.cell]


@draws_on_figure
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
            # each panel on its own 0..max scale: the impulse's single 1 is its brightest cell
            NumberGrid(ax, values, cmap=UNSIGNED_CMAP, vmin=0, vmax=values.max())
            frame_axes(ax, role, title)
    return fig
