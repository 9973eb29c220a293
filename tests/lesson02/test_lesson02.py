"""Lesson 02, sparse interactions: the diagrams and explorers against the numerics.

What is drawn is read back from the artists (line segments, the veil's mask) and compared
with ``weight_indices`` and ``conv2d``, which compute the same connections independently.
"""

import itertools
import random

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.figure import Figure
from pictures import pixels, redrawn

import cnnlessons as cl
from cnnlessons.figures import style
from cnnlessons.lesson02.explorers import ConnectionsExplorer, DependencyExplorer
from cnnlessons.lesson02.figures import ConnectionDiagram, DependencyFigure, connections_plot

RENDERERS = ["frames", "blit"]


def conv_connected(n, k):
    """Ground truth: 1-D convolution with 'same' zero padding, from the matrices module."""
    return cl.weight_indices("conv", (n,), k, padding=k // 2) >= 0


def shown(explorer):
    """The explorer as the page shows it: the blit renderer's canvas is first rendered when
    the page displays it (a full draw, which also saves the background)."""
    if explorer.renderer == "blit":
        explorer.canvas.draw()
    return explorer


def diagram(n=7, **kwargs):
    fig = Figure(figsize=(9.4, 3.4))
    return ConnectionDiagram(fig.add_subplot(), n, **kwargs)


# -- ConnectionDiagram -------------------------------------------------------------------


@pytest.mark.parametrize("n", [3, 7, 9, 12])
@pytest.mark.parametrize("k", [1, 3, 5, 7])
def test_drawn_connections_are_the_convolutions(n, k):
    d = diagram(n)
    for side, unit in itertools.product(["input", "output"], range(n)):
        d.select("conv", k, side, unit)
        np.testing.assert_array_equal(d.connected, conv_connected(n, k))
        d.select("dense", k, side, unit)
        assert d.connected.all() and d.connected.shape == (n, n)


@pytest.mark.parametrize("k", [1, 3, 5, 7])
def test_highlighted_connections_and_units(k):
    n = 9
    truth = conv_connected(n, k)
    d = diagram(n)
    for unit in range(n):
        d.select("conv", k, "output", unit)
        hot = d.highlighted_connections
        assert hot.sum() == truth[unit].sum()
        if k // 2 <= unit < n - k // 2:  # an interior output sees all k taps
            assert hot.sum() == k
        np.testing.assert_array_equal(hot[unit], truth[unit])
        assert not hot[np.arange(n) != unit].any()
        np.testing.assert_array_equal(d.highlighted, np.flatnonzero(truth[unit]))
        assert f"output {unit} depends on {truth[unit].sum()} of {n} inputs" in d.text.get_text()

        d.select("conv", k, "input", unit)  # the outputs this input feeds: a column
        hot = d.highlighted_connections
        assert hot.sum() == truth[:, unit].sum()
        np.testing.assert_array_equal(hot[:, unit], truth[:, unit])
        np.testing.assert_array_equal(d.highlighted, np.flatnonzero(truth[:, unit]))
        assert f"input {unit} affects {truth[:, unit].sum()} of {n} outputs" in d.text.get_text()

        d.select("dense", k, "input", unit)
        assert d.highlighted_connections.sum() == n
        np.testing.assert_array_equal(d.highlighted, np.arange(n))


def test_selected_and_reached_units_are_filled():
    d = diagram(7)
    d.select("conv", 3, "output", 0)
    white = mpl.colors.to_rgba("white")
    inputs, outputs = d.inputs.get_facecolors(), d.outputs.get_facecolors()
    filled_in = [i for i in range(7) if not np.allclose(inputs[i], white)]
    filled_out = [i for i in range(7) if not np.allclose(outputs[i], white)]
    assert filled_in == [0, 1] and filled_out == [0]  # output 0: input -1 is padding
    np.testing.assert_allclose(inputs[0], mpl.colors.to_rgba(style.COLORS["input"]))
    np.testing.assert_allclose(d.hot.get_colors()[0], mpl.colors.to_rgba(style.COLORS["receptive"]))


def test_the_diagram_returns_the_same_few_artists():
    d = diagram(9)
    changed = d.select("dense", 7, "input", 8)
    assert changed == d.artists and len(changed) == 5


@pytest.mark.parametrize(
    ("args", "exc", "match"),
    [
        (("sparse", 3, "input", 0), ValueError, "kind must be one of 'dense', 'conv'"),
        (("conv", 4, "input", 0), ValueError, "k must be odd"),
        (("conv", 0, "input", 0), ValueError, "k must be an integer >= 1"),
        (("conv", 3.0, "input", 0), TypeError, "k must be an integer"),
        (("conv", 3, "left", 0), ValueError, "side must be one of 'input', 'output'"),
        (("conv", 3, "input", 7), ValueError, "unit must be between 0 and 6"),
        (("conv", 3, "input", -1), ValueError, "unit must be an integer >= 0"),
    ],
)
def test_diagram_bad_arguments(args, exc, match):
    with pytest.raises(exc, match=match):
        diagram(7).select(*args)
    with pytest.raises(TypeError, match="n_inputs must be an integer"):
        diagram("7")


# -- DependencyFigure --------------------------------------------------------------------


def test_every_output_depends_on_exactly_its_3x3_patch():
    fig = Figure()
    f = DependencyFigure(fig)
    x, out = cl.edge_example(), cl.conv2d(cl.edge_example(), cl.kernel("vertical edge"))
    truth = cl.weight_indices("conv", (6, 6), 3) >= 0  # one row per output
    for p in range(16):
        row, col = divmod(p, 4)
        f.select(row, col)
        patch = np.zeros((6, 6), dtype=bool)
        patch[row : row + 3, col : col + 3] = True
        np.testing.assert_array_equal(f.depends_on, patch)
        np.testing.assert_array_equal(f.depends_on.ravel(), truth[p])
        assert f.value == out[row, col] and f.depends_on.sum() == 9
    np.testing.assert_array_equal(f.x, x)


def test_dependency_figure_bad_arguments():
    f = DependencyFigure(Figure())
    with pytest.raises(ValueError, match="must lie in the 4x4 output"):
        f.select(4, 0)
    with pytest.raises(TypeError, match="col must be an integer"):
        f.select(0, "1")
    with pytest.raises(ValueError, match="x must have 2 dimensions"):
        DependencyFigure(Figure(), x=np.ones(6))


# -- connections_plot --------------------------------------------------------------------


def test_connections_plot_counts_and_ratio():
    fig = Figure()
    ax = fig.add_subplot()
    sides = [32, 4, 1000, 28]  # any order
    lines = connections_plot(ax, sides, k=9)
    s = np.array(sorted(sides))
    np.testing.assert_array_equal(lines["dense"].get_xdata(), s)
    np.testing.assert_array_equal(
        lines["dense"].get_ydata(), [cl.dense_connections(v * v, v * v) for v in s]
    )
    np.testing.assert_array_equal(
        lines["conv"].get_ydata(), [cl.conv_connections(v * v, 9) for v in s]
    )
    assert lines["conv"].get_ydata()[1] == 7_056  # 28x28, k = 9, "same": n = 784 outputs
    assert "111,111×" in lines["ratio"].get_text()  # 10^12 / (9 · 10^6)
    assert ax.get_xscale() == ax.get_yscale() == "log"
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_legend() is not None


@pytest.mark.parametrize(
    ("sides", "k", "exc", "match"),
    [
        (5, 9, TypeError, "sides must be a list"),
        ([5], 9, ValueError, "at least 2"),
        ([5, 0], 9, ValueError, r"sides\[i\] must be an integer >= 1"),
        ([5, 10], 0, ValueError, "k must be an integer >= 1"),
    ],
)
def test_connections_plot_bad_arguments(sides, k, exc, match):
    with pytest.raises(exc, match=match):
        connections_plot(Figure().add_subplot(), sides, k=k)


# -- ConnectionsExplorer -----------------------------------------------------------------


@pytest.fixture(scope="module", params=RENDERERS)
def connections(request):
    return shown(ConnectionsExplorer(renderer=request.param))


def test_connections_every_control_over_its_range(connections):
    e, c = connections, connections.controls
    n = e.n_inputs
    assert (c["unit"].min, c["unit"].max) == (0, n - 1)
    assert list(c["k"].options) == [1, 3, 5, 7]
    assert list(c["kind"].options) == ["dense", "conv"]
    assert list(c["side"].options) == ["input", "output"]
    for kind, k, side in itertools.product(c["kind"].options, [1, 3, 5, 7], c["side"].options):
        c["kind"].value, c["k"].value, c["side"].value = kind, k, side
        truth = conv_connected(n, k) if kind == "conv" else np.ones((n, n), dtype=bool)
        np.testing.assert_array_equal(e.connected, truth)
        for unit in range(n):
            c["unit"].value = unit
            reached = truth[unit] if side == "output" else truth[:, unit]
            np.testing.assert_array_equal(e.highlighted, np.flatnonzero(reached))
            assert e.highlighted_connections.sum() == reached.sum()
            assert e.selected == (side, unit)


def test_connections_random_combinations(connections):
    rng = random.Random(2)
    c = connections.controls
    for _ in range(12):  # frames renderer: every change of kind, k or side draws 9 frames
        kind, k = rng.choice(["dense", "conv"]), rng.choice([1, 3, 5, 7])
        side, unit = rng.choice(["input", "output"]), rng.randrange(9)
        c["kind"].value, c["k"].value, c["side"].value, c["unit"].value = kind, k, side, unit
        hot = connections.highlighted_connections
        expected = k if kind == "conv" else 9
        if k // 2 <= unit < 9 - k // 2 or kind == "dense":
            assert hot.sum() == expected
        assert hot.sum() == (hot[unit] if side == "output" else hot[:, unit]).sum()


def test_connections_picture_changes_with_the_unit():
    e = shown(ConnectionsExplorer())
    before = pixels(e)
    e.controls["unit"].value = 0
    assert np.abs(pixels(e) - before).max() > 0.5
    # a frame for every unit x k x side x kind: no control needs the kernel
    # keys: kind, k, side (by index), unit
    assert sorted(e.frame_keys) == sorted(
        f"{kind},{k},{side},{unit}"
        for kind, k, side, unit in itertools.product(range(2), range(4), range(2), range(9))
    )


@pytest.mark.parametrize(
    "steps",
    [
        [("unit", 0), ("kind", "dense"), ("unit", 8), ("side", "input"), ("k", 7)],
        [
            ("k", 7),
            ("side", "input"),
            ("unit", 4),
            ("kind", "dense"),
            ("kind", "conv"),
            ("k", 1),
            ("unit", 2),
        ],
    ],
)
def test_connections_incremental_picture_equals_a_full_redraw(steps):
    blit = shown(ConnectionsExplorer(renderer="blit"))
    frames = ConnectionsExplorer(renderer="frames")
    for name, value in steps:
        for e in (blit, frames):
            e.controls[name].value = value
        incremental = pixels(blit)
        np.testing.assert_array_equal(redrawn(blit), incremental)
        np.testing.assert_array_equal(pixels(frames), incremental)


def test_connections_clicks_select_a_unit():
    e = shown(ConnectionsExplorer(renderer="blit"))
    e.click(e.view.ax, 0, 2)  # row 0: the inputs
    assert e.selected == ("input", 2) and e.controls["side"].value == "input"
    e.click(e.view.ax, 1, 20)  # past the last output: the last one
    assert e.selected == ("output", 8)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"n_inputs": 2}, ValueError, "n_inputs must be between 3 and 15"),
        ({"n_inputs": 16}, ValueError, "n_inputs must be between 3 and 15"),
        ({"n_inputs": 9.0}, TypeError, "n_inputs must be an integer"),
        ({"k": 4}, ValueError, "k must be one of 1, 3, 5, 7"),
        ({"k": 9}, ValueError, "k must be one of 1, 3, 5, 7"),
        ({"kind": "sparse"}, ValueError, "kind must be one of 'dense', 'conv'"),
        ({"side": "both"}, ValueError, "side must be one of 'input', 'output'"),
        ({"renderer": "svg"}, ValueError, "renderer must be one of 'frames', 'blit'"),
    ],
)
def test_connections_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        ConnectionsExplorer(**kwargs)


