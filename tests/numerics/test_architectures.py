"""Layer lists of real networks: shapes worked out by hand, and the published totals."""

import pytest

from cnnlessons.lesson04.numerics.costs import network_costs
from cnnlessons.numerics.architectures import Layer, Network, alexnet, layer_shapes, resnet50, vgg16
from cnnlessons.numerics.receptive import receptive_field


def shapes(network):
    return {layer.name: out for layer, _, out in layer_shapes(network)}


def test_vgg16_is_configuration_d():
    net = vgg16()
    convs = [ly for ly in net if ly.kind == "conv"]
    assert len(convs) == 13 and all(ly.kernel == 3 and ly.padding == 1 for ly in convs)
    assert [ly.out_channels for ly in convs] == [64] * 2 + [128] * 2 + [256] * 3 + [512] * 6
    assert [ly.name for ly in net if ly.kind == "dense"] == ["fc6", "fc7", "fc8"]
    out = shapes(net)
    # five 2x2 poolings halve 224 five times
    assert [out[f"pool{i}"] for i in range(1, 6)] == [
        (64, 112, 112), (128, 56, 56), (256, 28, 28), (512, 14, 14), (512, 7, 7)]  # fmt: skip
    assert out["fc8"] == (1000, 1, 1)


def test_alexnet_shapes_by_hand():
    # conv1: floor((224 + 2·2 - 11) / 4) + 1 = 55; pools: 27, 13, 6
    out = shapes(alexnet())
    assert out["conv1"] == (64, 55, 55)
    assert out["pool1"] == (64, 27, 27)
    assert out["conv2"] == (192, 27, 27)
    assert out["pool2"] == (192, 13, 13)
    assert out["conv5"] == (256, 13, 13)
    assert out["pool5"] == (256, 6, 6)


def test_alexnet_parameters_worked_by_hand():
    # F·(C·k·k + 1) per conv, m·n + n per dense layer, added up by hand:
    by_hand = {
        "conv1": 64 * (3 * 11 * 11 + 1),  # 23,296
        "conv2": 192 * (64 * 5 * 5 + 1),  # 307,392
        "conv3": 384 * (192 * 9 + 1),  # 663,936
        "conv4": 256 * (384 * 9 + 1),  # 884,992
        "conv5": 256 * (256 * 9 + 1),  # 590,080
        "fc6": 9216 * 4096 + 4096,  # 37,752,832
        "fc7": 4096 * 4096 + 4096,  # 16,781,312
        "fc8": 4096 * 1000 + 1000,  # 4,097,000
    }
    costs = network_costs(alexnet())
    assert {ly.name: ly.parameters for ly in costs.weighted()} == by_hand
    assert costs.parameters == 61_100_840  # torchvision's alexnet().parameters() count


def test_resnet50_parameters_in_both_variants():
    for stride_on in ("3x3", "1x1"):
        costs = network_costs(resnet50(stride_on))
        assert costs.parameters == 25_557_032  # torchvision's resnet50 parameter count
        assert costs.count("conv") == 1 + 16 * 3 + 4  # stem, 16 bottlenecks, 4 projections


def test_resnet50_variants_put_the_stride_where_they_say():
    v15, paper = resnet50("3x3"), resnet50("1x1")
    block = {ly.name: ly for ly in v15}
    assert block["layer2.0.conv1"].stride == 1 and block["layer2.0.conv2"].stride == 2
    block = {ly.name: ly for ly in paper}
    assert block["layer2.0.conv1"].stride == 2 and block["layer2.0.conv2"].stride == 1
    for net in (v15, paper):
        out = shapes(net)
        assert out["layer1.2.conv3"] == (256, 56, 56)
        assert out["layer4.2.conv3"] == (2048, 7, 7)
        assert out["avgpool"] == (2048, 1, 1)
        for stage in (1, 2, 3, 4):  # each projection matches the main path it is added to
            assert out[f"layer{stage}.0.downsample"] == out[f"layer{stage}.0.conv3"]


def test_resnet50_compute_differs_between_variants():
    # torchvision lists 4.09 GFLOPS (multiply-adds) for its v1.5; the paper's variant does its
    # 3x3 convolutions of each downsampling block on the smaller map, so it does less
    v15 = network_costs(resnet50("3x3")).multiply_adds
    paper = network_costs(resnet50("1x1")).multiply_adds
    assert round(v15 / 1e9, 2) == 4.09
    assert paper < v15


@pytest.mark.parametrize(("net", "size"), [(vgg16(), 212), (alexnet(), 195)])
def test_main_paths_give_the_distill_receptive_fields(net, size):
    # Araujo et al. 2019 (Distill): VGG-16 pool5 212 px; 195 px for TF-slim alexnet_v2, whose
    # kernels and strides torchvision's AlexNet shares (11/4, 3/2, 5, 3/2, 3, 3, 3, 3/2)
    path = [ly.receptive_spec for ly in net.main_path() if ly.kind != "dense"]
    rf = receptive_field(path)
    assert rf.size == size and rf.stride == 32


def test_resnet50_receptive_fields_of_the_two_variants():
    # Araujo et al. 2019: 483 with the stride on the first 1x1 (the paper), 427 on the 3x3
    for stride_on, size in (("1x1", 483), ("3x3", 427)):
        path = [ly.receptive_spec for ly in resnet50(stride_on).main_path() if ly.kind == "conv"
                or ly.name == "maxpool"]  # fmt: skip
        assert receptive_field(path).size == size


def test_bad_layers_and_networks():
    with pytest.raises(ValueError, match="kind"):
        Layer("x", "fancy", 3, 3)
    with pytest.raises(ValueError, match="keeps its channels"):
        Layer("p", "max", 3, 4, kernel=2, stride=2)
    with pytest.raises(ValueError, match="padding"):
        Layer("c", "conv", 3, 4, kernel=3, padding=-1)
    with pytest.raises(ValueError, match="stride_on"):
        resnet50("2x2")
    with pytest.raises(TypeError, match="network"):
        layer_shapes([Layer("c", "conv", 3, 4)])
    with pytest.raises(ValueError, match="expects 25,088 inputs"):
        layer_shapes(vgg16(), (3, 256, 256))
    with pytest.raises(ValueError, match="expects 3 channels"):
        layer_shapes(Network("n", (Layer("c", "conv", 3, 4),)), (1, 8, 8))
    with pytest.raises(ValueError, match="dense layer"):
        _ = vgg16().layers[-1].receptive_spec
