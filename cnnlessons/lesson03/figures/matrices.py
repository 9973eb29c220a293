"""Figures of lesson 03, parameter sharing: a layer as a weight matrix (no widgets).

- ``draw_weight_matrix``: one weight-index matrix (``weight_indices``) as a picture, one colour
  per parameter, white where an output and an input are not connected.
- ``weight_matrices_figure``: dense, locally connected, tiled and convolution side by side, for
  the same connections, each titled with its parameter count.
- ``WeightMatrixFigure``: one layer's matrix, any of the four kinds in 1-D or 2-D, with a side
  panel (parameters, connections, how often each weight is used, what the kind means).

Numbers: a matrix of at most ``NUMBERS_MAX`` rows and columns writes each entry's parameter
number in its cell (the same number, the same weight: sharing is read, not guessed from colour).
Colours: one scheme for "which parameter" in every panel (``style.param_style``): parameter
number r (in index order) gets ``PARAM_COLORS[r % 9]``, and from the tenth on the colours repeat
with a hatching (``PARAM_HATCHES``: stripes, dots, crosses, ...) drawn into the cells, so a
kernel's 9 weights are 9 colours that stay apart for colour-blind viewers, and 81 parameters
are 81 different looks. Blank (white) entries are missing connections.
"""

from __future__ import annotations

import numpy as np
from matplotlib import patheffects
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba

from cnnlessons import _checks
from cnnlessons.figures.display import check_axes, check_figure, draws_on_figure
from cnnlessons.figures.style import (
    COLORS,
    FONT,
    LINE,
    PARAM_COLORS,
    PARAM_HATCHES,
    TEXT_COLORS,
    relative_luminance,
    text_on,
)
from cnnlessons.numerics.geometry import output_size
from cnnlessons.numerics.matrices import LAYER_KINDS, count_parameters, weight_indices

__all__ = [
    "PARAMETER_PALETTE",
    "KIND_LABELS",
    "WeightMatrix",
    "parameter_colors",
    "kind_label",
    "layer_blocks",
    "draw_weight_matrix",
    "weight_matrices_figure",
    "WeightMatrixFigure",
    "KIND_NOTES",
]

#: the parameter colours (``style.PARAM_COLORS``), kept under the old name
PARAMETER_PALETTE = PARAM_COLORS
#: pixels per matrix cell in the drawn image (room for a hatching)
CELL_PIXELS = 16
#: how each of ``LAYER_KINDS`` is named on screen (``tiled`` gets its t added)
KIND_LABELS = {
    "dense": "dense",
    "locally_connected": "locally connected",
    "tiled": "tiled",
    "conv": "convolution",
}
#: matrices with at most this many rows and columns get a cell grid
GRID_MAX = 40
#: matrices with at most this many rows and columns write each entry's parameter number in
#: its cell: the same number is the same weight, which colour alone does not say (a locally
#: connected row in the convolution's three colours read as shared weights, issue 20)
NUMBERS_MAX = 12


def _indices(indices) -> np.ndarray:
    idx = np.asarray(indices)
    if not np.issubdtype(idx.dtype, np.integer):
        raise TypeError(f"indices must be an integer array, got dtype {idx.dtype}")
    if idx.ndim != 2 or idx.size == 0:
        raise ValueError(f"indices must be a non-empty 2-D matrix, got shape {idx.shape}")
    if (idx < -1).any():
        raise ValueError("indices must hold parameter numbers >= 0, or -1 for no connection")
    return idx


def parameter_colors(indices) -> np.ndarray:
    """RGBA image (rows, cols, 4) of a weight-index matrix: white where -1; otherwise the
    colour of the parameter's rank r (in index order), ``PARAM_COLORS[r % 9]`` (the hatching
    that tells apart parameters beyond nine is added by ``parameter_image``)."""
    idx = _indices(indices)
    used = idx >= 0
    _, rank = np.unique(idx[used], return_inverse=True)
    palette = np.array([to_rgba(c) for c in PARAM_COLORS])
    rgba = np.empty(idx.shape + (4,))
    rgba[...] = to_rgba("white")
    rgba[used] = palette[rank % len(PARAM_COLORS)]
    return rgba


