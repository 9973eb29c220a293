"""Explorers driven headlessly, as a learner would drive them: set a control, check the arrays
behind the picture and the picture itself."""

import asyncio
import itertools
import os
import random
import subprocess
import sys

import numpy as np
import pytest
from pictures import pixels, redrawn

import cnnlessons as cl
from cnnlessons.lesson01.explorers import SlidingWindowExplorer

RENDERERS = ["frames", "blit"]


#: turns of the event loop in a row without a new frame after which the background drawing
#: counts as stopped. Each turn lasts at least 10 ms and each of the engine's background steps
#: draws at least one frame, so on a slow machine turns are longer, never fruitless: this
#: bound does not depend on the machine's speed.
STALLED_TURNS = 1000


async def drained(*explorers) -> None:
    """Let the event loop run until every explorer has drawn its background frames. There is
    no deadline: it fails only if the drawing stops making progress."""
    pending, stalled = None, 0
    while True:
        now = sum(e.frames_pending for e in explorers)
        if now == 0:
            return
        stalled = stalled + 1 if now == pending else 0
        assert stalled < STALLED_TURNS, f"background drawing stopped with {now} frames left"
        pending = now
        await asyncio.sleep(0.01)


@pytest.fixture(params=RENDERERS)
def explorer(request):
    return SlidingWindowExplorer(renderer=request.param)


def test_every_position_and_kernel(explorer):
    position, kernel = explorer.controls["position"], explorer.controls["kernel"]
    assert (position.min, position.max) == (0, 15)
    for name in kernel.options:
        kernel.value = name
        w = cl.kernel(name)
        for p in range(position.min, position.max + 1):
            position.value = p
            row, col = divmod(p, 4)
            assert explorer.window == (row, col)
            np.testing.assert_array_equal(explorer.patch, explorer.x[row : row + 3, col : col + 3])
            np.testing.assert_allclose(explorer.products, explorer.patch * w)
            shown = explorer.output_shown
            done = np.arange(16).reshape(4, 4) <= p
            np.testing.assert_allclose(shown[done], cl.conv2d(explorer.x, w)[done])
            assert np.isnan(shown[~done]).all()


def test_the_classic_example_fills_in_0_30_30_0(explorer):
    explorer.controls["position"].value = 15
    np.testing.assert_array_equal(explorer.output_shown, [[0, 30, 30, 0]] * 4)
    explorer.controls["position"].value = 5
    assert explorer.products.sum() == 30 and explorer.window == (1, 1)


def test_window_highlight_is_where_the_slider_says(explorer):
    explorer.controls["position"].value = 6  # row 1, column 2
    x, y = explorer.view.window.get_xy()
    assert (x, y) == (2 - 0.5, 1 - 0.5)
    assert explorer.view.cell.get_xy() == (2 - 0.5, 1 - 0.5)


def test_random_combinations_and_extremes(explorer):
    rng = random.Random(0)
    position, kernel = explorer.controls["position"], explorer.controls["kernel"]
    combos = [(position.min, kernel.options[0]), (position.max, kernel.options[-1])]
    combos += [
        (rng.randint(position.min, position.max), rng.choice(kernel.options)) for _ in range(25)
    ]
    for p, name in combos:
        kernel.value, position.value = name, p
        row, col = divmod(p, 4)
        assert explorer.products.sum() == pytest.approx(
            cl.conv2d(explorer.x, cl.kernel(name))[row, col]
        )


@pytest.mark.parametrize("steps", [[5, 0, 15, 7], [15, 14, 3]])
def test_incremental_picture_equals_a_full_redraw(steps):
    """Blitting restores and redraws parts of the canvas: after any sequence of changes the
    picture must be exactly what a from-scratch drawing of the same state shows."""
    blit = SlidingWindowExplorer(renderer="blit")
    frames = SlidingWindowExplorer(renderer="frames")
    for name, p in itertools.product(["sharpen", "blur"], steps):
        for e in (blit, frames):
            e.controls["kernel"].value = name
            e.controls["position"].value = p
        incremental = pixels(blit)
        np.testing.assert_array_equal(redrawn(blit), incremental)
        np.testing.assert_array_equal(pixels(frames), incremental)


def test_first_blit_after_construction_equals_a_full_redraw():
    """Before the page asks for its first draw, the canvas holds no picture: the first
    update must not blit over an empty background (it did, once)."""
    blit = SlidingWindowExplorer(renderer="blit")
    blit.controls["position"].value = 11  # an animated-only change
    incremental = pixels(blit)
    np.testing.assert_array_equal(redrawn(blit), incremental)


