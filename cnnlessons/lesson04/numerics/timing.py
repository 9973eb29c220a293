"""Timing the edge map three ways as the image grows (numpy only; no plotting, no widgets).

The map is Deep Learning §9.2's edge detector: a 1 x 2 kernel ``[-1, 1]`` (each pixel minus
its left neighbour), "valid", on an N x N image (output N x (N - 1)). It is computed

- ``"conv2d"``: by ``cnnlessons.conv2d`` (slices of the image, one per kernel tap);
- ``"sparse"``: as a sparse (banded) matrix in CSR form times the flattened image, written
  in numpy (``edge_csr``, ``csr_matvec``): only the 2 non-zeros of each row are stored;
- ``"dense"``: as the full matrix times the flattened image (``edge_dense``, then
  ``dense_matvec``), only while that matrix fits ``memory_budget`` bytes (float64, 8 bytes an
  entry).

Every method runs on one core, so the comparison is between ways of computing, not between
numbers of cores.

All three give the same numbers (checked at every size). ``measure_edge_map`` times them,
best of ``repeats`` (the minimum: the run least disturbed by everything else the machine
does), and ``fit_slope`` fits log time against log pixel count, using only the sizes past
the fixed overhead of a call. A slope of 1 means time grows like the number of pixels, 2
like its square (the dense matrix has (pixels)·(pixels - N) entries).

Introduced in lesson 04.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from cnnlessons import _checks
from cnnlessons.numerics.conv import conv2d

__all__ = [
    "METHODS",
    "CSR",
    "edge_csr",
    "csr_matvec",
    "edge_dense",
    "dense_matvec",
    "dense_bytes",
    "time_call",
    "Timings",
    "measure_edge_map",
    "SlopeFit",
    "fit_slope",
    "MAX_BUDGET",
]

METHODS = ("conv2d", "sparse", "dense")
EDGE_KERNEL = (-1.0, 1.0)
MAX_BUDGET = 10**9  # bytes: the dense matrix is never allowed to take more than 1 GB
DEFAULT_SIDES = (8, 11, 16, 23, 32, 45, 64, 90, 128, 181, 256, 362, 512, 724, 1024)
_ENTRY_BYTES = 8  # float64


@dataclass(frozen=True)
class CSR:
    """A sparse matrix in compressed sparse row form: row r's non-zeros are
    ``data[indptr[r]:indptr[r+1]]``, in columns ``indices[indptr[r]:indptr[r+1]]``."""

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple

    @property
    def nnz(self) -> int:
        return int(self.data.size)


def _row_kernel(kernel) -> np.ndarray:
    k = _checks.array(kernel, "kernel", ndims=(1, 2))
    if k.ndim == 2:
        if k.shape[0] != 1:
            raise ValueError(f"kernel must be one row (1, k), got shape {k.shape}")
        k = k[0]
    return k


def _image_shape(height, width, k: int) -> tuple[int, int]:
    h = _checks.integer(height, "height", minimum=1)
    w = _checks.integer(width, "width", minimum=1)
    if w < k:
        raise ValueError(f"width must be at least the kernel's {k} taps, got {w}")
    return h, w


def _csr_size(h: int, w: int, k: int) -> None:
    """The CSR matrix holds k non-zeros for each of h * (w - k + 1) outputs."""
    _checks.size_limit(
        h * (w - k + 1) * k, "height * width * kernel taps", "use a smaller image"
    )


def edge_csr(height, width, kernel=EDGE_KERNEL) -> CSR:
    """The matrix of ``conv2d(x, [kernel])`` ("valid", a one-row kernel) on ``height`` x
    ``width`` images, as CSR: output (i, j) has the k non-zeros ``kernel[t]`` in columns
    ``i·width + j + t``. ``csr_matvec(edge_csr(h, w), x.ravel())`` equals
    ``conv2d(x, [kernel]).ravel()``."""
    k = _row_kernel(kernel)
    h, w = _image_shape(height, width, k.size)
    _csr_size(h, w, k.size)
    ow = w - k.size + 1
    first = (np.arange(h)[:, None] * w + np.arange(ow)[None, :]).reshape(-1)
    indices = (first[:, None] + np.arange(k.size)[None, :]).reshape(-1)
    data = np.tile(k, first.size)
    indptr = np.arange(first.size + 1) * k.size
    return CSR(data, indices, indptr, (h * ow, h * w))


def csr_matvec(matrix: CSR, x) -> np.ndarray:
    """``matrix @ x`` for a CSR matrix, in numpy: multiply each non-zero by the entry of
    ``x`` in its column, then sum each row's products (rows without non-zeros give 0)."""
    if not isinstance(matrix, CSR):
        raise TypeError(f"matrix must be a CSR (e.g. edge_csr(...)), got {type(matrix).__name__}")
    x = _checks.array(x, "x", ndims=(1,))
    if x.size != matrix.shape[1]:
        raise ValueError(f"x must have {matrix.shape[1]} entries (the columns), got {x.size}")
    products = matrix.data * x[matrix.indices]
    starts = matrix.indptr[:-1]
    out = np.zeros(matrix.shape[0])
    filled = starts < matrix.indptr[1:]
    if products.size:
        out[filled] = np.add.reduceat(products, starts[filled])
    return out


