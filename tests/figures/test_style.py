"""The series' colours: parameter colours stay apart for colour-blind learners, and every
outline reaches WCAG's 3:1 non-text contrast over what it overlays (checked on the colours,
with numbers worked out independently where they are known)."""

import itertools

import matplotlib
import numpy as np
import pytest
from pictures import made_as_in_a_kernel

from cnnlessons.figures import style

VIEWS = ("normal", "deuteranopia", "protanopia")


def test_contrast_matches_known_wcag_values():
    assert style.contrast_ratio("white", "black") == pytest.approx(21.0)
    assert style.contrast_ratio("#767676", "white") == pytest.approx(4.54, abs=0.01)
    assert style.contrast_ratio("#FF0000", "white") == pytest.approx(4.0, abs=0.01)
    # the issue's measurement: the orange window over cividis' top (the 10s) is 1.8:1
    top = matplotlib.colormaps[style.UNSIGNED_CMAP](1.0)
    assert style.contrast_ratio(style.COLORS["kernel"], top) == pytest.approx(1.8, abs=0.01)


def test_colour_blindness_simulation_keeps_greys_and_merges_red_and_green():
    for kind in VIEWS:
        np.testing.assert_allclose(style.simulate_cvd("#808080", kind), [128 / 255] * 3, atol=2e-3)
    normal = style.delta_e("#D62728", "#2CA02C")  # tab10 red and green
    assert style.delta_e("#D62728", "#2CA02C", "deuteranopia") < normal / 2
    # the issue's measurement: tab10's colours come within ΔE 7.3 of each other (deuteranopia)
    tab10 = [matplotlib.colors.to_hex(c) for c in matplotlib.colormaps["tab10"].colors]
    closest = min(style.delta_e(a, b, "deuteranopia") for a, b in itertools.combinations(tab10, 2))
    assert closest == pytest.approx(7.24, abs=0.05)


@pytest.mark.parametrize("kind", VIEWS)
def test_parameter_colours_stay_apart_for_everyone(kind):
    """Any two parameter colours shown together (all nine may be) differ by ΔE >= 25, and
    none is near white, the colour of "no connection"."""
    for a, b in itertools.combinations(style.PARAM_COLORS, 2):
        assert style.delta_e(a, b, kind) >= 25, (a, b, kind)
    for a in style.PARAM_COLORS:
        assert style.delta_e(a, "white", kind) >= 20, (a, kind)


def test_parameter_styles_are_unique_beyond_the_palette():
    n = len(style.PARAM_COLORS) * len(style.PARAM_HATCHES)
    styles = [style.param_style(i) for i in range(n)]
    assert len(set(styles)) == n
    assert style.param_style(0) == (style.PARAM_COLORS[0], "")
    with pytest.raises(ValueError, match="index"):
        style.param_style(-1)


def _samples(background):
    if background in matplotlib.colormaps:
        cmap = matplotlib.colormaps[background]
        return [cmap(v)[:3] for v in np.linspace(0, 1, 257)]
    return [background]


@pytest.mark.parametrize("name", list(style.OUTLINES))
def test_every_outline_reaches_3_to_1_over_what_it_overlays(name):
    color, backgrounds = style.OUTLINES[name]
    for background in backgrounds:
        for sample in _samples(background):
            ratio = style.highlight_contrast(color, sample)
            assert ratio >= 3.0, (name, background, sample, ratio)


def test_without_its_halo_the_window_would_fail():
    """The halo is what carries the window over the 10s: a check that could not fail would
    pass here too."""
    top = matplotlib.colormaps[style.UNSIGNED_CMAP](1.0)
    assert style.highlight_contrast(style.COLORS["kernel"], top, halo=None) < 3
    assert style.highlight_contrast(style.COLORS["kernel"], top) >= 3


def test_halo_effects_draw_a_wider_dark_line_under_the_line():
    from matplotlib import patheffects

    stroke, normal = style.halo_effects(3.0)
    assert isinstance(stroke, patheffects.Stroke) and isinstance(normal, patheffects.Normal)
    assert stroke._gc["linewidth"] == pytest.approx(8.0)


# -- text contrast (issue 23): WCAG 1.4.3, text in the pictures is text too ----------------
@pytest.mark.parametrize("role", sorted(style.TEXT_COLORS))
def test_text_colours_reach_4_5_to_1_on_white(role):
    assert style.contrast_ratio(style.TEXT_COLORS[role], "white") >= 4.5


@pytest.mark.parametrize("cmap", [style.UNSIGNED_CMAP, style.SIGNED_CMAP, style.GREY_CMAP,
                                  style.IMPULSE_CMAP])  # fmt: skip
def test_numbers_on_cells_reach_4_5_to_1_whatever_the_cell(cmap):
    """NumberGrid writes each number in black or white, whichever contrasts more with its
    cell: checked on 257 values across each colormap, through the grid itself."""
    import matplotlib

    from cnnlessons.figures.display import new_figure
    from cnnlessons.figures.grids import NumberGrid

    values = np.linspace(0, 1, 257).reshape(1, -1)
    grid = NumberGrid(new_figure().add_subplot(), values, cmap=cmap, vmin=0, vmax=1)
    colours = matplotlib.colormaps[cmap](np.linspace(0, 1, 257))
    for text, cell in zip(grid.texts[0], colours, strict=True):
        assert style.contrast_ratio(text.get_color(), cell[:3]) >= 4.5
    # by hand: the old rule (black when luma > 0.5) wrote white on this mid grey (luma 0.498),
    # 4.0:1; black is 5.2:1
    grey = "#7F7F7F"
    assert style.text_on(grey) == "black"
    assert style.contrast_ratio("white", grey) < 4.5 <= style.contrast_ratio("black", grey)


