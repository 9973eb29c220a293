"""Fuzzing the public numerics: valid, borderline and invalid arguments of every kind.

Every call either returns the right answer (checked against SciPy or a brute-force reference
where one exists) or raises a ValueError/TypeError whose message names one of the function's
arguments. Never another exception, never more than MEMORY_LIMIT bytes of new memory (traced
with tracemalloc). No time is measured: the work of a call is bounded by the package's budget
(``_checks.MAX_WORK``, checked before the work starts), not by this machine's speed.

Runs a bounded number of examples with no hypothesis deadline (the shared CI machine is
noisy); set HYPOTHESIS_PROFILE=fuzz-long for a longer hunt.
"""

from __future__ import annotations

import inspect
import math
import os
import re
import tracemalloc

import numpy as np
import pytest
import scipy.ndimage as ndi
import scipy.signal as sig
import scipy.special as special
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import cnnlessons as cl

settings.register_profile(
    "fuzz-ci",
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI never flakes
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz-long", parent=settings.get_profile("fuzz-ci"), max_examples=2000, derandomize=False
)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz-ci"))
if os.environ.get("HYPOTHESIS_PROFILE") not in (None, "fuzz-ci", "fuzz-long"):
    PROFILE = settings.get_profile("fuzz-ci")

# NaN, inf and huge values make numpy warn (invalid value, overflow): expected here
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")

MEMORY_LIMIT = 300 * 2**20  # "a few hundred MB"

# ----------------------------------------------------------------------------- arguments
HUGE = [10**6, 10**9, 2**31, 2**63, 10**30]
NUMPY_INTS = [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint64]


def numpy_int(values):
    return st.tuples(st.sampled_from(NUMPY_INTS), values).map(
        lambda t: t[0](min(t[1], np.iinfo(t[0]).max))
    )


small = st.integers(0, 6)
ints = st.one_of(
    small,
    st.integers(-3, 12),
    st.sampled_from(HUGE + [-(10**9)]),
    numpy_int(small),
)
likely = st.integers(1, 3)  # valid for most size arguments: drawn more often than the rest
junk = st.one_of(
    st.booleans(),
    st.just(np.True_),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([2.0, 1.5, "3", "same", None, b"2", 1j, [], (), {}, [1, 2, 3]]),
)
number = st.one_of(ints, junk)
pair = st.one_of(
    likely,
    likely,
    likely,
    likely,
    st.tuples(likely, likely),
    number,
    st.tuples(ints, ints),
    st.lists(number, min_size=0, max_size=3),
)


def shapes(ndims):
    sizes = st.one_of(st.integers(1, 7), st.integers(0, 7))
    return st.lists(sizes, min_size=ndims, max_size=ndims).map(tuple)


values = st.one_of(
    st.floats(-5, 5, width=32),
    st.sampled_from([np.nan, np.inf, -np.inf, 0.0, 1.0, -1.0, 1e300]),
)


@st.composite
def arrays(draw, ndims=(2, 3)):
    """Real arrays (of every dtype, sometimes empty, with NaN and inf), or things that are
    not arrays at all."""
    kind = draw(st.sampled_from(["float"] * 6 + ["int", "bool", "junk"]))
    shape = draw(
        st.one_of(
            st.sampled_from(ndims).flatmap(shapes),
            st.sampled_from(ndims).flatmap(shapes),
            st.integers(0, 4).flatmap(shapes),
        )
    )
    if kind == "junk":
        return draw(
            st.sampled_from(
                [
                    "image",
                    None,
                    3,
                    [[1, 2], [3]],
                    np.array([["a", "b"]]),
                    np.ones((2, 2), dtype=complex),
                    np.array([[1, None]], dtype=object),
                    [[10**30, 1], [1, 1]],
                ]
            )
        )
    n = math.prod(shape)
    data = draw(st.lists(values, min_size=n, max_size=n))
    a = np.array(data, dtype=float).reshape(shape)
    if kind == "int":
        a = np.nan_to_num(a, nan=0, posinf=9, neginf=-9).clip(-100, 100).astype(np.int16)
    elif kind == "bool":
        a = a > 0
    return a if draw(st.booleans()) else a.tolist()


