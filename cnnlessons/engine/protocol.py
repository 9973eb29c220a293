"""The page protocol: the messages between the kernel and the page (``js/``), and what the kernel
knows the page holds.

One requester: the page decides which frame it shows (from its controls' models) and asks
for a frame it lacks; the kernel answers every request and draws ahead. No timer on either
side reconciles anything:

page -> kernel ``{"type": "need", "key": K}``
    The page wants frame ``K`` and does not have it (at most one request of a page is
    unanswered at a time). ``"tiles": [ids]`` when it knows the frame's tiles but lacks some
    (a page opened again: its store starts from the widget's state, not from the messages).
kernel -> page ``{"type": "frames", "frames": {K: [ids]}, "texts": {K: text}, "valuetexts":
    {K: {control name: value text}}, "boxes": {id: [x, y]}, "ids": [...]}`` with one binary
    buffer per id in ``ids`` (PNG): frames drawn, with their text alternatives, their controls'
    value texts (what each control's value means in that frame: ``aria-valuetext``; a page
    given none says "label value") and the tiles the page does not hold. An answer to a ``need``
    carries ``"answer": K`` (and no frame if K is not a key of the explorer); frames drawn
    ahead come without it.
kernel -> page ``{"type": "forget", "frames": [keys], "ids": [tile ids]}``
    Frames far from the controls' values (and their texts), and tiles only they used,
    dropped (blit renderer).

The widget's state (``tiles``, ``boxes``, ``frames``, ``texts``, ``valuetexts``) is what a new
view and a static export start from; it is set by ``Page.sync`` only (before display, and by
``finish_frames``).
"""

from __future__ import annotations

__all__ = ["FORGET", "FRAMES", "NEED", "Page", "parse_need"]

NEED = "need"
FRAMES = "frames"
FORGET = "forget"


def parse_need(content) -> tuple | None:
    """(key, tile ids) of a ``need`` message, or None for any other message. The key is
    returned as sent (the caller checks it); tile ids that are not ints are left out."""
    if not isinstance(content, dict) or content.get("type") != NEED:
        return None
    tiles = content.get("tiles")
    tiles = [t for t in tiles if isinstance(t, int)] if isinstance(tiles, list) else []
    return content.get("key"), tiles


class Page:
    """The kernel's side of one picture: sends frames and forgets, sets the state, and keeps
    the set of tiles the page holds (sent by message or in the state, not forgotten since)."""

    def __init__(self, picture, store):
        self.picture = picture
        self.store = store
        self.held: set = set()
        #: frames were sent by message (or forgotten) since the state was last set
        self.unsynced = False

    def send(self, keys, *, answer=None, again=()) -> dict:
        """Send frames ``keys`` (those the store has) with the tiles the page does not hold,
        and the tiles ``again`` of theirs it says it lacks. ``answer``: the key of the
        request this answers. Returns the message."""
        store = self.store
        frames = {k: store.frames[k] for k in keys if k in store.frames}
        ids = {t for tiles in frames.values() for t in tiles}
        new = sorted((ids - self.held) | (ids & set(again)))
        self.held.update(new)
        self.unsynced = True
        message = {
            "type": FRAMES,
            "frames": frames,
            "texts": {k: store.texts.get(k, "") for k in frames},
            "valuetexts": {k: store.valuetexts.get(k, {}) for k in frames},
            "boxes": {str(t): store.boxes[t] for t in new},
            "ids": new,
        }
        if answer is not None:
            message["answer"] = answer
        self.picture.send(message, buffers=[store.tiles[t] for t in new])
        return message

    def forget(self, keys: list, ids: list) -> None:
        """Tell the page frames ``keys`` and tiles ``ids`` are gone."""
        self.held.difference_update(ids)
        self.unsynced = True
        self.picture.send({"type": FORGET, "frames": list(keys), "ids": list(ids)})

    def sync(self, only: str | None = None) -> None:
        """Put every frame drawn (or ``only`` that one) in the widget's state."""
        store = self.store
        frames = dict(store.frames) if only is None else {only: store.frames[only]}
        tiles = sorted({t for ids in frames.values() for t in ids})
        self.unsynced = only is not None and len(store.frames) > 1
        self.held.update(tiles)
        with self.picture.hold_sync():
            self.picture.tiles = {str(t): store.tiles[t] for t in tiles}
            self.picture.boxes = {str(t): store.boxes[t] for t in tiles}
            self.picture.frames = frames
            self.picture.texts = {k: store.texts.get(k, "") for k in frames}
            self.picture.valuetexts = {k: store.valuetexts.get(k, {}) for k in frames}
