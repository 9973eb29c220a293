"""Showing a figure in a notebook: ``show(draw, ...)`` in one line, as a PNG (no widgets)."""

from __future__ import annotations

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

    def _repr_png_(self) -> bytes:
        if not isinstance(self.canvas, FigureCanvasAgg):
            FigureCanvasAgg(self)
        with mpl.rc_context(RC), io.BytesIO() as buf:
            self.savefig(buf, format="png")
            return buf.getvalue()


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
    return fig


def draws_on_figure(draw):
    """Mark a drawing function (or figure class) as one that takes the whole figure, so
    ``show`` passes it the figure instead of one axes."""
    _checks.function(draw, "draw")
    draw.draws_on = "figure"
    return draw
