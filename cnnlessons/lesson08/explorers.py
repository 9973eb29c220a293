"""Explorers of lesson 08, pooling and invariance: shift an input and watch what pooling does
with it.

Every explorer uses the frames renderer: each combination of its sliders and buttons is drawn
once (at most ``MAX_FRAMES``), so dragging a slider only swaps pictures in the browser. The
numbers that change (counts, outputs) are written in the figure.
"""

from __future__ import annotations

from cnnlessons import _checks
from cnnlessons.engine import Explorer
from cnnlessons.figures.grids import fmt_values, said
from cnnlessons.lesson07.explorers import shift_slider
from cnnlessons.lesson08.figures import AliasingFigure, PoolingShiftFigure

__all__ = ["PoolingShiftExplorer", "AliasingExplorer"]


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
            "d": shift_slider(widgets, "d", d, 3, "shift d"),
            "width": widgets.ToggleButtons(
                options=list(range(1, 6)), value=w, description="width w"
            ),  # fmt: skip
        }
        controls["width"].style.button_width = "3em"
        super().__init__(controls, renderer="frames", frame_control=("d", "width"))

    def build(self, fig) -> None:
        self.view = PoolingShiftFigure(fig, self.row)
        self.animate(*self.view.artists)


    def describe(self, d=1, width=3) -> str:
        n = len(self.pooled)
        return said(
            f"Max pooling of width {width}, stride 1, row shifted by {d}",
            f"Detector row {fmt_values(self.view.row)}",
            f"Pooled before the shift {fmt_values(self.pooled)}",
            f"Pooled after the shift {fmt_values(self.pooled_moved)}",
            f"Detector values changed: {self.detector_changed} of {n}; pooled values "
            f"changed: {self.pooled_changed} of {n}",
        )

    def value_text(self, name, values) -> str:
        if name != "d":
            return super().value_text(name, values)
        n = len(self.pooled)
        return (f"shift d = {values['d']}: {self.pooled_changed} of {n} pooled values change, "
                f"{self.detector_changed} of {n} detector values")  # fmt: skip

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
            "d": shift_slider(widgets, "d", d, 3, "shift d"),
            "filter": widgets.ToggleButtons(options=options, value=f, description="blur"),
        }
        controls["filter"].style.button_width = "7.5em"
        super().__init__(controls, renderer="frames", frame_control=("d", "filter"))

    def build(self, fig) -> None:
        self.view = AliasingFigure(fig, self.x)
        self.animate(*self.view.artists)


    def describe(self, d=0, filter=1) -> str:  # noqa: A002
        unshifted = ", ".join(f"{v:g}" for v in self.expected_output)
        return said(self.view.text, "Output of the row not shifted, moved by the nearest whole "
                    f"shift: {unshifted}")  # fmt: skip

    def value_text(self, name, values) -> str:
        if name != "d":
            return super().value_text(name, values)
        return f"shift d = {values['d']}: output change {self.change:.2f}"

    def update(self, d=0, filter=1) -> list:  # noqa: A002 - the control's name
        changed = self.view.show(filter, d)
        v = self.view
        self.output, self.expected_output, self.change = v.output, v.expected_output, v.change
        return changed
