"""Reading and comparing a learner's answers, for ``checking``'s exercises: a value read once
through its base type (a number, a plain array), never through a subclass's methods; what
kind of value it is when it is not a real number; numbers shown with the digits that differ;
arrays compared to a tolerance of their scale."""

from __future__ import annotations

import math
import numbers

import numpy as np


def _digits(n: int) -> int:
    """How many decimal digits ``abs(n)`` has, without ``str`` (which refuses 4,301+ digits)."""
    n = abs(n)
    d = max(1, int(n.bit_length() * 0.30102999566398120) - 1)
    while n >= 10**d:  # at most a step or two past the estimate
        d += 1
    return d


def _fmt(x) -> str:
    if isinstance(x, int) and abs(x) >= 10**21:
        return f"a {_digits(x):,}-digit number"
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, numbers.Real) and math.isfinite(x) and float(x).is_integer() and abs(x) < 1e21:
        return f"{int(x):,}"
    if isinstance(x, numbers.Real):
        return f"{x:,.6g}"
    return repr(x)


def _apart(x: float, y: float) -> tuple[str, str]:
    """``x`` and ``y`` formatted with enough digits to look different when they are (never
    "-0.785867 instead of -0.785867")."""
    a, b = _fmt(x), _fmt(y)
    if a != b or x == y:
        return a, b
    for digits in range(7, 18):
        a, b = f"{float(x):,.{digits}g}", f"{float(y):,.{digits}g}"
        if a != b:
            break
    return a, b


def _text(value) -> str | None:
    """A string answer as a plain ``str`` (never calling a subclass's methods), else None."""
    if isinstance(value, str):
        return str.__str__(value)
    return None


def _kind_problem(value, what: str) -> str | None:
    """A sentence when ``value`` is a kind of thing that is not a real number."""
    if isinstance(value, (bool, np.bool_)):
        return f"{what} is `{bool.__bool__(bool(value))}`, a True/False value: give a number."
    if isinstance(value, (complex, np.complexfloating)):
        return f"{what} is a complex number (it has an imaginary part, `j`): give a real number."
    if isinstance(value, (np.timedelta64, np.datetime64)):
        return f"{what} is a time or a duration (`{type(value).__name__}`): give a plain number."
    text = _text(value)
    if text is not None:
        return (
            f"{what} is the text {text[:60]!r}: give a number, without quotes (for "
            "example `456`, not `'456'`)."
        )
    if isinstance(value, bytes):
        return f"{what} is bytes, not a number."
    return None


def _read_scalar(value):
    """A number read through its base type: a plain ``int`` or ``float``, or a sentence."""
    if isinstance(value, int) and not isinstance(value, bool):
        return int.__index__(value)  # exact, however large (10**5000 is a valid int)
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, np.integer):
        return int(np.asarray(value).view(np.ndarray).astype(object).item())
    if isinstance(value, np.floating):
        return float(np.float64(np.asarray(value).view(np.ndarray).item()))
    return None


#: The most entries a checker reads from an answer (the answers are small arrays; a larger
#: answer has the wrong shape, and is said to, without reading its entries).
MAX_ANSWER_ENTRIES = 10**6


def _scan(value, depth: int = 0, budget: list | None = None):
    """A nested list of plain ints and floats from nested lists/tuples of numbers, or a
    sentence saying what in them is not a number. Reads each entry through its base type."""
    budget = [MAX_ANSWER_ENTRIES] if budget is None else budget
    if depth > 32:
        return "is nested too deeply to be an array of numbers."
    if isinstance(value, (list, tuple)):
        budget[0] -= len(value)
        if budget[0] < 0:
            return f"has more than {MAX_ANSWER_ENTRIES:,} entries, far more than the answer."
        out = []
        for item in value:
            got = _scan(item, depth + 1, budget)
            if isinstance(got, str):
                return got
            out.append(got)
        return out
    if isinstance(value, np.ndarray):
        got = _read_array(value)
        return got if isinstance(got, str) else got.tolist()
    problem = _kind_problem(value, "it")
    if problem:
        return "contains " + problem.removeprefix("it is ").split(":")[0] + ": give numbers."
    number = _read_scalar(value)
    if number is None:
        if value is None:
            return "contains `None`: did a function forget `return`?"
        return f"contains a {type(value).__name__}, not a number."
    return number


