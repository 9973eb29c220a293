"""Explorers of lesson 03, parameter sharing: a layer's weight matrix, counting parameters, and F
filters of k x k x C on a colour image."""

from __future__ import annotations

from cnnlessons import _checks
from cnnlessons.engine import Explorer
from cnnlessons.figures.grids import fmt_number, said, text_lines
from cnnlessons.lesson03.figures.channels import (
    KERNEL_SIDES,
    MAX_FILTERS,
    ChannelsFigure,
    rgb_image,
)
from cnnlessons.lesson03.figures.matrices import WeightMatrixFigure, kind_label
from cnnlessons.lesson03.figures.parameters import ParameterCountFigure
from cnnlessons.numerics.matrices import LAYER_KINDS

__all__ = [
    "WeightMatrixExplorer",
    "ParameterCountExplorer",
    "PRESETS",
    "SLIDER_RANGES",
    "ChannelsExplorer",
    "FILTER_CHOICES",
]

DIMS = ("1-D", "2-D")
MAX_SIDE = 8  # 2-D: 8x8 = 64 inputs, still one visible cell per entry


class WeightMatrixExplorer(Explorer):
    """One layer's weight matrix, colour = which parameter sits in each entry.

    Controls: ``kind`` (a menu: dense, locally connected, tiled, convolution; each kind's
    picture is drawn once and the menu swaps pictures in the browser) and ``dims`` ("1-D" or
    "2-D": the input ``(W,)`` or ``(H, W)``; a 1-D ``input_shape`` ``(W,)`` gives ``(W, W)``
    in 2-D, a 2-D one ``(H, W)`` gives ``(W,)`` in 1-D). The kernel is ``kernel_size`` long
    (1-D) or square (2-D); "valid" zero padding, stride 1. The side panel gives the parameter
    count and how many times each weight is used.

    The picture is ``view``, a ``WeightMatrixFigure``. Arrays: ``indices`` (the matrix shown,
    from ``weight_indices``), ``n_parameters``, ``connections`` (its non-blank entries) and
    ``uses`` (how often each parameter is used).
    """

    def __init__(
        self, input_shape=(6,), kernel_size: int = 3, tiles: int = 2, *, renderer="frames"
    ):
        import ipywidgets as widgets

        shp = _checks.shape(input_shape, "input_shape", lengths=(1, 2), minimum=2)
        if max(shp) > MAX_SIDE:
            raise ValueError(
                f"input_shape must have sides between 2 and {MAX_SIDE} so every entry of the "
                f"matrix stays visible, got {shp}"
            )
        self.kernel_size = _checks.integer(kernel_size, "kernel_size", minimum=1)
        if self.kernel_size > min(shp):
            raise ValueError(
                f"kernel_size must fit the input (at most {min(shp)} for {shp}), "
                f"got {self.kernel_size}"
            )
        self.tiles = _checks.integer(tiles, "tiles", minimum=1)
        self.shapes = {"1-D": (shp[-1],), "2-D": shp if len(shp) == 2 else (shp[0], shp[0])}
        kind = widgets.Dropdown(
            options=[(kind_label(k, self.tiles), k) for k in LAYER_KINDS],
            value="conv",
            description="layer",
        )
        dims = widgets.ToggleButtons(
            options=list(DIMS), value=DIMS[len(shp) - 1], description="input"
        )
        dims.style.button_width = "4em"
        super().__init__(
            {"kind": kind, "dims": dims}, renderer=renderer, frame_control=("dims", "kind")
        )

    def build(self, fig) -> None:
        shape = self.shapes[self.controls["dims"].value]
        self.view = WeightMatrixFigure(fig, shape, self.kernel_size, self.tiles)
        self.animate(*self.view.artists)


    def describe(self, kind="conv", dims="1-D") -> str:
        v = self.view
        shape = "×".join(map(str, self.shapes[dims]))
        first, *rest = text_lines(v.note)  # sizes, then one sentence wrapped over lines
        return said(
            f"Weight matrix of a {kind_label(kind, self.tiles)} layer, {dims} input {shape}, "
            f"kernel {self.kernel_size}; each entry shows which parameter it holds, blank "
            "entries are zero",
            first, " ".join(rest), v.count, v.usage,
        )  # fmt: skip

    def update(self, kind="conv", dims="1-D") -> list:
        return self.view.select(kind, self.shapes[dims])

    # the arrays behind the picture, for tests and for learners who want the numbers
    @property
    def indices(self):
        """The weight-index matrix shown (``weight_indices``)."""
        return self.view.indices

    @property
    def n_parameters(self) -> int:
        return self.view.n_parameters

    @property
    def connections(self) -> int:
        """The matrix's non-blank entries."""
        return self.view.connections

    @property
    def uses(self):
        """How often each parameter is used."""
        return self.view.uses


