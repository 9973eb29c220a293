"""``Explorer``: controls (ipywidgets) wired to a figure whose frames the page paints.

Every explorer builds its matplotlib figure **once** and, for each combination of its
controls' values, changes its artists in place (``update`` returns the ones that changed).
The figure is drawn at ``scale`` x its size (sharp on a HiDPI screen or a projector zoom);
each combination becomes a *frame* of PNG tiles (``tiles``), which the page's ``Picture``
paints when its controls select it: a frame already drawn appears without asking the kernel.
Which frames are drawn, and when: ``renderers``; how the page asks: ``protocol``.

This class is a facade over the parts: ``controls.ControlSpace`` (values and frame keys),
``drawing.Drawing`` (the figure and the canvas as tiles), ``frames.FrameSet`` (drawing,
answering, drawing ahead), ``protocol.Page``, ``clicks.ClickTables`` and the renderer.

Construction has no ordering trap: a subclass may set its state before or after calling
``super().__init__(controls, ...)``. The figure is built on first use (``fig``, ``picture``,
``on_click``, an attribute ``build`` makes such as ``view``, ...) and at the latest when the
outermost ``__init__`` returns (``__init_subclass__`` wraps each subclass's ``__init__``), so
``build`` sees everything ``__init__`` set before it first used the figure.
"""

from __future__ import annotations

import functools

import matplotlib as mpl

from ..figures import style
from . import live
from .clicks import ClickTables
from .controls import ControlSpace
from .drawing import Drawing
from .frames import FrameSet
from .inspection import Inspection
from .protocol import Page, parse_need
from .renderers import renderer as _renderer
from .tiles import TileStore

__all__ = ["Explorer"]

_BUILT_WITHOUT_FIGURE = ("_space", "_clicks", "_parts", "_building")


