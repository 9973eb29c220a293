"""Locality measured on a photograph: the correlations against numpy's corrcoef and SciPy's
pearsonr (independent computations), properties that must hold, bad input refused."""

import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy import stats

import cnnlessons as cl
from cnnlessons.lesson02 import numerics as locality
from cnnlessons.lesson02.figures import locality_figure

PHOTO = cl.grace_hopper()


@pytest.mark.parametrize("axis", ["horizontal", "vertical"])
def test_the_correlations_equal_scipy_and_numpy(axis):
    ds = [1, 3, 16, 100]
    got = locality.pixel_correlation(distances=ds, axis=axis)
    for d, g in zip(ds, got, strict=True):
        a, b = (PHOTO[:, :-d], PHOTO[:, d:]) if axis == "horizontal" else (PHOTO[:-d], PHOTO[d:])
        assert g == pytest.approx(stats.pearsonr(a.ravel(), b.ravel())[0], abs=1e-12)
        assert g == pytest.approx(np.corrcoef(a.ravel(), b.ravel())[0, 1], abs=1e-12)


def test_the_numbers_the_lesson_states():
    rows = locality.pixel_correlation(distances=[1, 128])
    cols = locality.pixel_correlation(distances=[1, 128], axis="vertical")
    assert rows[0] > 0.95 and cols[0] > 0.95  # neighbours: about 0.97
    assert 0.1 < rows[1] < 0.5 and 0.1 < cols[1] < 0.5  # far apart: low, not 0
    d = locality.half_distance()
    c = locality.pixel_correlation(distances=[1, d - 1, d])
    assert c[1] >= c[0] / 2 > c[2]  # the first distance below half
    assert 8 <= d <= 64


def test_shuffled_pixels_have_no_locality():
    c = locality.shuffled_correlation(distances=[1, 2, 8, 64])
    assert np.abs(c).max() < 0.01  # 300,000 pairs: about 1/sqrt(300,000) = 0.002 by chance


def test_a_smooth_ramp_and_a_checkerboard_by_hand():
    ramp = np.add.outer(np.arange(20.0), np.zeros(20))  # brightness grows down the rows
    # along rows every pair is equal: correlation 1; the checkerboard alternates: -1, then +1
    assert locality.pixel_correlation(ramp, [1, 5], axis="horizontal") == pytest.approx(1)
    board = cl.checkerboard(20)
    np.testing.assert_allclose(locality.pixel_correlation(board, [1, 2]), [-1, 1])


def test_the_figure_plots_what_the_numerics_compute():
    fig = Figure()
    out = locality_figure(fig, distances=(1, 4, 16))
    np.testing.assert_array_equal(out["lines"]["vertical"].get_ydata(),
                                  locality.pixel_correlation(distances=[1, 4, 16], axis="vertical"))


def test_your_own_picture_an_array_or_a_file(tmp_path):
    import matplotlib.image as mimage

    rgb = np.random.default_rng(0).random((40, 30, 3))
    path = tmp_path / "mine.png"
    mimage.imsave(path, rgb)
    from_file = locality.pixel_correlation(str(path), [1, 2])
    from_array = locality.pixel_correlation(mimage.imread(path), [1, 2])
    np.testing.assert_allclose(from_file, from_array)


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: locality.pixel_correlation(distances=[0]), ValueError, "distances"),
        (lambda: locality.pixel_correlation(distances=[600]), ValueError, "distances"),
        (lambda: locality.pixel_correlation(distances=[1.5]), TypeError, "distances"),
        (lambda: locality.pixel_correlation(axis="diagonal"), ValueError, "axis"),
        (lambda: locality.pixel_correlation("no_such_file.png"), ValueError, "no file"),
        (lambda: locality.shuffled_correlation(seed=-1), ValueError, "seed"),
        (lambda: locality_figure(Figure(), pair=10_000), ValueError, "pair"),
    ],
)
def test_bad_arguments_are_refused_by_name(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