def _hatch_masks(size: int) -> list[np.ndarray]:
    """One boolean size x size pattern per ``PARAM_HATCHES`` entry (the first is empty)."""
    i, j = np.mgrid[0:size, 0:size]
    q = max(size // 4, 4)  # a period of 4 or more keeps "//", "\\\\" and "xx" apart
    return [
        np.zeros((size, size), bool),
        (i + j) % q == 0,  # "//"
        (i % q == q // 2) & (j % q == q // 2),  # ".."
        ((i + j) % q == 0) | ((i - j) % q == 0),  # "xx"
        (i - j) % q == 0,  # "\\"
        (i % q == 0) | (j % q == 0),  # "++"
        ((i % q) - q / 2) ** 2 + ((j % q) - q / 2) ** 2 <= (q / 4) ** 2,  # "oo"
        i % q == 0,  # "--"
        j % q == 0,  # "||"
    ][: len(PARAM_HATCHES)]


def parameter_image(indices, cell: int = CELL_PIXELS) -> np.ndarray:
    """RGBA image (rows·cell, cols·cell, 4): ``parameter_colors`` with each cell of parameter
    rank r >= 9 hatched with ``PARAM_HATCHES[r // 9]`` (black on light colours, white on
    dark ones), so parameters beyond the palette's nine colours stay apart."""
    idx = _indices(indices)
    cell = _checks.integer(cell, "cell", minimum=1)
    rgba = parameter_colors(idx)
    big = np.repeat(np.repeat(rgba, cell, axis=0), cell, axis=1)
    used = idx >= 0
    rank = np.full(idx.shape, -1)
    rank[used] = np.unique(idx[used], return_inverse=True)[1]
    level = np.where(used, (rank // len(PARAM_COLORS)) % len(PARAM_HATCHES), 0)
    if cell < 4 or not level.any():
        return big
    masks = _hatch_masks(cell)
    light = {c: relative_luminance(c) > 0.3 for c in PARAM_COLORS}
    ink = {c: to_rgba("black" if light[c] else "white") for c in PARAM_COLORS}
    for r, c in zip(*np.nonzero(level), strict=True):
        colour = PARAM_COLORS[rank[r, c] % len(PARAM_COLORS)]
        block = big[r * cell : (r + 1) * cell, c * cell : (c + 1) * cell]
        block[masks[level[r, c]]] = ink[colour]
    return big


def _grid_segments(shape, blocks):
    """Cell boundaries (thin) and, with ``blocks=(rows, cols)``, block boundaries (thick)."""
    n_rows, n_cols = shape
    thin, thick = [], []
    if max(shape) <= GRID_MAX:
        thin += [[(c - 0.5, -0.5), (c - 0.5, n_rows - 0.5)] for c in range(1, n_cols)]
        thin += [[(-0.5, r - 0.5), (n_cols - 0.5, r - 0.5)] for r in range(1, n_rows)]
    if blocks is not None:
        rows, cols = blocks
        thick += [[(c - 0.5, -0.5), (c - 0.5, n_rows - 0.5)] for c in range(cols, n_cols, cols)]
        thick += [[(-0.5, r - 0.5), (n_cols - 0.5, r - 0.5)] for r in range(rows, n_rows, rows)]
    return thin, thick


class WeightMatrix:
    """A weight-index matrix drawn on ``ax`` (made by ``draw_weight_matrix``).

    Artists: ``image`` (the colours), ``grid`` (thin cell lines), ``blocks`` (thick lines
    between the blocks of a 2-D layer's matrix) and ``title`` (a text above the axes with the
    parameter count). ``set_indices`` changes them in place and returns those that changed.
    """

    def __init__(self, ax, indices, title=None, *, blocks=None):
        check_axes(ax)
        self.ax = ax
        self.image = ax.imshow(
            np.ones((1, 1, 4)), interpolation="nearest", aspect="equal", origin="upper"
        )
        self.grid = LineCollection(
            [], colors=COLORS["muted"], linewidths=0.5 * LINE["grid"], alpha=0.6
        )
        self.blocks = LineCollection([], colors=COLORS["text"], linewidths=1.5 * LINE["grid"])
        ax.add_collection(self.grid)
        ax.add_collection(self.blocks)
        # one text per cell of the largest numbered matrix, made once (an explorer animates
        # the artists it is given when built), hidden where not used
        self.numbers = [
            ax.text(0, 0, "", ha="center", va="center", fontsize=FONT["small"], visible=False)
            for _ in range(NUMBERS_MAX * NUMBERS_MAX)
        ]
        self.title = ax.text(
            0.5,
            1.03,
            "",
            transform=ax.transAxes,
            ha="center",
            va="bottom",
            fontsize=FONT["title"],
            fontweight="bold",
            color=COLORS["text"],
        )
        ax.set_xlabel("input unit")
        ax.set_ylabel("output unit")
        for spine in ax.spines.values():
            spine.set_edgecolor(COLORS["muted"])
        self.set_indices(indices, title, blocks=blocks)

    @property
    def artists(self) -> list:
        return [self.image, self.grid, self.blocks, *self.numbers, self.title]

    def set_indices(self, indices, title=None, *, blocks=None) -> list:
        """Show another matrix (any shape); return the artists that changed. Changing the
        shape also changes the axes' limits and ticks (then the axes is returned too)."""
        idx = _indices(indices)
        self.indices = idx.copy()
        self.n_parameters = count_parameters(idx)
        changed = [self.image, self.title]
        n_rows, n_cols = idx.shape
        self.image.set_data(parameter_image(idx))
        extent = (-0.5, n_cols - 0.5, n_rows - 0.5, -0.5)
        thin, thick = _grid_segments(idx.shape, blocks)
        if tuple(self.image.get_extent()) != extent or getattr(self, "_blocks", 0) != blocks:
            self.image.set_extent(extent)
            self.grid.set_segments(thin)
            self.blocks.set_segments(thick)
            self.ax.set_xlim(extent[0], extent[1])
            self.ax.set_ylim(extent[2], extent[3])
            self.ax.set_xticks(_ticks(n_cols))
            self.ax.set_yticks(_ticks(n_rows))
            self._blocks = blocks
            changed += [self.grid, self.blocks, self.ax]
        changed += self._number_cells(idx)
        count = f"{self.n_parameters:,} parameter{'s' if self.n_parameters != 1 else ''}"
        self.title.set_text(f"{title}\n{count}" if title else count)
        return changed

    def _number_cells(self, idx) -> list:
        """Write each used cell's parameter number (1, 2, ... in index order) in black or
        white, whichever reads on its colour; none on a matrix larger than ``NUMBERS_MAX``."""
        cells = []
        if max(idx.shape) <= NUMBERS_MAX:
            used = idx >= 0
            _, rank = np.unique(idx[used], return_inverse=True)
            colours = parameter_colors(idx)
            cells = [(r, c, k + 1, colours[r, c]) for (r, c), k in zip(np.argwhere(used), rank,
                                                                        strict=True)]  # fmt: skip
        for text, cell in zip(self.numbers, cells + [None] * len(self.numbers), strict=False):
            if cell is None:
                text.set_visible(False)
                continue
            r, c, number, colour = cell
            text.set_position((c, r))
            text.set_text(str(number))
            ink = text_on(colour[:3])
            text.set_color(ink)
            # a ring of the other colour keeps the number readable across a hatching's lines
            halo = "white" if ink == "black" else "black"
            text.set_path_effects([patheffects.withStroke(linewidth=2.5, foreground=halo)])
            text.set_visible(True)
        return list(self.numbers)


def _ticks(n: int) -> list[int]:
    """A few integer ticks from 0 (every unit for small matrices)."""
    step = next(s for s in (1, 2, 4, 5, 10, 20, 50, 100, 200, 500, 1000) if n / s <= 8)
    if n > 8 and step == 1:
        step = 2
    return list(range(0, n, step))


def draw_weight_matrix(ax, indices, title=None, *, blocks=None) -> WeightMatrix:
    """Draw a weight-index matrix (from ``weight_indices``: outputs x inputs, -1 where not
    connected) on ``ax``: white where -1, one colour per parameter elsewhere (see
    ``parameter_colors``), a thin cell grid when the matrix has at most ``GRID_MAX`` rows and
    columns, and ``title`` above with the parameter count (``count_parameters``) under it.

    ``blocks=(rows, cols)`` adds thick lines every ``rows`` outputs and ``cols`` inputs: for a
    2-D layer, an output row's and an input row's units, which shows the blocks of a doubly
    block Toeplitz matrix. Returns the ``WeightMatrix`` (its ``artists`` and ``set_indices``).
    """
    check_axes(ax)
    if blocks is not None:
        blocks = _checks.pair(blocks, "blocks", minimum=1)
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a string or None, got {title!r}")
    return WeightMatrix(ax, indices, title, blocks=blocks)


def kind_label(kind: str, tiles=2) -> str:
    """How ``kind`` is named on screen: "tiled (t = 2)" for the tiled layer."""
    _checks.choice(kind, "kind", LAYER_KINDS)
    if kind == "tiled":
        th, tw = _checks.pair(tiles, "tiles", minimum=1)
        return f"tiled (t = {th})" if th == tw else f"tiled (t = {th}×{tw})"
    return KIND_LABELS[kind]


def layer_blocks(input_shape, kernel_size):
    """``blocks`` for ``draw_weight_matrix``: (output width, input width) of a 2-D layer
    ("valid", stride 1), None for 1-D."""
    shp = _checks.shape(input_shape, "input_shape", lengths=(1, 2))
    if len(shp) == 1:
        return None
    kh, kw = _checks.pair(kernel_size, "kernel_size", minimum=1)
    if kh > shp[0] or kw > shp[1]:
        raise ValueError(
            f"kernel_size must fit in input_shape {shp} (a 'valid' layer), got {(kh, kw)}"
        )
    return (output_size(shp[1], kw), shp[1])


@draws_on_figure
def weight_matrices_figure(fig, input_shape, kernel_size, tiles=2) -> dict:
    """Four panels side by side on ``fig``: dense, locally connected, tiled (``tiles``) and
    convolution, as weight matrices over the same connections (``weight_indices`` with
    "valid" zero padding, stride 1), each titled with its parameter count.

    ``input_shape`` is ``(W,)`` or ``(H, W)`` (at most 64 inputs, so cells stay visible), e.g.
    ``(6,)`` with ``kernel_size=3`` (4 x 6 matrices) or ``(5, 5)`` with 3 (9 x 25).
    Returns ``{kind: WeightMatrix}``.
    """
    check_figure(fig)
    shp = _checks.shape(input_shape, "input_shape", lengths=(1, 2))
    if np.prod(shp) > 64:
        raise ValueError(f"input_shape must have at most 64 units to stay readable, got {shp}")
    blocks = layer_blocks(shp, kernel_size)
    # 1-D: four panels in a row; 2-D (wide matrices): two rows of two, so cells stay readable.
    # The figure's height is set to what the matrices need: no empty bands above and below.
    rows_cols = (1, len(LAYER_KINDS)) if len(shp) == 1 else (2, len(LAYER_KINDS) // 2)
    n_out = weight_indices("conv", shp, kernel_size).shape[0]
    n_in = int(np.prod(shp))
    width = fig.get_figwidth()
    panel = width / rows_cols[1] - 0.75  # inches of matrix per panel, without tick labels
    fig.set_figheight(rows_cols[0] * (panel * n_out / n_in + 1.1) + 0.3)
    axes = fig.subplots(*rows_cols).ravel()
    out = {}
    for ax, kind in zip(axes, LAYER_KINDS, strict=True):
        idx = weight_indices(kind, shp, kernel_size, tiles=tiles)
        out[kind] = draw_weight_matrix(ax, idx, kind_label(kind, tiles), blocks=blocks)
        out[kind].title.set_fontsize(FONT["normal"])
        ax.tick_params(labelsize=FONT["small"])
    for i, ax in enumerate(axes):
        if i % rows_cols[1]:
            ax.set_ylabel("")
        if i < len(axes) - rows_cols[1]:
            ax.set_xlabel("")
    return out


#: what each kind of layer's matrix shows (``tiled``: its number of kernels and their pattern)
KIND_NOTES = {
    "dense": "every entry is its own weight",
    "locally_connected": "sparse: each output has its own\nweights, nothing is shared",
    "tiled": "{n} kernels ({pattern}) taking\nturns over the output",
    "conv": "sparse and shared: one kernel,\nthe same on every row",
}


def _times(n_min: int, n_max: int) -> str:
    n = f"{n_min}" if n_min == n_max else f"{n_min}–{n_max}"
    return f"{n} time{'' if n_max == 1 else 's'}"


@draws_on_figure
class WeightMatrixFigure:
    """One layer's weight matrix, colour = which parameter sits in each entry, and a side
    panel: the parameter count, the connections and how many times each weight is used, and
    a note on what the kind of layer means.

    ``select(kind, input_shape)`` shows the matrix of ``weight_indices(kind, input_shape,
    kernel_size, tiles=tiles)`` ("valid" zero padding, stride 1; ``input_shape`` ``(W,)`` or
    ``(H, W)``, at most 64 inputs, so every entry stays visible) and returns the artists that
    changed. The matrix is placed by hand (the figure's layout engine is turned off): square
    cells, as large as the region left of the panel allows, so a 4 x 6 and a 16 x 36 matrix
    both fill it (made for a 9.4 x 3.4 in figure).

    Arrays: ``indices`` (the matrix shown), ``n_parameters``, ``connections`` (its non-blank
    entries) and ``uses`` (how often each parameter is used, in index order).
    """

    #: inches: where the matrix may go (left, bottom, right, top) and the side panel's left
    REGION = (0.85, 0.7, 6.1, 2.75)
    PANEL = 6.3
    #: the most inputs a matrix may have (its columns), as in ``weight_matrices_figure``
    MAX_INPUTS = 64

    def __init__(self, fig, input_shape, kernel_size, tiles=2, kind: str = "conv"):
        check_figure(fig)
        from cnnlessons.numerics.matrices import LAYER_KINDS

        _checks.choice(kind, "kind", LAYER_KINDS)
        shape = self._input_shape(input_shape)
        self.kernel_size = _checks.integer(kernel_size, "kernel_size", minimum=1)
        self.tiles = _checks.integer(tiles, "tiles", minimum=1, maximum=_checks.MAX_DRAWN_CELLS)
        self._check_fits(shape)
        self.fig = fig
        fig.set_layout_engine("none")  # placed by hand (``_place``): square cells in any shape
        width, height = fig.get_size_inches()
        self.ax = fig.add_axes((0.1, 0.2, 0.5, 0.6))
        self.panel = fig.add_axes((self.PANEL / width, 0, 1 - self.PANEL / width, 1))
        self.panel.set_axis_off()
        for spine in self.panel.spines.values():  # an explorer redraws the spines of owners
            spine.set_visible(False)
        self.matrix = draw_weight_matrix(
            self.ax, weight_indices("conv", shape, self.kernel_size, tiles=self.tiles)
        )
        text = {"transform": self.panel.transAxes, "ha": "left", "va": "top"}
        self.count = self.panel.text(
            0, 0.86, "", fontsize=FONT["title"], fontweight="bold", color=TEXT_COLORS["kernel"],
            **text,
        )
        self.usage = self.panel.text(0, 0.72, "", fontsize=FONT["normal"], **text)
        self.note = self.panel.text(
            0, 0.42, "", fontsize=FONT["small"], color=COLORS["text"], linespacing=1.4, **text
        )
        self._placed = None  # the matrix shape the axes is placed for
        self.select(kind, shape)

    @classmethod
    def _input_shape(cls, input_shape) -> tuple:
        shape = _checks.shape(input_shape, "input_shape", lengths=(1, 2), minimum=2)
        if np.prod(shape) > cls.MAX_INPUTS:
            raise ValueError(
                f"input_shape must have at most {cls.MAX_INPUTS} units so every entry stays "
                f"visible, got {shape}"
            )
        return shape

    def _check_fits(self, shape) -> None:
        if self.kernel_size > min(shape):
            raise ValueError(
                f"kernel_size must fit the input (at most {min(shape)} for {shape}), "
                f"got {self.kernel_size}"
            )

    @property
    def artists(self) -> list:
        return [*self.matrix.artists, self.count, self.usage, self.note]

    def _place(self, shape) -> None:
        """Square cells, as large as the region allows, the matrix centred in it."""
        width, height = self.fig.get_size_inches()
        x0, y0, x1, y1 = self.REGION
        rows, cols = shape
        cell = min((x1 - x0) / cols, (y1 - y0) / rows)
        w, h = cell * cols, cell * rows
        left, bottom = x0 + (x1 - x0 - w) / 2, y0 + (y1 - y0 - h) / 2
        self.ax.set_position((left / width, bottom / height, w / width, h / height))

    def select(self, kind: str, input_shape) -> list:
        """Show the matrix of layer ``kind`` on an input of ``input_shape``; return the
        artists that changed (the axes too when the matrix changes shape)."""
        kind = _checks.choice(kind, "kind", LAYER_KINDS)
        shape = self._input_shape(input_shape)
        self._check_fits(shape)
        idx = weight_indices(kind, shape, self.kernel_size, tiles=self.tiles)
        changed = self.matrix.set_indices(
            idx, kind_label(kind, self.tiles), blocks=layer_blocks(shape, self.kernel_size)
        )
        if idx.shape != self._placed:
            self._place(idx.shape)
            self._placed = idx.shape
            changed.append(self.ax)  # a new shape: laid out and drawn again
        self.indices = self.matrix.indices
        self.n_parameters = self.matrix.n_parameters
        self.uses = np.bincount(np.unique(idx[idx >= 0], return_inverse=True)[1])
        self.connections = int((idx >= 0).sum())
        n = self.n_parameters
        self.count.set_text(f"{n:,} parameter{'s' if n != 1 else ''}")
        self.usage.set_text(
            f"{self.connections:,} connections:\n"
            f"each weight used {_times(self.uses.min(), self.uses.max())}"
        )
        t = self.tiles  # 1-D: t kernels in turn; 2-D: a t x t pattern of them
        one_d = len(shape) == 1
        pattern = f"{t} in a row" if one_d else f"a {t}×{t} pattern"
        note = KIND_NOTES[kind].format(n=t if one_d else t * t, pattern=pattern)
        if kind == "conv":
            toeplitz = "Toeplitz" if one_d else "doubly block\nToeplitz"
            note += f"\n(a banded, {toeplitz} matrix)"
        self.note.set_text(f"{idx.shape[0]} outputs × {idx.shape[1]} inputs\n{note}")
        return changed + [self.count, self.usage, self.note]


# the text alternative of each figure a lesson shows (``display.alt_text``): what it shows and
# what to look for
weight_matrices_figure.alt = (
    "Four weight matrices over the same connections: dense, locally connected, tiled and "
    "convolution; each entry shows which parameter it holds by its colour and its number (the "
    "same number is the same weight), blank entries are zero, and each panel's title gives its "
    "parameter count. Look for the convolution's band: the same few weights (1, 2, 3) repeated "
    "on every row, where the locally connected layer numbers every weight anew."
)
