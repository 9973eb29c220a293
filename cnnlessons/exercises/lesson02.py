"""Exercises of lesson 02, sparse interactions."""

import numpy as np

from ..counting import conv_connections, dense_connections
from ..matrices import weight_indices
from .core import ArrayExercise, NumberExercise

q1 = ArrayExercise(
    prompt="A 1-D convolution with kernel width 3 and 'same' padding on 9 inputs (numbered "
    "0–8). Which inputs does output 4 depend on? Answer with an array of input numbers, in "
    "increasing order.",
    answer=np.flatnonzero(weight_indices("conv", (9,), 3, padding=1)[4] >= 0),
    mistakes=[
        (np.arange(9), "that is every input: a dense layer. Output 4 sees only its window."),
        (
            np.array([4, 5, 6]),
            "with 'same' padding the window is centred on the output: "
            "one input each side of input 4.",
        ),
    ],
    hint_text="With 'same' padding, output j's window is centred on input j.",
    solution_text="`np.array([3, 4, 5])`: inputs 3, 4 and 5.",
)


q2 = NumberExercise(
    prompt="In the 6x6 example with a 3x3 kernel, how many of the 36 input pixels can change "
    "the output in row 2, column 2?",
    answer=int((weight_indices("conv", (6, 6), 3)[2 * 4 + 2] >= 0).sum()),
    mistakes={
        36: "that is a dense layer, where every output sees every input. A convolution's "
        "output sees only the patch under its window.",
        27: "27 is the number of inputs it does *not* depend on.",
        16: "16 is the number of outputs, not of inputs one output sees.",
    },
    hint_text="Output (2, 2) is computed from the window whose top-left corner is input "
    "(2, 2). How big is the window?",
    solution_text="The 3x3 window: **9** inputs (rows 2–4, columns 2–4). The other 27 cannot "
    "change it.",
)


q3 = NumberExercise(
    prompt="A 28x28 one-channel image goes through a 3x3 convolution without padding (a 26x26 "
    "output). How many connections (input–output pairs with a weight) does it have?",
    answer=conv_connections(26 * 26, 9),
    mistakes={
        dense_connections(28 * 28, 26 * 26): "that is the dense layer (m·n). A convolution "
        "connects each output to its k = 9 inputs only.",
        9: "9 is the number of *parameters* (shared weights); every output has its own 9 "
        "connections.",
        26 * 26: "that counts one connection per output; each output has 9.",
        conv_connections(28 * 28, 9): "that is 9 per *input* pixel, but there are only 26·26 "
        "outputs: count 9 per output.",
    },
    hint_text="Each of the n = 26·26 outputs is connected to the k = 9 inputs under its window.",
    solution_text="k·n = 9 · 676 = **6,084**, against m·n = 784 · 676 = 529,984 for a dense "
    "layer: 87 times fewer (m / k = 784 / 9).",
)
