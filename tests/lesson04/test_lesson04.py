"""Lesson 04, computational efficiency: figures, the efficiency explorer and the exercises,
driven headlessly."""

import itertools
import math

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.figure import Figure

import cnnlessons as cl
from cnnlessons.checking import ____
from cnnlessons.engine import MAX_FRAMES
from cnnlessons.figures import style
from cnnlessons.lesson04 import exercises as ex
from cnnlessons.lesson04.explorers import CHANNEL_PAIRS, KERNELS, SIDES, EfficiencyExplorer
from cnnlessons.lesson04.figures import (
    EfficiencyFigure,
    Markdown,
    edge_map_figure,
    fit_all,
    human_bytes,
    network_costs_figure,
    scaling_plot,
    short_number,
    slips_table,
    timing_summary,
)
from cnnlessons.lesson04.numerics.costs import layer_comparison, network_costs
from cnnlessons.lesson04.numerics.timing import METHODS, Timings
from cnnlessons.numerics.architectures import alexnet, vgg16


def new_figure(size=(9.4, 4.6)):
    with mpl.rc_context(style.RC):
        return Figure(figsize=size, layout="constrained")


def synthetic_timings():
    """Times that follow known power laws past a fixed overhead: no clock involved."""
    t = Timings(memory_budget=256 * 10**6, elapsed=1.25, repeats=5)
    slopes = {"conv2d": 1.0, "sparse": 1.0, "dense": 2.0}
    for method, slope in slopes.items():
        sides = np.array([8, 16, 32, 64, 128, 256, 512] if method != "dense" else [8, 16, 32, 64])
        pixels = sides * sides
        t.sides[method], t.pixels[method] = sides, pixels
        t.seconds[method] = 1e-5 + 1e-8 * pixels.astype(float) ** slope
    t.target = {"conv2d": 1e-4, "sparse": 5e-4}
    return t


# -- figures ---------------------------------------------------------------------------------
def test_edge_map_figure_shows_the_arrays():
    photo = cl.grace_hopper()[60:340, 150:470]
    edges = cl.conv2d(photo, np.array([[-1.0, 1.0]]))
    fig = new_figure((9.4, 3.6))
    drawn = edge_map_figure(fig, photo, edges)
    np.testing.assert_array_equal(drawn["photo"].get_array(), photo)
    np.testing.assert_array_equal(drawn["edges"].get_array(), edges)
    assert drawn["axes"][1].get_title() == "edge map: 319 × 280"
    lo, hi = drawn["edges"].get_clim()
    assert hi == -lo > 0  # zero sits in the middle of the signed colormap
    fig.canvas.draw()
    with pytest.raises(ValueError, match=r"image must be 2-D \(H, W\) grey or \(H, W, 3\) RGB"):
        edge_map_figure(new_figure(), photo[0], edges)
    with pytest.raises(ValueError, match="edges must have 2 dimensions"):
        edge_map_figure(new_figure(), photo, edges[0])
    rgb = np.repeat(photo[..., None], 3, axis=2)  # the same photo as RGB: the same picture
    again = edge_map_figure(new_figure(), rgb, edges)
    np.testing.assert_allclose(again["photo"].get_array(), photo, atol=1e-12)


def test_scaling_plot_draws_the_fits_and_the_extrapolation():
    t = synthetic_timings()
    fits = fit_all(t)
    assert fits["dense"].slope == pytest.approx(2, abs=0.1)
    assert fits["conv2d"].slope == pytest.approx(1, abs=0.1)
    # issue 20: each method's smallest time is taken out and every point at least twice it
    # is fitted (1e-5 + 1e-8·p >= 2 (1e-5 + 64e-8): p >= 1,128, sides 64 to 512 for conv2d)
    for method in METHODS:
        seconds = t.seconds[method]
        assert fits[method].overhead == seconds.min()
        np.testing.assert_array_equal(fits[method].used, seconds >= 2 * seconds.min())
    assert list(t.sides["conv2d"][fits["conv2d"].used]) == [64, 128, 256, 512]
    fig = new_figure()
    ax = fig.add_subplot()
    lines = scaling_plot(ax, t, fits)
    for method in METHODS:
        x, y = lines[method].get_data()
        np.testing.assert_allclose(y, fits[method].predict(x))
        assert x.min() == t.pixels[method][fits[method].used].min()
        assert f"slope {fits[method].slope:.2f}" in lines[method].get_label()
    texts = " ".join(a.get_text() for a in ax.texts)
    assert "320×280" in texts
    # the extrapolated point: largest dense time x (entries at 320x280 / entries at 64x64)
    expected = t.seconds["dense"][-1] * (280 * 319 * 280 * 320) / (64 * 63 * 64 * 64)
    assert t.extrapolated_dense() == pytest.approx(expected)
    assert ax.get_ylim()[1] >= expected
    fig.canvas.draw()


