"""Pooling and (approximate) shift invariance, measured (no plotting). Introduced in lesson 08.

A map is *invariant* to a shift when its output does not change at all. Max pooling is only
approximately so: this module counts how many pooled values survive a shift (and gives the
exact probability for random rows), draws invariance curves against the shift size, shows
how stride-2 pooling aliases and how a binomial blur before subsampling (Zhang, *Making
Convolutional Networks Shift-Invariant Again*, 2019) repairs it, and measures Zhang's
consistency of a classifier under shifts.

Rows are 1-D arrays and *circular*: a shift by ``d`` is ``np.roll(x, d)`` and every window
wraps around, so that the only thing that changes under a shift is what the pooling does.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from cnnlessons import _checks
from cnnlessons.numerics.layers import Layer

__all__ = [
    "MAX_FILTER_SIZE",
    "ALIASING_EXAMPLE",
    "binomial_taps",
    "pool1d",
    "global_pool",
    "blur1d",
    "blur_pool1d",
    "max_blur_pool1d",
    "changed",
    "unchanged_probability",
    "unchanged_fraction",
    "invariance_curve",
    "output_change",
    "mean_output_change",
    "consistency",
    "CircularMaxBlurPool",
    "pooling_net",
    "ConsistencyRun",
    "consistency_experiment",
]

MAX_FILTER_SIZE = 16  # taps up to C(15, 7) = 6435: exact in float64, and wider makes no sense
#: the book-summary-free aliasing example: stride-2 max pooling gives [0, 1, 0, 1], and
#: [1, 1, 1, 1] after a one-pixel shift
ALIASING_EXAMPLE = np.array([0.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 1.0])


def _row(x, name="x") -> np.ndarray:
    return _checks.array(x, name, ndims=(1,))


def binomial_taps(filter_size: int) -> np.ndarray:
    """Row ``filter_size`` of Pascal's triangle as exact integers: 1 -> [1], 2 -> [1, 1],
    3 -> [1, 2, 1], 4 -> [1, 3, 3, 1], 5 -> [1, 4, 6, 4, 1]. They sum to 2**(filter_size - 1).

    >>> binomial_taps(4).tolist()
    [1, 3, 3, 1]
    """
    n = _checks.integer(filter_size, "filter_size", minimum=1)
    if n > MAX_FILTER_SIZE:
        raise ValueError(
            f"filter_size must be at most {MAX_FILTER_SIZE} (Zhang uses 2 to 5; wider blurs "
            f"erase the picture), got {n}"
        )
    return np.array([math.comb(n - 1, i) for i in range(n)], dtype=np.int64)


def pool1d(x, width: int, stride: int = 1, kind: str = "max") -> np.ndarray:
    """Circular max (or average) pooling of a row: output ``i`` pools
    ``x[i*stride], ..., x[i*stride + width - 1]`` (indices wrap around); ``len(x) // stride``
    outputs (the length must be a multiple of the stride).

    >>> pool1d([0, 0, 1, 1, 0, 0, 1, 1], 2, stride=2).tolist()
    [0.0, 1.0, 0.0, 1.0]
    """
    x = _row(x)
    n = x.size
    w = _checks.integer(width, "width", minimum=1)
    s = _checks.integer(stride, "stride", minimum=1)
    _checks.choice(kind, "kind", ("max", "avg"))
    if w > n:
        raise ValueError(f"width must be at most the row length {n}, got {w}")
    if n % s:
        raise ValueError(f"the row length {n} must be a multiple of the stride {s}")
    _checks.size_limit(w * n, "width * len(x)", "use a narrower width or a shorter x")
    windows = np.stack([np.roll(x, -j) for j in range(w)])[:, ::s]
    return windows.max(axis=0) if kind == "max" else windows.mean(axis=0)


def global_pool(x, kind: str = "max") -> float:
    """Global max (or average) pooling: one number for the whole row or image, "is the
    pattern anywhere?", whatever its position."""
    x = _checks.array(x, "x", ndims=(1, 2, 3))
    _checks.choice(kind, "kind", ("max", "avg"))
    return float(x.max() if kind == "max" else x.mean())


