"""``image=`` everywhere a photo is shown: the same picture as an array or as a PNG file gives
the same pixels, and a wrong one is refused by the argument's name (issue 19, item 5)."""

import matplotlib.image as mimage
import numpy as np
import pytest
from scipy import signal

from cnnlessons.figures.display import new_figure
from cnnlessons.lesson01.figures import PhotoFigure
from cnnlessons.lesson04.figures import edge_map_figure
from cnnlessons.lesson05.explorers import KernelLearningExplorer


@pytest.fixture
def picture(tmp_path):
    rng = np.random.default_rng(3)
    rgb = (rng.random((20, 24, 3)) * 255).astype(np.uint8)
    path = tmp_path / "mine.png"
    mimage.imsave(path, rgb)
    grey = rgb[..., :3] @ np.array([0.299, 0.587, 0.114]) / 255  # BT.601 luma, by hand
    return path, rgb, grey


def test_photo_figure_takes_a_file_and_an_rgb_array(picture):
    path, rgb, grey = picture
    w = np.array([[1.0, 0.0, -1.0]] * 3)
    for given in (path, str(path), rgb):
        view = PhotoFigure(new_figure(), given, w)
        np.testing.assert_allclose(view.x, grey, atol=1e-12)
    view.select(w)
    want = signal.correlate2d(grey, w, mode="valid")  # the oracle: cross-correlation
    np.testing.assert_allclose(view.output, want, atol=1e-12)


def test_edge_map_figure_takes_a_file(picture):
    path, _, grey = picture
    edges = np.diff(grey, axis=1)
    drawn = edge_map_figure(new_figure(), path, edges)
    np.testing.assert_allclose(drawn["photo"].get_array(), grey, atol=1e-12)


def test_kernel_learning_explorer_learns_from_the_learners_file(picture):
    path, _, grey = picture
    ex = KernelLearningExplorer(x=path)
    np.testing.assert_allclose(ex.x, grey, atol=1e-12)


@pytest.mark.parametrize(
    "make",
    [
        lambda: PhotoFigure(new_figure(), "no/such/file.png", np.ones((3, 3))),
        lambda: edge_map_figure(new_figure(), "no/such/file.png", np.ones((3, 3))),
        lambda: KernelLearningExplorer(x="no/such/file.png"),
    ],
)
def test_a_missing_file_is_named(make):
    with pytest.raises(ValueError, match="no/such/file.png"):
        make()