def paddings(*word_list):
    options = [st.just(0), st.integers(0, 2), pair]
    return st.one_of(*options, words(*word_list)) if word_list else st.one_of(*options)


@st.composite
def plain(draw, lo=1, hi=7, ndim=2):
    """A small float array that is usually valid (finite, sometimes NaN)."""
    shape = draw(st.lists(st.integers(lo, hi), min_size=ndim, max_size=ndim))
    n = math.prod(shape)
    return np.array(draw(st.lists(values, min_size=n, max_size=n))).reshape(shape)


def words(*good):
    return st.sampled_from(list(good) * 4 + ["", "wrap", 3, None])


# ----------------------------------------------------------------------------- harness
class Refused(Exception):
    pass


def run(func, *args, **kwargs):
    """Call ``func``; return its result, or raise Refused for a well-named refusal.

    Fails the test for any other exception, an unnamed argument or too much memory.
    """
    names = set(inspect.signature(func).parameters) | {"layers"}
    tracemalloc.start()
    try:
        result = func(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        message = str(exc)
        named = [n for n in names if re.search(rf"\b{re.escape(n)}\b", message)]
        assert named, f"{func.__name__}: message names no argument of {sorted(names)}: {exc!r}"
        result = Refused(message)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT, f"{func.__name__} allocated {peak / 2**20:.0f} MiB"
    if isinstance(result, Refused):
        raise result
    ANSWERED[func.__name__] = ANSWERED.get(func.__name__, 0) + 1
    return result


ANSWERED: dict[str, int] = {}  # calls that returned a result, per function (see the last test)


def as_array(a):
    """The float64 array the function should have seen, or None if it is not valid."""
    try:
        arr = np.asarray(a)
    except ValueError:
        return None
    if arr.dtype.kind not in "biuf" or arr.size == 0:
        return None
    return arr.astype(float)


def as_int(v, minimum):
    """What a validated integer argument is, or None if it must be refused."""
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
        return None
    return int(v) if int(v) >= minimum else None


def as_pair(v, minimum):
    if isinstance(v, (tuple, list)):
        if len(v) != 2:
            return None
        a, b = as_int(v[0], minimum), as_int(v[1], minimum)
        return None if a is None or b is None else (a, b)
    a = as_int(v, minimum)
    return None if a is None else (a, a)


def same(got, expected):
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-9, equal_nan=True)


def windows_ref(xp, k, s):
    """Every k window of a padded (C, H, W) array at stride s, by sliding_window_view."""
    v = np.lib.stride_tricks.sliding_window_view(xp, k, axis=(-2, -1))
    return v[..., :: s[0], :: s[1], :, :]


# ----------------------------------------------------------------------------- conv2d
@PROFILE
@given(
    x=st.one_of(arrays(), plain(3, 8), plain(3, 8)),
    w=st.one_of(arrays((2, 4)), plain(1, 3), plain(1, 3)),
    stride=pair,
    padding=st.one_of(pair, words("valid", "same", "full")),
    dilation=pair,
    mode=words("zeros", "circular", "reflect"),
    bias=st.one_of(st.none(), st.none(), arrays((0, 1)), number),
)
def test_conv2d(x, w, stride, padding, dilation, mode, bias):
    try:
        got = run(cl.conv2d, x, w, stride=stride, padding=padding, dilation=dilation,
                  padding_mode=mode, bias=bias)  # fmt: skip
    except Refused:
        return
    xa, wa = as_array(x), as_array(w)
    s, d = as_pair(stride, 1), as_pair(dilation, 1)
    assert xa is not None and wa is not None and s is not None and d is not None
    assert mode in ("zeros", "circular", "reflect")
    if xa.ndim != 2 or wa.ndim != 2 or mode != "zeros" or isinstance(padding, str):
        return  # the oracle below covers the single-channel, zero-padded case
    if bias is not None and as_array(bias) is None:
        pytest.fail(f"conv2d accepted bias={bias!r}")
    p = as_pair(padding, 0)
    assert p is not None
    if not (np.abs(xa).max() < 1e100 and np.abs(wa).max() < 1e100):
        return  # NaN/inf propagation has tests of its own (test_validation)
    dil = np.zeros((d[0] * (wa.shape[0] - 1) + 1, d[1] * (wa.shape[1] - 1) + 1))
    dil[:: d[0], :: d[1]] = wa
    expected = sig.correlate2d(np.pad(xa, [(p[0], p[0]), (p[1], p[1])]), dil, mode="valid")
    expected = expected[:: s[0], :: s[1]]
    if bias is not None:
        expected = expected + float(np.asarray(bias, dtype=float).reshape(-1)[0])
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-6 * (1 + abs(expected).max()))


