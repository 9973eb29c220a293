"""Lesson 06, receptive fields: figures and explorers read back against the numerics, and the
exercises (right answers pass, anticipated mistakes get their message)."""

import itertools
import re
from pathlib import Path

import matplotlib as mpl
import nbformat
import numpy as np
import pytest
from matplotlib.figure import Figure
from pictures import made_as_in_a_kernel

import cnnlessons as cl
from cnnlessons.checking import ____
from cnnlessons.engine import MAX_FRAMES
from cnnlessons.figures import style
from cnnlessons.lesson06 import exercises as ex
from cnnlessons.lesson06.explorers import (
    SPOTS,
    ERFExplorer,
    FeaturesExplorer,
    GrowthExplorer,
    StridePlacementExplorer,
)
from cnnlessons.lesson06.figures.erf import ERFFigure, depth_plot, erf_ratio_plot, random_erf_plot
from cnnlessons.lesson06.figures.features import (
    FeatureFigure,
    feature_maps_figure,
    learned_filters_figure,
)
from cnnlessons.lesson06.figures.growth import CLICK_CELL, PLACES, GrowthFigure, formula_text
from cnnlessons.lesson06.numerics import features as feat
from cnnlessons.lesson06.numerics import stacks as rl
from cnnlessons.numerics.architectures import vgg16

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "06_receptive_fields.ipynb"


def new_figure(size=(9.4, 4.2)):
    with mpl.rc_context(style.RC):
        return Figure(figsize=size, layout="constrained")


# -- GrowthFigure --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def growth():
    return GrowthFigure(new_figure(), cl.grace_hopper(step=4))


def reads_by_impulses(layers, n: int, unit: int) -> list[int]:
    """The input pixels (of ``n``) that top unit ``unit`` depends on, found without the
    figure: an impulse at every pixel pushed through the stack (all-ones kernels, zero
    padding, max pooling), and the pixels whose impulse reaches the unit. Also the top
    layer's size."""
    x = np.eye(n)  # row i: an impulse at pixel i
    for spec in layers:
        k, s, p, d = spec["kernel"], spec["stride"], spec["padding"], spec["dilation"]
        xp = np.pad(x, ((0, 0), (p, p)))
        m = (xp.shape[1] - d * (k - 1) - 1) // s + 1
        taps = np.stack([xp[:, t * d : t * d + s * (m - 1) + 1 : s] for t in range(k)])
        x = taps.max(axis=0) if spec["op"] == "max" else taps.sum(axis=0)
    return [int(i) for i in np.flatnonzero(x[:, unit] > 0)], x.shape[1]


@pytest.mark.parametrize("name", list(rl.PRESETS))
@pytest.mark.parametrize("depth", [1, 2, 4, 6])
def test_the_cone_is_the_receptive_field(growth, name, depth):
    layers = rl.preset_stack(name, depth)
    h, w = growth.photo.shape
    rf = cl.receptive_field(layers)
    for unit in PLACES:
        growth.select(layers, unit)
        assert growth.field == rf
        (r0, r1), (c0, c1) = growth.seen
        row, col = growth.top_unit
        # the photo pixels the unit reads, along each axis, are the impulses that reach it
        cols, top_w = reads_by_impulses(layers, w, col)
        rows, top_h = reads_by_impulses(layers, h, row)
        assert 0 <= col < top_w and 0 <= row < top_h
        # (a dilated layer reads every other pixel: the span has gaps, the extent is r)
        assert growth.reads[0][0] == cols and (c0, c1) == (cols[0], cols[-1])
        assert (r0, r1) == (rows[0], rows[-1])
        # inside the photo it is the closed form's span; near an edge, its part in the photo
        a, b = rf.span(col)
        assert (c0, c1) == (max(a, 0), min(b, w - 1))
        # every level of the cone: what the unit reads of it, measured the same way
        first, last = growth.cone_units[0]
        if 0 <= a and b < w:
            assert (first, last) == (a, b) and last - first + 1 == rf.size
        # the box on the photo is r x r at the span, the neighbour's S pixels away; the
        # filled part is what the unit sees
        assert growth.box.get_width() == growth.box.get_height() == rf.size
        assert growth.box.get_x() == a - 0.5 and growth.box.get_y() == rf.span(row)[0] - 0.5
        assert abs(growth.next_box.get_x() - growth.box.get_x()) == rf.stride
        fill = growth.box_fill
        assert (fill.get_x(), fill.get_width()) == (c0 - 0.5, c1 - c0 + 1)
        assert (fill.get_y(), fill.get_height()) == (r0 - 0.5, r1 - r0 + 1)
        text = growth.text.get_text()
        assert f"= {rf.size}" in text and f"S = {rf.stride}" in text and "(agrees)" in text
        if (r1 - r0 + 1, c1 - c0 + 1) != (rf.size, rf.size):
            assert f"this unit: {r1 - r0 + 1}x{c1 - c0 + 1} pixels of the photo" in text
        labels = [t.get_text() for t in growth.labels if t.get_text()]
        assert len(labels) == len(layers) + 1 and labels[0] == "input"


