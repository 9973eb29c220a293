"""Lesson 06 numerics: receptive fields layer by layer, the 2-D region of a unit, and the
effective receptive field (exact and Monte Carlo)."""

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import signal

import cnnlessons as cl
from cnnlessons.lesson06.numerics import stacks as rl
from cnnlessons.numerics import architectures as networks

# -- per-layer fields -------------------------------------------------------------------------

conv_layer = st.fixed_dictionaries(
    {
        "kernel": st.integers(1, 5),
        "stride": st.integers(1, 3),
        "padding": st.integers(0, 3),
        "dilation": st.integers(1, 3),
        "op": st.just("conv"),
    }
)
pool_layer = st.integers(1, 4).flatmap(
    lambda k: st.fixed_dictionaries(
        {
            "kernel": st.just(k),
            "stride": st.integers(1, 3),
            "padding": st.integers(0, k // 2),
            "op": st.sampled_from(["max", "avg"]),
        }
    )
)


@settings(max_examples=60, deadline=None)
@given(layers=st.lists(st.one_of(conv_layer, pool_layer), min_size=1, max_size=4))
def test_every_row_equals_the_measurement_of_its_prefix(layers):
    table = rl.layer_fields(layers)
    assert len(table) == len(layers)
    for n, row in enumerate(table):
        assert row.field == cl.measured_receptive_field(layers[: n + 1])
    assert 1 + sum(rl.growth_terms(layers)) == table[-1].size


def test_layer_fields_by_hand_and_names():
    layers = [
        {"name": "conv1", "kernel": 7, "stride": 2, "padding": 3},
        {"name": "pool1", "kernel": 3, "stride": 2, "padding": 1, "op": "max"},
        (3, 1, 1),
    ]
    table = rl.layer_fields(layers)
    assert [r.name for r in table] == ["conv1", "pool1", "layer 3"]
    assert [(r.size, r.effective_stride, r.effective_padding) for r in table] == [
        (7, 2, 3),
        (11, 4, 5),
        (19, 4, 9),  # 11 + (3 - 1)·4; padding 5 + 1·4
    ]
    assert table[1].op == "max" and table[2].op == "conv"
    assert "| pool1 | 3 | 2 | 1 | 1 | **11** | 4 | 5 |" in table._repr_markdown_()
    assert "conv1" in str(table)
    assert [r.name for r in rl.layer_fields([(3, 1, 1)] * 2, names=["a", "b"])] == ["a", "b"]


def test_growth_uses_the_product_of_the_strides_before_the_layer():
    # moving one stride-2 layer up the stack: only the layers after it grow faster
    assert rl.growth_terms([(3, 2, 1), (3, 1, 1), (3, 1, 1)]) == [2, 4, 4]
    assert rl.growth_terms([(3, 1, 1), (3, 2, 1), (3, 1, 1)]) == [2, 2, 4]
    assert rl.growth_terms([(3, 1, 1), (3, 1, 1), (3, 2, 1)]) == [2, 2, 2]


@pytest.mark.parametrize(
    ("layers", "names", "exc", "match"),
    [
        ([], None, ValueError, "at least one layer"),
        ("3,1,1", None, TypeError, "layers must be a list"),
        ([(3, 1, 1)], ["a", "b"], ValueError, "one entry per layer"),
        ([(3, 1, 1)], "a", TypeError, "names must be a list"),
        ([(3, 1, 1)], [3], TypeError, r"names\[0\] must be a string"),
        ([(3, 0, 1)], None, ValueError, r"layers\[0\] stride must be an integer >= 1"),
        ([{"name": "x", "kernel": 3, "size": 2}], None, ValueError, "unknown keys"),
    ],
)
def test_layer_fields_bad_arguments(layers, names, exc, match):
    with pytest.raises(exc, match=match):
        rl.layer_fields(layers, names=names)


# -- presets and the book summary's claim ----------------------------------------------------


def test_claim_table_by_hand():
    table = rl.claim_table(3)
    assert table["3x3"] == [3, 5, 7]
    assert table["5x5"] == [5, 9, 13]
    assert table["3x3, stride 2 in layer 1"] == [3, 7, 11]  # the summary's 11 at layer 3
    assert table["3x3, dilation 2"] == [5, 9, 13]
    assert table["3x3, 2x2 max pool after layer 1"] == [3, 8, 12]
    assert set(table) == set(rl.PRESETS)


@pytest.mark.parametrize("name", list(rl.PRESETS))
@pytest.mark.parametrize("depth", [1, 3, 6])
def test_presets_match_the_measurement(name, depth):
    layers = rl.preset_stack(name, depth)
    assert sum(layer["op"] == "conv" for layer in layers) == depth
    fields = rl.conv_fields(layers)
    assert len(fields) == depth
    assert fields[-1] == cl.measured_receptive_field(layers)


def test_preset_bad_arguments():
    with pytest.raises(ValueError, match="name must be one of"):
        rl.preset_stack("7x7", 2)
    with pytest.raises(ValueError, match="depth must be an integer >= 1"):
        rl.preset_stack("3x3", 0)
    with pytest.raises(ValueError, match="depth must be at most"):
        rl.preset_stack("3x3", 99)


# -- the 2-D region of a unit ------------------------------------------------------------------


def _forward_2d(x, layers):
    """Push one image through the real operations, all-ones kernels (no cancellation)."""
    for layer in layers:
        k, s, p = layer["kernel"], layer["stride"], layer["padding"]
        if layer["op"] == "conv":
            x = cl.conv2d(x, np.ones((k, k)), stride=s, padding=p, dilation=layer["dilation"])
        else:
            x = cl.max_pool2d(np.pad(x, p), k, stride=s)
    return x


small_conv = st.fixed_dictionaries(
    {
        "kernel": st.integers(1, 3),
        "stride": st.integers(1, 2),
        "padding": st.integers(0, 2),
        "dilation": st.integers(1, 2),
        "op": st.just("conv"),
    }
)
small_pool = st.fixed_dictionaries(
    {
        "kernel": st.just(2),
        "stride": st.just(2),
        "padding": st.integers(0, 1),
        "dilation": st.just(1),
        "op": st.just("max"),
    }
)


@settings(max_examples=25, deadline=None)
@given(
    layers=st.lists(st.one_of(small_conv, small_pool), min_size=1, max_size=3),
    data=st.data(),
)
def test_region_is_where_the_impulse_response_is_non_zero(layers, data):
    h, w = 14, 12
    try:
        top = _forward_2d(np.zeros((h, w)), layers)
    except ValueError:  # these layers do not fit a 14 x 12 input
        assume(False)
    assume(top.size > 0)
    unit = (
        data.draw(st.integers(0, top.shape[0] - 1)),
        data.draw(st.integers(0, top.shape[1] - 1)),
    )
    responds = np.zeros((h, w), dtype=bool)
    for i in range(h):
        for j in range(w):
            x = np.zeros((h, w))
            x[i, j] = 1.0
            responds[i, j] = _forward_2d(x, layers)[unit] != 0
    mask = rl.region_mask(layers, unit, (h, w))
    assert not (responds & ~mask).any()  # nothing outside the region reaches the unit
    (r0, r1), (c0, c1) = rl.unit_region(layers, unit)
    inside = r0 >= 0 and c0 >= 0 and r1 < h and c1 < w
    if inside:  # the region is the bounding box of the pixels the unit responds to
        rows, cols = np.flatnonzero(responds.any(1)), np.flatnonzero(responds.any(0))
        box = np.zeros_like(mask)
        box[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1] = True
        np.testing.assert_array_equal(mask, box)
    if inside and all(la["dilation"] == 1 and la["kernel"] >= la["stride"] for la in layers):
        np.testing.assert_array_equal(mask, responds)  # no holes: every pixel in it counts


def test_unit_region_by_hand():
    assert rl.unit_region([(3, 1, 1)] * 3, (5, 0)) == ((2, 8), (-3, 3))
    mask = rl.region_mask([(3, 2, 0)], (1, 2), (6, 8))
    assert mask.sum() == 9 and mask[2:5, 4:7].all()
    with pytest.raises(TypeError, match="unit must be a pair"):
        rl.unit_region([(3, 1, 1)], 4)
    with pytest.raises(ValueError, match=r"unit\[1\] \(col\) must be an integer >= 0"):
        rl.unit_region([(3, 1, 1)], (0, -1))
    with pytest.raises(ValueError, match="input_shape must have 2 entries"):
        rl.region_mask([(3, 1, 1)], (0, 0), (5,))


# -- the effective receptive field ------------------------------------------------------------


@pytest.mark.parametrize("k", [2, 3, 5])
def test_the_variance_law_holds_exactly(k):
    for n in range(1, 65):
        counts = rl.path_counts(n, k)
        assert len(counts) == n * (k - 1) + 1 and sum(counts) == k**n
        total = Fraction(k**n)
        mean = sum(Fraction(c * i) for i, c in enumerate(counts)) / total
        var = sum(Fraction(c) * (i - mean) ** 2 for i, c in enumerate(counts)) / total
        assert mean == Fraction(n * (k - 1), 2)
        assert var == Fraction(n * (k * k - 1), 12)
        assert rl.erf_variance(n, k) == float(var)


@pytest.mark.parametrize(("n", "k"), [(1, 3), (4, 2), (7, 3), (12, 5)])
def test_impulse_response_is_the_n_fold_convolution(n, k):
    expected = np.ones(1)
    for _ in range(n):
        expected = signal.convolve(expected, np.ones(k) / k)
    np.testing.assert_allclose(rl.impulse_response(n, k), expected, rtol=1e-12, atol=1e-15)
    assert rl.distribution_variance(rl.impulse_response(n, k)) == pytest.approx(
        rl.erf_variance(n, k), rel=1e-9
    )
    np.testing.assert_allclose(rl.erf_2d(n, k), np.outer(expected, expected), atol=1e-15)


def test_the_gaussian_approaches_the_response_and_the_ratio_shrinks_like_one_over_sqrt_n():
    gaps = [np.abs(rl.impulse_response(n, 3) - rl.gaussian(n, 3)).max() for n in (2, 8, 32)]
    assert gaps[0] > gaps[1] > gaps[2]
    assert rl.gaussian(16, 3).sum() == pytest.approx(1, abs=1e-6)
    ratio = [rl.effective_width(n, 3) / (2 * n + 1) for n in (16, 64)]
    assert ratio[0] == pytest.approx(0.39, abs=0.01)  # the ±1.96σ band: 39 % of 33 pixels
    assert ratio[1] == pytest.approx(0.20, abs=0.01)  # 20 % of 129


def test_random_linear_networks_average_to_the_path_counts():
    exact = rl.impulse_response(4, 3)
    mean = rl.random_erf(4, 3, trials=4000, seed=1)
    assert mean.shape == exact.shape and mean.sum() == pytest.approx(1)
    assert np.abs(mean - exact).max() < 0.1 * exact.max()
    # more channels: still the path counts in expectation
    mean = rl.random_erf(4, 3, trials=2000, channels=4, seed=2)
    assert np.abs(mean - exact).max() < 0.1 * exact.max()


def test_one_random_network_is_not_the_average():
    exact = rl.impulse_response(8, 3)
    singles = [rl.random_erf(8, 3, trials=1, seed=s) for s in range(20)]
    gaps = [np.abs(s - exact).max() for s in singles]
    averaged = np.abs(rl.random_erf(8, 3, trials=3000, seed=0) - exact).max()
    assert np.median(gaps) > 3 * averaged


def test_random_erf_is_seeded_and_relu_keeps_the_field_inside_r():
    a = rl.random_erf(6, 3, trials=50, relu=True, channels=3, seed=5)
    np.testing.assert_array_equal(a, rl.random_erf(6, 3, trials=50, relu=True, channels=3, seed=5))
    assert not np.array_equal(a, rl.random_erf(6, 3, trials=50, relu=True, channels=3, seed=6))
    assert a.shape == (13,) and (a >= 0).all() and a.sum() == pytest.approx(1)
    # the linear case equals the squared n-fold convolution of the drawn kernels
    one = rl.random_erf(3, 3, trials=1, seed=9, normalise=False)
    rng = np.random.default_rng(9)
    kernels = [rng.normal(0, 1 / np.sqrt(3), size=3) for _ in range(3)]
    response = np.ones(1)
    for w in kernels:
        response = signal.convolve(response, w)
    np.testing.assert_allclose(one, response**2, rtol=1e-12)


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: rl.path_counts(0, 3), ValueError, "n must be an integer >= 1"),
        (lambda: rl.path_counts(3, 3.0), TypeError, "k must be an integer"),
        (lambda: rl.path_counts(1000, 3), ValueError, "n must be at most"),
        (lambda: rl.random_erf(3, 3, trials=0), ValueError, "trials must be an integer >= 1"),
        (lambda: rl.random_erf(3, 3, trials=10**6), ValueError, "trials must be at most"),
        (lambda: rl.random_erf(3, 3, channels=99), ValueError, "channels must be at most"),
        (lambda: rl.random_erf(3, 3, relu=1), TypeError, "relu must be True or False"),
        (lambda: rl.distribution_variance([0, 0]), ValueError, "must not all be 0"),
        (lambda: rl.distribution_variance([1, -1]), ValueError, "finite and >= 0"),
    ],
)
def test_erf_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# -- real networks (the layer lists of lesson 04) -------------------------------------------