# ----------------------------------------------------------------------------- pooling
@PROFILE
@given(
    x=st.one_of(arrays(), plain(3, 8), plain(3, 8, ndim=3)),
    k=pair,
    stride=st.one_of(st.none(), pair),
    padding=paddings("valid", "same", "full"),
    data=st.data(),
)
@pytest.mark.parametrize("which", ["max", "avg"])
def test_pooling(which, x, k, stride, padding, data):
    func = cl.max_pool2d if which == "max" else cl.avg_pool2d
    modes = ("ignore", "zeros", "circular", "reflect") if which == "max" else ("zeros",)
    mode = data.draw(st.one_of(words(*modes), st.sampled_from(["circular", "reflect", "ignore"])))
    try:
        got = run(func, x, k, stride=stride, padding=padding, padding_mode=mode)
    except Refused:
        return
    xa, kk = as_array(x), as_pair(k, 1)
    s = kk if stride is None else as_pair(stride, 1)
    assert xa is not None and kk is not None and s is not None
    assert mode in ("ignore", "zeros", "circular", "reflect") and not (
        which == "avg" and mode == "ignore"
    )
    if isinstance(padding, str):
        return
    p = as_pair(padding, 0)
    assert p is not None
    x3 = xa if xa.ndim == 3 else xa[None]
    width = [(0, 0), (p[0], p[0]), (p[1], p[1])]
    if mode in ("ignore", "zeros"):
        fill = -np.inf if mode == "ignore" else 0.0
        xp = np.pad(x3, width, constant_values=fill)
    else:
        xp = np.pad(x3, width, mode={"circular": "wrap", "reflect": "reflect"}[mode])
    v = windows_ref(xp, kk, s)
    with np.errstate(invalid="ignore"):
        expected = v.max(axis=(-2, -1)) if which == "max" else v.mean(axis=(-2, -1))
    same(got, expected if xa.ndim == 3 else expected[0])


@PROFILE
@given(
    x=st.one_of(arrays(), plain(3, 9), plain(3, 9, ndim=3)),
    stride=st.one_of(likely, number),
    f=st.one_of(st.integers(1, 6), number),
    mode=words("zeros", "circular", "reflect"),
)
def test_blur_pool(x, stride, f, mode):
    try:
        got = run(cl.blur_pool2d, x, stride=stride, filter_size=f, padding_mode=mode)
    except Refused:
        return
    xa, s, n = as_array(x), as_int(stride, 1), as_int(f, 1)
    assert xa is not None and s is not None and n is not None and n <= cl.MAX_BINOMIAL_SIZE
    if not np.isfinite(xa).all():
        return
    row = np.array([special.comb(n - 1, i, exact=True) for i in range(n)], dtype=float)
    filt = np.outer(row, row) / row.sum() ** 2
    ndmode = {"zeros": "constant", "circular": "wrap", "reflect": "mirror"}[mode]
    origin = -1 if n % 2 == 0 else 0  # ndimage centres an even filter one pixel later
    x3 = xa if xa.ndim == 3 else xa[None]
    expected = np.stack(
        [ndi.correlate(c, filt, mode=ndmode, origin=origin)[::s, ::s] for c in x3]
    )
    same(got, expected if xa.ndim == 3 else expected[0])


