"""Exercises of lesson 02, sparse interactions.

Each asks about a case the lesson has not shown: a dilated 1-D kernel near the border (an
array), a 5x5 window at the corner of a padded 3-channel image, and the connections of a layer
with several input and output channels. Notation: one output sees k·k·C inputs.
"""

import numpy as np

from cnnlessons.checking import ArrayExercise, NumberExercise
from cnnlessons.numerics.counting import conv_connections, dense_connections
from cnnlessons.numerics.matrices import weight_indices

__all__ = ["q1", "q2", "q3"]

q1 = ArrayExercise(
    prompt="A 1-D convolution on 11 inputs (numbered 0–10): kernel width k = 3, **dilation "
    "2** (the taps sit 2 apart, lesson 01) and padding p = 2 on each side, so the output also "
    "has 11 units. Which inputs does output 1 depend on? Answer with an array (or list) of "
    "input numbers, in increasing order.",
    answer=np.flatnonzero(weight_indices("conv", (11,), 3, padding=2, dilation=2)[1] >= 0),
    offset_guess="numbering from 1 instead of 0, or a window started at the wrong place?",
    mistakes=[
        (np.arange(11), "that is every input: a dense layer. Output 1 sees only its 3 taps."),
        (
            [0, 1, 2],
            "those are 3 neighbours, but with dilation 2 the taps sit 2 apart: the window "
            "spans d(k − 1) + 1 = 5 inputs and uses every second one.",
        ),
        (
            [-1, 1, 3],
            "input −1 does not exist: that tap falls on the padding, a zero that is not an "
            "input, so output 1 depends on only two inputs.",
        ),
        (
            [1, 3, 5],
            "that window starts at input 1. With p = 2 the padded input starts 2 pixels "
            "earlier, so output 1's window is centred on input 1: taps at −1, 1, 3.",
        ),
        (
            [0, 1, 2, 3],
            "the window spans inputs −1 to 3, but with dilation 2 it uses only every second "
            "one, and −1 is padding.",
        ),
        (
            [-1, 0, 1, 2, 3],
            "that is the span of the dilated window; it uses only every second position, and "
            "position −1 is padding, not an input.",
        ),
    ],
    hint_text="Output j's taps sit at inputs j − p + d·t for t = 0, 1, 2 (here j − 2, j, "
    "j + 2). Keep only those that are real inputs (0 to 10).",
    solution_text="Taps at 1 − 2 = −1 (padding, not an input), 1 and 3: `[1, 3]`. At the "
    "border a unit has fewer real inputs.",
    code="[1, 3]",
)

_corner = weight_indices("conv", (8, 8), 5, padding=2)[0] >= 0  # output (0, 0), one channel

q2 = NumberExercise(
    prompt='An 8x8 **colour** image (C = 3 channels) and a 5x5 kernel with padding 2 ("same"). '
    "How many input values can change the output at row 0, column 0, the top-left corner?",
    answer=int(_corner.sum()) * 3,
    mistakes={
        5 * 5 * 3: "75 = k·k·C counts the whole 5x5x3 window, but at the corner two rows and two "
        "columns of it lie on the padding: zeros, not inputs.",
        int(_corner.sum()): "that is one channel. The kernel has a 5x5 slice for each of the 3 "
        "channels, and each slice sees its own channel.",
        25: "25 is the full 5x5 window of one channel: at the corner part of it lies on the "
        "padding, and there are 3 channels.",
        8 * 8 * 3: "that is every input value: a dense layer's output sees them all, a "
        "convolution's only those under its window.",
        8 * 8: "that is every pixel of one channel; a convolution's output sees only its window.",
    },
    hint_text="The window is centred on pixel (0, 0): rows −2..2 and columns −2..2. Which of "
    "those are real pixels? Then count every channel.",
    solution_text="Real rows 0–2 and columns 0–2: 3·3 = 9 pixels, in each of C = 3 channels: "
    "**27** values (the other 48 taps of the 5x5x3 window sit on padding).",
    code="3 * 3 * 3",
)

_n = 26 * 26 * 8  # outputs: 26x26 positions, F = 8 channels
q3 = NumberExercise(
    prompt="A 28x28x3 image goes through a 3x3 convolution without padding, with F = 8 filters "
    "(output 26x26x8). How many connections (input–output pairs with a weight) does it have?",
    answer=conv_connections(_n, 3 * 3 * 3),
    mistakes={
        dense_connections(28 * 28 * 3, _n): "that is the dense layer (m·n). A convolution "
        "connects each output to the k·k·C inputs under its window only.",
        conv_connections(_n, 9): "that leaves out the input channels: each output sees a 3x3 "
        "window in each of the C = 3 channels, k·k·C = 27 inputs.",
        conv_connections(26 * 26, 27): "that counts one filter; there are F = 8 output "
        "channels, each with its own 26x26 outputs.",
        conv_connections(26 * 26, 9): "that counts one filter on one input channel: multiply by "
        "C = 3 input channels per window and F = 8 output channels.",
        conv_connections(28 * 28 * 8, 27): "that uses the input's size for the output's: "
        "without padding the output is 26x26 per channel.",
        8 * 27: "that is the number of weights (parameters); every one of the n outputs has its "
        "own k·k·C = 27 connections.",
        8 * 28: "that is the number of parameters (weights and biases); every output has its "
        "own connections.",
    },
    hint_text="n = 26·26·8 outputs, each connected to the k·k·C = 3·3·3 inputs under its window.",
    solution_text="k·k·C·n = 27 · 5,408 = **146,016**, against m·n = 2,352 · 5,408 = "
    "12,719,616 for a dense layer: 87 times fewer (m / (k·k·C) = 2,352 / 27).",
    code="cl.conv_connections(26 * 26 * 8, 3 * 3 * 3)",
)
