"""The explorers alive in this interpreter, in the order they were made, and when the
kernel's last cell ran."""

from __future__ import annotations

import itertools
import time
import weakref

__all__ = ["AFTER_CELL", "cell_finished", "cells_quiet_in", "clock", "explorers", "finish_all"]

_live: weakref.WeakValueDictionary = weakref.WeakValueDictionary()  # number -> explorer
_numbers = itertools.count()

#: seconds after a cell ran during which no frame is drawn ahead: "Run all" (JupyterLab,
#: nbclient, Voila) sends the next cell within milliseconds of the last one's end, and a frame
#: being drawn ahead (up to a few hundred ms) would hold it back. Measured on lesson 06 (33
#: code cells): 18.7 s from the first cell to the last with drawing ahead between them, 10.4 s
#: without; the cells themselves took 10.2-10.4 s either way.
AFTER_CELL = 0.05
#: the clock that wait is measured with (a test may put a fake one here)
clock = time.monotonic
_cell_done = [float("-inf")]  # clock() when the last cell finished
_hooked = [False]


def cell_finished(*_) -> None:
    """A cell has just finished (IPython's ``post_execute`` event calls this)."""
    _cell_done[0] = clock()


def _hook_cells() -> None:
    """Note the end of every cell of this IPython kernel (once; nothing outside IPython)."""
    if _hooked[0]:
        return
    _hooked[0] = True
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return
    shell = get_ipython()
    if shell is not None:
        shell.events.register("post_execute", cell_finished)


def cells_quiet_in() -> float:
    """Seconds until drawing ahead may go on (<= 0: now): ``AFTER_CELL`` after a cell."""
    return _cell_done[0] + AFTER_CELL - clock()


def number() -> int:
    """A new explorer's number (its ``dom_id`` ends with it)."""
    return next(_numbers)


def register(explorer, n: int) -> None:
    _live[n] = explorer
    _hook_cells()


def explorers() -> list:
    """Every explorer alive (made and not yet garbage), oldest first."""
    return [e for _, e in sorted(_live.items())]


def finish_all() -> None:
    """Draw every frame still pending, of every explorer, and put them in the widgets' state
    (before a static HTML export, so the page has every frame without a kernel)."""
    for explorer in explorers():
        explorer.finish_frames()
