"""The kernel's side of an explorer's frames: which are drawn, drawing them, answering the
page and drawing ahead in the background of a running kernel.

Everything here runs holding ``lock``: a kernel may handle widget messages and run background
callbacks on different threads, and one figure must not be drawn by two at once (that mixed
the artists of two frames into one).
"""

from __future__ import annotations

import asyncio
import math
import threading
import time

from . import live

__all__ = ["BACKGROUND_SLICE", "QUIET", "FrameSet"]

#: seconds of background drawing between two looks at the kernel's messages, once the
#: controls rest (a frame the page asks for waits at most this long)
BACKGROUND_SLICE = 0.03
#: seconds after a control moved during which the controls count as moving: the background
#: then draws one frame at a time, and only those the renderer wants now (``now``), so a
#: request from the page waits at most one frame
QUIET = 0.1


class FrameSet:
    """Frames of one explorer: ``store`` (tiles and frames), ``queue`` (keys still to draw,
    next first), drawn by ``drawing`` for the values ``space`` reads; ``page`` is the
    protocol to the picture; ``renderer`` decides what is planned and kept."""

    def __init__(self, space, renderer, frame_controls, drawing, store, page):
        self.space = space
        self.renderer = renderer
        self.frame_controls = frame_controls
        self.drawing = drawing
        self.store = store
        self.page = page
        self.lock = threading.RLock()
        self.queue: list = []
        self.drawn_on_demand = 0  # frames drawn because the page (or ``frame()``) asked
        self.moved = None  # the control moved last, and which way (+1, -1)
        self.direction = 1
        self.changed_at = -math.inf  # when a control last moved (time.monotonic)
        self._scheduled = False

    # -- drawing -------------------------------------------------------------------------
    def _draw(self, key: str) -> None:
        values = self.space.values_of(key)
        self.store.frames[key] = self.drawing.draw(values)
        self.store.texts[key] = self.drawing.text(values)
        self.store.valuetexts[key] = self.drawing.values_said(values)
        if key in self.queue:
            self.queue.remove(key)

    def follow(self) -> None:
        """The artists (and the arrays behind the picture) back at the controls' values."""
        self.drawing.follow(self.space.values())

    def ensure(self, key: str) -> bool:
        """Draw frame ``key`` (a valid key) unless it is drawn; whether it was drawn now."""
        if key in self.store:
            return False
        self._draw(key)
        self.follow()
        self.trim([key])
        return True

    def draw_queue(self, budget: float | None = None, most: int | None = None) -> list:
        """Draw queued frames: all, or while less than ``budget`` seconds have passed, or
        at most ``most``; the artists then back at the controls' values. Returns the keys
        drawn (all still stored: forgetting happens after, in ``trim``)."""
        drawn = []
        t0 = time.perf_counter()
        while self.queue and (budget is None or time.perf_counter() - t0 < budget):
            key = self.queue.pop(0)
            if key not in self.store:
                self._draw(key)
                drawn.append(key)
                if most is not None and len(drawn) >= most:
                    break
        if drawn:
            self.follow()
        return drawn

    def trim(self, keep=()) -> None:
        """Beyond the renderer's limit, forget the frames farthest from the controls' values,
        down to the limit less a tenth (so this runs now and then, not on every frame), and
        the tiles only they used; never those in ``keep`` nor the one the controls select.
        The page is told to forget them too."""
        limit = self.renderer.keep()
        if limit is None or len(self.store) <= limit:
            return
        keep = {*keep, self.space.key()}
        at = self.space.positions()
        by_distance = sorted(self.store.frames, key=lambda k: self.space.steps(k, at))
        gone = [k for k in by_distance[limit - limit // 10 :] if k not in keep]
        dropped = self.store.forget(gone, keep_tiles=[self.drawing.background])
        self.page.forget(gone, dropped)

    # -- planning ------------------------------------------------------------------------
    def plan(self) -> None:
        """Queue what the renderer plans from the controls' values now."""
        self.queue = self.renderer.plan(
            self.space, self.frame_controls, self.store.frames, self.moved, self.direction
        )

    def moved_control(self, name: str, change: dict) -> None:
        """Control ``name`` moved (``change`` as traitlets gives it): the arrays follow, the
        renderer plans (nothing is drawn: the page asks for what it lacks)."""
        self.follow()
        self.moved = name
        old, new = change.get("old"), change.get("new")
        if isinstance(new, int) and isinstance(old, int) and new != old:
            self.direction = 1 if new > old else -1
        self.changed_at = time.monotonic()
        if self.renderer.replans_after(name, self.frame_controls):
            self.plan()
            self.schedule()

    # -- the page ------------------------------------------------------------------------
    def answer(self, key, tiles=()) -> dict:
        """Answer the page's request for frame ``key`` (drawn now if it is not), with the
        tiles the page does not hold and ``tiles`` it says it lacks. A key that is not one
        of this explorer's is answered with no frame. Returns the message sent."""
        try:
            self.space.parse(key)
        except ValueError:
            return self.page.send([], answer=key if isinstance(key, str) else repr(key))
        if self.ensure(key):
            self.drawn_on_demand += 1
        message = self.page.send([key], answer=key, again=tiles)
        self.schedule()
        return message

    # -- background ----------------------------------------------------------------------
    def schedule(self) -> None:
        """Draw the queue in the background of the running event loop (without one, the
        renderer decides: all now, or nothing ahead)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a script or a test: no background
            self.renderer.without_loop(self)
            return
        if self.queue and not self._scheduled:
            self._scheduled = True
            loop.call_soon(self._background, loop)

    def _background(self, loop) -> None:
        """Draw queued frames (one while the controls move, else for ``BACKGROUND_SLICE``),
        send them, then let the kernel handle messages."""
        after_cell = live.cells_quiet_in()
        if after_cell > 0:  # a cell just ran: the next one may be on its way ("Run all")
            loop.call_later(after_cell, self._background, loop)
            return
        with self.lock:
            self._scheduled = False
            wait = 0.002
            quiet_in = self.changed_at + QUIET - time.monotonic()
            if quiet_in > 0:  # moving: one frame, if the renderer wants one drawn now
                key = self.renderer.now(self.space, self.queue, self.moved)
                if key is None:
                    drawn, wait = [], quiet_in
                else:
                    self.queue.remove(key)
                    self.queue.insert(0, key)
                    drawn = self.draw_queue(most=1)
            else:
                drawn = self.draw_queue(BACKGROUND_SLICE)
            if drawn:
                self.trim(drawn)
                self.page.send(drawn)
            if self.queue:
                self._scheduled = True
                loop.call_later(wait, self._background, loop)
        # the frames went to the page by message; the state is brought up to date only by
        # ``finish`` (before an export): syncing it here would send every tile again

    @property
    def pending(self) -> int:
        return len(self.queue)

    def finish(self) -> None:
        """Draw what the renderer wants in a static export, and put it in the state."""
        with self.lock:
            self.renderer.finish(self)
