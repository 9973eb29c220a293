"""Lesson 03, parameter sharing: weight-matrix figures, the weight-matrix explorer and the
parameter-count explorer, driven headlessly."""

import itertools
import random

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.figure import Figure
from pictures import pixels, redrawn

import cnnlessons as cl
from cnnlessons.figures import style
from cnnlessons.lesson03.explorers import (
    SLIDER_RANGES,
    ParameterCountExplorer,
    WeightMatrixExplorer,
)
from cnnlessons.lesson03.figures.matrices import (
    CELL_PIXELS,
    WeightMatrixFigure,
    draw_weight_matrix,
    parameter_colors,
    parameter_image,
    weight_matrices_figure,
)
from cnnlessons.lesson03.figures.parameters import ParameterCountFigure, param_growth_plot
from cnnlessons.numerics.matrices import LAYER_KINDS


def new_axes():
    with mpl.rc_context(style.RC):
        fig = Figure(figsize=(9.4, 3.4), layout="constrained")
        return fig, fig.subplots()


# -- figures ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("shape", "k"), [((6,), 3), ((4, 4), 3), ((5, 5), 3), ((7,), 2)])
def test_the_four_panels_draw_weight_indices(shape, k):
    fig = Figure(figsize=(9.4, 3.4), layout="constrained")
    panels = weight_matrices_figure(fig, shape, k)
    assert list(panels) == list(LAYER_KINDS)
    for kind, panel in panels.items():
        idx = cl.weight_indices(kind, shape, k)
        np.testing.assert_array_equal(panel.indices, idx)
        np.testing.assert_allclose(panel.image.get_array(), parameter_image(idx))
        assert panel.n_parameters == cl.count_parameters(idx)
        assert f"{cl.count_parameters(idx):,} parameters" in panel.title.get_text()
    fig.canvas.draw()


def test_colours_blank_where_unconnected_and_one_per_parameter():
    idx = cl.weight_indices("conv", (6,), 3)
    rgba = parameter_colors(idx)
    assert (rgba[idx < 0] == 1).all()  # white
    colours = {tuple(rgba[idx == p][0]) for p in range(3)}
    assert len(colours) == 3
    for p in range(3):  # every entry of a parameter has its colour
        assert (rgba[idx == p] == rgba[idx == p][0]).all()
    # beyond the nine colours, colour plus hatching: 81 parameters, 81 different cells
    idx = cl.weight_indices("dense", (3, 3), 1)  # 9 x 9: parameters 0..80
    image = parameter_image(idx)  # 16 pixels a cell, as drawn
    cells = {
        idx[r, c]: image[16 * r : 16 * r + 16, 16 * c : 16 * c + 16].tobytes()
        for r in range(9)
        for c in range(9)
    }
    assert len(set(cells.values())) == 81
    for p in range(81):
        colour, _ = style.param_style(p)
        r, c = np.argwhere(idx == p)[0]
        block = image[16 * r : 16 * r + 16, 16 * c : 16 * c + 16]
        assert np.isclose(block[..., :3], mpl.colors.to_rgb(colour)).all(-1).mean() >= 0.5


def test_draw_weight_matrix_counts_and_labels():
    fig, ax = new_axes()
    m = draw_weight_matrix(ax, cl.weight_indices("tiled", (6,), 3), "tiled")
    assert m.title.get_text() == "tiled\n6 parameters"
    assert ax.get_xlabel() == "input unit" and ax.get_ylabel() == "output unit"
    assert len(m.grid.get_segments()) == 5 + 3  # inner cell boundaries of a 4 x 6 matrix
    fig.canvas.draw()


