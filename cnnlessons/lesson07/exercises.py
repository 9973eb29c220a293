"""Exercises of lesson 07, translation equivariance."""

import numpy as np

from cnnlessons.checking import ArrayExercise, FunctionExercise, NumberExercise
from cnnlessons.lesson07.numerics import (
    conv_map,
    equivariance_error,
    exact_shifts,
    stack_map,
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

# q2: a stack, which the lesson does not show (issue 20: the 5x5 band was printed in the lesson)
def _stack_band(layers: int, k: int = 3, size: int = 16) -> int:
    """Rows at the top where a stack of ``layers`` k x k zero-padded conv + ReLU layers differs
    from the circular one, measured: each layer's reach adds up."""
    rng = np.random.default_rng(3)
    x = rng.uniform(0.5, 1.5, (size, size))
    kernels = [rng.uniform(0.5, 1.5, (k, k)) for _ in range(layers)]  # positive: no ReLU zeros
    differs = stack_map(kernels, padding_mode="zeros")(x) != stack_map(kernels)(x)
    middle = differs[: size // 2, size // 2 - 1 : size // 2 + 1]  # away from the side bands
    rows = np.flatnonzero(middle.any(axis=1))
    return int(rows.max()) + 1 if rows.size else 0


q2 = NumberExercise(
    prompt='**Three** stacked 3x3 conv + ReLU layers, each with zero padding 1 ("same" size), '
    "on a 32x32 image. How many output rows at the top of the **third** layer can differ from "
    "the same stack with circular padding?",
    answer=_stack_band(3),
    mistakes={
        1: "that is the band of one 3x3 layer. The second layer's row 1 reads layer 1's row 0, "
        "which the padding already changed.",
        6: "that counts the top and the bottom bands (3 + 3); the question asks for the top.",
        7: "7 is the stack's receptive field; the band is how far it reaches *beyond its "
        "centre*.",
        2: "that is two layers: each layer adds (k − 1)/2 = 1.",
    },
    hint_text="One 3x3 layer: 1 row. A layer-2 unit at row r reads layer-1 rows r − 1 to r + 1. "
    "Which layer-2 rows read a changed layer-1 row? Then layer 3.",
    solution_text="Each layer adds its reach (k − 1)/2 = 1: **3** rows, as far as the stack's "
    "7-pixel receptive field reaches from its centre ((7 − 1)/2). In a deep network the band "
    "grows layer by layer.",
    code="3 * eq.border_band_width(3)[0]",
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
    hint_text="Write g first, as a function of one picture: a circular shift by dy rows and dx "
    "columns (which numpy function moves entries round, and along which axes?). Then apply f "
    "and g in both orders.",
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
