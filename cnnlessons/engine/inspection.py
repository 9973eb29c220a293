"""What an explorer shows, read without a browser: the public inspection API of ``Explorer``
(tests, benchmarks, the browser harness and the site builder use it, nothing private).

Every method here runs on the explorer's parts (``self._ready()``: the drawing, the frames
and the picture, built on first use) holding their lock.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Inspection"]


class Inspection:
    """The inspection API, mixed into ``Explorer``."""

    @property
    def lock(self):
        """Held while the explorer draws or answers: hold it to read several things at once
        (a kernel may handle widget messages on another thread)."""
        return self._ready()[1].lock

    # -- controls and keys ---------------------------------------------------------------
    @property
    def values(self) -> dict:
        """Current value of every control (but the mirrors)."""
        return self._space.values()

    @property
    def raws(self) -> dict:
        """Raw value of every control but the mirrors (a menu's index), in key order."""
        return {n: self._space.raw(n) for n in self._space.names}

    def raw_range(self, name: str) -> list:
        """Every raw value control ``name`` can take, in order."""
        if name not in self._space.names:
            raise ValueError(f"name must be one of {self._space.names}, got {name!r}")
        return list(self._space.raw_values(name))

    @property
    def key(self) -> str:
        """The key of the frame the controls select now (as the page computes it)."""
        return self._space.key()

    def key_of(self, **raws) -> str:
        """The key of the frame with these raw values, the other controls as they are."""
        for name, raw in raws.items():
            if name not in self._space.names:
                raise ValueError(f"{name!r} is not one of the controls {self._space.names}")
            if raw not in self._space.raw_values(name):
                raise ValueError(f"{name}={raw!r} is not a raw value of control {name!r}")
        return self._space.key(raws)

    # -- frames --------------------------------------------------------------------------
    def frame(self, index=None, *, key: str | None = None, dtype=np.float32) -> np.ndarray:
        """The RGBA pixels (floats in [0, 1]) of a frame as the page paints it from its
        tiles: by default the one the controls select; ``index`` picks one by the positions
        of the frame controls' values (an int for one frame control, a tuple for several),
        the other controls as they are; ``key`` picks one by its key (``frame_keys``).
        ``dtype=np.uint8``: the page's bytes themselves (0-255), with no conversion."""
        try:
            dtype = np.dtype(dtype)
        except TypeError:
            dtype = None
        if dtype not in (np.dtype(np.float32), np.dtype(np.uint8)):
            raise TypeError("dtype must be numpy.float32 or numpy.uint8")
        frames = self._ready()[1]
        with frames.lock:
            key = self._drawn(index, key)
            rgba = frames.store.compose(key)
        return rgba if dtype == np.uint8 else rgba.astype(np.float32) / 255

    def frame_text(self, key: str | None = None) -> str:
        """The text alternative of frame ``key`` (``describe``: what the picture shows, with
        its numbers), by default of the frame the controls select; drawn if it is not."""
        frames = self._ready()[1]
        with frames.lock:
            return frames.store.texts[self._drawn(None, key)]

    def frame_value_texts(self, key: str | None = None) -> dict:
        """The value texts of frame ``key``'s controls (``value_text``: control name -> what
        its value means in that frame), by default of the frame the controls select; drawn
        if it is not."""
        frames = self._ready()[1]
        with frames.lock:
            return dict(frames.store.valuetexts[self._drawn(None, key)])

    def _drawn(self, index, key) -> str:
        """The key of the frame asked for (see ``frame``), drawn now if it is not."""
        frames = self._ready()[1]
        if key is not None:
            self._space.parse(key)  # a key of this explorer's controls, or a ValueError
        elif index is None:
            key = self._space.key()
        else:
            key = self._key_at(index)
        if frames.ensure(key):
            frames.drawn_on_demand += 1
        return key

    def _key_at(self, index) -> str:
        index = index if isinstance(index, tuple) else (index,)
        space, names = self._space, self.frame_controls
        if len(index) != len(names) or not all(
            isinstance(i, int) and 0 <= i < len(space.raw_values(n))
            for n, i in zip(names, index, strict=False)
        ):
            sizes = tuple(len(space.raw_values(n)) for n in names)
            raise ValueError(
                f"index must give a position for each of {names} (sizes {sizes}), got {index!r}"
            )
        return space.key({n: space.raw_values(n)[i] for n, i in zip(names, index, strict=True)})

    @property
    def frame_keys(self) -> list:
        """Keys of the frames drawn, each the controls' raw values (menus by index)."""
        return list(self._ready()[1].store.frames)

    def frame_tiles(self, key: str) -> list:
        """The tile ids of frame ``key`` (drawn), painted in order."""
        store = self._ready()[1].store
        if key not in store.frames:
            raise ValueError(f"key {key!r} is not a frame drawn (see frame_keys)")
        return list(store.frames[key])

    @property
    def tile_bytes(self) -> int:
        """Bytes of every tile kept (PNG)."""
        return sum(map(len, self._ready()[1].store.tiles.values()))

    @property
    def tile_ids(self) -> set:
        """Ids of every tile kept."""
        return set(self._ready()[1].store.tiles)

    @property
    def frames_pending(self) -> int:
        """How many frames are still to be drawn (0 once every one planned is ready)."""
        return self._ready()[1].pending

    pending = frames_pending

    @property
    def planned(self) -> list:
        """Keys of the frames still to be drawn, next first."""
        return list(self._ready()[1].queue)

    @property
    def updates(self) -> int:
        """Frames drawn because they were asked for (by the page, or by ``frame()``)."""
        return self._ready()[1].drawn_on_demand

    def request(self, key, tiles=()) -> dict:
        """Do what the page's request for frame ``key`` does (``{"type": "need"}``): draw
        it if needed and send it; returns the message sent (see ``protocol``)."""
        if not isinstance(tiles, (list, tuple, set)):
            raise TypeError("tiles must be a list of tile ids")
        frames = self._ready()[1]
        with frames.lock:
            return frames.answer(key, list(tiles))

    @property
    def click_regions(self) -> list:
        """The clickable regions the page has (box, limits, table: see ``Picture.clicks``)."""
        return list(self.picture.clicks)

    @property
    def click_axes(self) -> list:
        """The axes with a click handler, in the order of ``click_regions``."""
        return list(self._clicks.handlers)