def test_param_growth_plot_numbers():
    fig, ax = new_axes()
    lines = param_growth_plot(ax, [32, 8, 64])
    np.testing.assert_array_equal(lines["dense"].get_xdata(), [8, 32, 64])
    assert lines["dense"].get_ydata()[1] == 14_455_392
    assert set(lines["conv"].get_ydata()) == {456}
    assert ax.get_yscale() == "log"
    assert lines["dense"].get_color() == style.COLORS["input"]
    assert lines["conv"].get_color() == style.COLORS["kernel"]


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda ax: param_growth_plot(ax, 32), TypeError, "sides must be a list"),
        (lambda ax: param_growth_plot(ax, [32]), ValueError, "at least 2"),
        (lambda ax: param_growth_plot(ax, [3, 32]), ValueError, "sides must all be >= kernel"),
        (lambda ax: param_growth_plot(ax, [8, 9], in_channels=0), ValueError, "in_channels"),
        (lambda ax: draw_weight_matrix(ax, np.ones((2, 2))), TypeError, "indices must be an int"),
        (lambda ax: draw_weight_matrix(ax, np.array([1, 2])), ValueError, "2-D matrix"),
        (lambda ax: draw_weight_matrix(ax, [[-2, 0]]), ValueError, "-1 for no connection"),
        (lambda ax: draw_weight_matrix(ax, [[0]], title=3), TypeError, "title"),
    ],
)
def test_figure_functions_refuse_bad_arguments(call, exc, match):
    _, ax = new_axes()
    with pytest.raises(exc, match=match):
        call(ax)


def test_weight_matrices_figure_refuses_big_inputs():
    with pytest.raises(ValueError, match="input_shape must have at most 64"):
        weight_matrices_figure(Figure(), (9, 9), 3)


# -- WeightMatrixFigure -----------------------------------------------------------------------
def entry_colours(figure):
    """One RGBA colour per matrix entry: the centre pixel of each cell of the drawn image."""
    rgba = np.asarray(figure.matrix.image.get_array())
    half = CELL_PIXELS // 2
    return rgba[half::CELL_PIXELS, half::CELL_PIXELS]


@pytest.mark.parametrize(
    ("kind", "shape", "n_parameters", "connections", "uses", "outputs"),
    [
        # worked by hand: (W - k + 1) outputs in 1-D, (H - k + 1)(W - k + 1) in 2-D, k = 3
        ("conv", (6,), 3, 4 * 3, 4, 4),
        ("locally_connected", (5,), 3 * 3, 3 * 3, 1, 3),
        ("dense", (4,), 2 * 4, 2 * 4, 1, 2),
        ("conv", (5, 5), 9, 9 * 9, 9, 9),
    ],
)
def test_weight_matrix_figure_draws_the_weight_indices(
    kind, shape, n_parameters, connections, uses, outputs
):
    f = WeightMatrixFigure(Figure(figsize=(9.4, 3.4)), (8,), 3)
    f.select(kind, shape)
    idx = cl.weight_indices(kind, shape, 3)
    np.testing.assert_array_equal(f.indices, idx)
    colours = entry_colours(f)
    assert colours.shape[:2] == idx.shape == (outputs, int(np.prod(shape)))
    white = np.all(colours == 1, axis=-1)
    np.testing.assert_array_equal(white, idx < 0)  # blank exactly where not connected
    # one colour per parameter, and (nine parameters or fewer) different ones apart
    seen = {}
    for p, colour in zip(idx[idx >= 0], colours[idx >= 0], strict=True):
        assert tuple(seen.setdefault(p, tuple(colour))) == tuple(colour)
    assert len(set(seen.values())) == len(seen) == n_parameters
    assert (f.n_parameters, f.connections) == (n_parameters, connections)
    assert (f.uses == uses).all()
    assert f.count.get_text() == f"{n_parameters} parameters"
    assert f.usage.get_text() == (
        f"{connections} connections:\neach weight used {uses} time{'s' if uses > 1 else ''}"
    )
    assert f.note.get_text().startswith(f"{outputs} outputs × {int(np.prod(shape))} inputs")


