"""Each control's value text (issue 23: "a value text that says what the value means"):
``Explorer.value_text(name, values)`` is asked for every control of every frame drawn, right
after ``describe``; the texts are stored with the frame (``frame_value_texts``), sent with it
(``"valuetexts"`` in a ``frames`` message and in the widget's state) and forgotten with it. The
base class says "label value" (a menu's option as shown)."""

import ipywidgets as widgets
import pytest

from cnnlessons.engine import Explorer


class Squares(Explorer):
    """Shows n and n squared (a toy explorer whose slider says what its value does)."""

    figsize = (2, 1)

    def __init__(self, renderer="frames", meaning=True):
        self.meaning = meaning
        controls = {
            "n": widgets.IntSlider(1, 0, 5, description="side n"),
            "m": widgets.Dropdown(options=[("letter a", "a"), ("letter b", "b")]),
            "t": widgets.ToggleButtons(options=[1, 2], description="times"),
        }
        frame_control = ("n", "m", "t") if renderer == "frames" else None
        super().__init__(controls, renderer=renderer, frame_control=frame_control)

    def build(self, fig):
        ax = fig.add_subplot()
        self.label = ax.text(0.5, 0.5, "")
        self.animate(self.label)

    def update(self, n=1, m="a", t=1):
        self.area = t * n * n  # state value_text reads
        self.label.set_text(f"{m}: {self.area}")
        return [self.label]

    def describe(self, n=1, m="a", t=1):
        return f"Area {self.area}."

    def value_text(self, name, values):
        if self.meaning and name == "n":
            return f"side {values['n']}: area {self.area}"
        return super().value_text(name, values)


def test_every_frame_has_a_value_text_per_control_for_its_values():
    e = Squares()
    assert len(e.frame_keys) == 6 * 2 * 2
    for key in e.frame_keys:
        n, m, t = (int(v) for v in key.split(","))
        assert e.frame_value_texts(key) == {
            "n": f"side {n}: area {(t + 1) * n * n}",  # read from what update set
            "m": f"m letter {'ab'[m]}",  # no description: the name; the option's label
            "t": f"times {t + 1}",
        }
    e.controls["n"].value = 3
    assert e.frame_value_texts()["n"] == "side 3: area 9"
    with pytest.raises(ValueError, match="key"):
        e.frame_value_texts("9,0,0")


def test_the_default_says_label_and_value():
    e = Squares(meaning=False)
    assert e.frame_value_texts(e.key_of(n=4, m=1, t=0)) == {
        "n": "side n 4", "m": "m letter b", "t": "times 1"}  # fmt: skip


def test_messages_and_the_widget_state_carry_them_and_forget_them():
    e = Squares(renderer="blit")
    assert e.picture.valuetexts == {"1,0,0": e.frame_value_texts("1,0,0")}
    message = e.request(e.key_of(n=5, m=1))
    assert message["valuetexts"] == {"5,1,0": {
        "n": "side 5: area 25", "m": "m letter b", "t": "times 1"}}  # fmt: skip
    assert set(message["valuetexts"]) == set(message["frames"]) == set(message["texts"])
    e.finish_frames()
    assert set(e.picture.valuetexts) == set(e.picture.frames)


def test_forgotten_frames_lose_their_value_texts():
    from cnnlessons.engine.tiles import TileStore

    store = TileStore()
    store.frames.update({"a": [0], "b": [0]})
    store.valuetexts.update({"a": {"n": "n 1"}, "b": {"n": "n 2"}})
    store.forget(["a"])
    assert store.valuetexts == {"b": {"n": "n 2"}}


def test_a_value_text_that_is_not_a_string_is_refused():
    class Bad(Squares):
        def value_text(self, name, values):
            return 3

    with pytest.raises(TypeError, match="value_text"):
        Bad()