@PROFILE
@given(f=number)
def test_binomial_filter(f):
    try:
        got = run(cl.binomial_filter, f)
    except Refused:
        return
    n = as_int(f, 1)
    assert n is not None and n <= cl.MAX_BINOMIAL_SIZE
    row = [special.comb(n - 1, i, exact=True) for i in range(n)]
    np.testing.assert_array_equal(got * 4 ** (n - 1), np.outer(row, row))
    assert (got > 0).all() and got.sum() == pytest.approx(1.0, abs=1e-15)


@PROFILE
@given(x=arrays(), which=st.sampled_from(["max", "avg"]))
def test_global_pooling(x, which):
    func = cl.global_max_pool if which == "max" else cl.global_avg_pool
    try:
        got = run(func, x)
    except Refused:
        return
    xa = as_array(x)
    assert xa is not None and xa.ndim in (2, 3)
    flat = xa.reshape(-1, xa.shape[-2] * xa.shape[-1])
    with np.errstate(invalid="ignore", over="ignore"):
        expected = flat.max(axis=1) if which == "max" else flat.mean(axis=1)
    same(got, expected if xa.ndim == 3 else expected[0])


# ----------------------------------------------------------------------------- shift, sizes
@PROFILE
@given(
    x=st.one_of(arrays(), plain(1, 5)),
    dy=st.one_of(st.integers(-9, 9), number),
    dx=st.one_of(st.integers(-9, 9), number),
    mode=words("circular", "zeros"),
)
def test_shift(x, dy, dx, mode):
    try:
        got = run(cl.shift, x, dy, dx, mode=mode)
    except Refused:
        return
    xa, a, b = as_array(x), as_int(dy, -(10**40)), as_int(dx, -(10**40))
    assert xa is not None and a is not None and b is not None
    h, w = xa.shape[-2:]
    expected = np.zeros_like(xa)
    for r in range(h):  # move each pixel by hand
        for c in range(w):
            rr, cc = r + a, c + b
            if mode == "circular":
                expected[..., rr % h, cc % w] = xa[..., r, c]
            elif 0 <= rr < h and 0 <= cc < w:
                expected[..., rr, cc] = xa[..., r, c]
    same(got, expected)


def windows_by_sliding(i, k, s, p, d):
    """Slide a window over the padded input, one step at a time: (count, last end + 1)."""
    count, start, end = 0, 0, None
    while start + d * (k - 1) + 1 <= i + 2 * p:
        count, end, start = count + 1, start + d * (k - 1) + 1, start + s
        if count > 100_000:
            return None
    return count, end


@PROFILE
@given(
    i=st.one_of(st.integers(1, 20), number),
    k=st.one_of(likely, number),
    s=st.one_of(likely, number),
    p=st.one_of(likely, number),
    d=st.one_of(likely, number),
)
def test_output_size_and_fits_evenly(i, k, s, p, d):
    results = []
    for func in (cl.output_size, cl.fits_evenly):
        try:
            results.append(run(func, i, k, s, p, d))
        except Refused:
            results.append(None)
    if results == [None, None]:
        return
    o, fits = results
    assert type(o) is int and type(fits) is bool
    args = [as_int(i, 1), as_int(k, 1), as_int(s, 1), as_int(p, 0), as_int(d, 1)]
    assert None not in args
    slid = windows_by_sliding(*args)
    if slid is not None:
        assert o == slid[0]
        assert fits == (slid[1] == args[0] + 2 * args[3])


