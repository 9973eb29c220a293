"""The three ways of computing the edge map agree (SciPy as the oracle); the slope fit
recovers known slopes. Timings themselves are never asserted."""

import numpy as np
import pytest
import scipy.signal
import scipy.sparse
from hypothesis import given, settings
from hypothesis import strategies as st

import cnnlessons as cl
from cnnlessons.lesson04.numerics import timing
from cnnlessons.lesson04.numerics.timing import (
    CSR,
    METHODS,
    csr_matvec,
    dense_bytes,
    dense_matvec,
    edge_csr,
    edge_dense,
    fit_slope,
    measure_edge_map,
    time_call,
)
from cnnlessons.numerics.matrices import conv_matrix

EDGE = np.array([[-1.0, 1.0]])


@settings(max_examples=30, deadline=None)
@given(h=st.integers(1, 9), w=st.integers(2, 9), seed=st.integers(0, 2**16))
def test_sparse_equals_conv2d_equals_dense(h, w, seed):
    x = np.random.default_rng(seed).standard_normal((h, w))
    expected = scipy.signal.correlate2d(x, EDGE, mode="valid").ravel()  # the oracle
    np.testing.assert_allclose(cl.conv2d(x, EDGE).ravel(), expected, atol=1e-12)
    np.testing.assert_allclose(csr_matvec(edge_csr(h, w), x.ravel()), expected, atol=1e-12)
    np.testing.assert_allclose(dense_matvec(edge_dense(h, w), x.ravel()), expected, atol=1e-12)


@pytest.mark.parametrize("kernel", [(-1.0, 1.0), (1.0, 2.0, 3.0), (0.5,)])
def test_csr_is_the_conv_matrix_and_scipy_agrees(kernel):
    h, w = 4, 6
    csr = edge_csr(h, w, kernel)
    ours = scipy.sparse.csr_matrix((csr.data, csr.indices, csr.indptr), shape=csr.shape)
    np.testing.assert_array_equal(ours.toarray(), conv_matrix((h, w), np.array([kernel])))
    np.testing.assert_array_equal(edge_dense(h, w, kernel), ours.toarray())
    assert csr.nnz == len(kernel) * h * (w - len(kernel) + 1)


def test_csr_matvec_on_a_general_matrix_with_empty_rows():
    rng = np.random.default_rng(1)
    a = scipy.sparse.random(7, 5, density=0.3, random_state=2).toarray()
    a[3, :] = 0  # an empty row
    m = scipy.sparse.csr_matrix(a)
    x = rng.standard_normal(5)
    ours = CSR(m.data, m.indices, m.indptr, m.shape)
    np.testing.assert_allclose(csr_matvec(ours, x), m @ x, atol=1e-12)


def test_dense_matvec_checks_its_arguments():
    with pytest.raises(TypeError, match="2-D float64"):
        dense_matvec([[1.0, 2.0]], np.ones(2))
    with pytest.raises(ValueError, match="2 entries"):
        dense_matvec(np.ones((3, 2)), np.ones(3))


def test_dense_bytes_and_the_budget():
    assert dense_bytes(280, 320) == 8 * 8_003_072_000  # float64
    assert dense_bytes(4, 5) == edge_dense(4, 5).nbytes
    with pytest.raises(ValueError, match="memory_budget"):
        edge_dense(100, 100, memory_budget=10**6)  # refused before allocating 800 MB
    with pytest.raises(ValueError, match="at most 1,000,000,000"):
        edge_dense(4, 4, memory_budget=2 * 10**9)


@pytest.mark.parametrize("slope", [1.0, 2.0, 0.5])
def test_fit_recovers_a_known_slope_past_the_overhead(slope):
    pixels = np.logspace(2, 9, 22)
    overhead = 1e-5  # a fixed cost that hides the slope at small sizes: as large as the
    seconds = overhead + overhead * (pixels / 1e4) ** slope  # work itself at 10^4 pixels
    noisy = seconds * np.exp(np.random.default_rng(0).normal(0, 0.02, pixels.size))
    fit = fit_slope(pixels, noisy, overhead_factor=30)
    assert fit.slope == pytest.approx(slope, abs=0.05)
    assert not fit.used[0] and fit.used[-1]  # the overhead-dominated sizes are left out
    np.testing.assert_allclose(fit.predict(pixels[-1]), seconds[-1], rtol=0.1)
    # fitting every point instead is pulled flat by the overhead
    assert fit_slope(pixels, noisy, overhead_factor=1).slope < slope - 0.1


