"""Frames as tiles: the PNG codec, the content-addressed tile store and the one compositor.

A frame is a list of tile ids painted in order: the figure's background (at 0, 0), then
crops of the boxes where its pixels differ from it. A tile is PNG bytes placed at a box
(x, y) of the canvas, counted in canvas pixels from the top left. Tiles that look the same
at the same place are one tile, shared by every frame that shows it. ``compose`` is how every
reader of a frame (the kernel's ``Explorer.frame``, the site builder, the tests) turns tiles
into pixels, as the page (``js/canvas.js``) paints them.
"""

from __future__ import annotations

import hashlib
import io
import itertools
from collections import OrderedDict

import numpy as np

__all__ = ["TileStore", "compose", "cut", "decode_png", "png_bytes", "runs"]


def png_bytes(rgb: np.ndarray) -> bytes:
    """Encode an RGB(A) buffer (uint8, alpha dropped) as PNG, fast (zlib level 1: flat
    colours compress well anyway; measured faster than lossless WebP and smaller than its
    fastest mode)."""
    from PIL import Image

    if not isinstance(rgb, np.ndarray) or rgb.ndim != 3 or rgb.dtype != np.uint8:
        raise TypeError("rgb must be a uint8 array of shape (height, width, 3 or 4)")
    with io.BytesIO() as buf:
        Image.fromarray(np.ascontiguousarray(rgb[..., :3])).save(
            buf, format="png", compress_level=1
        )
        return buf.getvalue()


def decode_png(data: bytes) -> np.ndarray:
    """The RGB pixels (uint8) of PNG ``data``."""
    from PIL import Image

    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"data must be PNG bytes, got {type(data).__name__}")
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"))


def compose(ids, tiles, boxes, size: tuple | None = None, *, decoded: dict | None = None):
    """The RGBA pixels (uint8, opaque) of the frame made of tiles ``ids``, painted in order:
    ``tiles`` maps an id to PNG bytes, ``boxes`` an id to its [x, y] (canvas pixels from the
    top left); ids may be ints or their strings (as a widget's state keys them). The canvas
    is ``size`` (height, width), by default the first tile's (the background's) size.
    ``decoded``: a dict the caller keeps across calls (tile -> its pixels), so that a tile
    many frames share is decoded once."""
    ids = list(ids)
    if not ids:
        raise ValueError("ids must name at least one tile (the background)")
    if decoded is not None and not isinstance(decoded, dict):
        raise TypeError(f"decoded must be a dict or None, got {type(decoded).__name__}")
    out = None
    for tile in ids:
        key = tile if tile in tiles else str(tile)
        if key not in tiles:
            raise ValueError(f"ids: no tile {tile!r} in tiles")
        pixels = None if decoded is None else decoded.get(key)
        if pixels is None:
            pixels = decode_png(tiles[key])
            if decoded is not None:
                decoded[key] = pixels
        if out is None:
            height, width = size if size is not None else pixels.shape[:2]
            out = np.full((int(height), int(width), 4), 255, dtype=np.uint8)
        x, y = (int(v) for v in boxes[key])
        out[y : y + pixels.shape[0], x : x + pixels.shape[1], :3] = pixels
    return out


