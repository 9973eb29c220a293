"""Exercises of lesson 01, convolution by hand.

Each asks about a case the lesson has not shown: the mirrored edge (dark left, bright right),
the padding that keeps a 32-pixel input at 32 with a 5x5 kernel, an output size with padding,
stride *and* dilation, and a function that computes a whole output.
"""

import numpy as np

from cnnlessons.checking import FunctionExercise, NumberExercise
from cnnlessons.numerics.conv import conv2d, convolve2d
from cnnlessons.numerics.geometry import output_size
from cnnlessons.numerics.images import kernel

__all__ = ["mirrored_example", "q1", "q2", "q3", "q4"]


def mirrored_example() -> np.ndarray:
    """The 6x6 example mirrored: left half 0s (dark), right half 10s (bright)."""
    x = np.zeros((6, 6))
    x[:, 3:] = 10.0
    return x


q1 = NumberExercise(
    prompt="Mirror the 6x6 example: now the **left** half is 0s and the **right** half 10s "
    "(`x = cl.edge_example()[:, ::-1]`). Same vertical-edge kernel (rows `[1, 0, -1]`). What is "
    "the output in row 0, column 1? Work it out by hand before you compute it.",
    answer=float(conv2d(mirrored_example(), kernel("vertical edge"))[0, 1]),
    mistakes={
        30: "that is the original example's value. Here the 10s are on the *right*, where the "
        "kernel has its −1s: the sign changes.",
        -10: "that is one row's contribution (0·1 + 0·0 + 10·(−1)); the window has three rows.",
        10: "that is one row's contribution, and the sign is off: the 10s meet the −1 column. "
        "The window has three rows.",
        0: "the window at column 1 covers input columns 1, 2 and 3; column 3 is already a "
        "10. Only the window at column 0 sees 0s alone.",
        -20: "the window at column 1 covers columns 1, 2, 3: only one of them (column 3) holds "
        "10s. Per row: 0·1 + 0·0 + 10·(−1).",
    },
    hint_text="Which input columns does the window at output column 1 cover, and what do they "
    "hold in the mirrored example? Multiply them by the kernel's columns 1, 0, −1 and add, "
    "row by row.",
    solution_text="Each of the 3 rows gives 0·1 + 0·0 + 10·(−1) = −10, so the output is "
    "**−30**: a bright-to-dark step from right to left gives the opposite sign. Check: "
    "`cl.conv2d(cl.edge_example()[:, ::-1], cl.kernel('vertical edge'))[0, 1]`.",
    code="cl.conv2d(cl.edge_example()[:, ::-1], cl.kernel('vertical edge'))[0, 1]",
)

q2 = NumberExercise(
    prompt="A 32x32 image and a 5x5 kernel, stride 1. What padding p (zeros added on *each* "
    'side) keeps the output at 32x32 ("same" padding)?',
    answer=2,
    mistakes={
        4: "4 = k − 1 is the *total* padding an axis needs; p is added on *each* side, so "
        "each side gets half of it. With p = 4 the output would be 36.",
        1: "p = 1 keeps the size for a 3x3 kernel; a 5x5 kernel reaches two pixels beyond its "
        "centre. With p = 1 the output would be 30.",
        0: 'with no padding ("valid") the output shrinks to 32 − 5 + 1 = 28.',
        5: "that is the kernel's side k. The padding is (k − 1)/2 per side.",
        2.5: "k/2 is not a whole number of pixels: the padding is (k − 1)/2, which is why "
        "kernels have odd sides.",
        28: "28 is the output size *without* padding; the question asks for p.",
        32: "32 is the output size; the question asks for the padding p that gives it.",
    },
    hint_text="Solve 32 = 32 + 2p − 5 + 1 for p (the output-size formula with s = d = 1).",
    solution_text="o = i + 2p − k + 1 = i exactly when 2p = k − 1, so p = (5 − 1)/2 = **2**. "
    "Check: `cl.output_size(32, 5, padding=2)` is 32.",
    code="(5 - 1) // 2",
)

