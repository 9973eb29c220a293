"""Real networks as lists of layers (no plotting): VGG-16, AlexNet and ResNet-50.

Each ``Layer`` records what counting and receptive-field code need: its kind (``"conv"``,
``"max"`` or ``"avg"`` pooling, ``"dense"``), kernel side ``k``, stride ``s``, padding ``p``,
dilation ``d``, input and output channels (``C``, ``F``; for a dense layer the numbers of
inputs and outputs, ``m`` and ``n``), whether it has a bias or a batch norm after it, and which
path it is on (``"main"``, or ``"shortcut"`` for ResNet's projections). ``layer_shapes`` walks
a network from its input and gives every layer's input and output shape ``(C, H, W)``.

Only layers that change the shape or hold parameters are listed: ReLUs, dropout, flattening
and residual additions have no parameters and no multiply-adds (see ``costs``).

- ``vgg16()``: Simonyan & Zisserman (2015), configuration D, 224x224x3 input, as in
  torchvision (``AdaptiveAvgPool2d((7, 7))`` is the identity at 224, so it is left out).
- ``alexnet()``: torchvision's variant (64, 192, 384, 256, 256 filters, after Krizhevsky's
  "One weird trick" paper), not the 2012 paper's two-GPU network (96, 256, 384, 384, 256).
- ``resnet50(stride_on="3x3")``: He et al. (2016) bottleneck ResNet-50. With the stride of a
  downsampling block on its 3x3 convolution it is torchvision's ("ResNet v1.5"); with
  ``stride_on="1x1"`` the stride sits on the block's first 1x1 convolution, as in the paper.
  Both have the same parameters (25,557,032) and differ in compute and receptive field.

Introduced in lesson 04; lesson 06 reads the same lists for receptive fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from cnnlessons import _checks
from cnnlessons.numerics.geometry import output_size

__all__ = ["Layer", "Network", "LAYER_KINDS", "vgg16", "alexnet", "resnet50", "layer_shapes"]

LAYER_KINDS = ("conv", "max", "avg", "dense")
PATHS = ("main", "shortcut")


@dataclass(frozen=True)
class Layer:
    """One layer. Pooling layers have ``in_channels == out_channels``; a dense layer has
    ``kernel=1`` and ``in_channels``/``out_channels`` = its numbers of inputs and outputs.
    ``batch_norm``: a batch normalisation follows (2 learned parameters per channel).
    ``input_from``: the name of the layer whose output this one reads (default: the previous
    layer of the main path), e.g. a ResNet shortcut reads its block's input."""

    name: str
    kind: str
    in_channels: int
    out_channels: int
    kernel: int = 1
    stride: int = 1
    padding: int = 0
    dilation: int = 1
    bias: bool = True
    batch_norm: bool = False
    path: str = "main"
    input_from: str | None = None

    def __post_init__(self):
        _checks.text(self.name, "name")
        _checks.choice(self.kind, "kind", LAYER_KINDS)
        _checks.choice(self.path, "path", PATHS)
        for name in ("in_channels", "out_channels", "kernel", "stride", "dilation"):
            _checks.integer(getattr(self, name), name, minimum=1)
        _checks.integer(self.padding, "padding", minimum=0)
        _checks.boolean(self.bias, "bias")
        _checks.boolean(self.batch_norm, "batch_norm")
        if self.input_from is not None:
            _checks.text(self.input_from, "input_from")
        if self.kind in ("max", "avg") and self.in_channels != self.out_channels:
            raise ValueError(
                f"a pooling layer keeps its channels: in_channels={self.in_channels} "
                f"and out_channels={self.out_channels} must be equal"
            )

    @property
    def receptive_spec(self) -> dict:
        """The layer as ``receptive.receptive_field`` reads it (a dense layer sees everything,
        so it has no receptive-field spec: ``ValueError``)."""
        if self.kind == "dense":
            raise ValueError(f"{self.name} is a dense layer: it has no receptive field of its own")
        return {
            "kernel": self.kernel,
            "stride": self.stride,
            "padding": self.padding,
            "dilation": self.dilation,
            "op": self.kind,
        }