def dense_bytes(height, width, kernel_width=2) -> int:
    """Bytes of the dense float64 matrix of the edge map on ``height`` x ``width`` images."""
    k = _checks.integer(kernel_width, "kernel_width", minimum=1)
    h, w = _image_shape(height, width, k)
    return h * (w - k + 1) * h * w * _ENTRY_BYTES


def edge_dense(height, width, kernel=EDGE_KERNEL, *, memory_budget=MAX_BUDGET) -> np.ndarray:
    """The same matrix as ``edge_csr``, with every zero stored (float64). Refuses (before
    allocating) a matrix larger than ``memory_budget`` bytes (at most ``MAX_BUDGET``)."""
    k = _row_kernel(kernel)
    budget = _budget(memory_budget)
    need = dense_bytes(height, width, k.size)
    if need > budget:
        raise ValueError(
            f"the dense matrix of a {height} x {width} image needs {need / 1e6:,.0f} MB, more "
            f"than memory_budget={budget / 1e6:,.0f} MB"
        )
    csr = edge_csr(height, width, k)
    # np.full writes every zero: np.zeros would leave untouched pages mapped to the
    # operating system's one shared page of zeros, and reading those is unrealistically fast
    m = np.full(csr.shape, 0.0)
    rows = np.repeat(np.arange(csr.shape[0]), np.diff(csr.indptr))
    m[rows, csr.indices] = csr.data
    return m


def dense_matvec(matrix, x) -> np.ndarray:
    """``matrix @ x``, one core: numpy's ``einsum`` loops over every entry with vector
    instructions, like ``conv2d`` and ``csr_matvec``. (``@`` calls BLAS, which may use every
    core; on a busy machine its threads wait for each other, and single runs vary 10x.)"""
    # not _checks.array: this matrix is meant to be large (up to MAX_BUDGET bytes), larger
    # than the size limit that check puts on ordinary arguments
    if not isinstance(matrix, np.ndarray) or matrix.ndim != 2 or matrix.dtype != np.float64:
        raise TypeError(
            "matrix must be a 2-D float64 numpy array (e.g. edge_dense(...)), got "
            f"{type(matrix).__name__} {getattr(matrix, 'shape', '')}"
        )
    m = matrix
    x = _checks.array(x, "x", ndims=(1,))
    if x.size != m.shape[1]:
        raise ValueError(f"x must have {m.shape[1]} entries (the columns), got {x.size}")
    return np.einsum("ij,j->i", m, x)


def _budget(memory_budget) -> int:
    memory_budget = _checks.real(memory_budget, "memory_budget")
    if not 0 < memory_budget <= MAX_BUDGET:
        raise ValueError(
            f"memory_budget must be more than 0 and at most {MAX_BUDGET:,} bytes (1 GB), "
            f"got {memory_budget:,}"
        )
    return int(memory_budget)


def time_call(fn, *args, repeats=5, min_time=1e-3) -> float:
    """Seconds one call of ``fn(*args)`` takes: the best of ``repeats`` runs, each run
    looping enough calls to last at least ``min_time`` seconds (so that a call of a few
    microseconds is not lost in the clock's resolution), divided by the calls looped."""
    _checks.function(fn, "fn")
    repeats = _checks.integer(repeats, "repeats", minimum=1, maximum=1000)
    min_time = _checks.real(min_time, "min_time", minimum=0.0, maximum=_checks.MAX_SECONDS)
    if repeats * min_time > _checks.MAX_SECONDS:
        raise ValueError(
            f"repeats * min_time would spend {repeats * min_time:g} s, more than MAX_SECONDS = "
            f"{_checks.MAX_SECONDS:g}: use fewer repeats or a smaller min_time"
        )
    number = 1
    while True:  # how many calls make one run last min_time
        t0 = time.perf_counter()
        for _ in range(number):
            fn(*args)
        first = time.perf_counter() - t0
        if first >= min_time or number >= 10**6:
            break
        number *= max(2, int(min_time / max(first, 1e-9)))
    best = first / number
    for _ in range(repeats - 1):
        t0 = time.perf_counter()
        for _ in range(number):
            fn(*args)
        best = min(best, (time.perf_counter() - t0) / number)
    return best


