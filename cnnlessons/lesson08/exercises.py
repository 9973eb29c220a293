"""Exercises of lesson 08, pooling and invariance."""

import numpy as np

from cnnlessons.checking import ArrayExercise, FunctionExercise, NumberExercise
from cnnlessons.lesson08.numerics import max_blur_pool1d, pool1d

__all__ = ["ROW", "PAIR", "q1", "q2", "q3", "q4"]

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

# q3: a row the lesson has not pooled (issue 20: the old answer was printed and stated above it)
#: exercise 3's row: one bright pair
PAIR = np.array([1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0])

q3 = NumberExercise(
    prompt="`PAIR = [1, 1, 0, 0, 0, 0, 0, 0]`. Plain max pooling (width 2, stride 2) gives an "
    "output of mean 0.25 or 0.5, depending on the shift. Blur pooling instead: max (width 2, "
    "stride 1, circular) → blur `[1, 3, 3, 1]` → keep every second value. Its output's mean is "
    "the same for every shift: what is it? (Work it out before you compute it.)",
    answer=float(max_blur_pool1d(PAIR, 4).mean()),
    mistakes={
        0.25: "that is the input's mean, and plain max pooling's at even shifts. The max "
        "(stride 1) comes *before* the blur: it widens the pair.",
        0.5: "that is plain max pooling at odd shifts: the kept windows straddle the pair.",
        0.75: "that is the lesson's example's mean; here the row is `PAIR`.",
    },
    hint_text="The blur keeps the mean (its taps are normalised), and so does keeping every "
    "second value, since even and odd taps have equal sums. So the answer is the mean of the "
    "stride-1 max pool's output. What is that output?",
    solution_text="The stride-1 max pool of `PAIR` (circular) is [1, 1, 0, 0, 0, 0, 0, 1]: "
    "mean 3/8 = **0.375**, which the blur and the subsampling keep for every shift. "
    "`iv.max_blur_pool1d(ex.PAIR, 4).mean()`.",
    code="iv.max_blur_pool1d(ex.PAIR, 4).mean()",
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
            lambda p, im, sa, sb: _reference(p, im, sa, sb) * 100,
            "that is a percentage; give the share as a fraction between 0 and 1.",
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
    hint_text="For each image: its predicted class after the first shift, and after the "
    "second (a circular shift over both axes). How often do the two agree? Consistency is a "
    "share, between 0 and 1.",
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