@pytest.mark.parametrize("renderer", ["frames", "blit"])
def test_a_move_draws_nothing_until_the_page_asks_and_an_echo_nothing_at_all(renderer):
    """One requester: a control's move reaches the kernel, which lets the arrays follow but
    neither draws nor sends the frame the page will ask for; the page's request draws it
    (blit) or finds it drawn (frames). The browser echoes values back (Play is jslink-ed to
    the slider): an echo costs nothing at all."""
    e = SlidingWindowExplorer(renderer=renderer)
    sent = []
    e.picture.send = lambda content, buffers=None: sent.append(content)
    e.controls["position"].value = 11
    e.request(e.key)
    updates, messages = e.updates, len(sent)
    e.controls["play"].value = 11  # what the jslink does in the browser
    e.controls["position"].value = 11
    assert e.updates == updates and len(sent) == messages
    e.controls["position"].value = 12
    assert e.window == (3, 0)  # the arrays follow at once
    assert e.updates == updates and len(sent) == messages  # nothing drawn nor sent
    answer = e.request(e.key)
    assert e.updates == updates + (renderer == "blit")
    assert answer["answer"] == e.key and list(answer["frames"]) == [e.key]

def test_the_picture_changes_with_the_slider(explorer):
    before = pixels(explorer).copy()
    explorer.controls["position"].value = 9
    assert np.abs(pixels(explorer) - before).max() > 0.5


def test_clicks_move_the_window():
    e = SlidingWindowExplorer(renderer="blit")
    e.click(e.view.axes["output"], 2, 3)
    assert e.window == (2, 3) and e.controls["position"].value == 11
    e.click(e.view.axes["input"], 5, 5)  # a corner of the input: the last window that fits
    assert e.window == (3, 3)
    with pytest.raises(ValueError, match="nothing happens"):
        e.click(e.view.axes["kernel"], 0, 0)


def test_the_page_gets_a_click_table_that_does_what_the_handler_does():
    """Clicks are answered in the browser: for every cell of the clickable axes the page has
    the values the Python handler sets (a table), worked out without moving the controls."""
    e = SlidingWindowExplorer()
    updates, position = e.updates, e.controls["position"].value
    regions = e.picture.clicks
    assert len(regions) == 2  # the output and the input
    output, inputs = regions
    at = list(e.raws).index("position")
    # output region: cells (0..3, 0..3); cell (2, 3) sets position 11
    assert output["rows"] == [0, 3] and output["cols"] == [0, 3]
    assert output["table"][2][3][at] == 11
    # input region: the 6x6 input; its corner (5, 5) is the last window that fits, (3, 3)
    assert inputs["rows"] == [0, 5] and inputs["table"][5][5][at] == 15
    # the window's corner at (0, 0) is position 0, the one shown when the table was made:
    # still in the table (a click there, after the learner moved away, brings it back), and
    # the kernel menu, which no click sets, left alone
    assert inputs["table"][0][0] == [0, None]
    # the table was worked out without a redraw and left the controls alone
    assert e.updates == updates and e.controls["position"].value == position
    # its box is where the output axes are on the canvas (canvas pixels from the top left)
    ax = e.view.axes["output"]
    height = e.picture.height
    x0, y0, x1, y1 = ax.bbox.extents
    assert output["box"] == pytest.approx([x0, height - y1, x1, height - y0])
    assert output["ylim"] == pytest.approx([-0.5, 3.5])  # row -0.5 at the top


def test_every_combination_is_a_frame_and_frames_share_tiles():
    """16 positions x 5 kernels: a frame each, keyed by the controls' values as the page
    reads them (the menu by index); tiles that look alike are sent once."""
    e = SlidingWindowExplorer()
    kernel = e.controls["kernel"]
    keys = {f"{p},{k}" for p in range(16) for k in range(len(kernel.options))}
    assert set(e.frame_keys) == keys and e.frames_pending == 0
    frames = [e.frame_tiles(k) for k in e.frame_keys]
    tiles = [t for ids in frames for t in ids]
    assert len(set(tiles)) < len(tiles) / 2  # shared: the background, unchanged panels
    # a background per kernel (the kernel and the output are drawn in it), shared by its
    # 16 positions
    assert len({ids[0] for ids in frames}) == len(kernel.options)
    updates = e.updates
    e.controls["position"].value = 5
    kernel.value = "blur"
    assert e.updates == updates  # the page swaps frames: no drawing in the kernel


