"""Explorers of lesson 01: kernels on a photograph, and the size of a convolution's output."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import ListedColormap
from matplotlib.patches import Rectangle

from .. import _checks
from ..conv import conv2d, fits_evenly, output_size
from ..figures.grids import NumberGrid, frame_axes
from ..images import KERNELS, grace_hopper
from ..style import COLORS, FONT, GREY_CMAP, LINE, SIGNED_CMAP, signed_limits
from .base import Explorer

__all__ = ["PhotoExplorer", "OutputSizeExplorer", "KERNEL_NOTES"]

#: what to look for in the output, per kernel
KERNEL_NOTES = {
    "vertical edge": "red: bright on the left, dark on the right; blue: the reverse",
    "horizontal edge": "red: bright above, dark below; blue: the reverse",
    "blur": "each pixel becomes the mean of its 3x3 neighbourhood",
    "sharpen": "the pixel plus a Laplacian (4x it minus its 4 neighbours): edges stand out",
    "identity": "the input itself (one 1 in the middle of the kernel)",
}


class PhotoExplorer(Explorer):
    """The same 3x3 kernels on a real photograph: input, kernel and output side by side.

    Control ``kernel`` (a menu over ``KERNELS``); each kernel's output is drawn once and the
    menu swaps pictures in the browser. ``step`` (1 to 16) keeps every step-th pixel of the
    600 x 512 photo. Outputs of the edge kernels (weights summing to 0) are
    signed: red positive, blue negative, white zero. The others are shown in grey.
    """

    figsize = (9.4, 3.9)

    STEP_RANGE = (1, 16)  # every pixel (600 x 512) to every 16th (38 x 32)

    def __init__(self, kernel: str = "vertical edge", step: int = 2):
        import ipywidgets as widgets

        _checks.choice(kernel, "kernel", tuple(KERNELS))
        lo, hi = self.STEP_RANGE
        if not lo <= _checks.integer(step, "step", minimum=lo) <= hi:
            raise ValueError(
                f"step must be between {lo} (every pixel of the photo) and {hi}, got {step}"
            )
        self.x = grace_hopper(step=step)
        menu = widgets.Dropdown(options=list(KERNELS), value=kernel, description="kernel")
        super().__init__({"kernel": menu}, renderer="frames", frame_control="kernel")

    def build(self, fig) -> None:
        ax_in, ax_k, ax_out = fig.subplots(1, 3, gridspec_kw={"width_ratios": [4, 1.6, 4]})
        self.axes = {"input": ax_in, "kernel": ax_k, "output": ax_out}
        ax_in.imshow(self.x, cmap=GREY_CMAP, vmin=0, vmax=1)
        frame_axes(ax_in, "input", f"input {self.x.shape[0]}×{self.x.shape[1]}")
        self.kernel_grid = NumberGrid(
            ax_k, np.zeros((3, 3)), cmap=SIGNED_CMAP, vmin=-1, vmax=1, fontsize=FONT["small"]
        )
        frame_axes(ax_k, "kernel", "kernel")
        self.image = ax_out.imshow(np.zeros((self.x.shape[0] - 2, self.x.shape[1] - 2)))
        frame_axes(ax_out, "output")
        ax_out.set_title(
            f"output {self.x.shape[0] - 2}×{self.x.shape[1] - 2}", color=COLORS["output"]
        )
        self.note = fig.text(0.5, 0.01, "", ha="center", va="bottom", fontsize=FONT["normal"])
        fig.get_layout_engine().set(rect=(0, 0.08, 1, 0.92))
        self.animate(*self.kernel_grid.artists, self.image, self.note)

    def update(self, kernel="vertical edge") -> list:
        w = KERNELS[kernel]
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
        self.note.set_text(KERNEL_NOTES[kernel])
        return [*self.kernel_grid.artists, self.image, self.note]


class OutputSizeExplorer(Explorer):
    """How big is the output? Input size, kernel, padding, stride and dilation on one axis
    (drawn square, as in Dumoulin & Visin's guide).

    Left: the padded input (input blue, padding light grey), every window's top-left corner
    (dots), and the last window with its dilated taps (orange). Pixels that no window covers
    are hatched red. Right: the output grid. Below: the formula with the numbers. Impossible
    combinations (a kernel larger than the padded input) are flagged instead of failing.
    """

    figsize = (9.4, 4.6)
    LIMITS = {"i": (3, 9), "k": (1, 5), "padding": (0, 3), "stride": (1, 3), "dilation": (1, 3)}

    def __init__(self, i=7, k=3, padding=1, stride=2, dilation=1):
        import ipywidgets as widgets

        values = {"i": i, "k": k, "padding": padding, "stride": stride, "dilation": dilation}
        controls = {}
        for name, (lo, hi) in self.LIMITS.items():
            v = _checks.integer(values[name], name)
            if not lo <= v <= hi:
                raise ValueError(f"{name} must be between {lo} and {hi}, got {v}")
            controls[name] = widgets.IntSlider(
                v, lo, hi, description=name, layout={"width": "230px"}
            )
        super().__init__(controls, renderer="blit")

    def build(self, fig) -> None:
        ax_in, ax_out = fig.subplots(1, 2)
        self.axes = {"input": ax_in, "output": ax_out}
        # Everything is drawn in [0, 1] x [0, 1] with fixed limits: a padded input of any
        # size is scaled into the square, so changing sizes moves no static element.
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
        self.animate(
            self.cells,
            self.lines["input"],
            self.starts,
            self.taps,
            self.window,
            self.out_cells,
            self.lines["output"],
            self.formula,
            self.warning,
        )
        fig.get_layout_engine().set(rect=(0, 0.14, 1, 0.86))

    @staticmethod
    def _grid(size: int, extent: int) -> list:
        """Cell borders of the first ``extent`` x ``extent`` cells of a size x size grid."""
        edge = extent / size
        ticks = np.arange(1, extent) / size
        return [[(t, 1 - edge), (t, 1)] for t in ticks] + [
            [(0, 1 - t), (edge, 1 - t)] for t in ticks
        ]

    def update(self, i=7, k=3, padding=1, stride=2, dilation=1) -> list:
        size, span = i + 2 * padding, dilation * (k - 1) + 1
        cell = 1 / size

        def centre(rows, cols):  # cell centres in the unit square, row 0 at the top
            r, c = np.meshgrid(rows, cols, indexing="ij")
            return np.column_stack([(c.ravel() + 0.5) * cell, 1 - (r.ravel() + 0.5) * cell])

        kind = np.zeros((size, size))
        kind[padding : padding + i, padding : padding + i] = 1
        self.lines["input"].set_segments(self._grid(size, size))
        changed = [
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
            return changed
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
        self.lines["output"].set_segments(self._grid(size, o))
        self.formula.set_text(f"{formula} = {o}")
        left = size - used
        plural = "s" if left > 1 else ""
        self.warning.set_text(
            ""
            if self.fits
            else f"not even: the last {left} row{plural}/column{plural} of the padded input (red) "
            "fall in no window"
        )
        return changed
