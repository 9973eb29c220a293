"""Exercises that answer back, in the spirit of Kaggle's learntools.

An exercise is an object with ``check(answer)``, ``hint()`` and ``solution()``. Each returns
a ``Feedback``, shown in the notebook as a short coloured Markdown message. The placeholder
``____`` means "not attempted yet" (neither right nor wrong). Answers may be numbers, arrays or
functions; a function is called on reference cases. Nothing is ever ``eval``-ed: answers are
Python values the learner computed.

Anticipated mistakes get their own message: ``mistakes`` maps a wrong answer (or, for
functions, a wrong reference implementation) to a sentence that says what probably went wrong.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

__all__ = ["____", "Feedback", "NumberExercise", "ArrayExercise", "FunctionExercise"]


class _Blank:
    """The placeholder in exercise cells: replace ``____`` with your answer."""

    def __repr__(self) -> str:
        return "____"


____ = _Blank()

_STYLE = {
    True: ("#009E73", "Correct"),
    False: ("#D55E00", "Not yet"),
    None: ("#0072B2", "Over to you"),
    "hint": ("#E69F00", "Hint"),
    "solution": ("#555555", "Solution"),
}


@dataclass(frozen=True)
class Feedback:
    """What ``check``, ``hint`` and ``solution`` return: ``correct`` is True, False, or None
    (not attempted; also for hints and solutions). Shows as Markdown in a notebook."""

    correct: bool | None
    message: str
    kind: str = "check"

    def _repr_markdown_(self) -> str:
        key = self.correct if self.kind == "check" else self.kind
        colour, label = _STYLE[key]
        return f'<span style="color:{colour}; font-weight:bold">{label}:</span> {self.message}'

    def __str__(self) -> str:
        key = self.correct if self.kind == "check" else self.kind
        return f"{_STYLE[key][1]}: {self.message}"

    def __bool__(self) -> bool:
        return bool(self.correct)


@dataclass
class _Exercise:
    prompt: str
    hint_text: str
    solution_text: str

    def hint(self) -> Feedback:
        return Feedback(None, self.hint_text, kind="hint")

    def solution(self) -> Feedback:
        return Feedback(None, self.solution_text, kind="solution")

    def check(self, answer=____) -> Feedback:
        if isinstance(answer, _Blank):
            return Feedback(None, "replace `____` with your answer, then run the cell again.")
        return self._check(answer)

    def _check(self, answer) -> Feedback:  # pragma: no cover - abstract
        raise NotImplementedError

    def _repr_markdown_(self) -> str:
        return self.prompt


def _fmt(x) -> str:
    if isinstance(x, numbers.Integral):
        return f"{x:,}"
    if isinstance(x, numbers.Real):
        return f"{x:,.6g}"
    return repr(x)


def _as_number(answer):
    """The answer as a real number, or a Feedback saying why it is not one."""
    if isinstance(answer, str):
        return Feedback(
            False,
            f"your answer is the text {answer!r}: give a number, without "
            "quotes (for example `456`, not `'456'`).",
        )
    if isinstance(answer, (bool, np.bool_)):
        return Feedback(False, f"your answer is `{answer}`, a True/False value: give a number.")
    if isinstance(answer, np.ndarray) and answer.size == 1:
        answer = answer.item()
    if not isinstance(answer, numbers.Real):
        return Feedback(
            False, f"your answer should be a single number, got a {type(answer).__name__}."
        )
    return answer


@dataclass
class NumberExercise(_Exercise):
    """A numeric answer, right within ``tolerance`` (relative)."""

    answer: float = 0
    tolerance: float = 1e-9
    mistakes: dict = field(default_factory=dict)

    def _close(self, a, b) -> bool:
        return bool(np.isclose(a, b, rtol=self.tolerance, atol=self.tolerance))

    def _check(self, answer) -> Feedback:
        value = _as_number(answer)
        if isinstance(value, Feedback):
            return value
        if self._close(value, self.answer):
            return Feedback(True, f"{_fmt(value)} is right.")
        for wrong, message in self.mistakes.items():
            if self._close(value, wrong):
                return Feedback(False, f"your answer is {_fmt(value)}: {message}")
        direction = "too large" if value > self.answer else "too small"
        return Feedback(False, f"your answer {_fmt(value)} is {direction}. Try `.hint()`.")


def _compare_arrays(got, expected, what="your answer") -> str | None:
    """None when equal (to 1e-9), else a sentence saying how they differ."""
    try:
        got = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return f"{what} is not an array of numbers."
    if got.shape != expected.shape:
        return f"{what} has shape {got.shape}, but the answer has shape {expected.shape}."
    wrong = ~np.isclose(got, expected, rtol=1e-9, atol=1e-9)
    if wrong.any():
        first = tuple(int(i) for i in np.argwhere(wrong)[0])
        return (
            f"{int(wrong.sum())} of {wrong.size} entries of {what} differ; the first at "
            f"index {first}: {_fmt(float(got[first]))} instead of "
            f"{_fmt(float(expected[first]))}."
        )
    return None


@dataclass
class ArrayExercise(_Exercise):
    """An array answer (shape and values)."""

    answer: np.ndarray = None
    mistakes: list = field(default_factory=list)  # [(wrong array, message), ...]

    def _check(self, answer) -> Feedback:
        expected = np.asarray(self.answer, dtype=float)
        problem = _compare_arrays(answer, expected)
        if problem is None:
            return Feedback(True, "every entry is right.")
        for wrong, message in self.mistakes:
            if _compare_arrays(answer, np.asarray(wrong, dtype=float)) is None:
                return Feedback(False, message)
        return Feedback(False, problem)


@dataclass
class FunctionExercise(_Exercise):
    """A function answer, called on reference ``cases`` (tuples of arguments) and compared
    with ``reference``. ``mistakes``: [(wrong function, message)] recognised on all cases."""

    reference: Callable = None
    cases: Sequence = ()
    mistakes: list = field(default_factory=list)

    def _check(self, answer) -> Feedback:
        if not callable(answer):
            return Feedback(
                False,
                f"give the function itself (its name, without calling it), "
                f"not a {type(answer).__name__}.",
            )
        results = []
        for args in self.cases:
            try:
                results.append(answer(*args))
            except Exception as exc:  # the learner's code may raise anything
                shown = ", ".join(_short(a) for a in args)
                return Feedback(
                    False,
                    f"your function raised `{type(exc).__name__}: {exc}` "
                    f"when called with ({shown}).",
                )
        expected = [self.reference(*args) for args in self.cases]
        if all(
            _compare_arrays(r, np.asarray(e, dtype=float)) is None
            for r, e in zip(results, expected, strict=True)
        ):
            return Feedback(
                True,
                f"your function agrees with the reference on all {len(self.cases)} test cases.",
            )
        for wrong, message in self.mistakes:
            if all(
                _compare_arrays(r, np.asarray(wrong(*args), dtype=float)) is None
                for r, args in zip(results, self.cases, strict=True)
            ):
                return Feedback(False, message)
        for r, e, args in zip(results, expected, self.cases, strict=True):
            problem = _compare_arrays(r, np.asarray(e, dtype=float), "the result")
            if problem:
                shown = ", ".join(_short(a) for a in args)
                return Feedback(False, f"for input ({shown}) {problem}")
        raise AssertionError("unreachable")  # pragma: no cover


def _short(value) -> str:
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape}"
    return repr(value)
