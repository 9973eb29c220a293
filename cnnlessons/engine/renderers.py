"""The renderers: which frames an explorer draws, and when (strategy objects).

``"frames"`` (``FramesRenderer``, the default)
    Every combination of the frame controls (``frame_control``) is drawn: those for the
    current values first, before the explorer shows; the rest before display too when they
    take less than ``SYNC_BUDGET`` seconds, else in the background of a running kernel,
    nearest first. A control that is not a frame control plans the frames for its new value.

``"blit"`` (``BlitRenderer``, for spaces too large to draw up front: sliders with many
positions)
    The frame the page asks for, drawn when it asks (only the boxes that changed); then the
    frames along each control, nearest first: first every value of the control moved last
    (its next ``STREAK`` values in the direction it moved before any other), then around
    every control, up to ``AHEAD``: a drag along any one control finds its frames drawn.
    While a control moves, only the frames along it are drawn (the rest wait until the
    controls rest: the page, painting frames it holds, keeps the processor). At most ``KEEP``
    frames are kept, the farthest forgotten, here and in the page.

The constants are read when used, so a test may change them (``monkeypatch.setattr``).
"""

from __future__ import annotations

import itertools
import math

__all__ = ["AHEAD", "KEEP", "MAX_FRAMES", "RENDERERS", "STREAK", "SYNC_BUDGET", "renderer"]

#: most combinations the frames renderer draws for one explorer (the largest documented
#: explorer, a 10x10 sliding window, has 64 positions x 5 kernels = 320)
MAX_FRAMES = 400
#: seconds of drawing an explorer may spend before it shows; frames left are drawn after
SYNC_BUDGET = 0.6
#: "blit": most frames planned ahead after a move
AHEAD = 240
#: "blit": after a move, this many next values of the control moved, in the direction it
#: moved, are planned before the values around every control
STREAK = 8
#: "blit": most frames kept; beyond, those farthest from the controls' values are forgotten
KEEP = 600


class FramesRenderer:
    """Every combination of the frame controls, drawn up front (see the module)."""

    name = "frames"

    def check(self, space, frame_controls) -> None:
        sizes = [len(space.raw_values(n)) for n in frame_controls]
        if math.prod(sizes) > MAX_FRAMES:
            raise ValueError(
                f"frame_control has {' x '.join(map(str, sizes))} = {math.prod(sizes)} "
                f"combinations, more than {MAX_FRAMES}: use renderer='blit'"
            )

    def budget(self) -> float:
        """Seconds of drawing before the explorer shows."""
        return SYNC_BUDGET

    def keep(self):
        """Most frames kept (None: every one)."""
        return None

    def replans_after(self, name: str, frame_controls) -> bool:
        """Whether a move of control ``name`` plans frames."""
        return name not in frame_controls

    def plan(self, space, frame_controls, have, moved=None, direction=1) -> list:
        """Keys to draw, next first: every combination of the frame controls (the others as
        they are) that ``have`` lacks, nearest first, the last frame control (a menu: it
        changes more of the picture) changing least often."""
        now = {n: space.raw(n) for n in space.names}
        at = {n: space.position(n, now[n]) for n in space.names}
        combos = []
        for combo in itertools.product(*(space.raw_values(n) for n in frame_controls)):
            raws = dict(now, **dict(zip(frame_controls, combo, strict=True)))
            steps = [abs(space.position(n, raws[n]) - at[n]) for n in frame_controls]
            combos.append((steps[::-1], raws))
        combos.sort(key=lambda c: c[0])
        keys = dict.fromkeys(space.join(r[n] for n in space.names) for _, r in combos)
        return [k for k in keys if k not in have]

    def now(self, space, queue, moved):
        """While a control moves: the next key of ``queue`` to draw (frames are few)."""
        return queue[0] if queue else None

    def without_loop(self, frames) -> None:
        """No event loop (a script, a test): draw every frame now."""
        frames.finish()

    def finish(self, frames) -> None:
        """Draw every frame planned and put them all in the widget's state."""
        if frames.draw_queue() or frames.page.unsynced:
            frames.page.sync()


class BlitRenderer:
    """The frame asked for, then frames along each control (see the module)."""

    name = "blit"

    def check(self, space, frame_controls) -> None:
        pass

    def budget(self) -> float:
        return 0.0

    def keep(self):
        return KEEP

    def replans_after(self, name: str, frame_controls) -> bool:
        return True

    def plan(self, space, frame_controls, have, moved=None, direction=1) -> list:
        """Keys along each control, nearest first: first every value of the control moved
        last (its next ``STREAK`` values in the direction it moved, then the rest, the
        direction it moved first at equal distance: a drag goes on along it), then around
        every other control; at most ``AHEAD``."""
        names = space.names
        now = [space.raw(n) for n in names]
        at = [space.position(n, r) for n, r in zip(names, now, strict=True)]

        def along(i, j):
            raws = list(now)
            raws[i] = space.raw_values(names[i])[j]
            return space.join(raws)

        keys = []
        if moved in names:  # a drag goes on: the values of the control moved come first
            i = names.index(moved)
            size = len(space.raw_values(moved))
            ahead = [at[i] + direction * step for step in range(1, size)]
            behind = [at[i] - direction * step for step in range(1, size)]
            rest = sorted(ahead[STREAK:] + behind, key=lambda j: (abs(j - at[i]), j in behind))
            keys += [along(i, j) for j in ahead[:STREAK] + rest if 0 <= j < size]
        longest = max(len(space.raw_values(n)) for n in names)
        for step in range(1, longest):
            for i, name in enumerate(names):
                if name == moved:
                    continue
                for j in (at[i] + step, at[i] - step):
                    if 0 <= j < len(space.raw_values(name)):
                        keys.append(along(i, j))
        return [k for k in dict.fromkeys(keys) if k not in have][:AHEAD]

    def now(self, space, queue, moved):
        """While control ``moved`` moves: the next key of ``queue`` to draw (one along it),
        or None (the rest wait until the controls rest)."""
        if moved not in space.names:
            return None
        i = space.names.index(moved)
        current = space.key().split(",")
        for key in queue:
            parts = key.split(",")
            if parts[:i] == current[:i] and parts[i + 1 :] == current[i + 1 :]:
                return key
        return None

    def without_loop(self, frames) -> None:
        """No event loop: nothing is drawn ahead (a frame is drawn when asked for)."""
        frames.queue = []

    def finish(self, frames) -> None:
        """A blit picture's frames are never all drawn (a static page cannot move its
        controls): the state gets the frame the controls select, no more."""
        frames.queue = []
        key = frames.space.key()
        frames.ensure(key)
        frames.page.sync(only=key)


RENDERERS = {r.name: r for r in (FramesRenderer(), BlitRenderer())}


def renderer(name: str):
    """The renderer named ``name`` ("frames" or "blit")."""
    from .. import _checks

    return RENDERERS[_checks.choice(name, "renderer", tuple(RENDERERS))]
