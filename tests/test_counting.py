"""The worked numbers of the curriculum (shared/CURRICULUM.md), each computed by the package."""

import pytest

import cnnlessons as cl


def test_seed_000_parameter_counts():
    # 32x32x3 input, six 5x5 filters, 28x28x6 output
    assert cl.output_size(32, 5) == 28
    assert cl.dense_params(32 * 32 * 3, 28 * 28 * 6, bias=False) == 14_450_688
    assert cl.dense_params(32 * 32 * 3, 28 * 28 * 6) == 14_455_392
    assert cl.conv_params(3, 6, 5) == 456
    # the seed's 156 is right only for a one-channel input
    assert cl.conv_params(1, 6, 5) == 156


def test_deep_learning_edge_detection_operations():
    out_h, out_w = 280, cl.output_size(320, 2)
    assert (out_h, out_w) == (280, 319)
    conv = cl.conv_ops((out_h, out_w), (1, 2))
    assert (conv.multiplications, conv.additions, conv.total) == (178_640, 89_320, 267_960)
    n_in, n_out = 320 * 280, out_h * out_w
    assert cl.dense_params(n_in, n_out, bias=False) == 8_003_072_000
    dense = cl.dense_ops(n_in, n_out)
    assert dense.multiplications == 89_320 * 89_600
    assert dense.additions == 89_320 * 89_599
    assert dense.total == 16_006_054_680
    assert dense.total // conv.total == 59_733
    assert (
        cl.dense_params(n_in, n_out, bias=False) // cl.conv_params(1, 1, (1, 2), bias=False)
        == 4_001_536_000
    )
    # the non-zeros of that matrix: 2 per output
    assert cl.conv_connections(n_out, 2) == 178_640


def test_seed_001_slip_numbers():
    """What seed 001 computed, so the lesson can name each slip."""
    assert cl.output_size(320, 3) == 318 and cl.output_size(280, 3) == 278
    # its ~30,000x: entries of a (320*280)^2 matrix divided by the convolution's operations
    square_entries = cl.dense_params(320 * 280, 320 * 280, bias=False)
    assert square_entries == 8_028_160_000
    assert round(square_entries / cl.conv_ops((280, 319), (1, 2)).total) == 29_960


def test_d2l_megapixel_dense_layer():
    assert cl.dense_params(1000 * 1000, 1000 * 1000, bias=False) == 10**12


def test_scaling_per_layer():
    m, n, k = 10_000, 9_000, 9
    assert cl.dense_connections(m, n) == m * n
    assert cl.conv_connections(n, k) == k * n
    assert cl.locally_connected_params(1, 1, 3, (90, 100), bias=False) == k * n
    assert cl.conv_params(1, 1, 3, bias=False) == k
    assert cl.tiled_params(1, 1, 3, tiles=2, bias=False) == 4 * k
    assert cl.tiled_params(1, 1, 3, tiles=1) == cl.conv_params(1, 1, 3)


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: cl.dense_params(0, 3), ValueError, "n_in must be an integer >= 1"),
        (lambda: cl.dense_params(2.5, 3), TypeError, "n_in must be an integer"),
        (lambda: cl.dense_params(3, 3, bias="yes"), TypeError, "bias must be True or False"),
        (lambda: cl.conv_params(3, 6, (5, 5, 5)), ValueError, "kernel_size must be an integer"),
        (lambda: cl.conv_params(True, 6, 5), TypeError, "in_channels must be an integer"),
        (lambda: cl.conv_ops((280, 319), 0), ValueError, "kernel_size must be an integer >= 1"),
        (lambda: cl.locally_connected_params(1, 1, 3, "big"), TypeError, "output_size"),
        (lambda: cl.tiled_params(1, 1, 3, tiles=0), ValueError, "tiles must be"),
    ],
)
def test_counting_rejects_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