def test_fit_with_the_overhead_taken_out_keeps_the_rising_stretch():
    """Issue 20: conv2d's time rose about 10x above its fixed cost, and the 10x rule threw that
    stretch away: its slope rested on a few points. With the smallest time taken out, the work
    alone is fitted, from twice the overhead on. By hand, for the default sides up to 724 (a
    busy machine stops there): a fixed cost of 2e-5 s and 1e-9 s per pixel. The smallest time
    is 2e-5 + 64e-9; twice it needs p >= 20,128 pixels: sides 181 to 724, 5 sizes. Ten times it
    needs p >= 180,640: only 512 and 724."""
    sides = np.array(timing.DEFAULT_SIDES)[:-1]
    assert sides[-1] == 724
    pixels = sides * sides
    seconds = 2e-5 + 1e-9 * pixels
    plain = fit_slope(pixels, seconds)
    assert list(sides[plain.used]) == [512, 724]
    fit = fit_slope(pixels, seconds, overhead_factor=2.0, subtract_overhead=True)
    assert fit.overhead == seconds.min()
    assert list(sides[fit.used]) == [181, 256, 362, 512, 724]
    assert fit.slope == pytest.approx(1, abs=0.01)
    np.testing.assert_allclose(fit.predict(pixels), seconds, rtol=0.01)  # through the knee
    noisy = seconds * np.exp(np.random.default_rng(1).normal(0, 0.03, pixels.size))
    again = fit_slope(pixels, noisy, overhead_factor=2.0, subtract_overhead=True)
    assert again.slope == pytest.approx(1, abs=0.1)
    with pytest.raises(TypeError, match="subtract_overhead"):
        fit_slope(pixels, seconds, subtract_overhead=1)


def test_fit_exact_power_law_and_min_pixels():
    pixels = np.array([10.0, 100, 1000, 10_000])
    fit = fit_slope(pixels, 3e-7 * pixels**2, overhead_factor=1)
    assert fit.slope == pytest.approx(2) and 10**fit.intercept == pytest.approx(3e-7)
    assert fit_slope(pixels, 3e-7 * pixels**2, overhead_factor=1, min_pixels=100).used.sum() == 3
    with pytest.raises(ValueError, match="past the overhead"):
        fit_slope(pixels, np.ones(4))
    with pytest.raises(ValueError, match="same length"):
        fit_slope(pixels, np.ones(3))
    with pytest.raises(ValueError, match="positive"):
        fit_slope(pixels, -np.ones(4))


class FakeClock:
    """A clock that only moves when told: ``tick`` seconds per read (0: it never moves by
    itself), plus whatever the timed function adds. No test here depends on the machine."""

    def __init__(self, tick=0.0):
        self.now, self.tick = 0.0, tick

    def perf_counter(self):
        self.now += self.tick
        return self.now


def test_time_call_is_the_best_run_divided_by_the_calls_it_looped(monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(timing, "time", clock)
    calls = []

    def quarter_second(v):  # each call "takes" 0.25 s on the fake clock
        calls.append(v)
        clock.now += 0.25

    # worked out by hand: one call (0.25 s < min_time 1 s) -> loop 4 calls (1.0 s, enough);
    # best = 1.0 / 4; then 2 more runs of 4 calls: 1 + 4 + 2 * 4 = 13 calls
    assert time_call(quarter_second, 1, repeats=3, min_time=1.0) == 0.25
    assert len(calls) == 13 and set(calls) == {1}
    with pytest.raises(TypeError, match="fn"):
        time_call(3)
    with pytest.raises(ValueError, match="MAX_SECONDS"):
        time_call(quarter_second, 1, repeats=100, min_time=1.0)  # 100 s asked for
    with pytest.raises(ValueError, match="min_time"):
        time_call(quarter_second, 1, min_time=1e9)  # never returned before the budget


class FakeBar:  # what an ipywidgets.IntProgress offers: value and max
    value, max = 0, 0


def test_measure_small_sizes_reports_progress_and_skips_what_does_not_fit(monkeypatch):
    # a clock that moves 1 ms per read: the time budget (4 s) is never the reason to stop,
    # however slow or busy the machine
    monkeypatch.setattr(timing, "time", FakeClock(tick=1e-3))
    seen, bar = [], FakeBar()
    r = measure_edge_map((4, 8, 16, 32), memory_budget=2 * 10**6, repeats=2,
                         progress=lambda done, total: seen.append((done, total)))  # fmt: skip
    assert list(r.sides["conv2d"]) == list(r.sides["sparse"]) == [4, 8, 16, 32]
    assert list(r.sides["dense"]) == [4, 8, 16]  # 32: 32·31·32·32·8 bytes = 8.1 MB > 2 MB
    assert r.dense_skipped == [32] and not r.stopped_early
    assert seen[0][0] == 0 and seen[-1][0] == seen[-1][1]  # from 0 to done
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert set(r.target) == {"conv2d", "sparse"}
    assert all((r.seconds[m] > 0).all() for m in METHODS)
    # the extrapolation scales the largest dense time by the ratio of entries
    entries = dense_bytes(280, 320) / dense_bytes(16, 16)
    assert r.extrapolated_dense() == pytest.approx(r.seconds["dense"][-1] * entries)
    measure_edge_map((4, 8), memory_budget=10**6, repeats=1, progress=bar)
    assert bar.value == bar.max > 0


def test_measure_stops_when_time_runs_out():
    r = measure_edge_map((4, 8, 16), repeats=1, time_budget=1e-9)
    assert r.stopped_early and list(r.sides["conv2d"]) == [4, 8]  # two sizes, for a slope


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"sides": (8, 4)}, ValueError, "increasing"),
        ({"sides": (8,)}, ValueError, "at least 2"),
        ({"memory_budget": 2 * 10**9}, ValueError, "1 GB"),
        ({"memory_budget": "1GB"}, TypeError, "memory_budget"),
        ({"time_budget": 100}, ValueError, "time_budget"),
        ({"progress": 3}, TypeError, "progress"),
        ({"sides": (64, 128), "memory_budget": 1000}, ValueError, "too small"),
    ],
)
def test_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        measure_edge_map(**kwargs)


