"""Explorers of lesson 06, receptive fields: growth with depth, where the stride sits, the
effective receptive field, and the hand-built feature stack.

Every explorer uses the frames renderer: each has at most ``MAX_FRAMES`` combinations of its
controls (the growth explorer's large space is cut by named stacks, ``PRESETS``), so every
control swaps pictures in the browser.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from cnnlessons import _checks
from cnnlessons.engine import Explorer
from cnnlessons.figures.grids import said
from cnnlessons.lesson06.figures.erf import ERFFigure
from cnnlessons.lesson06.figures.features import FeatureFigure
from cnnlessons.lesson06.figures.growth import PLACES, GrowthFigure
from cnnlessons.lesson06.figures.learned import LearnedFeatureFigure
from cnnlessons.lesson06.numerics import features as feat
from cnnlessons.lesson06.numerics import learned as lrn
from cnnlessons.lesson06.numerics import stacks as rl
from cnnlessons.numerics.images import grace_hopper, photo

__all__ = [
    "GrowthExplorer",
    "StridePlacementExplorer",
    "ERFExplorer",
    "FeaturesExplorer",
    "SPOTS",
    "LearnedFeaturesExplorer",
    "learned_inputs",
    "SHOWN_DIGITS",
]

DEPTHS = (1, 2, 3, 4, 5, 6)


@lru_cache(maxsize=4)
def _photo(step: int = 4, levels: int = 16):
    """Grace Hopper's portrait, every 4th pixel (150 x 128), in 16 grey levels: the input
    the fields are drawn on. Small and few-toned, so that the frames encode about three
    times faster (measured: 20 ms against 57 ms a frame)."""
    photo = grace_hopper(step=step)
    return np.round(photo * (levels - 1)) / (levels - 1)


def _learner_photo(image, side: int = 150, levels: int = 16) -> np.ndarray:
    """Your picture (``numerics.images.photo`` reads it) for the growth figures: thinned to
    at most ``side`` pixels a side and 16 grey levels, as ``_photo`` makes Grace Hopper's."""
    if image is None:
        return _photo()
    pic = photo(image)
    step = max(1, -(-max(pic.shape) // side))
    pic = photo(image, step=step)
    return np.round(pic * (levels - 1)) / (levels - 1)


class GrowthExplorer(Explorer):
    """Watch a top unit's receptive field grow with depth.

    Controls: ``depth`` (1 to 6 convolutions), ``stack`` (one of ``numerics.stacks.PRESETS``:
    3x3, 5x5, dilation, stride or pooling) and ``unit`` (which top unit: the one in the
    photo's middle, at its left edge or in its top-left corner, ``figures.growth.PLACES``;
    a click on its ring on the photo picks it too): 6 x 8 x 3 = 144 frames. The top unit's
    neighbour is drawn dashed: its field starts S pixels away. Near an edge part of the field
    is zero padding: the unit sees fewer pixels of the photo than r. ``image``: your own
    picture instead of Grace Hopper's (array or file path; thinned to 150 pixels a side).
    """

    figsize = (9.4, 4.4)

    def __init__(self, stack: str = "3x3", depth: int = 3, unit: str = "middle", image=None):
        import ipywidgets as widgets

        self.photo = _learner_photo(image)
        _checks.choice(stack, "stack", tuple(rl.PRESETS))
        _checks.choice(unit, "unit", PLACES)
        depth = _checks.integer(depth, "depth", minimum=1)
        if depth not in DEPTHS:
            raise ValueError(f"depth must be between 1 and {DEPTHS[-1]}, got {depth}")
        controls = {
            "depth": widgets.SelectionSlider(
                options=list(DEPTHS),
                value=depth,
                description="layers",
                layout={"width": "260px"},
            ),
            "stack": widgets.Dropdown(
                options=list(rl.PRESETS),
                value=stack,
                description="stack",
                layout={"width": "370px"},
            ),
            "unit": widgets.ToggleButtons(
                options=list(PLACES),
                value=unit,
                description="top unit",
                style={"button_width": "110px"},
            ),
        }
        super().__init__(controls, frame_control=("depth", "unit", "stack"))
        self.on_click(self.view.ax_click, self._pick)  # a click on a ring picks its unit

    def build(self, fig) -> None:
        self.view = GrowthFigure(fig, self.photo)
        self.animate(*self.view.artists)

    def value_text(self, name, values) -> str:
        r = self.field.size
        if name == "stack":  # the menu's option alone does not say what the stack does
            depth = int(values["depth"])
            return (f"{super().value_text(name, values)}: receptive field {r} × {r} "
                    f"with {depth} layer{'s' if depth > 1 else ''}")  # fmt: skip
        if name == "unit":
            (r0, r1), (c0, c1) = self.seen
            return (f"{super().value_text(name, values)}: it reads photo rows {r0} to {r1}, "
                    f"columns {c0} to {c1}")  # fmt: skip
        if name != "depth":
            return super().value_text(name, values)
        return f"{int(values['depth'])} layers: receptive field {r} × {r}"

    def describe(self, depth=3, stack="3x3", unit="middle") -> str:
        (r0, r1), (c0, c1) = self.seen
        return said(
            f"Stack {stack}, {depth} layer{'s' if int(depth) > 1 else ''}, top unit: {unit}",
            self.view.span_text, self.view.text,
            f"Counting from 0, it reads photo rows {r0} to {r1}, columns {c0} to {c1}",
        )  # fmt: skip

    def update(self, depth=3, stack="3x3", unit="middle") -> list:
        self.layers = rl.preset_stack(stack, int(depth))
        return self.view.select(self.layers, unit)

    def _pick(self, row: int, col: int) -> None:
        """A click on cell (row, col) of the photo's click grid: the unit there, if any."""
        place = self.view.place_at(row, col)
        if place is not None:
            self.controls["unit"].value = place

    @property
    def field(self):
        """The receptive field of the top units (``ReceptiveField``)."""
        return self.view.field

    @property
    def top_unit(self) -> tuple[int, int]:
        """(row, col) of the top unit drawn, in the top layer's map of the photo."""
        return self.view.top_unit

    @property
    def seen(self):
        """((first, last) row, (first, last) column) of the photo pixels that unit reads."""
        return self.view.seen


class StridePlacementExplorer(Explorer):
    """Four 3x3 convolutions; one of them (or none) has stride 2. Move it and watch r: a
    layer adds (k − 1) times the product of the strides *before* it, so a stride early in
    the stack grows every layer after it. Control ``stride_at``: 5 frames. ``image``: your
    own picture instead of Grace Hopper's (array or file path)."""

    figsize = (9.4, 4.2)
    n_layers = 4

    def __init__(self, stride_at: int | None = 1, image=None):
        import ipywidgets as widgets

        self.photo = _learner_photo(image)
        choices = [("none", 0)] + [(f"layer {i}", i) for i in range(1, self.n_layers + 1)]
        value = 0 if stride_at is None else _checks.integer(stride_at, "stride_at", minimum=0)
        if value > self.n_layers:
            raise ValueError(f"stride_at must be None or 1 to {self.n_layers}, got {stride_at}")
        controls = {
            "stride_at": widgets.ToggleButtons(
                options=choices,
                value=value,
                description="stride 2 in",
                style={"button_width": "70px"},
            ),
        }
        super().__init__(controls, frame_control="stride_at")

    @staticmethod
    def stack(stride_at: int, n_layers: int = 4) -> list[tuple]:
        """Four 3x3 "same" convolutions, layer ``stride_at`` (1-based; 0: none) with stride 2."""
        return [(3, 2 if i == stride_at else 1, 1) for i in range(1, n_layers + 1)]

    def build(self, fig) -> None:
        self.view = GrowthFigure(fig, self.photo, pickable=False)  # its middle unit only
        self.animate(*self.view.artists)

    def value_text(self, name, values) -> str:
        r = self.field.size
        return f"{super().value_text(name, values)}: receptive field {r} × {r}"

    def describe(self, stride_at=1) -> str:
        where = f"layer {int(stride_at)}" if stride_at else "no layer"
        return said(f"Four 3×3 convolutions, stride 2 in {where}", self.view.span_text,
                    self.view.text)  # fmt: skip

    def update(self, stride_at=1) -> list:
        self.layers = self.stack(int(stride_at), self.n_layers)
        self.growth = rl.growth_terms(self.layers)
        return self.view.select(self.layers)

    @property
    def field(self):
        return self.view.field


class ERFExplorer(Explorer):
    """The effective receptive field of n stacked uniform k x k kernels, n from 1 to 16
    (control ``n``): the heat map inside the theoretical square and the profile against the
    Gaussian of variance n·(k² − 1)/12. 16 frames."""

    figsize = (9.4, 3.8)

    def __init__(self, k: int = 3, n: int = 4, max_n: int = 16):
        import ipywidgets as widgets

        self.k = _checks.integer(k, "k", minimum=3)
        self.max_n = _checks.integer(max_n, "max_n", minimum=1)
        n = _checks.integer(n, "n", minimum=1)
        if n > self.max_n:
            raise ValueError(f"n must be between 1 and max_n={self.max_n}, got {n}")
        slider = widgets.SelectionSlider(
            options=list(range(1, self.max_n + 1)),
            value=n,
            description="layers n",
            layout={"width": "420px"},
        )
        super().__init__({"n": slider}, frame_control="n")

    def build(self, fig) -> None:
        self.view = ERFFigure(fig, self.k, self.max_n)
        self.animate(*self.view.artists)

    def value_text(self, name, values) -> str:
        n = int(values["n"])
        return (f"{n} layers: field r = {n * (self.k - 1) + 1}, profile peak "
                f"{self.profile.max():.3f} at the centre")  # fmt: skip

    def describe(self, n=4) -> str:
        p = self.profile
        return said(self.view.text, f"The profile's peak is {p.max():.3f} at the centre, "
                    f"{p[0]:.2g} at the field's edge")  # fmt: skip

    def update(self, n=4) -> list:
        return self.view.select(int(n))

    @property
    def profile(self):
        """The 1-D impulse response drawn (sums to 1)."""
        return self.view.profile


#: places on ``features.shapes_image()`` to put the unit: name -> (row, col)
SPOTS = {
    "small square, centre": (4, 4),
    "small square, top-left corner": (3, 3),
    "small square, left side": (4, 3),
    "large square, top-left corner": (3, 11),
    "large square, centre": (5, 13),
    "L, bottom-left corner": (14, 13),
    "plus, centre": (18, 5),
}


class FeaturesExplorer(Explorer):
    """Pick a map of the hand-built stack (``feature`` menu: 4 edge maps, 4 corner maps, the
    square map) and where its unit sits (``spot``): the unit's field on the input, the map,
    and the patch it sees. 7 x 9 = 63 frames."""

    figsize = (9.4, 3.8)

    def __init__(self, feature: str = "layer 3: small square", spot: str = "small square, centre"):
        import ipywidgets as widgets

        options = [
            (f"layer {layer}: {name}", (layer, c))
            for layer in (1, 2, 3)
            for c, name in enumerate(feat.LAYER_NAMES[layer])
        ]
        labels = dict(options)
        _checks.choice(feature, "feature", tuple(labels))
        _checks.choice(spot, "spot", tuple(SPOTS))
        controls = {
            "spot": widgets.Dropdown(
                options=list(SPOTS.items()),
                value=SPOTS[spot],
                description="unit at",
                layout={"width": "330px"},
            ),
            "feature": widgets.Dropdown(
                options=options,
                value=labels[feature],
                description="map",
                layout={"width": "330px"},
            ),
        }
        super().__init__(controls, frame_control=("spot", "feature"))

    def build(self, fig) -> None:
        self.view = FeatureFigure(fig)
        self.animate(*self.view.artists)

    def value_text(self, name, values) -> str:
        # a menu's option names a map or a place; its value text says what the unit shows
        _, _, (row, col) = self.view.selected
        value, size = self.view.value, self.view.patch.shape[0]
        state = "on" if value > 0 else "off"
        if name == "spot":
            return (f"{super().value_text(name, values)}: row {row}, column {col}, "
                    f"value {value:.2f} ({state})")  # fmt: skip
        return (f"{super().value_text(name, values)}: the unit's value {value:.2f} ({state}), "
                f"it sees {size} × {size} input pixels")  # fmt: skip

    def describe(self, spot=(4, 4), feature=(3, 0)) -> str:
        return said(self.view.text)

    def update(self, spot=(4, 4), feature=(3, 0)) -> list:
        layer, channel = feature
        return self.view.select(int(layer), int(channel), tuple(spot))

    @property
    def value(self) -> float:
        """The selected unit's value."""
        return self.view.value

    @property
    def selected(self):
        """(layer, channel, (row, col)) of the unit shown."""
        return self.view.selected


#: the test digits ``LearnedFeaturesExplorer`` offers (the first of each in the test set)
SHOWN_DIGITS = (0, 3, 4, 7)


def learned_inputs(image=None, task: str = "digits") -> dict:
    """The inputs ``LearnedFeaturesExplorer`` offers. For the digits net (``task="digits"``):
    one test digit of each of ``SHOWN_DIGITS`` (images the net never trained on); for the
    shapes net (``"shapes"``): one new image of each of its shapes (``learned.shape_task``,
    seed 7). Then the hand-built stack's shapes image, and a photograph: Grace Hopper (every
    8th pixel, 75 x 64) or, with ``image``, the learner's own (anything
    ``numerics.images.photo`` reads; larger than 128 pixels a side, it is thinned to fit)."""
    task = _checks.choice(task, "task", ("digits", "shapes"))
    out = {}
    if task == "digits":
        data = lrn.digits()
        for d in SHOWN_DIGITS:
            out[f"test digit {d}"] = data["x_test"][int(np.flatnonzero(data["y_test"] == d)[0]), 0]
    else:
        x, y = lrn.shape_task(len(lrn.SHAPE_KINDS), seed=7)
        for i, name in enumerate(lrn.SHAPE_KINDS):
            out[f"a new {name}"] = x[int(np.flatnonzero(y == i)[0]), 0]
    out["shapes image"] = feat.shapes_image()
    if image is None:
        out["photo (Grace Hopper)"] = grace_hopper(step=8)
    else:
        pic = photo(image)
        step = max(1, -(-max(pic.shape) // 128))  # at most 128 pixels a side: quick frames
        out["your picture"] = photo(image, step=step)
    return out


class LearnedFeaturesExplorer(Explorer):
    """Pick an input (``input`` menu: test digits, the hand-built stack's shapes image, a
    photograph or ``image=`` your own) and a unit of the trained net (``unit``: layer 1-3,
    map 1-4): the input, that learned map, and the hand-built map of the same layer it
    resembles most. ``stack``: the net (default: ``learned.digits_stack()``, trained on
    handwritten digits; ``learned.train_stack()`` is the shapes net)."""

    figsize = (9.4, 3.8)

    def __init__(self, stack=None, image=None, unit: str = "layer 1, map 1"):
        import ipywidgets as widgets

        self.stack = lrn.digits_stack() if stack is None else stack
        if not isinstance(self.stack, lrn.LearnedStack):
            raise TypeError("stack must come from learned.digits_stack() or train_stack()")
        self.inputs = learned_inputs(image, self.stack.task)
        units = [(f"layer {la}, map {c + 1}", (la, c)) for la in (1, 2, 3)
                 for c in range(lrn.FILTERS)]  # fmt: skip
        labels = dict(units)
        _checks.choice(unit, "unit", tuple(labels))
        controls = {
            "input": widgets.Dropdown(options=list(self.inputs), value=next(iter(self.inputs)),
                                      description="input", layout={"width": "330px"}),
            "unit": widgets.Dropdown(options=units, value=labels[unit], description="unit",
                                     layout={"width": "330px"}),
        }  # fmt: skip
        # drawn when asked (72 frames drawn up front would cost the lesson several seconds)
        super().__init__(controls, renderer="blit")

    def build(self, fig) -> None:
        self.view = LearnedFeatureFigure(fig, self.stack, self.inputs)
        self.animate(*self.view.artists)

    def value_text(self, name, values) -> str:
        # the unit's largest value on the input, and the hand-built map it is most like
        v = self.view
        if round(v.peak, 2) <= 0:
            return f"{super().value_text(name, values)}: off everywhere on this input"
        said_ = f"{super().value_text(name, values)}: largest value {v.peak:.2f}"
        hand, r = v.match
        if not np.isnan(r):
            said_ += f", most like the hand-built {hand} (correlation {r:+.2f})"
        return said_

    def describe(self, input="test digit 0", unit=(1, 0)) -> str:  # noqa: A002
        v = self.view
        return said(v.input_title, v.learned_title, v.hand_title, v.text)

    def update(self, input="test digit 0", unit=(1, 0)) -> list:  # noqa: A002
        layer, channel = unit
        return self.view.select(input, int(layer), int(channel))

    @property
    def peak(self) -> float:
        """The selected learned map's largest value on the selected input."""
        return self.view.peak

    @property
    def selected(self):
        """(input name, layer, channel) of the map shown."""
        return self.view.selected
