"""Every exercise of every lesson (01-08), found from the lessons' ``__all__``, against answers
that are not real numbers, that lie about their value, or that would crash a careless checker.

The right value is the exercise's own (``answer``, or ``reference`` for a function): each bad
answer below is built from it, so a checker that reads the wrong thing (a subclass's
``__float__``, the real part of a complex number, True as 1, the data under a mask) would call
it correct. None may be called correct, and none may crash the check.
"""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from cnnlessons.checking import ArrayExercise, Feedback, FunctionExercise, NumberExercise
from cnnlessons.checking import _Exercise as Exercise

LESSONS = [importlib.import_module(f"cnnlessons.lesson{n:02d}.exercises") for n in range(1, 9)]
EXERCISES = {
    f"{module.__name__.split('.')[1]}.{name}": getattr(module, name)
    for module in LESSONS
    for name in module.__all__
    if isinstance(getattr(module, name), Exercise)
}
NUMBERS = {k: e for k, e in EXERCISES.items() if isinstance(e, NumberExercise)}
ARRAYS = {k: e for k, e in EXERCISES.items() if isinstance(e, ArrayExercise)}
FUNCTIONS = {k: e for k, e in EXERCISES.items() if isinstance(e, FunctionExercise)}


def test_every_lesson_has_exercises_of_its_own():
    lessons = {key.split(".")[0] for key in EXERCISES}
    assert lessons == {f"lesson{n:02d}" for n in range(1, 9)}
    assert len(NUMBERS) >= 8 and len(ARRAYS) >= 2 and len(FUNCTIONS) >= 6


# ----------------------------------------------------------------------------- liars
class FloatLiar(float):
    """A float whose own value is wrong, but whose methods all say ``claim``."""

    claim = 0.0

    def __float__(self):
        return self.claim

    def __eq__(self, other):
        return True

    __hash__ = float.__hash__

    def __round__(self, n=None):
        return self.claim


class IntLiar(int):
    claim = 0

    def __int__(self):
        return self.claim

    def __index__(self):
        return self.claim

    def __float__(self):
        return float(self.claim)

    def __eq__(self, other):
        return True

    __hash__ = int.__hash__


class ArrayLiar(np.ndarray):
    """An array whose data are wrong but whose conversions claim the right values."""

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self.claim, dtype=dtype)

    def __float__(self):
        return float(np.asarray(self.claim).ravel()[0])

    def astype(self, *args, **kwargs):
        return np.asarray(self.claim).astype(*args, **kwargs)

    def tolist(self):
        return np.asarray(self.claim).tolist()

    def __eq__(self, other):
        return np.ones(self.shape, bool)


def float_liar(right):
    liar = FloatLiar(float(right) + 7.0)
    liar.claim = float(right)
    return liar


def int_liar(right):
    liar = IntLiar(int(right) + 7)
    liar.claim = int(right)
    return liar


def array_liar(right):
    right = np.asarray(right, dtype=float)
    liar = np.array(right + 7.0).view(ArrayLiar)
    liar.claim = right
    return liar


def masked(right):
    """The right values under a full mask, over wrong data: a mask is not a value."""
    right = np.asarray(right, dtype=float)
    data = right + 7.0
    out = np.ma.masked_array(data, mask=np.ones(data.shape, bool))
    out.data[...] = right  # what a careless reader of .data would see
    return out


def bad_values(right):
    """Every bad answer built from the right value ``right`` (a number or an array)."""
    arr = np.asarray(right, dtype=float)
    out = {
        "complex": arr + 5j,
        "complex, no imaginary part": arr.astype(complex),
        "bool": arr.astype(bool),
        "timedelta64": arr.astype(np.int64).astype("m8[s]"),
        "datetime64": arr.astype(np.int64).astype("M8[s]"),
        "object array": arr.astype(object),
        "masked": masked(arr),
        "array liar": array_liar(arr),
        "text": str(arr.tolist()),
        "huge int": 10**5000,
        "list with a huge int": [10**5000] * max(arr.size, 1),
        "broadcast giant": np.broadcast_to(np.float64(1.0), (10**6, 10**6)),
        "nested too deep": [[[[[[1.0]]]]]],
        "bool in a list": [True] + arr.ravel().tolist()[1:],
    }
    if arr.ndim == 0:
        value = float(arr)
        out["float liar"] = float_liar(value)
        out["python complex"] = complex(value, 1.0)
        out["numpy bool"] = np.bool_(value != 0)
        if value == int(value) and abs(value) < 2**62:
            out["int liar"] = int_liar(int(value))
    else:
        out["bools and numbers"] = [True, *arr.ravel().tolist()[1:]]
    return out


