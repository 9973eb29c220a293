"""``image=``: every explorer and figure that shows a photograph takes the learner's own picture,
as an array (grey or RGB) or a file's path, and refuses a bad one by name (issue 19)."""

import matplotlib as mpl
import matplotlib.image as mimage
import numpy as np
import pytest
from matplotlib.figure import Figure
from pictures import made_as_in_a_kernel

from cnnlessons.figures import style
from cnnlessons.lesson01.explorers import PhotoExplorer
from cnnlessons.lesson02.figures import locality_figure
from cnnlessons.lesson03.figures.stationarity import stationarity_figure
from cnnlessons.lesson06.explorers import GrowthExplorer, StridePlacementExplorer
from cnnlessons.numerics.images import photo


@pytest.fixture(scope="module")
def picture(tmp_path_factory):
    """An RGB picture (a bright disc on a gradient), as a uint8 array and as a PNG file."""
    yy, xx = np.mgrid[0:120, 0:160]
    grey = 0.3 * xx / 160 + 0.6 * (((yy - 60) ** 2 + (xx - 80) ** 2) < 30**2)
    rgb = (np.stack([grey, grey * 0.8, grey * 0.6], axis=2) * 255).astype(np.uint8)
    path = tmp_path_factory.mktemp("pictures") / "mine.png"
    mimage.imsave(path, rgb)
    return rgb, str(path)


def test_photo_explorer_takes_an_array_or_a_file(picture):
    rgb, path = picture
    default = PhotoExplorer(step=4)
    mine = PhotoExplorer(step=2, image=rgb)
    from_file = PhotoExplorer(step=2, image=path)
    np.testing.assert_allclose(mine.x, photo(rgb)[::2, ::2], atol=1e-12)
    np.testing.assert_allclose(from_file.x, mine.x, atol=1e-6)  # PNG keeps 8 bits
    assert mine.x.shape == (60, 80) and default.x.shape == (150, 128)
    assert not np.array_equal(mine.frame(), default.frame())  # another picture is drawn
    assert mine.output.shape == (58, 78)  # the kernel ran on your picture


@pytest.mark.parametrize("cls", [GrowthExplorer, StridePlacementExplorer])
def test_growth_explorers_take_your_picture(cls, picture):
    rgb, path = picture
    e = made_as_in_a_kernel(lambda: cls(image=path))
    assert e.photo.shape == (60, 80)  # 160 wide > 150: every 2nd pixel
    e2 = made_as_in_a_kernel(lambda: cls(image=rgb))
    np.testing.assert_allclose(e2.photo, e.photo, atol=1 / 15 + 1e-9)
    assert np.allclose(e.photo * 15, np.round(e.photo * 15))  # 16 grey levels
    e.frame()


def test_the_static_figures_take_your_picture(picture):
    rgb, path = picture
    with mpl.rc_context(style.RC):
        out = locality_figure(Figure(), image=path, distances=(1, 2, 4))
        assert out["curves"]["horizontal"][0] > 0.9  # a smooth picture: neighbours alike
        st = stationarity_figure(Figure(), image=rgb, blocks=(2, 2))
    assert st["stats"]["edge_energy"].shape == (2, 2)


@pytest.mark.parametrize(
    "make",
    [
        lambda image: PhotoExplorer(image=image),
        lambda image: GrowthExplorer(image=image),
        lambda image: StridePlacementExplorer(image=image),
        lambda image: locality_figure(Figure(), image=image),
        lambda image: stationarity_figure(Figure(), image=image),
    ],
)
@pytest.mark.parametrize(
    "bad, exc, match",
    [
        ("/no/such/file.png", ValueError, "no file"),
        (np.zeros((8, 8)), ValueError, "at least 16 x 16"),
        (np.zeros((30, 30, 5)), ValueError, "RGB"),
        (12, TypeError, "image must be"),
    ],
)
def test_bad_pictures_are_refused_by_name(make, bad, exc, match):
    with pytest.raises(exc, match=match):
        make(bad)


def test_the_channel_figures_take_your_picture(picture):
    from cnnlessons.lesson03.figures.channels import ChannelsFigure, one_filter_figure, rgb_image

    rgb, path = picture
    x = rgb_image(image=path)
    assert x.shape == (60, 80, 3)  # 160 wide: thinned to at most 80 a side
    np.testing.assert_allclose(x, rgb[::2, ::2] / 255, atol=1e-6)
    grey = rgb_image(image=rgb[..., 0])  # a grey picture: three equal channels
    np.testing.assert_array_equal(grey[..., 0], grey[..., 2])
    with mpl.rc_context(style.RC):
        out = one_filter_figure(Figure(figsize=(9.4, 4.6)), image=rgb)
        assert out["output"].shape == (56, 76)  # 60 x 80, 5 x 5 filter
        view = ChannelsFigure(Figure(figsize=(9.4, 4.6)), image=path)
    np.testing.assert_allclose(view.x, x)
    with pytest.raises(ValueError, match="no file"):
        ChannelsFigure(Figure(), image="/no/such.png")