def blur1d(x, filter_size: int) -> np.ndarray:
    """Circular binomial blur of a row: output ``i`` is
    ``sum_j taps[j] * x[i + j - (filter_size - 1) // 2] / 2**(filter_size - 1)``.

    The taps are integers and their sum a power of two, so integer-valued rows are blurred
    without rounding error."""
    x = _row(x)
    taps = binomial_taps(filter_size)
    if taps.size > x.size:
        raise ValueError(f"filter_size must be at most the row length {x.size}, got {taps.size}")
    lo = (taps.size - 1) // 2
    out = np.zeros_like(x)
    for j, t in enumerate(taps):
        out += float(t) * np.roll(x, lo - j)
    return out / float(taps.sum())


def _subsample(x, stride):
    s = _checks.integer(stride, "stride", minimum=1)
    if x.size % s:
        raise ValueError(f"the row length {x.size} must be a multiple of the stride {s}")
    return x[::s]


def blur_pool1d(x, filter_size: int = 4, stride: int = 2) -> np.ndarray:
    """Blur (binomial, circular) then keep every ``stride``-th value: anti-aliased
    subsampling. ``filter_size=1`` is plain subsampling."""
    return _subsample(blur1d(x, filter_size), stride)


def max_blur_pool1d(x, filter_size: int = 4, width: int = 2, stride: int = 2) -> np.ndarray:
    """Zhang's replacement for max pooling: max (width ``width``, stride 1) -> binomial blur
    -> subsample. ``filter_size=1`` (no blur) is ordinary stride-``stride`` max pooling."""
    return blur_pool1d(pool1d(x, width, 1, "max"), filter_size, stride)


# ----------------------------------------------------------------------------- invariance
def changed(before, after, *, tol: float = 0.0) -> np.ndarray:
    """Boolean array: which values differ by more than ``tol`` >= 0 (same shapes). A NaN
    against a number is a change; NaN against NaN and inf against inf are not."""
    a = _checks.array(before, "before", ndims=(1, 2, 3))
    b = _checks.array(after, "after", ndims=(1, 2, 3))
    t = _checks.real(tol, "tol", minimum=0.0)
    if a.shape != b.shape:
        raise ValueError(f"before and after must have the same shape, got {a.shape}, {b.shape}")
    with np.errstate(invalid="ignore"):
        # a NaN on one side only is a change; equal values (inf == inf) and NaN on both
        # sides are not
        same = (a == b) | (np.abs(a - b) <= t) | (np.isnan(a) & np.isnan(b))
    return ~same


def unchanged_probability(width: int, shift: int = 1) -> float:
    """For independent random values (no ties), the probability that a width-``width``,
    stride-1 max-pooled value is unchanged by a shift of ``shift`` pixels:
    ``(width - shift) / (width + shift)``, 0 once the shift reaches the width.

    The two windows together hold width + shift values and share width - shift of them; the
    pooled value stays the same exactly when the largest of all of them is a shared one, and
    each is equally likely to be the largest. Width 3, shift 1: one half (the book's
    Figure 9.8).
    """
    w = _checks.integer(width, "width", minimum=1)
    d = abs(_checks.integer(shift, "shift"))
    return max(w - d, 0) / (w + d)


def _rng(seed):
    if seed is None:
        raise TypeError("seed must be an integer >= 0 or a numpy.random.Generator, got None")
    return _checks.rng(seed, "seed")


