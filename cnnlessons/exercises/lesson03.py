"""Exercises of lesson 03, parameter sharing."""

from ..counting import conv_params, dense_params
from .core import FunctionExercise, NumberExercise

q1 = NumberExercise(
    prompt="A 32x32x3 image goes through a conv layer with six 5x5 filters (one bias each). "
    "How many parameters does the layer have?",
    answer=conv_params(3, 6, 5),
    mistakes={
        conv_params(1, 6, 5): "did you include the 3 input channels? Each filter is 5x5x**3**: "
        "it has a 5x5 slice for each input channel.",
        conv_params(3, 6, 5, bias=False): "almost: add one bias per filter.",
        conv_params(1, 6, 5, bias=False): "count the 3 input channels (each filter is 5x5x3) and "
        "one bias per filter.",
        dense_params(3072, 4704): "that is a dense layer with the same input and output sizes.",
    },
    hint_text="Each filter has one weight per input pixel it covers in every channel (5·5·3), "
    "plus one bias. There are 6 filters.",
    solution_text="6 · (5·5·3 + 1) = 6 · 76 = **456**. The seed text's 156 = 6 · (5·5 + 1) "
    "would be right for a one-channel input only.",
)

q2 = NumberExercise(
    prompt="The dense layer with the same sizes: 32x32x3 inputs to 28x28x6 outputs. How many "
    "weights (no biases)?",
    answer=dense_params(32 * 32 * 3, 28 * 28 * 6, bias=False),
    mistakes={
        dense_params(32 * 32 * 3, 28 * 28 * 6): "that includes the 4,704 biases; the question "
        "asks for weights only.",
        32 * 32 * 3 + 28 * 28 * 6: "you added m and n; a dense layer has one weight per "
        "(input, output) *pair*: multiply.",
    },
    hint_text="m = 32·32·3 inputs, n = 28·28·6 outputs, one weight per pair.",
    solution_text="3,072 · 4,704 = **14,450,688** (14,455,392 with biases): about 31,700 times "
    "the conv layer's 456.",
)


def _conv_params(c, f, k):
    return conv_params(c, f, k)


q3 = FunctionExercise(
    prompt="Write `n_conv_params(in_channels, out_channels, k)`: the number of parameters of a "
    "conv layer with `out_channels` filters of size k x k, with one bias per filter.",
    reference=_conv_params,
    cases=[(3, 6, 5), (1, 1, 3), (64, 128, 3), (3, 16, 1), (1, 6, 5)],
    mistakes=[
        (
            lambda c, f, k: f * (k * k + 1),
            "your count ignores the input channels: each filter "
            "has a k x k slice for *every* input channel.",
        ),
        (lambda c, f, k: f * c * k * k, "almost: you forgot the bias of each filter."),
        (lambda c, f, k: c * k * k + 1, "that is one filter; there are `out_channels` of them."),
    ],
    hint_text="One filter: `in_channels * k * k` weights + 1 bias. Then multiply by the number "
    "of filters.",
    solution_text="`def n_conv_params(in_channels, out_channels, k): return out_channels * "
    "(in_channels * k * k + 1)`",
)
