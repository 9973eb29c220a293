"""Old home of lesson 02's figures, kept so ``from cnnlessons.diagrams import ...`` works:
they live in ``cnnlessons.figures.connections``."""

from .figures.connections import *  # noqa: F403
from .figures.connections import __all__  # noqa: F401
