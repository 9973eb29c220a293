"""Figures: numerics drawn on matplotlib axes (no widgets, never ipywidgets or explorers).

Shared primitives, then one module per topic of the lessons:

- ``grids``: number grids, framed axes, highlights (every lesson);
- ``display``: ``show(draw, ...)`` and ``StaticFigure``, a figure that shows itself as a PNG;
- ``convolution``: lesson 01 (the sliding window, a kernel on a photo, output sizes, the flip
  of true convolution);
- ``connections``: lesson 02 (connection diagrams, the dependency of one output, counts);
- ``matrices``: lesson 03 (a layer as a weight matrix);
- ``parameters``: lesson 03 (parameters as the image grows, dense against conv for one layer);
- ``channels``: lesson 03 (a filter across the input's channels);
- ``efficiency``: lesson 04 (counted and measured cost, real networks);
- ``learning``: lesson 05 (learning a kernel, least squares, few examples);
- ``receptive``: lesson 06 (receptive fields, the effective field, features);
- ``shift``: lessons 07 and 08 (shifted inputs, pooling, aliasing).

The lesson modules are imported by name: ``from cnnlessons.figures import shift as fs``.

Each figure is drawn once; its methods change a few artists in place and return them, so an
explorer redraws only those. Every public name is importable from here:
``from cnnlessons.figures import show, NumberGrid, SlidingWindowFigure``.
"""

from .connections import (
    CONNECTION_KINDS,
    SIDES,
    ConnectionDiagram,
    DependencyFigure,
    connections_plot,
)
from .convolution import OutputSizeFigure, PhotoFigure, SlidingWindowFigure, flip_figure
from .display import DRAWS_ON, StaticFigure, draws_on_figure, new_figure, show
from .grids import ROLES, NumberGrid, fmt_number, frame_axes, highlight, move_highlight
from .matrices import (
    KIND_LABELS,
    KIND_NOTES,
    PARAMETER_PALETTE,
    WeightMatrix,
    WeightMatrixFigure,
    draw_weight_matrix,
    kind_label,
    layer_blocks,
    parameter_colors,
    weight_matrices_figure,
)
from .parameters import ParameterCountFigure, param_growth_plot

__all__ = [
    "CONNECTION_KINDS",
    "DRAWS_ON",
    "KIND_LABELS",
    "KIND_NOTES",
    "PARAMETER_PALETTE",
    "ROLES",
    "SIDES",
    "ConnectionDiagram",
    "DependencyFigure",
    "NumberGrid",
    "OutputSizeFigure",
    "ParameterCountFigure",
    "PhotoFigure",
    "SlidingWindowFigure",
    "StaticFigure",
    "WeightMatrix",
    "WeightMatrixFigure",
    "connections_plot",
    "draw_weight_matrix",
    "draws_on_figure",
    "flip_figure",
    "fmt_number",
    "frame_axes",
    "highlight",
    "kind_label",
    "layer_blocks",
    "move_highlight",
    "new_figure",
    "param_growth_plot",
    "parameter_colors",
    "show",
    "weight_matrices_figure",
]
