"""Explorers of lesson 02, sparse interactions: who is connected to whom, in 1-D and 2-D."""

from __future__ import annotations

import numpy as np

from cnnlessons import _checks
from cnnlessons.engine import Explorer
from cnnlessons.figures.grids import fmt_number, fmt_rows, fmt_values, said
from cnnlessons.lesson02.figures import CONNECTION_KINDS, SIDES, ConnectionDiagram, DependencyFigure
from cnnlessons.numerics.images import KERNELS

__all__ = ["ConnectionsExplorer", "DependencyExplorer"]

K_RANGE = (1, 7)  # the k slider: odd sizes from 1 to 7
N_INPUTS_RANGE = (3, 15)  # more units than this and the lines blur together


class ConnectionsExplorer(Explorer):
    """Dense against convolutional connections in 1-D (Deep Learning Figs 9.2 and 9.3).

    Controls: ``kind`` (dense or conv), ``k`` (the kernel size, odd, 1 to 7), ``side`` (look
    from an input: which outputs it affects; or from an output: which inputs it depends on)
    and ``unit`` (which one). The frames renderer draws every combination once, so every
    control swaps pictures in the browser. A click on a unit selects it (and its side).
    """

    figsize = (9.4, 3.4)

    def __init__(
        self,
        n_inputs: int = 9,
        *,
        kind: str = "conv",
        k: int = 3,
        side: str = "output",
        renderer: str = "frames",
    ):
        import ipywidgets as widgets

        n = _checks.integer(n_inputs, "n_inputs")
        lo, hi = N_INPUTS_RANGE
        if not lo <= n <= hi:
            raise ValueError(f"n_inputs must be between {lo} and {hi}, got {n}")
        _checks.choice(kind, "kind", CONNECTION_KINDS)
        k = _checks.integer(k, "k")
        if not (K_RANGE[0] <= k <= K_RANGE[1] and k % 2 == 1):
            raise ValueError(f"k must be one of 1, 3, 5, 7 (odd), got {k}")
        _checks.choice(side, "side", SIDES)
        self.n_inputs = n
        controls = {
            "kind": widgets.ToggleButtons(
                options=list(CONNECTION_KINDS),
                value=kind,
                description="layer",
                style={"button_width": "70px"},
            ),
            "k": widgets.SelectionSlider(  # options, not a stepped range: frames by index
                options=list(range(K_RANGE[0], K_RANGE[1] + 1, 2)),
                value=k,
                description="k",
                layout={"width": "220px"},
            ),
            "side": widgets.ToggleButtons(
                options=list(SIDES),
                value=side,
                description="seen from",
                style={"button_width": "70px"},
            ),
            "unit": widgets.IntSlider(
                n // 2, 0, n - 1, description="unit", layout={"width": "260px"}
            ),
        }
        # every combination is drawn once (n x 4 x 2 x 2 frames), so each control swaps
        # pictures in the browser; the dragged sliders first (see Explorer)
        super().__init__(controls, renderer=renderer, frame_control=("unit", "k", "side", "kind"))
        self.on_click(self.view.ax, self._pick)  # a click on a unit selects it

    def build(self, fig) -> None:
        self.view = ConnectionDiagram(fig.add_subplot(), self.n_inputs)
        self.animate(*self.view.artists)


    def describe(self, kind="conv", k=3, side="output", unit=0) -> str:
        other = "Inputs" if side == "output" else "Outputs"
        return said(self.view.text, f"{other} {fmt_values(self.highlighted)}")

    def value_text(self, name, values) -> str:
        reached = self.highlighted
        if name == "unit":
            other = "inputs" if values["side"] == "output" else "outputs"
            return (f"{values['side']} {values['unit']}: connected to {len(reached)} {other}, "
                    f"{fmt_values(reached)}")  # fmt: skip
        if name == "k":
            return f"k = {values['k']}: {int(self.connected.sum())} connections in all"
        return super().value_text(name, values)

    def update(self, kind="conv", k=3, side="output", unit=0) -> list:
        return self.view.select(kind, int(k), side, int(unit))

    def _pick(self, row: int, col: int) -> None:
        """A click: row 0 is the inputs' row, row 1 the outputs'."""
        side = "output" if row >= 1 else "input"
        self.controls["side"].value = side
        self.controls["unit"].value = min(max(col, 0), self.n_inputs - 1)

    # the arrays behind the picture
    @property
    def connected(self) -> np.ndarray:
        """(outputs x inputs) boolean matrix of the connections drawn."""
        return self.view.connected

    @property
    def highlighted_connections(self) -> np.ndarray:
        """(outputs x inputs) boolean matrix of the connections drawn thick and coloured."""
        return self.view.highlighted_connections

    @property
    def highlighted(self) -> np.ndarray:
        """Indices of the units, on the other side, that the selected unit connects to."""
        return self.view.highlighted

    @property
    def selected(self) -> tuple[str, int]:
        """(side, unit) of the selected unit."""
        return self.view.side, self.view.unit