def test_weight_matrix_figure_places_square_cells_and_redraws_the_axes_on_a_new_shape():
    fig = Figure(figsize=(9.4, 3.4), dpi=100)
    f = WeightMatrixFigure(fig, (6,), 3)
    for shape, new in (((6,), False), ((6, 6), True), ((6, 6), False), ((5,), True)):
        changed = f.select("tiled", shape)
        assert (f.ax in changed) == new
        rows, cols = f.indices.shape
        box = f.ax.get_position()  # figure fractions
        cell_w, cell_h = box.width * 9.4 / cols, box.height * 3.4 / rows
        assert cell_w == pytest.approx(cell_h)
        x0, y0, x1, y1 = f.REGION
        assert x0 - 1e-9 <= box.x0 * 9.4 and box.x1 * 9.4 <= x1 + 1e-9
        assert y0 - 1e-9 <= box.y0 * 3.4 and box.y1 * 3.4 <= y1 + 1e-9
    assert "Toeplitz" not in f.note.get_text()
    f.select("conv", (6, 6))
    assert "doubly block\nToeplitz" in f.note.get_text()


@pytest.mark.parametrize(
    ("args", "exc", "match"),
    [
        (((9, 9), 3), ValueError, "input_shape must have at most 64 units"),
        (((1, 4), 1), ValueError, r"input_shape\[0\] must be an integer >= 2"),
        (((4,), 5), ValueError, "kernel_size must fit the input"),
        (((4,), 3, 0), ValueError, "tiles must be an integer >= 1"),
        (((4,), 3, 2, "sparse"), ValueError, "kind must be one of"),
        (("six", 3), TypeError, "input_shape must be a tuple"),
    ],
)
def test_weight_matrix_figure_bad_arguments(args, exc, match):
    with pytest.raises(exc, match=match):
        WeightMatrixFigure(Figure(figsize=(9.4, 3.4)), *args)


def test_weight_matrix_figure_select_checks_its_arguments():
    f = WeightMatrixFigure(Figure(figsize=(9.4, 3.4)), (6,), 3)
    with pytest.raises(ValueError, match="kernel_size must fit the input"):
        f.select("conv", (2, 2))
    with pytest.raises(ValueError, match="kind must be one of"):
        f.select("Conv", (6,))


# -- the weight-matrix explorer -----------------------------------------------------------
@pytest.fixture(scope="module")
def matrix_explorer():
    return WeightMatrixExplorer()


def test_every_kind_and_dims_shows_weight_indices(matrix_explorer):
    e = matrix_explorer
    shapes = {"1-D": (6,), "2-D": (6, 6)}
    uses = {("1-D", "conv"): 4, ("1-D", "tiled"): 2, ("2-D", "conv"): 16, ("2-D", "tiled"): 4}
    for dims in ("1-D", "2-D", "1-D"):
        e.controls["dims"].value = dims
        for kind in LAYER_KINDS:
            e.controls["kind"].value = kind
            idx = cl.weight_indices(kind, shapes[dims], 3)
            np.testing.assert_array_equal(e.indices, idx)
            assert e.n_parameters == cl.count_parameters(idx)
            assert e.connections == (idx >= 0).sum()
            n = uses.get((dims, kind), 1)
            assert (e.uses == n).all()
            assert f"each weight used {n} time" in e.view.usage.get_text()
    # a frame for every kind x dims (keys by index: kind, dims)
    assert sorted(e.frame_keys) == [f"{k},{d}" for k, d in itertools.product(range(4), range(2))]


def test_every_frame_differs_and_matches_its_kind(matrix_explorer):
    e = matrix_explorer
    e.controls["dims"].value = "1-D"
    frames = [e.frame((0, i)) for i in range(4)]  # (dims, kind)
    for a, b in itertools.combinations(frames, 2):
        assert np.abs(a - b).max() > 0.3
    for i, kind in enumerate(LAYER_KINDS):
        e.controls["kind"].value = kind
        np.testing.assert_array_equal(pixels(e), frames[i][..., :3])


def test_the_tiled_note_counts_the_kernels_it_draws(matrix_explorer):
    e = matrix_explorer
    e.controls["kind"].value = "tiled"
    for dims, kernels in (("1-D", 2), ("2-D", 4)):  # 2-D: a 2x2 pattern of kernels
        e.controls["dims"].value = dims
        per_kernel = 3 if dims == "1-D" else 9
        assert e.n_parameters == kernels * per_kernel
        assert e.view.note.get_text().split("\n")[1].startswith(f"{kernels} kernels")


