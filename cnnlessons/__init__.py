"""cnnlessons: the helper package of the "Why convolutions?" notebook series.

The tree reads as the curriculum. Shared layers, lowest first:

- ``numerics``: numpy in and out, never plotting (``geometry``, ``conv``, ``pooling``,
  ``counting``, ``matrices``, ``receptive``, ``images``, ``architectures``, ``tasks``, and the
  small trainable network: ``layers`` and ``training``);
- ``figures``: the shared figure primitives and the series' ``style``;
- ``engine``: the explorer engine (controls wired to a picture that answers within a frame);
- ``checking``: exercises that answer back.

Then one package per lesson, ``lesson01`` ... ``lesson08``, each with the layers it needs:
``numerics``, ``figures``, ``explorers`` and ``exercises`` (a module, or a package when one
module would be too long). Nothing lower imports anything higher, and exercises use numerics
only: ``lint-imports`` checks it (the contracts are in ``pyproject.toml``).

The numerics a learner calls are importable straight from the package:
``import cnnlessons as cl; cl.conv2d(...)``.

Bad arguments get a ``ValueError`` or ``TypeError`` naming the argument, before anything
large is allocated: arrays the numerics make hold at most ``MAX_ELEMENTS`` values, matrices
``MAX_MATRIX_ENTRIES`` entries, binomial filters ``MAX_BINOMIAL_SIZE`` taps and measured
receptive fields an input of ``MAX_MEASURED_INPUT`` pixels. NaN and inf in an input
propagate to every output that depends on them, as in PyTorch.

The other packages load on first use, so ``import cnnlessons as cl`` imports neither
matplotlib's figures nor ipywidgets for a learner who only computes.
"""

import importlib as _importlib

from cnnlessons._checks import MAX_ELEMENTS
from cnnlessons.numerics.conv import conv2d, convolve2d, shift
from cnnlessons.numerics.counting import (
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
from cnnlessons.numerics.geometry import fits_evenly, output_size, span
from cnnlessons.numerics.images import (
    KERNELS,
    checkerboard,
    edge_example,
    grace_hopper,
    kernel,
    step_edge,
)
from cnnlessons.numerics.matrices import (
    MAX_MATRIX_ENTRIES,
    conv_matrix,
    count_parameters,
    weight_indices,
)
from cnnlessons.numerics.pooling import (
    MAX_BINOMIAL_SIZE,
    avg_pool2d,
    binomial_filter,
    blur_pool2d,
    global_avg_pool,
    global_max_pool,
    max_pool2d,
)
from cnnlessons.numerics.receptive import (
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


#: the packages beside the learner's numerics, imported on first use (``cl.lesson06``)
_SUBPACKAGES = (
    "numerics",
    "figures",
    "engine",
    "checking",
    *(f"lesson{n:02d}" for n in range(1, 9)),
)


def __getattr__(name):
    """``cl.figures``, ``cl.lesson06``, ...: import the package on first use."""
    if name in _SUBPACKAGES:
        return _importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