def test_the_widget_state_holds_every_frame_as_binary_buffers():
    """A static HTML export keeps the widget state: every tile must be in it as a binary
    buffer, every frame's tiles known, every control referenced by its model."""
    from ipywidgets.widgets.widget import _remove_buffers

    e = SlidingWindowExplorer()
    state, paths, buffers = _remove_buffers(e.picture.get_state())
    assert len(buffers) == len(e.tile_ids) and all(p[0] == "tiles" for p in paths)
    assert set(state["frames"]) == set(e.frame_keys)
    assert {t for ids in state["frames"].values() for t in ids} == e.tile_ids
    refs = [c["ref"] for c in state["controls"]]
    assert refs == [f"IPY_MODEL_{e.controls[n].model_id}" for n in ("position", "kernel")]
    assert state["width"] == 2 * 940 and state["scale"] == 2  # drawn at 2x
    assert "export default" in state["_esm"]


def assert_same_picture(got, expected):
    """The same picture, every pixel equal."""
    apart = np.any(got != expected, axis=-1)
    assert not apart.any(), f"{apart.sum()} pixels differ, first at {np.argwhere(apart)[:3]}"


def test_a_frame_is_the_same_whatever_was_drawn_before(monkeypatch):
    """Blit regions that overlap are restored and drawn again together, in the order of a
    full draw: a frame's pixels do not depend on the frames drawn before it (once, 4
    pixels at a region's corner came out one level apart, depending on the order)."""
    import random

    from cnnlessons.engine import renderers

    eager = SlidingWindowExplorer(kernel="blur")
    keys = eager.frame_keys
    expected = {k: eager.frame(key=k) for k in keys}
    monkeypatch.setattr(renderers, "SYNC_BUDGET", 0.0)

    async def in_order(order):
        # in a running loop, nothing but the first frame is drawn before the background
        # runs, and it cannot run before this returns: the frames are drawn in our order
        other = SlidingWindowExplorer(kernel="blur")
        assert other.frame_keys == [other.key]
        return {k: other.frame(key=k) for k in order}

    for seed in (0, 1):  # orders that, before, gave 4 pixels one level apart
        shuffled = random.Random(seed).sample(keys, len(keys))
        for k, got in asyncio.run(in_order(shuffled)).items():
            assert_same_picture(got, expected[k])


@pytest.mark.parametrize("renderer", RENDERERS)
def test_every_frame_is_exactly_what_a_full_redraw_draws(renderer):
    """The page composes a frame from tiles; the result must be the figure, pixel for pixel,
    as a full draw of the same state paints it."""
    e = SlidingWindowExplorer(renderer=renderer)
    for name, p in [("sharpen", 0), ("sharpen", 9), ("identity", 15), ("blur", 4)]:
        e.controls["kernel"].value = name
        e.controls["position"].value = p
        page = e.frame()
        e.canvas.draw()
        full = np.asarray(e.canvas.buffer_rgba())[..., :3].astype(np.float32) / 255
        assert_same_picture(page[..., :3], full)


def test_a_frame_the_page_asks_for_is_drawn_and_sent():
    """Blit renderer: the page asks ("need") for a frame it does not have; the kernel draws
    it and sends its tiles; a bad request is answered with no frame (the page then stops
    asking for it)."""
    e = SlidingWindowExplorer(renderer="blit")
    sent = []
    e.picture.send = lambda content, buffers=None: sent.append((content, buffers))
    assert "9,2" not in e.frame_keys
    e.request("9,2")
    ((content, buffers),) = sent
    assert content["type"] == "frames" and list(content["frames"]) == ["9,2"]
    assert content["answer"] == "9,2"
    assert len(buffers) == len(content["ids"]) >= 1
    assert e.controls["position"].value == 0  # the controls did not move
    for bad in ["99,0", "1", "a,b", None]:
        e.request(bad)
    assert len(sent) == 5
    assert all(c["frames"] == {} and not b and "answer" in c for c, b in sent[1:])
    # what was drawn for the page is what the controls show when moved there
    expected = e.frame((9, 2))
    e.controls["kernel"].value = "blur"
    e.controls["position"].value = 9
    np.testing.assert_array_equal(e.frame(), expected)


