"""Lesson 03's channels: a k x k x C filter is C slices whose responses add up (plus a bias) to
one map; F filters give F maps; the count F·(k·k·C + 1) is what the picture shows; a 1x1
convolution is a dense layer across channels at every pixel. Oracles: SciPy and einsum."""

import itertools

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.figure import Figure
from scipy.signal import correlate2d

import cnnlessons as cl
from cnnlessons.engine import MAX_FRAMES
from cnnlessons.figures import style
from cnnlessons.lesson03.explorers import FILTER_CHOICES, ChannelsExplorer
from cnnlessons.lesson03.figures.channels import (
    KERNEL_SIDES,
    channel_responses,
    example_filters,
    one_filter_figure,
    rgb_image,
)

LAYERS = list(itertools.product((1, 3), range(1, 7), KERNEL_SIDES))


@pytest.mark.parametrize(("c", "f", "k"), LAYERS)
def test_the_filters_hold_exactly_the_counted_parameters(c, f, k):
    w, b = example_filters(c, f, k)
    assert w.shape == (f, c, k, k) and b.shape == (f,)
    assert w.size + b.size == f * (k * k * c + 1) == cl.conv_params(c, f, k)


def test_slices_add_up_to_one_map_like_scipy():
    rng = np.random.default_rng(0)
    x, w = rng.normal(size=(9, 8, 3)), rng.normal(size=(3, 3, 3))
    responses, out = channel_responses(x, w, 0.25)
    for c in range(3):
        np.testing.assert_allclose(responses[c], correlate2d(x[..., c], w[c], mode="valid"))
    expected = sum(correlate2d(x[..., c], w[c], mode="valid") for c in range(3)) + 0.25
    np.testing.assert_allclose(out, expected)


def test_channel_responses_refuses_mismatched_slices():
    with pytest.raises(ValueError, match="one slice per channel"):
        channel_responses(np.zeros((5, 5, 3)), np.zeros((1, 3, 3)))
    with pytest.raises(ValueError, match="in_channels"):
        example_filters(2, 1, 3)
    with pytest.raises(ValueError, match="odd"):
        example_filters(3, 1, 4)


def test_rgb_image_is_a_colour_photo():
    x = rgb_image()
    assert x.shape == (75, 64, 3) and 0 <= x.min() and x.max() <= 1
    assert np.abs(x[..., 0] - x[..., 2]).mean() > 0.01  # the channels differ: colour


@pytest.fixture(scope="module")
def explorer():
    return ChannelsExplorer()


def test_explorer_frames_stay_within_the_budget(explorer):
    assert len(FILTER_CHOICES) * len(KERNEL_SIDES) * 2 <= MAX_FRAMES
    assert explorer.frame_controls == ("filters", "k", "channels")


@pytest.mark.parametrize(("c", "f", "k"), [(3, 6, 5), (1, 6, 5), (3, 2, 1), (1, 1, 3)])
def test_the_picture_shows_what_is_counted(explorer, c, f, k):
    explorer.controls["channels"].value = c
    explorer.controls["filters"].value = f
    explorer.controls["k"].value = k
    view = explorer.view
    n = cl.conv_params(c, f, k)
    assert explorer.n_parameters == n
    assert f"F·(k·k·C + 1) = {f}·({k}·{k}·{c} + 1) = {n:,}" in view.formula.get_text()
    shown = [im for row in view.slice_images for im in row if im.get_visible()]
    assert len(shown) == f * c  # one slice per (filter, channel)
    biases = [t for row in view.bias_texts for t in row if t.get_text()]
    assert len(biases) == f  # one bias per filter
    assert sum(im.get_visible() for im in view.map_images) == f  # F maps
    assert sum(im.get_visible() for im in view.plane_images) == c
    for shown_slice, weights in zip(shown, explorer.weights.reshape(f * c, k, k), strict=True):
        np.testing.assert_array_equal(shown_slice.get_array(), weights)


def test_the_lectures_layer_is_456_and_its_slip_156(explorer):
    explorer.controls["k"].value = 5
    explorer.controls["filters"].value = 6
    explorer.controls["channels"].value = 3
    assert explorer.n_parameters == 456
    explorer.controls["channels"].value = 1
    assert explorer.n_parameters == 156


def test_a_1x1_convolution_is_a_dense_layer_at_every_pixel(explorer):
    explorer.controls["channels"].value = 3
    explorer.controls["k"].value = 1
    explorer.controls["filters"].value = 4
    dense = explorer.weights[:, :, 0, 0]  # F x C: one dense layer
    x = rgb_image()
    expected = np.einsum("fc,hwc->fhw", dense, x) + explorer.biases[:, None, None]
    np.testing.assert_allclose(np.stack(explorer.outputs), expected)
    assert "dense layer" in explorer.view.note.get_text()


def test_one_filter_figure_sums_its_slices():
    with mpl.rc_context(style.RC):
        fig = Figure(figsize=(9.4, 4.6))
        out = one_filter_figure(fig, k=5, bias=0.1)
        fig.canvas.draw()
    assert out["parameters"] == 76 == cl.conv_params(3, 1, 5)
    np.testing.assert_allclose(out["output"], out["responses"].sum(axis=0) + 0.1)
    texts = " ".join(t.get_text() for t in fig.texts)
    assert "k·k·C + 1 = 76" in texts


def test_the_explorer_takes_your_own_picture(tmp_path):
    """``image=``: an RGB array or an image file; its outputs are the 1x1 layer on it (an
    einsum, as above); a wrong shape or a missing file is named before any drawing."""
    import matplotlib.image as mimage

    rgb = np.zeros((20, 24, 3))
    rgb[:, 12:, 0] = 1.0  # right half red
    rgb[5:15, :, 2] = 0.5
    path = tmp_path / "mine.png"
    mimage.imsave(path, rgb)
    for image in (rgb, str(path)):
        e = ChannelsExplorer(channels=3, filters=4, k=1, image=image)
        dense = e.weights[:, :, 0, 0]
        expected = np.einsum("fc,hwc->fhw", dense, rgb) + e.biases[:, None, None]
        np.testing.assert_allclose(np.stack(e.outputs), expected, atol=1 / 255)
    with pytest.raises(ValueError, match="image"):
        ChannelsExplorer(image=np.zeros((3, 4, 5)))
    with pytest.raises((ValueError, FileNotFoundError), match="image"):
        ChannelsExplorer(image=str(tmp_path / "missing.png"))
