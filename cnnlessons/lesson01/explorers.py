"""Explorers of lesson 01, convolution by hand: a kernel's window stepping over an input,
kernels on a photograph, and the size of a convolution's output."""

from __future__ import annotations

import numpy as np

from cnnlessons import _checks
from cnnlessons.engine import Explorer
from cnnlessons.figures.grids import fmt_number, fmt_rows, fmt_values, said
from cnnlessons.lesson01.figures import OutputSizeFigure, PhotoFigure, SlidingWindowFigure
from cnnlessons.numerics.conv import conv2d
from cnnlessons.numerics.images import KERNELS, edge_example, photo

__all__ = ["SlidingWindowExplorer", "PhotoExplorer", "OutputSizeExplorer", "KERNEL_NOTES"]

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


    def describe(self, position=0, kernel="vertical edge") -> str:
        v = self.view
        (row, col), total = v.position, float(self.products.sum())
        done = int(np.isfinite(v.output_shown).sum())
        return said(
            f"Kernel {kernel}, rows {fmt_rows(v.w)}",
            f"Counting from 0, the window's top-left corner is at input row {row}, column "
            f"{col}; it covers inputs {fmt_rows(self.patch)}",
            f"Products {fmt_values(self.products)}",
            f"Sum {fmt_number(total)}",
            f"Output row {row}, column {col} = {fmt_number(total)}; {done} of {v.out.size} "
            "outputs filled in",
        )

    def value_text(self, name, values) -> str:
        if name != "position":
            return super().value_text(name, values)
        row, col = self.view.position
        return (f"position {values['position']}: window at input row {row}, column {col}; "
                f"output = {fmt_number(float(self.products.sum()))}")  # fmt: skip

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


#: what to look for in the output, per kernel
KERNEL_NOTES = {
    "vertical edge": "red: bright on the left, dark on the right; blue: the reverse",
    "horizontal edge": "red: bright above, dark below; blue: the reverse",
    "blur": "each pixel becomes the mean of its 3x3 neighbourhood",
    "sharpen": "the pixel plus a Laplacian (4x it minus its 4 neighbours): edges stand out",
    "identity": "the input itself (one 1 in the middle of the kernel)",
}


class PhotoExplorer(Explorer):
    """The same 3x3 kernels on a real photograph: input, kernel and output side by side.

    Control ``kernel`` (a menu over ``KERNELS``); each kernel's output is drawn once and the
    menu swaps pictures in the browser. ``step`` (1 to 16) keeps every step-th pixel of the
    600 x 512 photo. Outputs of the edge kernels (weights summing to 0) are
    signed: red positive, blue negative, white zero. The others are shown in grey.

    ``image``: your own picture instead of Grace Hopper's (a 2-D or RGB numpy array, or an
    image file's path: see ``numerics.images.photo``), thinned by ``step`` the same way.

    The picture is ``view``, a ``PhotoFigure``. Arrays: ``x`` (the photo), ``kernel`` and
    ``output`` (what is shown).
    """

    figsize = (9.4, 3.9)

    STEP_RANGE = (1, 16)  # every pixel (600 x 512) to every 16th (38 x 32)

    def __init__(self, kernel: str = "vertical edge", step: int = 2, image=None):
        import ipywidgets as widgets

        _checks.choice(kernel, "kernel", tuple(KERNELS))
        lo, hi = self.STEP_RANGE
        if not lo <= _checks.integer(step, "step", minimum=lo) <= hi:
            raise ValueError(
                f"step must be between {lo} (every pixel of the photo) and {hi}, got {step}"
            )
        self.x = photo(image, step=step)
        menu = widgets.Dropdown(options=list(KERNELS), value=kernel, description="kernel")
        super().__init__({"kernel": menu}, renderer="frames", frame_control="kernel")

    def build(self, fig) -> None:
        kernel = self.controls["kernel"].value
        self.view = PhotoFigure(fig, self.x, KERNELS[kernel], KERNEL_NOTES[kernel])
        self.animate(*self.view.artists)


    def describe(self, kernel="vertical edge") -> str:
        v, (h, w) = self.view, self.x.shape
        out = v.output
        signed = abs(v.kernel.sum()) < 1e-12
        colours = ("red positive, blue negative, white 0" if signed
                   else "grey, from black at 0 to white at 1")  # fmt: skip
        return said(
            f"Kernel {kernel}, rows {fmt_rows(v.kernel)}, on the {h}×{w} photo",
            f"Output {out.shape[0]}×{out.shape[1]}, values from {fmt_number(out.min())} to "
            f"{fmt_number(out.max())}, drawn {colours}",
            v.note,
        )

    def update(self, kernel="vertical edge") -> list:
        return self.view.select(KERNELS[kernel], KERNEL_NOTES[kernel])

    # the arrays behind the picture, for tests and for learners who want the numbers
    @property
    def kernel(self):
        """The kernel shown (3 x 3)."""
        return self.view.kernel

    @property
    def output(self):
        """The output shown, ``conv2d(x, kernel)``."""
        return self.view.output


