"""Exercises of lesson 05, learning from few examples."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import numpy as np

from cnnlessons import _checks
from cnnlessons.checking import (
    Feedback,
    FunctionExercise,
    NumberExercise,
    _as_array,
    _close_to,
    _Exercise,
)

__all__ = [
    "ChoiceExercise",
    "GradientExercise",
    "q1",
    "q2",
    "q3",
    "q4",
    "q5",
    "correlate1d",
    "loss_1d",
    "grad_1d",
]


@dataclass
class ChoiceExercise(_Exercise):
    """Pick one of ``options`` (a dict letter -> text); ``mistakes`` maps a wrong letter to
    what it probably means."""

    options: dict = field(default_factory=dict)
    answer: str = ""
    mistakes: dict = field(default_factory=dict)

    def _check(self, answer) -> Feedback:
        if not isinstance(answer, str):
            return Feedback(
                False,
                f"give the letter of your choice as text, e.g. `'a'`, not a "
                f"{type(answer).__name__}.",
            )
        answer = str.__str__(answer)  # a plain str: a subclass's strip() is never called
        letter = answer.strip().lower().strip("()")
        if letter not in self.options:
            allowed = ", ".join(f"`'{k}'`" for k in self.options)
            return Feedback(False, f"choose one of {allowed}, got {answer[:40]!r}.")
        if letter == self.answer:
            return Feedback(True, f"({letter}) {self.options[letter]}")
        return Feedback(False, self.mistakes.get(letter, "not this one. Try `.hint()`."))

    def _repr_markdown_(self) -> str:
        lines = [self.prompt, ""] + [f"- **({k})** {v}" for k, v in self.options.items()]
        return "\n".join(lines)


# -- how many examples determine a layer -------------------------------------------------------
# issue 20: q1 gave m = 100 in its prompt; now the learner works m out from the layer's sizes.
q1 = NumberExercise(
    prompt="A 3x3 filter maps 12x12 inputs to 10x10 outputs (valid, no bias). Learned as a "
    "**dense** layer by least squares from noise-free pairs (random inputs), what is the "
    "smallest number of pairs N that determines it exactly?",
    answer=144,
    mistakes={
        14_400: "that is the number of weights, m·n. But one pair gives n = 100 equations at "
        "once, one per output, and each output's row has its own m unknowns.",
        100: "that is n, the number of outputs. Each output's row of the matrix has m unknowns "
        "(one per input pixel), and each pair gives that row one equation.",
        145: "with a bias each row would have m + 1 unknowns; this layer has none.",
        9: "9 is the convolution's number of unknowns. The dense layer has a weight for every "
        "(output, input) pair.",
        1: "one pair is enough for the convolution (100 equations, 9 unknowns), not for the "
        "dense layer.",
        143: "one short: at N = m − 1 one direction of each row is still free (the spike of "
        "part 2 is at N = m exactly).",
    },
    hint_text="Look at one output: its row of the matrix has one unknown per input pixel. One "
    "pair gives that row one equation. How many inputs are there?",
    solution_text="m = 12·12 = **144** inputs, so each of the n = 100 rows is its own "
    "least-squares problem with 144 unknowns, and each pair gives it one equation: N = 144 "
    "(with noise, a good fit needs many more: the error is σ²·m/(N − m − 1)).",
    code="12 * 12",
)

q2 = NumberExercise(
    prompt="A **1-D** convolution with k = 5 taps and no bias, on inputs of 6 values (valid: n = "
    "2 outputs). Smallest number of noise-free pairs (random inputs) that determines the kernel?",
    answer=3,
    mistakes={
        1: "one pair gives one equation per output, and here there are only n = 2 outputs: 2 "
        "equations for 5 unknowns.",
        5: "5 unknowns, yes, but each pair gives n = 2 equations about them, not 1.",
        2: "2 pairs give 4 equations: one short of the 5 unknowns.",
        2.5: "pairs come whole: 2 pairs give 4 equations, not enough; round up.",
        6: "6 is the dense layer's answer (m = 6 inputs); the convolution shares its 5 weights "
        "across both outputs.",
    },
    hint_text="How many equations does one pair give (one per output), and how many unknowns "
    "are there? Round up.",
    solution_text="Each pair gives n = 2 equations in the same 5 weights: ⌈5/2⌉ = **3** pairs. "
    "In part 2 one pair gave 36 equations for 9 weights: sharing turns every output into an "
    "example for the same kernel, and the fewer outputs a pair has, the more pairs it takes.",
    code="int(np.ceil(5 / (6 - 5 + 1)))",
)

# -- shuffled pixels ---------------------------------------------------------------------------
q3 = ChoiceExercise(
    prompt="You scramble the pixels of every image (train and test) with **one fixed** "
    "permutation and train the dense net again, from the same starting weights permuted the "
    "same way and with the same minibatches. Its test accuracy...",
    options={
        "a": "goes up: fewer misleading neighbours",
        "b": "goes down: the picture is destroyed",
        "c": "stays the same: the dense net has no idea which pixels are neighbours",
        "d": "drops to chance: nothing can be learned any more",
    },
    answer="c",
    mistakes={
        "a": "a dense layer gives every pixel its own weight; it does not know or use which "
        "pixels are neighbours, so nothing changes for it.",
        "b": "the picture is destroyed *for you* and for a convolution; the dense net never "
        "used the arrangement of the pixels.",
        "d": "that happens when each image gets its *own* permutation. One fixed permutation "
        "keeps all the information: pixel j always comes from the same place.",
    },
    hint_text="Write the first dense layer as h = x @ W. What happens to x @ W if you permute "
    "the entries of x and the rows of W the same way?",
    solution_text="**(c)**: permuting the inputs and the first layer's rows the same way "
    "leaves every product sum, so every gradient step, the same: the dense net is exactly "
    "unchanged (up to the order of floating-point additions). The conv net loses its "
    "advantage, because neighbours are no longer neighbours.",
    code="'c'",
)

q4 = ChoiceExercise(
    prompt="A table of 40 measurements per patient (age, weight, blood pressure, ...) in a "
    "fixed column order, 500 patients. Which model's prior fits, and why?",
    options={
        "a": "a 1-D convolution along the columns: fewer parameters, so fewer examples needed",
        "b": "a dense layer: column 3 and column 4 mean different things, so sharing weights "
        "between neighbouring columns (and ignoring far ones) has no reason to be right",
        "c": "either: the column order is fixed, so both priors fit",
    },
    answer="b",
    mistakes={
        "a": "fewer parameters help only if the prior is right. A convolution assumes that the "
        "same pattern means the same thing at every position and that neighbours matter most: "
        "the shuffled-pixels experiment shows what happens when neither is true.",
        "c": "a fixed order is what shuffled pixels have too, and there the conv net lost its "
        "advantage: the order must also *mean* something (neighbours related, the same "
        "feature anywhere).",
    },
    hint_text="Would you expect the relation between age and blood pressure to be the same "
    "'pattern' as between blood pressure and the next column?",
    solution_text="**(b)**: the columns have no neighbourhood structure, no translation to be "
    "equivariant to. A dense layer (or a model made for tables) fits that prior; a convolution "
    "would impose a wrong one.",
    code="'b'",
)


# -- the gradient of a 1-D kernel ------------------------------------------------------------
def correlate1d(x, w):
    """Valid 1-D cross-correlation: ``out[i] = sum_j w[j] * x[i + j]``."""
    x = _checks.array(x, "x", ndims=(1,), limit=10**5)
    w = _checks.array(w, "w", ndims=(1,), limit=10**5)
    n = len(x) - len(w) + 1
    if n < 1:
        raise ValueError(f"w (length {len(w)}) must be at most as long as x (length {len(x)})")
    _checks.work(n * len(w), "len(x) * len(w)", "use shorter rows")
    return np.array([w @ x[i : i + len(w)] for i in range(n)])


def loss_1d(x, w, y) -> float:
    """Mean squared error of ``correlate1d(x, w)`` against ``y``."""
    out = correlate1d(x, w)
    y = _checks.array(y, "y", ndims=(1,), limit=10**5)
    if y.shape != out.shape:
        raise ValueError(f"y must have the output's shape {out.shape}, got {y.shape}")
    return float(((out - y) ** 2).mean())


def grad_1d(x, w, y):
    """The exact gradient of ``loss_1d`` with respect to ``w``: ``2/n · correlate1d(x, r)``,
    with ``r`` the residual (``n`` outputs). The tests check it against finite differences."""
    out = correlate1d(x, w)
    y = _checks.array(y, "y", ndims=(1,), limit=10**5)
    if y.shape != out.shape:
        raise ValueError(f"y must have the output's shape {out.shape}, got {y.shape}")
    r = out - y
    return 2 / len(r) * correlate1d(x, r)


#: the targets of the last two cases are this far from the prediction, so the loss is about
#: 1e16: a finite difference of it loses about 1e16 · 1e-16 / h of precision (for any step h
#: a learner would pick, far more than ``GRADIENT_TOLERANCE`` of the gradient), while the
#: derived formula stays exact to about 1e-15
FAR_TARGET = 1e8
GRADIENT_TOLERANCE = 1e-10


def _cases():
    rng = np.random.default_rng(5)
    cases = []
    for n, k in ((8, 3), (10, 2), (6, 1), (12, 5)):
        x = rng.normal(size=n)
        cases.append((x, rng.normal(size=k), rng.normal(size=n - k + 1)))
    for n, k in ((9, 3), (7, 4)):
        x = rng.normal(size=n)
        cases.append((x, rng.normal(size=k), FAR_TARGET + rng.normal(size=n - k + 1)))
    return cases


@dataclass
class GradientExercise(FunctionExercise):
    """A gradient checked with a tight tolerance on cases where a finite difference fails.
    A function right on the ordinary cases (to ``ORDINARY_TOLERANCE``) but wrong on the far
    ones is a numerical derivative: ``close_message`` says so."""

    ORDINARY_TOLERANCE = 1e-4
    ordinary: int = 4  # the first cases, where finite differences are accurate

    def _check(self, answer) -> Feedback:
        feedback = super()._check(answer)
        if feedback.correct is not False or not callable(answer):
            return feedback
        if any(feedback.message.startswith(message) for _, message in self.mistakes):
            return feedback
        for args, expected in zip(self.cases[: self.ordinary], self._expected, strict=False):
            try:
                result = answer(*copy.deepcopy(args))
            except KeyboardInterrupt:
                raise
            except BaseException:  # the learner's code (SystemExit too): feedback has it
                return feedback
            got = _as_array(result, "the result")  # read as the checker reads: no complex
            if isinstance(got, str) or not _close_to(got, expected, self.ORDINARY_TOLERANCE):
                return feedback
        return Feedback(False, self.close_message)


q5 = GradientExercise(
    prompt="Write `grad_w(x, w, y)`: the gradient of L(w) = mean((correlate1d(x, w) − y)²) "
    "with respect to the kernel `w` (a 1-D array of k weights; `correlate1d(x, w)[i] = "
    "sum_j w[j]·x[i + j]`, n = len(x) − k + 1 outputs). It is checked on six cases, two with "
    "targets y near 10⁸, where a finite difference is not accurate enough: derive it.",
    reference=grad_1d,
    cases=_cases(),
    tolerance=GRADIENT_TOLERANCE,
    close_message="your results are close to the gradient on the ordinary cases but not exact "
    "on the two with targets near 10⁸: a finite difference? There the loss is near 10¹⁶, and "
    "rounding it costs "
    "more precision than any step h can give back. Derive dL/dw[j] with the chain rule; "
    "use finite differences only to check it.",
    mistakes=[
        (lambda x, w, y: grad_1d(x, w, y) / 2, "off by a factor 2: the derivative of r² is 2r."),
        (
            lambda x, w, y: grad_1d(x, w, y) * len(y) / 2,
            "this is the gradient of half the *sum* of squares; L is the mean: divide by n "
            "and keep the 2.",
        ),
        (
            lambda x, w, y: grad_1d(x, w, y) * len(y),
            "this is the gradient of the *sum* of squares; L is the mean: divide by n.",
        ),
        (
            lambda x, w, y: -grad_1d(x, w, y),
            "the sign is flipped: r = prediction − y, not y − "
            "prediction (or you wrote the step −lr·grad instead of the gradient).",
        ),  # fmt: skip
        (
            lambda x, w, y: grad_1d(x, w, y)[::-1],
            "your gradient is reversed: weight j meets x[i + j], so dL/dw[j] sums "
            "r[i]·x[i + j]. That is a correlation of x with r, not a convolution.",
        ),
    ],
    hint_text="L = (1/n) · sum_i r[i]², with r[i] = sum_j w[j]·x[i + j] − y[i]. Which inputs "
    "does w[j] multiply in output i? Apply the chain rule to r[i]² and collect the terms.",
    solution_text="`def grad_w(x, w, y): r = ex.correlate1d(x, w) - y; return 2 / len(r) * "
    "ex.correlate1d(x, r)`. The gradient of a correlation's kernel is itself a correlation, "
    "of the input with the residual: the backward pass of a conv layer is a convolution too.",
    code="def grad_w(x, w, y):\n"
    "    r = ex.correlate1d(x, w) - y\n"
    "    return 2 / len(r) * ex.correlate1d(x, r)",
)
