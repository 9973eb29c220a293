"""figures.show: one line in a notebook gives a styled figure that displays as a PNG."""

import io

import matplotlib as mpl
import numpy as np
import pytest

from cnnlessons.diagrams import connections_plot
from cnnlessons.figures import StaticFigure, show
from cnnlessons.matrix_figures import weight_matrices_figure
from cnnlessons.style import FONT


def decoded(fig) -> np.ndarray:
    return mpl.image.imread(io.BytesIO(fig._repr_png_()), format="png")


def test_an_axes_drawer_gets_one_axes_and_the_figure_shows_as_png():
    fig = show(connections_plot, [8, 32, 128], k=9, figsize=(6, 3))
    assert isinstance(fig, StaticFigure)
    (ax,) = fig.axes
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert decoded(fig).shape[:2] == (300, 600)  # 6 x 3 inches at 100 dpi


def test_a_figure_drawer_gets_the_figure():
    fig = show(weight_matrices_figure, (6,), 3)
    assert len(fig.axes) == 4
    assert fig.axes[-1].texts[0].get_text() == "convolution\n3 parameters"


def test_the_series_style_applies_without_an_rc_context():
    fig = show(connections_plot, [8, 32])
    assert fig.axes[0].xaxis.label.get_fontsize() == FONT["normal"]
    assert FONT["normal"] > mpl.rcParams["font.size"]  # not matplotlib's default size


@pytest.mark.parametrize(
    ("draw", "figsize", "error", "match"),
    [
        ("connections_plot", (9, 3), TypeError, "draw must be a drawing function"),
        (connections_plot, (9,), ValueError, "figsize must be"),
        (connections_plot, (9, -1), ValueError, "figsize must be"),
        (connections_plot, "big", ValueError, "figsize must be"),
    ],
)
def test_bad_arguments(draw, figsize, error, match):
    with pytest.raises(error, match=match):
        show(draw, [8, 32], figsize=figsize)
