"""The explorer engine: controls (ipywidgets) wired to a figure that answers in a frame or two.

Every explorer builds its matplotlib figure **once** and, on each control change, changes its
artists in place (``update`` returns the ones that changed). How the new picture reaches the
page is the renderer's job; two were chosen by measurement (``make bench-explorers``):

``"frames"`` (default when the controls have few combinations)
    Every combination of the frame controls (e.g. 5 kernels x 16 positions) is drawn once,
    ahead of time, into a lossless WebP image; the images sit in nested ``ipywidgets.Stack``s
    whose ``selected_index`` is ``jslink``-ed to the controls. Moving a slider or choosing in
    a menu swaps the picture in the browser without asking the kernel: the only path that
    stays under two frames (33 ms) on a busy 2-core machine. A control that is not a frame
    control redraws every frame in the kernel.

``"blit"`` (when the learner clicks on the picture, or a control has too many positions)
    An ipympl canvas: the figure lives in the kernel, mouse clicks come back to Python, and
    each change restores a saved background, redraws only the changed (animated) artists and
    sends the new picture (``canvas.blit``), never laying out or drawing the figure again.

Either way the arrays behind the picture are in Python, and setting
``explorer.controls[name].value`` runs the same update a slider does, so tests can drive an
explorer without a browser.
"""

from __future__ import annotations

import asyncio
import base64
import io
import itertools
import math
import sys
import time

import matplotlib as mpl
import matplotlib.text as mtext
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from .. import _checks, style

RENDERERS = ("frames", "blit")
MAX_FRAMES = 160  # more combinations than this: use the "blit" renderer
_ids = itertools.count()


def _ipympl_backend():
    """Import ``ipympl.backend_nbagg`` without switching matplotlib's global backend.

    ipympl's ``__init__`` calls ``matplotlib.use(ipympl)`` when matplotlib is already
    imported, which would turn every later ``plt.show()`` of the notebook into a widget.
    """
    if "ipympl" not in sys.modules:
        use, mpl.use = mpl.use, lambda *args, **kwargs: None  # keep the learner's backend
        try:
            import ipympl.backend_nbagg  # noqa: F401
        finally:
            mpl.use = use
    from ipympl import backend_nbagg

    return backend_nbagg


def png_bytes(rgba: np.ndarray) -> bytes:
    """Encode an RGBA buffer as PNG, fast (zlib level 1: flat colours compress well anyway)."""
    with io.BytesIO() as buf:
        mpl.image.imsave(buf, rgba, format="png", pil_kwargs={"compress_level": 1})
        return buf.getvalue()


def frame_bytes(rgba: np.ndarray) -> bytes:
    """Encode a frame of the frames renderer as lossless WebP: the exact pixels, in about
    half the bytes of a PNG (an explorer sends up to ``MAX_FRAMES`` of them), encoded about
    as fast. Every current browser shows WebP; Pillow comes with matplotlib."""
    from PIL import Image

    with io.BytesIO() as buf:
        Image.fromarray(np.ascontiguousarray(rgba[..., :3])).save(
            buf, format="webp", lossless=True, method=2, quality=0
        )
        return buf.getvalue()


def _full_png(canvas):
    """The whole canvas as a PNG (ipympl's "full" image mode), encoded with ``png_bytes``
    (matplotlib's own encoder uses zlib level 6, several times slower).

    Never ipympl's "diff" mode: its front end swaps ``img.src`` for each image that arrives,
    so when two arrive within one decode the first is never drawn; a dropped diff leaves
    stale pixels on the page (a window where it no longer is) until something repaints them.
    A full image costs about 3 ms more to encode and is right whatever was dropped.
    """
    if not canvas._png_is_old:
        return None
    pixels = np.asarray(canvas.get_renderer().buffer_rgba())
    canvas.set_image_mode("full")
    canvas._last_buff = pixels.view(np.uint32).squeeze(2).copy()  # ipympl's data-url fallback
    canvas._force_full = False
    canvas._png_is_old = False
    return png_bytes(pixels)


def _send_png(canvas, png: bytes) -> None:
    """Send a PNG to ipympl's front end. Until the page has shown the canvas, ipympl also
    keeps it as the picture the page starts from (``_data_url``); ipympl 0.10 stores it
    without the ``data:`` prefix, the page's first image then fails to load and the canvas
    never appears. Store a valid data URL, made from the PNG already encoded."""
    if canvas.syncing_data_url:
        canvas._data_url = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    canvas.send({"data": '{"type": "binary"}'}, buffers=[png])


