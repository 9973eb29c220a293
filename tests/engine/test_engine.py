"""The engine's parts on their own: the compositor, the frame key, construction in either
order, the public inspection API's argument checks."""

import io

import numpy as np
import pytest

from cnnlessons.engine import Explorer, compose, explorers, finish_all, png_bytes


def png(rgb) -> bytes:
    return png_bytes(np.asarray(rgb, dtype=np.uint8))


def test_compose_paints_tiles_in_order_at_their_boxes():
    """By hand: a 3x4 white background, a red 1x2 tile at (x=1, y=0), then a blue 2x1 tile
    at (x=2, y=1) painted over where they meet nothing; ids as ints or strings."""
    white = np.full((3, 4, 3), 255)
    red = np.array([[[255, 0, 0], [255, 0, 0]]])
    blue = np.array([[[0, 0, 255]], [[0, 0, 255]]])
    tiles = {"0": png(white), "1": png(red), "2": png(blue)}
    boxes = {"0": [0, 0], "1": [1, 0], "2": [2, 1]}
    out = compose([0, 1, 2], tiles, boxes)
    expected = np.full((3, 4, 4), 255, dtype=np.uint8)
    expected[0, 1:3, :3] = [255, 0, 0]
    expected[1:3, 2, :3] = [0, 0, 255]
    np.testing.assert_array_equal(out, expected)
    # painted in order: the red tile over the blue one where they overlap
    boxes["1"] = [2, 1]
    assert tuple(compose([0, 2, 1], tiles, boxes)[1, 2, :3]) == (255, 0, 0)
    with pytest.raises(ValueError, match="ids"):
        compose([], tiles, boxes)
    with pytest.raises(ValueError, match="no tile 7"):
        compose([0, 7], tiles, boxes)


def test_compose_with_a_cache_decodes_each_tile_once_and_paints_the_same(monkeypatch):
    """Given ``decoded`` (a dict kept across calls), a tile shared by frames is decoded the
    first time only, and every frame is what compose paints without the cache."""
    import cnnlessons.engine.tiles as tiles_module

    rng = np.random.default_rng(1)
    tiles = {str(t): png(rng.integers(0, 256, (4, 5, 3))) for t in range(3)}
    tiles["3"] = png(rng.integers(0, 256, (2, 2, 3)))
    boxes = {"0": [0, 0], "1": [0, 0], "2": [0, 0], "3": [3, 2]}
    frames = [[0, 3], [1, 3], [0], [2, 3], [0, 3]]
    expected = [compose(ids, tiles, boxes) for ids in frames]
    calls = []
    real = tiles_module.decode_png
    monkeypatch.setattr(tiles_module, "decode_png", lambda data: calls.append(data) or real(data))
    cache = {}
    for ids, want in zip(frames, expected, strict=True):
        np.testing.assert_array_equal(compose(ids, tiles, boxes, decoded=cache), want)
    assert len(calls) == 4  # tiles 0, 3, 1, 2: each once, although 0 and 3 came back
    assert sorted(cache) == ["0", "1", "2", "3"]
    with pytest.raises(TypeError, match="decoded must be a dict"):
        compose([0], tiles, boxes, decoded=[])


def test_the_store_paints_each_frame_over_its_own_background_whichever_came_before():
    """Frames over two backgrounds, composed in turns (the store keeps the last background
    painted): each equals what the compositor paints from the PNG bytes; a frame is never
    painted over the other background, nor over a background forgotten and stored anew."""
    from cnnlessons.engine.tiles import TileStore

    rng = np.random.default_rng(2)
    store = TileStore()
    a, b = (rng.integers(0, 256, (5, 6, 3), dtype=np.uint8) for _ in range(2))
    patch = rng.integers(0, 256, (2, 2, 3), dtype=np.uint8)
    store.frames["a"] = [store.tile(a, 0, 0), store.tile(patch, 1, 1)]
    store.frames["b"] = [store.tile(b, 0, 0), store.tile(patch, 1, 1)]
    store.frames["a0"] = [store.tile(a, 0, 0)]
    for key in ["a", "b", "a0", "b", "a", "a0"]:
        np.testing.assert_array_equal(
            store.compose(key), compose(store.frames[key], store.tiles, store.boxes)
        )
    store.compose("b")
    store.forget(["b"])
    store.frames["c"] = [store.tile(b[::-1].copy(), 0, 0)]
    np.testing.assert_array_equal(store.compose("c")[..., :3], b[::-1])
    np.testing.assert_array_equal(store.compose("a0")[..., :3], a)


