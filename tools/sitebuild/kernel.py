"""Run inside a lesson's kernel once its cells have run (``build_site.py`` appends a cell that
calls ``dump``): every explorer alive, every frame of it, as static files a page fetches
when its controls ask for them.

Only the engine's public inspection API is used (``explorers``, ``finish_all``,
``explorer.controls``, ``raws``, ``raw_range``, ``key``, ``frame``, ``frame_text``,
``click_regions``, ``picture``, ``widget``): each frame is read as the kernel paints it
(``explorer.frame(key=...)``) and cut here into tiles: the first frame whole (the background),
every other frame as the boxes of pixels that differ from it. A tile is stored once however
many frames show it (content hash of pixels and place), in the smallest exact encoding
(``exact_image``: lossless WebP or a palette PNG, the same pixels).

Layout, under ``<out>/x/<lesson>-<n>/`` for explorer number n of the lesson:
``index.json`` (size, scale, label, controls, clicks, ``frames``: key -> tile ids, the
first a background, ``boxes``: tile id -> [x, y], ``files``: tile id -> file name,
``texts``: key -> the frame's text when the engine has ``frame_text``, ``valuetexts``: key ->
{control name: what its value means in that frame}), a file per tile
(``<id>.webp``: lossless WebP, or ``<id>.png``) and ``digests.json`` (key -> SHA-256 of the
frame's RGBA bytes as ``explorer.frame`` gives them: what the tests compare the site with).
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
from pathlib import Path

import numpy as np

from cnnlessons.engine.tiles import runs

#: most frames of one explorer in the site: beyond, the frames one control away from the
#: lesson's values (``"every": false`` in its index)
MAX_SITE_FRAMES = 20_000
#: pixels between two changed regions below which they are one tile
GAP = 6


def exact_image(rgb: np.ndarray) -> tuple[bytes, str]:
    """The smallest exact encoding of these pixels, and its file extension: lossless WebP
    (every pixel kept; measured 2.4x smaller than PNG on the explorers' antialiased
    drawings) or, when it has at most 256 colours, a palette PNG if that is smaller."""
    from PIL import Image

    rgb = np.ascontiguousarray(rgb[..., :3])
    image = Image.fromarray(rgb)
    candidates = []
    with io.BytesIO() as buf:
        image.save(buf, format="webp", lossless=True, method=1, quality=30)
        candidates.append((buf.getvalue(), "webp"))
    counts = image.getcolors(256)  # None beyond 256 colours (PIL stops counting there)
    if counts is not None:
        colours = np.array(sorted((r << 16) | (g << 8) | b for _, (r, g, b) in counts), np.uint32)
        packed = (rgb[..., 0].astype(np.uint32) << 16) | (rgb[..., 1].astype(np.uint32) << 8)
        packed |= rgb[..., 2]
        index = np.searchsorted(colours, packed)  # each pixel's colour, exactly
        image = Image.fromarray(index.reshape(rgb.shape[:2]).astype(np.uint8), mode="P")
        palette = np.stack([(colours >> 16) & 255, (colours >> 8) & 255, colours & 255], 1)
        image.putpalette(palette.astype(np.uint8).ravel().tolist())
        with io.BytesIO() as buf:
            image.save(buf, format="png", compress_level=9)
            candidates.append((buf.getvalue(), "png"))
    return min(candidates, key=lambda c: len(c[0]))


def changed(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Where two RGB frames differ (a 2-D mask): as ``(a != b).any(axis=2)``, measured 7x
    faster (a reduction over the last axis of length 3 is numpy's slow case)."""
    d = a != b
    return d[..., 0] | d[..., 1] | d[..., 2]


def set_raws(explorer, raws: dict) -> None:
    """Move the explorer's controls to these raw values (a menu's index)."""
    for name, raw in raws.items():
        control = explorer.controls[name]
        trait = "index" if hasattr(control, "options") else "value"
        if getattr(control, trait) != raw:
            setattr(control, trait, raw)


def split(mask: np.ndarray, top: int = 0, left: int = 0, gap: int = GAP, depth: int = 0) -> list:
    """Boxes (row0, row1, col0, col1) that hold every True of ``mask``: cut at the columns
    with no True, each band at its rows with no True, again while that splits it. Finer
    than the kernel's boxes (``GAP``): a number that changes in a formula is its own tile,
    and the same number at the same place in another frame is the same tile."""
    boxes = []
    columns = runs(mask.any(axis=0), gap)
    for c0, c1 in columns:
        rows = runs(mask[:, c0:c1].any(axis=1), gap)
        for r0, r1 in rows:
            if depth < 8 and (len(columns) > 1 or len(rows) > 1):
                boxes += split(mask[r0:r1, c0:c1], top + r0, left + c0, gap, depth + 1)
            else:
                boxes.append((top + r0, top + r1, left + c0, left + c1))
    return boxes


