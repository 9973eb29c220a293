"""The explorer engine: controls (ipywidgets) wired to a figure that answers in a frame or two.

Every explorer builds its matplotlib figure **once** and, on each control change, changes its
artists in place (``update`` returns the ones that changed). How the new picture reaches the
page is the renderer's job; two were chosen by measurement (``make bench-explorers``):

``"frames"`` (default for sliders with few positions)
    Every position of the frame control is drawn once, ahead of time, into a PNG; the PNGs sit
    in an ``ipywidgets.Stack`` whose ``selected_index`` is ``jslink``-ed to the slider. Moving
    the slider swaps the picture in the browser without asking the kernel: the only path that
    stays under two frames (33 ms) on a busy 2-core machine. Other controls (a kernel menu)
    redraw the frames in the kernel.

``"blit"`` (when the learner clicks on the picture, or a control has too many positions)
    An ipympl canvas: the figure lives in the kernel, mouse clicks come back to Python, and
    each change restores a saved background, redraws only the changed (animated) artists and
    sends the new picture (``canvas.blit``), never laying out or drawing the figure again.

Either way the arrays behind the picture are in Python, and setting
``explorer.controls[name].value`` runs the same update a slider does, so tests can drive an
explorer without a browser.
"""

from __future__ import annotations

import base64
import io
import itertools
import math
import sys

import matplotlib as mpl
import matplotlib.text as mtext
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from .. import _checks, style

RENDERERS = ("frames", "blit")
MAX_FRAMES = 64  # more positions than this: use the "blit" renderer
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
    (a dict name -> ipywidget) and, for the frames renderer, the name of the frame control
    (an ``IntSlider`` or ``Play`` starting at 0 in steps of 1).
    """

    figsize = (9.4, 3.4)
    dpi = 100
    #: controls that only repeat another control's value in the browser (a ``Play``
    #: ``jslink``-ed to a slider): shown and named like the others, but never observed and
    #: not passed to ``update``, so a step of the animation is one redraw, not two
    mirrors: tuple = ()

    def __init__(
        self, controls: dict, *, renderer: str = "frames", frame_control: str | None = None
    ):
        import ipywidgets as widgets

        self.renderer = _checks.choice(renderer, "renderer", RENDERERS)
        self.controls = dict(controls)
        self.frame_control = frame_control
        self._animated: list = []
        self._click_handlers: dict = {}
        self._laying_out = False
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
        elif name != self.frame_control:  # e.g. another kernel: every frame changes
            self._redraw(changed)  # a full draw if the background changed
            self._render_frames()
        # frames renderer, frame control: the browser already shows the precomputed frame

    # -- frames renderer -----------------------------------------------------------------
    def _frame_values(self) -> list:
        """The values the frame control can take, in frame order: 0..max for a slider, the
        option values for a menu or toggle buttons (whose ``index`` picks the frame)."""
        control = self.controls[self.frame_control]
        if hasattr(control, "options"):
            return [o[1] if isinstance(o, tuple) else o for o in control.options]
        return list(range(control.min, control.max + 1))

    def _frame_index(self) -> int:
        control = self.controls[self.frame_control]
        return control.index if hasattr(control, "options") else control.value

    def _build_frames(self, widgets) -> None:
        control = self.controls.get(self.frame_control)
        if control is None:
            raise ValueError(
                "the frames renderer needs frame_control, the name of a slider or a menu"
            )
        selection = hasattr(control, "options")
        if not selection and (control.min != 0 or getattr(control, "step", 1) != 1):
            raise ValueError("frame_control must be a slider from 0 in steps of 1")
        if len(self._frame_values()) > MAX_FRAMES:
            raise ValueError(
                f"frame_control has more than {MAX_FRAMES} positions: use renderer='blit'"
            )
        width, height = self.canvas.get_width_height()
        self._images = [
            widgets.Image(format="png", layout={"width": f"{width}px", "height": f"{height}px"})
            for _ in self._frame_values()
        ]
        self.frames = widgets.Stack(self._images, selected_index=self._frame_index())
        self.frame_link = widgets.jslink(
            (control, "index" if selection else "value"), (self.frames, "selected_index")
        )
        self._render_frames()

    def _render_frames(self) -> None:
        """Draw every position of the frame control (over the saved background) into PNGs."""
        values = self.values
        for value, image in zip(self._frame_values(), self._images, strict=True):
            self._redraw(self.update(**{**values, self.frame_control: value}))
            image.value = png_bytes(np.asarray(self.canvas.buffer_rgba()))
        self._redraw(self.update(**values))  # back to what the controls say
        self.updates += 1

    def frame(self, index: int | None = None) -> np.ndarray:
        """The RGBA pixels the page shows (frames renderer: for frame ``index``, default the
        current one, decoded from the PNG that was sent; blit renderer: the canvas)."""
        if self.renderer != "frames":
            return np.asarray(self.canvas.buffer_rgba()).copy()
        index = self._frame_index() if index is None else index
        return mpl.image.imread(io.BytesIO(self._images[index].value), format="png")

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