#: the presets of ``ParameterCountExplorer``: menu label -> key
PRESETS = {
    "custom": "custom",
    "the lecture: 32×32×3 → six 5×5 filters": "lecture",
    "d2l: 1000×1000 → 1000×1000": "d2l",
}
LECTURE = {"height": 32, "width": 32, "channels": 3, "filters": 6, "kernel": 5}
#: d2l §7.1: a 1000x1000 one-channel image to a 1000x1000 hidden representation; the
#: convolution is d2l's local, shared version with Δ = 1: a 3x3 kernel, padding 1 ("same")
D2L = {"height": 1000, "width": 1000, "channels": 1, "filters": 1, "kernel": 3, "padding": 1}
SLIDER_RANGES = {"height": (7, 64), "width": (7, 64), "channels": (1, 4), "filters": (1, 16),
                 "kernel": (1, 7)}  # fmt: skip


class ParameterCountExplorer(Explorer):
    """Parameters of one layer, dense against convolution, for an H x W x C input and F
    filters of k x k ("valid" convolution, stride 1: the output is (H-k+1) x (W-k+1) x F, and
    the dense layer maps the same input to an output of that size). Biases included.

    Controls: ``height``, ``width``, ``channels``, ``filters``, ``kernel`` (sliders) and
    ``preset``: "lecture" moves the sliders to the lecture's 32x32x3 input with six 5x5 filters
    (456 against 14,455,392); "d2l" is beyond the sliders (d2l §7.1: a 1000x1000 image to a
    1000x1000 hidden layer, 10^12 dense weights; the convolution is 3x3 with "same" padding),
    so the sliders are greyed out and the picture shows that case; moving any slider (or
    choosing "custom") returns to the sliders' values. The bars share a fixed log scale.

    The picture is ``view``, a ``ParameterCountFigure``. Numbers: ``dense``, ``conv`` (the
    parameter counts shown), ``dense_weights`` (without biases), ``formula`` (the line
    explaining ``conv``), ``input_shape`` (H, W, C) and ``output_shape`` (H', W', F).
    """

    figsize = (9.4, 3.4)

    def __init__(self, height=32, width=32, channels=3, filters=6, kernel=5, preset="custom",
                 *, renderer="blit"):  # fmt: skip
        import ipywidgets as widgets

        given = {"height": height, "width": width, "channels": channels, "filters": filters,
                 "kernel": kernel}  # fmt: skip
        for name, value in given.items():
            lo, hi = SLIDER_RANGES[name]
            if _checks.integer(value, name, minimum=lo) > hi:
                raise ValueError(f"{name} must be an integer from {lo} to {hi}, got {value}")
        _checks.choice(preset, "preset", tuple(PRESETS.values()))
        controls = {
            name: widgets.IntSlider(
                given[name],
                lo,
                hi,
                description=name,
                continuous_update=True,
                layout={"width": "250px"},
            )  # fmt: skip
            for name, (lo, hi) in SLIDER_RANGES.items()
        }
        controls["preset"] = widgets.Dropdown(
            options=list(PRESETS.items()),
            value="custom",
            description="preset",
            layout={"width": "360px"},
        )
        self._applying = False
        super().__init__(controls, renderer=renderer)
        controls["preset"].observe(self._on_preset, names="value")
        for name in SLIDER_RANGES:
            controls[name].observe(self._on_slider, names="value")
        controls["preset"].value = preset

    def _on_preset(self, change) -> None:
        if change["new"] == "lecture":
            self._applying = True
            try:
                for name, value in LECTURE.items():
                    self.controls[name].value = value
            finally:
                self._applying = False
        for name in SLIDER_RANGES:
            self.controls[name].disabled = change["new"] == "d2l"

    def _on_slider(self, change) -> None:
        preset = self.controls["preset"]
        if self._applying or preset.value == "custom":
            return
        if preset.value == "d2l" or any(self.controls[n].value != v for n, v in LECTURE.items()):
            preset.value = "custom"

    def build(self, fig) -> None:
        self.view = ParameterCountFigure(fig, *self._layer(**self.values))
        self.animate(*self.view.artists)

    @staticmethod
    def _layer(height=32, width=32, channels=3, filters=6, kernel=5, preset="custom") -> tuple:
        """(height, width, channels, filters, kernel, padding) the picture shows: the
        sliders' values, or d2l's case."""
        if preset == "d2l":
            return tuple(D2L[n] for n in ("height", "width", "channels", "filters", "kernel",
                                          "padding"))  # fmt: skip
        return (height, width, channels, filters, kernel, 0)


    def describe(self, **values) -> str:
        (h, w, c), (oh, ow, f) = self.input_shape, self.output_shape
        return said(
            f"Input {h}×{w}×{c}; output {oh}×{ow}×{f}",
            f"Dense layer: {self.dense:,} parameters ({self.dense_weights:,} weights and "
            f"{self.dense - self.dense_weights:,} biases)",
            f"Convolution: {self.formula} parameters",
            f"The dense layer has {self.dense / self.conv:,.0f} times as many",
        )

    def value_text(self, name, values) -> str:
        if name == "preset":
            return super().value_text(name, values)
        (oh, ow, f) = self.output_shape
        return (f"{name} {values[name]}: output {oh}×{ow}×{f}; convolution {self.conv:,} "
                f"parameters, dense {self.dense:,}")  # fmt: skip

    def update(self, **values) -> list:
        return self.view.select(*self._layer(**values))

    # the numbers behind the picture, for tests and for learners who want them
    @property
    def dense(self) -> int:
        """The dense layer's parameters (weights and biases)."""
        return self.view.dense

    @property
    def dense_weights(self) -> int:
        return self.view.dense_weights

    @property
    def conv(self) -> int:
        """The convolution's parameters (weights and biases)."""
        return self.view.conv

    @property
    def formula(self) -> str:
        """The line explaining ``conv``: "F × (C·k·k + 1) = 6 × (3·5·5 + 1) = 456"."""
        return self.view.formula

    @property
    def input_shape(self) -> tuple:
        return self.view.input_shape

    @property
    def output_shape(self) -> tuple:
        return self.view.output_shape


