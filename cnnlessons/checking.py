"""Exercises that answer back, in the spirit of Kaggle's learntools.

An exercise is an object with ``check(answer)``, ``hint()`` and ``solution()``. Each returns
a ``Feedback``, shown in the notebook as a short coloured Markdown message. The placeholder
``____`` means "not attempted yet" (neither right nor wrong). Answers may be numbers, arrays or
functions; a function is called on reference cases. Nothing is ever ``eval``-ed: answers are
Python values the learner computed.

Anticipated mistakes get their own message: ``mistakes`` maps a wrong answer (or, for
functions, a wrong reference implementation) to a sentence that says what probably went wrong.

Checkers never trust or share the learner's values: a learner's function gets a fresh copy of
every input, and the reference answer is computed (once, when the exercise is made) from copies
of its own. ``None`` (a function without ``return``), NaN, infinity, text such as ``'456'`` and
integers too large for a float each get a sentence of their own, never a crash. ``code`` (optional)
is the solution as a learner would type it in the notebook (tests run it there).
"""

from __future__ import annotations

import copy
import math
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

    def __post_init__(self):
        kinds = ("check", "hint", "solution")
        if self.kind not in kinds:
            raise ValueError(f"kind must be one of {kinds}, got {self.kind!r}")
        if self.kind == "check" and self.correct not in (True, False, None):
            raise TypeError(f"correct must be True, False or None, got {self.correct!r}")

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
    #: the solution as Python a learner would type in the notebook: an expression for a
    #: number or an array, a ``def`` for a function (tests substitute it and run the notebook)
    code: str = field(default="", kw_only=True)

    def hint(self) -> Feedback:
        return Feedback(None, self.hint_text, kind="hint")

    def solution(self) -> Feedback:
        return Feedback(None, self.solution_text, kind="solution")

    def check(self, answer=____) -> Feedback:
        if isinstance(answer, _Blank):
            return Feedback(None, "replace `____` with your answer, then run the cell again.")
        if answer is None:
            return Feedback(
                False,
                "your answer is `None`, which usually means a function without `return` "
                "(or a variable set from one). Did you forget `return`?",
            )
        return self._check(answer)

    def _check(self, answer) -> Feedback:  # pragma: no cover - abstract
        raise NotImplementedError

    def _repr_markdown_(self) -> str:
        return self.prompt


def _fmt(x) -> str:
    if isinstance(x, numbers.Integral) and abs(int(x)) >= 10**21:
        return f"a {len(str(abs(int(x))))}-digit number"
    if isinstance(x, numbers.Integral):
        return f"{x:,}"
    if isinstance(x, numbers.Real) and math.isfinite(x) and float(x).is_integer() and abs(x) < 1e21:
        return f"{int(x):,}"
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
    if isinstance(answer, numbers.Integral):
        return int(answer)  # exact, however large (10**400 is a valid int)
    answer = float(answer)
    if math.isnan(answer):
        return Feedback(
            False,
            'your answer is NaN ("not a number"): something in the calculation was '
            "undefined, such as 0/0 or a value from an empty array. Check each step.",
        )
    if math.isinf(answer):
        return Feedback(
            False,
            f"your answer is {answer}: the calculation overflowed or divided by zero.",
        )
    return answer


@dataclass
class NumberExercise(_Exercise):
    """A numeric answer, right within ``tolerance`` (relative)."""

    answer: float = 0
    tolerance: float = 1e-9
    mistakes: dict = field(default_factory=dict)

    def _close(self, a, b) -> bool:
        if isinstance(a, int) and isinstance(b, numbers.Integral):
            b = int(b)
            if a == b:
                return True
            if max(abs(a), abs(b)) > 2**53:  # beyond a float's exact integers: ints only
                return abs(a - b) <= self.tolerance * abs(b)
        try:
            a, b = float(a), float(b)
        except OverflowError:  # one of them is an int too large for a float: not close
            return False
        return math.isclose(a, b, rel_tol=self.tolerance, abs_tol=self.tolerance)

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
        try:
            far = not 0.001 < abs(float(value) / float(self.answer)) < 1000
        except (OverflowError, ZeroDivisionError):
            far = True
        if far and self.answer:
            direction = "far " + direction + " (off by more than a factor of 1,000)"
        return Feedback(False, f"your answer {_fmt(value)} is {direction}. Try `.hint()`.")


def _has_text(value) -> bool:
    if isinstance(value, (str, bytes)):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype.kind in "USO" and any(_has_text(v) for v in value.ravel())
    if isinstance(value, (list, tuple)):
        return any(_has_text(v) for v in value)
    return False


def _as_array(got, what="your answer"):
    """``got`` as a float array, or a sentence saying why it is not an array of numbers."""
    if got is None:
        return f"{what} is `None`: did you forget `return`?"
    if isinstance(got, _Blank):
        return f"{what} is the placeholder `____`: replace it with your code."
    if _has_text(got):
        return (
            f"{what} contains text (quotes around numbers?): give numbers, e.g. `[3, 4]`, "
            "not `'3, 4'` or `['3', '4']`."
        )
    try:
        return np.asarray(got, dtype=float)
    except OverflowError:
        return f"{what} holds a number too large for a float: far from the answer."
    except (TypeError, ValueError):
        return f"{what} is not an array of numbers."


