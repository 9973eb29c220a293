"""Exercises of lesson 03, parameter sharing.

Each asks about a layer the lesson has not shown: a 3x3 convolution from 64 to 128 channels,
the dense layer matching a "same" convolution on a 64x64x3 image, the general formula as a
function, a 1x1 convolution, and a convolutional layer over C channels written by the learner
(checked against ``cl.conv2d`` on layers the lesson has not shown). Notation: a conv layer
has F·(k·k·C + 1) parameters.
"""

import numpy as np

from cnnlessons.checking import FunctionExercise, NumberExercise
from cnnlessons.numerics.conv import conv2d
from cnnlessons.numerics.counting import conv_params, dense_params

__all__ = ["q1", "q2", "q3", "q4"]

q1 = NumberExercise(
    prompt="A 3x3 convolution from C = 64 to F = 128 channels, one bias per filter (as in "
    "VGG's second block). How many parameters?",
    answer=conv_params(64, 128, 3),
    mistakes={
        conv_params(64, 128, 3, bias=False): "almost: you forgot the biases, one per filter "
        "(F = 128 of them).",
        conv_params(1, 128, 3): "you forgot the input channels: each filter is 3x3x**64**, a "
        "3x3 slice for every one of the C = 64 input channels.",
        conv_params(1, 128, 3, bias=False): "you forgot the input channels (each filter is "
        "3x3x64) and the biases.",
        conv_params(64, 1, 3): "that is one filter (k·k·C + 1); there are F = 128 of them.",
        conv_params(64, 1, 3, bias=False): "that is the weights of one filter; there are "
        "F = 128 filters, each with a bias.",
        128 * 64 * (9 + 1): "that gives every 3x3 slice its own bias; a filter has one bias for "
        "all its C slices together: F·(k·k·C + 1).",
        conv_params(64, 128, 3, bias=False) + 1: "one bias per *filter*, not one for the layer.",
    },
    hint_text="One filter: k·k·C weights (a 3x3 slice per input channel) + 1 bias. Then "
    "multiply by the F filters.",
    solution_text="F·(k·k·C + 1) = 128 · (3·3·64 + 1) = 128 · 577 = **73,856**. "
    "`cl.conv_params(64, 128, 3)`.",
    code="cl.conv_params(64, 128, 3)",
)

_m, _n = 64 * 64 * 3, 64 * 64 * 16  # "same" padding: the output keeps the 64x64 size
q2 = NumberExercise(
    prompt='A 64x64x3 image, a 3x3 convolution with "same" padding and F = 16 filters (output '
    "64x64x16). The dense layer with the same input and output sizes: how many parameters, "
    "weights **and** biases? (Compare like with like.)",
    answer=dense_params(_m, _n),
    mistakes={
        dense_params(_m, _n, bias=False): "that is the weights only; add one bias per output "
        "unit (n = 65,536 of them).",
        dense_params(_m, _m): "that uses the input's size for the output's: the output is "
        "64x64x**16** = 65,536 units, not 64x64x3.",
        _m + _n: "you added m and n; a dense layer has one weight per (input, output) *pair*: "
        "multiply, then add the n biases.",
        dense_params(_m, 62 * 62 * 16): 'that is the output without padding (62x62); "same" '
        "padding keeps it at 64x64.",
        dense_params(64 * 64, _n): "that leaves out the input's 3 channels: m = 64·64·3.",
        conv_params(3, 16, 3): "that is the convolution (448 parameters); the question asks for "
        "the dense layer with the same sizes.",
    },
    hint_text="m = 64·64·3 inputs, n = 64·64·16 outputs: m·n weights plus n biases.",
    solution_text="m·n + n = 12,288 · 65,536 + 65,536 = **805,371,904**, against the "
    "convolution's 16 · (3·3·3 + 1) = 448: about 1.8 million times more. "
    "`cl.dense_params(64 * 64 * 3, 64 * 64 * 16)`.",
    code="cl.dense_params(64 * 64 * 3, 64 * 64 * 16)",
)


def _conv_params(c, f, k):
    return conv_params(c, f, k)


q3 = FunctionExercise(
    prompt="Write `n_conv_params(C, F, k)`: the number of parameters of a conv layer with C "
    "input channels and F filters of size k x k, one bias per filter. It is checked on six "
    "layers, from a 1x1 convolution to a 7x7 one.",
    reference=_conv_params,
    cases=[(3, 6, 5), (1, 1, 3), (64, 128, 3), (3, 16, 1), (1, 6, 5), (3, 64, 7)],
    mistakes=[
        (
            lambda c, f, k: f * (k * k + 1),
            "your count ignores the input channels: each filter has a k x k slice for "
            "*every* one of the C input channels.",
        ),
        (lambda c, f, k: f * c * k * k, "almost: you forgot the bias of each filter."),
        (lambda c, f, k: c * k * k + 1, "that is one filter; there are F of them."),
        (
            lambda c, f, k: f * c * (k * k + 1),
            "that gives every k x k slice its own bias; a filter has one bias: F·(k·k·C + 1).",
        ),
        (lambda c, f, k: f * c * k * k + 1, "one bias per *filter*, not one for the layer."),
        (lambda c, f, k: f * (c * k + 1), "a k x k kernel has k·k weights per channel, not k."),
        (
            lambda c, f, k: c * (k * k * f + 1),
            "C and F are swapped: there are F filters (one bias each), and each filter has a "
            "k x k slice for each of the C input channels: F·(k·k·C + 1).",
        ),
    ],
    hint_text="How many weights does one filter hold: a k x k slice for each of how many "
    "channels? How many biases does it have? And how many filters are there?",
    solution_text="`def n_conv_params(C, F, k): return F * (k * k * C + 1)`",
    code="def n_conv_params(C, F, k):\n    return F * (k * k * C + 1)",
)