#: the values of F offered (every frame costs an image: 4 x 3 x 2 = 24 frames)
FILTER_CHOICES = (1, 2, 4, MAX_FILTERS)


class ChannelsExplorer(Explorer):
    """Choose the number of filters F, the kernel's side k and the input channels C (grey or
    R, G, B) and see the filters as F rows of C slices plus a bias, the F output maps, and
    the parameter count F·(k·k·C + 1) read off the picture. k = 1 shows a 1x1 convolution:
    a dense layer across the channels, applied at every pixel.

    Frame controls (4 x 3 x 2 = 24 frames): ``filters``, ``k``, ``channels``.
    Arrays: ``weights`` (F, C, k, k), ``biases`` (F,), ``outputs`` (F maps), ``n_parameters``.
    ``image``: your own picture instead of Grace Hopper's (a grey or RGB numpy array, or an
    image file's path; ``rgb_image`` reads and checks it).
    """

    figsize = (9.4, 4.4)

    def __init__(
        self, channels: int = 3, filters: int = 2, k: int = 3, *, image=None, renderer="frames"
    ):
        import ipywidgets as widgets

        from cnnlessons import _checks

        for name, value, allowed in (
            ("channels", channels, (1, 3)),
            ("filters", filters, FILTER_CHOICES),
            ("k", k, KERNEL_SIDES),
        ):
            if _checks.integer(value, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}, got {value}")
        controls = {
            "filters": widgets.SelectionSlider(
                options=list(FILTER_CHOICES), value=filters, description="F"
            ),
            "k": widgets.SelectionSlider(options=list(KERNEL_SIDES), value=k, description="k"),
            "channels": widgets.ToggleButtons(
                options=[("1 (grey)", 1), ("3 (R, G, B)", 3)], value=channels, description="C"
            ),
        }
        self._image = None if image is None else rgb_image(image=image)  # checked first
        super().__init__(controls, renderer=renderer, frame_control=("filters", "k", "channels"))

    def build(self, fig) -> None:
        self.view = ChannelsFigure(fig, image=self._image)
        self.animate(*self.view.artists)


    def describe(self, filters=2, k=3, channels=3) -> str:
        maps = self.outputs
        spans = "; ".join(f"map {i + 1} from {fmt_number(m.min())} to {fmt_number(m.max())}"
                          for i, m in enumerate(maps))  # fmt: skip
        return said(
            f"C = {channels} input channel{'s' if channels > 1 else ''}, F = {filters} "
            f"filter{'s' if filters > 1 else ''} of {k}×{k}×{channels} plus a bias each",
            self.view.formula,
            f"{len(maps)} output map{'s' if len(maps) > 1 else ''} of "
            f"{maps[0].shape[0]}×{maps[0].shape[1]}: {spans}",
        )

    def value_text(self, name, values) -> str:
        maps = self.outputs
        label = {"filters": "F", "k": "k", "channels": "C"}[name]
        shown, (oh, ow) = values[name], maps[0].shape
        if name == "channels":  # as the buttons say it: "1 (grey)", "3 (R, G, B)"
            shown = {v: label for label, v in self.controls["channels"].options}[shown]
        return (f"{label} = {shown}: {self.n_parameters} parameters, {len(maps)} output "
                f"map{'s' if len(maps) > 1 else ''} of {oh}×{ow}")  # fmt: skip

    def update(self, filters=2, k=3, channels=3) -> list:
        return self.view.show(int(channels), int(filters), int(k))

    @property
    def weights(self):
        return self.view.weights

    @property
    def biases(self):
        return self.view.biases

    @property
    def outputs(self):
        return self.view.outputs

    @property
    def n_parameters(self) -> int:
        return self.view.n_parameters