@pytest.mark.parametrize("net", [vgg16(), alexnet()])
def test_network_costs_figure_bars_are_the_shares(net):
    costs = network_costs(net)
    fig = new_figure((9.4, 5.4))
    drawn = network_costs_figure(fig, costs)
    for what in ("parameters", "multiply_adds"):
        widths = np.array([bar.get_width() for bar in drawn["bars"][what]])
        assert widths.sum() == pytest.approx(100)
        expected = [100 * getattr(ly, what) / costs.total(what) for ly in costs.weighted()]
        np.testing.assert_allclose(widths, expected)
    left, right = drawn["axes"]
    assert [t.get_text() for t in left.get_yticklabels()] == [ly.name for ly in costs.weighted()]
    assert f"{costs.parameters:,}" in left.get_title()
    fig.canvas.draw()


def test_figure_functions_ask_show_for_the_whole_figure():
    # figures.show passes the figure itself to functions marked draws_on = "figure"
    assert edge_map_figure.draws_on == network_costs_figure.draws_on == "figure"
    assert getattr(scaling_plot, "draws_on", "axes") == "axes"


def test_slips_table_and_timing_summary_are_markdown_with_computed_numbers():
    table = slips_table()
    assert isinstance(table, Markdown) and table._repr_markdown_() == table
    assert table.count("\n") == 6  # header, rule, five rows
    assert "16,006,054,680" in table and "29,960×" in table
    t = synthetic_timings()
    text = timing_summary(t)
    fits = fit_all(t)
    assert f"**{fits['dense'].slope:.2f}**" in text
    assert f"{t.measured_ratio():,.0f}×" in text and "59,733×" in text
    assert "256 MB" in text and "stopped" not in text
    assert "about 1" in text and "about 2" in text and "caches" not in text
    t.stopped_early = True
    assert "time budget ran out" in timing_summary(t)
    t.seconds["dense"] = 1e-5 + 1e-9 * t.pixels["dense"].astype(float) ** 3  # slope 3
    assert "grew out of the processor's caches" in timing_summary(t)


def test_formatting_helpers():
    assert human_bytes(358_400) == "358 kB"
    assert human_bytes(4 * 10**12) == "4 TB"
    assert human_bytes(32_012_288_000) == "32 GB"
    assert human_bytes(40) == "40 B"
    assert short_number(1_792) == "1,792"
    assert short_number(4.83e11) == "4.8·10¹¹"


# -- EfficiencyFigure ------------------------------------------------------------------------
def test_efficiency_figure_shows_the_counts_worked_out_by_hand():
    """A 28 x 28 grey image, one 3x3 filter, "same" padding: 784 inputs and 784 outputs."""
    f = EfficiencyFigure(new_figure((9.4, 4.2)), side=28, kernel=3, channels=1, filters=1)
    x = 28 * 28
    dense, conv = x * x + x, 9 + 1  # 615,440 and 10 parameters, biases included
    assert f.dots["dense_parameters"].get_data() == ([x], [dense])
    assert f.dots["conv_parameters"].get_data() == ([x], [conv])
    assert f.dots["conv_multiply_adds"].get_data() == ([x], [9 * x])  # 7,056
    text = {key: t.get_text() for key, t in f.values_text.items()}
    assert text[("dense", "parameters")] == "6.2·10⁵" and text[("conv", "parameters")] == "10"
    assert text[("dense", "multiply_adds")] == "6.1·10⁵"  # 784 · 784 = 614,656
    assert text[("conv", "multiply_adds")] == "7,056"
    assert text[("ratio", "parameters")] == "61,544×"
    assert f.shape_text.get_text().startswith("28×28×1 image → 28×28×1 output\n1 filter of")
    assert f.memory_text.get_text() == (  # 4 bytes per value
        "dense weights 2.46 MB, conv weights 40 B\nthe output itself: 3.14 kB"
    )
    # the lines, for every image size s² = n: dense n² + n, conv 10 parameters and 9n products
    n, ys = f.lines["dense_parameters"].get_data()
    np.testing.assert_array_equal(ys, n * n + n)
    np.testing.assert_array_equal(f.lines["conv_parameters"].get_data()[1], np.full(len(n), 10))
    np.testing.assert_array_equal(f.lines["conv_multiply_adds"].get_data()[1], 9 * n)
    # the fixed markers: the book's 320 x 280 edge detector and d2l's trillion weights
    book = np.asarray(f.markers["book"].get_data())
    np.testing.assert_array_equal(book, [[89_600] * 2, [8_003_072_000, 2]])
    np.testing.assert_array_equal(f.markers["d2l"].get_data(), [[1e6], [10**12 + 10**6]])


