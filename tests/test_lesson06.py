"""Lesson 06, receptive fields: figures and explorers read back against the numerics, and the
exercises (right answers pass, anticipated mistakes get their message)."""

import itertools

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.figure import Figure

import cnnlessons as cl
from cnnlessons import features as feat
from cnnlessons import receptive_layers as rl
from cnnlessons import style
from cnnlessons.exercises import ____
from cnnlessons.exercises import lesson06 as ex
from cnnlessons.explorers import (
    MAX_FRAMES,
    ERFExplorer,
    FeaturesExplorer,
    GrowthExplorer,
    StridePlacementExplorer,
)
from cnnlessons.explorers.receptive import SPOTS
from cnnlessons.figures.receptive import (
    ERFFigure,
    FeatureFigure,
    GrowthFigure,
    depth_plot,
    erf_ratio_plot,
    feature_maps_figure,
    formula_text,
    learned_filters_figure,
    random_erf_plot,
)
from cnnlessons.networks import vgg16


def new_figure(size=(9.4, 4.2)):
    with mpl.rc_context(style.RC):
        return Figure(figsize=size, layout="constrained")


# -- GrowthFigure --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def growth():
    return GrowthFigure(new_figure(), cl.grace_hopper(step=4))


@pytest.mark.parametrize("name", list(rl.PRESETS))
@pytest.mark.parametrize("depth", [1, 2, 4, 6])
def test_the_cone_is_the_receptive_field(growth, name, depth):
    layers = rl.preset_stack(name, depth)
    growth.select(layers)
    rf = cl.receptive_field(layers)
    first, last = growth.cone_units[0]  # the cone's base, in input pixels
    assert last - first + 1 == rf.size
    assert growth.field == rf
    # every level of the cone is the field of the layers above it, measured
    for level in range(len(layers)):
        a, b = growth.cone_units[level]
        size = cl.receptive_field(layers[level:]).size
        assert b - a + 1 == cl.measured_receptive_field(layers[level:], 4 * size + 16).size
    # the box on the photo is r x r, the neighbour's S pixels to the right
    assert growth.box.get_width() == growth.box.get_height() == rf.size
    assert growth.next_box.get_x() - growth.box.get_x() == rf.stride
    text = growth.text.get_text()
    assert f"= {rf.size}" in text and f"S = {rf.stride}" in text and "(agrees)" in text
    labels = [t.get_text() for t in growth.labels if t.get_text()]
    assert len(labels) == len(layers) + 1 and labels[0] == "input"


def test_formula_text_by_hand():
    assert (
        formula_text([(3, 2, 1), (3, 1, 1), (3, 1, 1)]) == "r = 1 + 2·1 + 2·2 + 2·2 = 11     S = 2"
    )
    assert formula_text([(3, 1, 2, 2)]) == "r = 1 + 4·1 = 5     S = 1"


def test_growth_figure_bad_arguments(growth):
    with pytest.raises(ValueError, match="unit must be -1, 0 or 1"):
        growth.select([(3, 1, 1)], unit=2)
    with pytest.raises(ValueError, match="at most 16 layers"):
        growth.select([(3, 1, 1)] * 17)
    with pytest.raises(ValueError, match="photo must have 2 dimensions"):
        GrowthFigure(new_figure(), np.ones(5))


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


def test_growth_explorer_every_frame():
    e = GrowthExplorer()
    assert len(e.frame_keys) == 6 * len(rl.PRESETS) <= MAX_FRAMES
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


def test_q1():
    assert ex.q1.check(15).correct
    assert ex.q1.answer == cl.measured_receptive_field(ex.Q1_STACK).size == 15
    for wrong, words in [(11, "dilation"), (9, "stride"), (17, "before"), (7, "plain")]:
        feedback = ex.q1.check(wrong)
        assert feedback.correct is False and words in feedback.message
    assert ex.q1.check(____).correct is None


def test_q2_accepts_any_stack_whose_third_layer_sees_11():
    for stack in (
        [(3, 2, 1), (3, 1, 1), (3, 1, 1)],
        [(3, 1, 1), (3, 1, 2, 2), (3, 1, 2, 2)],
        [(5, 1, 2), (3, 1, 2, 2), (3, 1, 1)],
        [(2, 1, 0), {"kernel": 2, "stride": 2, "op": "max"}, (3, 1, 1), (3, 1, 1)],  # 2, 3, 7, 11
    ):
        assert ex.q2.check(stack).correct, stack
    assert "sees 7" in ex.q2.check([(3, 1, 1)] * 3).message
    assert "has 2 convolutions" in ex.q2.check([(3, 1, 1)] * 2).message
    assert "not a layer list" in ex.q2.check([(3, 0, 1)] * 3).message
    assert "give a list of layers" in ex.q2.check(11).message
    assert ex.q2.check(____).correct is None


def test_q3_is_vgg16s_conv5_1():
    assert ex.q3.answer == 11
    convs = rl.conv_fields(rl.network_layers(vgg16()))
    assert convs[9].size <= 100 < convs[10].size == 132
    assert ex.q3.check(11).correct and "92" in ex.q3.check(10).message


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
