"""Shared primitives of every figure: number grids, framed axes, highlights (no widgets).

Each primitive draws once and keeps the artists it made, so a figure can change them in place
(``set_values``, ``move_highlight``) instead of drawing again.
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import Normalize
from matplotlib.patches import Rectangle

from cnnlessons import _checks
from cnnlessons.figures.display import check_axes
from cnnlessons.figures.style import (
    COLORS,
    FONT,
    HIGHLIGHT,
    LINE,
    TEXT_COLORS,
    UNSIGNED_CMAP,
    halo_effects,
    text_on,
)

__all__ = ["ROLES", "NumberGrid", "frame_axes", "highlight", "move_highlight", "fmt_number",
           "fmt_values", "fmt_rows", "said", "text_lines"]  # fmt: skip

#: what a frame or a highlight can stand for, each drawn in its colour from ``style.COLORS``
ROLES = tuple(COLORS)


def _role(role) -> str:
    return _checks.choice(role, "role", ROLES)


def outline_color(role: str) -> str:
    """The colour of a frame or highlight of ``role``: ``style.HIGHLIGHT`` (lightened so that
    with its dark halo it reaches 3:1 on any background) where the role has one."""
    return HIGHLIGHT.get(role, COLORS[role])


def fmt_number(v: float) -> str:
    """A number as a lesson writes it: 30, 0.5, 1.25 (empty for NaN and inf)."""
    v = _checks.real(v, "v")
    if np.isfinite(v) and abs(v) >= 1e12:
        return f"{v:.3g}"  # 1e+15, not sixteen digits
    if not np.isfinite(v):
        return ""
    if float(v).is_integer():
        return f"{int(v)}"
    return f"{v:.2f}".rstrip("0").rstrip(".")


def fmt_values(values) -> str:
    """Numbers as a text alternative lists them: "10, 0, -10" (``fmt_number`` each, in
    reading order)."""
    return ", ".join(fmt_number(v) for v in np.asarray(values, dtype=float).ravel())


def fmt_rows(values) -> str:
    """A small matrix row by row: "1, 0, -1; 1, 0, -1" (a vector: its numbers)."""
    values = np.asarray(values, dtype=float)
    return "; ".join(fmt_values(row) for row in np.atleast_2d(values))


def text_lines(part) -> list:
    """The lines of a string or of what a matplotlib text shows."""
    return (part.get_text() if hasattr(part, "get_text") else str(part)).splitlines()


def said(*parts) -> str:
    """Sentences of a text alternative from strings and matplotlib texts (what they show):
    runs of spaces made one, a line break a new sentence (a space after ",;:"), the first word
    capitalised (not a symbol: "r = 7"), each part ending with a full stop, empty parts left
    out."""
    out = []
    for part in parts:
        text = ""
        for line in filter(None, (" ".join(line.split()) for line in text_lines(part))):
            text += line if not text else (" " if text[-1] in ",;:" else ". ") + line
        if text:
            first = text.split(" ", 1)[0]
            if len(first) > 1 and first[:2].isalpha():
                text = text[0].upper() + text[1:]
            out.append(text if text[-1] in ".!?" else text + ".")
    return " ".join(out)


def frame_axes(ax, role: str | None = None, title: str | None = None) -> None:
    """No ticks; the frame in the role's colour ("input", "kernel", "output", "receptive")."""
    check_axes(ax)
    if role is not None:
        role = _role(role)
    ax.set_xticks([])
    ax.set_yticks([])
    if role is not None:
        for spine in ax.spines.values():
            spine.set_edgecolor(outline_color(role))
            spine.set_linewidth(LINE["highlight"])
            spine.set_path_effects(halo_effects(LINE["highlight"], width=1.0))
    if title is not None:
        ax.set_title(title, color=TEXT_COLORS[role] if role else TEXT_COLORS["text"])


#: The most cells of a grid drawn without numbers (a colour each): a 512 x 512 mesh.
MAX_MESH_CELLS = 2**18

#: The largest finite magnitude a grid draws: a number is written in its cell, and the colour
#: scale spans the values; beyond this a grid would be unreadable (1e300 next to 5).
MAX_GRID_VALUE = 1e12


