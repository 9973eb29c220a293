"""Explorers: widgets wired to figures, for the notebooks (see ``base`` for the engine)."""

from .base import MAX_FRAMES, RENDERERS, Explorer
from .connections import ConnectionsExplorer, DependencyExplorer
from .convolution import OutputSizeExplorer, PhotoExplorer
from .efficiency import EfficiencyExplorer
from .parameters import ParameterCountExplorer, WeightMatrixExplorer
from .sliding_window import SlidingWindowExplorer

__all__ = [
    "MAX_FRAMES",
    "RENDERERS",
    "ConnectionsExplorer",
    "DependencyExplorer",
    "EfficiencyExplorer",
    "Explorer",
    "OutputSizeExplorer",
    "ParameterCountExplorer",
    "PhotoExplorer",
    "SlidingWindowExplorer",
    "WeightMatrixExplorer",
]