q3 = NumberExercise(
    prompt="A 17-pixel input, a 3-tap kernel with dilation 2, padding 3 and stride 2. How many "
    "outputs along this axis?",
    answer=output_size(17, 3, stride=2, padding=3, dilation=2),
    mistakes={
        output_size(17, 3, stride=2, padding=3): "that leaves out the dilation: with d = 2 "
        "the 3 taps span d(k − 1) + 1 = 5 pixels, not 3.",
        output_size(17, 3, stride=1, padding=3, dilation=2): "that is the output with stride "
        "1; stride 2 keeps every second window position (divide by s, then add 1).",
        output_size(17, 3, stride=2, padding=0, dilation=2): "that leaves out the padding: "
        "it adds 3 zeros on *both* sides, 2p = 6 pixels in all.",
        (17 + 3 - 4 - 1) // 2 + 1: "that pads one side only: p zeros go on *each* side, 2p in all.",
        (17 + 6 - 4 - 1) // 2: "almost: you forgot the +1 at the end (the first window "
        "position counts too).",
        17: "17 is the input's size; with this padding, stride and dilation the output is smaller.",
        8.5: "sizes are whole numbers: the formula rounds *down*, then adds 1.",
    },
    hint_text="o = ⌊(i + 2p − d(k − 1) − 1)/s⌋ + 1 with i = 17, k = 3, p = 3, s = 2, d = 2.",
    solution_text="⌊(17 + 6 − 4 − 1)/2⌋ + 1 = ⌊18/2⌋ + 1 = **10**. "
    "`cl.output_size(17, 3, stride=2, padding=3, dilation=2)`.",
    code="cl.output_size(17, 3, stride=2, padding=3, dilation=2)",
)


def _reference(x, w):
    return conv2d(np.asarray(x, dtype=float), np.asarray(w, dtype=float))


def _full_size(x, w):
    """out = np.zeros(x.shape), filled only where the window fits."""
    x, w = np.asarray(x, float), np.asarray(w, float)
    out = np.zeros(x.shape)
    valid = conv2d(x, w)
    out[: valid.shape[0], : valid.shape[1]] = valid
    return out


_rng = np.random.default_rng(1)
q4 = FunctionExercise(
    prompt="Write `corr2d(x, w)`: the valid cross-correlation of a 2-D array `x` with a 2-D "
    "kernel `w` of any shape `kh x kw` (output shape `(H - kh + 1, W - kw + 1)`), with two "
    "loops over the output. It is tried on inputs you have not seen, including a kernel that is "
    "not square.",
    reference=_reference,
    cases=[
        (mirrored_example(), kernel("vertical edge")),
        (np.arange(12.0).reshape(3, 4), np.array([[1.0, 2.0]])),
        (_rng.normal(size=(5, 6)), _rng.normal(size=(2, 3))),
        (_rng.normal(size=(4, 4)), _rng.normal(size=(4, 4))),
        (_rng.normal(size=(6, 3)), _rng.normal(size=(3, 1))),
    ],
    mistakes=[
        (
            lambda x, w: convolve2d(np.asarray(x, float), np.asarray(w, float)),
            "your function flips the kernel: that is true convolution. Slide `w` as it is.",
        ),
        (
            _full_size,
            "your output has the input's shape, with zeros where the window does not fit: the "
            "output has H − kh + 1 rows and W − kw + 1 columns (`np.zeros((H - kh + 1, "
            "W - kw + 1))`).",
        ),
        (
            lambda x, w: _reference(x, w)[:-1, :-1],
            "your output is one row and one column short: there are H − kh + 1 window "
            "positions per column, so loop over `range(H - kh + 1)`, not `range(H - kh)`.",
        ),
    ],
    hint_text="How big is the output (lesson 01's o = i − k + 1, per axis)? Make an array of "
    "zeros that size, then loop over its rows r and columns c: output (r, c) is the sum of "
    "the products of `w` with the patch of `x` whose top-left corner is (r, c).",
    solution_text="""
```python
def corr2d(x, w):
    kh, kw = w.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            out[r, c] = (x[r:r + kh, c:c + kw] * w).sum()
    return out
```""",
    code="""def corr2d(x, w):
    kh, kw = w.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            out[r, c] = (x[r:r + kh, c:c + kw] * w).sum()
    return out""",
)
