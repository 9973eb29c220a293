"""The explorer engine: controls (ipywidgets) wired to a figure that answers within a frame.

Every explorer builds its matplotlib figure **once** and, for each combination of its
controls' values, changes its artists in place (``update`` returns the ones that changed).
The figure is drawn at ``scale`` x its size (sharp on a HiDPI screen or a projector zoom) and
each combination becomes a *frame*: the figure's background plus crops of the boxes where its
changing artists paint, encoded once as PNG tiles and shared between frames (``tiles``). The
page's ``Picture`` (an anywidget, ``picture.js``) reads the controls' models itself, paints the
frame they select into a canvas and maps clicks on the picture to control values: a frame
already drawn appears without asking the kernel. Which frames are drawn, and when:

``"frames"`` (default)
    Every combination of the frame controls (``frame_control``) is drawn: those for the
    current values first, before the explorer shows; the rest before display too when they
    take less than ``SYNC_BUDGET`` seconds, else in the background of a running kernel,
    nearest first. A control that is not a frame control draws the frames for its new value.

``"blit"`` (for spaces too large to draw up front: sliders with many positions)
    The frame for the current values, drawn when a control changes (only the boxes that
    changed); once the controls rest (``QUIET``), the frames along each control, nearest
    first, up to ``AHEAD``, so a drag along any one control finds its frames drawn. At most
    ``KEEP`` frames are kept, the farthest forgotten, here and in the page.

While a control moves, the kernel answers the moves and draws nothing ahead. A frame the
page wants but does not have is asked for (one at a time; the kernel draws it at once);
until it arrives the page shows the nearest frame it has, marked "drawing…". Setting
``explorer.controls[name].value`` runs the same update a slider does, and ``frame()`` returns
the pixels of the frame the page shows, so tests drive an explorer without a browser.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import io
import itertools
import math
import threading
import time
import weakref
from contextlib import ExitStack

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from cnnlessons import _checks
from cnnlessons.engine.blitting import Blitter
from cnnlessons.figures import style

RENDERERS = ("frames", "blit")
#: most combinations the frames renderer draws for one explorer (the largest documented
#: explorer, a 10x10 sliding window, has 64 positions x 5 kernels = 320)
MAX_FRAMES = 400
#: seconds of drawing an explorer may spend before it shows; frames left are drawn after
SYNC_BUDGET = 0.6
#: "blit" renderer: once the controls rest, the frames along each control (every value of
#: it, the others as they are) are drawn ahead, nearest first, the control moved last first,
#: at most this many: a drag along any one control then finds its frames drawn
AHEAD = 240
#: "blit" renderer: most frames kept; beyond, those farthest from the controls' values are
#: forgotten (here and in the page), so a long session does not grow without bound
KEEP = 600
#: seconds of background drawing between two looks at the kernel's messages (a frame the
#: page asks for waits at most this long)
BACKGROUND_SLICE = 0.03
#: seconds the background waits after a control moved: while a learner drags, the kernel
#: answers the moves, and draws ahead only once they pause
QUIET = 0.03
#: seconds within which a frame sent is taken to be on its way: a page that asks for it
#: then is not sent it again
IN_FLIGHT = 1.0
_ids = itertools.count()
_alive: weakref.WeakSet = weakref.WeakSet()


def png_bytes(rgb: np.ndarray) -> bytes:
    """Encode an RGB(A) buffer as PNG, fast (zlib level 1: flat colours compress well anyway;
    measured faster than lossless WebP and smaller than its fastest mode)."""
    from PIL import Image

    with io.BytesIO() as buf:
        Image.fromarray(np.ascontiguousarray(rgb[..., :3])).save(
            buf, format="png", compress_level=1
        )
        return buf.getvalue()


def decode_png(data: bytes) -> np.ndarray:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"))


def _locked(method):
    """Run ``method`` holding the explorer's lock: a kernel may handle widget messages and
    run background callbacks on different threads, and one figure must not be drawn by two
    at once (that mixed the artists of two frames into one)."""

    @functools.wraps(method)
    def run(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)

    return run


def finish_all() -> None:
    """Draw every frame still pending, of every explorer, and put them in the widgets' state
    (before a static HTML export, so the page has every frame without a kernel)."""
    for explorer in list(_alive):
        explorer.finish_frames()


class Explorer:
    """Base of every explorer.

    Subclasses implement ``build(fig)`` (draw the figure once; call ``self.animate`` on the
    artists that will change) and ``update(**values)`` (apply the controls' values to the
    artists, return the artists that changed), and pass to ``__init__`` their controls (a
    dict name -> ipywidget: sliders, menus, toggle buttons; each an ``IntSlider`` or a
    control with ``options``), the renderer and, for ``"frames"``, the frame controls: the
    name of one, or a tuple of names (the one moved most first; every combination of their
    values is drawn, at most ``MAX_FRAMES``). ``on_click(axes, handler)`` makes clicks on
    ``axes`` set controls, in the browser.
    """

    figsize = (9.4, 3.4)
    dpi = 100  #: CSS pixels per inch
    scale = 2  #: canvas pixels per CSS pixel: frames are sharp at 2x device pixel ratio
    #: controls that only repeat another control's value in the browser (a ``Play``
    #: ``jslink``-ed to a slider): shown and named like the others, but never observed and
    #: not passed to ``update``, so a step of the animation is one redraw, not two
    mirrors: tuple = ()

    def __init__(
        self,
        controls: dict,
        *,
        renderer: str = "frames",
        frame_control: str | tuple | None = None,
    ):
        import ipywidgets as widgets

        from cnnlessons.engine.picture import Picture

        self.renderer = _checks.choice(renderer, "renderer", RENDERERS)
        self._lock = threading.RLock()
        self.controls = dict(controls)
        #: the controls whose every combination the frames renderer draws
        self.frame_controls = (
            (frame_control,) if isinstance(frame_control, str) else tuple(frame_control or ())
        )
        self._names = [n for n in self.controls if n not in self.mirrors]  # the frame key
        self._check_controls()
        self._animated: list = []
        self._click_handlers: dict = {}
        self._recording = False
        #: artists changed since the canvas was last painted (the arrays follow the controls
        #: at once; the canvas only when a frame is drawn): repainted with the next frame
        self._behind: list = []
        self._queue: list = []  # keys of frames still to draw, next first
        self._tiles: dict = {}  # tile id -> PNG bytes
        self._tile_counter = itertools.count()
        self._sent: set = set()  # tiles the page has (in the state, or sent by message)
        self._boxes: dict = {}  # tile id -> [x, y], canvas pixels from the top left
        self._tile_ids: dict = {}  # digest of pixels and box -> tile id
        self._frames: dict = {}  # key -> [tile ids]
        self._unsynced = False  # frames sent by message, not yet in the widget's state
        self._sent_at: dict = {}  # key -> when its frame was last sent by message
        self._changed_at = -math.inf  # when a control last moved (time.monotonic)
        self._background_tile = None
        self._generation = -1
        self.updates = 0  # frames drawn because a control changed (tests read it)
        with mpl.rc_context(style.RC):
            self.fig = Figure(
                figsize=self.figsize, dpi=self.dpi * self.scale, layout="constrained"
            )
            self.canvas = FigureCanvasAgg(self.fig)
            self.blitter = Blitter(self.fig, self.canvas, self._animated)
            self.build(self.fig)
            self._shown = self.values  # what the artists show
            self.update(**self._shown)
            self.canvas.draw()  # the one full draw: layout, then the background is saved
            height, width = np.asarray(self.canvas.buffer_rgba()).shape[:2]
            self.picture = Picture(
                width=width,
                height=height,
                scale=self.scale,
                label=(type(self).__doc__ or type(self).__name__).strip().split("\n")[0],
                controls=[self._control_spec(n) for n in self._names],
            )
            self.picture.on_msg(self._on_msg)
            self._store(self._key(), self._tiles_now(None))
            self._plan()
            if self.renderer == "frames":  # small spaces: all before display if quick
                self._draw_queue(budget=SYNC_BUDGET)
            self._sync()
        self.picture.add_class("cnnl-picture")
        for name, control in self.controls.items():
            if name not in self.mirrors:
                control.observe(self._on_change, names="value")
            control.add_class(f"cnnl-control-{name}")
        self.widget = widgets.VBox(
            [
                widgets.HBox(list(self.controls.values()), layout={"flex_flow": "row wrap"}),
                self.picture,
            ]
        )
        #: a CSS class naming this explorer on the page (browser tests find it by it)
        self.dom_id = f"cnnl-explorer-{next(_ids)}"
        for css in ("cnnl-explorer", self.dom_id, f"cnnl-{type(self).__name__}"):
            self.widget.add_class(css)
        _alive.add(self)
        self._schedule()

    # -- what subclasses provide -------------------------------------------------------
    def build(self, fig) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def update(self, **values) -> list:  # pragma: no cover - abstract
        raise NotImplementedError

    def animate(self, *artists) -> None:
        """Declare artists that change with the controls: they are left out of the saved
        background and redrawn on every update."""
        for artist in artists:
            if artist not in self._animated:
                artist.set_animated(True)
                self._animated.append(artist)

    # -- controls and keys ---------------------------------------------------------------
    def _check_controls(self) -> None:
        for name in self.frame_controls:
            if name not in self._names:
                raise ValueError(f"frame_control {name!r} is not one of the controls")
        for name in self._names:
            control = self.controls[name]
            if not hasattr(control, "options") and not (
                hasattr(control, "min") and isinstance(control.value, int)
            ):
                raise TypeError(f"control {name!r} must be an IntSlider or have options")
        if self.renderer == "frames":
            sizes = [len(self._raw_values(n)) for n in self.frame_controls]
            if math.prod(sizes) > MAX_FRAMES:
                raise ValueError(
                    f"frame_control has {' x '.join(map(str, sizes))} = {math.prod(sizes)} "
                    f"combinations, more than {MAX_FRAMES}: use renderer='blit'"
                )

    def _raw_values(self, name: str) -> list:
        """What control ``name`` can be, as the page reads it: a menu's indices, a slider's
        values."""
        control = self.controls[name]
        if hasattr(control, "options"):
            return list(range(len(control.options)))
        return list(range(control.min, control.max + 1, getattr(control, "step", 1) or 1))

    def _raw(self, name: str):
        control = self.controls[name]
        return control.index if hasattr(control, "options") else control.value

    def _value(self, name: str, raw):
        """The control's value for the raw value ``raw`` (a menu's option for its index)."""
        control = self.controls[name]
        if hasattr(control, "options"):
            option = control.options[raw]
            return option[1] if isinstance(option, tuple) else option
        return raw

    def _control_spec(self, name: str) -> dict:
        control = self.controls[name]
        return {
            "ref": f"IPY_MODEL_{control.model_id}",
            "trait": "index" if hasattr(control, "options") else "value",
            "values": self._raw_values(name),
        }

    @staticmethod
    def _join(raws) -> str:
        return ",".join(str(r) for r in raws)

    def _key(self) -> str:
        """The key of the frame the controls select now (as ``picture.js`` computes it)."""
        return self._join(self._raw(n) for n in self._names)

    def _values_of(self, key: str) -> dict:
        parts = key.split(",")
        return {
            n: self._value(n, int(p)) for n, p in zip(self._names, parts, strict=True)
        }

    @property
    def values(self) -> dict:
        """Current value of every control (but the mirrors)."""
        return {n: self.controls[n].value for n in self._names}

    # -- drawing frames ------------------------------------------------------------------
    def _tile(self, pixels: np.ndarray, x: int, y: int) -> int:
        """The id of the tile showing ``pixels`` at (x, y): an existing one if the same
        pixels were drawn there before, else a new one (encoded once)."""
        digest = hashlib.blake2b(pixels.tobytes(), digest_size=16)
        digest.update(f"{x},{y},{pixels.shape}".encode())
        digest = digest.digest()
        tile = self._tile_ids.get(digest)
        if tile is None:
            tile = next(self._tile_counter)
            self._tiles[tile] = png_bytes(pixels)
            self._boxes[tile] = [x, y]
            self._tile_ids[digest] = tile
        return tile

    def _tiles_now(self, owners=None) -> list:
        """The tiles of what the canvas shows now: the base (the figure without its animated
        artists), then the bands of pixels that differ from it (``owners``, the owners
        repainted, is not needed: the whole canvas is compared, ~1 ms)."""
        rgba = np.asarray(self.canvas.buffer_rgba())
        height, width = rgba.shape[:2]
        base = np.asarray(self.blitter.base)
        if self.blitter.generation != self._generation:
            self._generation = self.blitter.generation
            self._background_tile = self._tile(base[..., :3], 0, 0)
        # one uint32 per pixel: a pixel differs when its word does
        differs = rgba.view(np.uint32).reshape(height, width) != base.view(np.uint32).reshape(
            height, width
        )
        tiles = [self._background_tile]
        for r0, r1, c0, c1 in _cut(differs):
            tiles.append(self._tile(rgba[r0:r1, c0:c1, :3], c0, r0))
        return tiles

    def _draw(self, values: dict) -> list:
        """Change the artists to ``values``, repaint what changed (and what changed before
        without a repaint); the frame's tiles."""
        changed = list(self.update(**values))
        if self._behind:
            changed += [a for a in self._behind if a not in changed]
            self._behind = []
        return self._tiles_now(self.blitter.redraw(changed))

    def _follow(self) -> None:
        """Bring the artists (and the arrays behind the picture) back to the controls'
        values without painting: the canvas catches up with the next frame drawn."""
        changed = self.update(**self.values)
        self._behind += [a for a in changed if a not in self._behind]

    def _store(self, key: str, tiles: list) -> None:
        self._frames[key] = tiles
        if key in self._queue:
            self._queue.remove(key)
        if self.renderer == "blit" and len(self._frames) > KEEP:
            self._forget(key)

    def _steps(self, key: str, at: dict) -> int:
        """Steps from frame ``key`` to the positions ``at`` (name -> index), over all controls."""
        raws = [int(p) for p in key.split(",")]
        return sum(
            abs(self._raw_values(n).index(r) - at[n])
            for n, r in zip(self._names, raws, strict=True)
        )

    def _forget(self, keep: str) -> None:
        """Forget the frames farthest from the controls' values, down to ``KEEP`` less a tenth
        (so this runs now and then, not on every frame), and the tiles only they used; never
        ``keep``, the frame just drawn. The page is told to forget them too."""
        at = {n: self._raw_values(n).index(self._raw(n)) for n in self._names}
        by_distance = sorted(self._frames, key=lambda k: self._steps(k, at))
        gone = [k for k in by_distance[KEEP - KEEP // 10 :] if k != keep]
        for key in gone:
            del self._frames[key]
            self._sent_at.pop(key, None)
        used = {t for ids in self._frames.values() for t in ids} | {self._background_tile}
        dropped = [t for t in self._tiles if t not in used]
        for t in dropped:
            del self._tiles[t], self._boxes[t]
            self._sent.discard(t)
        for digest in [d for d, t in self._tile_ids.items() if t not in used]:
            del self._tile_ids[digest]
        self._unsynced = True
        self.picture.send({"type": "forget", "frames": gone, "ids": dropped})

    def _send(self, keys: list, *, again: bool = False) -> None:
        """Send frames drawn after the widget's state was set, with the tiles they add
        (``again``: with all their tiles, for a page that asks for a frame it lacks)."""
        frames = {k: self._frames[k] for k in keys}
        now = time.monotonic()
        self._sent_at.update(dict.fromkeys(keys, now))
        new = sorted({t for ids in frames.values() for t in ids} - (set() if again else self._sent))
        self._sent.update(new)
        self._unsynced = True
        self.picture.send(
            {
                "type": "frames",
                "frames": frames,
                "boxes": {str(t): self._boxes[t] for t in new},
                "ids": new,
            },
            buffers=[self._tiles[t] for t in new],
        )

    def _sync(self, only: str | None = None) -> None:
        """Put every frame drawn so far (or ``only`` that one) in the widget's state: what a
        new view, or a static HTML export, starts from."""
        frames = dict(self._frames) if only is None else {only: self._frames[only]}
        tiles = sorted({t for ids in frames.values() for t in ids})
        self._unsynced = only is not None and len(self._frames) > 1
        self._sent.update(tiles)
        with self.picture.hold_sync():
            self.picture.tiles = {str(t): self._tiles[t] for t in tiles}
            self.picture.boxes = {str(t): self._boxes[t] for t in tiles}
            self.picture.frames = frames

    def _plan(self) -> None:
        """Queue the frames to draw: the frames renderer, every combination of the frame
        controls (the others as they are), nearest to the current values first; "blit",
        the frames a few steps away along each control."""
        now = {n: self._raw(n) for n in self._names}
        at = {n: self._raw_values(n).index(now[n]) for n in self._names}
        if self.renderer == "frames":
            # nearest first, the last frame control (a menu: it changes more of the picture,
            # maybe the background) changing least often
            axes = [self._raw_values(n) for n in self.frame_controls]
            combos = []
            for combo in itertools.product(*axes):
                raws = dict(now, **dict(zip(self.frame_controls, combo, strict=True)))
                steps = [
                    abs(self._raw_values(n).index(raws[n]) - at[n]) for n in self.frame_controls
                ]
                combos.append((steps[::-1], raws))
            combos.sort(key=lambda c: c[0])
            keys = [self._join(r[n] for n in self._names) for _, r in combos]
        else:
            # along each control, nearest first; the control moved last first (a drag goes
            # on along it), and its next values in the direction it moved
            moved = getattr(self, "_moved", None)
            names = sorted(self._names, key=lambda n: n != moved)
            longest = max(len(self._raw_values(n)) for n in names)
            keys = []
            for step in range(1, longest):
                for name in names:
                    values = self._raw_values(name)
                    ahead = 1 if name != moved or getattr(self, "_direction", 1) > 0 else -1
                    for i in (at[name] + ahead * step, at[name] - ahead * step):
                        if 0 <= i < len(values):
                            raws = {**now, name: values[i]}
                            keys.append(self._join(raws[n] for n in self._names))
        keys = [k for k in dict.fromkeys(keys) if k not in self._frames]
        self._queue = keys if self.renderer == "frames" else keys[:AHEAD]

    def _draw_queue(self, budget: float | None = None) -> list:
        """Draw queued frames, all of them or until ``budget`` seconds have passed; then
        bring the artists back to the controls' values. Returns the keys drawn."""
        drawn = []
        t0 = time.perf_counter()
        while self._queue and (budget is None or time.perf_counter() - t0 < budget):
            key = self._queue.pop(0)
            if key not in self._frames:
                self._store(key, self._draw(self._values_of(key)))
                drawn.append(key)
        if drawn:  # back to the controls' values (the arrays; the canvas with the next frame)
            self._follow()
        return drawn

    def _schedule(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # a script or a test: no background
            if self.renderer == "frames":
                self.finish_frames()
            else:
                self._queue = []
            return
        if self._queue and not getattr(self, "_scheduled", False):
            self._scheduled = True
            loop.call_soon(self._background, loop)

    @_locked
    def _background(self, loop) -> None:
        """Draw queued frames for about ``BACKGROUND_SLICE``, send them, then let the kernel
        handle messages (a control moved, a frame the page asks for)."""
        self._scheduled = False
        quiet_for = time.monotonic() - self._changed_at
        if quiet_for < QUIET:  # a drag goes on: leave the kernel to answer it
            self._scheduled = True
            loop.call_later(QUIET - quiet_for, self._background, loop)
            return
        drawn = self._draw_queue(budget=BACKGROUND_SLICE)
        if drawn:
            self._send(drawn)
        if self._queue:
            self._scheduled = True
            loop.call_later(0.002, self._background, loop)
        # the frames went to the page by message; the state is brought up to date only by
        # ``finish_frames`` (before an export): syncing it here would send every tile again

    @property
    def frames_pending(self) -> int:
        """How many frames are still to be drawn (0 once every one planned is ready)."""
        return len(self._queue)

    @_locked
    def finish_frames(self) -> None:
        """Draw every frame still pending, now, and put them in the widget's state (what a
        static export shows). For "blit", whose frames are never all drawn (so a static page
        cannot move its controls), the state gets the frame the controls select, no more."""
        if self.renderer == "blit":
            self._queue = []
            self._sync(only=self._key())
        elif self._draw_queue() or self._unsynced:
            self._sync()

    # -- changes -------------------------------------------------------------------------
    @_locked
    def _on_change(self, change) -> None:
        if self._recording:
            return
        values = self.values
        if values == self._shown:  # e.g. a value echoed back by the browser: nothing to do
            return
        self._shown = values
        key = self._key()
        if key in self._frames:
            # the page has it (or will): keep the arrays behind it right, paint later
            self._follow()
        else:
            self._store(key, self._draw(values))
            self.updates += 1
            self._send([key])
        name = next(n for n, c in self.controls.items() if c is change["owner"])
        self._moved = name
        if isinstance(change.get("new"), int) and isinstance(change.get("old"), int):
            self._direction = change["new"] - change["old"]
        if self.renderer == "blit" or name not in self.frame_controls:
            self._plan()
            self._schedule()
        self._changed_at = time.monotonic()  # answered: the background waits from now

    @_locked
    def _on_msg(self, widget, content, buffers) -> None:
        """The page asks for a frame it does not have: draw it now."""
        if not isinstance(content, dict) or content.get("type") != "need":
            return
        key = str(content.get("key", ""))
        try:
            values = self._values_of(key)
            raws = [int(p) for p in key.split(",")]
        except (ValueError, IndexError, TypeError):
            return
        if any(r not in self._raw_values(n) for n, r in zip(self._names, raws, strict=True)):
            return
        if key not in self._frames:
            self._store(key, self._draw(values))
            self._follow()
            self._send([key])
        elif time.monotonic() - self._sent_at.get(key, -math.inf) > IN_FLIGHT:
            # sent long ago (or only in the state), yet the page lacks it: send it whole
            self._send([key], again=True)

    # -- what the page shows -------------------------------------------------------------
    @_locked
    def frame(self, index=None, *, key: str | None = None) -> np.ndarray:
        """The RGBA pixels (floats in [0, 1]) of a frame as the page paints it from its
        tiles: by default the one the controls select; ``index`` picks one by the positions
        of the frame controls' values (an int for one frame control, a tuple for several),
        the other controls as they are; ``key`` picks one by its key (``frame_keys``)."""
        if key is not None:
            self._values_of(key)  # a key of this explorer's controls, or a ValueError
        elif index is None:
            key = self._key()
        else:
            index = index if isinstance(index, tuple) else (index,)
            if len(index) != len(self.frame_controls) or not all(
                isinstance(i, int) and 0 <= i < len(self._raw_values(n))
                for n, i in zip(self.frame_controls, index, strict=False)
            ):
                sizes = tuple(len(self._raw_values(n)) for n in self.frame_controls)
                raise ValueError(
                    f"index must give a position for each of {self.frame_controls} "
                    f"(sizes {sizes}), got {index!r}"
                )
            raws = {n: self._raw(n) for n in self._names}
            for n, i in zip(self.frame_controls, index, strict=True):
                raws[n] = self._raw_values(n)[i]
            key = self._join(raws[n] for n in self._names)
        if key not in self._frames:
            self._queue.insert(0, key)
            self._draw_queue()
        out = None
        for tile in self._frames[key]:
            pixels = decode_png(self._tiles[tile])
            if out is None:
                out = np.full(pixels.shape[:2] + (4,), 255, dtype=np.uint8)
            x, y = self._boxes[tile]
            out[y : y + pixels.shape[0], x : x + pixels.shape[1], :3] = pixels
        return out.astype(np.float32) / 255

    @property
    def frame_keys(self) -> list:
        """Keys of the frames drawn, each the controls' raw values (menus by index)."""
        return list(self._frames)

    # -- clicks --------------------------------------------------------------------------
    @_locked
    def on_click(self, axes, handler) -> None:
        """Make a click on a data cell (row, col) of ``axes`` call ``handler(row, col)``,
        which sets controls. On the page the click is answered in the browser: the handler
        is run here for every cell once, and what it sets goes to the page as a table."""
        self._click_handlers[axes] = handler
        height = np.asarray(self.canvas.buffer_rgba()).shape[0]
        x0, y0, x1, y1 = axes.bbox.extents
        left, right = axes.get_xlim()
        bottom, top = axes.get_ylim()
        # the cells whose centres' half-width boxes meet the axes (a cell at each integer)
        rows = range(_round(min(bottom, top)), math.ceil(max(bottom, top) - 0.5) + 1)
        cols = range(_round(min(left, right)), math.ceil(max(left, right) - 0.5) + 1)
        table = [[self._record(handler, r, c) for c in cols] for r in rows]
        region = {
            "box": [x0, height - y1, x1, height - y0],
            "xlim": [left, right],
            "ylim": [top, bottom],
            "rows": [rows.start, rows.stop - 1],
            "cols": [cols.start, cols.stop - 1],
            "targets": [self._control_spec(n) for n in self._names],
            "table": table,
        }
        self.picture.clicks = [*self.picture.clicks, region]

    def _record(self, handler, row: int, col: int):
        """What ``handler(row, col)`` sets: a raw value per control (None: unchanged), or
        None when it sets nothing; the controls are left as they were. A control the handler
        sets to the value it holds now counts as set (the page must set it back after the
        learner moved it): such a control is moved away first and the handler run again."""
        before = {n: self._raw(n) for n in self._names}
        after = self._run_handler(handler, row, col, {})
        same = [n for n in self._names if after[n] == before[n]]
        away = {}
        for n in same:  # another value it can take
            values = self._raw_values(n)
            if len(values) > 1:
                away[n] = values[1] if values[0] == before[n] else values[0]
        again = self._run_handler(handler, row, col, away) if away else {}
        setting = {n for n in away if again[n] == before[n]}
        changed = [after[n] if after[n] != before[n] or n in setting else None for n in self._names]
        return changed if any(v is not None for v in changed) else None

    def _run_handler(self, handler, row: int, col: int, start: dict) -> dict:
        """Run ``handler(row, col)`` from the controls' values changed by ``start`` (name ->
        raw value), with nothing redrawn or sent; the raw values it leaves; the controls are
        then put back."""
        before = {n: self._raw(n) for n in self._names}
        with ExitStack() as stack:
            for control in self.controls.values():
                stack.enter_context(control.hold_sync())
            self._recording = True
            try:
                for n, raw in start.items():
                    self._set_raw(n, raw)
                handler(row, col)
                return {n: self._raw(n) for n in self._names}
            finally:
                for n, raw in before.items():
                    self._set_raw(n, raw)
                self._recording = False

    def _set_raw(self, name: str, raw) -> None:
        control = self.controls[name]
        if hasattr(control, "options"):
            control.index = raw
        else:
            control.value = raw

    def click(self, axes, row: int, col: int) -> None:
        """Act as if the learner clicked cell (row, col) of ``axes``."""
        if axes not in self._click_handlers:
            raise ValueError("nothing happens on a click on these axes")
        self._click_handlers[axes](row, col)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)


def _runs(mask: np.ndarray, gap: int = 24) -> list:
    """(start, stop) of the runs of True in a 1-D mask, runs closer than ``gap`` merged."""
    at = np.flatnonzero(mask)
    if at.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(at) > gap)
    starts = np.concatenate([[at[0]], at[breaks + 1]])
    stops = np.concatenate([at[breaks], [at[-1]]]) + 1
    return [(int(a), int(b)) for a, b in zip(starts, stops, strict=True)]


def _cut(mask: np.ndarray, top: int = 0, left: int = 0, depth: int = 0) -> list:
    """Boxes (row0, row1, col0, col1) that hold every True of ``mask`` and few Falses: cut
    at the columns with no True, then each band at its rows with no True, and each piece
    again while that splits it (a formula under two panels: three boxes, not one around
    all three, so a frame paints and sends only what changed)."""
    boxes = []
    columns = _runs(mask.any(axis=0))
    for c0, c1 in columns:
        rows = _runs(mask[:, c0:c1].any(axis=1))
        for r0, r1 in rows:
            if depth < 4 and (len(columns) > 1 or len(rows) > 1):
                boxes += _cut(mask[r0:r1, c0:c1], top + r0, left + c0, depth + 1)
            else:
                boxes.append((top + r0, top + r1, left + c0, left + c1))
    return boxes


def _round(v: float) -> int:
    """Round half up, as the page's ``Math.round`` does."""
    return math.floor(v + 0.5)
