"""Explorers: widgets wired to figures, for the notebooks (see ``base`` for the engine)."""

from .base import MAX_FRAMES, RENDERERS, Explorer
from .convolution import OutputSizeExplorer, PhotoExplorer
from .sliding_window import SlidingWindowExplorer

__all__ = [
    "MAX_FRAMES",
    "RENDERERS",
    "Explorer",
    "OutputSizeExplorer",
    "PhotoExplorer",
    "SlidingWindowExplorer",
]
