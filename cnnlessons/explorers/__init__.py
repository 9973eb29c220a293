"""Explorers: widgets wired to figures, for the notebooks (see ``base`` for the engine)."""

from .base import MAX_FRAMES, RENDERERS, Explorer
from .channels import ChannelsExplorer
from .connections import ConnectionsExplorer, DependencyExplorer
from .convolution import OutputSizeExplorer, PhotoExplorer
from .parameters import ParameterCountExplorer, WeightMatrixExplorer
from .sliding_window import SlidingWindowExplorer

__all__ = [
    "MAX_FRAMES",
    "RENDERERS",
    "ChannelsExplorer",
    "ConnectionsExplorer",
    "DependencyExplorer",
    "Explorer",
    "OutputSizeExplorer",
    "ParameterCountExplorer",
    "PhotoExplorer",
    "SlidingWindowExplorer",
    "WeightMatrixExplorer",
]
