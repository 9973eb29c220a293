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

Answers are real numbers or arrays of them (bool, complex, timedelta64, masked and object
answers are refused with a sentence), read once through their base type (``int``, ``float``, a
plain array): a subclass's ``__float__``, ``__index__`` or ``strip`` is never called. No answer
crashes a check (``10**5000``, a broadcast array of 10**12 entries); a learner's exception,
``SystemExit`` too, comes back as feedback; only ``KeyboardInterrupt`` stops a check.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from cnnlessons import _checks
from cnnlessons._answers import (
    ARRAY_TOLERANCE,
    _apart,
    _close_to,
    _exception_text,
    _fmt,
    _kind_problem,
    _read_array,
    _read_scalar,
    _short,
    _wrong_entries,
)

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
        if not isinstance(self.message, str):
            raise TypeError(f"message must be text, got {type(self.message).__name__}")
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

    def __post_init__(self):
        for name in ("prompt", "hint_text", "solution_text", "code"):
            if not isinstance(getattr(self, name), str):
                raise TypeError(f"{name} must be text, got {type(getattr(self, name)).__name__}")

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


def _as_number(answer):
    """The answer as a real number, or a Feedback saying why it is not one."""
    problem = _kind_problem(answer, "your answer")
    if problem:
        return Feedback(False, problem)
    if isinstance(answer, np.ma.MaskedArray):
        return Feedback(False, "your answer is a masked array: give a single plain number.")
    if isinstance(answer, (list, tuple)):  # [456] is read as np.array([456]) is
        got = _read_array(answer)
        if isinstance(got, str):
            return Feedback(False, f"your answer {got}")
        if got.ndim > 1:
            return Feedback(
                False, f"your answer should be a single number, got a nested list {got.shape}."
            )
        answer = got
    if isinstance(answer, np.ndarray):
        arr = answer.view(np.ndarray)
        if arr.size != 1:
            return Feedback(
                False,
                f"your answer should be a single number, got {arr.size} numbers "
                f"(shape {arr.shape}).",
            )
        kind = arr.dtype.kind
        if kind not in "iuf":
            first = arr.reshape(-1)[0] if kind != "O" else "an object"
            problem = _kind_problem(first, "your answer") if kind != "O" else None
            return Feedback(
                False, problem or f"your answer is an array of {arr.dtype}: give a number."
            )
        answer = arr.reshape(-1)[0]
    value = _read_scalar(answer)
    if value is None:
        return Feedback(
            False, f"your answer should be a single number, got a {type(answer).__name__}."
        )
    if isinstance(value, int):
        return value
    answer = value
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
    """A numeric answer, right within ``tolerance`` (relative, and absolute near 0). The
    default, 1e-6, accepts the rounding of a float calculation (``-30.0000001`` for -30) and
    refuses any slip a question can make; a question about a measured or rounded number sets
    its own."""

    answer: float = 0
    tolerance: float = 1e-6
    mistakes: dict = field(default_factory=dict)

    def __post_init__(self):
        super().__post_init__()
        _checks.real(self.tolerance, "tolerance", finite=True, minimum=0.0)
        for value in (self.answer, *_keys(self.mistakes, "mistakes")):
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer,
                                                                 np.floating)):  # fmt: skip
                raise TypeError(f"answer and mistakes must be real numbers, got {value!r:.60}")
            if not isinstance(value, (int, np.integer)):
                _checks.real(value, "answer", finite=True)

    def _close(self, a, b) -> bool:
        """``a`` is ``b`` within the tolerance; a whole-number ``b`` (a count) is matched
        only by numbers less than 0.01 from it, so 805,371,918 is never 805,371,911."""
        if isinstance(a, int) and isinstance(b, (int, np.integer)):
            return a == int(b)
        try:
            a, b = float(a), float(b)
        except OverflowError:  # one of them is an int too large for a float: not close
            return False
        if b.is_integer():
            return abs(a - b) <= min(0.01, self.tolerance * max(1.0, abs(b)))
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
        shown, right = _apart(value, self.answer)
        if shown == right or _fmt(value) == _fmt(self.answer):  # a rounding away: say so
            return Feedback(
                False,
                f"your answer {shown} is close to the answer but not equal to it (more than "
                f"{self.tolerance:.0e} away, relative): is a number rounded, or approximated, "
                "along the way?",
            )
        try:
            far = not 0.001 < abs(float(value) / float(self.answer)) < 1000
        except (OverflowError, ZeroDivisionError):
            far = True
        if far and self.answer:
            direction = "far " + direction + " (off by more than a factor of 1,000)"
        return Feedback(False, f"your answer {_fmt(value)} is {direction}. Try `.hint()`.")


