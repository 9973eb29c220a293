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


def test_the_inspection_api_names_bad_arguments():
    e = Late()
    with pytest.raises(ValueError, match="key"):
        e.frame(key="9")
    with pytest.raises(ValueError, match="key"):
        e.frame(key=3)
    with pytest.raises(ValueError, match="index"):
        e.frame(7)
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
