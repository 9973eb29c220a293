"""Showing a figure in a notebook: ``show(draw, ...)`` in one line, as a PNG with a text
alternative (no widgets).

A figure's text alternative (``alt_text``) is what its drawing function says it shows and what
to look for (the function's ``alt`` attribute, put on the figure by ``show``), followed by
what the figure's own titles, axis labels and legends say. The figure shows itself as an HTML
``<img alt="...">`` of its PNG (screen readers, the web edition) beside the plain PNG.
"""

from __future__ import annotations

import base64
import html
import io

import matplotlib as mpl
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure, FigureBase

from cnnlessons import _checks
from cnnlessons.figures.style import RC

__all__ = [
    "DRAWS_ON",
    "StaticFigure",
    "alt_text",
    "check_axes",
    "check_figure",
    "draws_on_figure",
    "new_figure",
    "show",
]


def check_axes(ax, name: str = "ax") -> Axes:
    """``ax`` if it is a matplotlib ``Axes``; else a TypeError naming the argument."""
    return _checks.instance(ax, name, Axes, "a matplotlib Axes (e.g. fig.add_subplot())")


def check_figure(fig, name: str = "fig") -> FigureBase:
    """``fig`` if it is a matplotlib figure (or subfigure); else a TypeError naming it."""
    return _checks.instance(fig, name, FigureBase, "a matplotlib Figure (e.g. new_figure())")


class StaticFigure(Figure):
    """A matplotlib figure that shows itself as a PNG when it is the last expression of a
    notebook cell (a plain ``Figure`` made without pyplot would show only its ``repr``).
    ``figsize`` is checked (at most ``MAX_FIGURE_INCHES`` a side), ``dpi`` too (1 to 600)."""

    def __init__(self, figsize=None, dpi=None, **kwargs):
        if figsize is not None:
            figsize = _size(figsize)
        if dpi is not None:
            dpi = _checks.real(dpi, "dpi", finite=True, minimum=1.0, maximum=600.0)
        super().__init__(figsize=figsize, dpi=dpi, **kwargs)

    #: what the figure shows and what to look for (``show`` sets it from the drawing
    #: function's ``alt``); ``alt_text`` adds what its titles and labels say
    alt = ""

    def _repr_png_(self) -> bytes:
        if not isinstance(self.canvas, FigureCanvasAgg):
            FigureCanvasAgg(self)
        with mpl.rc_context(RC), io.BytesIO() as buf:
            self.savefig(buf, format="png")
            return buf.getvalue()

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        """The PNG, the same PNG as an ``<img>`` with its text alternative (what JupyterLab,
        Voilà and an HTML export show), and the text alone."""
        png, alt = self._repr_png_(), alt_text(self)
        width = int.from_bytes(png[16:20], "big")  # the PNG's IHDR: shown at its own size
        src = base64.b64encode(png).decode("ascii")
        img = (f'<img src="data:image/png;base64,{src}" alt="{html.escape(alt)}" '
               f'width="{width}" style="max-width:100%;height:auto">')  # fmt: skip
        return {"text/html": img, "image/png": png, "text/plain": alt}


def _summary(fig) -> str:
    """What a figure's own words say: its title and texts, each panel's title, axis labels
    and legend (panels that say the same are named once)."""
    parts = [fig.get_suptitle()] if hasattr(fig, "get_suptitle") else []
    panels = []
    for ax in fig.axes:
        words = [ax.get_title(loc) for loc in ("left", "center", "right")]
        if ax.get_xlabel() or ax.get_ylabel():
            words.append(f"{ax.get_ylabel() or 'values'} against {ax.get_xlabel() or 'position'}")
        legend = ax.get_legend()
        if legend is not None:
            words.append("lines: " + ", ".join(t.get_text() for t in legend.get_texts()))
        panel = "; ".join(" ".join(w.split()) for w in words if w and w.strip())
        if panel and panel not in panels:
            panels.append(panel)
    parts += [t.get_text() for t in fig.texts if t.get_visible()]
    if panels:
        parts.append(f"{'Panels' if len(panels) > 1 else 'Panel'}: " + " | ".join(panels[:16]))
    return " ".join(" ".join(p.split()) for p in parts if p and p.strip())


def alt_text(fig) -> str:
    """The text alternative of ``fig``: its ``alt`` (what it shows, what to look for), then
    what its titles, labels and legends say; never empty for a figure with any words."""
    from cnnlessons.figures.grids import said

    check_figure(fig)
    text = said(getattr(fig, "alt", "") or "", _summary(fig))
    return text or "A figure of the lesson."


def new_figure(figsize=(9.4, 3.0)) -> StaticFigure:
    """A figure for a lesson, laid out with constrained layout (draw on it inside
    ``matplotlib.rc_context(style.RC)`` for the series' fonts)."""
    return StaticFigure(figsize=_size(figsize), layout="constrained")


#: how a drawing function says it wants the whole figure rather than one axes
DRAWS_ON = ("axes", "figure")


def _size(figsize) -> tuple[float, float]:
    """(width, height) in inches, each > 0 and at most ``MAX_FIGURE_INCHES``."""
    return _checks.figsize(figsize, "figsize")


def show(draw, *args, figsize=(9.4, 3.4), target=None, **kwargs) -> StaticFigure:
    """A new figure, in the series' style, with ``draw(target, *args, **kwargs)`` on it;
    it shows itself as a PNG when it is the last expression of a notebook cell.

    ``target`` is one axes filling the figure (e.g. for ``connections_plot``) unless
    ``draw`` says it draws on a whole figure (its attribute ``draws_on = "figure"``, as
    ``weight_matrices_figure`` and ``flip_figure`` have) or the call says
    ``target="figure"`` (or ``"axes"``). So a lesson shows a figure in one short line:
    ``show(connections_plot, [8, 32, 128], k=9)``.
    """
    if not callable(draw):
        raise TypeError(f"draw must be a drawing function, e.g. connections_plot, got {draw!r}")
    size = _size(figsize)
    if target is None:
        target = getattr(draw, "draws_on", "axes")
    if not isinstance(target, str) or target not in DRAWS_ON:
        raise ValueError(f"target must be 'axes' or 'figure', got {target!r}")
    with mpl.rc_context(RC):
        fig = new_figure(size)
        draw(fig if target == "figure" else fig.add_subplot(), *args, **kwargs)
    fig.alt = getattr(draw, "alt", "") or ""
    return fig


def draws_on_figure(draw):
    """Mark a drawing function (or figure class) as one that takes the whole figure, so
    ``show`` passes it the figure instead of one axes."""
    _checks.function(draw, "draw")
    draw.draws_on = "figure"
    return draw