def test_the_store_composes_what_its_png_bytes_paint_whatever_it_kept(monkeypatch):
    """The store keeps tiles' pixels so it need not decode them; its frames equal what the
    compositor paints from the PNG bytes alone (the page's way), with every tile kept, with
    none (each decoded), after a frame is forgotten and when tiles are stored again."""
    from cnnlessons.engine.tiles import TileStore

    rng = np.random.default_rng(0)
    store = TileStore()
    background = rng.integers(0, 256, (6, 7, 3), dtype=np.uint8)
    for n in range(5):
        y, x = int(rng.integers(0, 4)), int(rng.integers(0, 5))
        patch = rng.integers(0, 256, (2, 2, 3), dtype=np.uint8)
        store.frames[f"f{n}"] = [store.tile(background, 0, 0), store.tile(patch, x, y)]
    decoded = 0

    def by_png(key):
        return compose(store.frames[key], store.tiles, store.boxes)

    for key in store.frames:
        np.testing.assert_array_equal(store.compose(key), by_png(key))
    monkeypatch.setattr(TileStore, "KEEP_PIXELS", 4)  # room for one 2x2 tile at a time
    import cnnlessons.engine.tiles as tiles_module

    real = tiles_module.decode_png

    def counting(data):
        nonlocal decoded
        decoded += 1
        return real(data)

    monkeypatch.setattr(tiles_module, "decode_png", counting)
    store.forget(["f0"])
    store.frames["f5"] = [store.tile(background, 0, 0), store.tile(background[:2, :3], 1, 1)]
    for key in store.frames:
        expected = by_png(key)
        before = decoded
        np.testing.assert_array_equal(store.compose(key), expected)
        # with room for one small tile, the store decoded a tile it had dropped, to the
        # same pixels
        assert decoded > before
    assert "f0" not in store.frames


def test_png_bytes_round_trips_and_checks_its_argument():
    from PIL import Image

    rgb = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    with Image.open(io.BytesIO(png_bytes(rgb))) as im:
        np.testing.assert_array_equal(np.asarray(im), rgb)
    with pytest.raises(TypeError, match="rgb"):
        png_bytes(rgb.astype(float))


class Late(Explorer):
    """An explorer that sets its state after ``super().__init__`` and uses the figure in
    its own ``__init__`` (the ordering trap: ``build`` used to run inside the base's)."""

    figsize = (2, 1)

    def __init__(self):
        import ipywidgets as widgets

        super().__init__({"n": widgets.IntSlider(1, 0, 3)}, frame_control="n")
        self.values_shown = [10, 20, 30, 40]  # after super(): build needs it
        self.on_click(self.ax, lambda row, col: self.controls["n"].__setattr__("value", col))

    def build(self, fig):
        self.ax = fig.add_subplot()
        self.ax.set_xlim(-0.5, 3.5)
        self.ax.set_ylim(-0.5, 0.5)
        self.label = self.ax.text(0, 0, "")
        self.animate(self.label)

    def update(self, n=1):
        self.label.set_text(str(self.values_shown[n]))
        return [self.label]


def test_a_subclass_may_set_its_state_after_super_init():
    e = Late()
    assert e.label.get_text() == "20"  # built with the state set after super().__init__
    assert sorted(e.frame_keys) == ["0", "1", "2", "3"]  # no loop: every frame drawn
    assert e in explorers()
    e.click(e.ax, 0, 3)
    assert e.controls["n"].value == 3 and e.label.get_text() == "40"
    assert len(e.click_regions) == 1 and e.click_axes == [e.ax]
    # one row of cells 0..3; each sets n to its column (column 1 too: the value held when
    # the table was made, which a click must bring back after the learner moved away)
    assert e.click_regions[0]["table"] == [[[0], [1], [2], [3]]]
    finish_all()  # every explorer alive: nothing left pending
    assert e.frames_pending == 0


def test_a_frame_in_bytes_is_the_frame_in_floats_times_255():
    """``dtype=np.uint8`` gives the page's bytes; the default floats are those bytes / 255."""
    e = Late()
    for key in e.frame_keys:
        raw = e.frame(key=key, dtype=np.uint8)
        assert raw.dtype == np.uint8 and raw.shape[2] == 4 and (raw[..., 3] == 255).all()
        np.testing.assert_array_equal(np.round(e.frame(key=key) * 255).astype(np.uint8), raw)
        np.testing.assert_array_equal(e.frame(key=key, dtype="uint8"), raw)
    # different frames, different bytes (the label's number changes)
    assert not np.array_equal(e.frame(key="0", dtype=np.uint8), e.frame(key="3", dtype=np.uint8))


