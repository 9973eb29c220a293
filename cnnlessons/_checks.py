"""Argument checks shared by every public function.

Each check raises a ``TypeError`` (wrong kind of value) or ``ValueError`` (right kind,
impossible value) whose message names the argument and says what is allowed, so a learner
never meets a numpy error from deep inside a computation.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

#: The most values (float64: 8 bytes each, so 64 MiB) one array made by the numerics may
#: hold: 2**23, e.g. a 2,896 x 2,896 image. The lessons' largest, Grace Hopper, is 600 x 512
#: (307,200). Checked *before* allocating, so a typo such as ``padding=100000`` is refused at
#: once instead of asking the machine for hundreds of gigabytes; a call's peak stays at a few
#: such arrays (a few hundred MB at most).
MAX_ELEMENTS = 2**23


def size_limit(
    n: int, what: str, advice: str, limit: int = MAX_ELEMENTS, limit_name: str = "MAX_ELEMENTS"
) -> None:
    """Refuse to allocate ``n`` values; ``what`` names the arguments that make it this large."""
    if n > limit:
        raise ValueError(
            f"{what} would need {n:,} values, more than {limit_name} = {limit:,}: {advice}"
        )


def integer(value, name: str, *, minimum: int | None = None) -> int:
    """Return ``value`` as an ``int``; refuse bools, floats and anything below ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    value = int(value)
    if minimum is not None and value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return value


def pair(value, name: str, *, minimum: int | None = None) -> tuple[int, int]:
    """An int or a pair of ints, returned as a pair (rows, columns)."""
    if isinstance(value, (tuple, list)):
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


def real(value, name: str) -> float:
    """A real number (int, float, numpy scalar; NaN and inf allowed) as a Python float."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    return float(value)


def boolean(value, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def array(value, name: str, *, ndims: tuple[int, ...]) -> np.ndarray:
    """A real numeric array with one of the allowed numbers of dimensions.

    Returns a float64 copy-or-view. Booleans and integers are accepted (as numbers);
    strings, objects and complex numbers are refused, and so are arrays of more than
    ``MAX_ELEMENTS`` values (before they are converted). NaN and inf are allowed: they
    propagate through the computations, as in PyTorch.
    """
    if isinstance(value, (str, bytes)):
        raise TypeError(f"{name} must be an array of real numbers, got a string {value!r}")
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError, OverflowError) as exc:  # ragged nested lists, huge ints
        raise ValueError(f"{name} must be a rectangular array of numbers: {exc}") from None
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must be an array of real numbers, got dtype {arr.dtype}")
    if np.issubdtype(arr.dtype, np.complexfloating):
        raise TypeError(f"{name} must be real, got complex dtype {arr.dtype}")
    if arr.ndim not in ndims:
        allowed = " or ".join(str(n) for n in ndims)
        raise ValueError(f"{name} must have {allowed} dimensions, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {arr.shape}")
    size_limit(arr.size, name, "use a smaller array (e.g. grace_hopper(step=2))")
    return arr.astype(np.float64, copy=False)


def choice(value, name: str, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        options = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {options}, got {value!r}")
    return value


def shape(value, name: str, *, lengths: tuple[int, ...], minimum: int = 1) -> tuple[int, ...]:
    """A tuple of positive integers of an allowed length, e.g. an input shape."""
    if isinstance(value, (numbers.Integral,)) and not isinstance(value, bool):
        value = (value,)
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{name} must be a tuple of integers, got {value!r}")
    if len(value) not in lengths:
        allowed = " or ".join(map(str, lengths))
        raise ValueError(f"{name} must have {allowed} entries, got {tuple(value)!r}")
    return tuple(integer(v, f"{name}[{i}]", minimum=minimum) for i, v in enumerate(value))


def product(values) -> int:
    """The product of validated ints (Python ints: no overflow)."""
    return math.prod(values)
