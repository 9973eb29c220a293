"""Exercises of lesson 04, computational efficiency."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

from cnnlessons.checking import Feedback, NumberExercise, _Exercise
from cnnlessons.lesson04.numerics.costs import memory_bytes, network_costs
from cnnlessons.numerics.architectures import resnet50, vgg16
from cnnlessons.numerics.counting import conv_ops, dense_params

__all__ = ["q1", "q2", "q3", "NameExercise"]

_VGG = network_costs(vgg16())
_MOST = max(layer.multiply_adds for layer in _VGG.layers)
_TIED = tuple(layer.name for layer in _VGG.layers if layer.multiply_adds == _MOST)
_BY_NAME = {layer.name: layer for layer in _VGG.layers}
# q3 asks about ResNet-50, whose layers the lesson does not draw (issue 20: VGG-16's six equal
# bars were on the screen just above the question)
_RES = network_costs(resnet50())
_RES_BY_NAME = {layer.name: layer for layer in _RES.layers}
_RES_MOST = max(_RES.layers, key=lambda layer: layer.multiply_adds)
_RES_3X3 = _RES_BY_NAME["layer1.0.conv2"].multiply_adds

# -- q1: operations of a conv layer --------------------------------------------------------
_Q1 = conv_ops((56, 56), 3, 64, 128)
_SAME_OUTPUTS = 56 * 56 * 128

q1 = NumberExercise(
    prompt="A conv layer with 128 filters of 3x3 reads a 56x56 map with 64 channels, with "
    '"same" padding (the output is 56x56x128). How many **operations** does it do, counting '
    "multiplications and additions separately (no biases)?",
    answer=_Q1.total,
    mistakes={
        _Q1.multiplications: "that is the number of multiply-adds (one per weight use). The "
        "question counts each multiplication and each addition as one operation.",
        2 * _Q1.multiplications: "almost: a dot product of 576 terms needs 576 multiplications "
        "but only 575 additions.",
        conv_ops((56, 56), 3, 1, 128).total: "did you include the 64 input channels? Each "
        "filter is 3x3x**64**: one output is a dot product of 576 terms, not 9.",
        conv_ops((56, 56), 3, 64, 1).total: "that is one filter's work; there are 128 filters, "
        "each making its own 56x56 output.",
        conv_ops((56, 56), 3).total: "that forgets both the 64 input channels and the 128 filters.",
        conv_ops((54, 54), 3, 64, 128).total: 'that is a "valid" output of 54x54; with "same" '
        "padding the output stays 56x56.",
    },
    hint_text="One output is a dot product of k·k·C = 3·3·64 = 576 products: 576 "
    "multiplications and 575 additions. How many outputs are there?",
    solution_text=f"56·56·128 = {_SAME_OUTPUTS:,} outputs, each 576 multiplications + 575 "
    f"additions: {_SAME_OUTPUTS:,} · 1,151 = **{_Q1.total:,}** operations "
    f"({_Q1.multiplications:,} multiply-adds). `cl.conv_ops((56, 56), 3, 64, 128).total`.",
    code="cl.conv_ops((56, 56), 3, 64, 128).total",
)

# -- q2: memory of a dense layer -----------------------------------------------------------
_N_IN = 224 * 224 * 3
_Q2_BYTES = memory_bytes(dense_params(_N_IN, 4096))

q2 = NumberExercise(
    prompt="A 224x224 colour photo (224x224x3) goes straight into a dense layer of 4,096 units "
    "(as wide as VGG-16's first dense layer). How many **gigabytes** do its parameters "
    "(weights and biases) take in float32 (4 bytes each; 1 GB = 10⁹ bytes)?",
    answer=_Q2_BYTES / 1e9,
    tolerance=0.005,
    mistakes={
        dense_params(_N_IN, 4096): "that is the number of parameters; each takes 4 bytes, and "
        "the answer is in GB.",
        _Q2_BYTES: "those are bytes: give the answer in GB (divide by 10⁹).",
        memory_bytes(dense_params(224 * 224, 4096)) / 1e9: "did you include the 3 colour "
        "channels? The layer has 224·224·**3** inputs.",
        memory_bytes(dense_params(_N_IN, 4096), 8) / 1e9: "that is float64 (8 bytes); float32 "
        "takes 4.",
        _Q2_BYTES / 2**30: "that is in GiB (2³⁰ bytes); the question uses 1 GB = 10⁹ bytes.",
    },
    hint_text="m = 224·224·3 = 150,528 inputs, n = 4,096 outputs: m·n weights + n biases, "
    "4 bytes each.",
    solution_text=f"(150,528 · 4,096 + 4,096) · 4 B = {_Q2_BYTES:,} B ≈ "
    f"**{_Q2_BYTES / 1e9:.2f} GB**, for one layer, before the network has done anything. "
    "VGG-16 first shrinks the image to 7x7x512 with convolutions and pooling; its first dense "
    f"layer then needs {memory_bytes(_BY_NAME['fc6'].parameters) / 1e9:.2f} GB.",
    code="cl.dense_params(224 * 224 * 3, 4096) * 4 / 1e9",
)


# -- q3: which layer of VGG-16 computes most -----------------------------------------------
@dataclass
class NameExercise(_Exercise):
    """An answer that is a name (text, any case); ``answers`` are all accepted, ``mistakes``
    maps other names (or name prefixes ending in "*") to a message."""

    answers: tuple = ()
    right: str = ""
    mistakes: dict = field(default_factory=dict)
    names: tuple = ()
    network: str = "VGG-16"

    def _check(self, answer) -> Feedback:
        if not isinstance(answer, str):
            return Feedback(
                False, f"give the layer's name as text in quotes, e.g. `'conv2_1'`, not a "
                f"{type(answer).__name__}."
            )  # fmt: skip
        answer = str.__str__(answer)  # a plain str: a subclass's strip() is never called
        name = answer.strip().lower()
        if name in self.answers:
            return Feedback(True, self.right.format(name=name))
        for wrong, message in self.mistakes.items():
            if fnmatch.fnmatchcase(name, wrong):  # "fc*", "layer*.conv2"
                return Feedback(False, message)
        if name not in self.names:
            shown = ", ".join(self.names[:3])
            return Feedback(False, f"{answer[:40]!r} is not a layer of {self.network} (they "
                            f"are named {shown}, ..., {self.names[-1]}).")  # fmt: skip
        return Feedback(False, "that layer is not the costliest. Try `.hint()`.")


q3 = NameExercise(
    prompt="Which layer of **ResNet-50** (torchvision's, 224x224x3 input) does the most "
    "multiply-adds? Give its name as text, e.g. `'layer2.0.conv2'`. Its layers are conv1 (7x7, "
    "stride 2, 3 -> 64 channels, output 112x112), maxpool, then 16 bottleneck blocks "
    "`layerS.B.conv1` (1x1), `.conv2` (3x3), `.conv3` (1x1), `.downsample`, avgpool and fc. "
    "`network_costs(resnet50())` lists them; predict first with H'·W'·F·k·k·C.",
    answers=(_RES_MOST.name,),
    network="ResNet-50",
    right=f"{{name}} does {_RES_MOST.multiply_adds:,} multiply-adds: 112·112·64·7·7·3. Every 3x3 "
    f"convolution of the four stages does {_RES_3X3:,}, a little less: as in VGG-16, each time "
    "the map's side halves the channels double, and H·W·F·9·C stays the same. The first layer "
    "wins by its 7x7 kernel, although it reads only 3 channels.",
    mistakes={
        "fc": f"fc holds 2,049,000 parameters and uses each once: "
        f"{_RES_BY_NAME['fc'].multiply_adds:,} multiply-adds.",
        "layer*.conv2": f"close: every 3x3 convolution of the stages does {_RES_3X3:,}, all "
        "tied. One layer does a little more: try H'·W'·F·k·k·C on conv1.",
        "layer*.conv1": "a 1x1 reduction: k·k = 1, a ninth of a 3x3's work per channel pair.",
        "layer*.conv3": "a 1x1 expansion: k·k = 1.",
        "layer*.downsample": "a 1x1 (strided) projection: k·k = 1.",
        "maxpool": "pooling layers have no weights and do no multiply-adds (they take maxima).",
        "avgpool": "pooling layers have no weights and do no multiply-adds.",
    },
    names=tuple(_RES_BY_NAME),
    hint_text="A conv layer does H'·W'·F·k·k·C multiply-adds. Compute it for conv1 (112x112 "
    "output, 64 filters of 7x7 over 3 channels) and for layer1.0.conv2 (56x56, 64 -> 64, 3x3).",
    solution_text=f"**conv1**: 112·112·64·7·7·3 = {_RES_MOST.multiply_adds:,}, against "
    f"{_RES_3X3:,} for each 3x3 convolution of the stages. "
    "`max(network_costs(resnet50()).layers, key=lambda ly: ly.multiply_adds).name`.",
    code="max(network_costs(resnet50()).layers, key=lambda ly: ly.multiply_adds).name",
)