def _colormap(cmap) -> None:
    """A matplotlib colormap, or the name of one."""
    from matplotlib import colormaps
    from matplotlib.colors import Colormap

    if isinstance(cmap, str):
        if cmap not in colormaps:
            raise ValueError(f"cmap must be a colormap or a colormap's name, got {cmap!r:.60}")
    elif not isinstance(cmap, Colormap):
        raise TypeError(f"cmap must be a colormap or a colormap's name, got {type(cmap).__name__}")


def _grid_values(values, name: str, limit: int) -> np.ndarray:
    """A 2-D real array of at most ``limit`` cells; finite values at most ``MAX_GRID_VALUE``
    in size (NaN is an empty cell; +-inf is drawn at the end of the colour scale, unwritten)."""
    values = _checks.array(values, name, ndims=(2,), limit=limit)
    finite = values[np.isfinite(values)]
    if finite.size and np.abs(finite).max() > MAX_GRID_VALUE:
        raise ValueError(
            f"{name} must be at most {MAX_GRID_VALUE:g} in size to be drawn as a grid of "
            f"numbers, got {np.abs(finite).max():g}: rescale the values first"
        )
    return values


class NumberGrid:
    """A small array drawn as coloured cells with its numbers written in them.

    ``set_values`` updates colours and numbers in place; NaN cells are drawn empty.
    """

    def __init__(
        self, ax, values, *, cmap=UNSIGNED_CMAP, vmin=None, vmax=None, fontsize=None, numbers=True
    ):
        check_axes(ax)
        numbers = _checks.boolean(numbers, "numbers")
        _colormap(cmap)
        limit = _checks.MAX_DRAWN_CELLS if numbers else MAX_MESH_CELLS
        values = _grid_values(values, "values", limit)
        if fontsize is not None:
            _checks.real(fontsize, "fontsize", positive=True, maximum=200)
        self.ax = ax
        finite = values[np.isfinite(values)]
        if vmin is None:
            vmin = float(finite.min()) if finite.size else 0.0
        if vmax is None:
            vmax = float(finite.max()) if finite.size else 1.0
        vmin = _checks.real(vmin, "vmin", finite=True)
        vmax = _checks.real(vmax, "vmax", finite=True)
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
        """New values of the same shape: colours and numbers change in place."""
        values = _grid_values(values, "values", _checks.MAX_ELEMENTS)
        shape = self.mesh.get_coordinates().shape[:2]
        if values.shape != (shape[0] - 1, shape[1] - 1):
            raise ValueError(
                f"values must have the grid's shape {(shape[0] - 1, shape[1] - 1)}, got "
                f"{values.shape}"
            )
        self.values = values
        self.mesh.set_array(np.ma.masked_invalid(values))
        if not self.texts:
            return
        cmap = self.mesh.get_cmap()
        for r, row in enumerate(self.texts):
            for c, text in enumerate(row):
                v = values[r, c]
                text.set_text(fmt_number(v))
                if np.isfinite(v):
                    text.set_color(text_on(cmap(self.norm(v))[:3]))


def highlight(ax, row: int, col: int, height: int, width: int, role: str = "kernel"):
    """A thick rectangle around cells ``[row:row+height, col:col+width]`` in the role's colour
    (one of ``ROLES``: "input", "kernel", "output", "receptive", "muted", "text")."""
    check_axes(ax)
    role = _role(role)
    row, col = _checks.integer(row, "row"), _checks.integer(col, "col")
    height = _checks.integer(height, "height", minimum=1)
    width = _checks.integer(width, "width", minimum=1)
    rect = Rectangle(
        (col - 0.5, row - 0.5),
        width,
        height,
        fill=False,
        edgecolor=outline_color(role),
        linewidth=LINE["highlight"] + 1.5,
        zorder=5,
        path_effects=halo_effects(LINE["highlight"] + 1.5, width=1.5),
    )
    ax.add_patch(rect)
    return rect


def move_highlight(rect, row: int, col: int) -> None:
    """Move a ``highlight`` so that its top-left cell is (row, col)."""
    _checks.instance(rect, "rect", Rectangle, "a highlight (the Rectangle highlight() made)")
    row, col = _checks.integer(row, "row"), _checks.integer(col, "col")
    rect.set_xy((col - 0.5, row - 0.5))