def _as_array(got, what="your answer", expected_shape=None):
    """``got`` as a float array, or a sentence saying why it is not an array of numbers."""
    if got is None:
        return f"{what} is `None`: did you forget `return`?"
    if isinstance(got, _Blank):
        return f"{what} is the placeholder `____`: replace it with your code."
    result = _read_array(got, expected_shape)
    return f"{what} {result}" if isinstance(result, str) else result


def _compare_arrays(got, expected, what="your answer", tolerance=ARRAY_TOLERANCE) -> str | None:
    """None when equal (to ``tolerance`` of the answer's scale), else a sentence saying how
    they differ: the right numbers in another order, the transpose, or the first entry that
    differs, shown with enough digits to see the difference."""
    got = _as_array(got, what, expected.shape)
    if isinstance(got, str):
        return got
    if np.isnan(got).any() and not np.isnan(expected).any():
        first = tuple(int(i) for i in np.argwhere(np.isnan(got))[0])
        return (
            f'{what} contains NaN ("not a number"), first at index {first}: something '
            "there was undefined (0/0, or an entry never filled in from `np.empty`)."
        )
    wrong = _wrong_entries(got, expected, tolerance)
    if not wrong.any():
        return None
    if (
        got.ndim == 1
        and got.size > 1
        and not _wrong_entries(np.sort(got), np.sort(expected), tolerance).any()
    ):
        order = (
            " (the answer lists them from smallest to largest)"
            if np.all(np.diff(expected) >= 0)
            else ""
        )
        return f"{what} has the right numbers in a different order{order}."
    if (
        got.ndim == 2
        and got.shape[0] == got.shape[1] > 1
        and not _wrong_entries(got.T, expected, tolerance).any()
    ):
        return f"{what} is the transpose of the answer: rows and columns swapped?"
    first = tuple(int(i) for i in np.argwhere(wrong)[0])
    shown, right = _apart(float(got[first]), float(expected[first]))
    if expected.ndim == 0:
        return f"{what} is {shown}; the answer is {right}."
    return (
        f"{int(wrong.sum())} of {wrong.size} entries of {what} differ; the first at "
        f"index {first}: {shown} instead of {right}."
    )


def _offset(got, expected, guess: str = "") -> str | None:
    """A sentence when every entry of ``got`` is the answer's plus the same non-zero number:
    the fact, and the exercise's own ``guess`` at the cause when it has one."""
    got = _as_array(got, expected_shape=expected.shape)
    if isinstance(got, str) or got.shape != expected.shape or got.size < 2:
        return None
    with np.errstate(invalid="ignore", over="ignore"):
        diff = got - expected
    if not np.all(np.isfinite(diff)):
        return None
    c = float(diff.flat[0])
    if c != 0 and np.allclose(diff, c, rtol=0, atol=1e-9):
        text = f"every entry is {_fmt(abs(c))} {'more' if c > 0 else 'less'} than the answer"
        return f"{text}: {guess}" if guess else f"{text}."
    return None


def _same(got, expected, tolerance=ARRAY_TOLERANCE) -> bool:
    """True when ``got`` equals ``expected`` (arrays of numbers, to ``tolerance``); a sentence
    (a result that could not be read) equals nothing."""
    if isinstance(got, str):
        return False
    return _compare_arrays(got, np.asarray(expected, dtype=float), tolerance=tolerance) is None


