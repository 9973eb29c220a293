"""Lesson 01's explorers and figure: kernels on a photograph, output sizes, the flip."""

import random

import numpy as np
import pytest

import cnnlessons as cl
from cnnlessons.explorers.convolution import KERNEL_NOTES, OutputSizeExplorer, PhotoExplorer
from cnnlessons.figures import flip_figure


@pytest.fixture(scope="module")
def photo():
    return PhotoExplorer()


def test_photo_explorer_shows_each_kernels_output(photo):
    menu = photo.controls["kernel"]
    assert list(menu.options) == list(cl.KERNELS) == list(KERNEL_NOTES)
    for index, name in enumerate(menu.options):
        menu.value = name
        np.testing.assert_allclose(photo.output, cl.conv2d(photo.x, cl.kernel(name)))
        np.testing.assert_allclose(photo.image.get_array(), photo.output)
        assert photo.note.get_text() == KERNEL_NOTES[name]
        assert photo.frame(index).shape[:2] == photo.frame(0).shape[:2]
    # five different pictures, one per kernel
    frames = [photo.frame(i) for i in range(len(menu.options))]
    assert all(np.abs(a - b).max() > 0.1 for a, b in zip(frames, frames[1:], strict=False))


def test_photo_identity_kernel_returns_the_photo_interior(photo):
    photo.controls["kernel"].value = "identity"
    np.testing.assert_allclose(photo.output, photo.x[1:-1, 1:-1])


def test_photo_edge_output_is_signed_and_centred(photo):
    photo.controls["kernel"].value = "vertical edge"
    lo, hi = photo.image.get_clim()
    assert lo == -hi and hi > 0
    assert photo.image.get_cmap().name == cl.style.SIGNED_CMAP


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
            assert sizes.out_size == 0 and "no output" in sizes.formula.get_text()
            assert not sizes.window.get_visible()
            continue
        assert sizes.out_size == o and sizes.formula.get_text().endswith(f"= {o}")
        assert sizes.fits == cl.fits_evenly(i, k, s, p, d)
        assert (sizes.warning.get_text() == "") == sizes.fits
        assert len(sizes.starts.get_offsets()) == o * o  # one dot per window
        assert len(sizes.taps.get_offsets()) == k * k
        shown = np.asarray(sizes.out_cells.get_array())
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
