"""The explorers alive in this interpreter, in the order they were made."""

from __future__ import annotations

import itertools
import weakref

__all__ = ["explorers", "finish_all"]

_live: weakref.WeakValueDictionary = weakref.WeakValueDictionary()  # number -> explorer
_numbers = itertools.count()


def number() -> int:
    """A new explorer's number (its ``dom_id`` ends with it)."""
    return next(_numbers)


def register(explorer, n: int) -> None:
    _live[n] = explorer


def explorers() -> list:
    """Every explorer alive (made and not yet garbage), oldest first."""
    return [e for _, e in sorted(_live.items())]


def finish_all() -> None:
    """Draw every frame still pending, of every explorer, and put them in the widgets' state
    (before a static HTML export, so the page has every frame without a kernel)."""
    for explorer in explorers():
        explorer.finish_frames()