@dataclass(frozen=True)
class Network:
    """A named list of layers and the input shape ``(C, H, W)`` they were written for."""

    name: str
    layers: tuple
    input_shape: tuple = (3, 224, 224)
    note: str = ""

    def __post_init__(self):
        _checks.text(self.name, "name")
        if not isinstance(self.layers, (tuple, list)) or not self.layers:
            raise TypeError(
                f"layers must be a non-empty tuple of Layer, got {_checks._shown(self.layers)}"
            )
        for i, layer in enumerate(self.layers):
            _checks.instance(layer, f"layers[{i}]", Layer, "a Layer")
        object.__setattr__(self, "layers", tuple(self.layers))
        object.__setattr__(
            self, "input_shape", _checks.shape(self.input_shape, "input_shape", lengths=(3,))
        )
        _checks.text(self.note, "note")

    def __iter__(self):
        return iter(self.layers)

    def __len__(self) -> int:
        return len(self.layers)

    def main_path(self) -> tuple:
        """The layers of the main path, in order (what a receptive field is computed along)."""
        return tuple(layer for layer in self.layers if layer.path == "main")


def _conv(name, c, f, k, s=1, p=0, **kwargs) -> Layer:
    return Layer(name, "conv", c, f, kernel=k, stride=s, padding=p, **kwargs)


def _pool(name, c, k, s, p=0, kind="max") -> Layer:
    return Layer(name, kind, c, c, kernel=k, stride=s, padding=p, bias=False)


def _dense(name, m, n) -> Layer:
    return Layer(name, "dense", m, n)


def vgg16() -> Network:
    """VGG-16, configuration D: thirteen 3x3 convolutions (padding 1) in five blocks, each
    block ending in 2x2 max pooling, then three dense layers (25,088 -> 4,096 -> 4,096 ->
    1,000). 138,357,544 parameters."""
    layers, c = [], 3
    for block, (width, repeat) in enumerate(
        [(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)], start=1
    ):
        for i in range(1, repeat + 1):
            layers.append(_conv(f"conv{block}_{i}", c, width, 3, 1, 1))
            c = width
        layers.append(_pool(f"pool{block}", c, 2, 2))
    layers += [
        _dense("fc6", 512 * 7 * 7, 4096),
        _dense("fc7", 4096, 4096),
        _dense("fc8", 4096, 1000),
    ]
    return Network("VGG-16", tuple(layers), note="configuration D (Simonyan & Zisserman 2015)")


def alexnet() -> Network:
    """AlexNet as torchvision builds it: 11x11 stride-4 convolution (64 filters, padding 2),
    3x3 stride-2 max pooling, 5x5 (192), pooling, three 3x3 (384, 256, 256), pooling, then
    dense 9,216 -> 4,096 -> 4,096 -> 1,000. 61,100,840 parameters."""
    layers = [
        _conv("conv1", 3, 64, 11, 4, 2),
        _pool("pool1", 64, 3, 2),
        _conv("conv2", 64, 192, 5, 1, 2),
        _pool("pool2", 192, 3, 2),
        _conv("conv3", 192, 384, 3, 1, 1),
        _conv("conv4", 384, 256, 3, 1, 1),
        _conv("conv5", 256, 256, 3, 1, 1),
        _pool("pool5", 256, 3, 2),
        _dense("fc6", 256 * 6 * 6, 4096),
        _dense("fc7", 4096, 4096),
        _dense("fc8", 4096, 1000),
    ]
    return Network("AlexNet", tuple(layers), note="torchvision's variant (64-192-384-256-256)")


RESNET_STRIDE_ON = ("3x3", "1x1")