def test_efficiency_figure_select_returns_what_changes():
    f = EfficiencyFigure(new_figure((9.4, 4.2)))
    changed = f.select(56, 5, 64, 128)
    assert changed == f.artists and f.memory_text in changed
    assert f.comparison == layer_comparison(56, 64, 5, 128)
    assert f.lines["dense_parameters"] in changed
    # the book's and d2l's layers are 1 -> 1: their markers show only on the 1 -> 1 lines
    # (issue 20: with C -> F other than 1 -> 1 they floated off the lines)
    assert not any(m.get_visible() for m in f.markers.values())
    f.select(56, 3, 1, 1)
    assert all(m.get_visible() for m in f.markers.values())
    book_y = f.markers["book"].get_ydata()
    assert min(book_y) == 2 and f.ax.get_ylim()[0] < 1  # the star at 2 weights above the axis


@pytest.mark.parametrize(
    ("args", "exc", "match"),
    [
        ((28, 2), ValueError, "kernel must be odd"),
        ((2, 1), ValueError, "side, channels and filters must keep the dots on the fixed axes"),
        ((3000, 3, 512, 512), ValueError, "counts up to 1e\\+19"),
        ((28.5, 3), TypeError, "side must be an integer"),
        ((28, 3, 0), ValueError, "channels must be an integer >= 1"),
    ],
)
def test_efficiency_figure_bad_arguments(args, exc, match):
    f = EfficiencyFigure(new_figure((9.4, 4.2)))
    with pytest.raises(exc, match=match):
        f.select(*args)


# -- explorer --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def explorer():
    return EfficiencyExplorer(renderer="blit")


def check_shown(e, side, kernel, channels, filters):
    c = layer_comparison(side, channels, kernel, filters)
    assert e.comparison == c
    x = side * side
    for key in ("dense_parameters", "conv_parameters", "conv_multiply_adds"):
        assert tuple(e.view.dots[key].get_data()) == ([x], [getattr(c, key)])
        xs, ys = e.view.lines[key].get_data()
        i = int(np.flatnonzero(xs == x)[0]) if x in xs else None
        if i is not None:  # a curve passes through the dot where it has that side
            assert ys[i] == getattr(c, key)
    assert e.view.values_text[("conv", "parameters")].get_text() == short_number(c.conv_parameters)
    assert e.view.values_text[("dense", "multiply_adds")].get_text() == short_number(
        c.dense_multiply_adds
    )
    assert f"{side}×{side}×{channels} image" in e.view.shape_text.get_text()
    assert human_bytes(c.dense_weight_bytes) in e.view.memory_text.get_text()


def test_controls_cover_the_options_within_the_frame_limit(explorer):
    sizes = [len(explorer.controls[n].options) for n in explorer.frame_controls]
    assert math.prod(sizes) == 60 <= MAX_FRAMES
    assert explorer.frame_controls[0] == "side"  # the slider that is dragged comes first


def test_every_combination(explorer):
    for side, kernel, (channels, filters) in itertools.product(SIDES, KERNELS, CHANNEL_PAIRS):
        explorer.controls["side"].value = side
        explorer.controls["kernel"].value = kernel
        explorer.controls["channels"].value = (channels, filters)
        check_shown(explorer, side, kernel, channels, filters)
        for dot in explorer.view.dots.values():  # every dot inside the axes
            (y,) = dot.get_data()[1]
            assert explorer.view.ax.get_ylim()[0] <= y <= explorer.view.ax.get_ylim()[1]


