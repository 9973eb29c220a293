"""Lesson 01's explorers and figure: kernels on a photograph, output sizes, the flip."""

import random

import numpy as np
import pytest
from scipy.signal import correlate2d

import cnnlessons as cl
from cnnlessons.figures import style
from cnnlessons.figures.display import new_figure
from cnnlessons.lesson01.explorers import KERNEL_NOTES, OutputSizeExplorer, PhotoExplorer
from cnnlessons.lesson01.figures import OutputSizeFigure, PhotoFigure, flip_figure


# -- PhotoFigure ------------------------------------------------------------------------------
def test_photo_figure_shows_the_correlation_scipy_computes():
    rng = np.random.default_rng(0)
    x = rng.random((10, 12))
    blur = np.full((3, 3), 1 / 9)
    f = PhotoFigure(new_figure((9.4, 3.9)), x, blur, "a note")
    assert f.axes["output"].get_title() == "output 8×10"  # (10 - 3 + 1) x (12 - 3 + 1)
    np.testing.assert_allclose(f.image.get_array(), correlate2d(x, blur, mode="valid"))
    assert f.image.get_cmap().name == style.GREY_CMAP and f.image.get_clim() == (0, 1)
    assert f.note.get_text() == "a note"
    edge = np.array([[1.0, 0, -1]] * 3)  # weights sum to 0: a signed output
    changed = f.select(edge)
    assert f.image in changed and f.note in changed
    np.testing.assert_allclose(f.output, correlate2d(x, edge, mode="valid"))
    np.testing.assert_array_equal(f.kernel_grid.values, edge)
    lo, hi = f.image.get_clim()
    assert lo == -hi == -np.percentile(np.abs(f.output), 99.5)
    assert f.image.get_cmap().name == style.SIGNED_CMAP and f.note.get_text() == ""


def test_photo_figure_bad_arguments():
    x, w = np.zeros((6, 6)), np.zeros((3, 3))
    with pytest.raises(ValueError, match="photo must"):
        PhotoFigure(new_figure(), np.zeros(6), w)
    with pytest.raises(ValueError, match="w must fit"):
        PhotoFigure(new_figure(), x, np.zeros((7, 3)))
    f = PhotoFigure(new_figure(), x, w)
    with pytest.raises(ValueError, match=r"w must have shape \(3, 3\)"):
        f.select(np.zeros((5, 5)))
    with pytest.raises(TypeError, match="note must be a string"):
        f.select(w, note=3)


# -- PhotoExplorer ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def photo():
    return PhotoExplorer()


def test_photo_explorer_shows_each_kernels_output(photo):
    menu = photo.controls["kernel"]
    assert list(menu.options) == list(cl.KERNELS) == list(KERNEL_NOTES)
    for index, name in enumerate(menu.options):
        menu.value = name
        np.testing.assert_allclose(photo.output, cl.conv2d(photo.x, cl.kernel(name)))
        np.testing.assert_allclose(photo.view.image.get_array(), photo.output)
        assert photo.view.note.get_text() == KERNEL_NOTES[name]
        assert photo.frame(index).shape[:2] == photo.frame(0).shape[:2]
    # five different pictures, one per kernel
    frames = [photo.frame(i) for i in range(len(menu.options))]
    assert all(np.abs(a - b).max() > 0.1 for a, b in zip(frames, frames[1:], strict=False))


def test_photo_identity_kernel_returns_the_photo_interior(photo):
    photo.controls["kernel"].value = "identity"
    np.testing.assert_allclose(photo.output, photo.x[1:-1, 1:-1])


def test_photo_edge_output_is_signed_and_centred(photo):
    photo.controls["kernel"].value = "vertical edge"
    lo, hi = photo.view.image.get_clim()
    assert lo == -hi and hi > 0
    assert photo.view.image.get_cmap().name == style.SIGNED_CMAP


# -- OutputSizeFigure -------------------------------------------------------------------------
def unit_centres(size, rows, cols):
    """Centres of cells (row, col) of a size x size grid in the unit square, row 0 on top."""
    return [((c + 0.5) / size, 1 - (r + 0.5) / size) for r in rows for c in cols]


@pytest.mark.parametrize(
    ("case", "o", "fits", "red"),
    [
        # (i, k, padding, stride, dilation); o and the uncovered pixels worked out by hand
        ((5, 3, 1, 2, 1), 3, True, 0),  # (5 + 2 - 2 - 1)/2 + 1 = 3; windows reach all 7
        ((6, 3, 1, 2, 1), 3, False, 8 * 8 - 7 * 7),  # 8 padded, windows reach 2·2 + 3 = 7
        ((7, 3, 0, 1, 2), 3, True, 0),  # span 5: 7 - 5 + 1 = 3
        ((9, 2, 0, 3, 1), 3, False, 9 * 9 - 8 * 8),  # (9 - 1 - 1)/3 + 1 = 3; reach 2·3 + 2
    ],
)
def test_output_size_figure_draws_one_dot_per_window(case, o, fits, red):
    i, k, p, s, d = case
    f = OutputSizeFigure(new_figure((9.4, 4.6)), *case)
    assert (f.out_size, f.fits) == (o, fits)
    size = i + 2 * p
    starts = [s * n for n in range(o)]
    np.testing.assert_allclose(f.starts.get_offsets(), unit_centres(size, starts, starts))
    taps = [(o - 1) * s + d * n for n in range(k)]
    np.testing.assert_allclose(f.taps.get_offsets(), unit_centres(size, taps, taps))
    kinds = np.asarray(f.cells.get_array())
    assert kinds.shape == (size, size) and (kinds == 2).sum() == red
    inside = np.zeros((size, size), bool)
    inside[p : p + i, p : p + i] = True
    assert not (kinds[inside] == 0).any() and not (kinds[~inside] == 1).any()  # input, padding
    assert np.isfinite(np.asarray(f.out_cells.get_array())).sum() == o * o
    assert f.formula.get_text().endswith(f"= {o}")
    assert (f.warning.get_text() == "") == fits