def test_uneven_tiling_says_so():
    e = WeightMatrixExplorer((7,), 3)  # 5 outputs, 2 kernels: used 3 and 2 times
    e.controls["kind"].value = "tiled"
    assert sorted(e.uses) == [2, 2, 2, 3, 3, 3]
    assert "used 2–3 times" in e.view.usage.get_text()


@pytest.mark.parametrize("renderer", ["frames", "blit"])
def test_matrix_incremental_picture_equals_a_full_redraw(renderer):
    e = WeightMatrixExplorer((5, 5), 3, renderer=renderer)
    e.canvas.draw()  # what showing it on the page does (blit renders nothing before that)
    steps = [("conv", "2-D"), ("dense", "2-D"), ("tiled", "1-D"), ("conv", "1-D"),
             ("locally_connected", "2-D")]  # fmt: skip
    for kind, dims in steps:
        e.controls["kind"].value = kind
        e.controls["dims"].value = dims
        incremental = pixels(e)
        np.testing.assert_array_equal(redrawn(e), incremental)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"input_shape": (9,)}, ValueError, "input_shape must have sides between 2 and 8"),
        ({"input_shape": (1, 4)}, ValueError, r"input_shape\[0\] must be an integer >= 2"),
        ({"input_shape": (2, 3, 4)}, ValueError, "input_shape must have 1 or 2 entries"),
        ({"input_shape": "six"}, TypeError, "input_shape must be a tuple"),
        ({"kernel_size": 7}, ValueError, "kernel_size must fit the input"),
        ({"kernel_size": 2.5}, TypeError, "kernel_size must be an integer"),
        ({"tiles": 0}, ValueError, "tiles must be an integer >= 1"),
        ({"renderer": "svg"}, ValueError, "renderer must be one of"),
    ],
)
def test_matrix_explorer_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        WeightMatrixExplorer(**kwargs)


# -- ParameterCountFigure ----------------------------------------------------------------------
def bar_end(bar):
    return bar.get_x() + bar.get_width()


def test_parameter_count_figure_lecture_case_by_hand():
    """32x32x3 input, six 5x5 filters, "valid": 28x28x6 = 4,704 outputs. Dense: 3,072 x 4,704
    weights + 4,704 biases = 14,455,392; convolution: 6 x (3·5·5 + 1) = 456."""
    f = ParameterCountFigure(Figure(figsize=(9.4, 3.4)), 32, 32, 3, 6, 5)
    assert bar_end(f.bars["dense"]) == 3_072 * 4_704 + 4_704 == 14_455_392
    assert bar_end(f.bars["conv"]) == 6 * (3 * 5 * 5 + 1) == 456
    assert f.bars["dense"].get_x() == f.bars["conv"].get_x() == 1  # the log scale's left end
    assert f.numbers["dense"].get_text() == "14,455,392"
    assert f.numbers["dense"].get_color() == "white"  # written inside its long bar
    assert f.numbers["conv"].get_text() == "456"
    assert (f.dense, f.conv, f.dense_weights) == (14_455_392, 456, 14_450_688)
    assert (f.input_shape, f.output_shape) == ((32, 32, 3), (28, 28, 6))
    assert f.formula == "F × (C·k·k + 1) = 6 × (3·5·5 + 1) = 456"
    text = {key: t.get_text() for key, t in f.lines.items()}
    assert text["input"] == "32×32×3 = 3,072 values"
    assert text["output"] == "28×28×6 = 4,704 values"
    assert text["size"] == '"valid": 32 − 5 + 1 = 28'
    assert text["dense"] == "3,072 × 4,704 + 4,704"
    assert text["conv"] == "= 6 × (3·5·5 + 1) = 456"
    assert text["ratio"] == "dense / conv = 31,700×"  # 14,455,392 / 456 = 31,700.4