def test_the_inspection_api_names_bad_arguments():
    e = Late()
    with pytest.raises(ValueError, match="key"):
        e.frame(key="9")
    with pytest.raises(ValueError, match="key"):
        e.frame(key=3)
    with pytest.raises(ValueError, match="index"):
        e.frame(7)
    with pytest.raises(TypeError, match="dtype"):
        e.frame(dtype=np.float64)
    with pytest.raises(TypeError, match="dtype"):
        e.frame(dtype="pixels")
    with pytest.raises(ValueError, match="name"):
        e.raw_range("m")
    with pytest.raises(ValueError, match="control"):
        e.key_of(n=9)
    with pytest.raises(ValueError, match="key"):
        e.frame_tiles("nope")
    with pytest.raises(TypeError, match="tiles"):
        e.request("1", tiles=5)
    with pytest.raises(ValueError, match="renderer"):
        Explorer({}, renderer="svg")
    with pytest.raises(TypeError, match="controls"):
        Explorer({})
    assert e.key_of(n=2) == "2" and e.raws == {"n": 1} and e.key == "1"


def test_blit_plans_every_value_of_the_control_moved_first():
    """After a move the blit renderer plans every other value of the control moved (the
    next STREAK the way it moved, then nearest first, the way it moved first at equal
    distance), then the values around the other controls."""
    import ipywidgets as widgets

    from cnnlessons.engine.controls import ControlSpace
    from cnnlessons.engine.renderers import RENDERERS, STREAK

    space = ControlSpace({"a": widgets.IntSlider(10, 0, 30), "b": widgets.IntSlider(2, 0, 4)})
    blit = RENDERERS["blit"]
    keys = blit.plan(space, (), {}, moved="a", direction=-1)
    line = [int(k.split(",")[0]) for k in keys[:30]]
    assert all(k.endswith(",2") for k in keys[:30])
    assert sorted(line) == [v for v in range(31) if v != 10]  # all of a's line first
    assert line[:STREAK] == list(range(9, 9 - STREAK, -1))  # the way it moved
    distance = [abs(v - 10) for v in line[STREAK:]]
    assert distance == sorted(distance)
    assert line.index(10 - (STREAK + 1)) < line.index(10 + STREAK + 1)  # a tie: ahead first
    assert keys[30:] == ["10,3", "10,1", "10,4", "10,0"]  # then b's values
    # while a moves, the frames along a are drawn now; others wait (none along b)
    assert blit.now(space, ["11,3", "9,2", "12,2"], "a") == "9,2"
    assert blit.now(space, ["11,3", "9,2"], "b") is None
    assert RENDERERS["frames"].now(space, ["11,3", "9,2"], "b") == "11,3"


def test_while_a_control_moves_the_background_draws_only_along_it(monkeypatch):
    """A drag on a busy machine: while the controls move (``QUIET``, here for the whole
    test, so nothing depends on the machine's speed) the kernel draws only frames along
    the control moved, and leaves the processor to the page once they are drawn."""
    import asyncio

    from cnnlessons.engine import frames as frameset
    from cnnlessons.lesson01.explorers import OutputSizeExplorer

    monkeypatch.setattr(frameset, "QUIET", 3600.0)

    async def run():
        e = OutputSizeExplorer()
        e.controls["i"].value = 8
        e.controls["i"].value = 9  # moving up along i
        for _ in range(2000):
            keys = set(e.frame_keys)
            if all(e.key_of(i=v) in keys for v in range(3, 10) if v != 9):
                break
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.05)  # more time: still nothing off the line
        return e

    e = asyncio.run(run())
    line = {e.key_of(i=v) for v in range(3, 10)}
    assert line - {e.key} <= set(e.frame_keys) <= line | {e.key_of(i=7)}
    assert e.frames_pending > 0  # the frames around the other controls wait


def test_no_frame_is_drawn_ahead_just_after_a_cell(monkeypatch):
    # "Run all" sends the next cell within milliseconds: drawing ahead waits AFTER_CELL after
    # a cell, so a frame being drawn never holds the next cell back. The wait's clock is a
    # fake one here: frozen, the wait never ends; moved on, it has ended (no speed assumed).
    import asyncio

    from cnnlessons.engine import live
    from cnnlessons.lesson01.explorers import OutputSizeExplorer

    now = [1000.0]
    monkeypatch.setattr(live, "clock", lambda: now[0])

    async def run():
        e = OutputSizeExplorer()  # blit: its frames ahead are drawn in the background
        live.cell_finished()  # a cell has just finished
        assert live.cells_quiet_in() == pytest.approx(live.AFTER_CELL)
        pending = e.frames_pending
        assert pending > 0
        for _ in range(30):  # many turns of the loop: still just after the cell
            await asyncio.sleep(0.01)
        held = e.frames_pending
        now[0] += live.AFTER_CELL  # the wait is over
        for _ in range(2000):
            if e.frames_pending < pending:
                break
            await asyncio.sleep(0.01)
        return pending, held, e.frames_pending

    pending, held, after = asyncio.run(run())
    assert held == pending  # nothing drawn ahead while a next cell may come
    assert after < pending  # then drawing ahead goes on
    now[0] = float("-inf")
    live.cell_finished()  # leaves no wait behind for the real clock