# -- DependencyExplorer ------------------------------------------------------------------


@pytest.fixture(scope="module", params=RENDERERS)
def dependency(request):
    return shown(DependencyExplorer(renderer=request.param))


def test_dependency_every_output(dependency):
    e, slider = dependency, dependency.controls["output"]
    assert (slider.min, slider.max) == (0, 15)
    out = cl.conv2d(cl.edge_example(), cl.kernel("vertical edge"))
    for p in range(16):
        slider.value = p
        row, col = divmod(p, 4)
        assert e.selected == (row, col)
        patch = np.zeros((6, 6), dtype=bool)
        patch[row : row + 3, col : col + 3] = True
        np.testing.assert_array_equal(e.depends_on, patch)
        assert e.value == out[row, col]
    rng = random.Random(1)
    for p in [rng.randrange(16) for _ in range(20)]:
        slider.value = p
        assert e.depends_on.sum() == 9 and e.value == out[divmod(p, 4)]


def test_the_sources_green_circled_0_and_red_circled_30(dependency):
    """Seed 000: the green-circled 0 (top-left output) depends on the 9 green-shaded inputs
    and not on the other 27; the red-circled 30 on its own 9."""
    e = dependency
    e.controls["output"].value = 0
    assert e.value == 0 and e.depends_on.sum() == 9 and (~e.depends_on).sum() == 27
    assert e.depends_on[:3, :3].all()
    assert "output (0, 0) = 0 depends on 9 of 36 inputs" in e.view.text.get_text()
    e.controls["output"].value = 1
    assert e.value == 30 and e.depends_on[:3, 1:4].all() and e.depends_on.sum() == 9
    assert "output (0, 1) = 30 depends on 9 of 36 inputs" in e.view.text.get_text()
    thirties = [p for p in range(16) if e.output[divmod(p, 4)] == 30]
    assert thirties == [1, 2, 5, 6, 9, 10, 13, 14]  # columns 1 and 2 of every row