def unchanged_fraction(width: int, shift: int = 1, *, rows: int = 2000, length: int = 32,
                       seed=0) -> tuple[float, float]:  # fmt: skip
    """Measure it: ``rows`` random rows (uniform values) of ``length``, circular max pooling
    of ``width`` at stride 1, each row shifted by ``shift``; the fraction of pooled values
    that did not change, and its standard error (from the spread between rows, which are
    independent; values within a row are not).
    """
    w = _checks.integer(width, "width", minimum=1)
    d = _checks.integer(shift, "shift")
    n_rows = _checks.integer(rows, "rows", minimum=2)
    n = _checks.integer(length, "length", minimum=1)
    if w > n:
        raise ValueError(f"width must be at most length, got width={w}, length={n}")
    _checks.size_limit(
        n_rows * n * (w + 1), "rows * length * (width + 1)", "use fewer rows or a shorter length"
    )
    x = _rng(seed).random((n_rows, n))
    before = np.stack([np.roll(x, -j, axis=1) for j in range(w)]).max(axis=0)
    moved = np.roll(x, d, axis=1)
    after = np.stack([np.roll(moved, -j, axis=1) for j in range(w)]).max(axis=0)
    per_row = (after == before).mean(axis=1)
    return float(per_row.mean()), float(per_row.std(ddof=1) / math.sqrt(n_rows))


def invariance_curve(width, shifts, *, rows: int = 500, length: int = 32, seed=0):
    """Fraction of pooled values unchanged against the shift, for one pooling: ``width`` an
    integer (stride-1 max pooling of that width) or "global max" / "global avg" (global
    pooling of each whole circular row). Returns an array, one value per shift."""
    shifts = _checks.integers(shifts, "shifts")
    n_rows = _checks.integer(rows, "rows", minimum=2)
    n = _checks.integer(length, "length", minimum=1)
    w = 1 if isinstance(width, str) else _checks.integer(width, "width", minimum=1)
    _checks.work(
        n_rows * n * (w + 1) * len(shifts),
        "rows * length * (width + 1) * len(shifts)",
        "use fewer rows, shifts or a shorter length",
    )
    if isinstance(width, str):
        _checks.choice(width, "width", ("global max", "global avg"))
        kind = width.split()[1]
        _checks.size_limit(n_rows * n, "rows * length", "use fewer rows or a shorter length")
        x = _rng(seed).random((n_rows, n))
        ref = x.max(axis=1) if kind == "max" else x.mean(axis=1)
        out = []
        for d in shifts:
            m = np.roll(x, d, axis=1)
            moved = m.max(axis=1) if kind == "max" else m.mean(axis=1)
            # a sum in another order may differ in the last bit: count that as unchanged
            out.append(float(np.mean(np.isclose(moved, ref, rtol=1e-12, atol=0))))
        return np.array(out)
    return np.array(
        [unchanged_fraction(width, d, rows=rows, length=length, seed=seed)[0] for d in shifts]
    )


def _distance_to_shifts(moved, base) -> float:
    """Smallest, over all circular shifts r of ``base``, of max |moved - roll(base, r)|,
    relative to max |base|."""
    m = base.size
    rolls = base[(np.arange(m)[None, :] - np.arange(m)[:, None]) % m]  # row r: roll(base, r)
    scale = max(float(np.abs(base).max()), 1e-300)
    return float(np.abs(moved[None, :] - rolls).max(axis=1).min()) / scale


def _pooled(value) -> np.ndarray:
    if value is None:
        raise TypeError("pool returned None: it must return a row of numbers (missing return?)")
    return _checks.array(value, "pool(x) (what pool returned)", ndims=(1,))


def output_change(pool, x, shift: int) -> float:
    """How far ``pool(roll(x, shift))`` is from every circular shift of ``pool(x)``: the
    smallest largest-absolute-difference over all output shifts, relative to the largest
    absolute value of ``pool(x)``. 0 means the output just moved; an output that cannot
    follow the shift (aliasing) gives a large value."""
    if not callable(pool):
        raise TypeError(f"pool must be a function of one row, got {_checks._shown(pool)}")
    x = _row(x)
    d = _checks.integer(shift, "shift")
    base = _pooled(pool(x))
    moved = _pooled(pool(np.roll(x, d)))
    _checks.size_limit(base.size**2, "pool(x) (every circular shift of it)", "use a shorter x")
    if base.shape != moved.shape or base.ndim != 1:
        raise ValueError(f"pool must return rows of one length, got {base.shape}, {moved.shape}")
    return _distance_to_shifts(moved, base)