def _object_array_of_the_right_numbers(name):
    return name == "object array"


@pytest.mark.parametrize("key", sorted(NUMBERS) + sorted(ARRAYS))
def test_a_bad_answer_is_never_correct_and_never_crashes(key):
    exercise = EXERCISES[key]
    for name, answer in bad_values(exercise.answer).items():
        feedback = exercise.check(answer)
        assert isinstance(feedback, Feedback), name
        if _object_array_of_the_right_numbers(name) and isinstance(exercise, ArrayExercise):
            continue  # plain Python numbers in an object array are numbers: may be right
        assert feedback.correct is not True, f"{key}: {name} was called correct"
        assert feedback.message, name


@pytest.mark.parametrize("key", sorted(NUMBERS) + sorted(ARRAYS))
def test_the_right_answer_passes_and_the_refusals_say_why(key):
    exercise = EXERCISES[key]
    assert exercise.check(exercise.answer).correct is True
    bad = bad_values(exercise.answer)
    assert "complex" in exercise.check(bad["complex"]).message
    assert "True/False" in exercise.check(bad["bool"]).message
    assert "masked" in exercise.check(bad["masked"]).message
    assert "time" in exercise.check(bad["timedelta64"]).message
    assert "digit" in exercise.check(bad["huge int"]).message or "large" in exercise.check(
        bad["huge int"]
    ).message or "shape" in exercise.check(bad["huge int"]).message


# ----------------------------------------------------------------------------- functions
def _learner(kind, reference):
    def raising(exc):
        def f(*args):
            raise exc

        return f

    return {
        "plus 1j": lambda *a: np.asarray(reference(*a), dtype=float) + 1j,
        "as complex": lambda *a: np.asarray(reference(*a), dtype=float).astype(complex),
        "as bool": lambda *a: np.asarray(reference(*a), dtype=float).astype(bool),
        "masked": lambda *a: masked(reference(*a)),
        "array liar": lambda *a: array_liar(reference(*a)),
        "float liar": lambda *a: float_liar(np.asarray(reference(*a), dtype=float).ravel()[0]),
        "timedelta64": lambda *a: np.asarray(reference(*a), dtype=float)
        .astype(np.int64)
        .astype("m8[s]"),
        "broadcast giant": lambda *a: np.broadcast_to(np.float64(1.0), (10**6, 10**6)),
        "huge int": lambda *a: 10**5000,
        "SystemExit": raising(SystemExit(3)),
        "GeneratorExit": raising(GeneratorExit()),
        "MemoryError": raising(MemoryError()),
        "RecursionError": raising(RecursionError("deep")),
        "an exception whose str fails": raising(type("Odd", (Exception,), {"__str__": None})()),
        "text": lambda *a: "42",
        "None inside": lambda *a: [None],
    }[kind]


KINDS = [
    "plus 1j", "as complex", "as bool", "masked", "array liar", "float liar", "timedelta64",
    "broadcast giant", "huge int", "SystemExit", "GeneratorExit", "MemoryError",
    "RecursionError", "an exception whose str fails", "text", "None inside",
]  # fmt: skip


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("key", sorted(FUNCTIONS))
def test_a_bad_function_is_never_correct_and_never_crashes(key, kind):
    exercise = FUNCTIONS[key]
    feedback = exercise.check(_learner(kind, exercise.reference))
    assert isinstance(feedback, Feedback)
    if kind == "as complex":  # a zero imaginary part is still a complex number: refused
        assert feedback.correct is False and "complex" in feedback.message
    assert feedback.correct is False, f"{key}: {kind} -> {feedback.message}"
    if kind in ("SystemExit", "GeneratorExit", "MemoryError", "RecursionError"):
        assert kind in feedback.message


@pytest.mark.parametrize("key", sorted(FUNCTIONS))
def test_the_reference_passes_and_keyboard_interrupt_still_stops_a_check(key):
    exercise = FUNCTIONS[key]
    assert exercise.check(exercise.reference).correct is True

    def stopped(*args):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        exercise.check(stopped)