@pytest.mark.parametrize("steps", [[5, 0, 15, 7], [15, 14, 3, 3, 12]])
def test_dependency_incremental_picture_equals_a_full_redraw(steps):
    blit = shown(DependencyExplorer(renderer="blit"))
    frames = DependencyExplorer(renderer="frames")
    for p in steps:
        for e in (blit, frames):
            e.controls["output"].value = p
        incremental = pixels(blit)
        np.testing.assert_array_equal(redrawn(blit), incremental)
        np.testing.assert_array_equal(pixels(frames), incremental)


def test_dependency_picture_changes_and_clicks_select():
    e = shown(DependencyExplorer(renderer="blit"))
    before = pixels(e)
    e.click(e.view.axes["output"], 2, 3)
    assert e.selected == (2, 3) and e.controls["output"].value == 11
    assert np.abs(pixels(e) - before).max() > 0.5
    e.click(e.view.axes["output"], 9, -2)  # outside: the nearest cell
    assert e.selected == (3, 0)
    with pytest.raises(ValueError, match="nothing happens"):
        e.click(e.view.axes["input"], 0, 0)


def test_dependency_other_kernel_and_bad_arguments():
    e = DependencyExplorer(kernel="blur")
    e.controls["output"].value = 1
    assert e.value == pytest.approx(cl.conv2d(e.x, cl.kernel("blur"))[0, 1])
    with pytest.raises(ValueError, match="kernel must be one of"):
        DependencyExplorer(kernel="edges")
    with pytest.raises(ValueError, match="renderer must be one of 'frames', 'blit'"):
        DependencyExplorer(renderer="svg")