def test_output_size_figure_flags_a_kernel_that_does_not_fit():
    f = OutputSizeFigure(new_figure())
    changed = f.select(3, 5, padding=0)  # span 5 > 3 padded pixels
    assert set(changed) == set(f.artists)
    assert f.out_size == 0 and not f.fits and not f.window.get_visible()
    assert len(f.starts.get_offsets()) == 0 and "no output" in f.formula.get_text()
    assert "spans 5 pixels but the padded input has only 3" in f.warning.get_text()
    f.select(3, 3)
    assert f.out_size == 1 and f.window.get_visible()


@pytest.mark.parametrize(
    ("args", "exc", "match"),
    [
        ((0, 3), ValueError, "i must be an integer >= 1"),
        ((5, 1.5), TypeError, "k must be an integer"),
        ((5, 3, -1), ValueError, "padding must be an integer >= 0"),
        ((5, 3, 0, 0), ValueError, "stride must be an integer >= 1"),
        ((5, 3, 0, 1, 0), ValueError, "dilation must be an integer >= 1"),
        ((30, 3, 2), ValueError, r"i \+ 2·padding must be at most 32"),
    ],
)
def test_output_size_figure_bad_arguments(args, exc, match):
    f = OutputSizeFigure(new_figure())
    with pytest.raises(exc, match=match):
        f.select(*args)


# -- OutputSizeExplorer ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def sizes():
    return OutputSizeExplorer()


def test_output_size_explorer_agrees_with_the_formula(sizes):
    limits = sizes.LIMITS
    rng = random.Random(3)
    combos = [{n: lo for n, (lo, hi) in limits.items()}, {n: hi for n, (lo, hi) in limits.items()}]
    combos += [{n: rng.randint(lo, hi) for n, (lo, hi) in limits.items()} for _ in range(60)]
    for combo in combos:
        for name, value in combo.items():
            sizes.controls[name].value = value
        i, k, p, s, d = (combo[n] for n in ("i", "k", "padding", "stride", "dilation"))
        try:
            o = cl.output_size(i, k, s, p, d)
        except ValueError:
            assert sizes.out_size == 0 and "no output" in sizes.view.formula.get_text()
            assert not sizes.view.window.get_visible()
            continue
        assert sizes.out_size == o and sizes.view.formula.get_text().endswith(f"= {o}")
        assert sizes.fits == cl.fits_evenly(i, k, s, p, d)
        assert (sizes.view.warning.get_text() == "") == sizes.fits
        assert len(sizes.view.starts.get_offsets()) == o * o  # one dot per window
        assert len(sizes.view.taps.get_offsets()) == k * k
        shown = np.asarray(sizes.view.out_cells.get_array())
        assert np.isfinite(shown).sum() == o * o


def test_the_dumoulin_visin_cases(sizes):
    """Output sizes of A guide to convolution arithmetic: o = i - k + 2p + 1 with unit
    strides, and the non-even case that drops pixels."""
    for (i, k, p, s, d), o, fits in [
        ((5, 3, 1, 1, 1), 5, True),
        ((5, 3, 1, 2, 1), 3, True),
        ((6, 3, 1, 2, 1), 3, False),
        ((7, 3, 0, 1, 2), 3, True),
    ]:
        for name, v in zip(
            ("i", "k", "padding", "stride", "dilation"), (i, k, p, s, d), strict=True
        ):
            sizes.controls[name].value = v
        assert (sizes.out_size, sizes.fits) == (o, fits)


def test_output_size_incremental_picture_equals_a_full_redraw():
    e = OutputSizeExplorer()
    e.canvas.draw()
    rng = random.Random(0)
    for _ in range(15):
        for name, (lo, hi) in e.LIMITS.items():
            e.controls[name].value = rng.randint(lo, hi)
        incremental = e.frame().astype(float)
        e.canvas.draw()
        np.testing.assert_array_equal(e.frame().astype(float), incremental)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"i": 2}, "i must be between 3 and 9"),
        ({"k": 6}, "k must be between 1 and 5"),
        ({"stride": 0}, "stride must be between 1 and 3"),
        ({"padding": 1.5}, "padding must be"),
    ],
)
def test_output_size_explorer_bad_arguments(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        OutputSizeExplorer(**kwargs)


def test_photo_explorer_bad_arguments():
    with pytest.raises(ValueError, match="kernel must be one of"):
        PhotoExplorer(kernel="emboss")
    with pytest.raises(ValueError, match="step must be an integer >= 1"):
        PhotoExplorer(step=0)


def test_flip_figure_shows_the_kernel_flipped_by_cross_correlation():
    fig = flip_figure()
    axes = fig.axes
    assert len(axes) == 4
    corr = np.asarray(axes[2].collections[0].get_array()).reshape(5, 5)
    conv = np.asarray(axes[3].collections[0].get_array()).reshape(5, 5)
    w = np.arange(1.0, 10.0).reshape(3, 3)
    np.testing.assert_array_equal(corr[1:4, 1:4], w[::-1, ::-1])
    np.testing.assert_array_equal(conv[1:4, 1:4], w)