def _measured(layers):
    layers = [{k: v for k, v in la.items() if k != "name"} for la in layers]
    size = cl.receptive_field(layers).size
    return cl.measured_receptive_field(layers, input_size=4 * size + 16)


def test_vgg16_pool5_sees_212_pixels_with_stride_32():
    table = rl.network_fields(networks.vgg16())
    last = table[-1]
    assert (last.name, last.size, last.effective_stride, last.effective_padding) == (
        "pool5",
        212,
        32,
        90,  # Araujo et al.'s table: 212 / 32 / 90
    )
    assert len(table) == 18 and all(row.op in ("conv", "max") for row in table)
    assert last.field == _measured(rl.network_layers(networks.vgg16()))


def test_alexnet_torchvision_variant_by_hand():
    """conv1 11/4/2: r 11, S 4, P 2; pool1 3/2: 19, 8; conv2 5/1/2: 51, P 18; pool2: 67, 16;
    conv3-5 (3/1/1): 99, 131, 163, P 66; pool5 3/2: 195, S 32. Distill's alexnet_v2 also
    sees 195 (S 32) but starts at P = 64: a different network with the same size."""
    table = rl.network_fields(networks.alexnet())
    assert [row.size for row in table] == [11, 19, 51, 67, 99, 131, 163, 195]
    assert table[-1].field == cl.ReceptiveField(195, 32, 66)
    assert table[-1].field == _measured(rl.network_layers(networks.alexnet()))


@pytest.mark.parametrize(("stride_on", "size", "padding"), [("1x1", 483, 241), ("3x3", 427, 213)])
def test_resnet50_main_path(stride_on, size, padding):
    network = networks.resnet50(stride_on)
    layers = rl.network_layers(network)
    assert not any("downsample" in la["name"] for la in layers)  # the main path only
    assert layers[-1]["name"] == "layer4.2.conv3"  # the global average pool is left out
    table = rl.network_fields(network)
    assert table[-1].field == cl.ReceptiveField(size, 32, padding)
    assert table[-1].size > network.input_shape[1]  # more than the 224-pixel image


def test_networks_table():
    table = rl.networks_table()
    assert [(name.split(" (")[0], rf.size) for name, _, rf, _ in table] == [
        ("AlexNet", 195),
        ("VGG-16", 212),
        ("ResNet-50", 483),
        ("ResNet-50", 427),
    ]
    text = table._repr_markdown_()
    assert "| VGG-16 | pool5 | **212** | 32 | 90 | 224 |" in text
    assert text.count("more than the input") == 2
    with pytest.raises(TypeError, match="network must be a Network"):
        rl.network_layers([(3, 1, 1)])


