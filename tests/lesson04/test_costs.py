"""Operation, multiply-add, parameter and memory counts against numbers worked by hand."""

import re

import numpy as np
import pytest

from cnnlessons.lesson04.numerics.costs import (
    book_summary_slips,
    edge_detection_counts,
    layer_comparison,
    memory_bytes,
    network_costs,
)
from cnnlessons.numerics.architectures import alexnet, vgg16
from cnnlessons.numerics.matrices import conv_matrix


def test_the_book_example_counted_exactly():
    c = edge_detection_counts()
    assert c.output_shape == (280, 319)
    # 2 multiplications + 1 addition per output
    assert (c.conv.multiplications, c.conv.additions) == (2 * 319 * 280, 319 * 280)
    assert c.conv.total == 319 * 280 * 3 == 267_960
    assert c.dense_entries == 319 * 280 * 320 * 280 == 8_003_072_000
    # 89,320 outputs x (89,600 multiplications + 89,599 additions)
    assert c.dense.total == 89_320 * (89_600 + 89_599) == 16_006_054_680
    assert round(c.ratio) == 59_733
    assert c.kernel_weights == 2 and c.storage_ratio == 4_001_536_000
    assert c.nonzeros == 2 * 319 * 280 == 178_640
    assert c.dense_bytes == 32_012_288_000  # 32.0 GB in float32
    assert c.image_bytes == 358_400  # 320·280·4


def test_entries_and_nonzeros_match_the_matrix_itself():
    # a small image, where the matrix can be built: entries and non-zeros counted from it
    h, w = 5, 7
    m = conv_matrix((h, w), np.array([[-1.0, 1.0]]))
    c = edge_detection_counts(h, w)
    assert m.size == c.dense_entries
    assert np.count_nonzero(m) == c.nonzeros
    assert m.shape == (c.output_shape[0] * c.output_shape[1], h * w)


def test_the_book_summary_slips_are_computed():
    rows = {r.quantity: r for r in book_summary_slips()}
    assert "318 × 278" in rows["kernel"].slip  # a valid 3x3 kernel
    assert "17 operations per output" in rows["operations per output"].slip
    assert "1,502,868" in rows["operations per output"].slip  # 318·278·17
    assert "8.03·10⁹" in rows["dense matrix"].book  # (320·280)² = 8,028,160,000
    assert "16,006,054,680" in rows["dense matrix"].corrected
    assert "29,960×" in rows["convolution is cheaper by"].book  # 8,028,160,000 / 267,960
    assert "59,733×" in rows["convolution is cheaper by"].corrected
    assert len(rows) == 5


def test_vgg16_totals_and_shares():
    c = network_costs(vgg16())
    assert c.parameters == 138_357_544
    assert c.total("parameters", "dense") == 123_642_856
    assert round(100 * c.share("parameters", "dense")) == 89
    assert c.multiply_adds == 15_470_264_320
    assert c.total("multiply_adds", "conv") == 15_346_630_656
    assert round(100 * c.share("multiply_adds", "conv")) == 99
    assert c.count("conv") == 13 and c.count("dense") == 3


def test_vgg16_layers_by_hand():
    layers = {ly.name: ly for ly in network_costs(vgg16()).layers}
    # conv1_1: 224·224 positions x 64 filters x 3·3·3 weights
    assert layers["conv1_1"].multiply_adds == 224 * 224 * 64 * 27
    assert layers["conv1_1"].parameters == 64 * 28
    # the costliest layers tie: H'·W'·F·9·C is the same when H halves and C, F double
    tied = [n for n, ly in layers.items() if ly.multiply_adds == 1_849_688_064]
    assert tied == ["conv1_2", "conv2_2", "conv3_2", "conv3_3", "conv4_2", "conv4_3"]
    assert layers["fc6"].parameters == 25_088 * 4096 + 4096 == 102_764_544
    assert layers["fc6"].multiply_adds == 25_088 * 4096
    assert layers["pool1"].parameters == layers["pool1"].multiply_adds == 0


def test_alexnet_multiply_adds_by_hand():
    c = network_costs(alexnet())
    conv = (
        55 * 55 * 64 * 363 + 27 * 27 * 192 * 1600 + 13 * 13 * (384 * 1728 + 256 * 3456 + 256 * 2304)
    )
    dense = 9216 * 4096 + 4096 * 4096 + 4096 * 1000
    assert c.total("multiply_adds", "conv") == conv == 655_566_528
    assert c.multiply_adds == conv + dense == 714_188_480


def test_layer_comparison_d2l_and_same_padding():
    d2l = layer_comparison(1000, 1, 3, 1)
    assert d2l.dense_parameters == 10**12 + 10**6  # weights + biases
    assert d2l.dense_weight_bytes == 4 * (10**12 + 10**6)  # 4 TB in float32
    assert d2l.conv_parameters == 10 and d2l.output_shape == (1000, 1000, 1)
    # the exercise's layer: 3x3, 64 -> 128 on 56x56
    c = layer_comparison(56, 64, 3, 128)
    assert c.conv_multiply_adds == 56 * 56 * 128 * 9 * 64
    assert c.conv_parameters == 128 * (9 * 64 + 1)
    assert c.dense_multiply_adds == (56 * 56 * 64) * (56 * 56 * 128)
    assert c.output_bytes == 56 * 56 * 128 * 4


def test_memory_bytes():
    assert memory_bytes(8_003_072_000) == 32_012_288_000
    assert memory_bytes(10, bytes_per_value=8) == 80


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: edge_detection_counts(280, 1), ValueError, "kernel_width"),
        (lambda: edge_detection_counts(2.5), TypeError, "height"),
        (lambda: layer_comparison(32, 1, 2, 1), ValueError, "odd"),
        (lambda: layer_comparison(2, 1, 3, 1), ValueError, "at most side"),
        (lambda: memory_bytes(-1), ValueError, "values"),
        (lambda: network_costs(vgg16()).total("flops"), ValueError, re.escape("what")),
    ],
)
def test_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