class DependencyExplorer(Explorer):
    """Pick an output of the classic 6x6 example and see the 9 inputs it depends on.

    Control ``output`` (which of the 16 outputs, in reading order); a click on an output
    cell selects it. ``kernel`` (a name from
    ``KERNELS``) chooses the numbers in the output; the dependency is the same for all.
    """

    def __init__(self, kernel: str = "vertical edge", *, renderer: str = "frames"):
        import ipywidgets as widgets

        self.kernel = _checks.choice(kernel, "kernel", tuple(KERNELS))
        slider = widgets.IntSlider(0, 0, 15, description="output", layout={"width": "320px"})
        super().__init__({"output": slider}, renderer=renderer, frame_control="output")
        self.on_click(self.view.axes["output"], self._pick)

    def build(self, fig) -> None:
        self.view = DependencyFigure(fig, w=KERNELS[self.kernel])
        self.out_shape = self.view.out.shape
        self.animate(*self.view.artists)


    def describe(self, output=0) -> str:
        rows, cols = np.nonzero(self.depends_on)
        r0, r1, c0, c1 = rows.min(), rows.max(), cols.min(), cols.max()
        return said(
            self.view.text,
            f"Counting from 0, those inputs are rows {r0} to {r1}, columns {c0} to {c1}: "
            f"{fmt_rows(self.x[r0 : r1 + 1, c0 : c1 + 1])}",
            f"With the {self.kernel} kernel they give {fmt_number(self.value)}",
        )

    def value_text(self, name, values) -> str:
        rows, cols = np.nonzero(self.depends_on)
        row, col = self.selected
        return (f"output {values['output']}: row {row}, column {col} = {fmt_number(self.value)}; "
                f"depends on input rows {rows.min()} to {rows.max()}, columns {cols.min()} to "
                f"{cols.max()}")  # fmt: skip

    def update(self, output=0) -> list:
        return self.view.select(*divmod(int(output), self.out_shape[1]))

    def _pick(self, row: int, col: int) -> None:
        oh, ow = self.out_shape
        row, col = min(max(row, 0), oh - 1), min(max(col, 0), ow - 1)
        self.controls["output"].value = row * ow + col

    # the arrays behind the picture
    @property
    def selected(self) -> tuple[int, int]:
        """(row, col) of the selected output."""
        return self.view.selected

    @property
    def depends_on(self) -> np.ndarray:
        """Boolean mask over the input: the pixels left uncovered (the receptive field)."""
        return self.view.depends_on

    @property
    def value(self) -> float:
        """The selected output's number."""
        return self.view.value

    @property
    def x(self) -> np.ndarray:
        return self.view.x

    @property
    def output(self) -> np.ndarray:
        """The whole output, ``conv2d(x, kernel)``."""
        return self.view.out
