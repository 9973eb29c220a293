"""Argument checks shared by every public function.

Each check raises a ``TypeError`` (wrong kind of value) or ``ValueError`` (right kind,
impossible value) whose message names the argument and says what is allowed, so a learner
never meets a numpy error from deep inside a computation.

The budget: one documented limit for each resource a call can use, checked *before* the call
spends it (a size is computed from the validated arguments, then compared).

- ``MAX_ELEMENTS`` values in any one array a function makes (memory);
- ``MAX_WORK`` elementary steps in one call (time): multiply-adds, values visited, loop
  iterations times their size; about a second or two of numpy on a laptop, far more than any
  lesson needs, far less than a hang; ``MAX_PYTHON_STEPS`` (= ``MAX_WORK / 64``) steps of a
  loop written in Python, about as long;
- ``MAX_TRAINING_WORK`` multiply-adds in one training run (minutes: a network is trained
  for hundreds or thousands of steps);
- ``MAX_SECONDS`` of wall-clock time a timing function may be asked to spend;
- ``MAX_FIGURE_INCHES`` per side of a figure (at most 40 x 40 inches: 4,000 pixels a side at
  100 dpi; the lessons' widest figure is 12 inches);
- ``MAX_INTEGER`` (10**100) for any integer argument;
- ``MAX_DRAWN_CELLS`` cells with a number drawn in one grid (text is matplotlib's slowest
  artist: 4,096 cells = a 64 x 64 grid, already unreadable).

Real numbers are Python or numpy ints and floats, never ``bool`` (``True`` is not a size, a
bias or a tolerance); arrays are real numeric arrays: no complex, no text, no objects, no
``timedelta64``/``datetime64``, no masked arrays (their mask would be silently ignored).
"""

from __future__ import annotations

import math

import numpy as np

#: The most values (float64: 8 bytes each, so 64 MiB) one array made by the numerics may
#: hold: 2**23, e.g. a 2,896 x 2,896 image. The lessons' largest, Grace Hopper, is 600 x 512
#: (307,200). Checked *before* allocating, so a typo such as ``padding=100000`` is refused at
#: once instead of asking the machine for hundreds of gigabytes; a call's peak stays at a few
#: such arrays (a few hundred MB at most).
MAX_ELEMENTS = 2**23

#: The most elementary steps one call may take: 2**30, about 10**9 multiply-adds (a second or
#: two of numpy on a laptop). ``work()`` checks it before the work starts.
MAX_WORK = 2**30

#: The most multiply-adds one training run may take (``Network.fit``): 2**37, about 1.4 *
#: 10**11, minutes of numpy. The longest run the series makes, the full MNIST-1D comparison's
#: CNN (6,000 steps, tools/mnist1d_table.py), is about 2.7 * 10**10; lesson 05's is 1.4 * 10**9.
MAX_TRAINING_WORK = 2**37

#: The most steps one call may take in a Python loop (each about 64 numpy steps): 2**24,
#: about a second, like ``MAX_WORK``. ``python_work()`` checks it.
MAX_PYTHON_STEPS = MAX_WORK // 64

#: The most seconds of wall-clock time a timing function may be asked to spend (time_call's
#: ``repeats * min_time``); the lessons ask for a few milliseconds per timing.
MAX_SECONDS = 10.0

#: The longest side of a figure, in inches (4,000 pixels at 100 dpi).
MAX_FIGURE_INCHES = 40.0

#: The largest integer any argument may be: 10**100. Counts may exceed numpy's int64 (the
#: weights of a dense layer on a photograph: Python ints, exact), but an integer of thousands
#: of digits means nothing here and cannot even be printed (Python refuses 4,301+ digits).
MAX_INTEGER = 10**100

#: The most cells a figure draws one by one (a number or a patch each): a 64 x 64 grid.
MAX_DRAWN_CELLS = 4096


def size_limit(
    n: int, what: str, advice: str, limit: int = MAX_ELEMENTS, limit_name: str = "MAX_ELEMENTS"
) -> None:
    """Refuse to allocate ``n`` values; ``what`` names the arguments that make it this large."""
    if n > limit:
        raise ValueError(
            f"{what} would need {n:,} values, more than {limit_name} = {limit:,}: {advice}"
        )