def test_the_d2l_case_shows_a_trillion_weights_and_4_tb(explorer):
    for name, value in (("side", 1000), ("kernel", 3), ("channels", (1, 1))):
        explorer.controls[name].value = value
    assert explorer.comparison.dense_parameters == 10**12 + 10**6
    assert "1.0·10¹²" in explorer.view.values_text[("dense", "parameters")].get_text()
    assert "4 TB" in explorer.view.memory_text.get_text()


def test_frames_differ_between_combinations():
    e = EfficiencyExplorer(side=56, kernel=3, channels=64, filters=128)
    assert e.frames_pending == 0
    a, b = e.frame((1, 1, 2)), e.frame((4, 1, 2))  # side 56 against 1000
    assert not np.array_equal(a, b)
    e.controls["side"].value = 1000
    np.testing.assert_array_equal(e.frame(), b)
    check_shown(e, 1000, 3, 64, 128)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"side": 100}, ValueError, "side"),
        ({"kernel": 2}, ValueError, "kernel"),
        ({"channels": True}, TypeError, "channels must be an integer"),  # a bool is no number
        ({"filters": 7}, ValueError, "filters"),
        ({"side": np.broadcast_to(1.0, (10**6, 10**6))}, TypeError, "side must be an integer"),
    ],  # fmt: skip
)
def test_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        EfficiencyExplorer(**kwargs)


# -- exercises -------------------------------------------------------------------------------
def test_q1_operations_and_its_slips():
    assert ex.q1.check(____).correct is None
    assert ex.q1.check(56 * 56 * 128 * (576 + 575))  # worked by hand: 462,020,608
    assert ex.q1.check(462_020_608)
    cases = {
        56 * 56 * 128 * 576: "multiply-adds",
        2 * 56 * 56 * 128 * 576: "575 additions",
        56 * 56 * 128 * (9 + 8): "64 input channels",
        56 * 56 * (576 + 575): "128 filters",
        54 * 54 * 128 * (576 + 575): "valid",
    }
    for wrong, words in cases.items():
        fb = ex.q1.check(wrong)
        assert fb.correct is False and words in fb.message, (wrong, fb.message)
    assert "too small" in ex.q1.check(1000).message
    assert "text" in ex.q1.check("462020608").message


def test_q2_memory_and_its_slips():
    by_hand = (224 * 224 * 3 * 4096 + 4096) * 4 / 1e9  # 2.466 GB
    assert ex.q2.check(by_hand) and ex.q2.check(2.47)
    cases = {
        224 * 224 * 3 * 4096 + 4096: "number of parameters",
        (224 * 224 * 3 * 4096 + 4096) * 4: "bytes",
        (224 * 224 * 4096 + 4096) * 4 / 1e9: "3 colour",
        (224 * 224 * 3 * 4096 + 4096) * 8 / 1e9: "float64",
        (224 * 224 * 3 * 4096 + 4096) * 4 / 2**30: "GiB",
    }
    for wrong, words in cases.items():
        fb = ex.q2.check(wrong)
        assert fb.correct is False and words in fb.message, (wrong, fb.message)


def test_q3_asks_about_a_network_the_lesson_does_not_draw_and_names_the_usual_slips():
    """Issue 20: q3 asked for VGG-16's costliest layer, six equal bars in the figure above
    it. Now ResNet-50's: conv1, 112·112·64·7·7·3 = 118,013,952 (worked by hand), just above
    every 3x3 of the stages, 56·56·64·3·3·64 = 115,605,504."""
    assert 112 * 112 * 64 * 7 * 7 * 3 == 118_013_952 and 56 * 56 * 64 * 9 * 64 == 115_605_504
    fb = ex.q3.check(" Conv1 ")
    assert fb.correct is True and "118,013,952" in fb.message
    slips = {"layer1.0.conv2": "115,605,504", "layer3.2.conv2": "tied", "fc": "uses each once",
             "maxpool": "no weights", "layer2.0.downsample": "1x1", "layer4.1.conv1": "1x1"}
    for wrong, words in slips.items():
        fb = ex.q3.check(wrong)
        assert fb.correct is False and words in fb.message, (wrong, fb.message)
    not_a_layer = ex.q3.check("conv2_2")
    assert "not a layer of ResNet-50" in not_a_layer.message
    assert "as text" in ex.q3.check(12).message
    assert ex.q3.check(____).correct is None
    for q in (ex.q1, ex.q2, ex.q3):
        assert q.hint().message and q.solution().message and q._repr_markdown_()