@pytest.mark.parametrize("depth", [1, 2, 3, 6])
def test_which_pixels_a_unit_sees_by_hand(growth, depth):
    """3x3 'same' layers, stride 1: top unit j of depth n sees pixels j − n … j + n, clipped
    to the photo (150 x 128): padding is zeros, and nothing below padding is read."""
    layers = rl.preset_stack("3x3", depth)
    n = depth
    expected = {
        "middle": ((75, (75 - n, 75 + n)), (64, (64 - n, 64 + n))),
        "left edge": ((75, (75 - n, 75 + n)), (0, (0, n))),
        "top-left corner": ((0, (0, n)), (0, (0, n))),
    }
    for unit, ((row, rows), (col, cols)) in expected.items():
        growth.select(layers, unit)
        assert growth.top_unit == (row, col)
        assert growth.seen == (rows, cols)
        # the input row of the 1-D drawing: one pink dot per pixel seen, one pink square per
        # padding position read (1 on the edge: the first layer pads by one), none elsewhere
        inputs = growth.hot.get_offsets()
        assert (inputs[:, 1] == 0).sum() == cols[1] - cols[0] + 1
        pads = growth.hot_pads.get_offsets()
        assert (pads[:, 1] == 0).sum() == (0 if col else 1)
        text = growth.span_text.get_text()
        if col:
            assert f"sees r = {2 * n + 1} input pixels" in text
        else:
            assert f"r = {2 * n + 1}, {n} past the edge: it sees {n + 1} pixels" in text


def test_a_stride_stack_by_hand(growth):
    """3x3 'same', stride 2 in layer 1, then two stride-1 layers: r = 1 + 2 + 2·2 + 2·2 = 11,
    S = 2, P = 1 + 1·2 + 1·2 = 5, so unit j sees 2j − 5 … 2j + 5. The middle unit of the 128
    columns is j = 32 (centre 64): 59 … 69. Of the 150 rows, j = 38 (centre 76, 75/2 = 37.5
    rounded up): 71 … 81. The edge unit j = 0: −5 … 5, of which 0 … 5 are in the photo (it
    reads layer-2 units 0, 1, layer-1 units 0 … 2, pixels −1 … 5: one of padding)."""
    layers = rl.preset_stack("3x3, stride 2 in layer 1", 3)
    growth.select(layers, "middle")
    assert growth.top_unit == (38, 32) and growth.seen == ((71, 81), (59, 69))
    growth.select(layers, "left edge")
    assert growth.top_unit == (38, 0) and growth.seen == ((71, 81), (0, 5))
    assert growth.reads[0] == (list(range(0, 6)), [-1])
    assert growth.reads[1] == ([0, 1, 2], [-1])
    assert growth.reads[2] == ([0, 1], [-1])
    growth.select(layers, "top-left corner")
    assert growth.top_unit == (0, 0) and growth.seen == ((0, 5), (0, 5))