@dataclass
class Timings:
    """What ``measure_edge_map`` measured. ``sides``, ``pixels`` and ``seconds`` map each
    method to arrays (one entry per image size measured); ``target`` holds the times of
    conv2d and the sparse product on the ``target_shape`` image itself."""

    sides: dict = field(default_factory=dict)
    pixels: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    target_shape: tuple = (280, 320)
    target: dict = field(default_factory=dict)
    memory_budget: int = 0
    dense_skipped: list = field(default_factory=list)  # sides whose matrix exceeds the budget
    stopped_early: bool = False  # the time budget ran out before the largest sizes
    elapsed: float = 0.0
    repeats: int = 5

    def largest_dense(self) -> tuple[int, float]:
        """(side, seconds) of the largest dense product measured."""
        return int(self.sides["dense"][-1]), float(self.seconds["dense"][-1])

    def extrapolated_dense(self) -> float:
        """Seconds the dense product would take on the ``target_shape`` image: the time per
        matrix entry at the largest size measured (memory-bound by then: every entry is read
        once) times the target matrix's entries (8,003,072,000 for 280 x 320)."""
        side, seconds = self.largest_dense()
        per_entry = seconds / (dense_bytes(side, side) / _ENTRY_BYTES)
        h, w = self.target_shape
        return per_entry * dense_bytes(h, w) / _ENTRY_BYTES

    def measured_ratio(self) -> float:
        """Extrapolated dense time over conv2d's measured time on the target image."""
        return self.extrapolated_dense() / self.target["conv2d"]


def _progress(progress):
    """A function (done, total) from a progress indicator: None, a callable, or an object
    with ``max`` and ``value`` (an ``ipywidgets.IntProgress``, made by the notebook)."""
    if progress is None:
        return lambda done, total: None
    if hasattr(progress, "value") and hasattr(progress, "max"):

        def update(done, total):
            progress.max = total
            progress.value = done

        return update
    if callable(progress):
        return progress
    raise TypeError(
        "progress must be None, a function progress(done, total), or a widget with .value "
        f"and .max (ipywidgets.IntProgress), got {type(progress).__name__}"
    )


def measure_edge_map(
    sides=DEFAULT_SIDES,
    *,
    memory_budget=256 * 10**6,
    repeats=5,
    time_budget=4.0,
    target_shape=(280, 320),
    progress=None,
    seed=0,
) -> Timings:
    """Time the edge map of N x N random images, for each N in ``sides`` (increasing), by
    ``conv2d``, the sparse product and the dense product (the dense one only while its
    float64 matrix fits ``memory_budget`` bytes, at most 1 GB). Also times conv2d and the
    sparse product on a ``target_shape`` image. Building the matrices is not timed, only
    applying them. Checks at every size that the three results agree.

    ``time_budget`` (seconds): no new size (after the first two) is started once this much
    time has passed (``stopped_early`` says so), so the whole measurement stays near it on
    a slow machine.
    ``progress``: None, ``progress(done, total)``, or a widget with ``value``/``max``.
    """
    side_list = _checks.integers(sides, "sides", minimum=2, limit=64)
    if len(side_list) < 2 or any(
        b <= a for a, b in zip(side_list[:-1], side_list[1:], strict=True)
    ):
        raise ValueError(f"sides must hold at least 2 increasing sizes, got {tuple(side_list)}")
    budget = _budget(memory_budget)
    repeats = _checks.integer(repeats, "repeats", minimum=1)
    time_budget = _checks.real(time_budget, "time_budget", positive=True, maximum=60.0)
    th, tw = _checks.pair(target_shape, "target_shape", minimum=2)
    _checks.size_limit(side_list[-1] ** 2 * 2, "sides (the largest image's CSR matrix)",
                       "use smaller sides")  # fmt: skip
    _checks.size_limit(th * tw * 2, "target_shape (its CSR matrix)", "use a smaller shape")
    if repeats * 1e-3 * (3 * len(side_list) + 2) > _checks.MAX_SECONDS * 6:
        raise ValueError("repeats * len(sides) is too many timings: use fewer repeats or sides")
    report = _progress(progress)
    rng = np.random.default_rng(_checks.seed(seed))
    kernel = np.array([EDGE_KERNEL])
    fits = [s for s in side_list if dense_bytes(s, s) <= budget]
    if not fits:
        raise ValueError(
            f"memory_budget={budget:,} bytes is too small for the dense matrix of even the "
            f"smallest side {side_list[0]} ({dense_bytes(side_list[0], side_list[0]):,} bytes)"
        )
    total = 2 * len(side_list) + len(fits) + 2
    result = Timings(
        target_shape=(th, tw),
        memory_budget=budget,
        dense_skipped=[s for s in side_list if s not in fits],
        repeats=repeats,
    )
    found = {m: [] for m in METHODS}
    done, t0 = 0, time.perf_counter()
    report(done, total)

    def run(method, x, matrix):
        if method == "conv2d":
            return time_call(conv2d, x, kernel, repeats=repeats), conv2d(x, kernel).ravel()
        if method == "sparse":
            v = x.ravel()
            return time_call(csr_matvec, matrix, v, repeats=repeats), csr_matvec(matrix, v)
        v = x.ravel()
        return time_call(dense_matvec, matrix, v, repeats=repeats), dense_matvec(matrix, v)

    for i, side in enumerate(side_list):
        if i >= 2 and time.perf_counter() - t0 > time_budget:  # two sizes at least: a slope
            result.stopped_early = True
            break
        x = rng.standard_normal((side, side))
        answers = []
        for method in METHODS:
            if method == "dense" and side not in fits:
                continue
            if method == "conv2d":
                matrix = None
            elif method == "sparse":
                matrix = edge_csr(side, side)
            else:
                matrix = edge_dense(side, side, memory_budget=budget)
            seconds, y = run(method, x, matrix)
            del matrix
            answers.append(y)
            found[method].append((side, seconds))
            done += 1
            report(done, total)
        for y in answers[1:]:
            if not np.allclose(y, answers[0]):
                raise RuntimeError(f"the three products disagree at side {side}")
    x = rng.standard_normal((th, tw))
    result.target["conv2d"] = time_call(conv2d, x, kernel, repeats=repeats)
    report(done + 1, total)
    result.target["sparse"] = time_call(csr_matvec, edge_csr(th, tw), x.ravel(), repeats=repeats)
    report(total, total)
    for method, rows in found.items():
        s = np.array([r[0] for r in rows], dtype=int)
        result.sides[method] = s
        result.pixels[method] = s * s
        result.seconds[method] = np.array([r[1] for r in rows])
    result.elapsed = time.perf_counter() - t0
    return result


