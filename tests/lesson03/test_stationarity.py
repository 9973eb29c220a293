"""Stationarity measured on a photograph: the block statistics against SciPy and numpy computed
independently, the figure's picks, bad input refused."""

import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy import ndimage

import cnnlessons as cl
from cnnlessons.lesson03 import numerics as stationarity
from cnnlessons.lesson03.figures.stationarity import picked_blocks, stationarity_figure

PHOTO = cl.grace_hopper()


def test_block_statistics_against_scipy_and_numpy():
    s = stationarity.block_statistics(blocks=(4, 4))
    assert s["block_size"] == (150, 128)
    w = cl.kernel("vertical edge")
    for r, c in [(0, 0), (1, 3), (3, 2)]:
        b = PHOTO[r * 150 : (r + 1) * 150, c * 128 : (c + 1) * 128]
        assert s["mean"][r, c] == pytest.approx(b.mean())
        want = np.corrcoef(b[:, :-1].ravel(), b[:, 1:].ravel())[0, 1]
        assert s["neighbour_correlation"][r, c] == pytest.approx(want, abs=1e-12)
        # scipy.ndimage.correlate centres the kernel: keep the positions it fully covers
        full = ndimage.correlate(b, w, mode="constant")[1:-1, 1:-1]
        assert s["edge_energy"][r, c] == pytest.approx(np.abs(full).mean(), rel=1e-12)
        np.testing.assert_allclose(
            stationarity.edge_responses(block=(r, c)), full.ravel(), atol=1e-12
        )


def test_what_the_lesson_states():
    s = stationarity.block_statistics()
    e, c = s["edge_energy"], s["neighbour_correlation"]
    assert e.max() / e.min() > 3  # several-fold
    assert np.median(c) > 0.9  # neighbours alike almost everywhere
    low = {divmod(int(i), 4) for i in np.argsort(c, axis=None)[:2]}
    flat = {divmod(int(i), 4) for i in np.argsort(e, axis=None)[:2]}
    assert low == flat  # the least-alike neighbours are in the flattest blocks


def test_a_flat_image_has_no_edges_and_a_stripe_pattern_is_the_same_everywhere():
    flat = np.full((64, 64), 0.5)
    assert (stationarity.block_statistics(flat)["edge_energy"] == 0).all()
    stripes = np.tile([0.0, 0.0, 1.0, 1.0], (64, 16))
    e = stationarity.block_statistics(stripes)["edge_energy"]
    np.testing.assert_allclose(e, e[0, 0])  # every block the same: stationary by construction


def test_the_figure_marks_the_extreme_blocks():
    out = stationarity_figure(Figure())
    picks = picked_blocks(out["stats"])
    e = out["stats"]["edge_energy"]
    assert e[picks["most edges"]] == e.max() and e[picks["fewest edges"]] == e.min()
    assert set(out["lines"]) == {"most edges", "median", "fewest edges"}


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: stationarity.block_statistics(blocks=(200, 4)), ValueError, "blocks"),
        (lambda: stationarity.block_statistics(blocks=0), ValueError, "blocks"),
        (lambda: stationarity.edge_responses(block=(4, 0)), ValueError, "block"),
        (lambda: stationarity.block_statistics(np.zeros((8, 8))), ValueError, "16 x 16"),
        (lambda: stationarity.block_statistics("nope.jpg"), ValueError, "no file"),
    ],
)
def test_bad_arguments_are_refused_by_name(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