def mean_output_change(pool, shifts, *, rows: int = 200, length: int = 32, seed=0):
    """``output_change`` averaged over ``rows`` random rows (uniform values) of ``length``,
    one value per shift: one row's numbers depend on the row; the average does not much."""
    if not callable(pool):
        raise TypeError(f"pool must be a function of one row, got {_checks._shown(pool)}")
    shifts = _checks.integers(shifts, "shifts")
    n_rows = _checks.integer(rows, "rows", minimum=1)
    n = _checks.integer(length, "length", minimum=2)
    if n_rows * n * len(shifts) > 2_000_000:
        raise ValueError("rows * length * len(shifts) must be at most 2,000,000")
    _checks.work(n_rows * n * n * len(shifts), "rows * length**2 * len(shifts)", "use fewer rows")
    x = _rng(seed).random((n_rows, n))
    total = np.zeros(len(shifts))
    for r in x:
        base = _pooled(pool(r))
        _checks.size_limit(base.size**2, "pool(x) (every circular shift of it)", "shorter rows")
        for i, d in enumerate(shifts):
            moved = _pooled(pool(np.roll(r, d)))
            if moved.shape != base.shape:
                raise ValueError(f"pool must return rows of one length, got {base.shape}, "
                                 f"{moved.shape}")  # fmt: skip
            total[i] += _distance_to_shifts(moved, base)
    return total / n_rows


# ----------------------------------------------------------------------------- classifiers
def _labels(scores, n):
    if scores is None:
        raise TypeError("predict returned None: it must return labels or scores")
    scores = _checks.array(scores, "predict's result", ndims=(0, 1, 2, 3, 4))
    if scores.ndim == 2 and scores.shape[0] == n:
        return scores.argmax(axis=1)
    if scores.ndim == 1 and scores.shape[0] == n:
        return scores
    raise ValueError(
        f"predict must return {n} class labels, shape ({n},), or scores, shape ({n}, K); "
        f"got shape {scores.shape}"
    )


def consistency(predict, images, *, max_shift: int = 2, seed=0) -> float:
    """Zhang's consistency: the share of ``images`` whose predicted class is the same for two
    random shifts of the image.

    Each image is shifted circularly twice, by (dy, dx) drawn uniformly from
    -max_shift..max_shift (each shift on its own); ``predict`` takes a batch ``(N, H, W)``
    (or ``(N, C, H, W)``) and returns N labels or an ``(N, K)`` array of scores.
    """
    if not callable(predict):
        raise TypeError(
            f"predict must be a function of a batch of images, got {_checks._shown(predict)}"
        )
    x = _checks.array(images, "images", ndims=(3, 4))
    m = _checks.integer(max_shift, "max_shift", minimum=0, maximum=_checks.MAX_ELEMENTS)
    rng = _rng(seed)
    n = x.shape[0]
    shifted = []
    for _ in range(2):
        d = rng.integers(-m, m + 1, size=(n, 2))
        moved = [np.roll(img, tuple(s), axis=(-2, -1)) for img, s in zip(x, d, strict=True)]
        shifted.append(np.stack(moved))
    a = _labels(predict(shifted[0]), n)
    b = _labels(predict(shifted[1]), n)
    return float(np.mean(a == b))


