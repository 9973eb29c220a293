"""Explorers: widgets wired to one figure each, for the notebooks.

The engine is ``cnnlessons.engine`` (``Explorer``: frames of tiles, clicks; see its modules),
with ``blitting`` (redraw only what changed) and ``picture`` (the anywidget that paints frames
in the page, ``picture.js``).
"""

from .base import MAX_FRAMES, RENDERERS, Explorer, finish_all
from .channels import ChannelsExplorer
from .connections import ConnectionsExplorer, DependencyExplorer
from .convolution import OutputSizeExplorer, PhotoExplorer
from .efficiency import EfficiencyExplorer
from .learning import KernelLearningExplorer, LeastSquaresExplorer
from .parameters import ParameterCountExplorer, WeightMatrixExplorer
from .receptive import ERFExplorer, FeaturesExplorer, GrowthExplorer, StridePlacementExplorer
from .shift import AliasingExplorer, PoolingShiftExplorer, ShiftExplorer, StrideShiftExplorer
from .sliding_window import SlidingWindowExplorer

__all__ = [
    "MAX_FRAMES",
    "RENDERERS",
    "AliasingExplorer",
    "ChannelsExplorer",
    "ConnectionsExplorer",
    "DependencyExplorer",
    "ERFExplorer",
    "EfficiencyExplorer",
    "Explorer",
    "FeaturesExplorer",
    "GrowthExplorer",
    "KernelLearningExplorer",
    "LeastSquaresExplorer",
    "OutputSizeExplorer",
    "ParameterCountExplorer",
    "PhotoExplorer",
    "PoolingShiftExplorer",
    "ShiftExplorer",
    "SlidingWindowExplorer",
    "StridePlacementExplorer",
    "StrideShiftExplorer",
    "WeightMatrixExplorer",
    "finish_all",
]