def resnet50(stride_on: str = "3x3") -> Network:
    """ResNet-50: a 7x7 stride-2 convolution, 3x3 stride-2 max pooling, 16 bottleneck blocks
    (1x1 reduce, 3x3, 1x1 expand; 3, 4, 6, 3 of them with widths 64, 128, 256, 512 and
    4x as many outputs), global average pooling and one dense layer (2,048 -> 1,000).
    Convolutions have no bias and a batch norm after them. The first block of each stage has
    a projection shortcut (1x1, ``path="shortcut"``, reading the block's input).

    ``stride_on``: where a downsampling block (first of stages 2-4) puts its stride 2:
    ``"3x3"`` (torchvision, "v1.5", the default) or ``"1x1"`` (the paper: its first 1x1).
    """
    _checks.choice(stride_on, "stride_on", RESNET_STRIDE_ON)
    bn = {"bias": False, "batch_norm": True}
    layers = [_conv("conv1", 3, 64, 7, 2, 3, **bn), _pool("maxpool", 64, 3, 2, 1)]
    c, previous = 64, "maxpool"
    for stage, (width, blocks) in enumerate([(64, 3), (128, 4), (256, 6), (512, 3)], start=1):
        for b in range(blocks):
            s = 2 if (stage > 1 and b == 0) else 1
            s1, s3 = (1, s) if stride_on == "3x3" else (s, 1)
            name = f"layer{stage}.{b}"
            layers += [
                _conv(f"{name}.conv1", c, width, 1, s1, 0, **bn),
                _conv(f"{name}.conv2", width, width, 3, s3, 1, **bn),
                _conv(f"{name}.conv3", width, 4 * width, 1, 1, 0, **bn),
            ]
            if b == 0:
                layers.append(
                    _conv(
                        f"{name}.downsample",
                        c,
                        4 * width,
                        1,
                        s,
                        0,
                        path="shortcut",
                        input_from=previous,
                        **bn,
                    )  # fmt: skip
                )
            c, previous = 4 * width, f"{name}.conv3"
    layers += [_pool("avgpool", 2048, 7, 1, kind="avg"), _dense("fc", 2048, 1000)]
    variant = "torchvision, stride on the 3x3 (v1.5)" if stride_on == "3x3" else "the paper"
    return Network(
        "ResNet-50", tuple(layers), note=f"{variant}; avgpool is global (7x7 at 224x224)"
    )


def layer_shapes(network: Network, input_shape=None) -> list:
    """``[(layer, in_shape, out_shape), ...]`` with shapes ``(C, H, W)``; a dense layer's
    output is ``(n, 1, 1)``. ``input_shape`` defaults to the network's own. A dense layer
    must receive exactly ``in_channels`` values (C·H·W), else ``ValueError``."""
    if not isinstance(network, Network):
        raise TypeError(f"network must be a Network (e.g. vgg16()), got {type(network).__name__}")
    shape = _checks.shape(
        network.input_shape if input_shape is None else input_shape, "input_shape", lengths=(3,)
    )
    shape_in = shape
    outputs, rows = {}, []
    for layer in network.layers:
        source = shape if layer.input_from is None else outputs.get(layer.input_from)
        if source is None:
            raise ValueError(
                f"{layer.name} reads {layer.input_from!r}, which comes later or not at all"
            )
        c, h, w = source
        if layer.kind == "dense":
            if c * h * w != layer.in_channels:
                raise ValueError(
                    f"{layer.name} expects {layer.in_channels:,} inputs but receives "
                    f"{c}x{h}x{w} = {c * h * w:,} (input_shape {network.input_shape} -> here)"
                )
            out = (layer.out_channels, 1, 1)
        else:
            if c != layer.in_channels:
                raise ValueError(
                    f"{layer.name} expects {layer.in_channels} channels but receives {c}"
                )
            try:
                size = [output_size(i, layer.kernel, layer.stride, layer.padding, layer.dilation)
                        for i in (h, w)]  # fmt: skip
            except ValueError:
                raise ValueError(
                    f"input_shape {tuple(shape_in)} is too small for {network.name}: layer "
                    f"{layer.name} (kernel {layer.kernel}, padding {layer.padding}) receives "
                    f"{h}x{w}, smaller than its kernel"
                ) from None
            out = (layer.out_channels, *size)
        rows.append((layer, source, out))
        outputs[layer.name] = out
        if layer.path == "main":
            shape = out
    return rows
