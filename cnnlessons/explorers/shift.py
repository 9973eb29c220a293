"""Explorers of lessons 07 and 08: shift an input and watch what convolution, stride and
pooling do with it.

Every explorer uses the frames renderer: each combination of its sliders and buttons is drawn
once (at most ``MAX_FRAMES``), so dragging a slider only swaps pictures in the browser. The
numbers that change (largest difference, counts, outputs) are written in the figure.
"""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..figures.shift import (
    SHIFT_KERNELS,
    AliasingFigure,
    PoolingShiftFigure,
    ShiftFigure,
    StrideFigure,
    shift_scene,
)
from .base import Explorer

__all__ = ["ShiftExplorer", "StrideShiftExplorer", "PoolingShiftExplorer", "AliasingExplorer"]

PADDINGS = ("circular", "zeros")


def _slider(widgets, name, value, top, description):
    v = _checks.integer(value, name, minimum=0)
    if v > top:
        raise ValueError(f"{name} must be an integer from 0 to {top}, got {v}")
    return widgets.IntSlider(v, 0, top, description=description, continuous_update=True,
                             layout={"width": "260px"})  # fmt: skip


class ShiftExplorer(Explorer):
    """Shift in, shift out (lesson 07): the input x (default ``shift_scene()``, a synthetic
    48 x 48 scene: flat regions keep the frames small) and g(x) shifted by (dy, dx), the feature
    maps f(x) and f(g(x)), f(g(x)) shifted back, and the difference f(g(x)) − g(f(x)) with
    its largest absolute value. With circular padding it is exactly 0; with zero padding it
    is 0 except in the outlined band.

    Controls: ``dx``, ``dy`` (sliders 0..``max_shift``), ``padding`` (circular / zeros) and
    ``kernel`` (a menu over ``SHIFT_KERNELS``). The first three are frame controls
    ((max_shift + 1)² x 2 frames); a new kernel redraws the frames in the kernel.
    Arrays: ``difference``, ``band``, ``error`` (from the figure).
    """

    figsize = (9.4, 5.4)

    def __init__(self, x=None, kernel: str = "vertical edge 3×3", dy: int = 0, dx: int = 2,
                 padding: str = "zeros", *, max_shift: int = 3):  # fmt: skip
        import ipywidgets as widgets

        self.x = shift_scene() if x is None else _checks.array(x, "x", ndims=(2,))
        _checks.choice(kernel, "kernel", tuple(SHIFT_KERNELS))
        _checks.choice(padding, "padding", PADDINGS)
        top = _checks.integer(max_shift, "max_shift", minimum=1)
        if 2 * (top + 1) ** 2 > 160 or min(self.x.shape) < 8:
            raise ValueError(
                f"max_shift must be at most 7 (2 x (max_shift + 1)² frames, at most 160) and x "
                f"at least 8 x 8; got max_shift={top}, x {self.x.shape}"
            )
        controls = {
            "dx": _slider(widgets, "dx", dx, top, "dx (right)"),
            "dy": _slider(widgets, "dy", dy, top, "dy (down)"),
            "padding": widgets.ToggleButtons(
                options=list(PADDINGS), value=padding, description="padding"
            ),  # fmt: skip
            "kernel": widgets.Dropdown(
                options=list(SHIFT_KERNELS), value=kernel, description="kernel"
            ),  # fmt: skip
        }
        controls["padding"].style.button_width = "6em"
        super().__init__(controls, renderer="frames", frame_control=("dx", "dy", "padding"))

    def build(self, fig) -> None:
        self.view = ShiftFigure(fig, self.x)
        self.animate(*self.view.artists)

    def update(self, dx=2, dy=0, padding="zeros", kernel="vertical edge 3×3") -> list:
        changed = self.view.show(SHIFT_KERNELS[kernel], dy, dx, padding)
        v = self.view
        self.difference, self.band, self.error = v.difference, v.band, v.error
        return changed