def _words_on_white(fig) -> list:
    """(text, colour, size in points, bold) of every visible text of ``fig`` drawn on the
    white figure (not the numbers NumberGrid writes on cells, checked above)."""
    from matplotlib.text import Text

    out = []
    for t in fig.findobj(Text):
        if t.get_visible() and t.get_text().strip() and t.get_color() not in ("black", "white"):
            out.append((t.get_text(), t.get_color(), t.get_fontsize(), t.get_fontweight()))
    return out


def _large(size, weight) -> bool:
    """WCAG's large text: 18 pt, or 14 pt bold (CSS points; a figure point is one at 100 dpi
    shown at its size)."""
    bold = weight in ("bold", "heavy", "semibold", "demibold") or (
        isinstance(weight, (int, float)) and weight >= 600)  # fmt: skip
    return size >= 18 or (bold and size >= 14)


def test_every_coloured_word_of_the_figures_reaches_wcag_contrast():
    from cnnlessons.figures.display import show
    from cnnlessons.lesson01.explorers import OutputSizeExplorer, SlidingWindowExplorer
    from cnnlessons.lesson01.figures import flip_figure
    from cnnlessons.lesson02.figures import connections_plot
    from cnnlessons.lesson03.explorers import ChannelsExplorer, WeightMatrixExplorer
    from cnnlessons.lesson06.explorers import FeaturesExplorer, GrowthExplorer

    figures = [flip_figure(), show(connections_plot, [8, 32, 128], k=9)]
    made = (SlidingWindowExplorer, OutputSizeExplorer, ChannelsExplorer, WeightMatrixExplorer,
            FeaturesExplorer, GrowthExplorer)  # fmt: skip
    figures += [made_as_in_a_kernel(e).fig for e in made]  # the figure, not every frame
    low = []
    for fig in figures:
        for text, colour, size, weight in _words_on_white(fig):
            need = 3.0 if _large(size, weight) else 4.5
            ratio = style.contrast_ratio(colour, "white")
            if ratio < need:
                low.append((text[:40], colour, size, round(ratio, 2)))
    assert not low, low


def test_sliding_window_blue_means_negative_only():
    """Issue 20: navy meant 0 in the input panel and -1 in the kernel beside it. The input is
    grey now (R = G = B in every cell), so blue is only the kernel's, products' and output's
    negative values."""
    from cnnlessons.figures.display import new_figure
    from cnnlessons.lesson01.figures import SlidingWindowFigure
    from cnnlessons.numerics.images import edge_example

    w = np.array([[1.0, 0, -1]] * 3)
    view = SlidingWindowFigure(new_figure(figsize=(9, 3)), edge_example(), w)
    cells = view.input.mesh.to_rgba(view.input.mesh.get_array())
    np.testing.assert_allclose(cells[..., 0], cells[..., 1])
    np.testing.assert_allclose(cells[..., 1], cells[..., 2])
    negative = view.kernel.mesh.to_rgba(np.array([-1.0]))[0]
    assert negative[2] > negative[0] + 0.2  # -1 in the kernel: blue


def test_weight_matrices_number_their_parameters_so_sharing_is_not_told_by_colour():
    """Issue 20: lesson 03's locally connected row reused the convolution's colours and read as
    shared weights. Each cell now says its parameter's number: the locally connected layer's
    12 cells say 1..12 once each, the convolution's 12 say 1, 2, 3 four times (worked by hand:
    4 outputs x 3 taps over a 1-D input of 6)."""
    from collections import Counter

    from cnnlessons.figures.display import new_figure
    from cnnlessons.lesson03.figures.matrices import parameter_colors, weight_matrices_figure

    drawn = weight_matrices_figure(new_figure(), (6,), 3)

    def said(kind):
        return Counter(t.get_text() for t in drawn[kind].numbers if t.get_visible())

    assert said("locally_connected") == Counter(str(n) for n in range(1, 13))
    assert said("conv") == Counter({"1": 4, "2": 4, "3": 4})
    for kind in drawn:  # every number readable on its cell (its halo aside)
        for t in drawn[kind].numbers:
            if t.get_visible():
                c, r = (round(v) for v in t.get_position())
                cell = parameter_colors(drawn[kind].indices)[r, c][:3]
                assert style.contrast_ratio(t.get_color(), cell) >= 4.5


def test_network_cost_bars_tell_conv_from_dense_by_hatching_too():
    """Issue 23: lesson 04's conv and dense bars differed by colour only."""
    from cnnlessons.figures.display import new_figure
    from cnnlessons.lesson04.figures import network_costs_figure
    from cnnlessons.lesson04.numerics.costs import network_costs
    from cnnlessons.numerics.architectures import vgg16

    costs = network_costs(vgg16())
    drawn = network_costs_figure(new_figure((9.4, 4.5)), costs)
    for bars in drawn["bars"].values():
        for bar, layer in zip(bars, costs.weighted(), strict=True):
            assert bool(bar.get_hatch()) == (layer.kind == "conv"), layer.name
    legend = drawn["axes"][1].get_legend()
    assert [bool(h.get_hatch()) for h in legend.legend_handles] == [True, False]