class Explorer(Inspection):
    """Base of every explorer.

    Subclasses implement ``build(fig)`` (draw the figure once; call ``self.animate`` on the
    artists that will change), ``update(**values)`` (apply the controls' values to the
    artists, return the artists that changed) and ``describe(**values)`` (the frame's text
    alternative, with the numbers it shows), and pass to ``__init__`` their controls (a
    dict name -> ipywidget: sliders, menus, toggle buttons; each an ``IntSlider`` or a
    control with ``options``), the renderer and, for ``"frames"``, the frame controls: the
    name of one, or a tuple of names (the one moved most first; every combination of their
    values is drawn, at most ``MAX_FRAMES``). ``on_click(axes, handler)`` makes clicks on
    ``axes`` set controls, in the browser.

    Inspection (tests, benchmarks, the site builder): ``controls``, ``values``, ``raws``,
    ``key``, ``key_of``, ``raw_range``, ``frame``, ``frame_text``, ``frame_keys``, ``frame_tiles``,
    ``tile_bytes``, ``frames_pending``, ``updates``, ``dom_id``, ``click_regions``,
    ``click_axes``, ``request`` (what a page's request does), ``lock``.
    """

    figsize = (9.4, 3.4)
    dpi = 100  #: CSS pixels per inch
    scale = 2  #: canvas pixels per CSS pixel: frames are sharp at 2x device pixel ratio
    #: controls that only repeat another control's value in the browser (a ``Play``
    #: ``jslink``-ed to a slider): shown and named like the others, but never observed and
    #: not passed to ``update``, so a step of the animation is one redraw, not two
    mirrors: tuple = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None:
            return

        @functools.wraps(init)
        def __init__(self, *args, **kw):
            depth = self.__dict__.get("_init_depth", 0)
            self.__dict__["_init_depth"] = depth + 1
            try:
                init(self, *args, **kw)
            finally:
                self.__dict__["_init_depth"] = depth
            if depth == 0:
                self._start()

        # what introspection reads of the subclass's own signature (wraps copies the rest)
        __init__.__defaults__ = init.__defaults__
        __init__.__kwdefaults__ = init.__kwdefaults__
        cls.__init__ = __init__

    def __init__(
        self,
        controls: dict,
        *,
        renderer: str = "frames",
        frame_control: str | tuple | None = None,
    ):
        rendering = _renderer(renderer)
        if frame_control is not None and not isinstance(frame_control, (str, tuple, list)):
            raise TypeError("frame_control must be a control's name or a tuple of names")
        self.renderer = rendering.name
        self.controls = dict(controls) if isinstance(controls, dict) else controls
        self._space = ControlSpace(self.controls, self.mirrors)
        #: the controls whose every combination the frames renderer draws
        self.frame_controls = (
            (frame_control,) if isinstance(frame_control, str) else tuple(frame_control or ())
        )
        for name in self.frame_controls:
            if name not in self._space.names:
                raise ValueError(f"frame_control {name!r} is not one of the controls")
        rendering.check(self._space, self.frame_controls)
        self._rendering = rendering
        self._animated: list = []
        self._clicks = ClickTables(self._space)
        self._parts = None  # the figure and what draws it, once built
        self._building = False
        self._started = False
        self._shown = None
        self._number = live.number()
        #: a CSS class naming this explorer on the page (browser tests find it by it)
        self.dom_id = f"cnnl-explorer-{self._number}"
        for name in self._space.names:
            self.controls[name].observe(self._on_change, names="value")
        if type(self).__init__ is Explorer.__init__:  # made directly, not by a subclass
            if type(self).build is Explorer.build or type(self).update is Explorer.update:
                raise TypeError(
                    "Explorer is a base class: subclass it and define build(fig) and "
                    "update(**controls) (see the lessons' explorers)"
                )
            self._start()

    # -- construction --------------------------------------------------------------------
    def _build(self) -> None:
        """Build the figure, draw it once, and the frames the renderer wants before display."""
        from .picture import Picture

        self._building = True
        try:
            store = TileStore()
            with mpl.rc_context(style.RC):
                size, dpi = self.figsize, self.dpi * self.scale
                hooks = (self.update, self._animated, self.describe, self.value_text)
                drawing = Drawing(size, dpi, store, *hooks)
                self.build(drawing.fig)
                self._shown = self._space.values()
                drawing.first_draw(self._shown)
                height, width = drawing.size
                picture = Picture(
                    width=width,
                    height=height,
                    scale=self.scale,
                    label=(type(self).__doc__ or type(self).__name__).strip().split("\n")[0],
                    controls=[self._space.spec(n) for n in self._space.names],
                )
                picture.on_msg(self._on_msg)
                page = Page(picture, store)
                frames = FrameSet(
                    self._space, self._rendering, self.frame_controls, drawing, store, page
                )
                store.frames[self._space.key()] = drawing.tiles()
                store.texts[self._space.key()] = drawing.text(self._shown)
                store.valuetexts[self._space.key()] = drawing.values_said(self._shown)
                frames.plan()
                frames.draw_queue(budget=self._rendering.budget())
                page.sync()
            picture.add_class("cnnl-picture")
            self._parts = (drawing, frames, picture)
        finally:
            self._building = False

    def _ready(self):
        """(drawing, frames, picture), built now if not yet."""
        if self._parts is None:
            if self._building:
                raise RuntimeError("the explorer's figure is used while it is being built")
            self._build()
        return self._parts

    def _start(self) -> None:
        """The end of construction: the figure built, the widget made, frames drawn ahead."""
        if self._started:
            return
        import ipywidgets as widgets

        drawing, frames, picture = self._ready()
        for name, control in self.controls.items():
            control.add_class(f"cnnl-control-{name}")
        self.widget = widgets.VBox(
            [
                widgets.HBox(list(self.controls.values()), layout={"flex_flow": "row wrap"}),
                picture,
            ]
        )
        for css in ("cnnl-explorer", self.dom_id, f"cnnl-{type(self).__name__}"):
            self.widget.add_class(css)
        self._started = True
        live.register(self, self._number)
        with frames.lock:
            frames.schedule()

    def __getattr__(self, name: str):
        # an attribute ``build`` makes (``view``...), asked for before the figure is built
        if name.startswith("_") or any(n not in self.__dict__ for n in _BUILT_WITHOUT_FIGURE):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        if self._parts is None and not self._building:
            self._ready()
            return getattr(self, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # -- what subclasses provide -------------------------------------------------------
    def build(self, fig) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def update(self, **values) -> list:  # pragma: no cover - abstract
        raise NotImplementedError

    def describe(self, **values) -> str:
        """The text alternative of the frame for ``values`` (the same keyword arguments as
        ``update``, called right after it for the same values, so it may read what ``update``
        set): sentences with the numbers the frame shows. The base class's is empty."""
        return ""

    def value_text(self, name: str, values: dict) -> str:
        """What control ``name``'s value means for ``values`` (all, as ``describe`` gets them,
        called after it): "stride 2: output 4 × 4". By default the label and the value shown."""
        label = (getattr(self.controls[name], "description", "") or name).strip()
        return f"{label} {self._space.shown(name, values[name])}"

    def animate(self, *artists) -> None:
        """Declare artists that change with the controls: they are left out of the saved
        background and redrawn on every update."""
        for artist in artists:
            if not hasattr(artist, "set_animated"):
                raise TypeError(f"artists must be matplotlib artists, got {artist!r}")
            if artist not in self._animated:
                artist.set_animated(True)
                self._animated.append(artist)

    # -- the parts -----------------------------------------------------------------------
    @property
    def fig(self):
        return self._ready()[0].fig

    @property
    def canvas(self):
        return self._ready()[0].canvas

    @property
    def blitter(self):
        return self._ready()[0].blitter

    @property
    def picture(self):
        """The ``Picture`` widget (the page's canvas)."""
        return self._ready()[2]

    def finish_frames(self) -> None:
        """Draw every frame still pending, now, and put them in the widget's state (what a
        static export shows). For "blit", whose frames are never all drawn (so a static page
        cannot move its controls), the state gets the frame the controls select, no more."""
        self._ready()[1].finish()

    # -- changes -------------------------------------------------------------------------
    def _on_change(self, change) -> None:
        if self._parts is None or self._clicks.recording:
            return  # not built yet (it is built from the values then), or recording a click
        frames = self._parts[1]
        with frames.lock:
            values = self._space.values()
            if values == self._shown:  # e.g. a value echoed back by the browser
                return
            self._shown = values
            name = next(n for n, c in self.controls.items() if c is change["owner"])
            frames.moved_control(name, change)

    def _on_msg(self, widget, content, buffers) -> None:
        need = parse_need(content)
        if need is not None:
            frames = self._ready()[1]
            with frames.lock:
                frames.answer(*need)

    # -- clicks --------------------------------------------------------------------------
    def on_click(self, axes, handler) -> None:
        """Make a click on a data cell (row, col) of ``axes`` call ``handler(row, col)``,
        which sets controls. On the page the click is answered in the browser: the handler
        is run here for every cell once, and what it sets goes to the page as a table."""
        drawing, frames, picture = self._ready()
        with frames.lock:
            region = self._clicks.add(axes, handler, drawing.size[0])
            picture.clicks = [*picture.clicks, region]

    def click(self, axes, row: int, col: int) -> None:
        """Act as if the learner clicked cell (row, col) of ``axes``."""
        self._clicks.click(axes, row, col)

    def _repr_mimebundle_(self, **kwargs):
        self._start()
        return self.widget._repr_mimebundle_(**kwargs)
