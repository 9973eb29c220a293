"""The first explorer: a kernel's window stepping over an input, one output at a time."""

from __future__ import annotations

import numpy as np

from .. import _checks
from ..conv import conv2d
from ..figures.convolution import SlidingWindowFigure
from ..images import KERNELS, edge_example
from .base import Explorer


class SlidingWindowExplorer(Explorer):
    """Step a 3x3 kernel's window over an input and watch each output being computed.

    Controls: ``position`` (which output, in reading order), ``play`` (steps by itself, in
    the browser) and ``kernel`` (a name from ``KERNELS``). A click on a cell of the input or the
    output moves the window there.

    Defaults to the classic 6x6 example (left half 10s, right half 0s) and the vertical-edge
    kernel, whose 4x4 output is 0, 30, 30, 0 on every row.
    """

    mirrors = ("play",)  # jslink-ed to position in the browser

    def __init__(self, x=None, kernel: str = "vertical edge", *, renderer: str = "frames"):
        import ipywidgets as widgets

        self.x = edge_example() if x is None else _checks.array(x, "x", ndims=(2,))
        _checks.choice(kernel, "kernel", tuple(KERNELS))
        if min(self.x.shape) < 3 or max(self.x.shape) > 10:
            raise ValueError(
                f"x must be between 3x3 and 10x10 so its numbers stay readable, got {self.x.shape}"
            )
        self.out_shape = (self.x.shape[0] - 2, self.x.shape[1] - 2)
        last = self.out_shape[0] * self.out_shape[1] - 1
        position = widgets.IntSlider(0, 0, last, description="position", continuous_update=True)
        play = widgets.Play(0, min=0, max=last, interval=700, description="play")
        widgets.jslink((play, "value"), (position, "value"))
        choice = widgets.Dropdown(options=list(KERNELS), value=kernel, description="kernel")
        self._kernel = None
        super().__init__(
            {"position": position, "play": play, "kernel": choice},
            renderer=renderer,
            frame_control=("position", "kernel"),  # 16 x 5 frames; the slider first
        )
        # a click on a cell of the input or the output moves the window there
        self.on_click(self.view.axes["output"], self._jump)
        self.on_click(self.view.axes["input"], self._jump)

    def build(self, fig) -> None:
        self.view = SlidingWindowFigure(fig, self.x, KERNELS[self.controls["kernel"].value])
        v = self.view
        self.animate(*v.products.artists, v.total, v.cover, v.window, v.cell)

    def update(self, position=0, kernel="vertical edge") -> list:
        changed = []
        if kernel != self._kernel:
            changed = self.view.set_kernel(KERNELS[kernel])
            self._kernel = kernel
        row, col = divmod(int(position), self.out_shape[1])
        return changed + self.view.show(row, col)

    def _jump(self, row: int, col: int) -> None:
        oh, ow = self.out_shape
        row, col = min(max(row, 0), oh - 1), min(max(col, 0), ow - 1)
        self.controls["position"].value = row * ow + col

    # the arrays behind the picture, for tests and for learners who want the numbers
    @property
    def window(self) -> tuple[int, int]:
        """(row, col) of the window's top-left input pixel."""
        return self.view.position

    @property
    def patch(self) -> np.ndarray:
        return self.view.patch

    @property
    def products(self) -> np.ndarray:
        return self.view.products.values

    @property
    def output_shown(self) -> np.ndarray:
        """The output as drawn: cells computed so far filled in, the rest NaN (covered)."""
        return self.view.output_shown

    @property
    def full_output(self) -> np.ndarray:
        return conv2d(self.x, self.view.w)