def work(n: int, what: str, advice: str, *, training: bool = False) -> None:
    """Refuse a call that would take ``n`` elementary steps, more than ``MAX_WORK`` (or, for
    a training run, ``MAX_TRAINING_WORK``)."""
    if training:
        size_limit(n, what, advice, limit=MAX_TRAINING_WORK, limit_name="MAX_TRAINING_WORK")
    else:
        size_limit(n, what, advice, limit=MAX_WORK, limit_name="MAX_WORK")


def python_work(n: int, what: str, advice: str) -> None:
    """Refuse a call whose Python loops would take ``n`` steps, more than ``MAX_PYTHON_STEPS``."""
    size_limit(n, what, advice, limit=MAX_PYTHON_STEPS, limit_name="MAX_PYTHON_STEPS")


def _shown(value) -> str:
    """``repr(value)``, short: a huge int or a long text never floods a message."""
    if isinstance(value, int) and not isinstance(value, bool):
        digits = len(str(abs(value))) if abs(value) < 10**4000 else None
        if digits is None or digits > 30:
            return f"a {digits or 'more than 4,000'}-digit integer"
    try:
        text = repr(value)
    except Exception:  # a value whose repr raises is still refused with a message
        text = f"a {type(value).__name__}"
    return text if len(text) <= 80 else text[:77] + "..."


def integer(value, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an ``int``; refuse bools, floats and anything outside
    ``[minimum, maximum]``. Read through ``operator.index`` of the base type only."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an integer, got {_shown(value)} ({type(value).__name__})")
    value = int.__index__(value) if isinstance(value, int) else int(value)
    if abs(value) > MAX_INTEGER:
        raise ValueError(
            f"{name} must be an integer of at most 10**100 in size (MAX_INTEGER), got "
            f"{_shown(value)}"
        )
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {_shown(value)}")
    if maximum is not None and value > maximum:
        raise ValueError(f"{name} must be an integer <= {maximum:,}, got {_shown(value)}")
    return value


def pair(value, name: str, *, minimum: int | None = None) -> tuple[int, int]:
    """An int or a pair of ints, returned as a pair (rows, columns)."""
    if isinstance(value, (tuple, list, np.ndarray)):
        if len(value) != 2:
            raise ValueError(
                f"{name} must be an integer or a pair of integers, got {len(value)} values"
            )
        return (
            integer(value[0], f"{name}[0]", minimum=minimum),
            integer(value[1], f"{name}[1]", minimum=minimum),
        )
    v = integer(value, name, minimum=minimum)
    return (v, v)


def real(
    value,
    name: str,
    *,
    finite: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
    positive: bool = False,
) -> float:
    """A real number (int, float, numpy scalar) as a Python float.

    NaN and inf are allowed unless ``finite``; ``minimum``/``maximum`` are inclusive bounds,
    ``positive`` asks for > 0. Refuses bools, complex numbers, strings, arrays, and ints too
    large for a float. Read through the base type (never a subclass's ``__float__``)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(
        value, (int, float, np.integer, np.floating)
    ):
        raise TypeError(
            f"{name} must be a real number, got {_shown(value)} ({type(value).__name__})"
        )
    try:
        if isinstance(value, int):
            result = int.__float__(value)
        elif isinstance(value, float):
            result = float.__float__(value)
        else:
            result = float(np.float64(value))
    except OverflowError:
        raise ValueError(f"{name} is too large for a float: {_shown(value)}") from None
    if finite and not math.isfinite(result):
        raise ValueError(f"{name} must be a finite number, got {result}")
    needs = []
    if minimum is not None and not result >= minimum:
        needs.append(f">= {minimum:g}")
    if maximum is not None and not result <= maximum:
        needs.append(f"<= {maximum:g}")
    if positive and not result > 0:
        needs.append("> 0")
    if needs:
        kind = "finite number" if finite else "number"
        raise ValueError(f"{name} must be a {kind} {' and '.join(needs)}, got {result:g}")
    return result


def seed(value, name: str = "seed") -> int:
    """A seed for numpy's random generator: an integer >= 0 (bools refused)."""
    return integer(value, name, minimum=0, maximum=2**63 - 1)