# ----------------------------------------------------------------------------- a trained network
class CircularMaxBlurPool(Layer):
    """A layer for lesson 05's ``learning.Network``: max over 2 x 2 windows at stride 1,
    blur with the binomial filter of ``filter_size`` taps (separable: each axis in turn),
    keep every second row and column. Every step wraps around (circular), so the layer is
    exactly equivariant to even shifts and nothing but aliasing breaks the odd ones.
    ``filter_size=1`` (no blur) is ``learning.MaxPool2d(2)`` exactly, forward and backward:
    networks that differ only in the filter size differ only in the blur.

    ``(N, C, H, W) -> (N, C, H/2, W/2)``; H and W must be even. No parameters.
    """

    def __init__(self, filter_size: int = 4):
        super().__init__()
        taps = binomial_taps(filter_size).astype(float)
        self.filter_size = taps.size
        self.taps = taps / taps.sum()
        self._lo = (taps.size - 1) // 2

    def _blur(self, m, sign):
        """The blur (sign +1) or its transpose (sign -1, for the backward pass)."""
        for axis in (2, 3):
            m = sum(
                t * np.roll(m, sign * (self._lo - j), axis=axis) for j, t in enumerate(self.taps)
            )
        return m

    def forward(self, x):
        x = _checks.array(x, "x", ndims=(4,))
        h, w = x.shape[2:]
        if h % 2 or w % 2:
            raise ValueError(f"CircularMaxBlurPool needs an even height and width, got {h}x{w}")
        stack = np.stack([np.roll(x, (-di, -dj), axis=(2, 3)) for di, dj in _TAPS])
        self._arg = stack.argmax(axis=0)  # the first of equal values, as MaxPool2d
        self._shape = x.shape
        m = np.take_along_axis(stack, self._arg[None], axis=0)[0]
        return self._blur(m, 1)[:, :, ::2, ::2]

    def backward(self, grad):
        up = np.zeros(self._shape)
        up[:, :, ::2, ::2] = grad
        gm = self._blur(up, -1)
        gx = np.zeros(self._shape)
        for t, shift in enumerate(_TAPS):
            gx += np.roll(gm * (self._arg == t), shift, axis=(2, 3))
        return gx

    def __repr__(self) -> str:
        return f"CircularMaxBlurPool(filter_size={self.filter_size})"


_TAPS = ((0, 0), (0, 1), (1, 0), (1, 1))  # a 2 x 2 window, in MaxPool2d's order


def pooling_net(filter_size: int = 1, *, size: int = 12, filters: int = 8, seed: int = 0):
    """Lesson 05's small conv net with a downsampling step in the middle, everything circular:
    conv 3x3 (``filters``) -> ReLU -> ``CircularMaxBlurPool(filter_size)`` -> conv 3x3 ->
    ReLU -> global max pooling -> dense -> 2 class scores, for ``(1, size, size)`` images.
    ``filter_size=1`` is stride-2 max pooling; 4 is Zhang's default blur pooling [1, 3, 3, 1].
    The same ``seed`` gives the same starting weights whatever the filter."""
    from cnnlessons.numerics.layers import Conv2d, Dense, GlobalMaxPool, ReLU
    from cnnlessons.numerics.training import Network

    n = _checks.integer(size, "size", minimum=4)
    f = _checks.integer(filters, "filters", minimum=1)
    if n % 2:
        raise ValueError(f"size must be even (the pooling halves it), got {n}")
    rng = np.random.default_rng(_checks.seed(seed, "seed"))
    _checks.size_limit(f * n * n * 4, "filters * size**2", "use fewer filters or a smaller size")
    conv = {"padding": 1, "padding_mode": "circular"}
    first = Conv2d(1, f, 3, rng=rng, **conv)
    second = Conv2d(f, f, 3, rng=rng, **conv)
    dense = Dense(f, 2, rng=rng)
    layers = [first, ReLU(), CircularMaxBlurPool(filter_size), second, ReLU(), GlobalMaxPool(),
              dense]  # fmt: skip
    return Network(layers, (1, n, n), 2)


