"""Exercises of lesson 07, translation equivariance."""

import numpy as np

from cnnlessons.checking import ArrayExercise, FunctionExercise, NumberExercise
from cnnlessons.lesson07.numerics import (
    border_band_width,
    conv_map,
    equivariance_error,
    exact_shifts,
)
from cnnlessons.numerics.conv import shift

__all__ = ["q1", "q2", "q3"]

q1 = ArrayExercise(
    prompt="A convolution with **stride 3** (circular padding). Which of the shifts "
    "0, 1, 2, ..., 8 pixels (along one axis) keep it *exactly* equivariant, so that the "
    "output just moves? Give them as a list, smallest first.",
    answer=np.array(exact_shifts(3, 9)),
    mistakes=[
        (
            np.array(exact_shifts(2, 9)),
            "those are the exact shifts for stride **2**; here the "
            "layer keeps every third position.",
        ),
        (
            np.arange(9),
            "with stride 1 every shift is exact; with stride 3 the output can only "
            "move in whole steps of 3 input pixels.",
        ),
        (np.array([3, 6]), "almost: a shift of 0 (no shift at all) is trivially exact too."),
        (np.array([1, 2, 4, 5, 7, 8]), "those are the shifts that *break* it."),
    ],  # fmt: skip
    hint_text="The output moves by d / s when the input moves by d. Which d make d / 3 a "
    "whole number?",
    solution_text="The multiples of the stride: **[0, 3, 6]**, where the output moves by 0, 1 "
    "and 2 pixels. `cnnlessons.lesson07.numerics.exact_shifts(3, 9)`.",
    code="eq.exact_shifts(3, 9)",
)

q2 = NumberExercise(
    prompt='A **5x5** kernel with zero padding of 2 ("same" size) on a 32x32 image. How many '
    "output rows at the top have a window that reaches into the padding (the border band, "
    "where zero and circular padding disagree)?",
    answer=border_band_width(5, "same")[0],
    mistakes={
        5: "that is the kernel's width; the band is how far the kernel reaches *beyond its "
        "centre*.",
        4: "that counts both the top and the bottom band (2 + 2); the question asks for the "
        "top only.",
        1: "that is the band of a 3x3 kernel.",
        3: "the window centred on row 2 covers rows 0-4: it stays inside the image.",
    },
    hint_text="The window centred on output row r covers input rows r - 2 ... r + 2. For which "
    "r does that include a row above row 0?",
    solution_text="Rows 0 and 1: **2** rows, the padding on that side ((k - 1) / 2 for an odd "
    "k). `cnnlessons.lesson07.numerics.border_band_width(5)` gives (2, 2).",
    code="eq.border_band_width(5)[0]",
)


def _reference(f, x, dy, dx):
    return equivariance_error(f, x, dy, dx)


_rng = np.random.default_rng(7)
_x = _rng.normal(size=(9, 11))
_w = _rng.normal(size=(3, 3))
q3 = FunctionExercise(
    prompt="Write `equivariance_error(f, x, dy, dx)`: the array f(g(x)) − g(f(x)), where g "
    "shifts a picture `dy` pixels down and `dx` pixels right, circularly (`np.roll`). It is "
    "checked on convolutions with circular and zero padding, a ReLU and a stack of layers.",
    reference=_reference,
    cases=[
        (conv_map(_w), _x, 2, 3),
        (conv_map(_w, padding_mode="zeros"), _x, 2, 3),
        (conv_map(_w, padding_mode="zeros"), _x, -1, 0),
        (lambda v: np.maximum(v, 0), _x, 4, -5),
        (conv_map(np.ones((5, 5)), padding_mode="zeros", relu=True), _x, 0, 1),
    ],
    mistakes=[
        (
            lambda f, x, dy, dx: f(shift(x, dx, dy)) - shift(f(x), dx, dy),
            "`dy` and `dx` are swapped: `np.roll(x, (dy, dx), axis=(0, 1))` moves rows by dy and "
            "columns by dx.",
        ),
        (
            lambda f, x, dy, dx: shift(f(x), dy, dx) - f(shift(x, dy, dx)),
            "the sign is flipped: f(g(x)) comes first, then subtract g(f(x)).",
        ),
        (
            lambda f, x, dy, dx: f(shift(x, dy, dx)) - f(x),
            "you compare f(g(x)) with f(x), which did not move: shift f(x) as well.",
        ),
    ],  # fmt: skip
    hint_text="`g = lambda v: np.roll(v, (dy, dx), axis=(0, 1))`; then `f(g(x)) - g(f(x))`.",
    solution_text="""
```python
def equivariance_error(f, x, dy, dx):
    g = lambda v: np.roll(v, (dy, dx), axis=(0, 1))
    return f(g(x)) - g(f(x))
```""",
    code="def equivariance_error(f, x, dy, dx):\n"
    "    g = lambda v: np.roll(v, (dy, dx), axis=(0, 1))\n"
    "    return f(g(x)) - g(f(x))",
)
