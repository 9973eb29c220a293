"""The worked numbers of the curriculum (shared/CURRICULUM.md), each computed by the package."""

import numpy as np
import pytest

import cnnlessons as cl
from cnnlessons.numerics.matrices import LAYER_KINDS


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
    """Seed 001's m = 10,000 inputs, n = 9,000 outputs (90 x 100), k = 9 (3 x 3), by hand."""
    assert cl.dense_connections(10_000, 9_000) == 90_000_000
    assert cl.conv_connections(9_000, 9) == 81_000
    assert cl.locally_connected_params(1, 1, 3, (90, 100), bias=False) == 81_000
    assert cl.conv_params(1, 1, 3, bias=False) == 9
    assert cl.tiled_params(1, 1, 3, tiles=2, bias=False) == 36
    assert cl.tiled_params(1, 1, 3, tiles=1) == 10  # one tile is a convolution: 9 + 1 bias


@pytest.mark.parametrize(("h", "w", "k"), [(6, 6, 3), (5, 8, 2), (7, 4, (3, 1)), (9, 9, 5)])
def test_counts_agree_with_the_layers_matrices(h, w, k):
    """Count what the matrices hold: the non-zeros of a convolution's matrix are its
    connections and its multiplications; each row of r non-zeros costs r - 1 additions; the
    distinct weights of each layer's index matrix are its parameters."""
    kh, kw = (k, k) if isinstance(k, int) else k
    m = cl.conv_matrix((h, w), np.random.default_rng(1).uniform(1, 2, size=(kh, kw)))
    n_out, n_in = m.shape
    nonzeros = np.count_nonzero(m, axis=1)
    ops = cl.conv_ops((cl.output_size(h, kh), cl.output_size(w, kw)), (kh, kw))
    assert cl.conv_connections(n_out, kh * kw) == nonzeros.sum() == ops.multiplications
    assert ops.additions == (nonzeros - 1).sum()
    assert cl.dense_connections(n_in, n_out) == m.size
    dense = cl.dense_ops(n_in, n_out)
    assert (dense.multiplications, dense.additions) == (m.size, m.size - n_out)
    counted = {
        kind: cl.count_parameters(cl.weight_indices(kind, (h, w), k, tiles=2))
        for kind in LAYER_KINDS
    }
    oh, ow = cl.output_size(h, kh), cl.output_size(w, kw)
    assert counted["dense"] == cl.dense_params(n_in, n_out, bias=False)
    assert counted["conv"] == cl.conv_params(1, 1, k, bias=False)
    assert counted["locally_connected"] == cl.locally_connected_params(
        1, 1, k, (oh, ow), bias=False
    )
    assert counted["tiled"] == cl.tiled_params(1, 1, k, tiles=(min(2, oh), min(2, ow)), bias=False)


def test_op_count_total_is_the_sum():
    assert cl.OpCount(3, 2).total == 5
    assert cl.conv_ops((2, 2), 3, in_channels=2, out_channels=4) == cl.OpCount(288, 272)


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
