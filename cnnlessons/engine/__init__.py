"""The explorer engine: controls wired to a figure whose frames the page paints.

Parts, each a module:

- ``explorer``: ``Explorer``, the facade subclasses build on (and its inspection API);
- ``controls``: the controls as the page reads them, and the frame key ``"v0,v1,..."``;
- ``drawing``: the figure on an Agg canvas (``Blitter``: redraw only what changed) and the
  canvas as tiles;
- ``tiles``: the tile store, the PNG codec and the one compositor, ``compose``;
- ``frames``: which frames are drawn, answering the page, drawing ahead in the background;
- ``renderers``: the two renderers, ``"frames"`` and ``"blit"``, as strategies;
- ``protocol``: the messages between the kernel and the page (``js/``);
- ``clicks``: click tables, recorded once so the page answers clicks by itself;
- ``live``: the explorers alive, ``explorers()`` and ``finish_all()``.
"""

from .explorer import Explorer
from .live import explorers, finish_all
from .renderers import MAX_FRAMES, RENDERERS
from .tiles import compose, decode_png, png_bytes

RENDERERS = tuple(RENDERERS)

__all__ = [
    "MAX_FRAMES",
    "RENDERERS",
    "Explorer",
    "compose",
    "decode_png",
    "explorers",
    "finish_all",
    "png_bytes",
]