class StrideShiftExplorer(Explorer):
    """Stride breaks equivariance for some shifts (lesson 07): a row, a 3-tap convolution at
    stride 1 (grey) and the samples a stride-``s`` layer keeps (green), for the row shifted
    by ``d``. Below, the kept samples against the unshifted layer's, moved by the nearest
    whole shift: they match for d a multiple of s, never otherwise.

    Controls: ``d`` (slider 0..7) and ``stride`` (1 or 2); 16 frames. Arrays ``kept``,
    ``expected`` and ``error``.
    """

    figsize = (9.4, 4.8)

    def __init__(self, x=None, d: int = 1, stride: int = 2):
        import ipywidgets as widgets

        self.x = (np.random.default_rng(3).random(16) if x is None
                  else _checks.array(x, "x", ndims=(1,)))  # fmt: skip
        s = _checks.integer(stride, "stride", minimum=1)
        if s not in (1, 2):
            raise ValueError(f"stride must be 1 or 2, got {s}")
        controls = {
            "d": _slider(widgets, "d", d, 7, "shift d"),
            "stride": widgets.ToggleButtons(options=[1, 2], value=s, description="stride"),
        }
        controls["stride"].style.button_width = "4em"
        super().__init__(controls, renderer="frames", frame_control=("d", "stride"))

    def build(self, fig) -> None:
        self.view = StrideFigure(fig, self.x)
        self.animate(*self.view.artists)

    def update(self, d=1, stride=2) -> list:
        changed = self.view.show(d, stride)
        self.kept, self.expected, self.error = self.view.kept, self.view.expected, self.view.error
        return changed


class PoolingShiftExplorer(Explorer):
    """The book's Figure 9.8 with numbers (lesson 08): a detector row and its stride-1 max
    pooling of width ``width``, before and after a shift of ``d`` pixels; changed values
    outlined and counted.

    Controls: ``d`` (slider 0..3) and ``width`` (1..5); 20 frames. Arrays ``pooled``,
    ``pooled_moved``, and the counts ``detector_changed``, ``pooled_changed``.
    """

    figsize = (9.4, 3.3)

    def __init__(self, row=None, width: int = 3, d: int = 1):
        import ipywidgets as widgets

        self.row = row
        w = _checks.integer(width, "width", minimum=1)
        if w > 5:
            raise ValueError(f"width must be an integer from 1 to 5, got {w}")
        controls = {
            "d": _slider(widgets, "d", d, 3, "shift d"),
            "width": widgets.ToggleButtons(
                options=list(range(1, 6)), value=w, description="width w"
            ),  # fmt: skip
        }
        controls["width"].style.button_width = "3em"
        super().__init__(controls, renderer="frames", frame_control=("d", "width"))

    def build(self, fig) -> None:
        self.view = PoolingShiftFigure(fig, self.row)
        self.animate(*self.view.artists)

    def update(self, d=1, width=3) -> list:
        changed = self.view.show(width, d)
        v = self.view
        self.pooled, self.pooled_moved = v.pooled, v.pooled_moved
        self.detector_changed, self.pooled_changed = v.detector_changed, v.pooled_changed
        return changed


class AliasingExplorer(Explorer):
    """Aliasing and blur pooling (lesson 08): max pooling with stride 2 of a row shifted by
    ``d``, with a binomial blur of size ``filter`` between the stride-1 max and the
    subsampling (1: no blur, plain max pooling). Right: the output change against the shift
    for every filter, the current one circled.

    Controls: ``d`` (slider 0..3: the output change repeats with period 2) and ``filter``
    (1..5); 20 frames. Arrays ``output``,
    ``expected_output`` and ``change``.
    """

    figsize = (9.4, 4.8)

    def __init__(self, x=None, filter_size: int = 1, d: int = 0):
        import ipywidgets as widgets

        self.x = x
        f = _checks.integer(filter_size, "filter_size", minimum=1)
        if f > 5:
            raise ValueError(f"filter_size must be an integer from 1 to 5, got {f}")
        options = [(AliasingFigure.filter_label(n), n) for n in range(1, 6)]
        controls = {
            "d": _slider(widgets, "d", d, 3, "shift d"),
            "filter": widgets.ToggleButtons(options=options, value=f, description="blur"),
        }
        controls["filter"].style.button_width = "7.5em"
        super().__init__(controls, renderer="frames", frame_control=("d", "filter"))

    def build(self, fig) -> None:
        self.view = AliasingFigure(fig, self.x)
        self.animate(*self.view.artists)

    def update(self, d=0, filter=1) -> list:  # noqa: A002 - the control's name
        changed = self.view.show(filter, d)
        v = self.view
        self.output, self.expected_output, self.change = v.output, v.expected_output, v.change
        return changed
