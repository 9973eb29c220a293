"""Exercises of lesson 01, convolution by hand."""

import numpy as np

from ..conv import conv2d, convolve2d, output_size
from ..images import edge_example, kernel
from .core import FunctionExercise, NumberExercise

q1 = NumberExercise(
    prompt="The 6x6 example (left half 10s, right half 0s) and the vertical-edge kernel (rows "
    "`[1, 0, -1]`): what is the output in row 0, column 1? Work it out by hand.",
    answer=float(conv2d(edge_example(), kernel("vertical edge"))[0, 1]),
    mistakes={
        -30: "the sign is flipped. Did you flip the kernel? That is true convolution; deep "
        "learning slides the kernel as it is (cross-correlation).",
        0: "that is the value at column 0, where the window sees only 10s (10 - 10 = 0 per "
        "row). Move the window one step right.",
        10: "that is one row's contribution (10·1 + 10·0 + 0·(-1)); there are three rows.",
    },
    hint_text="The window at column 1 covers input columns 1, 2, 3: two columns of 10s and one "
    "of 0s. Each row gives 10·1 + 10·0 + 0·(-1).",
    solution_text="Each of the 3 rows gives 10·1 + 10·0 + 0·(-1) = 10, so the output is "
    "3 · 10 = **30**. `cl.conv2d(cl.edge_example(), cl.kernel('vertical edge'))[0, 1]`.",
)

q2 = NumberExercise(
    prompt="A 7x7 input, a 3x3 kernel, padding 1, stride 2: how tall is the output?",
    answer=output_size(7, 3, stride=2, padding=1),
    mistakes={
        3: "that is the output without the padding: padding adds one pixel on *both* sides.",
        7: "that is the output with stride 1; stride 2 keeps every second window position.",
        3.5: "sizes are whole numbers: the formula rounds *down*, ⌊(i + 2p − d(k − 1) − 1)/s⌋ + 1.",
        5: "that is i − k + 1: it leaves out both the padding and the stride.",
    },
    hint_text="o = ⌊(i + 2p − d(k − 1) − 1)/s⌋ + 1 with i = 7, k = 3, p = 1, s = 2, d = 1.",
    solution_text="⌊(7 + 2 − 2 − 1)/2⌋ + 1 = ⌊6/2⌋ + 1 = **4**. "
    "`cl.output_size(7, 3, stride=2, padding=1)`.",
)


def _reference(x, w):
    return conv2d(np.asarray(x, dtype=float), np.asarray(w, dtype=float))


_rng = np.random.default_rng(1)
q3 = FunctionExercise(
    prompt="Write `corr2d(x, w)`: the valid cross-correlation of a 2-D array `x` with a 2-D "
    "kernel `w` (output shape `(H - kh + 1, W - kw + 1)`), with two loops over the output.",
    reference=_reference,
    cases=[
        (edge_example(), kernel("vertical edge")),
        (np.arange(12.0).reshape(3, 4), np.array([[1.0, 2.0]])),
        (_rng.normal(size=(5, 6)), _rng.normal(size=(2, 3))),
        (_rng.normal(size=(4, 4)), _rng.normal(size=(4, 4))),
    ],
    mistakes=[
        (
            lambda x, w: convolve2d(np.asarray(x, float), np.asarray(w, float)),
            "your function flips the kernel: that is true convolution. Slide `w` as it is.",
        ),
    ],
    hint_text="`out[r, c] = (x[r:r + kh, c:c + kw] * w).sum()` for every r < H - kh + 1 and "
    "c < W - kw + 1; start from `out = np.zeros((H - kh + 1, W - kw + 1))`.",
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
)
