"""Each frame's text alternative (the contract between issues 22 and 23): ``describe`` is
called right after ``update`` for the same values, its text is stored with the frame
(``frame_text``), sent with it (``"texts"`` in a ``frames`` message and in the widget's
state) and forgotten with it; the frames' pixels are the same with or without it."""

import ipywidgets as widgets
import pytest

from cnnlessons.engine import Explorer


class Squares(Explorer):
    """Shows n and n squared (a toy explorer with a text alternative)."""

    figsize = (2, 1)

    def __init__(self, renderer="frames", describe=True):
        self.with_text = describe
        controls = {"n": widgets.IntSlider(1, 0, 5), "m": widgets.Dropdown(options=["a", "b"])}
        super().__init__(controls, renderer=renderer,
                         frame_control=("n", "m") if renderer == "frames" else None)  # fmt: skip

    def build(self, fig):
        ax = fig.add_subplot()
        self.label = ax.text(0.5, 0.5, "")
        self.animate(self.label)

    def update(self, n=1, m="a"):
        self.square = n * n  # state describe reads
        self.label.set_text(f"{m}: {self.square}")
        return [self.label]

    def describe(self, n=1, m="a"):
        if not self.with_text:
            return super().describe(n=n, m=m)
        return f"Menu {m}. {n} squared is {self.square}."


def test_every_frame_has_the_text_describe_gives_for_its_values():
    e = Squares()
    assert len(e.frame_keys) == 12
    for key in e.frame_keys:
        n, m = (int(v) for v in key.split(","))
        assert e.frame_text(key) == f"Menu {'ab'[m]}. {n} squared is {n * n}."
    e.controls["n"].value = 4
    assert e.frame_text() == "Menu a. 4 squared is 16."  # the frame the controls select
    with pytest.raises(ValueError, match="key"):
        e.frame_text("9,0")


def test_the_text_is_drawn_on_demand_with_the_frame():
    e = Squares(renderer="blit")
    key = e.key_of(n=3, m=1)
    assert key not in e.frame_keys
    assert e.frame_text(key) == "Menu b. 3 squared is 9."
    assert key in e.frame_keys and e.updates == 1
    assert e.frame_text() == "Menu a. 1 squared is 1."  # the artists back at the controls


def test_messages_and_the_widget_state_carry_the_texts():
    e = Squares(renderer="blit")
    assert e.picture.texts == {"1,0": "Menu a. 1 squared is 1."}
    assert set(e.picture.texts) == set(e.picture.frames)
    sent = []
    e.picture.send = lambda content, buffers=None: sent.append(content)
    e.request("5,1")
    ((message,),) = [sent]
    assert message["texts"] == {"5,1": "Menu b. 5 squared is 25."}
    assert set(message["texts"]) == set(message["frames"])
    e.finish_frames()
    assert set(e.picture.texts) == set(e.picture.frames)
    frames = Squares()
    assert frames.picture.texts == {k: frames.frame_text(k) for k in frames.frame_keys}
    assert len(frames.picture.texts) == 12


def test_forgotten_frames_lose_their_texts(monkeypatch):
    from cnnlessons.engine import renderers
    from cnnlessons.engine.tiles import TileStore

    store = TileStore()
    store.frames.update({"a": [0], "b": [0]})
    store.texts.update({"a": "A.", "b": "B."})
    store.forget(["a"])
    assert store.texts == {"b": "B."}

    monkeypatch.setattr(renderers, "KEEP", 4)
    e = Squares(renderer="blit")
    sent = []
    e.picture.send = lambda content, buffers=None: sent.append(content)
    for n in range(6):
        for m in range(2):
            e.frame_text(e.key_of(n=n, m=m))
    forgot = [k for msg in sent if msg["type"] == "forget" for k in msg["frames"]]
    assert forgot and all(k not in e.frame_keys for k in forgot)
    e.finish_frames()
    assert set(e.picture.texts) == {e.key}
    # the text of a forgotten frame is drawn again when asked for, the same
    n, m = (int(v) for v in forgot[0].split(","))
    assert e.frame_text(forgot[0]) == f"Menu {'ab'[m]}. {n} squared is {n * n}."


@pytest.mark.parametrize("renderer", ["frames", "blit"])
def test_texts_change_no_pixel(renderer):
    """Texts are extra data: the same frames, tile for tile, with or without them."""
    with_text, without = Squares(renderer), Squares(renderer, describe=False)
    for key in ["0,0", "3,1", "5,0"]:
        assert (with_text.frame(key=key) == without.frame(key=key)).all()
        assert with_text.frame_tiles(key) == without.frame_tiles(key)
        assert without.frame_text(key) == ""
    assert with_text.tile_bytes == without.tile_bytes


def test_describe_must_return_a_string():
    class Bad(Squares):
        def describe(self, n=1, m="a"):
            return n

    with pytest.raises(TypeError, match="describe must return a str"):
        Bad()