@dataclass(frozen=True)
class SlopeFit:
    """A straight line through (log10 pixels, log10 seconds) of the points ``used``, after
    taking a fixed cost per call out of every time:
    ``seconds ≈ overhead + 10**intercept · pixels**slope`` (``overhead`` 0: a plain line)."""

    slope: float
    intercept: float
    used: np.ndarray
    overhead: float = 0.0

    def predict(self, pixels) -> np.ndarray:
        """Seconds the fit gives at ``pixels``: the fixed cost plus the power law."""
        p = _checks.array(pixels, "pixels", ndims=(0, 1, 2))
        if not (p > 0).all():
            raise ValueError("pixels must be positive")
        return self.overhead + 10 ** (self.intercept + self.slope * np.log10(p))


def fit_slope(
    pixels, seconds, *, min_pixels=None, overhead_factor=10.0, subtract_overhead=False
) -> SlopeFit:
    """Least-squares line on log-log axes through the points past the overhead.

    A point is used when its pixel count is at least ``min_pixels`` (if given), and its time
    at least ``overhead_factor`` times the smallest time measured (the smallest sizes take
    about as long as an empty call: their time is the fixed cost of calling, not the work).
    With ``subtract_overhead``, that smallest time is also taken out of every time before the
    fit (``seconds − overhead``, the work alone), so a point counts as soon as its work is
    ``overhead_factor − 1`` times the overhead, and the rising stretch above the overhead
    joins the fit instead of being thrown away. At least 2 points must be left, else
    ``ValueError``.
    """
    p = _checks.array(pixels, "pixels", ndims=(1,))
    t = _checks.array(seconds, "seconds", ndims=(1,))
    if p.shape != t.shape:
        raise ValueError(f"pixels and seconds must have the same length, got {p.size} and {t.size}")
    if not ((p > 0).all() and (t > 0).all() and np.isfinite(t).all() and np.isfinite(p).all()):
        raise ValueError("pixels and seconds must be positive and finite")
    overhead_factor = _checks.real(overhead_factor, "overhead_factor", finite=True, minimum=1.0)
    if not isinstance(subtract_overhead, bool):
        raise TypeError(f"subtract_overhead must be True or False, got {subtract_overhead!r:.40}")
    overhead = float(t.min()) if subtract_overhead else 0.0
    used = (t >= overhead_factor * t.min()) & (t > overhead)
    if min_pixels is not None:
        used &= p >= _checks.integer(min_pixels, "min_pixels", minimum=1)
    if used.sum() < 2:
        raise ValueError(
            f"only {int(used.sum())} point(s) are past the overhead (time >= "
            f"{overhead_factor} x the smallest): measure larger sizes, or lower overhead_factor"
        )
    slope, intercept = np.polyfit(np.log10(p[used]), np.log10(t[used] - overhead), 1)
    return SlopeFit(float(slope), float(intercept), used, overhead)