class OutputSizeExplorer(Explorer):
    """How big is the output? Input size, kernel, padding, stride and dilation on one axis
    (drawn square, as in Dumoulin & Visin's guide).

    Left: the padded input (input blue, padding light grey), every window's top-left corner
    (dots), and the last window with its dilated taps (orange). Pixels that no window covers
    are red. Right: the output grid. Below: the formula with the numbers. Impossible
    combinations (a kernel larger than the padded input) are flagged instead of failing.

    The picture is ``view``, an ``OutputSizeFigure``. Numbers: ``out_size`` (0 when there is
    no output) and ``fits`` (every padded pixel in some window).
    """

    figsize = (9.4, 4.6)
    LIMITS = {"i": (3, 9), "k": (1, 5), "padding": (0, 3), "stride": (1, 3), "dilation": (1, 3)}

    def __init__(self, i=7, k=3, padding=1, stride=2, dilation=1):
        import ipywidgets as widgets

        values = {"i": i, "k": k, "padding": padding, "stride": stride, "dilation": dilation}
        controls = {}
        for name, (lo, hi) in self.LIMITS.items():
            v = _checks.integer(values[name], name)
            if not lo <= v <= hi:
                raise ValueError(f"{name} must be between {lo} and {hi}, got {v}")
            controls[name] = widgets.IntSlider(
                v, lo, hi, description=name, layout={"width": "230px"}
            )
        super().__init__(controls, renderer="blit")

    def build(self, fig) -> None:
        self.view = OutputSizeFigure(fig, **self.values)
        self.animate(*self.view.artists)


    def describe(self, i=7, k=3, padding=1, stride=2, dilation=1) -> str:
        v = self.view
        o = v.out_size
        return said(
            f"Input i = {i}, padding p = {padding} (padded input {i + 2 * padding}), kernel "
            f"k = {k}, stride s = {stride}, dilation d = {dilation}",
            v.formula,
            f"Output {o} × {o}" if o else "",
            v.warning if v.warning.get_text() else "Every pixel of the padded input is in a window",
        )

    def value_text(self, name, values) -> str:
        o, v = self.view.out_size, values
        what = {"i": f"input i = {v['i']}", "k": f"kernel k = {v['k']}",
                "padding": f"padding p = {v['padding']} (padded input {v['i'] + 2 * v['padding']})",
                "stride": f"stride {v['stride']}",
                "dilation": f"dilation {v['dilation']} (window {v['dilation'] * (v['k'] - 1) + 1} "
                            "wide)"}[name]  # fmt: skip
        return f"{what}: " + (f"output {o} × {o}" if o else "no output, the window is larger "
                              "than the padded input")  # fmt: skip

    def update(self, i=7, k=3, padding=1, stride=2, dilation=1) -> list:
        return self.view.select(i, k, padding, stride, dilation)

    @property
    def out_size(self) -> int:
        """The output's side (0 when the kernel does not fit the padded input)."""
        return self.view.out_size

    @property
    def fits(self) -> bool:
        """Whether every pixel of the padded input lies in some window."""
        return self.view.fits