def rng(value, name: str = "rng") -> np.random.Generator:
    """A ``numpy.random.Generator``, or a seed (integer >= 0) for a new one, or None (fresh
    entropy)."""
    if value is None:
        return np.random.default_rng()
    if isinstance(value, np.random.Generator):
        return value
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(
            f"{name} must be a numpy.random.Generator, a seed (an integer >= 0) or None, "
            f"got {_shown(value)} ({type(value).__name__})"
        )
    return np.random.default_rng(seed(value, name))


def function(value, name: str):
    """A callable."""
    if not callable(value):
        raise TypeError(f"{name} must be a function, got {_shown(value)} ({type(value).__name__})")
    return value


def instance(value, name: str, cls, what: str):
    """``value`` if it is an instance of ``cls``; else a TypeError saying ``what`` is meant."""
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be {what}, got {_shown(value)} ({type(value).__name__})")
    return value


def text(value, name: str) -> str:
    """A string (a title, a label)."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string, got {_shown(value)} ({type(value).__name__})")
    return str.__str__(value)


def figsize(value, name: str = "figsize") -> tuple[float, float]:
    """A figure size (width, height) in inches: two finite numbers in (0, MAX_FIGURE_INCHES]."""
    try:
        if not isinstance(value, (tuple, list)) or len(value) != 2:
            raise TypeError
        return (
            real(value[0], name, positive=True, maximum=MAX_FIGURE_INCHES),
            real(value[1], name, positive=True, maximum=MAX_FIGURE_INCHES),
        )
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be (width, height) in inches, both numbers > 0 and at most "
            f"MAX_FIGURE_INCHES = {MAX_FIGURE_INCHES:g}, got {_shown(value)}"
        ) from None


def mapping(value, name: str, keys: tuple[str, ...]) -> dict:
    """A dict holding at least ``keys`` (what a numerics function returned, passed on to a
    figure): a plain dict copy, so a subclass's methods are not called again."""
    if not isinstance(value, dict):
        raise TypeError(
            f"{name} must be a dict with keys {', '.join(map(repr, keys))} (as the lesson's "
            f"numerics return it), got {_shown(value)} ({type(value).__name__})"
        )
    value = dict(dict.items(value))
    missing = [k for k in keys if k not in value]
    if missing:
        raise ValueError(f"{name} lacks the keys {', '.join(map(repr, missing))}")
    return value