@dataclass
class ArrayExercise(_Exercise):
    """An array answer (shape and values). ``mistakes``: [(wrong array, message), ...]."""

    answer: np.ndarray = None
    mistakes: list = field(default_factory=list)  # [(wrong array, message), ...]
    #: what an answer off by the same number everywhere probably means ("" : say the fact only)
    offset_guess: str = ""
    tolerance: float = ARRAY_TOLERANCE

    def __post_init__(self):
        super().__post_init__()
        self.answer = _checks.array(self.answer, "answer", ndims=(0, 1, 2, 3), limit=10**5)
        for i, (wrong, message) in enumerate(_pairs(self.mistakes, "mistakes")):
            _checks.array(wrong, f"mistakes[{i}]", ndims=(0, 1, 2, 3), limit=10**5)
            _checks.text(message, f"mistakes[{i}] message")

    def _check(self, answer) -> Feedback:
        expected = np.asarray(self.answer, dtype=float)
        problem = _compare_arrays(answer, expected, tolerance=self.tolerance)
        if problem is None:
            return Feedback(True, "every entry is right.")
        for wrong, message in self.mistakes:
            if _same(answer, wrong, self.tolerance):
                return Feedback(False, message)
        return Feedback(False, _offset(answer, expected, self.offset_guess) or problem)


def _keys(mistakes, name: str) -> list:
    if not isinstance(mistakes, dict):
        raise TypeError(f"{name} must be a dict of wrong answer -> message")
    for message in mistakes.values():
        _checks.text(message, f"{name} message")
    return list(mistakes)


def _pairs(mistakes, name: str) -> list:
    if not isinstance(mistakes, (list, tuple)) or not all(
        isinstance(m, tuple) and len(m) == 2 for m in mistakes
    ):
        raise TypeError(f"{name} must be a list of (wrong answer, message) pairs")
    return list(mistakes)


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
    #: results are right within this, relative to the largest entry of the reference's
    tolerance: float = ARRAY_TOLERANCE
    #: what results within 0.1 % of the reference's (but not within ``tolerance``) mean
    close_message: str = (
        "your results are close to the right ones (within 0.1 %) but not equal: is something "
        "rounded or approximated along the way?"
    )
    #: what a result off by the same number everywhere probably means ("": the fact only)
    offset_guess: str = ""

    def __post_init__(self):
        super().__post_init__()
        _checks.function(self.reference, "reference")
        _checks.real(self.tolerance, "tolerance", finite=True, minimum=0.0)
        if not isinstance(self.cases, (list, tuple)) or not 1 <= len(self.cases) <= 100:
            raise TypeError("cases must be a list of 1 to 100 tuples of arguments")
        for i, args in enumerate(self.cases):
            _checks.instance(args, f"cases[{i}]", tuple, "a tuple of arguments")
        for i, (wrong, message) in enumerate(_pairs(self.mistakes, "mistakes")):
            _checks.function(wrong, f"mistakes[{i}]")
            _checks.text(message, f"mistakes[{i}] message")
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
            except KeyboardInterrupt:  # the notebook's stop button still stops the check
                raise
            except BaseException as exc:  # the learner's code may raise anything, SystemExit too
                if _is_untouched_stub(answer):
                    return Feedback(None, "replace the `____` in your function with your code.")
                shown = ", ".join(_short(a) for a in args)
                return Feedback(
                    False,
                    f"your function raised `{type(exc).__name__}: {_exception_text(exc)}` "
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
            # read once, through the base type, into an array of our own (or a sentence); a
            # view of the (copied) input is copied, a broadcast giant is never read
            result = _as_array(result, "the result")
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
        tol = self.tolerance
        if all(_same(r, e, tol) for r, e in zip(results, self._expected, strict=True)):
            return Feedback(
                True,
                f"your function agrees with the reference on all {len(self.cases)} test "
                f"cases.{note}",
            )
        for (_, message), wrong in zip(self.mistakes, self._mistaken, strict=True):
            if all(_same(r, e, tol) for r, e in zip(results, wrong, strict=True)):
                return Feedback(False, message + note)
        if all(_close_to(r, e) for r, e in zip(results, self._expected, strict=True)):
            return Feedback(False, self.close_message + note)
        for r, e, args in zip(results, self._expected, self.cases, strict=True):
            problem = r if isinstance(r, str) else _compare_arrays(r, e, "the result", tol)
            if problem:
                shown = ", ".join(_short(a) for a in args)
                hint = None if isinstance(r, str) else _offset(r, e, self.offset_guess)
                return Feedback(False, f"for input ({shown}) {hint or problem}{note}")
        raise AssertionError("unreachable")  # pragma: no cover