@dataclass
class ConsistencyRun:
    """``consistency_experiment``'s results: ``accuracy`` and ``consistency`` map a filter
    size to an array with one value per seed."""

    filter_sizes: tuple
    seeds: tuple
    accuracy: dict
    consistency: dict
    max_shift: int
    n_train: int
    n_test: int
    seconds: float

    def table(self) -> str:
        """One row per pooling: accuracy and consistency, mean ± standard deviation over the
        seeds, then the value of every seed."""
        lines = [f"{'pooling':<22}{'test accuracy':>16}{'consistency':>16}   per seed (acc/cons)"]
        for f in self.filter_sizes:
            a, c = self.accuracy[f], self.consistency[f]
            name = "max, stride 2" if f == 1 else f"max-blur {binomial_taps(f).tolist()}"
            ddof = 1 if len(self.seeds) > 1 else 0
            seeds = "  ".join(f"{x:.3f}/{y:.3f}" for x, y in zip(a, c, strict=True))
            lines.append(f"{name:<22}{a.mean():>9.3f} ± {a.std(ddof=ddof):.3f}"
                         f"{c.mean():>9.3f} ± {c.std(ddof=ddof):.3f}   {seeds}")  # fmt: skip
        return "\n".join(lines)


def consistency_experiment(filter_sizes=(1, 4), seeds=(0, 1, 2), *, n_train: int = 300,
                           n_test: int = 300, size: int = 12, filters: int = 8,
                           steps: int = 80, lr: float = 0.02, noise: float = 0.3,
                           max_shift: int = 3, test_seed: int = 12345):  # fmt: skip
    """Train ``pooling_net`` for every filter size and seed on lesson 05's task
    (``tasks.pattern_task``: a plus or a cross at a random place in noise), seeded, and
    measure test accuracy and Zhang's consistency (two random circular shifts of up to
    ``max_shift`` pixels per axis, ``consistency``) on the same ``n_test`` test images.
    For a seed, every filter size starts from the same weights and sees the same batches."""
    import time

    from cnnlessons.numerics.tasks import pattern_task
    from cnnlessons.numerics.training import Adam, accuracy

    sizes = tuple(_checks.integers(filter_sizes, "filter_sizes", minimum=1, limit=40))
    seeds = tuple(_checks.integers(seeds, "seeds", minimum=0, maximum=2**63 - 1, limit=40))
    test_seed = _checks.seed(test_seed, "test_seed")
    for f in sizes:
        if f > MAX_FILTER_SIZE:  # refused before any training
            raise ValueError(f"filter_sizes must be at most {MAX_FILTER_SIZE} each, got {f}")
    n_train = _checks.integer(n_train, "n_train", minimum=2)
    n_test = _checks.integer(n_test, "n_test", minimum=1)
    if n_train > 5000 or n_test > 5000 or len(sizes) * len(seeds) > 40:
        raise ValueError(
            "n_train and n_test must be at most 5,000, and len(filter_sizes) * len(seeds) at "
            "most 40, to stay quick"
        )
    # each training checks its own work against the budget (Network.fit); here the sizes
    _checks.integer(steps, "steps", minimum=1, maximum=10_000)
    _checks.integer(size, "size", minimum=4, maximum=64)
    _checks.integer(filters, "filters", minimum=1, maximum=64)
    t0 = time.perf_counter()
    xt, yt = pattern_task(n_test, size=size, noise=noise, seed=test_seed)
    acc = {f: np.empty(len(seeds)) for f in sizes}
    cons = {f: np.empty(len(seeds)) for f in sizes}
    for j, s in enumerate(seeds):
        x, y = pattern_task(n_train, size=size, noise=noise, seed=s)
        for f in sizes:
            net = pooling_net(f, size=size, filters=filters, seed=s)
            net.fit(x, y, steps=steps, batch_size=32, optimizer=Adam(lr), seed=s)
            acc[f][j] = accuracy(net, xt, yt)
            cons[f][j] = consistency(net.predict, xt, max_shift=max_shift, seed=s)
    return ConsistencyRun(sizes, seeds, acc, cons, max_shift, n_train, n_test,
                          time.perf_counter() - t0)  # fmt: skip
