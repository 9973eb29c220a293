"""An explorer's figure on an Agg canvas, and the canvas as tiles.

The figure is drawn in full once (layout, then the background is saved by the ``Blitter``);
after that a frame is drawn by changing the artists to the frame's values (the explorer's
``update``) and repainting only the regions of the artists that changed. The tiles of the
canvas are its background (the figure without its animated artists) and the boxes of pixels
that differ from it.
"""

from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .tiles import cut

__all__ = ["Drawing"]


class Drawing:
    """The figure (``fig``), its canvas and its ``Blitter``; ``draw(values)`` paints a frame
    and returns its tiles (stored in ``store``). ``update(**values)`` changes the artists
    and returns those that changed; ``animated`` lists the artists that change;
    ``describe(**values)`` gives the text alternative of the frame drawn last (``text``),
    ``value_text(name, values)`` each control's value text (``values_said``).
    Made, built and first drawn inside ``matplotlib.rc_context(style.RC)`` (the caller's)."""

    def __init__(
        self, figsize, dpi: float, store, update, animated: list, describe=None, value_text=None
    ):
        from .blitting import Blitter

        self.store = store
        self.update = update
        self.describe = describe
        self.value_text = value_text
        self.animated = animated
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(self.fig)
        self.blitter = Blitter(self.fig, self.canvas, animated)
        #: the values the artists show (None: not set yet)
        self.at = None
        #: artists changed since the canvas was last painted: repainted with the next frame
        self.behind: list = []
        self._generation = -1
        self._background = None

    def first_draw(self, values: dict) -> None:
        """The one full draw, at ``values``: layout frozen, background saved."""
        self.update(**values)
        self.at = dict(values)
        self.behind = []
        self.canvas.draw()

    @property
    def size(self) -> tuple:
        """(height, width) of the canvas in pixels."""
        return np.asarray(self.canvas.buffer_rgba()).shape[:2]

    def follow(self, values: dict) -> None:
        """Bring the artists (and the arrays behind them) to ``values`` without painting:
        the canvas catches up with the next frame drawn."""
        if values == self.at:
            return
        changed = self.update(**values)
        self.at = dict(values)
        self.behind += [a for a in changed if a not in self.behind]

    def draw(self, values: dict) -> list:
        """Change the artists to ``values``, repaint what changed (and what changed before
        without a repaint); the frame's tiles."""
        self.follow(values)
        changed, self.behind = self.behind, []
        self.blitter.redraw(changed)
        return self.tiles()

    def text(self, values: dict) -> str:
        """The text alternative of the frame just drawn at ``values`` (``describe``, called
        right after ``update`` for the same values: it may read what ``update`` set)."""
        if self.describe is None:
            return ""
        text = self.describe(**values)
        if not isinstance(text, str):
            raise TypeError(f"describe must return a str, got {type(text).__name__}")
        return text

    def values_said(self, values: dict) -> dict:
        """The value text of each control of the frame just drawn at ``values`` (``value_text``,
        called right after ``describe``): control name -> str."""
        if self.value_text is None:
            return {}
        said = {name: self.value_text(name, values) for name in values}
        if not all(isinstance(t, str) for t in said.values()):
            raise TypeError("value_text must return a str for each control")
        return said

    def tiles(self) -> list:
        """The tiles of what the canvas shows now: the base (the figure without its
        animated artists), then the boxes of pixels that differ from it."""
        rgba = np.asarray(self.canvas.buffer_rgba())
        height, width = rgba.shape[:2]
        base = np.asarray(self.blitter.base)
        if self.blitter.generation != self._generation:
            self._generation = self.blitter.generation
            self._background = self.store.tile(base[..., :3], 0, 0)
        # one uint32 per pixel: a pixel differs when its word does
        words = rgba.view(np.uint32).reshape(height, width)
        differs = words != base.view(np.uint32).reshape(height, width)
        tiles = [self._background]
        for r0, r1, c0, c1 in cut(differs):
            tiles.append(self.store.tile(rgba[r0:r1, c0:c1, :3], c0, r0))
        return tiles

    @property
    def background(self):
        """The id of the current background tile (None before the first draw)."""
        return self._background
