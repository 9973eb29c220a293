"""Explorers of lesson 07, translation equivariance: shift an input and watch what convolution
and stride do with it.

Every explorer uses the frames renderer: each combination of its sliders and buttons is drawn
once (at most ``MAX_FRAMES``), so dragging a slider only swaps pictures in the browser. The
numbers that change (largest difference, counts, outputs) are written in the figure.
"""

from __future__ import annotations

import numpy as np

from cnnlessons import _checks
from cnnlessons.engine import Explorer
from cnnlessons.figures.grids import fmt_values, said
from cnnlessons.lesson07.figures import SHIFT_KERNELS, ShiftFigure, StrideFigure, shift_scene

__all__ = ["ShiftExplorer", "StrideShiftExplorer"]  # shift_slider: a helper for 07 and 08

PADDINGS = ("circular", "zeros")

#: The most pixels of an explorer's input: each of its frames draws six maps of that size
#: (a 256 x 256 picture: about half a second for all 32 frames; 2000 x 2000 took 32 s).
MAX_PIXELS = 256 * 256


def shift_slider(widgets, name, value, top, description):
    """A slider from 0 to ``top`` for a shift, its value checked (the learner's ``name``)."""
    v = _checks.integer(value, name, minimum=0)
    if v > top:
        raise ValueError(f"{name} must be an integer from 0 to {top}, got {v}")
    return widgets.IntSlider(v, 0, top, description=description, continuous_update=True,
                             layout={"width": "260px"})  # fmt: skip


class ShiftExplorer(Explorer):
    """Shift in, shift out (lesson 07): the input x (default ``shift_scene()``, a synthetic
    48 x 48 scene: flat regions keep the frames small) and g(x) shifted by (dy, dx), the feature
    maps f(x) and f(g(x)), g(f(x)) (f(x) shifted), and the difference f(g(x)) − g(f(x)) with
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

        self.x = (shift_scene() if x is None
                  else _checks.array(x, "x", ndims=(2,), limit=MAX_PIXELS))  # fmt: skip
        _checks.choice(kernel, "kernel", tuple(SHIFT_KERNELS))
        _checks.choice(padding, "padding", PADDINGS)
        top = _checks.integer(max_shift, "max_shift", minimum=1)
        if 2 * (top + 1) ** 2 > 160 or min(self.x.shape) < 8:
            raise ValueError(
                f"max_shift must be at most 7 (2 x (max_shift + 1)² frames, at most 160) and x "
                f"at least 8 x 8; got max_shift={top}, x {self.x.shape}"
            )
        controls = {
            "dx": shift_slider(widgets, "dx", dx, top, "dx (right)"),
            "dy": shift_slider(widgets, "dy", dy, top, "dy (down)"),
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


    def describe(self, dx=2, dy=0, padding="zeros", kernel="vertical edge 3×3") -> str:
        return said(f"Kernel {kernel}, {padding} padding, input shifted {dx} right and {dy} "
                    "down", self.view.text, self.view.note)  # fmt: skip

    def value_text(self, name, values) -> str:
        if name not in ("dx", "dy"):
            return super().value_text(name, values)
        way = "right" if name == "dx" else "down"
        error = "exactly 0" if self.error == 0 else f"{self.error:.3g}"
        return f"{values[name]} {way}: largest |f(g(x)) − g(f(x))| = {error}"

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
                  else _checks.array(x, "x", ndims=(1,), limit=1024))  # fmt: skip
        s = _checks.integer(stride, "stride", minimum=1)
        if s not in (1, 2):
            raise ValueError(f"stride must be 1 or 2, got {s}")
        controls = {
            "d": shift_slider(widgets, "d", d, 7, "shift d"),
            "stride": widgets.ToggleButtons(options=[1, 2], value=s, description="stride"),
        }
        controls["stride"].style.button_width = "4em"
        super().__init__(controls, renderer="frames", frame_control=("d", "stride"))

    def build(self, fig) -> None:
        self.view = StrideFigure(fig, self.x)
        self.animate(*self.view.artists)


    def describe(self, d=1, stride=2) -> str:
        return said(
            f"Row shifted by d = {d}, stride {stride}", self.view.text,
            f"Kept samples {fmt_values(np.round(self.kept, 2))}",
            f"Unshifted layer's samples moved {fmt_values(np.round(self.expected, 2))}",
        )  # fmt: skip

    def value_text(self, name, values) -> str:
        if name != "d":
            return super().value_text(name, values)
        d, s = values["d"], values["stride"]
        if d % s == 0:
            return f"shift d = {d}: the kept samples move by {d // s}, equivariant"
        return f"shift d = {d}: no whole shift matches (closest off by {self.error:.2f})"

    def update(self, d=1, stride=2) -> list:
        changed = self.view.show(d, stride)
        self.kept, self.expected, self.error = self.view.kept, self.view.expected, self.view.error
        return changed
