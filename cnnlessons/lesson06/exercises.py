"""Exercises of lesson 06, receptive fields."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cnnlessons.checking import Feedback, FunctionExercise, NumberExercise, _Exercise
from cnnlessons.lesson06.numerics.stacks import conv_fields, network_layers
from cnnlessons.numerics.architectures import vgg16
from cnnlessons.numerics.receptive import receptive_field

__all__ = ["q1", "q2", "q3", "q4", "StackExercise", "VGG19_LAYERS"]

# -- q1: a stack whose third layer sees 11, not the one shown ------------------------------


@dataclass
class StackExercise(_Exercise):
    """The answer is a layer list (as for ``receptive_field``) with ``depth`` convolutions
    (pooling layers allowed between them); correct when the last convolution's units see
    ``size`` pixels."""

    depth: int = 3
    size: int = 11
    #: stacks the lesson shows (layer lists): the same fields (sizes and strides) are refused
    shown: tuple = ()

    def _check(self, answer) -> Feedback:
        if isinstance(answer, (str, bytes, Mapping)) or not isinstance(answer, Sequence):
            return Feedback(
                False,
                "give a list of layers, e.g. `[(3, 1, 1), (3, 1, 1), (3, 1, 1)]` "
                "(each `(k, s, p)` or `(k, s, p, d)`).",
            )
        try:
            fields = conv_fields(answer)
        except (TypeError, ValueError) as exc:
            return Feedback(False, f"that is not a layer list `receptive_field` accepts: {exc}")
        if len(fields) != self.depth:
            return Feedback(
                False,
                f"your stack has {len(fields)} convolutions; the question asks for "
                f"{self.depth} (pooling layers between them are allowed).",
            )
        seen = [f.size for f in fields]
        if any(_signature(fields) == _signature(conv_fields(stack)) for stack in self.shown):
            return Feedback(
                False,
                f"your units see {', '.join(map(str, seen))}, with the same strides: that is "
                "the stack in the table above (stride 2 in layer 1). Find another one: a "
                "dilation, a larger kernel, or a pooling layer.",
            )
        if seen[-1] == self.size:
            return Feedback(
                True,
                f"layer by layer your units see {', '.join(map(str, seen))} pixels: "
                f"layer {self.depth} sees {self.size}.",
            )
        direction = "more" if seen[-1] > self.size else "fewer"
        return Feedback(
            False,
            f"layer by layer your units see {', '.join(map(str, seen))} pixels: layer "
            f"{self.depth} sees {seen[-1]}, {direction} than {self.size}. Try `.hint()`.",
        )


def _signature(fields) -> tuple:
    return tuple((f.size, f.stride) for f in fields)


q1 = StackExercise(
    prompt="Build a stack of **three** convolutions (pooling between them allowed) whose third "
    "layer sees **11** pixels, **other** than the table's (stride 2 in layer 1). Give it as a "
    "list, e.g. `[(3, 1, 1), (3, 1, 1), (3, 1, 1)]`.",
    hint_text="Three plain 3x3 layers see 3, 5, 7: you need 4 more. Each layer adds (k' − 1) "
    "times the product of the strides before it, with k' = d(k − 1) + 1. What does a dilation "
    "of 2 make a 3x3 kernel add?",
    solution_text="For example `[(3, 1, 1), (3, 1, 2, 2), (3, 1, 2, 2)]` (dilation 2 in layers 2 "
    "and 3): 1 + 2 + 4 + 4 = 11. Others: `[(5, 1, 2), (3, 1, 2, 2), (3, 1, 1)]` (1 + 4 + 4 + "
    "2), or a 2x2 pool: `[(2, 1, 0), {'kernel': 2, 'stride': 2, 'op': 'max'}, (3, 1, 1), "
    "(3, 1, 1)]` (2, 3, 7, 11).",
    depth=3,
    size=11,
    shown=([(3, 2, 1), (3, 1, 1), (3, 1, 1)],),
    code="[(3, 1, 1), (3, 1, 2, 2), (3, 1, 2, 2)]",
)

# -- q2: one stack, by the formula ------------------------------------------------------------

Q2_STACK = [(3, 2, 1), (3, 1, 1), (3, 1, 2, 2)]  # (k, s, p[, d])

q2 = NumberExercise(
    prompt="Three 3x3 convolutions: the first with stride 2, the second plain, the third with "
    "dilation 2 (as `(k, s, p, d)`: `(3, 2, 1)`, `(3, 1, 1)`, `(3, 1, 2, 2)`). How many input "
    "pixels (along one axis) does a unit of the third layer see?",
    answer=receptive_field(Q2_STACK).size,
    mistakes={
        11: "did you use the dilation? A 3x3 kernel with dilation 2 spans d(k − 1) + 1 = 5 "
        "pixels, so it adds 4, not 2 (times the strides before it).",
        9: "the stride of layer 1 makes every later layer grow twice as fast: multiply each "
        "layer's (k' − 1) by the product of the strides *before* it.",
        17: "only the strides *before* a layer count: layer 1's own stride does not change "
        "what layer 1 sees (it sees 3 pixels).",
        7: "that is three plain 3x3 layers: use the stride of layer 1 and the dilation of layer 3.",
    },
    hint_text="r = 1 + Σ (k'_l − 1)·Π_{i<l} s_i with k' = d(k − 1) + 1. The products of earlier "
    "strides are 1, 2, 2.",
    solution_text="r = 1 + 2·1 + 2·2 + 4·2 = **15** "
    "(check: `cl.receptive_field([(3, 2, 1), (3, 1, 1), (3, 1, 2, 2)]).size`).",
    code="cl.receptive_field([(3, 2, 1), (3, 1, 1), (3, 1, 2, 2)]).size",
)

# -- q3: VGG-19, which the lesson does not show -----------------------------------------------
_POOL = {"kernel": 2, "stride": 2, "op": "max"}
#: VGG-19 (configuration E) as a layer list: blocks of 2, 2, 4, 4, 4 3x3 convolutions (padding
#: 1), each block ending in a 2x2 max pool of stride 2
VGG19_LAYERS = [
    layer for convs in (2, 2, 4, 4, 4) for layer in [(3, 1, 1)] * convs + [dict(_POOL)]
]


def _first_conv_over(layers, limit: int) -> tuple[int, int]:
    """(1-based index among the convolutions, r) of the first conv of ``layers`` seeing more
    than ``limit`` pixels."""
    for n, f in enumerate(conv_fields(layers), start=1):
        if f.size > limit:
            return n, f.size
    raise AssertionError("unreachable")  # pragma: no cover


_Q3_INDEX, _Q3_SIZE = _first_conv_over(VGG19_LAYERS, 100)
_VGG19_SIZES = [f.size for f in conv_fields(VGG19_LAYERS)]
_VGG16_INDEX, _ = _first_conv_over(network_layers(vgg16()), 100)

q3 = NumberExercise(
    prompt="**VGG-19** has 16 convolutions, all 3x3 with stride 1, in five blocks of 2, 2, 4, 4 "
    "and 4, each block followed by a 2x2 max pool with stride 2. Number its convolutions 1 to "
    "16. Which is the **first** whose units see **more than 100** input pixels?",
    answer=_Q3_INDEX,
    mistakes={
        _Q3_INDEX - 1: f"that one (conv4_3) sees {_VGG19_SIZES[_Q3_INDEX - 2]} pixels: "
        f"exactly 100, not *more*. ({_VGG16_INDEX} is VGG-16's answer; VGG-19 has 4 "
        "convolutions in blocks 3 to 5, not 3.)",
        _Q3_INDEX - 2: f"that one sees {_VGG19_SIZES[_Q3_INDEX - 3]} pixels: not yet over 100.",
        16: "the last one sees far more than 100, but an earlier one already does.",
    },
    hint_text="Go layer by layer: each conv adds 2 times the product of the strides before "
    "it, each pool adds 1 times it. After pool1 the product is 2, after pool2 4, after pool3 "
    "8. Or give `rl.conv_fields` the layer list `ex.VGG19_LAYERS`.",
    solution_text=f"Convolution **{_Q3_INDEX}** (conv4_4) sees {_Q3_SIZE} pixels: block 3 ends "
    f"at {_VGG19_SIZES[7]}, pool3 adds 4 (jump 8 after it), and each conv of block 4 adds "
    "2·8 = 16: 68, 84, 100, 116. "
    "`[f.size > 100 for f in rl.conv_fields(ex.VGG19_LAYERS)].index(True) + 1`.",
    code="[f.size > 100 for f in rl.conv_fields(ex.VGG19_LAYERS)].index(True) + 1",
)

# -- q4: write rf(layers) -----------------------------------------------------------------------


def _rf(layers):
    return receptive_field([(k, s, 0, d) for k, s, d in layers]).size


def _rf_own_stride(layers):  # multiplies in the layer's own stride too
    r, jump = 1, 1
    for k, s, d in layers:
        jump *= s
        r += d * (k - 1) * jump
    return r


def _rf_no_dilation(layers):
    r, jump = 1, 1
    for k, s, _d in layers:
        r += (k - 1) * jump
        jump *= s
    return r


def _rf_no_stride(layers):
    return 1 + sum(d * (k - 1) for k, _s, d in layers)


def _rf_k_not_k_minus_1(layers):
    r, jump = 1, 1
    for k, s, d in layers:
        r += (d * (k - 1) + 1) * jump
        jump *= s
    return r


q4 = FunctionExercise(
    prompt="Write `rf(layers)`: `layers` is a list of `(k, s, d)` tuples (kernel side, stride, "
    "dilation), first layer first; return how many input pixels a unit of the last layer sees.",
    reference=_rf,
    cases=[
        ([(3, 1, 1)] * 3,),
        ([(5, 1, 1), (5, 1, 1)],),
        ([(3, 2, 1), (3, 1, 1), (3, 1, 1)],),
        ([(7, 2, 1), (3, 2, 1), (3, 1, 1), (3, 1, 1)],),
        ([(3, 1, 1), (3, 1, 2), (3, 1, 4)],),
        ([(2, 2, 1)] * 5,),
        ([(11, 4, 1), (3, 2, 1), (5, 1, 1)],),
        ([(1, 1, 1)],),
    ],
    mistakes=[
        (
            _rf_own_stride,
            "you multiply by the layer's *own* stride too. Only the strides of the layers "
            "*before* a layer stretch its kernel: update the product after adding.",
        ),
        (
            _rf_no_dilation,
            "the dilation is missing: a kernel k with dilation d spans d·(k − 1) + 1 pixels.",
        ),
        (
            _rf_no_stride,
            "the strides are missing: each layer's growth is multiplied by the product of "
            "the strides before it.",
        ),
        (
            _rf_k_not_k_minus_1,
            "each layer adds (k' − 1) times the product of earlier strides, not k': the "
            "kernel's first pixel is already counted.",
        ),
    ],
    hint_text="Walk up the stack keeping two numbers: r (it starts at 1) and the product of the "
    "strides so far. What does a layer with kernel k and dilation d add to r? Does its own "
    "stride count for itself, or only for the layers above?",
    solution_text="```python\ndef rf(layers):\n    r, jump = 1, 1\n    for k, s, d in layers:\n"
    "        r += d * (k - 1) * jump\n        jump *= s\n    return r\n```",
    code="def rf(layers):\n"
    "    r, jump = 1, 1\n"
    "    for k, s, d in layers:\n"
    "        r += d * (k - 1) * jump\n"
    "        jump *= s\n"
    "    return r",
)