# q4: a 1x1 convolution the lesson has not shown (issue 20: the lesson's own question handed
# over "256·64 + 64")
q4 = NumberExercise(
    prompt="GoogLeNet's first Inception module shrinks a 28x28x192 map to 28x28x16 with a "
    "**1x1** convolution (16 filters), before its 5x5 convolution. How many parameters does "
    "the 1x1 layer have (weights and biases)?",
    answer=conv_params(192, 16, 1),
    mistakes={
        conv_params(192, 16, 1, bias=False): "almost: add one bias per filter.",
        conv_params(1, 16, 1): "a 1x1 filter still has one weight per input channel: it is "
        "1x1x192.",
        conv_params(192, 1, 1): "that is one filter; there are 16.",
        conv_params(16, 192, 1): "C and F are swapped: 16 filters (16 biases), each with 192 "
        "weights.",
        dense_params(28 * 28 * 192, 28 * 28 * 16): "that is a dense layer over the whole map. "
        "A 1x1 convolution is a dense layer from 192 to 16 channels *shared* by every pixel.",
        dense_params(28 * 28 * 192, 28 * 28 * 16, bias=False): "that is a dense layer over "
        "the whole map (without biases). A 1x1 convolution is a 192-to-16 dense layer "
        "shared by every pixel.",
        28 * 28 * conv_params(192, 16, 1): "that gives every pixel its own weights (locally "
        "connected); a convolution shares one set across all 28x28 pixels.",
        conv_params(192, 16, 5): "that is the 5x5 convolution that follows; the question asks "
        "for the 1x1 one.",
    },
    hint_text="Use F·(k·k·C + 1): which numbers are k, C and F here? Does the image size "
    "enter?",
    solution_text="16 · (1·1·192 + 1) = **3,088**: a dense layer from 192 inputs to 16 outputs "
    "(192·16 + 16), used at each of the 28·28 pixels. The 5x5 convolution after it then reads "
    "16 channels instead of 192, 12 times fewer weights. `cl.conv_params(192, 16, 1)`.",
    code="cl.conv_params(192, 16, 1)",
)


# -- exercise 5: the learner writes a multi-channel convolution layer -----------------------
def _conv_layer(x, w, b):
    return conv2d(x, w) + np.asarray(b, dtype=float)[:, None, None]


def _cases():
    """Layers the lesson has not shown: 2 to 4 input channels, 1 to 3 filters, kernels 1 to 3,
    images that are not square (so rows and columns cannot be swapped unnoticed)."""
    rng = np.random.default_rng(2024)
    out = []
    for c, f, k, h, w in [(2, 3, 3, 5, 6), (3, 1, 2, 4, 7), (1, 2, 1, 3, 5), (4, 2, 3, 6, 4)]:
        x = rng.integers(-3, 4, (c, h, w)).astype(float)
        kern = rng.integers(-2, 3, (f, c, k, k)).astype(float)
        out.append((x, kern, rng.integers(-2, 3, f).astype(float)))
    return out


q5 = FunctionExercise(
    prompt="Write `conv_layer(x, w, b)`, a convolutional layer over C input channels with F "
    "filters: `x` has shape (C, H, W), `w` (F, C, k, k), `b` (F,). Return the (F, H - k + 1, "
    "W - k + 1) output (no padding, stride 1, cross-correlation as in lesson 01): output map f "
    "is the sum over the C channels of channel c correlated with slice `w[f, c]`, plus `b[f]`. "
    "Use loops and `np.sum`, not `cl.conv2d`. It is checked against `cl.conv2d` on four layers "
    "you have not seen (2-4 channels, 1-3 filters, kernels 1-3, images that are not square).",
    reference=_conv_layer,
    cases=_cases(),
    mistakes=[
        (lambda x, w, b: conv2d(x, w), "almost: add each filter's bias `b[f]` to its map."),
        (
            lambda x, w, b: conv2d(x, w[:, :, ::-1, ::-1]) + b[:, None, None],
            "your kernel is flipped: that is a true convolution. Deep-learning layers "
            "cross-correlate: `x[c, i:i+k, j:j+k] * w[f, c]`, no flip.",
        ),
        (
            lambda x, w, b: conv2d(x[:1], w[:, :1]) + b[:, None, None],
            "your output uses only the first input channel: sum over all C channels.",
        ),
        (
            lambda x, w, b: conv2d(x, w) + x.shape[0] * b[:, None, None],
            "you added the bias once per channel; a filter has one bias for all its C slices.",
        ),
    ],
    hint_text="Loop over filters f and output positions (i, j). Output (f, i, j) sums over all C "
    "channels at once: which block of `x` (all channels, a k x k window) meets which block of "
    "`w`? Then add the filter's bias.",
    solution_text="```python\ndef conv_layer(x, w, b):\n    F, C, k, _ = w.shape\n"
    "    H, W = x.shape[1:]\n    out = np.zeros((F, H - k + 1, W - k + 1))\n"
    "    for f in range(F):\n        for i in range(H - k + 1):\n"
    "            for j in range(W - k + 1):\n"
    "                out[f, i, j] = np.sum(x[:, i:i+k, j:j+k] * w[f]) + b[f]\n"
    "    return out\n```",
    code="def conv_layer(x, w, b):\n    F, C, k, _ = w.shape\n    H, W = x.shape[1:]\n"
    "    out = np.zeros((F, H - k + 1, W - k + 1))\n    for f in range(F):\n"
    "        for i in range(H - k + 1):\n            for j in range(W - k + 1):\n"
    "                out[f, i, j] = np.sum(x[:, i:i+k, j:j+k] * w[f]) + b[f]\n    return out",
)
