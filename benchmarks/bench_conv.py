"""conv2d (numpy) against scipy.ndimage.correlate (compiled) and a naive Python loop.

    make bench        # or: .venv/bin/python benchmarks/bench_conv.py

Prints, per case, the median of repeated runs of each and the ratios measured in the same
run. Same work for all three: a valid cross-correlation, float64. SciPy computes the "same"
size output (its border handling is part of its loop); we slice its interior, which does not
change its cost much, and check that the numbers agree before timing.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np
import scipy.ndimage as ndi

from cnnlessons.numerics.conv import conv2d

CASES = [((64, 64), (3, 3)), ((256, 256), (5, 5)), ((512, 512), (3, 3))]


def naive(x, w):
    kh, kw = w.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            out[r, c] = float((x[r : r + kh, c : c + kw] * w).sum())
    return out


def scipy_valid(x, w):
    kh, kw = w.shape
    full = ndi.correlate(x, w, mode="constant")
    return full[kh // 2 : kh // 2 + x.shape[0] - kh + 1, kw // 2 : kw // 2 + x.shape[1] - kw + 1]


def timed_ms(fn, *args) -> float:
    t0 = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - t0) * 1e3


def paired_medians(a, b, args, runs=41):
    """Time a and b alternately (so machine noise hits both alike); return both medians."""
    ta, tb = [], []
    for _ in range(runs):
        ta.append(timed_ms(a, *args))
        tb.append(timed_ms(b, *args))
    return statistics.median(ta), statistics.median(tb)


def main() -> int:
    rng = np.random.default_rng(0)
    rows = []
    for shape, kshape in CASES:
        x, w = rng.normal(size=shape), rng.normal(size=kshape)
        np.testing.assert_allclose(conv2d(x, w), scipy_valid(x, w), atol=1e-9)
        ours, theirs = paired_medians(conv2d, scipy_valid, (x, w))
        slow = statistics.median(timed_ms(naive, x, w) for _ in range(3))
        rows.append(
            (
                f"{shape[0]}x{shape[1]}, {kshape[0]}x{kshape[1]}",
                ours,
                theirs,
                slow,
                ours / theirs,
                slow / ours,
            )
        )
    print(
        f"numpy {np.__version__}, Python {sys.version.split()[0]}; medians in ms "
        "(conv2d and SciPy: 41 alternating runs; naive loop: 3 runs)"
    )
    print("| case | conv2d | scipy.ndimage | naive loop | conv2d / scipy | naive / conv2d |")
    print("|---|---:|---:|---:|---:|---:|")
    for case, ours, theirs, slow, r1, r2 in rows:
        print(f"| {case} | {ours:.3f} | {theirs:.3f} | {slow:.1f} | {r1:.2f}x | {r2:,.0f}x |")
    worst = max(r[4] for r in rows)
    print(
        f"goal: conv2d no slower than 1.5x SciPy -> worst ratio {worst:.2f}x "
        f"({'met' if worst <= 1.5 else 'NOT met'})"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
