"""Showing a figure in a notebook: ``show(draw, ...)`` in one line, as a PNG (no widgets)."""

from __future__ import annotations

import io
import numbers

import matplotlib as mpl
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from cnnlessons.figures.style import RC

__all__ = ["DRAWS_ON", "StaticFigure", "draws_on_figure", "new_figure", "show"]


class StaticFigure(Figure):
    """A matplotlib figure that shows itself as a PNG when it is the last expression of a
    notebook cell (a plain ``Figure`` made without pyplot would show only its ``repr``)."""

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
    if not (
        isinstance(figsize, (tuple, list))
        and len(figsize) == 2
        and all(
            isinstance(v, numbers.Real) and not isinstance(v, (bool, np.bool_)) for v in figsize
        )
        and all(np.isfinite(float(v)) and float(v) > 0 for v in figsize)
    ):
        raise ValueError(
            f"figsize must be (width, height) in inches, both numbers > 0, got {figsize!r}"
        )
    return float(figsize[0]), float(figsize[1])


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
    draw.draws_on = "figure"
    return draw
