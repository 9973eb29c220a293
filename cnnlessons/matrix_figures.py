"""Old home of lesson 03's figures, kept so ``from cnnlessons.matrix_figures import ...``
works: they live in ``cnnlessons.figures.matrices`` and ``cnnlessons.figures.parameters``."""

from .figures.matrices import *  # noqa: F403
from .figures.matrices import GRID_MAX  # noqa: F401
from .figures.matrices import __all__ as _matrices
from .figures.parameters import param_growth_plot

__all__ = [*_matrices, "param_growth_plot"]
