"""Explorers: widgets wired to figures, for the notebooks (see ``base`` for the engine)."""

from .base import MAX_FRAMES, RENDERERS, Explorer
from .connections import ConnectionsExplorer, DependencyExplorer
from .convolution import OutputSizeExplorer, PhotoExplorer
from .learning import KernelLearningExplorer, LeastSquaresExplorer
from .parameters import ParameterCountExplorer, WeightMatrixExplorer
from .sliding_window import SlidingWindowExplorer

__all__ = [
    "MAX_FRAMES",
    "RENDERERS",
    "ConnectionsExplorer",
    "DependencyExplorer",
    "Explorer",
    "KernelLearningExplorer",
    "LeastSquaresExplorer",
    "OutputSizeExplorer",
    "ParameterCountExplorer",
    "PhotoExplorer",
    "SlidingWindowExplorer",
    "WeightMatrixExplorer",
]
