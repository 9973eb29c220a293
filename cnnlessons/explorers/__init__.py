"""Explorers: widgets wired to figures, for the notebooks (see ``base`` for the engine)."""

from .base import MAX_FRAMES, RENDERERS, Explorer
from .connections import ConnectionsExplorer, DependencyExplorer
from .convolution import OutputSizeExplorer, PhotoExplorer
from .parameters import ParameterCountExplorer, WeightMatrixExplorer
from .shift import AliasingExplorer, PoolingShiftExplorer, ShiftExplorer, StrideExplorer
from .sliding_window import SlidingWindowExplorer

__all__ = [
    "MAX_FRAMES",
    "RENDERERS",
    "AliasingExplorer",
    "ConnectionsExplorer",
    "DependencyExplorer",
    "Explorer",
    "OutputSizeExplorer",
    "ParameterCountExplorer",
    "PhotoExplorer",
    "PoolingShiftExplorer",
    "ShiftExplorer",
    "SlidingWindowExplorer",
    "StrideExplorer",
    "WeightMatrixExplorer",
]
