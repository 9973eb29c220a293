"""Explorers: widgets wired to figures, for the notebooks (see ``base`` for the engine)."""

from .base import MAX_FRAMES, RENDERERS, Explorer
from .connections import ConnectionsExplorer, DependencyExplorer
from .convolution import OutputSizeExplorer, PhotoExplorer
from .learning import KernelLearningExplorer, LeastSquaresExplorer
from .parameters import ParameterCountExplorer, WeightMatrixExplorer
from .receptive import ERFExplorer, FeaturesExplorer, GrowthExplorer, StrideExplorer
from .sliding_window import SlidingWindowExplorer

__all__ = [
    "MAX_FRAMES",
    "RENDERERS",
    "ConnectionsExplorer",
    "DependencyExplorer",
    "ERFExplorer",
    "Explorer",
    "KernelLearningExplorer",
    "LeastSquaresExplorer",
    "FeaturesExplorer",
    "GrowthExplorer",
    "OutputSizeExplorer",
    "ParameterCountExplorer",
    "PhotoExplorer",
    "SlidingWindowExplorer",
    "StrideExplorer",
    "WeightMatrixExplorer",
]
