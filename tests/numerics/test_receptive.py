"""Receptive fields: the closed form agrees with an impulse pushed through the real layers."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cnnlessons as cl


@pytest.mark.parametrize(("k", "sizes"), [(3, [3, 5, 7]), (5, [5, 9, 13])])
def test_stacked_stride_1_layers(k, sizes):
    for depth, size in enumerate(sizes, start=1):
        rf = cl.receptive_field([(k, 1, k // 2)] * depth)
        assert (rf.size, rf.stride) == (size, 1)
        assert cl.measured_receptive_field([(k, 1, k // 2)] * depth).size == size


def test_padding_moves_but_does_not_grow_the_field():
    a, b = cl.receptive_field([(3, 1, 0)] * 2), cl.receptive_field([(3, 1, 1)] * 2)
    assert a.size == b.size == 5 and (a.padding, b.padding) == (0, 2)
    assert b.span(0) == (-2, 2) and a.span(4) == (4, 8)


def test_dilation_and_stride_by_hand():
    assert cl.receptive_field([(3, 1, 0, 2)]).size == 5
    assert cl.receptive_field([(3, 1, 1, 1), (3, 1, 2, 2), (3, 1, 4, 4)]).size == 15
    rf = cl.receptive_field([(3, 2, 1), (3, 2, 1), (3, 2, 1)])
    assert (rf.size, rf.stride) == (15, 8)
    # mappings, and pooling as a layer
    stem = [
        {"kernel": 7, "stride": 2, "padding": 3},
        {"kernel": 3, "stride": 2, "padding": 1, "op": "max"},
    ]
    assert cl.receptive_field(stem) == cl.ReceptiveField(size=11, stride=4, padding=5)


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


@settings(max_examples=80, deadline=None)
@given(layers=st.lists(st.one_of(conv_layer, pool_layer), min_size=1, max_size=4))
def test_formula_equals_measurement(layers):
    assert cl.receptive_field(layers) == cl.measured_receptive_field(layers)


@pytest.mark.parametrize(
    ("layers", "exc", "match"),
    [
        ([], ValueError, "at least one layer"),
        ("3,1,1", TypeError, "layers must be a list"),
        ([(3, 1)], ValueError, r"layers\[0\] must be \(kernel, stride, padding\)"),
        ([(3, 0, 1)], ValueError, r"layers\[0\] stride must be an integer >= 1"),
        ([(3, 1, 1), (3.5, 1, 1)], TypeError, r"layers\[1\] kernel must be an integer"),
        ([{"kernel": 3, "strides": 2}], ValueError, "unknown keys"),
        ([{"stride": 2}], ValueError, "needs a 'kernel'"),
        ([{"kernel": 3, "op": "min"}], ValueError, "op must be one of"),
        ([3], TypeError, "must be a tuple or a mapping"),
        # a later bad layer is named, not reported as "too large to measure"
        ([(3, 1, 1), (3, 1, 1), (0, 1, 1)], ValueError, r"layers\[2\] kernel must be"),
        # pooling windows are not dilated: refused by both, with the reason
        (
            [{"kernel": 3, "dilation": 2, "op": "max"}],
            ValueError,
            r"layers\[0\] dilation must be 1 for a pooling layer \(op='max'\)",
        ),
        (
            [(3, 1, 1), {"kernel": 2, "stride": 2, "dilation": 3, "op": "avg"}],
            ValueError,
            r"layers\[1\] dilation must be 1 for a pooling layer",
        ),
    ],
)
def test_both_reject_bad_layers_with_the_same_reason(layers, exc, match):
    with pytest.raises(exc, match=match) as formula:
        cl.receptive_field(layers)
    with pytest.raises(exc, match=match) as measured:
        cl.measured_receptive_field(layers)
    assert str(measured.value) == str(formula.value)


def test_measured_with_too_small_an_input():
    with pytest.raises(ValueError, match="input_size=4 is too small"):
        cl.measured_receptive_field([(5, 1, 0), (5, 1, 0)], input_size=4)
    # a dilated layer's field has holes: on 3 pixels the middle unit sees only pixel 1 of
    # its field -1, 1, 3, which must not pass for a field of size 1
    dilated = [{"kernel": 3, "dilation": 2, "padding": 2}]
    with pytest.raises(ValueError, match="input_size=3 is too small"):
        cl.measured_receptive_field(dilated, input_size=3)
    assert cl.measured_receptive_field(dilated, input_size=9) == cl.ReceptiveField(5, 1, 2)


def test_measured_on_a_given_input_size_by_hand():
    """Two 3-tap stride-2 layers with padding 1 on 16 pixels: 8 then 4 units; unit 1 sees
    pixels 1 .. 7 (7 = 1 + 2 + 2 * 2), unit 2 starts 4 further on."""
    got = cl.measured_receptive_field([(3, 2, 1), (3, 2, 1)], input_size=16)
    assert got == cl.ReceptiveField(size=7, stride=4, padding=3)
    assert got.span(1) == (1, 7) and got.span(2) == (5, 11)


def test_pooling_layers_with_more_than_half_a_window_of_padding():
    layers = [{"kernel": 2, "padding": 3, "op": "max"}, {"kernel": 3, "padding": 4, "op": "avg"}]
    assert cl.measured_receptive_field(layers) == cl.receptive_field(layers)
    assert cl.receptive_field(layers) == cl.ReceptiveField(size=4, stride=1, padding=7)
