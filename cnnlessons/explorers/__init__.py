"""Explorers: widgets wired to one figure each, for the notebooks.

The engine is ``base`` (``Explorer``: frames of tiles, clicks), ``blitting`` (redraw only what
changed) and ``picture`` (the anywidget that paints frames in the page, ``picture.js``).
"""

from .base import MAX_FRAMES, RENDERERS, Explorer, finish_all
from .connections import ConnectionsExplorer, DependencyExplorer
from .convolution import OutputSizeExplorer, PhotoExplorer
from .parameters import ParameterCountExplorer, WeightMatrixExplorer
from .sliding_window import SlidingWindowExplorer

__all__ = [
    "MAX_FRAMES",
    "RENDERERS",
    "ConnectionsExplorer",
    "DependencyExplorer",
    "Explorer",
    "OutputSizeExplorer",
    "ParameterCountExplorer",
    "PhotoExplorer",
    "SlidingWindowExplorer",
    "WeightMatrixExplorer",
    "finish_all",
]
