"""cnnlessons: the helper package of the "Why convolutions?" notebook series.

Layers, lowest first (nothing lower imports anything higher):

- numerics, numpy in and out, never plotting: ``geometry`` (span, output size, padding,
  shared by every sliding window), ``conv`` (conv2d, shifts), ``pooling`` (max, average,
  global and blur pooling), ``counting`` (parameters, connections, operations),
  ``matrices`` (a layer as a matrix), ``receptive`` (receptive fields), ``images`` (example
  inputs and kernels);
- ``style`` and ``figures`` (a package: shared primitives, one module per topic): draw
  numerics on matplotlib axes;
- ``explorers``: widgets wired to figures, for the notebooks.

The numerics are importable straight from the package: ``from cnnlessons import conv2d``.

Bad arguments get a ``ValueError`` or ``TypeError`` naming the argument, before anything
large is allocated: arrays the numerics make hold at most ``MAX_ELEMENTS`` values, matrices
``MAX_MATRIX_ENTRIES`` entries, binomial filters ``MAX_BINOMIAL_SIZE`` taps and measured
receptive fields an input of ``MAX_MEASURED_INPUT`` pixels. NaN and inf in an input
propagate to every output that depends on them, as in PyTorch.

The higher layers load on first use, so ``import cnnlessons as cl; cl.figures.show`` works
without importing matplotlib's figures (or ipywidgets) for a learner who only computes.
"""

import importlib as _importlib

from ._checks import MAX_ELEMENTS
from .conv import conv2d, convolve2d, shift
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
from .geometry import fits_evenly, output_size, span
from .images import KERNELS, checkerboard, edge_example, grace_hopper, kernel, step_edge
from .matrices import MAX_MATRIX_ENTRIES, conv_matrix, count_parameters, weight_indices
from .pooling import (
    MAX_BINOMIAL_SIZE,
    avg_pool2d,
    binomial_filter,
    blur_pool2d,
    global_avg_pool,
    global_max_pool,
    max_pool2d,
)
from .receptive import (
    MAX_MEASURED_INPUT,
    ReceptiveField,
    measured_receptive_field,
    receptive_field,
)

__version__ = "0.1.0"

__all__ = [
    "KERNELS",
    "MAX_BINOMIAL_SIZE",
    "MAX_ELEMENTS",
    "MAX_MATRIX_ENTRIES",
    "MAX_MEASURED_INPUT",
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
    "global_avg_pool",
    "global_max_pool",
    "grace_hopper",
    "kernel",
    "locally_connected_params",
    "max_pool2d",
    "measured_receptive_field",
    "output_size",
    "receptive_field",
    "shift",
    "span",
    "step_edge",
    "tiled_params",
    "weight_indices",
]


#: lesson numerics with names of their own (``cl.networks.vgg16()``), and the higher layers
_SUBMODULES = (
    "costs",
    "networks",
    "timing",
    "learning",
    "tasks",
    "fewshot",
    "receptive_layers",
    "features",
    "equivariance",
    "invariance",
    "figures",
    "explorers",
    "exercises",
    "style",
    "diagrams",
    "matrix_figures",
)


def __getattr__(name):
    """``cl.figures``, ``cl.explorers``, ...: import the layer on first use."""
    if name in _SUBMODULES:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