# ----------------------------------------------------------------------------- matrices
@PROFILE
@given(
    shape=st.sampled_from(["valid"] * 4 + ["2", "3", "any"]).flatmap(
        lambda k: {
            "valid": st.tuples(likely, st.integers(1, 6)),
            "2": st.tuples(ints, ints),
            "3": st.tuples(ints, ints, ints),
            "any": number,
        }[k]
    ),
    w=st.one_of(arrays((2, 4)), plain(1, 3)),
    stride=pair,
    padding=paddings("valid", "same", "full"),
    dilation=pair,
    mode=words("zeros", "circular", "reflect"),
)
def test_conv_matrix(shape, w, stride, padding, dilation, mode):
    try:
        m = run(cl.conv_matrix, shape, w, stride=stride, padding=padding, dilation=dilation,
                padding_mode=mode)  # fmt: skip
    except Refused:
        return
    wa = as_array(w)
    assert wa is not None
    if not np.isfinite(wa).all():
        return
    x = np.random.default_rng(0).normal(size=shape)
    if wa.ndim != 2 or len(shape) != 2:
        return  # the oracle below covers one channel in, one out
    expected = correlate_ref(x, wa, as_pair(stride, 1), padding, as_pair(dilation, 1), mode)
    if expected is None:
        return  # a padding the oracle cannot make (reflect wider than the input)
    np.testing.assert_allclose(m @ x.ravel(), expected.ravel(), atol=1e-9)


