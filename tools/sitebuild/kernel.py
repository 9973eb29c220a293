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
``texts``: key -> the frame's text when the engine has ``frame_text``), a file per tile
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
    candidates = []
    with io.BytesIO() as buf:
        Image.fromarray(rgb).save(buf, format="webp", lossless=True, method=1, quality=30)
        candidates.append((buf.getvalue(), "webp"))
    packed = (rgb[..., 0].astype(np.uint32) << 16) | (rgb[..., 1].astype(np.uint32) << 8)
    packed |= rgb[..., 2]
    colours, index = np.unique(packed.ravel(), return_inverse=True)
    if len(colours) <= 256:
        image = Image.fromarray(index.reshape(rgb.shape[:2]).astype(np.uint8), mode="P")
        palette = np.stack([(colours >> 16) & 255, (colours >> 8) & 255, colours & 255], 1)
        image.putpalette(palette.astype(np.uint8).ravel().tolist())
        with io.BytesIO() as buf:
            image.save(buf, format="png", compress_level=9)
            candidates.append((buf.getvalue(), "png"))
    return min(candidates, key=lambda c: len(c[0]))


def set_raws(explorer, raws: dict) -> None:
    """Move the explorer's controls to these raw values (a menu's index)."""
    for name, raw in raws.items():
        control = explorer.controls[name]
        trait = "index" if hasattr(control, "options") else "value"
        if getattr(control, trait) != raw:
            setattr(control, trait, raw)


def _runs(mask: np.ndarray, gap: int) -> list:
    """(start, stop) of the runs of True in a 1-D mask, runs closer than ``gap`` merged."""
    at = np.flatnonzero(mask)
    if at.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(at) > gap)
    starts = np.concatenate([[at[0]], at[breaks + 1]])
    stops = np.concatenate([at[breaks], [at[-1]]]) + 1
    return [(int(a), int(b)) for a, b in zip(starts, stops, strict=True)]


def split(mask: np.ndarray, top: int = 0, left: int = 0, gap: int = GAP, depth: int = 0) -> list:
    """Boxes (row0, row1, col0, col1) that hold every True of ``mask``: cut at the columns
    with no True, each band at its rows with no True, again while that splits it. Finer
    than the kernel's boxes (``GAP``): a number that changes in a formula is its own tile,
    and the same number at the same place in another frame is the same tile."""
    boxes = []
    columns = _runs(mask.any(axis=0), gap)
    for c0, c1 in columns:
        rows = _runs(mask[:, c0:c1].any(axis=1), gap)
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
    # same menus (a menu redraws much of the picture; a slider moves a part), whichever
    # leaves fewer pixels to send
    menus = [i for i, n in enumerate(names) if hasattr(explorer.controls[n], "options")]
    menus = [i for i in menus if type(explorer.controls[names[i]]).__name__ != "SelectionSlider"]
    digests: dict = {}  # hash of pixels and place -> tile id
    boxes: dict = {}
    files: dict = {}
    frames: dict = {}
    texts: dict = {}
    digests_of: dict = {}  # key -> sha256 of the frame's RGBA bytes, as the kernel paints it
    groups: dict = {}  # the menus' raw values -> (pixels, tile id) of that group's background
    stored = 0
    base = None

    def store(crop, r0, c0) -> int:
        nonlocal stored
        digest = hashlib.blake2b(crop.tobytes(), digest_size=16)
        digest.update(f"{c0},{r0},{crop.shape}".encode())
        digest = digest.hexdigest()
        tile = digests.get(digest)
        if tile is None:
            tile = digests[digest] = len(digests)
            data, ext = exact_image(crop)
            files[tile] = f"{tile}.{ext}"
            (folder / files[tile]).write_bytes(data)
            stored += len(data)
            boxes[tile] = [c0, r0]
        return tile

    start = dict(raws)
    for key in keys:
        # the controls moved to the frame's values first: the kernel draws that frame once
        # (a frame away from the controls' values is drawn, then the figure drawn back)
        raw = list(map(int, key.split(",")))
        set_raws(explorer, dict(zip(names, raw, strict=True)))
        rgba = np.round(explorer.frame(key=key) * 255).astype(np.uint8)
        digests_of[key] = hashlib.sha256(np.ascontiguousarray(rgba).tobytes()).hexdigest()
        pixels = rgba[..., :3]
        if hasattr(explorer, "frame_text"):
            texts[key] = explorer.frame_text(key)
        if base is None:
            base = (pixels, store(pixels, 0, 0))
        group = tuple(raw[i] for i in menus)
        if group not in groups:
            groups[group] = (pixels, None)
        options = [base, groups[group]]
        masks = [(pixels != b[0]).any(axis=2) for b in options]
        pick = int(np.argmin([m.sum() for m in masks]))
        if pick == 1 and groups[group][1] is None:
            groups[group] = (pixels, store(pixels, 0, 0))
        background = options[pick][1] if pick == 0 else groups[group][1]
        ids = [background] + [
            store(pixels[r0:r1, c0:c1], r0, c0) for r0, r1, c0, c1 in split(masks[pick])
        ]
        frames[key] = ids
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
