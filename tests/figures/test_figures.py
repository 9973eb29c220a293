"""cnnlessons.figures: shared primitives and ``show`` (one line in a notebook gives a styled
figure that displays as a PNG), and the package's public names."""

import io
import subprocess
import sys

import matplotlib as mpl
import numpy as np
import pytest

from cnnlessons.figures.display import StaticFigure, show
from cnnlessons.figures.grids import frame_axes, highlight
from cnnlessons.figures.style import FONT
from cnnlessons.lesson01.figures import flip_figure
from cnnlessons.lesson02.figures import connections_plot
from cnnlessons.lesson03.figures.matrices import weight_matrices_figure


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
    # the panel's label (its entries also write their parameters' numbers: issue 20)
    assert "convolution\n3 parameters" in [t.get_text() for t in fig.axes[-1].texts]


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
        (connections_plot, (9, float("nan")), ValueError, "figsize must be"),
        (connections_plot, (True, 3), ValueError, "figsize must be"),
    ],
)
def test_bad_arguments(draw, figsize, error, match):
    with pytest.raises(error, match=match):
        show(draw, [8, 32], figsize=figsize)


def test_numpy_integers_are_valid_figure_sizes():
    fig = show(connections_plot, [8, 32], figsize=(np.int64(6), np.int64(3)))
    assert decoded(fig).shape[:2] == (300, 600)


def test_show_does_not_choose_figure_or_axes_by_the_parameter_name():
    """A lambda whose first parameter is called ``fig`` still gets one axes (nothing says it
    draws on a figure); ``target="figure"`` or a marked function gets the figure."""
    got = []
    show(lambda fig: got.append(fig))
    show(lambda f: got.append(f), target="figure")
    assert type(got[0]).__name__ == "Axes" and isinstance(got[1], StaticFigure)
    assert len(show(flip_figure).axes) == 4  # marked: draws_on = "figure"
    with pytest.raises(ValueError, match="target must be 'axes' or 'figure'"):
        show(connections_plot, [8, 32], target="panel")


@pytest.mark.parametrize("draw", [highlight, frame_axes])
def test_an_unknown_role_is_a_value_error_naming_role(draw):
    fig = show(connections_plot, [8, 32])
    args = (0, 0, 1, 1) if draw is highlight else ()
    with pytest.raises(ValueError, match="role must be one of 'input', 'kernel'"):
        draw(fig.axes[0], *args, role="weights")


def test_figures_work_without_importing_the_engine():
    """Lesson 01's flip figure in a fresh interpreter: no widgets and no engine come with a
    figure."""
    code = (
        "import sys; from cnnlessons.lesson01.figures import flip_figure; fig = flip_figure(); "
        "assert len(fig.axes) == 4; "
        "assert 'ipywidgets' not in sys.modules, 'figures imported ipywidgets'; "
        "assert 'cnnlessons.engine' not in sys.modules"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