class Explorer:
    """Base of every explorer.

    Subclasses implement ``build(fig)`` (draw the figure once; call ``self.animate`` on the
    artists that will change) and ``update(**values)`` (apply the controls' values to the
    artists, return the artists that changed), and pass to ``__init__`` their controls
    (a dict name -> ipywidget) and, for the frames renderer, the frame controls: the name of
    one, or a tuple of names, each an ``IntSlider`` from 0 in steps of 1 or a control with
    ``options`` (menu, toggle buttons, ``SelectionSlider``). A frame is drawn for every
    combination of their values (at most ``MAX_FRAMES``), so moving any of them only swaps
    pictures in the browser; any other control redraws every frame in the kernel.

    Order the frame controls from the one moved most (a slider that is dragged) to the one
    moved least (a menu): the frames sit in nested ``Stack``s, outermost first, and each
    ``Stack`` is ``jslink``-ed to its control. A control is linked to as many ``Stack``s as
    there are combinations of the controls before it, and every link sends one message per
    change; a dragged slider must have one (measured: 16 links on a slider halved the
    frames shown while dragging).
    """

    figsize = (9.4, 3.4)
    dpi = 100
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

        self.renderer = _checks.choice(renderer, "renderer", RENDERERS)
        self.controls = dict(controls)
        #: the controls the frames renderer draws a frame for every combination of
        self.frame_controls = (
            (frame_control,) if isinstance(frame_control, str) else tuple(frame_control or ())
        )
        self._animated: list = []
        self._click_handlers: dict = {}
        self._laying_out = False
        self._pending: list = []  # frames renderer: combinations still to draw
        self._generation = 0  # bumped when every frame must be drawn again
        self._canvas_behind = False  # frames renderer: artists changed, canvas not redrawn
        self.updates = 0  # how many times the picture was redrawn (tests read it)
        with mpl.rc_context(style.RC):
            self.fig = Figure(figsize=self.figsize, dpi=self.dpi, layout="constrained")
            if self.renderer == "blit":
                self.canvas = self._ipympl_canvas()
            else:
                self.canvas = FigureCanvasAgg(self.fig)
            self.build(self.fig)
            self._shown = self.values  # what the picture shows
            self.update(**self._shown)
            self.fig.canvas.mpl_connect("draw_event", self._on_draw)
            self._background = None
            if self.renderer == "frames":
                self.canvas.draw()  # the one full draw: layout, then the background is saved
            else:
                # lay out now (so clicks map to cells from the start) but render nothing:
                # ipympl renders when the page shows the canvas, and a picture rendered
                # before that reaches the page broken
                self._laying_out = True  # this draw renders nothing: no background
                try:
                    self.fig.draw_without_rendering()
                finally:
                    self._laying_out = False
                self.fig.set_layout_engine("none")
                for ax in self.fig.axes:
                    ax.set_position(ax.get_position(original=False))

        if self.renderer == "frames":
            self._build_frames(widgets)
            view = self.frames
        else:
            self.fig.canvas.mpl_connect("button_press_event", self._on_press)
            view = self.canvas
        view.add_class("cnnl-picture")
        for name, control in self.controls.items():
            if name not in self.mirrors:
                control.observe(self._on_change, names="value")
            control.add_class(f"cnnl-control-{name}")
        self.widget = widgets.VBox(
            [widgets.HBox(list(self.controls.values()), layout={"flex_flow": "row wrap"}), view]
        )
        #: a CSS class naming this explorer on the page (browser tests find it by it)
        self.dom_id = f"cnnl-explorer-{next(_ids)}"
        for css in ("cnnl-explorer", self.dom_id, f"cnnl-{type(self).__name__}"):
            self.widget.add_class(css)

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

    # -- shared machinery ----------------------------------------------------------------
    @property
    def values(self) -> dict:
        """Current value of every control (but the mirrors)."""
        return {n: c.value for n, c in self.controls.items() if n not in self.mirrors}

    def _on_draw(self, event) -> None:
        """After any full draw (first display, resize, dpi change): save the background
        (everything but the animated artists), note where each owner's (axes' or figure's)
        animated artists can paint, then draw them on the background."""
        if self._laying_out:  # draw_without_rendering: nothing was painted to save
            return
        if self.fig.get_layout_engine() is not None:  # the first draw: freeze the layout
            self.fig.set_layout_engine("none")
            for ax in self.fig.axes:  # where aspect rules put each axes, for good
                ax.set_position(ax.get_position(original=False))
        # whole pixels: a figure 4.6 in tall at 100 dpi is 459.99999999999994 px, and a
        # fractional box would copy one row too few
        height, width = np.asarray(self.canvas.buffer_rgba()).shape[:2]
        self._background = self.canvas.copy_from_bbox(Bbox.from_extents(0, 0, width, height))
        self._regions = self._paint_regions(event.renderer)
        self._draw_owners(self._regions)

    def _paint_regions(self, renderer) -> dict:
        """For each owner of animated artists (an axes, or the figure): the pixel box they
        may paint in, and the other owners whose boxes overlap it (redrawn with it).

        An axes' box is its own box grown to its animated artists' extents; a text may
        change length, so its box spans the figure's width; the figure's box is all of it.
        """
        pad = 8
        height, width = np.asarray(self.canvas.buffer_rgba()).shape[:2]  # whole pixels
        boxes = {}
        for artist in self._animated:
            owner = artist.axes or self.fig
            extent = artist.get_window_extent(renderer)
            if isinstance(artist, mtext.Text):
                size = artist.get_fontsize() * self.fig.dpi / 72
                y = (
                    artist.get_window_extent(renderer).y0
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
            x0, x1 = max(math.floor(x0) - pad, 0), min(math.ceil(x1) + pad, width)
            y0, y1 = max(math.floor(y0) - pad, 0), min(math.ceil(y1) + pad, height)
            # restore_region counts rows from the top of the canvas
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
        for artist in self._animated:
            if (artist.axes or self.fig) in owners:
                self.fig.draw_artist(artist)
        for owner in owners:
            if owner is not self.fig:
                for spine in owner.spines.values():
                    self.fig.draw_artist(spine)

    def _redraw(self, changed) -> None:
        """Bring the canvas up to date after ``update`` changed ``changed``.

        Animated artists only: restore the background in the boxes of their owners (and of
        overlapping owners), and draw those owners' animated artists again. Anything else
        changed: one full draw.
        """
        animated = set(self._animated)
        if self._background is None or any(a not in animated for a in changed):
            self.canvas.draw()  # calls _on_draw: new background, animated artists drawn
            return
        owners = {a.axes or self.fig for a in changed}
        if self.fig in owners:
            owners = set(self._regions)
        owners |= {o for owner in owners for o in self._regions[owner]["with"]}
        for owner in owners:
            self.canvas.restore_region(
                self._background, bbox=self._regions[owner]["rows"], xy=(0, 0)
            )
        self._draw_owners(owners)

    def _on_change(self, change) -> None:
        name = next(n for n, c in self.controls.items() if c is change["owner"])
        values = self.values
        if values == self._shown:  # e.g. a value echoed back by the browser: nothing to do
            return
        self._shown = values
        changed = self.update(**values)
        if self.renderer == "blit":
            self._redraw(changed)
            self.canvas.blit(self.fig.bbox)
            self.updates += 1
        elif name not in self.frame_controls:  # every frame changes
            self._redraw(changed)  # a full draw if the background changed
            self._render_frames()
        else:  # a frame control: the browser already shows the precomputed frame
            self._canvas_behind = True  # the artists moved, the canvas did not

    # -- frames renderer -----------------------------------------------------------------
    def _frame_values(self, name: str) -> list:
        """The values frame control ``name`` can take, in frame order: 0..max for a slider,
        the option values for a control with options (whose ``index`` picks the frame)."""
        control = self.controls[name]
        if hasattr(control, "options"):
            return [o[1] if isinstance(o, tuple) else o for o in control.options]
        return list(range(control.min, control.max + 1))

    def _frame_index(self, name: str) -> int:
        control = self.controls[name]
        return control.index if hasattr(control, "options") else control.value

    def _build_frames(self, widgets) -> None:
        if not self.frame_controls:
            raise ValueError(
                "the frames renderer needs frame_control, the name of a slider or a menu"
            )
        for name in self.frame_controls:
            control = self.controls.get(name)
            if control is None:
                raise ValueError(f"frame_control {name!r} is not one of the controls")
            if not hasattr(control, "options") and (
                control.min != 0 or getattr(control, "step", 1) != 1
            ):
                raise ValueError(f"frame_control {name!r} must be a slider from 0 in steps of 1")
        sizes = [len(self._frame_values(name)) for name in self.frame_controls]
        if math.prod(sizes) > MAX_FRAMES:
            raise ValueError(
                f"frame_control has {' x '.join(map(str, sizes))} = {math.prod(sizes)} "
                f"combinations, more than {MAX_FRAMES}: use renderer='blit'"
            )
        width, height = self.canvas.get_width_height()
        layout = {"width": f"{width}px", "height": f"{height}px"}
        self._images = {}  # combination of value indices -> Image, outermost control first
        self.frame_links = []

        def stack(level: int, prefix: tuple):
            name = self.frame_controls[level]
            control = self.controls[name]
            if level == len(self.frame_controls) - 1:
                children = []
                for i in range(sizes[level]):
                    self._images[(*prefix, i)] = widgets.Image(format="webp", layout=layout)
                    children.append(self._images[(*prefix, i)])
            else:
                children = [stack(level + 1, (*prefix, i)) for i in range(sizes[level])]
            box = widgets.Stack(children, selected_index=self._frame_index(name))
            trait = "index" if hasattr(control, "options") else "value"
            self.frame_links.append(widgets.jslink((control, trait), (box, "selected_index")))
            return box

        self.frames = stack(0, ())
        self._render_frames()

    def _render_frames(self) -> None:
        """Draw every combination of the frame controls (over the saved background) into
        images. The combinations the first (outermost) control reaches from where the others
        are now come first, so the picture is ready at once. In a running kernel the rest
        are drawn afterwards, a few at a time between messages (the explorer shows while
        they are drawn; a control moved meanwhile is still handled); elsewhere (a script, a
        test) they are all drawn here. ``finish_frames()`` draws whatever is left. Drawing
        goes with the first control changing fastest: the last ones (menus, buttons) change
        more of the picture and cost a full draw."""
        self._generation += 1
        now = tuple(self._frame_index(name) for name in self.frame_controls)
        order = sorted(self._images, key=lambda c: c[::-1])
        first = [c for c in order if c[1:] == now[1:]]
        self._pending = [c for c in order if c[1:] != now[1:]]
        self._render(first)
        self.updates += 1
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None:
            self.finish_frames()
        elif self._pending:
            loop.call_soon(self._render_pending, self._generation, loop)

    def _render(self, combinations: list, budget: float | None = None) -> None:
        """Draw combinations from the front of the list into their images (removing them
        from it), all of them or until ``budget`` seconds have passed; then draw the
        controls' own state again."""
        values = self.values
        options = [self._frame_values(name) for name in self.frame_controls]
        if self._canvas_behind:  # artists changed without a redraw: repaint them all first
            self._canvas_behind = False
            self._redraw(list(self._animated))
        t0 = time.perf_counter()
        while combinations and (budget is None or time.perf_counter() - t0 < budget):
            combination = combinations.pop(0)
            chosen = {
                name: options[k][i]
                for k, (name, i) in enumerate(zip(self.frame_controls, combination, strict=True))
            }
            self._redraw(self.update(**{**values, **chosen}))
            image = self._images[combination]
            image.value = frame_bytes(np.asarray(self.canvas.buffer_rgba()))
        self._redraw(self.update(**values))  # back to what the controls say

    def _render_pending(self, generation: int, loop) -> None:
        """Draw pending frames for about 150 ms, then let the kernel handle messages (the
        frame controls do not need it: the browser swaps what is already there)."""
        if generation != self._generation or not self._pending:
            return  # frames were started over (another control changed) or are done
        self._render(self._pending, budget=0.15)
        if self._pending:
            loop.call_later(0.002, self._render_pending, generation, loop)

    @property
    def frames_pending(self) -> int:
        """How many frames are still to be drawn (0 once every combination is ready)."""
        return len(self._pending)

    def finish_frames(self) -> None:
        """Draw every frame still pending, now."""
        if self._pending:
            self._render(self._pending)

    def frame(self, index=None) -> np.ndarray:
        """The RGBA pixels the page shows (frames renderer: for frame ``index``, default the
        one the controls select, decoded from the image that was sent; ``index`` is an int for
        one frame control, a tuple of indices for several; blit renderer: the canvas)."""
        if self.renderer != "frames":
            return np.asarray(self.canvas.buffer_rgba()).copy()
        if index is None:
            index = tuple(self._frame_index(name) for name in self.frame_controls)
        elif not isinstance(index, tuple):
            index = (index,)
        self.finish_frames()
        if index not in self._images:
            raise ValueError(f"index must pick one of the frames, e.g. {next(iter(self._images))}")
        from PIL import Image

        with Image.open(io.BytesIO(self._images[index].value)) as decoded:
            return np.asarray(decoded.convert("RGBA"), dtype=np.float32) / 255

    # -- blit renderer -------------------------------------------------------------------
    def _ipympl_canvas(self):
        backend = _ipympl_backend()
        canvas = backend.Canvas(self.fig)
        backend.FigureManager(canvas, 0)
        canvas.toolbar_visible = False
        canvas.header_visible = False
        canvas.footer_visible = False
        canvas.resizable = False
        canvas.get_diff_image = lambda: _full_png(canvas)
        canvas.send_binary = lambda png: _send_png(canvas, png)
        return canvas

    def on_click(self, axes, handler) -> None:
        """Call ``handler(row, col)`` with the data cell under a click on ``axes`` (blit
        renderer: the frames renderer shows pictures, which cannot be clicked)."""
        self._click_handlers[axes] = handler

    def _on_press(self, event) -> None:
        handler = self._click_handlers.get(event.inaxes)
        if handler is not None and event.xdata is not None and event.ydata is not None:
            handler(int(round(event.ydata)), int(round(event.xdata)))

    def click(self, axes, row: int, col: int) -> None:
        """Act as if the learner clicked cell (row, col) of ``axes``."""
        if axes not in self._click_handlers:
            raise ValueError("nothing happens on a click on these axes")
        self._click_handlers[axes](row, col)

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