def label_of(option) -> str:
    return str(option[0]) if isinstance(option, tuple) else str(option)


def control_spec(name: str, control, raws: list | None) -> dict:
    """How the site's runtime shows a control: kind, description, values (raw), labels."""
    kind = type(control).__name__
    spec = {
        "name": name,
        "id": name,  # the picture's references name controls by this (see ``dump_explorer``)
        "kind": kind,
        "description": getattr(control, "description", "") or name,
    }
    if hasattr(control, "options"):
        spec.update(
            trait="index",
            labels=[label_of(o) for o in control.options],
            value=control.index,
        )
    else:
        spec.update(
            trait="value",
            min=control.min,
            max=control.max,
            step=getattr(control, "step", 1) or 1,
            value=control.value,
        )
    if raws is not None:
        spec["values"] = raws
    if kind == "Play":
        spec["interval"] = control.interval
    return spec


def _links() -> list:
    """(source widget, trait, target widget, trait) of every jslink alive."""
    try:
        from ipywidgets.widgets.widget import _instances as widgets
    except ImportError:  # pragma: no cover - older ipywidgets
        from ipywidgets import Widget

        widgets = Widget.widgets
    from ipywidgets.widgets.widget_link import Link

    return [
        (w.source[0], w.source[1], w.target[0], w.target[1])
        for w in list(widgets.values())
        if isinstance(w, Link)
    ]


def by_name(value, controls: dict):
    """``value`` with each control's model id replaced by the control's name: an explorer's
    files do not depend on the widget ids of one run (the same explorer in two lessons is
    the same files, stored once)."""
    text = json.dumps(value)
    for name, control in controls.items():
        text = text.replace(control.model_id, name)
    return json.loads(text)


#: a frame whose menus differ from every frame before is a background of its own for the
#: frames with the same menus when more than this share of its pixels differ from the first
#: frame's (a menu that redraws most of the picture); else it is painted over the first frame
#: as the boxes that differ (a menu that changes one panel: the others are not sent again)
GROUP_BACKGROUND = 0.4


class Tiler:
    """Frames cut into tiles written into ``folder``: each frame a background (the first
    frame, or the first frame with the same menus, whichever leaves fewer pixels to send)
    and the boxes of pixels that differ from it (``split``); a tile stored once however many
    frames show it (content hash of pixels and place), in ``exact_image``'s encoding."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.frames: dict = {}  # key -> tile ids, the first a background
        self.boxes: dict = {}  # tile id -> [x, y]
        self.files: dict = {}  # tile id -> file name
        self.stored = 0  # bytes written
        self.base = None  # (pixels, tile id) of the first frame
        self.by_digest: dict = {}  # hash of pixels and place -> tile id
        self.groups: dict = {}  # the menus' raw values -> (pixels, tile id) or None

    def store(self, crop: np.ndarray, r0: int, c0: int) -> int:
        digest = hashlib.blake2b(crop.tobytes(), digest_size=16)
        digest.update(f"{c0},{r0},{crop.shape}".encode())
        digest = digest.hexdigest()
        tile = self.by_digest.get(digest)
        if tile is None:
            tile = self.by_digest[digest] = len(self.by_digest)
            data, ext = exact_image(crop)
            self.files[tile] = f"{tile}.{ext}"
            (self.folder / self.files[tile]).write_bytes(data)
            self.stored += len(data)
            self.boxes[tile] = [c0, r0]
        return tile

    def add(self, key: str, pixels: np.ndarray, group: tuple = ()) -> list:
        """Tile frame ``key`` (RGB pixels); ``group``: its menus' values. Returns its ids."""
        pixels = np.ascontiguousarray(pixels)  # (a view of RGBA: compared 5x slower)
        if self.base is None:
            self.base = (pixels, self.store(pixels, 0, 0))
        mask = changed(pixels, self.base[0])
        if group not in self.groups:
            own = mask.mean() > GROUP_BACKGROUND
            self.groups[group] = (pixels, self.store(pixels, 0, 0)) if own else None
        background = self.base
        other = self.groups[group]
        if other is not None and other[1] != self.base[1]:
            mask_other = changed(pixels, other[0])
            if mask_other.sum() < mask.sum():
                background, mask = other, mask_other
        ids = [background[1]] + [
            self.store(pixels[r0:r1, c0:c1], r0, c0) for r0, r1, c0, c1 in split(mask)
        ]
        self.frames[key] = ids
        return ids