def test_every_request_is_answered_without_the_tiles_the_page_holds():
    """The kernel answers every request; it leaves out only the tiles it knows the page
    holds, and sends again the ones the page says it lacks (a page opened again starts
    from the widget's state, not from the messages)."""
    e = SlidingWindowExplorer(renderer="blit")
    sent = []
    e.picture.send = lambda content, buffers=None: sent.append((content, buffers))
    e.controls["position"].value = 9
    key = e.key
    e.request(key)
    e.request(key)
    background = e.frame_tiles(key)[0]  # in the widget's state since construction: held
    e.request(key, tiles=[background])
    (first, _), (again, none), (lacking, one) = sent
    tiles = e.frame_tiles(key)
    assert first["frames"] == again["frames"] == lacking["frames"] == {key: tiles}
    assert background not in first["ids"] and set(first["ids"]) == set(tiles[1:])
    assert again["ids"] == [] and none == []
    assert lacking["ids"] == [background] and len(one) == 1
    assert e.updates == 1  # drawn once, answered three times


def test_the_background_draws_along_every_control_after_a_move():
    """In a running kernel, after a move the blit renderer draws in the background the
    frames at every value of each control (the others as they are): a drag along any one
    control then finds every frame drawn; the move itself draws nothing."""
    from cnnlessons.lesson01.explorers import OutputSizeExplorer

    async def run():
        e = OutputSizeExplorer()
        e.controls["i"].value = 8
        e.controls["k"].value = 2
        at_once = list(e.frame_keys)
        await drained(e)
        return e, at_once

    e, at_once = asyncio.run(run())
    assert len(at_once) == 1  # the first frame only: the moves drew nothing
    along = set()
    for name, (lo, hi) in e.LIMITS.items():
        for v in range(lo, hi + 1):
            along.add(e.key_of(**{name: v}))
    assert len(along) == 1 + sum(hi - lo for lo, hi in e.LIMITS.values())  # 18
    # all but the one the controls select: that one the page asks for
    assert along - set(e.frame_keys) == {e.key}
    # and each is the frame a fresh explorer moved there draws
    e.controls["dilation"].value = 3
    fresh = OutputSizeExplorer()
    for name, value in e.values.items():
        fresh.controls[name].value = value
    assert len(fresh.frame_keys) == 1  # only the first frame: drawn from scratch
    np.testing.assert_array_equal(e.frame(), fresh.frame())


def test_blit_keeps_at_most_keep_frames_and_the_page_forgets_the_rest(monkeypatch):
    """A long session must not grow without bound: beyond ``KEEP`` frames the farthest
    from the controls' values are forgotten with the tiles only they used, and the page
    is told; the frames kept are untouched."""
    from cnnlessons.engine import renderers
    from cnnlessons.lesson01.explorers import OutputSizeExplorer

    monkeypatch.setattr(renderers, "KEEP", 20)
    e = OutputSizeExplorer(i=3, k=1, padding=0, stride=1, dilation=1)
    sent = []
    e.picture.send = lambda content, buffers=None: sent.append(content)
    names = list(e.raws)

    def key(values):
        return e.key_of(**dict(zip(names, values, strict=True)))

    near = e.key
    kept = e.frame(key=near)
    keys = [key(v) for v in itertools.product(range(3, 10), [1], [0], [1], [1, 2])]
    for k in keys:  # i from 3 to 9, dilation 1 and 2: 14 frames, then 14 more
        e.frame(key=k)
    for k in [key(v) for v in itertools.product(range(3, 10), [1], [0, 1], [2], [1])]:
        e.frame(key=k)
    assert len(e.frame_keys) <= 20
    forgets = [m for m in sent if m["type"] == "forget"]
    assert forgets and all(k not in e.frame_keys for m in forgets for k in m["frames"])
    far = key([9, 1, 0, 1, 2])  # 6 + 1 steps away: among the first forgotten
    assert far in forgets[0]["frames"]
    used = {t for k in e.frame_keys for t in e.frame_tiles(k)}
    assert used == e.tile_ids  # no tile without a frame
    np.testing.assert_array_equal(e.frame(key=near), kept)


def test_in_a_running_kernel_the_current_frames_come_first_and_the_rest_follow():
    """With an event loop running (as in a notebook), construction draws frames for a
    moment (the current values first) and leaves the rest to the loop, nearest first; they
    end up exactly the frames drawn all at once."""
    from cnnlessons.engine import renderers

    async def build():
        budget, renderers.SYNC_BUDGET = renderers.SYNC_BUDGET, 0.0  # a slow machine
        try:
            e = SlidingWindowExplorer(kernel="blur")
        finally:
            renderers.SYNC_BUDGET = budget
        drawn, pending, queue = list(e.frame_keys), e.frames_pending, e.planned
        await drained(e)
        return e, drawn, pending, queue

    lazy, drawn, pending, queue = asyncio.run(build())
    assert drawn == ["0,2"] and pending == 79  # the frame shown first, alone
    assert queue[:2] == ["1,2", "2,2"]  # then the slider's next positions, same kernel
    assert lazy.frames_pending == 0
    eager = SlidingWindowExplorer(kernel="blur")
    for index in [(0, 0), (5, 1), (15, 2), (9, 4)]:  # (position, kernel)
        assert_same_picture(lazy.frame(index), eager.frame(index))
    assert lazy.window == eager.window  # the arrays follow the controls, not the last frame