def choices(values, name: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """A non-empty list or tuple of names from ``allowed`` (one name alone is accepted)."""
    if isinstance(values, str):
        values = (values,)
    if not isinstance(values, (list, tuple)) or not values:
        raise TypeError(
            f"{name} must be a non-empty list of {', '.join(map(repr, allowed))}, "
            f"got {_shown(values)}"
        )
    return tuple(choice(v, name, allowed) for v in values)


def flags(values, name: str) -> tuple[bool, ...]:
    """A non-empty list or tuple of True/False (one alone is accepted)."""
    if isinstance(values, (bool, np.bool_)):
        values = (values,)
    if not isinstance(values, (list, tuple)) or not values:
        raise TypeError(f"{name} must be a non-empty list of True/False, got {_shown(values)}")
    return tuple(boolean(v, name) for v in values)


def boolean(value, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {_shown(value)}")
    return bool(value)


def array(
    value,
    name: str,
    *,
    ndims: tuple[int, ...],
    finite: bool = False,
    empty: bool = False,
    limit: int = MAX_ELEMENTS,
) -> np.ndarray:
    """A real numeric array with one of the allowed numbers of dimensions.

    Returns a float64 array (a copy of a subclass's data, a view of a plain float64 array).
    Booleans and integers are accepted as the entries of an array (a mask is an image of 0s
    and 1s), but a lone ``True`` is not (it is not a number). Strings, objects, complex
    numbers, ``timedelta64``/``datetime64`` and masked arrays are refused, and so are arrays of
    more than ``limit`` values (before they are converted or copied: a broadcast view of 10**12
    values is refused without touching its data). NaN and inf are allowed unless ``finite``:
    they propagate through the computations, as in PyTorch.
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of real numbers, got a string {_shown(value)}")
    if isinstance(value, (bool, np.bool_)) or (
        isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype == bool
    ):
        raise TypeError(f"{name} must be a number or an array of numbers, got {value!r}")
    if isinstance(value, np.ma.MaskedArray):
        raise TypeError(
            f"{name} must be a plain array: a masked array's mask would be ignored "
            "(use np.ma.filled(x, value) to say what a masked entry is)"
        )
    if isinstance(value, np.ndarray):
        arr = value.view(np.ndarray)  # a subclass's methods are never called
    else:
        if isinstance(value, (list, tuple)) and len(value) > limit:
            size_limit(len(value), name, "use a smaller array", limit=limit)
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError, OverflowError) as exc:  # ragged nested lists, huge ints
            raise ValueError(
                f"{name} must be a rectangular array of numbers: {str(exc)[:200]}"
            ) from None
        if isinstance(arr, np.ma.MaskedArray):
            raise TypeError(f"{name} must be a plain array, not a masked array")
        arr = arr.view(np.ndarray)
    if arr.dtype == object or arr.dtype.kind not in "biuf":
        if arr.dtype.kind == "c":
            raise TypeError(f"{name} must be real, got complex dtype {arr.dtype}")
        raise TypeError(f"{name} must be an array of real numbers, got dtype {arr.dtype}")
    if arr.ndim not in ndims:
        allowed = " or ".join(str(n) for n in ndims)
        raise ValueError(f"{name} must have {allowed} dimensions, got shape {arr.shape}")
    if arr.size == 0 and not empty:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    size_limit(arr.size, name, "use a smaller array (e.g. grace_hopper(step=2))", limit=limit)
    out = arr.astype(np.float64, copy=False)
    if finite and not np.isfinite(out).all():
        raise ValueError(f"{name} must hold finite numbers (no NaN or inf)")
    return out


def choice(value, name: str, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or str.__str__(value) not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {options}, got {_shown(value)}")
    return str.__str__(value)


def shape(value, name: str, *, lengths: tuple[int, ...], minimum: int = 1) -> tuple[int, ...]:
    """A tuple of positive integers of an allowed length, e.g. an input shape."""
    if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
        value = (value,)
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{name} must be a tuple of integers, got {_shown(value)}")
    if len(value) not in lengths:
        allowed = " or ".join(map(str, lengths))
        raise ValueError(f"{name} must have {allowed} entries, got {len(value)}")
    return tuple(integer(v, f"{name}[{i}]", minimum=minimum) for i, v in enumerate(value))


def product(values) -> int:
    """The product of validated ints (Python ints: no overflow)."""
    return math.prod(values)


def integers(
    values,
    name: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    limit: int = 10_000,
) -> list[int]:
    """A non-empty sequence (list, tuple, 1-D array, range) of integers, or one integer, as a
    list of ints; at most ``limit`` of them. Each is checked like ``integer``."""
    if isinstance(values, (int, np.integer)) and not isinstance(values, (bool, np.bool_)):
        values = [values]
    if isinstance(values, np.ndarray):
        if values.ndim != 1 or values.dtype.kind not in "iu":
            raise TypeError(f"{name} must be a list of integers, got an array of {values.dtype}")
        values = values.tolist()
    if not isinstance(values, (list, tuple, range)):
        raise TypeError(
            f"{name} must be a list of integers, got {_shown(values)} ({type(values).__name__})"
        )
    if not 1 <= len(values) <= limit:
        raise ValueError(
            f"{name} must hold at least one integer (and at most {limit:,}), got {len(values):,}"
        )
    return [
        integer(v, f"{name}[{i}]", minimum=minimum, maximum=maximum) for i, v in enumerate(values)
    ]


def permutation(value, name: str, n: int) -> np.ndarray:
    """A permutation of 0..n-1 (a 1-D array of whole numbers), as int64."""
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a permutation of 0..{n - 1}, got {value!r}")
    arr = array(value, name, ndims=(1,))
    if not (np.isfinite(arr).all() and (arr == np.round(arr)).all()):
        raise TypeError(f"{name} must hold whole numbers (positions 0..{n - 1})")
    perm = arr.astype(np.int64)
    if perm.shape != (n,) or not np.array_equal(np.sort(perm), np.arange(n)):
        raise ValueError(f"{name} must be a permutation of 0..{n - 1}, got shape {perm.shape}")
    return perm
