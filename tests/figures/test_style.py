"""The series' colours: parameter colours stay apart for colour-blind learners, and every
outline reaches WCAG's 3:1 non-text contrast over what it overlays (checked on the colours,
with numbers worked out independently where they are known)."""

import itertools

import matplotlib
import numpy as np
import pytest

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