def _read_array(got, expected_shape=None):
    """``got`` as a plain float64 array of our own, or a sentence (without the subject) saying
    why it is not an array of real numbers. Nothing of ``got`` beyond its base data is used;
    when ``expected_shape`` is given, a different shape is reported before any entry is read
    (a broadcast array of 10**12 entries is never copied)."""
    if isinstance(got, np.ma.MaskedArray):
        return (
            "is a masked array: its mask would be ignored. Give a plain array (e.g. "
            "`np.ma.filled(x, 0)`, saying what a masked entry is)."
        )
    if isinstance(got, np.ndarray):
        arr = got.view(np.ndarray)
    else:
        problem = _kind_problem(got, "it")
        if problem:
            return problem.removeprefix("it ").split(":")[0] + ": give numbers."
        if isinstance(got, (list, tuple)):
            clean = _scan(got)
            if isinstance(clean, str):
                return clean
            try:
                arr = np.array(clean)
            except (ValueError, TypeError):
                return "is not a rectangular array of numbers (rows of different lengths?)."
            if arr.dtype == object:
                return (
                    "holds a number too large for a float, or rows of different lengths: "
                    "far from the answer."
                )
        else:
            number = _read_scalar(got)
            if number is None:
                return f"is a {type(got).__name__}, not an array of numbers."
            try:
                arr = np.array(float(number))
            except OverflowError:
                return "is a number too large for a float: far from the answer."
    if expected_shape is not None and arr.shape != tuple(expected_shape):
        return f"has shape {arr.shape}, but the answer has shape {tuple(expected_shape)}."
    if arr.size > MAX_ANSWER_ENTRIES:
        return f"has {arr.size:,} entries, far more than the answer."
    kind = arr.dtype.kind
    if kind == "b":
        return "holds True/False values: give numbers."
    if kind == "c":
        return "holds complex numbers (an imaginary part, `j`): give real numbers."
    if kind in "mM":
        return f"holds times or durations ({arr.dtype}): give plain numbers."
    if kind in "USa":
        return (
            "contains text (quotes around numbers?): give numbers, e.g. `[3, 4]`, not "
            "`'3, 4'` or `['3', '4']`."
        )
    if kind == "O":
        clean = _scan(arr.tolist()) if arr.ndim else _scan([arr.item()])
        if isinstance(clean, str):
            return clean
        try:
            arr = np.array(clean, dtype=float).reshape(arr.shape)
        except (ValueError, TypeError, OverflowError):
            return "holds a number too large for a float: far from the answer."
    elif kind not in "iuf":
        return f"is an array of {arr.dtype}, not of numbers."
    with np.errstate(over="ignore"):
        return np.array(arr, dtype=np.float64, copy=True)


#: arrays are compared to this tolerance, relative to the answer's largest entry (at least 1):
#: float32 arithmetic (a learner's ``np.float32`` image) passes, any slip of a lesson fails
ARRAY_TOLERANCE = 1e-6


def _wrong_entries(got, expected, tolerance):
    scale = max(1.0, float(np.abs(expected).max())) if expected.size else 1.0
    return ~np.isclose(got, expected, rtol=tolerance, atol=tolerance * scale, equal_nan=True)


def _close_to(got, expected, tolerance=1e-3) -> bool:
    """True when ``got`` is within ``tolerance`` of ``expected``'s scale (an approximation)."""
    if isinstance(got, str) or got.shape != expected.shape or np.isnan(got).any():
        return False
    return not _wrong_entries(got, expected, tolerance).any()


def _exception_text(exc: BaseException) -> str:
    """The exception's message (its args, never a ``__str__`` of its own), short."""
    try:
        text = BaseException.__str__(exc)
    except Exception:  # an argument whose str() fails
        text = ""
    return text if len(text) <= 300 else text[:297] + "..."


def _short(value) -> str:
    if isinstance(value, np.ndarray):
        return f"array of shape {value.shape}"
    return repr(value)
