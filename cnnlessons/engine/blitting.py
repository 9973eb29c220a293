"""Redraw only what changed, on a matplotlib Agg canvas (no widgets, no ipympl).

After the one full draw, ``Blitter`` keeps the background (everything but the animated
artists) and, for each owner of animated artists (an axes, or the figure), the pixel box they
may paint in. ``redraw(changed)`` restores those boxes from the background and draws their
animated artists again, and returns the boxes it repainted, so the caller can send only them.
"""

from __future__ import annotations

import math

import matplotlib.text as mtext
import numpy as np
from matplotlib.transforms import Bbox

__all__ = ["Blitter"]


class Blitter:
    """Incremental drawing of ``fig`` on its Agg ``canvas`` (see the module's docstring)."""

    pad = 8  # pixels around an owner's box (antialiased edges, thick outlines)

    def __init__(self, fig, canvas, animated: list):
        self.fig = fig
        self.canvas = canvas
        self.animated = animated  # shared with the explorer: artists may be added later
        self.background = None  # BufferRegion: the figure without its animated artists
        self.base = None  # the same with the frames of their axes: what the page paints first
        self.regions: dict = {}
        self.generation = 0  # bumped by every full draw (a new background)
        fig.canvas.mpl_connect("draw_event", self._on_draw)

    def _size(self) -> tuple[int, int]:
        """(height, width) of the canvas in whole pixels (a figure 4.6 in tall at 100 dpi is
        459.99999999999994 px, and a fractional box would copy one row too few)."""
        return np.asarray(self.canvas.buffer_rgba()).shape[:2]

    def _on_draw(self, event) -> None:
        """After any full draw: freeze the layout, save the background, note the regions,
        then draw the animated artists on the background."""
        if self.fig.get_layout_engine() is not None:  # the first draw: freeze the layout
            self.fig.set_layout_engine("none")
            for ax in self.fig.axes:  # where aspect rules put each axes, for good
                ax.set_position(ax.get_position(original=False))
        height, width = self._size()
        everything = Bbox.from_extents(0, 0, width, height)
        regions = self._paint_regions(event.renderer)
        spines = [
            spine for owner in regions if owner is not self.fig for spine in owner.spines.values()
        ]
        if any(not spine.get_animated() for spine in spines):
            # the owners' frames are drawn once, over their animated artists, never twice
            # (a line drawn twice darkens its antialiased edges): leave them out and draw again
            for spine in spines:
                spine.set_animated(True)
            self.canvas.draw()
            return
        self.background = self.canvas.copy_from_bbox(everything)
        self.regions = regions
        for spine in spines:  # the background as the page paints it: with the frames
            self.fig.draw_artist(spine)
        self.base = self.canvas.copy_from_bbox(everything)
        self.canvas.restore_region(self.background)
        self.generation += 1
        self._draw_owners(self.regions)

    def _paint_regions(self, renderer) -> dict:
        """For each owner of animated artists: the pixel box they may paint in (``rows``:
        x0, y0, x1, y1 from the top left, as ``restore_region`` and images count) and the
        other owners whose boxes overlap it (redrawn with it). An axes' box is its own box
        grown to its animated artists' extents; a text may change length, so its box spans
        the figure's width."""
        height, width = self._size()
        boxes = {}
        for artist in self.animated:
            owner = artist.axes or self.fig
            extent = artist.get_window_extent(renderer)
            if isinstance(artist, mtext.Text):
                size = artist.get_fontsize() * self.fig.dpi / 72
                y = (
                    extent.y0
                    if artist.get_text()
                    else artist.get_transform().transform(artist.get_position())[1]
                )
                extent = Bbox(
                    [[0, min(extent.y0, y - 1.5 * size)], [width, max(extent.y1, y + 1.5 * size)]]
                )
            x0, y0, x1, y1 = boxes.get(owner, owner.bbox.extents)
            boxes[owner] = (
                min(x0, extent.x0),
                min(y0, extent.y0),
                max(x1, extent.x1),
                max(y1, extent.y1),
            )
        regions = {}
        for owner, (x0, y0, x1, y1) in boxes.items():
            # whole pixels, rounded outwards (restore_region truncates)
            x0, x1 = max(math.floor(x0) - self.pad, 0), min(math.ceil(x1) + self.pad, width)
            y0, y1 = max(math.floor(y0) - self.pad, 0), min(math.ceil(y1) + self.pad, height)
            regions[owner] = {"rows": (x0, height - y1, x1, height - y0), "box": (x0, y0, x1, y1)}
        for region in regions.values():
            a = region["box"]
            region["with"] = [
                o
                for o, r in regions.items()
                if a[0] < r["box"][2]
                and r["box"][0] < a[2]
                and a[1] < r["box"][3]
                and r["box"][1] < a[3]
            ]
        return regions

    def _draw_owners(self, owners) -> None:
        """Draw the animated artists of ``owners``, in order, then the frames of those axes
        (a frame drawn under a cell would otherwise be painted over)."""
        for artist in self.animated:
            if (artist.axes or self.fig) in owners:
                self.fig.draw_artist(artist)
        for owner in owners:
            if owner is not self.fig:
                for spine in owner.spines.values():
                    self.fig.draw_artist(spine)

    def redraw(self, changed) -> set | None:
        """Bring the canvas up to date after ``changed`` artists changed; return the owners
        whose regions were repainted, or None after a full draw (a non-animated artist
        changed, or nothing was drawn yet: everything is new)."""
        animated = set(self.animated)
        if self.background is None or any(a not in animated for a in changed):
            self.canvas.draw()  # calls _on_draw: new background, animated artists drawn
            return None
        owners = self._closure({a.axes or self.fig for a in changed})
        for owner in owners:
            self.canvas.restore_region(self.background, bbox=self.regions[owner]["rows"], xy=(0, 0))
        self._draw_owners(owners)
        return set(owners)

    def _closure(self, owners) -> list:
        """``owners`` and every owner whose region overlaps theirs, and so on (restoring a
        region erases what any overlapping owner painted there, so that one is drawn again,
        and its own region restored first), in the order of the full draw: the pixels come
        out exactly as a full draw paints them, whatever was drawn before."""
        if self.fig in owners:
            return list(self.regions)
        todo, seen = list(owners), set(owners)
        while todo:
            for other in self.regions[todo.pop()]["with"]:
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return [o for o in self.regions if o in seen]
