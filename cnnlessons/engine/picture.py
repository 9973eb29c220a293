"""The picture of an explorer in the page: an anywidget whose front end (``js/``, one ES module
in five files, ``ESM``) paints frames the kernel drew, chosen by the controls' values in the
browser.

A frame is a list of tiles (PNG images at pixel boxes of the canvas, drawn at ``scale`` times
the CSS size): the figure's background, then the boxes where its changing artists paint. Tiles
are shared between frames (a box that looks the same in two frames is one tile), so a frame
costs only what changes. Everything lives in the widget's state as binary buffers (``tiles``),
so a static HTML export with the widget state shows every frame drawn, without a kernel. The
messages between the kernel and the page: ``cnnlessons.engine.protocol``.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
import traitlets

__all__ = ["Picture"]

#: the front end's files, in the order they are joined into one ES module (they share one
#: scope: no imports, no build step; see js/main.js)
PARTS = ("main.js", "store.js", "canvas.js", "clicks.js", "keys.js")
ESM = "\n".join(
    (Path(__file__).with_name("js") / part).read_text(encoding="utf-8") for part in PARTS
)


class Picture(anywidget.AnyWidget):
    """The front end of an explorer's picture (see the module's docstring)."""

    _esm = ESM
    width = traitlets.Int(1880).tag(sync=True)  # canvas pixels
    height = traitlets.Int(680).tag(sync=True)
    #: canvas pixels per CSS pixel: shown ``width / scale`` CSS pixels wide (narrower when
    #: the column is), so sharp at a device pixel ratio of ``scale``
    scale = traitlets.Int(2).tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)  # what a screen reader says
    #: the controls whose values pick the frame: {"ref": "IPY_MODEL_<id>", "trait": "value" or
    #: "index", "values": every value it can take, in order}
    controls = traitlets.List().tag(sync=True)
    #: clickable regions: {"box": [x0, y0, x1, y1] (canvas px from the top left), "xlim",
    #: "ylim" (data at the box's left/right and top/bottom), "rows", "cols" (first and last
    #: cell), "targets" (controls as above), "table": per cell, the raw value to give each
    #: target (None: leave it), or None when a click there does nothing}
    clicks = traitlets.List().tag(sync=True)
    tiles = traitlets.Dict().tag(sync=True)  # tile id -> PNG bytes
    boxes = traitlets.Dict().tag(sync=True)  # tile id -> [x, y] (canvas pixels, from top left)
    frames = traitlets.Dict().tag(sync=True)  # key "v0,v1,..." -> [tile ids], painted in order
    #: key -> the frame's text alternative (``Explorer.describe``): the page writes the text
    #: of the frame painted, once it settles, into a polite live region the canvas points at
    texts = traitlets.Dict().tag(sync=True)
    #: key -> {control name: value text} (``Explorer.value_text``: what each control's value
    #: means in that frame, e.g. "stride 2: output 4 × 4"): the slider handles'
    #: ``aria-valuetext`` while the controls select that frame
    valuetexts = traitlets.Dict().tag(sync=True)
