"""Exercises of lesson 08, pooling and invariance."""

import numpy as np

from cnnlessons.checking import ArrayExercise, FunctionExercise, NumberExercise
from cnnlessons.lesson08.numerics import ALIASING_EXAMPLE, max_blur_pool1d, pool1d

__all__ = ["ROW", "q1", "q2", "q3", "q4"]

#: the detector row of exercises 1 and 2
ROW = np.array([0.2, 0.9, 0.1, 0.4, 0.3, 0.8, 0.5, 0.0])

q1 = ArrayExercise(
    prompt="The detector row `ROW = [0.2, 0.9, 0.1, 0.4, 0.3, 0.8, 0.5, 0.0]` is shifted "
    "one pixel to the right, circularly: `np.roll(ROW, 1)` = `[0.0, 0.2, 0.9, 0.1, 0.4, 0.3, "
    "0.8, 0.5]`. Max-pool the shifted row with width 3, stride 1, circularly (output i is the "
    "largest of values i, i+1, i+2, wrapping around). What are the 8 pooled values?",
    answer=pool1d(np.roll(ROW, 1), 3),
    mistakes=[
        (pool1d(ROW, 3), "that is the pooled output of the row *before* the shift."),
        (
            pool1d(np.roll(ROW, -1), 3),
            "you shifted the row to the left; `np.roll(ROW, 1)` moves it right.",
        ),
        (pool1d(np.roll(ROW, 1), 2), "that is width 2; the window covers 3 values."),
    ],  # fmt: skip
    hint_text="Output 0 is max(0.0, 0.2, 0.9); output 7 wraps around: max(0.5, 0.0, 0.2).",
    solution_text="**[0.9, 0.9, 0.9, 0.4, 0.8, 0.8, 0.8, 0.5]**: "
    "`cnnlessons.lesson08.numerics.pool1d(np.roll(ROW, 1), 3)`.",
    code="iv.pool1d(np.roll(ex.ROW, 1), 3)",
)

_before, _after = pool1d(ROW, 3), pool1d(np.roll(ROW, 1), 3)
q2 = NumberExercise(
    prompt="Compare position by position: how many of the 8 pooled values changed with the "
    "shift (all 8 detector values did)?",
    answer=int(np.sum(_before != _after)),
    mistakes={
        8: "every *detector* value changed; compare the pooled values before and after, "
        "position by position.",
        0: "compare `pool1d(ROW, 3)` with your answer to exercise 1, position by position.",
    },
    hint_text="Before the shift the pooled values are [0.9, 0.9, 0.4, 0.8, 0.8, 0.8, 0.5, 0.9].",
    solution_text="**4** of 8 changed (positions 2, 3, 6 and 7): half, as (w − 1)/(w + 1) = 1/2 "
    "predicts on average for width 3.",
    code="int(np.sum(iv.pool1d(ex.ROW, 3) != iv.pool1d(np.roll(ex.ROW, 1), 3)))",
)

q3 = NumberExercise(
    prompt="Max (width 2, stride 1) → blur with the binomial filter of size n → keep every "
    "second value, on `ALIASING_EXAMPLE` = [0, 0, 1, 1, 0, 0, 1, 1]. n = 1 means no blur "
    "(plain max pooling): the output's mean is 0.5, and 1.0 after a one-pixel shift. What "
    "is the *smallest* n for which the mean is the same for both?",
    answer=2,
    mistakes={
        1: "n = 1 is no blur at all: means 0.5 and 1.0.",
        3: "that works, but so does a smaller filter.",
        4: "Zhang's default [1, 3, 3, 1] works, but so does a smaller filter.",
        5: "that works, but so does a smaller filter.",
    },
    hint_text="Try `cnnlessons.lesson08.numerics.max_blur_pool1d(np.roll(ALIASING_EXAMPLE, d), n)"
    ".mean()` for d = 0, 1 and n = 1, 2, 3.",
    solution_text="**2**: [1, 1] already gives mean "
    f"{max_blur_pool1d(ALIASING_EXAMPLE, 2).mean():g} for every shift. Every binomial filter "
    "from [1, 1] on has even and odd taps with equal sums (1 = 1, 1 + 1 = 2, 1 + 3 = 3 + 1), so "
    "each input reaches the kept samples with total weight 1/2 whatever the shift.",
    code="min(n for n in range(1, 6) if np.isclose("
    "iv.max_blur_pool1d(iv.ALIASING_EXAMPLE, n).mean(), "
    "iv.max_blur_pool1d(np.roll(iv.ALIASING_EXAMPLE, 1), n).mean()))",
)


def _reference(predict, images, shifts_a, shifts_b):
    a = [predict(np.roll(x, tuple(s), axis=(0, 1))) for x, s in zip(images, shifts_a, strict=True)]
    b = [predict(np.roll(x, tuple(s), axis=(0, 1))) for x, s in zip(images, shifts_b, strict=True)]
    return float(np.mean(np.array(a) == np.array(b)))


def _bright_corner(x):
    return int(x[0, 0] > 0.5)


def _brightest_half(x):
    return int(x[:, : x.shape[1] // 2].sum() > x[:, x.shape[1] // 2 :].sum())


def _total(x):
    return int(x.sum() > x.size / 2)


_rng = np.random.default_rng(8)
_images = _rng.random((12, 6, 6))
_sa, _sb = _rng.integers(-2, 3, size=(2, 12, 2))
q4 = FunctionExercise(
    prompt="Write `shift_consistency(predict, images, shifts_a, shifts_b)`: the share of "
    "images whose predicted class is the same after shifting image i by `shifts_a[i]` and by "
    "`shifts_b[i]` (each a pair (dy, dx), circular: `np.roll`). `predict` takes one image "
    "and returns its class. This is Zhang's consistency with the random shifts given.",
    reference=_reference,
    cases=[
        (_bright_corner, _images, _sa, _sb),
        (_brightest_half, _images, _sa, _sb),
        (_total, _images, _sa, _sb),
        (_bright_corner, _images, _sa, _sa),
    ],
    mistakes=[
        (
            lambda p, im, sa, sb: 1 - _reference(p, im, sa, sb),
            "you return the share that *changed*; consistency is the share that stayed the same.",
        ),
        (
            lambda p, im, sa, sb: _reference(p, im, sa, sb) * len(im),
            "you return the number of images; divide by how many there are.",
        ),
        (
            lambda p, im, sa, sb: _reference(p, im, np.zeros_like(sa), sb),
            "you compare with the unshifted image; shift it by `shifts_a[i]` first.",
        ),
    ],  # fmt: skip
    hint_text="For each i: `a = predict(np.roll(images[i], tuple(shifts_a[i]), axis=(0, 1)))`, "
    "the same with `shifts_b`; count how often `a == b` and divide by the number of images.",
    solution_text="""
```python
def shift_consistency(predict, images, shifts_a, shifts_b):
    same = [predict(np.roll(x, tuple(a), axis=(0, 1))) == predict(np.roll(x, tuple(b), axis=(0, 1)))
            for x, a, b in zip(images, shifts_a, shifts_b)]
    return sum(same) / len(images)
```""",
    code="def shift_consistency(predict, images, shifts_a, shifts_b):\n"
    "    moved = lambda x, s: predict(np.roll(x, tuple(s), axis=(0, 1)))\n"
    "    same = [moved(x, a) == moved(x, b) for x, a, b in zip(images, shifts_a, shifts_b)]\n"
    "    return sum(same) / len(images)",
)