def test_the_explorer_displays_itself_with_classes_the_page_finds():
    e = SlidingWindowExplorer()
    bundle = e._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert "cnnl-explorer" in e.widget._dom_classes
    assert "cnnl-picture" in e.picture._dom_classes
    assert "cnnl-control-position" in e.controls["position"]._dom_classes


def test_importing_and_showing_explorers_keeps_the_notebook_backend():
    """In a fresh interpreter (an earlier test cannot have imported anything for it):
    explorers never switch matplotlib's backend, never import pyplot or ipympl."""
    code = (
        "import sys, matplotlib as mpl\n"
        "before = mpl.rcParams._get('backend')  # as set, unresolved (resolving imports pyplot)\n"
        "from cnnlessons.lesson01.explorers import SlidingWindowExplorer\n"
        "bundle = SlidingWindowExplorer(renderer='blit')._repr_mimebundle_()\n"
        "assert 'application/vnd.jupyter.widget-view+json' in bundle, bundle\n"
        "assert mpl.rcParams._get('backend') == before, (before, mpl.rcParams._get('backend'))\n"
        "bad = [m for m in ('ipympl', 'matplotlib.pyplot') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr


def test_documented_arguments_work_or_name_the_learners_argument():
    """An 8x8 input (36 positions x 5 kernels) and 12 units (12 x 4 x 2 x 2) are in the
    documented ranges: they work (the frames drawn in the background of a running kernel);
    a photo step outside its range names ``step``."""
    from cnnlessons.lesson01.explorers import PhotoExplorer
    from cnnlessons.lesson02.explorers import ConnectionsExplorer

    async def build():
        return SlidingWindowExplorer(x=np.ones((8, 8))), ConnectionsExplorer(n_inputs=12)

    window, connections = asyncio.run(build())
    assert window.controls["position"].max == 35
    assert window.frame().shape[:2] == (680, 1880)
    assert connections.controls["unit"].max == 11
    with pytest.raises(ValueError, match="step must be between 1"):
        PhotoExplorer(step=400)
    with pytest.raises(TypeError, match="step must be an integer"):
        PhotoExplorer(step=2.5)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"x": np.ones((2, 5))}, ValueError, "between 3x3 and 10x10"),
        ({"x": np.ones((11, 5))}, ValueError, "between 3x3 and 10x10"),
        ({"x": np.ones(5)}, ValueError, "x must have 2 dimensions"),
        ({"kernel": "edges"}, ValueError, "kernel must be one of"),
        ({"renderer": "svg"}, ValueError, "renderer must be one of 'frames', 'blit'"),
    ],
)
def test_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        SlidingWindowExplorer(**kwargs)


def test_the_state_gets_the_frames_at_finish_not_after_each_background_batch():
    """In a running kernel, frames drawn in the background reach the page by message; the
    widget's state (what an export saves) is filled by ``finish_frames`` only, so no frame
    is sent twice while the learner works. A blit picture's state then holds only the frame
    its controls select (a static page cannot move it); a frames picture's, every frame."""
    from cnnlessons.engine import renderers
    from cnnlessons.lesson01.explorers import OutputSizeExplorer

    async def run():
        budget, renderers.SYNC_BUDGET = renderers.SYNC_BUDGET, 0.0
        try:
            frames = SlidingWindowExplorer(kernel="blur")
        finally:
            renderers.SYNC_BUDGET = budget
        blit = OutputSizeExplorer()
        blit.controls["i"].value = 8
        await drained(frames, blit)
        return frames, blit

    frames, blit = asyncio.run(run())
    assert len(frames.frame_keys) == 80 and list(frames.picture.frames) == ["0,2"]
    frames.finish_frames()
    assert set(frames.picture.frames) == set(frames.frame_keys)
    assert len(blit.frame_keys) > 10
    blit.finish_frames()
    (key,) = blit.picture.frames
    assert key == blit.key and set(blit.picture.tiles) == set(map(str, blit.frame_tiles(key)))