def test_parameter_count_figure_padding_and_the_d2l_case():
    f = ParameterCountFigure(Figure(figsize=(9.4, 3.4)))
    changed = f.select(1000, 1000, 1, 1, 3, padding=1)  # "same": 10^6 outputs
    assert changed == f.artists
    assert bar_end(f.bars["dense"]) == 10**12 + 10**6 and bar_end(f.bars["conv"]) == 10
    assert f.lines["size"].get_text() == '"same" padding 1: as big as the input'
    f.select(10, 12, 1, 2, 5, padding=1)  # 10 + 2 − 5 + 1 = 8, 12 + 2 − 5 + 1 = 10
    assert f.output_shape == (8, 10, 2)
    assert f.lines["size"].get_text() == "padding 1: 10 + 2·1 − 5 + 1 = 8, 12 + 2·1 − 5 + 1 = 10"
    assert f.numbers["conv"].get_color() == style.COLORS["text"]  # beside its short bar


def test_parameter_count_figure_animates_only_values():
    """Text is most of a redraw's cost: the labels stay static, only the values change."""
    f = ParameterCountFigure(Figure(figsize=(9.4, 3.4)))
    changing = {a.get_text() for a in f.artists if hasattr(a, "get_text")}
    static = [t.get_text() for t in f.panel.texts if t not in f.artists]
    assert static == ["input", "output", "", "dense", "conv", "F × (C·k·k + 1)", "", "ratio"]
    assert not changing & {"input", "output", "dense", "conv", "ratio", "F × (C·k·k + 1)"}
    assert len(f.artists) == 2 + 2 + 6  # two bars, two counts, six values


@pytest.mark.parametrize(
    ("args", "exc", "match"),
    [
        ((7, 7, 1, 1, 8), ValueError, "kernel must fit the padded input"),
        ((7, 7, 0, 1, 3), ValueError, "channels must be an integer >= 1"),
        ((7, 7.0, 1, 1, 3), TypeError, "width must be an integer"),
        ((7, 7, 1, 1, 3, -1), ValueError, "padding must be an integer >= 0"),
        ((1000, 1000, 16, 16, 3, 1), ValueError, "keep the dense count within"),
    ],
)
def test_parameter_count_figure_bad_arguments(args, exc, match):
    f = ParameterCountFigure(Figure(figsize=(9.4, 3.4)))
    with pytest.raises(exc, match=match):
        f.select(*args)


# -- the parameter-count explorer ------------------------------------------------------------
@pytest.fixture(scope="module")
def counter():
    return ParameterCountExplorer()


def set_sliders(e, **values):
    for name, value in values.items():
        e.controls[name].value = value


def expected(h, w, c, f, k):
    oh, ow = cl.output_size(h, k), cl.output_size(w, k)
    return cl.dense_params(h * w * c, oh * ow * f), cl.conv_params(c, f, k)


def test_seed_numbers(counter):
    set_sliders(counter, height=32, width=32, channels=3, filters=6, kernel=5)
    assert counter.conv == 456
    assert counter.dense == 14_455_392
    assert counter.dense_weights == 14_450_688
    assert counter.output_shape == (28, 28, 6)
    assert counter.formula == "F × (C·k·k + 1) = 6 × (3·5·5 + 1) = 456"
    assert counter.view.numbers["conv"].get_text() == "456"
    assert counter.view.numbers["dense"].get_text() == "14,455,392"
    counter.controls["channels"].value = 1  # the seed's slip: right for one channel only
    assert counter.conv == 156 and "6 × (1·5·5 + 1) = 156" in counter.formula