def _compare_arrays(got, expected, what="your answer") -> str | None:
    """None when equal (to 1e-9), else a sentence saying how they differ."""
    got = _as_array(got, what)
    if isinstance(got, str):
        return got
    if got.shape != expected.shape:
        return f"{what} has shape {got.shape}, but the answer has shape {expected.shape}."
    if np.isnan(got).any() and not np.isnan(expected).any():
        first = tuple(int(i) for i in np.argwhere(np.isnan(got))[0])
        return (
            f'{what} contains NaN ("not a number"), first at index {first}: something '
            "there was undefined (0/0, or an entry never filled in from `np.empty`)."
        )
    wrong = ~np.isclose(got, expected, rtol=1e-9, atol=1e-9, equal_nan=True)
    if wrong.any():
        first = tuple(int(i) for i in np.argwhere(wrong)[0])
        return (
            f"{int(wrong.sum())} of {wrong.size} entries of {what} differ; the first at "
            f"index {first}: {_fmt(float(got[first]))} instead of "
            f"{_fmt(float(expected[first]))}."
        )
    return None


def _same(got, expected) -> bool:
    """True when ``got`` equals ``expected`` (arrays of numbers, to 1e-9)."""
    return _compare_arrays(got, np.asarray(expected, dtype=float)) is None


def _offset(got, expected) -> str | None:
    """A sentence when every entry of ``got`` is the answer's plus the same non-zero number."""
    got = _as_array(got)
    if isinstance(got, str) or got.shape != expected.shape or got.size == 0:
        return None
    diff = got - expected
    if not np.all(np.isfinite(diff)):
        return None
    c = float(diff.flat[0])
    if c != 0 and np.allclose(diff, c, rtol=0, atol=1e-9):
        return (
            f"every entry is {_fmt(abs(c))} {'more' if c > 0 else 'less'} than the answer: "
            "is something counted from a different starting point (numbering from 1, a "
            "window starting at the wrong end)?"
        )
    return None


@dataclass
class ArrayExercise(_Exercise):
    """An array answer (shape and values). ``mistakes``: [(wrong array, message), ...]."""

    answer: np.ndarray = None
    mistakes: list = field(default_factory=list)  # [(wrong array, message), ...]

    def _check(self, answer) -> Feedback:
        expected = np.asarray(self.answer, dtype=float)
        problem = _compare_arrays(answer, expected)
        if problem is None:
            return Feedback(True, "every entry is right.")
        for wrong, message in self.mistakes:
            if _same(answer, wrong):
                return Feedback(False, message)
        return Feedback(False, _offset(answer, expected) or problem)


def _is_untouched_stub(function) -> bool:
    """A function whose body only mentions the placeholder ``____`` (the notebook's stub)."""
    code = getattr(function, "__code__", None)
    return code is not None and "____" in code.co_names


@dataclass
class FunctionExercise(_Exercise):
    """A function answer, called on reference ``cases`` (tuples of arguments) and compared
    with ``reference``. ``mistakes``: [(wrong function, message)] recognised on all cases.

    Every call (the learner's, the reference's, each mistake's) gets its own deep copy of the
    case, so a function that changes its input cannot change the cases, the reference answer
    or the next call; the reference answers are computed once, when the exercise is made."""

    reference: Callable = None
    cases: Sequence = ()
    mistakes: list = field(default_factory=list)

    def __post_init__(self):
        self.cases = [tuple(copy.deepcopy(args)) for args in self.cases]
        self._expected = [
            np.asarray(self.reference(*copy.deepcopy(args)), dtype=float) for args in self.cases
        ]
        self._mistaken = [
            [np.asarray(wrong(*copy.deepcopy(args)), dtype=float) for args in self.cases]
            for wrong, _ in self.mistakes
        ]

    def _check(self, answer) -> Feedback:
        if not callable(answer):
            return Feedback(
                False,
                f"give the function itself (its name, without calling it), "
                f"not a {type(answer).__name__}.",
            )
        results, changed = [], []
        for args in self.cases:
            given = copy.deepcopy(args)
            try:
                result = answer(*given)
            except Exception as exc:  # the learner's code may raise anything
                if _is_untouched_stub(answer):
                    return Feedback(None, "replace the `____` in your function with your code.")
                shown = ", ".join(_short(a) for a in args)
                return Feedback(
                    False,
                    f"your function raised `{type(exc).__name__}: {exc}` "
                    f"when called with ({shown}).",
                )
            if result is None:
                if _is_untouched_stub(answer):
                    return Feedback(
                        None,
                        "your function still has the placeholder `____`: replace it with "
                        "your code, then run the cell again.",
                    )
                return Feedback(False, "your function returned `None`: did you forget `return`?")
            if isinstance(result, np.ndarray):
                result = result.copy()  # it may be a view of the (copied) input
            results.append(result)
            changed += [
                i
                for i, (a, g) in enumerate(zip(args, given, strict=True))
                if isinstance(a, np.ndarray) and not _same(g, a)
            ]
        note = ""
        if changed:
            note = (
                f" (Your function changed its argument number {min(changed) + 1} in place; "
                "that is harmless here, since it got a copy, but a caller would be surprised.)"
            )
        if all(_same(r, e) for r, e in zip(results, self._expected, strict=True)):
            return Feedback(
                True,
                f"your function agrees with the reference on all {len(self.cases)} test "
                f"cases.{note}",
            )
        for (_, message), wrong in zip(self.mistakes, self._mistaken, strict=True):
            if all(_same(r, e) for r, e in zip(results, wrong, strict=True)):
                return Feedback(False, message + note)
        for r, e, args in zip(results, self._expected, self.cases, strict=True):
            problem = _compare_arrays(r, e, "the result")
            if problem:
                shown = ", ".join(_short(a) for a in args)
                hint = _offset(r, e) if e.ndim == 0 else None
                return Feedback(False, f"for input ({shown}) {hint or problem}{note}")
        raise AssertionError("unreachable")  # pragma: no cover


def _short(value) -> str:
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape}"
    return repr(value)
