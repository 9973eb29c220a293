"""Click tables: what a click on a cell of an axes sets, recorded in the kernel once, so the
page answers clicks by itself.

``on_click(axes, handler)`` runs ``handler(row, col)`` for every cell of ``axes`` with the
controls' syncing held and the explorer deaf to them, records the raw value it leaves in
each control, and puts the controls back. The page gets a *region* per axes: its box on the
canvas, its data limits and the table.
"""

from __future__ import annotations

import math
from contextlib import ExitStack, contextmanager

__all__ = ["ClickTables"]


def _round(v: float) -> int:
    """Round half up, as the page's ``Math.round`` does."""
    return math.floor(v + 0.5)


class ClickTables:
    """The click handlers of one explorer and the regions the page gets."""

    def __init__(self, space):
        self.space = space
        self.handlers: dict = {}  # axes -> handler, in the order declared
        self.regions: list = []
        #: True while a handler is run to record it: the explorer ignores the controls then
        self.recording = False

    def add(self, axes, handler, canvas_height: int) -> dict:
        """Record ``handler`` for the cells of ``axes``; the region for the page."""
        if not callable(handler):
            raise TypeError(f"handler must be callable, got {type(handler).__name__}")
        if not hasattr(axes, "bbox") or not hasattr(axes, "get_xlim"):
            raise TypeError(f"axes must be matplotlib Axes, got {type(axes).__name__}")
        self.handlers[axes] = handler
        x0, y0, x1, y1 = axes.bbox.extents
        left, right = axes.get_xlim()
        bottom, top = axes.get_ylim()
        # the cells whose centres' half-width boxes meet the axes (a cell at each integer)
        rows = range(_round(min(bottom, top)), math.ceil(max(bottom, top) - 0.5) + 1)
        cols = range(_round(min(left, right)), math.ceil(max(left, right) - 0.5) + 1)
        table = [[self._record(handler, r, c) for c in cols] for r in rows]
        region = {
            "box": [x0, canvas_height - y1, x1, canvas_height - y0],
            "xlim": [left, right],
            "ylim": [top, bottom],
            "rows": [rows.start, rows.stop - 1],
            "cols": [cols.start, cols.stop - 1],
            "targets": [self.space.spec(n) for n in self.space.names],
            "table": table,
        }
        self.regions.append(region)
        return region

    def click(self, axes, row: int, col: int) -> None:
        """Run the handler of ``axes`` for cell (row, col), as a learner's click does."""
        if axes not in self.handlers:
            raise ValueError("nothing happens on a click on these axes")
        self.handlers[axes](row, col)

    def _record(self, handler, row: int, col: int):
        """What ``handler(row, col)`` sets: a raw value per control (None: unchanged), or
        None when it sets nothing; the controls are left as they were. A control the handler
        sets to the value it holds now counts as set (the page must set it back after the
        learner moved it): such a control is moved away first and the handler run again."""
        names = self.space.names
        before = {n: self.space.raw(n) for n in names}
        after = self._run(handler, row, col, {})
        same = [n for n in names if after[n] == before[n]]
        away = {}
        for n in same:  # another value it can take
            values = self.space.raw_values(n)
            if len(values) > 1:
                away[n] = values[1] if values[0] == before[n] else values[0]
        again = self._run(handler, row, col, away) if away else {}
        setting = {n for n in away if again[n] == before[n]}
        changed = [after[n] if after[n] != before[n] or n in setting else None for n in names]
        return changed if any(v is not None for v in changed) else None

    @contextmanager
    def _deaf(self):
        with ExitStack() as stack:
            for control in self.space.controls.values():
                stack.enter_context(control.hold_sync())
            self.recording = True
            try:
                yield
            finally:
                self.recording = False

    def _run(self, handler, row: int, col: int, start: dict) -> dict:
        """Run ``handler(row, col)`` from the controls' values changed by ``start`` (name ->
        raw value), with nothing redrawn or sent; the raw values it leaves; the controls are
        then put back."""
        space = self.space
        before = {n: space.raw(n) for n in space.names}
        with self._deaf():
            try:
                for n, raw in start.items():
                    space.set_raw(n, raw)
                handler(row, col)
                return {n: space.raw(n) for n in space.names}
            finally:
                for n, raw in before.items():
                    space.set_raw(n, raw)