class TileStore:
    """Tiles (id -> PNG bytes, id -> box) and frames (key -> tile ids), content-addressed:
    the same pixels at the same place are stored, and sent, once; and each frame's text
    alternative (key -> str) and its controls' value texts (key -> {name: str}), kept and
    forgotten with the frame."""

    def __init__(self):
        self.tiles: dict = {}  # tile id -> PNG bytes
        self.boxes: dict = {}  # tile id -> [x, y], canvas pixels from the top left
        self.frames: dict = {}  # key -> [tile ids], painted in order
        self.texts: dict = {}  # key -> the frame's text alternative (``Explorer.describe``)
        #: key -> {control name: its value text} (``Explorer.value_text``), for the frame's values
        self.valuetexts: dict = {}
        self._ids: dict = {}  # digest of pixels and box -> tile id
        self._counter = itertools.count()
        #: tile id -> its RGB pixels, the most recently used last: what its PNG decodes to
        #: (PNG is lossless), kept so that ``compose`` need not decode it again
        self._pixels: OrderedDict = OrderedDict()
        self._kept = 0  # pixels in ``_pixels``
        self._canvas = None  # (tile id, RGBA) of the last background ``compose`` painted

    def tile(self, pixels: np.ndarray, x: int, y: int) -> int:
        """The id of the tile showing ``pixels`` at (x, y): an existing one if the same
        pixels were stored there before, else a new one (encoded once)."""
        digest = hashlib.blake2b(pixels.tobytes(), digest_size=16)
        digest.update(f"{x},{y},{pixels.shape}".encode())
        digest = digest.digest()
        tile = self._ids.get(digest)
        if tile is None:
            tile = next(self._counter)
            self.tiles[tile] = png_bytes(pixels)
            self.boxes[tile] = [x, y]
            self._ids[digest] = tile
            self._keep(tile, np.array(pixels[..., :3]))
        return tile

    #: decoded tiles kept for ``compose`` (~24 MB of RGB), the least recently used dropped
    KEEP_PIXELS = 8_000_000

    def _keep(self, tile: int, pixels: np.ndarray) -> None:
        self._pixels[tile] = pixels
        self._kept += pixels.shape[0] * pixels.shape[1]
        while self._kept > self.KEEP_PIXELS and len(self._pixels) > 1:
            _, old = self._pixels.popitem(last=False)
            self._kept -= old.shape[0] * old.shape[1]

    def pixels(self, tile: int) -> np.ndarray:
        """The RGB pixels (uint8) of tile ``tile``: its PNG decoded, or the same pixels kept
        from when it was stored or last decoded."""
        kept = self._pixels.get(tile)
        if kept is None:
            kept = decode_png(self.tiles[tile])
            self._keep(tile, kept)
        else:
            self._pixels.move_to_end(tile)
        return kept

    def __contains__(self, key) -> bool:
        return key in self.frames

    def __len__(self) -> int:
        return len(self.frames)

    def compose(self, key: str) -> np.ndarray:
        """The RGBA pixels (uint8) of frame ``key``: as ``compose`` paints them from the PNG
        bytes, from the pixels kept where they are (no decoding), over the last background
        painted (kept as RGBA: most frames share it, and the page's frames are big)."""
        ids = self.frames[key]
        if self._canvas is None or self._canvas[0] != ids[0]:
            first = self.pixels(ids[0])
            canvas = np.full((*first.shape[:2], 4), 255, dtype=np.uint8)
            x, y = self.boxes[ids[0]]
            canvas[y : y + first.shape[0], x : x + first.shape[1], :3] = first
            self._canvas = (ids[0], canvas)
        out = self._canvas[1].copy()
        for tile in ids[1:]:
            pixels = self.pixels(tile)
            x, y = self.boxes[tile]
            out[y : y + pixels.shape[0], x : x + pixels.shape[1], :3] = pixels
        return out

    def forget(self, keys, keep_tiles=()) -> list:
        """Forget frames ``keys`` and the tiles no frame left uses (but ``keep_tiles``);
        returns the ids of the tiles forgotten."""
        for key in keys:
            self.frames.pop(key, None)
            self.texts.pop(key, None)
            self.valuetexts.pop(key, None)
        used = {t for ids in self.frames.values() for t in ids} | set(keep_tiles)
        dropped = [t for t in self.tiles if t not in used]
        if self._canvas is not None and self._canvas[0] in dropped:
            self._canvas = None
        for t in dropped:
            del self.tiles[t], self.boxes[t]
            old = self._pixels.pop(t, None)
            if old is not None:
                self._kept -= old.shape[0] * old.shape[1]
        for digest in [d for d, t in self._ids.items() if t not in used]:
            del self._ids[digest]
        return dropped


def runs(mask: np.ndarray, gap: int = 24) -> list:
    """(start, stop) of the runs of True in a 1-D mask, runs closer than ``gap`` merged
    (``cut`` here, and the site builder's finer cut in tools/sitebuild/kernel.py)."""
    at = np.flatnonzero(mask)
    if at.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(at) > gap)
    starts = np.concatenate([[at[0]], at[breaks + 1]])
    stops = np.concatenate([at[breaks], [at[-1]]]) + 1
    return [(int(a), int(b)) for a, b in zip(starts, stops, strict=True)]


def cut(mask: np.ndarray, top: int = 0, left: int = 0, depth: int = 0) -> list:
    """Boxes (row0, row1, col0, col1) that hold every True of ``mask`` and few Falses: cut
    at the columns with no True, then each band at its rows with no True, and each piece
    again while that splits it (a formula under two panels: three boxes, not one around
    all three, so a frame paints and sends only what changed)."""
    boxes = []
    columns = runs(mask.any(axis=0))
    for c0, c1 in columns:
        rows = runs(mask[:, c0:c1].any(axis=1))
        for r0, r1 in rows:
            if depth < 4 and (len(columns) > 1 or len(rows) > 1):
                boxes += cut(mask[r0:r1, c0:c1], top + r0, left + c0, depth + 1)
            else:
                boxes.append((top + r0, top + r1, left + c0, left + c1))
    return boxes