def test_presets_move_the_sliders_and_d2l_stands_apart():
    e = ParameterCountExplorer(height=10, width=12, channels=1, filters=2, kernel=3)
    e.controls["preset"].value = "lecture"
    assert {n: e.controls[n].value for n in SLIDER_RANGES} == {
        "height": 32, "width": 32, "channels": 3, "filters": 6, "kernel": 5}  # fmt: skip
    assert (e.conv, e.dense) == (456, 14_455_392)
    e.controls["preset"].value = "d2l"
    assert e.dense_weights == 10**12 and e.dense == 10**12 + 10**6
    assert e.output_shape == (1000, 1000, 1) and e.conv == 10
    assert all(e.controls[n].disabled for n in SLIDER_RANGES)
    e.controls["kernel"].value = 3  # a slider moved: back to the sliders' values
    assert e.controls["preset"].value == "custom"
    assert not any(e.controls[n].disabled for n in SLIDER_RANGES)
    assert (e.dense, e.conv) == expected(32, 32, 3, 6, 3)
    e.controls["preset"].value = "lecture"
    e.controls["filters"].value = 7
    assert e.controls["preset"].value == "custom" and e.conv == 7 * 76
    assert ParameterCountExplorer(preset="d2l").dense_weights == 10**12


def test_counts_on_a_coarse_grid_of_every_slider(counter):
    middle = ("height", "kernel")
    grid = {
        name: sorted({lo, hi} | ({(lo + hi) // 2} if name in middle else set()))
        for name, (lo, hi) in SLIDER_RANGES.items()
    }
    for h, w, c, f, k in itertools.product(*grid.values()):
        set_sliders(counter, height=h, width=w, channels=c, filters=f, kernel=k)
        assert (counter.dense, counter.conv) == expected(h, w, c, f, k)
        assert counter.view.numbers["dense"].get_text() == f"{counter.dense:,}"
        lo, hi = counter.view.ax.get_xlim()
        assert lo <= 1 and 10 * counter.dense < hi  # the fixed scale fits every case


def test_every_slider_over_its_range_and_random_combinations(counter):
    for name, (lo, hi) in SLIDER_RANGES.items():
        for v in range(lo, hi + 1):
            counter.controls[name].value = v
            assert (counter.dense, counter.conv) == expected(
                *(counter.controls[n].value for n in SLIDER_RANGES)
            )
    rng = random.Random(0)
    for _ in range(15):
        values = {n: rng.randint(lo, hi) for n, (lo, hi) in SLIDER_RANGES.items()}
        counter.controls["preset"].value = rng.choice(counter.controls["preset"].options)[1]
        set_sliders(counter, **values)
        assert counter.controls["preset"].value in ("custom", "lecture")
        assert (counter.dense, counter.conv) == expected(*values.values())


def test_slider_moves_never_redraw_everything(counter):
    draws = []
    cid = counter.fig.canvas.mpl_connect("draw_event", draws.append)
    try:
        set_sliders(counter, height=64, width=7, kernel=7, channels=4, filters=16)
        counter.controls["preset"].value = "d2l"
        counter.controls["preset"].value = "custom"
    finally:
        counter.fig.canvas.mpl_disconnect(cid)
    assert draws == []


STEPS = [
    [("height", 7), ("preset", "d2l"), ("kernel", 1)],
    [("preset", "lecture"), ("width", 64), ("filters", 16)],
]


@pytest.mark.parametrize("steps", STEPS)
def test_counter_incremental_picture_equals_a_full_redraw(steps):
    e = ParameterCountExplorer()
    e.canvas.draw()  # what showing it on the page does
    for name, value in steps:
        e.controls[name].value = value
        incremental = pixels(e)
        np.testing.assert_array_equal(redrawn(e), incremental)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"height": 6}, ValueError, "height must be an integer >= 7"),
        ({"width": 65}, ValueError, "width must be an integer from 7 to 64"),
        ({"channels": 1.0}, TypeError, "channels must be an integer"),
        ({"filters": 17}, ValueError, "filters must be an integer from 1 to 16"),
        ({"kernel": 0}, ValueError, "kernel must be an integer >= 1"),
        ({"preset": "imagenet"}, ValueError, "preset must be one of"),
        ({"renderer": "svg"}, ValueError, "renderer must be one of"),
    ],
)
def test_counter_bad_arguments(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        ParameterCountExplorer(**kwargs)
