"""Explorer of lesson 04, computational efficiency: one layer's parameters, multiply-adds and
memory, as a dense layer and as a convolution, as the image grows."""

from __future__ import annotations

from cnnlessons import _checks
from cnnlessons.engine import Explorer
from cnnlessons.figures.grids import said
from cnnlessons.lesson04.figures import EfficiencyFigure, human_bytes, short_number

__all__ = [
    "EfficiencyExplorer",
    "SIDES",
    "KERNELS",
    "CHANNEL_PAIRS",
    "human_bytes",
    "short_number",
]

#: the controls' options: 5 x 3 x 4 = 60 combinations, each a precomputed frame
SIDES = (28, 56, 112, 224, 1000)
KERNELS = (1, 3, 5)
#: (C, F) pairs of real layers: a grey image and one filter (the book, d2l), a colour photo
#: into 64 filters (VGG-16's conv1_1), 64 -> 128 (conv2_1), 512 -> 512 (conv5_x)
CHANNEL_PAIRS = ((1, 1), (3, 64), (64, 128), (512, 512))


class EfficiencyExplorer(Explorer):
    """A ``side`` x ``side`` x C image through F k x k filters ("same" padding, stride 1) or
    through the dense layer with the same input and output sizes
    (``costs.layer_comparison``): parameters (solid lines) and multiply-adds (dashed; for the
    dense layer they are equal, every weight is used once) against the number of pixels, on
    log axes, with the current image as dots; the numbers, and the memory of the weights and
    of the output (float32), beside them. Fixed markers: the book's 320 x 280 edge detector
    (8,003,072,000 matrix entries against 2 weights) and d2l's 1000 x 1000 image to a
    1000 x 1000 layer (10^12 weights, 4 TB).

    Controls (all frame controls: 5 x 3 x 4 = 60 precomputed pictures, swapped in the
    browser): ``side`` (a slider over ``SIDES``), ``kernel`` (buttons over ``KERNELS``) and
    ``channels`` (buttons over ``CHANNEL_PAIRS``: input channels C → filters F, in pairs
    that real layers use). Channels and filters are one control, not two: 4 x 4 pairs would
    make 240 pictures, more than ``MAX_FRAMES``, and the engine draws the pictures one
    button away late (measured: with 135 pictures on a busy machine, the filters' buttons
    showed nothing for over 10 s).
    The picture is ``view``, an ``EfficiencyFigure``. Arrays: ``comparison`` (the
    ``LayerComparison`` shown) and ``curves``.
    """

    figsize = (9.4, 4.2)

    def __init__(self, side=224, kernel=3, channels=1, filters=1, *, renderer="frames"):
        import ipywidgets as widgets

        side, kernel = _checks.integer(side, "side"), _checks.integer(kernel, "kernel")
        channels = _checks.integer(channels, "channels")
        filters = _checks.integer(filters, "filters")
        for name, value, options in (("side", side, SIDES), ("kernel", kernel, KERNELS)):
            if value not in options:
                raise ValueError(f"{name} must be one of {options}, got {value!r}")
        if (channels, filters) not in CHANNEL_PAIRS:
            raise ValueError(
                f"(channels, filters) must be one of {CHANNEL_PAIRS}, got {(channels, filters)!r}"
            )
        controls = {
            "side": widgets.SelectionSlider(
                options=list(SIDES), value=side, description="image side",
                continuous_update=True, layout={"width": "330px"},
                style={"description_width": "initial"},
            ),
            "kernel": widgets.ToggleButtons(
                options=[(f"{k}×{k}", k) for k in KERNELS], value=kernel,
                description="kernel k",
                style={"button_width": "3.6em", "description_width": "initial"},
            ),
            "channels": widgets.ToggleButtons(
                options=[(f"{c} → {f}", (c, f)) for c, f in CHANNEL_PAIRS],
                value=(channels, filters), description="channels C → filters F",
                style={"button_width": "6em", "description_width": "initial"},
            ),
        }  # fmt: skip
        super().__init__(controls, renderer=renderer, frame_control=("side", "kernel", "channels"))

    def build(self, fig) -> None:
        self.view = EfficiencyFigure(fig, *self._layer(**self.values))
        self.animate(*self.view.artists)

    @staticmethod
    def _layer(side=224, kernel=3, channels=(1, 1)) -> tuple:
        """(side, kernel, channels, filters) of the controls' values."""
        return (side, kernel, *channels)


    def describe(self, side=224, kernel=3, channels=(1, 1)) -> str:
        c = self.comparison
        return said(
            self.view.shape_text,
            f"Parameters: dense {c.dense_parameters:,}, convolution {c.conv_parameters:,} "
            f"({c.dense_parameters / c.conv_parameters:,.0f} times fewer)",
            f"Multiply-adds: dense {c.dense_multiply_adds:,}, convolution "
            f"{c.conv_multiply_adds:,} ({c.dense_multiply_adds / c.conv_multiply_adds:,.0f} "
            "times fewer)",
            self.view.memory_text,
        )

    def value_text(self, name, values) -> str:
        c = self.comparison
        said_value = {"side": f"image side {values['side']}"}.get(name)
        if said_value is None:
            return super().value_text(name, values)
        return (f"{said_value}: parameters dense {c.dense_parameters:,}, convolution "
                f"{c.conv_parameters:,}; multiply-adds dense {c.dense_multiply_adds:,}, "
                f"convolution {c.conv_multiply_adds:,}")  # fmt: skip

    def update(self, side=224, kernel=3, channels=(1, 1)) -> list:
        return self.view.select(*self._layer(side, kernel, channels))

    # the arrays behind the picture, for tests and for learners who want the numbers
    @property
    def comparison(self):
        """The ``LayerComparison`` shown."""
        return self.view.comparison

    @property
    def curves(self) -> dict:
        """The lines' data: ``x`` (pixels) and one array per count."""
        return self.view.curves