def test_place_at_maps_the_rings_and_nothing_else(growth):
    h, w = growth.photo.shape
    g = CLICK_CELL
    for unit in PLACES:
        row, col = growth.nominal(unit)
        assert growth.place_at(round(row / g), round(col / g)) == unit
    assert growth.nominal("middle") == (h // 2, w // 2)
    assert growth.place_at(round(h / g), round(w / g)) is None  # bottom-right: no ring
    assert growth.place_at(0, 4) is None  # top edge, middle: no ring
    assert growth.place_at(-1, 0) is None  # centred in the padding around the photo


def test_formula_text_by_hand():
    assert (
        formula_text([(3, 2, 1), (3, 1, 1), (3, 1, 1)]) == "r = 1 + 2·1 + 2·2 + 2·2 = 11     S = 2"
    )
    assert formula_text([(3, 1, 2, 2)]) == "r = 1 + 4·1 = 5     S = 1"


def test_growth_figure_bad_arguments(growth):
    with pytest.raises(ValueError, match="unit must be one of"):
        growth.select([(3, 1, 1)], unit=2)
    with pytest.raises(ValueError, match="at most 16 layers"):
        growth.select([(3, 1, 1)] * 17)
    with pytest.raises(ValueError, match="photo must have 2 dimensions"):
        GrowthFigure(new_figure(), np.ones(5))
    with pytest.raises(ValueError, match="at least one unit of the 150x128 photo"):
        growth.select([(64, 1, 0)] * 3)
    with pytest.raises(TypeError, match="row"):
        growth.place_at(1.5, 0)


# -- ERFFigure -----------------------------------------------------------------------------------


@pytest.mark.parametrize("k", [3, 5])
def test_erf_figure_draws_the_exact_response(k):
    f = ERFFigure(new_figure((9.4, 3.8)), k=k, max_n=16)
    for n in range(1, 17):
        f.select(n)
        r = n * (k - 1) + 1
        profile = rl.impulse_response(n, k)
        x, y = f.response.get_data()
        np.testing.assert_allclose(y, profile / profile.max())
        assert len(x) == r and x[0] == -(r - 1) / 2
        assert f.square.get_width() == r
        # the heat map: the 2-D response, scaled to its peak, non-zero exactly inside r x r
        shown = f.image.get_array()
        assert (shown > 0).sum() == r * r and shown.max() == 1
        sigma = np.sqrt(rl.erf_variance(n, k))
        assert f.band.get_width() == pytest.approx(2 * 1.96 * sigma)
        assert f"r = {r};" in f.text.get_text()
    with pytest.raises(ValueError, match="k must be odd"):
        ERFFigure(new_figure(), k=4)
    with pytest.raises(ValueError, match="n must be between 1 and 16"):
        f.select(17)


def test_static_plots():
    fig = new_figure()
    lines = erf_ratio_plot(fig.add_subplot(), ks=(3, 5), max_n=16)
    n, ratio = lines[3].get_data()
    np.testing.assert_allclose(ratio, [rl.effective_width(v, 3) / (2 * v + 1) for v in n])
    fig = new_figure()
    lines = random_erf_plot(fig.add_subplot(), n=4, k=3, trials=200, seed=1)
    exact = lines["uniform kernels (exact)"].get_data()[1]
    np.testing.assert_allclose(exact, rl.impulse_response(4, 3))
    mean = lines["mean of 200 random linear networks"].get_data()[1]
    np.testing.assert_allclose(mean, rl.random_erf(4, 3, trials=200, seed=1))
    fig = new_figure()
    lines = depth_plot(fig.add_subplot(), {"VGG-16": rl.network_layers(vgg16())})
    assert lines["VGG-16"].get_ydata()[-1] == 212
    with pytest.raises(TypeError, match="networks must be a dict"):
        depth_plot(fig.add_subplot(), [])


# -- features ------------------------------------------------------------------------------------


def test_feature_figure_shows_the_unit_and_its_patch():
    x = feat.shapes_image()
    maps = feat.feature_maps(x)
    f = FeatureFigure(new_figure((9.4, 3.8)))
    for layer, (row, col) in itertools.product((1, 2, 3), SPOTS.values()):
        for channel in range(len(feat.LAYER_NAMES[layer])):
            f.select(layer, channel, (row, col))
            size = 2 * layer + 1
            assert f.value == maps[layer][channel, row, col]
            (r0, r1), (c0, c1) = rl.unit_region(feat.FEATURE_LAYERS[:layer], (row, col))
            padded = np.pad(x, 3)
            np.testing.assert_array_equal(f.patch, padded[r0 + 3 : r1 + 4, c0 + 3 : c1 + 4])
            assert f.patch.shape == (size, size)
            assert f.field_box.get_width() == size
            np.testing.assert_array_equal(f.map_image.get_array(), maps[layer][channel])
    with pytest.raises(ValueError, match="layer must be 1, 2 or 3"):
        f.select(4, 0, (0, 0))
    with pytest.raises(ValueError, match="channel must be between 0 and 0"):
        f.select(3, 1, (0, 0))
    with pytest.raises(ValueError, match="unit must lie in the 24x24 map"):
        f.select(1, 0, (30, 0))


def test_feature_maps_figure():
    images = feature_maps_figure(new_figure((9.4, 6.2)))
    maps = feat.feature_maps(feat.shapes_image())
    assert [len(images[k]) for k in (1, 2, 3)] == [4, 4, 1]
    np.testing.assert_array_equal(images[3][0].get_array(), maps[3][0])


# -- explorers -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def explorer():
    """One growth explorer, set back for each test; made as a kernel makes it, so only the
    frames a test reads are drawn (all 144 take a minute)."""
    return made_as_in_a_kernel(GrowthExplorer)


@pytest.fixture
def growth_explorer(explorer):
    c = explorer.controls
    c["stack"].value, c["depth"].value, c["unit"].value = "3x3", 3, "middle"
    return explorer


def test_growth_explorer_every_frame(growth_explorer):
    e = growth_explorer
    every = set(e.frame_keys) | set(e.planned)  # drawn, or to be drawn in the background
    assert len(every) == 6 * len(rl.PRESETS) * len(PLACES) <= MAX_FRAMES
    c = e.controls
    for name, depth in itertools.product(c["stack"].options, c["depth"].options):
        c["stack"].value, c["depth"].value = name, depth
        layers = rl.preset_stack(name, depth)
        assert e.layers == layers and e.field == cl.receptive_field(layers)
    # the picture changes with depth
    c["stack"].value, c["depth"].value = "3x3", 1
    one = e.frame()
    c["depth"].value = 6
    assert np.abs(e.frame() - one).max() > 0.5


def test_growth_explorer_picks_a_top_unit(growth_explorer):
    e = growth_explorer
    c = e.controls
    assert c["unit"].value == "middle" and e.top_unit == (75, 64)
    assert e.seen == ((72, 78), (61, 67))
    middle = e.frame()
    c["unit"].value = "left edge"
    assert e.top_unit == (75, 0) and e.seen == ((72, 78), (0, 3))
    assert np.abs(e.frame() - middle).max() > 0.5
    c["unit"].value = "top-left corner"
    assert e.top_unit == (0, 0) and e.seen == ((0, 3), (0, 3))
    # a stride stack: the edge unit of "stride 2 in every layer", 6 layers (r = 127, S = 64)
    # reads pixels 0 … 63 of each axis: its field −63 … 63, the rest zero padding
    c["stack"].value, c["depth"].value = "3x3, stride 2 in every layer", 6
    assert e.top_unit == (0, 0) and e.seen == ((0, 63), (0, 63))
    c["unit"].value = "middle"
    assert e.top_unit == (1, 1) and e.seen == ((1, 127), (1, 127))
    with pytest.raises(ValueError, match="unit must be one of"):
        GrowthExplorer(unit="right edge")


def test_a_click_on_a_ring_picks_its_unit(growth_explorer):
    e = growth_explorer
    ax = e.view.ax_click
    at = {u: e.view.nominal(u) for u in PLACES}
    g = CLICK_CELL
    for unit in ("left edge", "top-left corner", "middle", "left edge"):
        row, col = at[unit]
        e.click(ax, round(row / g), round(col / g))
        assert e.controls["unit"].value == unit
    e.click(ax, 0, 5)  # the photo's top edge, away from every ring: nothing happens
    assert e.controls["unit"].value == "left edge"
    # the page's table: each ring's cells pick its unit, the one picked when the table was
    # recorded too (the page sets it back after the learner moved away), and a cell far
    # from every ring picks nothing
    regions = e.picture.clicks
    assert len(regions) == 1
    unit_at = list(e.raws).index("unit")
    options = list(e.controls["unit"].options)

    def page_pick(row, col):
        (region,) = regions
        values = region["table"][row - region["rows"][0]][col - region["cols"][0]]
        return options[values[unit_at]] if values else None

    for unit, (row, col) in at.items():
        assert page_pick(round(row / g), round(col / g)) == unit
    assert page_pick(0, 5) is None
    picked = {page_pick(r, col) for r in range(-1, 11) for col in range(-1, 10)}
    assert picked == {None, *PLACES}
    # every cell that answers is centred on the photo (a click there cannot miss the grid)
    for region in regions:
        for i, row in enumerate(region["table"]):
            for j, values in enumerate(row):
                r, col = i + region["rows"][0], j + region["cols"][0]
                assert values is None or (0 <= r * g < 150 and 0 <= col * g < 128)


def test_stride_explorer():
    e = StridePlacementExplorer()
    sizes = {}
    for at in range(5):
        e.controls["stride_at"].value = at
        sizes[at] = e.field.size
        assert e.growth == rl.growth_terms(StridePlacementExplorer.stack(at))
    assert sizes == {0: 9, 1: 15, 2: 13, 3: 11, 4: 9}  # 1 + 2 + 2·(layers after the stride)·2
    assert e.field.stride == 2
    with pytest.raises(ValueError, match="stride_at must be None or 1 to 4"):
        StridePlacementExplorer(stride_at=5)


def test_erf_explorer():
    e = ERFExplorer(k=3, n=4)
    assert len(e.frame_keys) == 16
    for n in range(1, 17):
        e.controls["n"].value = n
        np.testing.assert_allclose(e.profile, rl.impulse_response(n, 3))
    with pytest.raises(ValueError, match="n must be between 1 and max_n=16"):
        ERFExplorer(n=17)


def test_features_explorer():
    e = FeaturesExplorer()
    assert len(e.frame_keys) == len(SPOTS) * 9 <= MAX_FRAMES
    maps = feat.feature_maps(feat.shapes_image())
    c = e.controls
    for spot, feature in itertools.product(c["spot"].options, c["feature"].options):
        c["spot"].value, c["feature"].value = spot[1], feature[1]
        layer, channel = feature[1]
        row, col = spot[1]
        assert e.value == maps[layer][channel, row, col]
        assert e.selected == (layer, channel, (row, col))
    c["spot"].value, c["feature"].value = SPOTS["small square, centre"], (3, 0)
    assert e.value > 0
    c["spot"].value = SPOTS["large square, centre"]
    assert e.value == 0
    with pytest.raises(ValueError, match="spot must be one of"):
        FeaturesExplorer(spot="nowhere")


# -- exercises -----------------------------------------------------------------------------------


def test_q2_one_stack_by_the_formula():
    assert ex.q2.check(15).correct
    assert ex.q2.answer == cl.measured_receptive_field(ex.Q2_STACK).size == 15
    for wrong, words in [(11, "dilation"), (9, "stride"), (17, "before"), (7, "plain")]:
        feedback = ex.q2.check(wrong)
        assert feedback.correct is False and words in feedback.message
    assert ex.q2.check(____).correct is None


def test_the_notebooks_exercise_1_is_q1_and_exercise_2_is_q2():
    """Issue 20: "Exercise 1" was ex.q2 and "Exercise 2" ex.q1."""
    cells = [c for c in nbformat.read(NOTEBOOK, as_version=4).cells]
    order = []
    for cell in cells:
        order += re.findall(r"^### Exercise (\d)", cell.source, re.M)
        order += [f"q{n}" for n in re.findall(r"^ex\.q(\d)$", cell.source, re.M)]
    assert order[:4] == ["1", "q1", "2", "q2"], order


def test_q1_accepts_another_stack_whose_third_layer_sees_11_not_the_tables():
    for stack in (
        [(3, 1, 1), (3, 1, 2, 2), (3, 1, 2, 2)],
        [(5, 1, 2), (3, 1, 2, 2), (3, 1, 1)],
        [(2, 1, 0), {"kernel": 2, "stride": 2, "op": "max"}, (3, 1, 1), (3, 1, 1)],  # 2, 3, 7, 11
    ):
        assert ex.q1.check(stack).correct, stack
    # the table's stack (stride 2 in layer 1), with or without padding: "find another one"
    for shown in ([(3, 2, 1), (3, 1, 1), (3, 1, 1)], [(3, 2, 0), (3, 1, 0), (3, 1, 0)]):
        feedback = ex.q1.check(shown)
        assert feedback.correct is False and "table above" in feedback.message
    assert "sees 7" in ex.q1.check([(3, 1, 1)] * 3).message
    assert "has 2 convolutions" in ex.q1.check([(3, 1, 1)] * 2).message
    assert "not a layer list" in ex.q1.check([(3, 0, 1)] * 3).message
    assert "give a list of layers" in ex.q1.check(11).message
    assert ex.q1.check(____).correct is None


def test_q3_is_vgg19s_conv4_4_a_network_the_lesson_does_not_show():
    """VGG-19 by hand: 3, 5 | pool 6 (jump 2) | 10, 14 | pool 16 (jump 4) | 24, 32, 40, 48 |
    pool 52 (jump 8) | 68, 84, 100, 116: convolution 12 is the first over 100."""
    assert ex.q3.answer == 12
    sizes = [f.size for f in rl.conv_fields(ex.VGG19_LAYERS)]
    assert sizes[:12] == [3, 5, 10, 14, 24, 32, 40, 48, 68, 84, 100, 116]
    assert ex.q3.check(12).correct
    eleven = ex.q3.check(11)  # exactly 100, and VGG-16's answer
    assert eleven.correct is False and "exactly 100" in eleven.message
    assert "VGG-16" in eleven.message
    assert "84" in ex.q3.check(10).message


def _rf(layers):
    r, jump = 1, 1
    for k, s, d in layers:
        r += d * (k - 1) * jump
        jump *= s
    return r


def test_q4():
    assert ex.q4.check(_rf).correct
    # the reference agrees with the measurement on its own cases
    for (layers,) in ex.q4.cases:
        assert (
            ex._rf(layers) == cl.measured_receptive_field([(k, s, 0, d) for k, s, d in layers]).size
        )
    for wrong, words in [
        (ex._rf_own_stride, "own"),
        (ex._rf_no_dilation, "dilation"),
        (ex._rf_no_stride, "strides are missing"),
        (ex._rf_k_not_k_minus_1, "not k'"),
        (lambda layers: None, "return"),
    ]:
        feedback = ex.q4.check(wrong)
        assert feedback.correct is False and words in feedback.message, feedback.message


def test_learned_filters_figure():
    learned = feat.learned_filters()
    fig = new_figure((9.4, 2.6))
    images = learned_filters_figure(fig, learned)
    assert len(images) == 6
    for image, w in zip(images, learned.weights, strict=True):
        np.testing.assert_array_equal(image.get_array(), w)
    titles = [ax.get_title() for ax in fig.axes]
    assert sum("the plus" in t for t in titles) == 1 and sum("the cross" in t for t in titles) == 1
    with pytest.raises(TypeError, match="learned must come from"):
        learned_filters_figure(new_figure(), np.zeros((6, 3, 3)))
