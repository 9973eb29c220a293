"""Explorers driven headlessly, as a learner would drive them: set a control, check the arrays
behind the picture and the picture itself."""

import asyncio
import base64
import io
import itertools
import random

import matplotlib as mpl
import numpy as np
import pytest

import cnnlessons as cl
from cnnlessons.explorers import SlidingWindowExplorer

RENDERERS = ["frames", "blit"]


def pixels(explorer):
    """What the page shows now, as RGB floats in [0, 1]."""
    return (
        explorer.frame()[..., :3]
        if explorer.renderer == "frames"
        else np.asarray(explorer.canvas.buffer_rgba())[..., :3] / 255
    )


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
        blit.canvas.draw()
        np.testing.assert_allclose(pixels(blit), incremental, atol=1 / 255)
        np.testing.assert_allclose(pixels(frames), incremental, atol=1 / 255)


def test_first_blit_after_construction_equals_a_full_redraw():
    """Before the page asks for its first draw, the canvas holds no picture: the first
    update must not blit over an empty background (it did, once)."""
    blit = SlidingWindowExplorer(renderer="blit")
    blit.controls["position"].value = 11  # an animated-only change
    incremental = pixels(blit).copy()
    blit.canvas.draw()
    np.testing.assert_allclose(pixels(blit), incremental, atol=1 / 255)


def test_a_blit_explorer_changed_before_display_starts_the_page_from_a_valid_picture():
    """Until the page shows the canvas, ipympl keeps the picture to start from as a data
    URL; without its "data:" prefix the page's first image failed to load and the canvas
    never appeared (lesson 03's parameter counter, made with a preset)."""
    e = SlidingWindowExplorer(renderer="blit")
    e.controls["position"].value = 6
    url = e.canvas._data_url
    prefix = "data:image/png;base64,"
    assert url.startswith(prefix)
    shown = mpl.image.imread(io.BytesIO(base64.b64decode(url[len(prefix) :])), format="png")
    np.testing.assert_allclose(shown[..., :3], pixels(e), atol=1 / 255)


@pytest.mark.parametrize("renderer", ["frames", "blit"])
def test_an_echoed_value_or_the_play_button_does_not_redraw(renderer):
    """The browser echoes values back (Play is jslink-ed to the slider): each must not cost
    a second redraw; on the page, a second image in quick succession used to cancel the
    first one's load."""
    e = SlidingWindowExplorer(renderer=renderer)
    e.controls["position"].value = 11
    updates = e.updates
    e.controls["play"].value = 11  # what the jslink does in the browser
    e.controls["position"].value = 11
    assert e.updates == updates
    e.controls["position"].value = 12
    assert e.updates == updates + (renderer == "blit")


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


def test_a_real_mouse_event_reaches_the_click_handler():
    """The path a browser click takes: a matplotlib button_press_event at pixel coordinates."""
    from matplotlib.backend_bases import MouseButton, MouseEvent

    e = SlidingWindowExplorer(renderer="blit")
    ax = e.view.axes["output"]
    x, y = ax.transData.transform((1, 2))  # column 1, row 2
    MouseEvent("button_press_event", e.canvas, x, y, button=MouseButton.LEFT)._process()
    assert e.window == (2, 1)


def test_frames_renderer_jslinks_every_control_to_the_pictures():
    """16 positions x 5 kernels: an outer Stack per position, linked to the slider (one
    link: the slider is dragged, and each link costs a message), an inner one per kernel,
    linked to the menu's index. Neither control needs the kernel."""
    e = SlidingWindowExplorer()
    kernel, position = e.controls["kernel"], e.controls["position"]
    assert len(e.frames.children) == 16
    assert all(len(inner.children) == len(kernel.options) == 5 for inner in e.frames.children)
    sources = {}
    for link in e.frame_links:
        sources.setdefault(link.source, []).append(link.target)
    assert sources[(position, "value")] == [(e.frames, "selected_index")]
    assert sorted(id(t[0]) for t in sources[(kernel, "index")]) == sorted(
        id(inner) for inner in e.frames.children
    )
    assert all(len(img.value) > 1000 for img in e._images.values())
    updates = e.updates
    position.value = 5
    kernel.value = "blur"
    assert e.updates == updates  # the browser swaps frames: no drawing in the kernel
    assert e.frames_pending == 0


def test_in_a_running_kernel_the_first_frames_come_first_and_the_rest_follow():
    """With an event loop running (as in a notebook), construction draws the current
    kernel's 16 frames and leaves the other 64 to the loop; they end up exactly the frames
    drawn all at once."""

    async def build():
        e = SlidingWindowExplorer(kernel="blur")
        pending = e.frames_pending
        for _ in range(600):
            if not e.frames_pending:
                break
            await asyncio.sleep(0.01)
        return e, pending

    lazy, pending = asyncio.run(build())
    assert pending == 64
    assert lazy.frames_pending == 0
    eager = SlidingWindowExplorer(kernel="blur")
    for index in [(0, 0), (5, 1), (15, 2), (9, 4)]:  # (position, kernel)
        np.testing.assert_array_equal(lazy.frame(index), eager.frame(index))
    assert lazy.window == eager.window  # the arrays follow the controls, not the last frame


def test_the_explorer_displays_itself_and_keeps_the_notebook_backend():
    backend = mpl.rcParams["backend"]
    e = SlidingWindowExplorer(renderer="blit")
    bundle = e._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert mpl.rcParams["backend"] == backend
    assert "cnnl-explorer" in e.widget._dom_classes
    assert "cnnl-control-position" in e.controls["position"]._dom_classes


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
