"""Every public callable of every module, with bad and borderline arguments.

The registry is built from the package itself: ``pkgutil`` walks ``cnnlessons``, and each
module's ``__all__`` names its public functions and classes, so a function added tomorrow is
fuzzed the day it lands (a module without ``__all__`` fails ``test_every_module_declares``).

For each callable, a valid call is found first (from ``VALID``, plausible values by argument
name); then each argument in turn is replaced by every value of ``BAD``. Every call must either
return or raise a ``ValueError``/``TypeError`` whose message names one of the callable's
arguments. Never another exception; never more than ``MEMORY_LIMIT`` bytes of new memory
(traced by tracemalloc: the budget is checked before allocating, so a refusal costs almost
nothing). No test here measures time: ``_checks.MAX_WORK`` bounds the work of an accepted
call. A hang (a call that never returns, whatever the machine) is reported after
``HANG_SECONDS``: a watchdog, not a speed limit.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import resource
import signal
import tracemalloc
import warnings

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import cnnlessons  # noqa: E402
from cnnlessons import _checks  # noqa: E402

MEMORY_LIMIT = 300 * 2**20  # "a few hundred MB": the budget's few arrays of MAX_ELEMENTS
HANG_SECONDS = 300  # a watchdog for calls that never return (time_call(min_time=1e9) did)

#: modules whose callables are not for learners' arguments: the engine's parts are driven by
#: the explorers (their constructors are fuzzed through the lessons' explorers)
SKIP_MODULES = ("cnnlessons.engine.",)


def _modules():
    names = ["cnnlessons"]
    for info in pkgutil.walk_packages(cnnlessons.__path__, "cnnlessons."):
        names.append(info.name)
    return sorted(n for n in names if not n.startswith(SKIP_MODULES))


MODULES = _modules()


def _registry():
    entries = {}
    for name in MODULES:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            if not callable(obj) or getattr(obj, "__module__", None) != name:
                continue  # constants, and names re-exported from where they are defined
            if isinstance(obj, type) and issubclass(obj, BaseException):
                continue
            entries[f"{name}.{attr}"] = obj
    return entries


REGISTRY = _registry()


def test_every_module_declares_its_public_names():
    missing = [
        n
        for n in MODULES
        if not n.endswith("__init__")
        and not hasattr(importlib.import_module(n), "__all__")
        and not n.rsplit(".", 1)[-1].startswith("_")
        and importlib.import_module(n).__file__.endswith(".py")
        and not importlib.import_module(n).__file__.endswith("__init__.py")
    ]
    assert missing == []


def test_the_registry_covers_every_module():
    assert len(REGISTRY) >= 150, len(REGISTRY)
    covered = {key.rsplit(".", 1)[0] for key in REGISTRY}
    for lesson in range(1, 9):
        assert any(m.startswith(f"cnnlessons.lesson{lesson:02d}") for m in covered), lesson


# ----------------------------------------------------------------------------- values
def _figure():
    from cnnlessons.figures.display import new_figure

    return new_figure((6.0, 4.0))


def _axes():
    return _figure().add_subplot()


def _network():
    from cnnlessons.numerics.architectures import vgg16

    return vgg16()


#: plausible valid values by argument name, tried in order until a call succeeds
VALID = {
    "x": [lambda: np.arange(64.0).reshape(8, 8) % 5, lambda: np.arange(16.0) % 3,
          lambda: np.zeros((2, 1, 8, 8)), lambda: np.zeros((4, 6, 6))],
    "w": [lambda: np.ones((3, 3)), lambda: np.array([1.0, 2.0, 1.0])],
    "ax": [_axes],
    "fig": [_figure],
    "layers": [lambda: [(3, 1, 1), (3, 1, 1)]],
    "network": [_network],
    "image": [lambda: np.arange(64.0).reshape(8, 8) % 5],
    "photo": [lambda: np.arange(1024.0).reshape(32, 32) % 7],
    "values": [lambda: np.arange(6.0).reshape(2, 3), lambda: np.arange(6.0)],
    "shape": [lambda: (8, 8)],
    "input_shape": [lambda: (8, 8), lambda: (3, 32, 32)],
    "sides": [lambda: [8, 16, 32]],
    "f": [lambda: (lambda v: v)],
    "g": [lambda: (lambda v: v)],
    "fn": [lambda: (lambda: None)],
    "draw": [lambda: (lambda ax: None)],
    "pool": [lambda: (lambda v: v)],
    "predict": [lambda: (lambda v: np.zeros(len(v)))],
    "unit": [lambda: (0, 0), lambda: 0],
    "kind": [lambda: "conv", lambda: "max"],
    "name": [lambda: "sharpen", lambda: "vgg16"],
    "color": [lambda: "#0072B2"],
    "a": [lambda: "#0072B2"],
    "b": [lambda: "#ffffff"],
}
#: small settings for the experiments (each trains networks or repeats fits): the fuzzed
#: argument changes, the others stay small, so an accepted call stays cheap
CHEAP = {
    "cnnlessons.lesson05.numerics.fewshot.classification_curves": dict(
        N=(4,), seeds=(0,), test_size=8, steps=1, shuffled=(False,)
    ),
    "cnnlessons.lesson05.numerics.fewshot.least_squares_curves": dict(N=(4, 8), repeats=1),
    "cnnlessons.lesson05.numerics.fewshot.learn_kernel": dict(steps=2),
    # the callables that train: one step on a few examples (their checks come first)
    "cnnlessons.lesson05.numerics.mnist1d.train": dict(name="mlp", steps=1, n_train=10),
    "cnnlessons.lesson05.numerics.mnist1d.benchmark": dict(
        models=("mlp",), shuffled=(False,), seeds=(0,), steps=1
    ),
    "cnnlessons.lesson05.numerics.mnist1d.learning_curve": dict(
        sizes=(10,), models=("mlp",), steps=1
    ),
    "cnnlessons.lesson06.numerics.learned.train_stack": dict(n_train=4, steps=1),
    "cnnlessons.lesson06.numerics.learned.train_digits": dict(steps=1),
    "cnnlessons.lesson06.numerics.features.learned_filters": dict(n_train=8, test_size=8),
    "cnnlessons.lesson06.numerics.stacks.random_erf": dict(trials=4),
    "cnnlessons.lesson08.numerics.consistency_experiment": dict(
        filter_sizes=(1,), seeds=(0,), n_train=8, n_test=4, size=8, steps=1
    ),
    "cnnlessons.lesson08.numerics.unchanged_fraction": dict(rows=4, length=8),
    "cnnlessons.lesson08.numerics.invariance_curve": dict(rows=4, length=8),
    "cnnlessons.lesson08.numerics.mean_output_change": dict(rows=2, length=8),
    "cnnlessons.lesson08.figures.unchanged_fraction_plot": dict(rows=4),
    "cnnlessons.lesson08.figures.invariance_curves_plot": dict(rows=4),
    "cnnlessons.lesson08.figures.output_change_plot": dict(rows=2),
    "cnnlessons.lesson04.numerics.timing.measure_edge_map": dict(sides=(4, 8), repeats=1),
}
GENERIC = [lambda: 3, lambda: 2, lambda: 1, lambda: np.ones((4, 4)), lambda: (4, 4), lambda: "a"]

BAD = {
    "None": None,
    "True": True,
    "np.True_": np.True_,
    "-1": -1,
    "0": 0,
    "10**9": 10**9,
    "10**30": 10**30,
    "10**5000": 10**5000,
    "2.5": 2.5,
    "nan": float("nan"),
    "inf": float("inf"),
    "text": "x",
    "bytes": b"2",
    "1j": 1j,
    "[]": [],
    "{}": {},
    "object()": object(),
    "empty array": np.zeros((0,)),
    "complex array": np.ones((3, 3), complex),
    "masked array": np.ma.masked_all((3, 3)),
    "timedelta64 array": np.ones((3, 3), "m8[s]"),
    "object array": np.array([[1, None]], dtype=object),
    "broadcast 10**12": np.broadcast_to(np.float64(1.0), (10**6, 10**6)),
    "ragged": [[1, 2], [3]],
    "returns None": lambda *a, **k: None,
}


#: the values tried on what draws (figures, explorers: each accepted call draws a picture)
DRAWING_BAD = ["None", "True", "-1", "10**30", "nan", "text", "1j", "complex array",
               "masked array", "broadcast 10**12", "object()"]  # fmt: skip


#: explorers: each accepted value builds an explorer (its figure, its widgets); one value of
#: a few kinds of mistake (a switch, text, a giant array)
EXPLORER_BAD = ["True", "text", "broadcast 10**12"]


def _draws(key: str) -> bool:
    return ".figures" in key or ".explorers" in key


@pytest.fixture(autouse=True)
def _no_eager_frames(monkeypatch):
    """Explorers made here draw no frames in advance: only argument checks are tested."""
    from cnnlessons.engine import renderers

    monkeypatch.setattr(renderers, "SYNC_BUDGET", 0.0)


class Hung(Exception):
    pass


def _alarm(signum, frame):
    raise Hung(f"no answer after {HANG_SECONDS} s")


#: address space a call may add: a call that asks for terabytes (numpy's calloc, which the
#: kernel may grant lazily and then page in for ever) gets a MemoryError at once instead
ADDRESS_SPACE = 4 * 2**30


def _address_space() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * resource.getpagesize()


def call(func, args, kwargs):
    """``("ok", result)``, ``("refused", message)``; fails on anything else."""
    limits = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (_address_space() + ADDRESS_SPACE, limits[1]))
    tracemalloc.start()
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_SECONDS)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return "ok", func(*args, **kwargs)
            except (ValueError, TypeError) as exc:
                return "refused", str(exc)
    finally:
        resource.setrlimit(resource.RLIMIT_AS, limits)
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < MEMORY_LIMIT, f"allocated {peak / 2**20:.0f} MiB"


def _parameters(func):
    target = func.__init__ if isinstance(func, type) else func
    try:
        sig = inspect.signature(target)
    except (TypeError, ValueError):
        return []
    params = list(sig.parameters.values())
    if isinstance(func, type):
        params = params[1:]  # self
    return [
        p for p in params if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


def _base_call(func, params, cheap):
    """Keyword arguments for the required parameters that make a valid call, or the first
    candidates if none is found (then every fuzzed call may be refused: still named)."""
    required = [p for p in params if p.default is inspect.Parameter.empty]
    if not required and not cheap:  # the defaults are a valid call (documented, tested)
        return {}, True
    choice = {p.name: VALID.get(p.name, GENERIC) for p in required}
    choice.update({name: [lambda v=value: v] for name, value in cheap.items()})
    tried = 0
    first = {name: options[0]() for name, options in choice.items()}
    for depth in range(max([len(o) for o in choice.values()] + [1])):
        kwargs = {n: o[min(depth, len(o) - 1)]() for n, o in choice.items()}
        tried += 1
        try:
            status, _ = call(func, (), _keywords(params, kwargs))
        except Exception:  # a broken base call: the fuzzed calls below report it
            continue
        if status == "ok":
            return kwargs, True
    return first, False


def _keywords(params, kwargs):
    return {k: v for k, v in kwargs.items()}


def _names(func, params):
    names = {p.name for p in params}
    names |= {n + "s" for n in names} | {"layers", "values"}
    return names


#: Callables this fuzzing caught breaking the promise and not yet fixed (issue 21, not
#: finished; found 6 December, some may pass since the last fixes of that day): expected
#: failures, not strict, so run ``pytest --runxfail tests/project/test_fuzz_registry.py`` to
#: see which still fail. Take each off as it is fixed; never add to it to get green.
KNOWN_GAPS: set[str] = {
}


def _cases():
    for key in sorted(REGISTRY):
        if key in KNOWN_GAPS:
            mark = pytest.mark.xfail(strict=False, reason="issue 21: still breaks the promise")
            yield pytest.param(key, marks=mark, id=key)
        else:
            yield pytest.param(key, id=key)


@pytest.mark.parametrize("key", _cases())
def test_every_bad_argument_is_refused_by_name_or_answered(key):
    failures = fuzz(key)
    assert not failures, f"{key}:\n" + "\n".join(failures)


def fuzz(key: str) -> list[str]:
    """Every argument of ``key`` replaced by every bad value: the list of broken promises."""
    func = REGISTRY[key]
    params = _parameters(func)
    base, _ = _base_call(func, params, CHEAP.get(key, {}))
    names = _names(func, params)
    failures = []
    labels = (EXPLORER_BAD if ".explorers" in key
              else DRAWING_BAD if _draws(key) else list(BAD))  # fmt: skip
    for p in params:
        if p.kind == p.POSITIONAL_ONLY:
            continue
        for label in labels:
            bad = BAD[label]
            kwargs = dict(base)
            kwargs[p.name] = bad
            try:
                status, result = call(func, (), kwargs)
            except (Hung, AssertionError) as exc:
                failures.append(f"{p.name}={label}: {exc}")
                continue
            except Exception as exc:  # the promise: never another exception
                failures.append(f"{p.name}={label}: {type(exc).__name__}: {str(exc)[:160]}")
                continue
            if status == "refused":
                if not any(re.search(rf"\b{re.escape(n)}\b", result) for n in names):
                    failures.append(f"{p.name}={label}: message names no argument: {result[:160]}")
    return failures


def test_the_budget_is_documented_and_consistent():
    assert _checks.MAX_ELEMENTS * 8 * 4 <= MEMORY_LIMIT * 2  # a few arrays fit the limit
    assert _checks.MAX_PYTHON_STEPS * 64 == _checks.MAX_WORK
    for name in ("MAX_ELEMENTS", "MAX_WORK", "MAX_PYTHON_STEPS", "MAX_SECONDS",
                 "MAX_FIGURE_INCHES", "MAX_DRAWN_CELLS"):  # fmt: skip
        assert name in _checks.__doc__


def test_every_cheap_call_names_a_registered_callable():
    # a key left behind by a move would silently sweep the callable at full size
    assert not [k for k in CHEAP if k not in REGISTRY]
