"""Figures shared by every lesson: numerics drawn on matplotlib axes (no widgets).

- ``style``: the series' visual language (colours, fonts, lines, colormaps, contrast);
- ``grids``: number grids, framed axes, highlights;
- ``display``: ``show(draw, ...)`` and ``StaticFigure``, a figure that shows itself as a PNG.

Each lesson's own figures are in ``cnnlessons.lessonNN.figures``. Each figure is drawn once;
its methods change a few artists in place and return them, so an explorer redraws only those.
"""