def dump_explorer(explorer, folder: Path) -> dict:
    """Write every frame of ``explorer`` into ``folder``; returns the summary."""
    folder.mkdir(parents=True, exist_ok=True)
    raws = explorer.raws  # control name -> raw value now, in key order
    names = list(raws)
    ranges = [explorer.raw_range(n) for n in names]
    total = int(np.prod([len(r) for r in ranges]))
    links = _links()
    controls = []
    for name, control in explorer.controls.items():
        spec = control_spec(name, control, ranges[names.index(name)] if name in names else None)
        for src, _strait, dst, _dtrait in links:
            if src is control and dst in explorer.controls.values():
                spec["drives"] = next(n for n, c in explorer.controls.items() if c is dst)
        controls.append(spec)
    first = explorer.key
    if total <= MAX_SITE_FRAMES:
        every = (",".join(map(str, c)) for c in itertools.product(*ranges))
    else:
        # too many combinations (the parameter counter: 4.5 million): the frames one
        # control away from the lesson's values, each control over its whole range
        every = (
            ",".join(str(v) if i == j else str(raws[n]) for j, n in enumerate(names))
            for i in range(len(names))
            for v in ranges[i]
        )
    keys = list(dict.fromkeys([first, *every]))
    # a frame is painted over a background: the first frame, or the first frame with the
    # same menus (a menu redraws much of the picture; a slider moves a part): ``Tiler``
    menus = [i for i, n in enumerate(names) if hasattr(explorer.controls[n], "options")]
    menus = [i for i in menus if type(explorer.controls[names[i]]).__name__ != "SelectionSlider"]
    tiler = Tiler(folder)
    texts: dict = {}
    valuetexts: dict = {}  # key -> {control name: what its value means in that frame}
    digests_of: dict = {}  # key -> sha256 of the frame's RGBA bytes, as the kernel paints it
    start = dict(raws)
    for key in keys:
        # the controls moved to the frame's values first: the kernel draws that frame once
        # (a frame away from the controls' values is drawn, then the figure drawn back)
        raw = list(map(int, key.split(",")))
        set_raws(explorer, dict(zip(names, raw, strict=True)))
        rgba = explorer.frame(key=key, dtype=np.uint8)
        digests_of[key] = hashlib.sha256(np.ascontiguousarray(rgba).tobytes()).hexdigest()
        if hasattr(explorer, "frame_text"):
            texts[key] = explorer.frame_text(key)
            valuetexts[key] = explorer.frame_value_texts(key)
        tiler.add(key, rgba[..., :3], tuple(raw[i] for i in menus))
    frames, boxes, files, stored, base = (
        tiler.frames, tiler.boxes, tiler.files, tiler.stored, tiler.base
    )
    set_raws(explorer, start)
    height, width = base[0].shape[:2]
    picture = explorer.picture
    index = {
        "name": type(explorer).__name__,
        "width": int(width),
        "height": int(height),
        "scale": int(picture.scale),
        "label": picture.label,
        "controls": controls,
        "keyed": names,
        "clicks": by_name(explorer.click_regions, explorer.controls),
        "first": first,
        "every": total <= MAX_SITE_FRAMES,
        "frames": frames,
        "boxes": boxes,
        "files": files,
        "texts": texts,
        "valuetexts": valuetexts,
    }
    (folder / "index.json").write_text(json.dumps(index, separators=(",", ":")))
    # what the kernel paints, for the tests (not loaded by the page)
    (folder / "digests.json").write_text(json.dumps(digests_of, separators=(",", ":")))
    return {
        "name": type(explorer).__name__,
        "model_id": explorer.widget.model_id,
        "frames": len(frames),
        "combinations": total,
        "tiles": len(boxes),
        "bytes": stored,
    }


def dump(out: str, lesson: str) -> list:
    """Every explorer of the lesson that just ran, into ``<out>/x/<lesson>-<n>/``; returns
    their summaries (printed as JSON for the builder, and returned)."""
    from cnnlessons.engine import explorers, finish_all

    finish_all()
    found = []
    for n, explorer in enumerate(explorers()):
        if getattr(explorer, "widget", None) is None:
            continue
        summary = dump_explorer(explorer, Path(out) / "x" / f"{lesson}-{n}")
        summary["folder"] = f"x/{lesson}-{n}/"
        found.append(summary)
    print("CNNL_SITE " + json.dumps(found))
    return found
