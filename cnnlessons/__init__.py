"""cnnlessons: the helper package of the "Why convolutions?" notebook series.

Layers, lowest first (nothing lower imports anything higher):

- numerics, numpy in and out, never plotting: ``conv`` (conv2d, pooling, shifts, sizes),
  ``counting`` (parameters, connections, operations), ``matrices`` (a layer as a matrix),
  ``receptive`` (receptive fields), ``images`` (example inputs and kernels);
- ``style`` and ``figures`` (a package: shared primitives, one module per topic): draw
  numerics on matplotlib axes;
- ``explorers``: widgets wired to figures, for the notebooks.

The numerics are importable straight from the package: ``from cnnlessons import conv2d``.
The higher layers load on first use, so ``import cnnlessons as cl; cl.figures.show`` works
without importing matplotlib's figures (or ipywidgets) for a learner who only computes.
"""

import importlib as _importlib

from .conv import (
    avg_pool2d,
    binomial_filter,
    blur_pool2d,
    conv2d,
    convolve2d,
    fits_evenly,
    max_pool2d,
    output_size,
    shift,
)
from .counting import (
    OpCount,
    conv_connections,
    conv_ops,
    conv_params,
    dense_connections,
    dense_ops,
    dense_params,
    locally_connected_params,
    tiled_params,
)
from .images import KERNELS, checkerboard, edge_example, grace_hopper, kernel, step_edge
from .matrices import conv_matrix, count_parameters, weight_indices
from .receptive import ReceptiveField, measured_receptive_field, receptive_field

__version__ = "0.1.0"

__all__ = [
    "KERNELS",
    "OpCount",
    "ReceptiveField",
    "avg_pool2d",
    "binomial_filter",
    "blur_pool2d",
    "checkerboard",
    "conv2d",
    "conv_connections",
    "conv_matrix",
    "conv_ops",
    "conv_params",
    "convolve2d",
    "count_parameters",
    "dense_connections",
    "dense_ops",
    "dense_params",
    "edge_example",
    "fits_evenly",
    "grace_hopper",
    "kernel",
    "locally_connected_params",
    "max_pool2d",
    "measured_receptive_field",
    "output_size",
    "receptive_field",
    "shift",
    "step_edge",
    "tiled_params",
    "weight_indices",
]

_SUBMODULES = ("figures", "explorers", "exercises", "style", "diagrams", "matrix_figures")


def __getattr__(name):
    """``cl.figures``, ``cl.explorers``, ...: import the layer on first use."""
    if name in _SUBMODULES:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