def correlate_ref(x, w, s, padding, d, mode):
    """An independent convolution: pad with numpy, dilate the kernel by hand, and correlate
    with SciPy; "same" puts the odd extra pixel at the bottom/right (as PyTorch)."""
    span = [d[i] * (w.shape[i] - 1) + 1 for i in range(2)]
    if padding == "valid":
        pads = [(0, 0), (0, 0)]
    elif padding == "full":
        pads = [(span[0] - 1,) * 2, (span[1] - 1,) * 2]
    elif padding == "same":
        pads = [((n - 1) // 2, (n - 1) - (n - 1) // 2) for n in span]
    else:
        p = as_pair(padding, 0)
        pads = [(p[0], p[0]), (p[1], p[1])]
    if mode == "reflect" and any(max(pads[i]) >= x.shape[i] for i in range(2)):
        return None
    np_mode = {"zeros": "constant", "circular": "wrap", "reflect": "reflect"}[mode]
    xp = np.pad(x, pads, mode=np_mode)
    dil = np.zeros(span)
    dil[:: d[0], :: d[1]] = w
    return sig.correlate2d(xp, dil, mode="valid")[:: s[0], :: s[1]]


@PROFILE
@given(
    kind=words("dense", "locally_connected", "tiled", "conv"),
    shape=st.sampled_from(["1"] * 3 + ["2"] * 3 + ["1any", "2any", "any"]).flatmap(
        lambda k: {
            "1": st.tuples(st.integers(1, 9)),
            "2": st.tuples(likely, st.integers(1, 6)),
            "1any": st.tuples(ints),
            "2any": st.tuples(ints, ints),
            "any": number,
        }[k]
    ),
    k=pair,
    stride=pair,
    padding=paddings(),
    dilation=pair,
    tiles=pair,
)
def test_weight_indices(kind, shape, k, stride, padding, dilation, tiles):
    try:
        idx = run(cl.weight_indices, kind, shape, k, stride=stride, padding=padding,
                  dilation=dilation, tiles=tiles)  # fmt: skip
    except Refused:
        return
    assert idx.dtype.kind == "i" and idx.ndim == 2 and idx.min() >= -1
    if kind == "conv" and len(shape) == 2:  # the conv's matrix has its pattern
        w = np.arange(1.0, 1.0 + math.prod(as_pair(k, 1)))
        m = cl.conv_matrix(shape, w.reshape(as_pair(k, 1)), stride=stride, padding=padding,
                           dilation=dilation)  # fmt: skip
        np.testing.assert_array_equal(np.where(idx >= 0, w[idx], 0.0), m)
    n_params = run(cl.count_parameters, idx)
    assert n_params == len(set(idx[idx >= 0].tolist()))


@PROFILE
@given(indices=st.one_of(arrays((1, 2)), junk, ints))
def test_count_parameters(indices):
    try:
        got = run(cl.count_parameters, indices)
    except Refused:
        return
    arr = np.asarray(indices)
    assert arr.dtype.kind in "iu"
    assert got == len({v for v in arr.ravel().tolist() if v >= 0})


# ----------------------------------------------------------------------------- counting
@PROFILE
@given(
    func=st.sampled_from(
        [
            cl.dense_params,
            cl.conv_params,
            cl.locally_connected_params,
            cl.tiled_params,
            cl.dense_connections,
            cl.conv_connections,
            cl.dense_ops,
            cl.conv_ops,
        ]
    ),
    data=st.data(),
)
def test_counting(func, data):
    n_args = len(inspect.signature(func).parameters)
    args = [data.draw(st.one_of(likely, likely, pair, number)) for _ in range(n_args)]
    try:
        got = run(func, *args)
    except Refused:
        return
    parts = [got]
    if isinstance(got, cl.OpCount):
        parts = [got.multiplications, got.additions, got.total]
    assert all(type(v) is int and v >= 0 for v in parts)


# ----------------------------------------------------------------------------- receptive
layer = st.one_of(
    st.tuples(ints, ints, ints),
    st.tuples(ints, ints, ints, ints),
    st.fixed_dictionaries(
        {"kernel": ints},
        optional={
            "stride": ints,
            "padding": ints,
            "dilation": ints,
            "op": words("conv", "max", "avg"),
        },
    ),
    number,
)
small_layer = st.fixed_dictionaries(
    {"kernel": st.integers(1, 5)},
    optional={
        "stride": st.integers(1, 3),
        "padding": st.integers(0, 3),
        "dilation": st.integers(1, 2),
        "op": st.sampled_from(["conv", "max", "avg"]),
    },
)


@PROFILE
@given(
    layers=st.one_of(
        st.lists(layer, max_size=4),
        st.lists(small_layer, min_size=1, max_size=5),
        st.lists(small_layer, min_size=1, max_size=5),
        number,
    ),
    input_size=st.one_of(st.none(), st.none(), ints),
)
# Valid stacks that always run: after some other tests in the same process (lesson 06's
# training tests) the derandomized examples above answered fewer calls (1 instead of >= 3);
# the cause is not found yet (noted for issue 21)
@example(layers=[(3, 1, 1)], input_size=None)
@example(layers=[(3, 1, 1), (3, 2, 0)], input_size=None)
@example(layers=[(5, 1, 2), (2, 2, 0), (3, 1, 1)], input_size=None)
def test_receptive_fields(layers, input_size):
    try:
        formula = run(cl.receptive_field, layers)
    except Refused:
        formula = None
    try:
        measured = run(cl.measured_receptive_field, layers, input_size=input_size)
    except Refused as refusal:
        if formula is None:
            return  # both refuse the layers
        assert "input_size" in str(refusal) or "too large to measure" in str(refusal)
        return
    assert measured == formula  # accepted by one, accepted by the other, and they agree


# ----------------------------------------------------------------------------- the rest
@PROFILE
@given(x=st.one_of(arrays(), plain(3, 8)), w=st.one_of(arrays((2, 4)), plain(1, 3)))
def test_convolve2d(x, w):
    try:
        got = run(cl.convolve2d, x, w)
    except Refused:
        return
    xa, wa = as_array(x), as_array(w)
    if xa.ndim == 2 and wa.ndim == 2 and np.abs(xa).max() < 1e100 and np.abs(wa).max() < 1e100:
        expected = sig.convolve2d(xa, wa, mode="valid")
        np.testing.assert_allclose(got, expected, atol=1e-6 * (1 + abs(expected).max()))


@PROFILE
@given(k=st.one_of(likely, number), d=st.one_of(likely, number))
def test_span(k, d):
    try:
        got = run(cl.span, k, d)
    except Refused:
        return
    kk, dd = as_int(k, 1), as_int(d, 1)
    assert kk is not None and dd is not None
    if kk < 1000:
        taps = [t * dd for t in range(kk)]  # where each tap of the kernel lands
        assert got == taps[-1] - taps[0] + 1


@PROFILE
@given(
    h=st.one_of(st.integers(1, 9), st.integers(1, 9), st.integers(1, 9), number),
    w=st.one_of(st.integers(1, 9), st.integers(1, 9), st.integers(1, 9), number),
    column=st.one_of(st.none(), st.integers(0, 9), st.integers(0, 9), number),
    high=st.one_of(values, values, values, junk),  # five arguments: lean to valid ones
    low=st.one_of(values, values, values, junk),
)
@example(h=6, w=6, column=None, high=10.0, low=0.0)  # the lessons' 6x6 example
@example(h=np.int64(2), w=5, column=0, high=np.float32(1.5), low=-1.0)
@example(h=1, w=9, column=9, high=np.inf, low=np.nan)
def test_step_edge(h, w, column, high, low):
    try:
        got = run(cl.step_edge, h, w, column, high, low)
    except Refused:
        return
    c = got.shape[1] // 2 if column is None else int(column)
    for row in got:
        np.testing.assert_array_equal(row[:c], float(high))
        np.testing.assert_array_equal(row[c:], float(low))


@PROFILE
@given(size=st.one_of(st.integers(1, 12), number), square=st.one_of(likely, number))
def test_checkerboard(size, square):
    try:
        got = run(cl.checkerboard, size, square)
    except Refused:
        return
    n, q = as_int(size, 1), as_int(square, 1)
    assert got.shape == (n, n)
    for r in range(n):
        for c in range(n):
            assert got[r, c] == (r // q + c // q) % 2


@PROFILE
@given(name=st.one_of(st.sampled_from(list(cl.KERNELS)), junk), step=st.one_of(likely, number))
def test_kernel_and_grace_hopper(name, step):
    try:
        k = run(cl.kernel, name)
        assert k.flags.writeable and np.array_equal(k, cl.KERNELS[name])
    except Refused:
        pass
    try:
        photo = run(cl.grace_hopper, step)
    except Refused:
        return
    s = as_int(step, 1)
    assert photo.shape == (-(-600 // s), -(-512 // s))
    assert 0 <= photo.min() and photo.max() <= 1


@PROFILE
@given(size=st.integers(1, 50), stride=st.integers(1, 8), padding=st.integers(0, 9), unit=number)
def test_receptive_field_span(size, stride, padding, unit):
    rf = cl.ReceptiveField(size, stride, padding)
    try:
        first, last = run(rf.span, unit)
    except Refused:
        return
    assert last - first + 1 == size and first == int(unit) * stride - padding


FUZZ_TESTS = [
    "test_conv2d", "test_pooling", "test_blur_pool", "test_binomial_filter",
    "test_global_pooling", "test_shift", "test_output_size_and_fits_evenly", "test_conv_matrix",
    "test_weight_indices", "test_receptive_fields", "test_convolve2d", "test_span",
    "test_step_edge", "test_checkerboard", "test_kernel_and_grace_hopper",
]  # fmt: skip


def test_the_fuzzing_reached_valid_calls():
    """The strategies above must not only produce refusals: every function answered some
    calls. Runs the fuzz tests itself (the same derandomized examples), so it holds alone."""
    ANSWERED.clear()
    for name in FUZZ_TESTS:
        test = globals()[name]
        if name == "test_pooling":
            for which in ("max", "avg"):
                test(which=which)
        else:
            test()
    print(ANSWERED)
    names = """conv2d convolve2d max_pool2d avg_pool2d blur_pool2d binomial_filter shift
        output_size conv_matrix weight_indices receptive_field measured_receptive_field
        global_max_pool global_avg_pool span step_edge checkerboard kernel grace_hopper"""
    for name in names.split():
        assert ANSWERED.get(name, 0) >= 3, f"{name} answered {ANSWERED.get(name, 0)} calls"
