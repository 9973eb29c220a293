"""Every explorer's text alternative (issue 23): every frame has one, frames that look different
have different texts, and the numbers a text states are the numbers of the frame, computed
here independently (SciPy, or the formula worked by hand)."""

import importlib
import itertools
import math
import re

import numpy as np
import pytest
import scipy.ndimage as nd
import scipy.signal as ss
from pictures import made_as_in_a_kernel

from cnnlessons.engine import Explorer

NUMBER = re.compile(r"[-−]?\d+(?:,\d{3})*(?:\.\d+)?(?:e[-+]?\d+)?")


def numbers(text: str, label: str) -> list:
    """The numbers in ``text`` after ``label``, up to the end of that sentence."""
    assert label in text, f"{label!r} not in {text!r}"
    part = re.split(r"\.(?:\s|$)", text.split(label, 1)[1])[0]
    return [float(n.replace(",", "").replace("−", "-")) for n in NUMBER.findall(part)]


def all_explorers():
    found = []
    for n in range(1, 9):
        module = importlib.import_module(f"cnnlessons.lesson0{n}.explorers")
        for name in module.__all__:
            obj = getattr(module, name)
            if isinstance(obj, type) and issubclass(obj, Explorer):
                found.append(obj)
    return found


EXPLORERS = all_explorers()
MADE = {}


@pytest.fixture(scope="module", autouse=True)
def _forget_made():
    """The explorers made here are dropped when this file ends: made as a kernel makes them,
    they still have frames planned, which a later ``finish_all()`` or event loop of the same
    worker would otherwise draw (minutes, in another file's test)."""
    yield
    MADE.clear()


def made(cls):
    """One explorer of each class, made once for this module (some train a net), as a
    running kernel makes it: a frame is drawn when a test asks for its picture or its text,
    not every frame up front."""
    if cls not in MADE:
        MADE[cls] = made_as_in_a_kernel(cls)
    return MADE[cls]


def keys_of(e, most=48) -> list:
    """Frame keys to look at: every combination of the controls' raw values (a sample of at
    most ``most`` when there are more, always with the first and last)."""
    ranges = [e.raw_range(n) for n in e.raws]
    combos = list(itertools.product(*ranges))
    if len(combos) > most:
        step = len(combos) / most
        combos = [combos[int(i * step)] for i in range(most)] + [combos[-1]]
    return [",".join(map(str, c)) for c in combos]


def test_every_lesson_explorer_is_here():
    assert len(EXPLORERS) >= 20


@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_every_frame_has_a_text_and_different_pictures_different_texts(cls):
    e = made(cls)
    said = {}  # text -> the keys of the frames that say it
    for key in keys_of(e):
        text = e.frame_text(key)
        assert isinstance(text, str) and len(text) > 20, (key, text)
        assert re.search(r"\d", text), f"no number in {text!r}"
        said.setdefault(text, []).append(key)
    # frames that say the same must be the same picture; only they are drawn (a frame with
    # a text of its own differs from every other in text, whatever it shows)
    for text, keys in said.items():
        if len(keys) == 1:
            continue
        first = e.frame(key=keys[0])
        for other in keys[1:]:
            assert np.array_equal(e.frame(key=other), first), (
                f"frames {keys[0]} and {other} differ but say the same: {text!r}"
            )


def test_text_of_the_frame_the_controls_select_follows_them():
    from cnnlessons.lesson01.explorers import SlidingWindowExplorer

    e = SlidingWindowExplorer()
    first = e.frame_text()
    e.controls["position"].value = 6
    assert e.frame_text() != first and "row 1, column 2" in e.frame_text()


# -- the numbers, explorer by explorer ------------------------------------------------------
def test_sliding_window_numbers_are_conv2d_worked_by_scipy():
    from cnnlessons.lesson01.explorers import SlidingWindowExplorer
    from cnnlessons.numerics.images import KERNELS

    e = made(SlidingWindowExplorer)
    for key in keys_of(e, most=80):
        position, k = (int(v) for v in key.split(","))
        name = e.controls["kernel"].options[k]
        w = np.asarray(KERNELS[name], dtype=float)
        out = ss.correlate2d(e.x, w, mode="valid")
        row, col = divmod(position, out.shape[1])
        text = e.frame_text(key)
        assert f"row {row}, column {col}" in text
        patch = e.x[row : row + 3, col : col + 3]
        np.testing.assert_allclose(numbers(text, "it covers inputs"), patch.ravel(), atol=0.005)
        np.testing.assert_allclose(numbers(text, "Products"), (patch * w).ravel(), atol=0.005)
        assert numbers(text, "Sum")[0] == pytest.approx(out[row, col], abs=0.005)
        said = numbers(text, f"Output row {row}, column {col} =")
        assert said[0] == pytest.approx(out[row, col], abs=0.005)
        assert said[1:] == [position + 1, out.size]  # outputs filled in so far
    assert "Products 10, 0, -10, 10, 0, -10, 10, 0, -10. Sum 0." in e.frame_text("0,0")


def test_photo_output_range_is_scipy_correlate():
    from cnnlessons.lesson01.explorers import PhotoExplorer
    from cnnlessons.numerics.images import KERNELS

    e = made(PhotoExplorer)
    for k, name in enumerate(e.controls["kernel"].options):
        out = ss.correlate2d(e.x, np.asarray(KERNELS[name], float), mode="valid")
        text = e.frame_text(str(k))
        assert f"Output {out.shape[0]}×{out.shape[1]}" in text
        lo, hi = numbers(text, "values from")[:2]
        assert lo == pytest.approx(out.min(), abs=0.006)
        assert hi == pytest.approx(out.max(), abs=0.006)


def test_output_size_is_the_formula_worked_by_hand():
    from cnnlessons.lesson01.explorers import OutputSizeExplorer

    e = made(OutputSizeExplorer)
    for i, k, p, s, d in [(7, 3, 1, 2, 1), (5, 3, 0, 1, 1), (9, 5, 2, 3, 2), (3, 5, 0, 1, 3)]:
        text = e.frame_text(e.key_of(i=i, k=k, padding=p, stride=s, dilation=d))
        o = math.floor((i + 2 * p - d * (k - 1) - 1) / s) + 1
        if d * (k - 1) + 1 > i + 2 * p:
            assert "no output" in text and "Output" not in text.split("no output")[1][:10]
        else:
            assert f"Output {o} × {o}." in text
    assert "stride s = 2" in e.frame_text(e.key_of(i=7, k=3, padding=1, stride=2, dilation=1))


def test_connections_list_the_units_by_hand():
    from cnnlessons.lesson02.explorers import ConnectionsExplorer

    e = made(ConnectionsExplorer)
    n = e.n_inputs
    for kind in (0, 1):
        for ki, k in enumerate(e.controls["k"].options):
            for side in (0, 1):
                for unit in (0, 4, n - 1):
                    text = e.frame_text(e.key_of(kind=kind, k=ki, side=side, unit=unit))
                    dense = e.controls["kind"].options[kind] == "dense"
                    half = k // 2
                    expected = range(n) if dense else range(max(0, unit - half),
                                                            min(n, unit + half + 1))  # fmt: skip
                    label = "Inputs" if e.controls["side"].options[side] == "output" else "Outputs"
                    assert numbers(text, f"{label} ") == list(expected), text


def test_dependency_value_is_scipy_correlate():
    from cnnlessons.lesson02.explorers import DependencyExplorer
    from cnnlessons.numerics.images import KERNELS

    e = made(DependencyExplorer)
    out = ss.correlate2d(e.x, np.asarray(KERNELS[e.kernel], float), mode="valid")
    for output in range(16):
        row, col = divmod(output, 4)
        text = e.frame_text(str(output))
        assert f"rows {row} to {row + 2}, columns {col} to {col + 2}" in text
        assert numbers(text, "they give")[0] == pytest.approx(out[row, col])
        patch = numbers(text, f"columns {col} to {col + 2}:")
        np.testing.assert_allclose(patch, e.x[row : row + 3, col : col + 3].ravel())


def test_weight_matrix_counts_by_hand():
    from cnnlessons.lesson03.explorers import WeightMatrixExplorer

    e = made(WeightMatrixExplorer)  # (6,) input, k = 3, 2 tiles
    kinds = [v for _, v in e.controls["kind"].options]
    for d, (shape, k) in enumerate([((6,), 3), ((6, 6), 3)]):
        m = math.prod(shape)
        n = math.prod(s - k + 1 for s in shape)
        taps = k ** len(shape)
        tiled = 2 ** len(shape) * taps  # 2 tiles along each axis, a kernel each
        expected = {"dense": (m * n, m * n), "locally_connected": (n * taps, n * taps),
                    "tiled": (tiled, n * taps), "conv": (taps, n * taps)}  # fmt: skip
        for ki, kind in enumerate(kinds):
            text = e.frame_text(e.key_of(kind=ki, dims=d))
            params, connections = expected[kind]
            assert f"{params:,} parameter" in text and f"{connections:,} connections" in text
            assert f"{n} outputs × {m} inputs" in text


def test_parameter_counts_by_hand():
    from cnnlessons.lesson03.explorers import ParameterCountExplorer

    e = made(ParameterCountExplorer)
    for h, w, c, f, k in [(32, 32, 3, 6, 5), (7, 9, 1, 1, 1), (64, 20, 4, 16, 7)]:
        text = e.frame_text(e.key_of(height=h, width=w, channels=c, filters=f, kernel=k))
        oh, ow = h - k + 1, w - k + 1
        dense = h * w * c * oh * ow * f + oh * ow * f
        conv = f * (k * k * c + 1)
        assert f"Input {h}×{w}×{c}; output {oh}×{ow}×{f}" in text
        assert numbers(text, "Dense layer:")[0] == dense
        assert numbers(text, "parameters (")[:2] == [dense - oh * ow * f, oh * ow * f]
        assert numbers(text, "Convolution:")[-1] == conv
    assert "= 456 parameters" in e.frame_text(e.key_of(height=32, width=32, channels=3,
                                                        filters=6, kernel=5))  # fmt: skip


def test_channels_maps_are_scipy_correlate_summed_over_channels():
    from cnnlessons.lesson03.explorers import ChannelsExplorer

    e = made(ChannelsExplorer)
    for key in keys_of(e):
        text = e.frame_text(key)
        fi, ki, ci = (int(v) for v in key.split(","))
        f, k = e.controls["filters"].options[fi], e.controls["k"].options[ki]
        c = e.controls["channels"].options[ci][1]
        assert f"= {f * (k * k * c + 1)} parameters" in text
        e.frame(key=key)  # the arrays behind the picture at this frame
        e.controls["filters"].index, e.controls["k"].index = fi, ki
        e.controls["channels"].index = ci
        x, weights, biases = e.view.x, e.weights, e.biases
        grey = x[..., 0] * 0.299 + x[..., 1] * 0.587 + x[..., 2] * 0.114  # ITU-R 601 luma
        channels = grey[..., None] if c == 1 else x
        for i in range(f):
            out = sum(ss.correlate2d(channels[..., j], weights[i, j], "valid")
                      for j in range(weights.shape[1])) + biases[i]  # fmt: skip
            np.testing.assert_allclose(out, e.outputs[i], atol=1e-9)
            lo, hi = numbers(text, f"map {i + 1} from")[:2]
            assert lo == pytest.approx(out.min(), abs=0.006)
            assert hi == pytest.approx(out.max(), abs=0.006)


def test_efficiency_counts_by_hand():
    from cnnlessons.lesson04.explorers import EfficiencyExplorer

    e = made(EfficiencyExplorer)
    for key in keys_of(e):
        si, ki, ci = (int(v) for v in key.split(","))
        s = e.controls["side"].options[si]
        k = e.controls["kernel"].options[ki][1]
        c, f = e.controls["channels"].options[ci][1]
        text = e.frame_text(key)
        assert numbers(text, "Parameters: dense")[0] == s * s * c * s * s * f + s * s * f
        assert numbers(text, "convolution")[0] == f * (k * k * c + 1)
        assert numbers(text, "Multiply-adds: dense")[0] == s * s * c * s * s * f
        assert numbers(text, "Multiply-adds: dense")[1] == s * s * f * k * k * c


def test_kernel_learning_loss_is_the_mean_squared_error_of_the_kernel_shown():
    from cnnlessons.lesson05.explorers import KernelLearningExplorer

    e = made(KernelLearningExplorer)
    target = ss.correlate2d(e.x, e.run.target, "valid")
    for step in (0, 1, 10, 40):
        text = e.frame_text(str(step))
        kernel = np.asarray(numbers(text, "Kernel rows")).reshape(3, 3)
        np.testing.assert_allclose(kernel, e.run.kernels[step], atol=0.006)
        y = ss.correlate2d(e.x, e.run.kernels[step], "valid")
        assert numbers(text, ": loss")[0] == pytest.approx(((y - target) ** 2).mean(), rel=2e-3)
        assert numbers(text, "Step")[:2] == [step, 40]


def test_least_squares_conv_error_is_numpy_lstsq():
    from numpy.lib.stride_tricks import sliding_window_view

    from cnnlessons.lesson05.explorers import LeastSquaresExplorer
    from cnnlessons.numerics.tasks import filter_pairs

    e = made(LeastSquaresExplorer)
    for n, noise in [(4, 0.1), (64, 0.5), (512, 0.01)]:
        x, y = filter_pairs(512, e.w, noise=noise, seed=e.seed)
        x, y = np.asarray(x)[:n], np.asarray(y)[:n]
        patches = sliding_window_view(x, (3, 3), axis=(-2, -1)).reshape(-1, 9)
        w_hat = np.linalg.lstsq(patches, y.reshape(-1), rcond=None)[0]
        text = e.frame_text(e.key_of(N=e.controls["N"].options.index(n),
                                     noise=e.controls["noise"].options.index(noise)))  # fmt: skip
        error = numbers(text, "9 weights")[0]
        assert error == pytest.approx(((w_hat - e.w.ravel()) ** 2).sum(), rel=5e-3)
        assert f"N = {n} noisy pairs" in text


def test_growth_field_is_the_closed_form_by_hand():
    from cnnlessons.lesson06.explorers import GrowthExplorer, StridePlacementExplorer

    e = made(GrowthExplorer)
    stacks = list(e.controls["stack"].options)
    units = list(e.controls["unit"].options)
    for depth in range(1, 7):
        text = e.frame_text(e.key_of(depth=depth - 1, stack=stacks.index("3x3"),
                                     unit=units.index("middle")))  # fmt: skip
        r = 2 * depth + 1
        assert f"sees r = {r} input pixels" in text
        r0, r1 = numbers(text, "it reads photo rows")[:2]
        assert r1 - r0 + 1 == r
    s = made(StridePlacementExplorer)
    for at in range(5):  # stride 2 in layer `at` (0: none): each layer adds 2 x strides before
        r = 1 + sum(2 * (2 if 0 < at < layer else 1) for layer in range(1, 5))
        assert f"r = {r} input pixels" in s.frame_text(str(at))


def test_erf_profile_is_numpy_convolve_of_uniform_kernels():
    from cnnlessons.lesson06.explorers import ERFExplorer

    e = made(ERFExplorer)
    for n in (1, 4, 16):
        profile = np.ones(1)
        for _ in range(n):
            profile = np.convolve(profile, np.ones(3) / 3)
        text = e.frame_text(str(n - 1))
        assert numbers(text, "peak is")[0] == pytest.approx(profile.max(), abs=5e-4)
        assert f"r = {2 * n + 1};" in text
        assert numbers(text, "σ = √(n(k²−1)/12) =")[0] == pytest.approx(
            math.sqrt(n * 8 / 12), abs=0.006
        )


def test_features_text_names_the_patch_by_hand():
    from cnnlessons.lesson06.explorers import SPOTS, FeaturesExplorer

    e = made(FeaturesExplorer)
    for si, (row, col) in enumerate(SPOTS.values()):
        for fi, (_, (layer, _c)) in enumerate(e.controls["feature"].options):
            text = e.frame_text(e.key_of(spot=si, feature=fi))
            assert f"Layer-{layer} unit ({row}, {col})" in text
            assert f"rows {row - layer}…{row + layer}, columns {col - layer}…{col + layer}" in text


def test_learned_correlation_is_numpy_corrcoef():
    from cnnlessons.lesson06.explorers import LearnedFeaturesExplorer

    e = made(LearnedFeaturesExplorer)
    for key in ["0,0", "5,11", "2,6"]:
        text = e.frame_text(key)
        e.controls["input"].index, e.controls["unit"].index = (int(v) for v in key.split(","))
        name, layer, c = e.selected
        learned = e.view.learned[name][layer][c]
        if "off everywhere" in text:
            assert learned.max() == 0
        else:
            assert numbers(text, "largest value")[0] == pytest.approx(learned.max(), abs=0.006)


def shift_cases():
    """The shift explorer, and for three frames (dx, dy, its key, the largest
    |f(g(x)) − g(f(x))| by SciPy: the correlation of a rolled input against the rolled
    correlation, with zero or circular padding)."""
    from cnnlessons.lesson07.explorers import ShiftExplorer
    from cnnlessons.lesson07.figures import SHIFT_KERNELS

    e = made(ShiftExplorer)
    w = np.asarray(SHIFT_KERNELS[e.controls["kernel"].value], float)
    pads = list(e.controls["padding"].options)
    cases = []
    for dx, dy, pad in [(2, 0, "zeros"), (3, 1, "circular"), (0, 3, "zeros")]:
        mode = "wrap" if pad == "circular" else "constant"
        fg = nd.correlate(np.roll(e.x, (dy, dx), axis=(0, 1)), w, mode=mode)
        gf = np.roll(nd.correlate(e.x, w, mode=mode), (dy, dx), axis=(0, 1))
        key = e.key_of(dx=dx, dy=dy, padding=pads.index(pad))
        cases.append((dx, dy, key, np.abs(fg - gf).max()))
    return e, cases


def test_shift_difference_is_scipy_correlate_of_a_rolled_input():
    e, cases = shift_cases()
    for _dx, _dy, key, largest in cases:
        text = e.frame_text(key)
        said = numbers(text, "Largest |f(g(x)) − g(f(x))| =")
        assert (said[0] if said else 0.0) == pytest.approx(largest, abs=0.06), text


def test_stride_shift_samples_are_scipy_correlate():
    from cnnlessons.lesson07.explorers import StrideShiftExplorer

    e = made(StrideShiftExplorer)
    for d in range(8):
        for si, s in enumerate((1, 2)):
            full = nd.correlate1d(np.roll(e.x, d), [1, 2, 1], mode="wrap")
            kept = numbers(e.frame_text(e.key_of(d=d, stride=si)), "Kept samples")
            np.testing.assert_allclose(kept, full[::s], atol=0.006)


def test_pooling_shift_is_scipy_maximum_filter():
    from cnnlessons.lesson08.explorers import PoolingShiftExplorer

    e = made(PoolingShiftExplorer)
    row = np.asarray(e.view.row, float)
    for d in range(4):
        for wi, width in enumerate(range(1, 6)):
            text = e.frame_text(e.key_of(d=d, width=wi))
            # the window of an even width starts at the pixel: [i, i + 1] for width 2
            origin = -1 if width % 2 == 0 else 0
            before = nd.maximum_filter1d(row, width, mode="wrap", origin=origin)
            after = nd.maximum_filter1d(np.roll(row, d), width, mode="wrap", origin=origin)
            np.testing.assert_allclose(numbers(text, "Pooled before the shift"), before)
            np.testing.assert_allclose(numbers(text, "Pooled after the shift"), after)
            changed = numbers(text, "pooled values changed:")
            assert changed == [np.sum(before != after), len(row)]


def test_aliasing_output_by_hand():
    from cnnlessons.lesson08.explorers import AliasingExplorer

    e = made(AliasingExplorer)
    text = e.frame_text(e.key_of(d=0, filter=0))  # no blur: max of pairs, every other one
    x = np.asarray(e.view.x, float)
    pooled = np.maximum(x, np.roll(x, -1))[::2]
    assert numbers(text, "output [")[: len(pooled)] == list(pooled)


# -- value texts: what each control's value means in the frame (issue 23) -------------------
@pytest.mark.parametrize("cls", EXPLORERS, ids=lambda c: c.__name__)
def test_every_frame_has_a_value_text_for_each_control_that_names_its_value(cls):
    e = made(cls)
    for key in keys_of(e, most=12):
        said = e.frame_value_texts(key)
        assert set(said) == set(e.raws), (key, said)
        for name, raw in zip(e.raws, key.split(","), strict=True):
            control = e.controls[name]
            raw = int(raw)
            if hasattr(control, "options"):
                option = control.options[raw]
                value = option[0] if isinstance(option, tuple) else option
            else:
                value = raw
            assert str(value) in said[name], (name, key, said[name])


def test_sliding_window_position_says_where_and_the_output_scipy_gives():
    from cnnlessons.lesson01.explorers import SlidingWindowExplorer
    from cnnlessons.numerics.images import KERNELS

    e = made(SlidingWindowExplorer)
    for key in keys_of(e, most=40):
        position, k = (int(v) for v in key.split(","))
        w = np.asarray(KERNELS[e.controls["kernel"].options[k]], dtype=float)
        out = ss.correlate2d(e.x, w, mode="valid")
        row, col = divmod(position, out.shape[1])
        text = e.frame_value_texts(key)["position"]
        assert text.startswith(f"position {position}: window at input row {row}, column {col}")
        assert numbers(text, "output =")[0] == pytest.approx(out[row, col], abs=0.005)


def test_output_size_value_texts_say_the_output_worked_by_hand():
    from cnnlessons.lesson01.explorers import OutputSizeExplorer

    e = made(OutputSizeExplorer)
    assert e.frame_value_texts(e.key_of(i=7, k=3, padding=1, stride=2, dilation=1))["stride"] == (
        "stride 2: output 4 × 4"
    )  # the example: ⌊(7 + 2 − 2 − 1)/2⌋ + 1 = 4
    for i, k, p, s, d in [(7, 3, 1, 2, 1), (5, 3, 0, 1, 1), (9, 5, 2, 3, 2), (3, 5, 0, 1, 3)]:
        said = e.frame_value_texts(e.key_of(i=i, k=k, padding=p, stride=s, dilation=d))
        o = math.floor((i + 2 * p - d * (k - 1) - 1) / s) + 1
        for text in said.values():
            if d * (k - 1) + 1 > i + 2 * p:
                assert text.endswith("no output, the window is larger than the padded input")
            else:
                assert text.endswith(f": output {o} × {o}"), text
        assert said["padding"].startswith(f"padding p = {p} (padded input {i + 2 * p})")
        assert said["dilation"].startswith(f"dilation {d} (window {d * (k - 1) + 1} wide)")


def test_connections_value_texts_count_by_hand():
    from cnnlessons.lesson02.explorers import ConnectionsExplorer

    e = made(ConnectionsExplorer)
    n = e.n_inputs
    for kind in (0, 1):
        dense = e.controls["kind"].options[kind] == "dense"
        for ki, k in enumerate(e.controls["k"].options):
            for unit in (0, 4, n - 1):
                said = e.frame_value_texts(e.key_of(kind=kind, k=ki, side=1, unit=unit))
                half = k // 2
                reached = range(n) if dense else range(max(0, unit - half),
                                                       min(n, unit + half + 1))  # fmt: skip
                assert numbers(said["unit"], "connected to") == [len(reached), *reached]
                # every pair of an input and an output within reach of each other
                links = n * n if dense else sum(min(n, j + half + 1) - max(0, j - half)
                                                for j in range(n))  # fmt: skip
                assert said["k"] == f"k = {k}: {links} connections in all"


def test_dependency_value_text_is_scipy_correlate():
    from cnnlessons.lesson02.explorers import DependencyExplorer
    from cnnlessons.numerics.images import KERNELS

    e = made(DependencyExplorer)
    out = ss.correlate2d(e.x, np.asarray(KERNELS[e.kernel], float), mode="valid")
    for output in range(16):
        row, col = divmod(output, 4)
        text = e.frame_value_texts(str(output))["output"]
        assert numbers(text, f"row {row}, column {col} =")[0] == pytest.approx(out[row, col])
        assert text.endswith(f"rows {row} to {row + 2}, columns {col} to {col + 2}")


def test_parameter_count_value_texts_by_hand():
    from cnnlessons.lesson03.explorers import ParameterCountExplorer

    e = made(ParameterCountExplorer)
    for h, w, c, f, k in [(32, 32, 3, 6, 5), (7, 9, 1, 1, 1), (64, 20, 4, 16, 7)]:
        said = e.frame_value_texts(e.key_of(height=h, width=w, channels=c, filters=f, kernel=k))
        oh, ow = h - k + 1, w - k + 1
        dense = h * w * c * oh * ow * f + oh * ow * f
        conv = f * (k * k * c + 1)
        for name, value in dict(height=h, width=w, channels=c, filters=f, kernel=k).items():
            assert said[name] == (f"{name} {value}: output {oh}×{ow}×{f}; convolution "
                                  f"{conv:,} parameters, dense {dense:,}")  # fmt: skip


def test_channels_value_texts_by_hand():
    from cnnlessons.lesson03.explorers import ChannelsExplorer

    e = made(ChannelsExplorer)
    h, w = e.view.x.shape[:2]
    for key in keys_of(e):
        fi, ki, ci = (int(v) for v in key.split(","))
        f, k = e.controls["filters"].options[fi], e.controls["k"].options[ki]
        c = e.controls["channels"].options[ci][1]
        said = e.frame_value_texts(key)
        maps = f"{f} output map{'s' if f > 1 else ''} of {h - k + 1}×{w - k + 1}"
        assert said["filters"] == f"F = {f}: {f * (k * k * c + 1)} parameters, {maps}"
        assert said["k"] == f"k = {k}: {f * (k * k * c + 1)} parameters, {maps}"


def test_efficiency_value_text_by_hand():
    from cnnlessons.lesson04.explorers import EfficiencyExplorer

    e = made(EfficiencyExplorer)
    for key in keys_of(e):
        si, ki, ci = (int(v) for v in key.split(","))
        s = e.controls["side"].options[si]
        k = e.controls["kernel"].options[ki][1]
        c, f = e.controls["channels"].options[ci][1]
        text = e.frame_value_texts(key)["side"]
        assert text.startswith(f"image side {s}:")
        assert numbers(text, "parameters dense")[:2] == [s**4 * c * f + s * s * f,
                                                     f * (k * k * c + 1)]  # fmt: skip
        assert numbers(text, "multiply-adds dense") == [s**4 * c * f, s * s * f * k * k * c]


def test_shift_value_texts_are_scipy_correlate_of_a_rolled_input():
    e, cases = shift_cases()
    for dx, dy, key, largest in cases:
        said = e.frame_value_texts(key)
        for name, value, way in (("dx", dx, "right"), ("dy", dy, "down")):
            assert said[name].startswith(f"{value} {way}: largest |f(g(x)) − g(f(x))| =")
            found = numbers(said[name], "g(f(x))| =")
            assert (found[0] if found else 0.0) == pytest.approx(largest, abs=0.06)


def test_stride_shift_value_text_matches_only_multiples_of_the_stride():
    from cnnlessons.lesson07.explorers import StrideShiftExplorer

    e = made(StrideShiftExplorer)
    for d in range(8):
        for si, s in enumerate((1, 2)):
            text = e.frame_value_texts(e.key_of(d=d, stride=si))["d"]
            if d % s == 0:
                assert text == f"shift d = {d}: the kept samples move by {d // s}, equivariant"
            else:
                # the closest whole shift of the unshifted stride-2 output, by SciPy
                base = nd.correlate1d(e.x, [1, 2, 1], mode="wrap")[::s]
                kept = nd.correlate1d(np.roll(e.x, d), [1, 2, 1], mode="wrap")[::s]
                off = min(np.abs(kept - np.roll(base, a)).max() for a in range(len(base)))
                assert numbers(text, "closest off by")[0] == pytest.approx(off, abs=0.006)


def test_pooling_value_text_counts_scipy_maximum_filter_changes():
    from cnnlessons.lesson08.explorers import PoolingShiftExplorer

    e = made(PoolingShiftExplorer)
    row = np.asarray(e.view.row, float)
    for d in range(4):
        for wi, width in enumerate(range(1, 6)):
            origin = -1 if width % 2 == 0 else 0
            before = nd.maximum_filter1d(row, width, mode="wrap", origin=origin)
            after = nd.maximum_filter1d(np.roll(row, d), width, mode="wrap", origin=origin)
            text = e.frame_value_texts(e.key_of(d=d, width=wi))["d"]
            n = len(row)
            assert text == (
                f"shift d = {d}: {np.sum(before != after)} of {n} pooled values "
                f"change, {np.sum(row != np.roll(row, d))} of {n} detector values"
            )


def test_aliasing_value_text_no_blur_by_hand():
    from cnnlessons.lesson08.explorers import AliasingExplorer

    e = made(AliasingExplorer)
    x = np.asarray(e.view.x, float)
    for d in range(4):
        text = e.frame_value_texts(e.key_of(d=d, filter=0))["d"]
        out = np.maximum(np.roll(x, d), np.roll(np.roll(x, d), -1))[::2]  # max of pairs
        assert text.startswith(f"shift d = {d}: output change")
        assert (numbers(text, "output change")[0] == 0) == (d % 2 == 0 and np.allclose(
            out, np.roll(np.maximum(x, np.roll(x, -1))[::2], d // 2)))  # fmt: skip


def test_lesson05_value_texts_are_the_numbers_checked_above():
    from cnnlessons.lesson05.explorers import KernelLearningExplorer, LeastSquaresExplorer

    e = made(KernelLearningExplorer)
    target = ss.correlate2d(e.x, e.run.target, "valid")
    for step in (0, 10, 40):
        said = e.frame_value_texts(str(step))["step"]
        y = ss.correlate2d(e.x, e.run.kernels[step], "valid")
        assert said.startswith(f"step {step} of 40: loss ")
        assert numbers(said, "loss")[0] == pytest.approx(((y - target) ** 2).mean(), rel=2e-3)
    e = made(LeastSquaresExplorer)
    n, noise = 64, 0.5
    key = e.key_of(N=e.controls["N"].options.index(n),
                   noise=e.controls["noise"].options.index(noise))  # fmt: skip
    said = e.frame_value_texts(key)
    text = e.frame_text(key)  # its numbers are numpy lstsq's (test above)
    assert said["N"].startswith("N = 64: ") and said["noise"].startswith("noise σ = 0.5: ")
    assert numbers(said["N"], "weights")[0] == numbers(text, "9 weights")[0]
    assert numbers(said["noise"], "dense matrix")[0] == numbers(text, "layer's matrix")[0]


def test_lesson06_value_texts_say_the_field_by_hand():
    from cnnlessons.lesson06.explorers import ERFExplorer, GrowthExplorer

    e = made(GrowthExplorer)
    stacks = list(e.controls["stack"].options)
    for depth in (1, 3, 6):
        key = e.key_of(depth=depth - 1, stack=stacks.index("3x3"), unit=0)
        r = 2 * depth + 1  # each 3x3 layer adds 2
        assert e.frame_value_texts(key)["depth"] == f"{depth} layers: receptive field {r} × {r}"
    e = made(ERFExplorer)
    for n in (1, 4, 16):
        profile = np.ones(1)
        for _ in range(n):
            profile = np.convolve(profile, np.ones(3) / 3)
        said = e.frame_value_texts(str(n - 1))["n"]
        assert said.startswith(f"{n} layers: field r = {2 * n + 1}, profile peak ")
        assert numbers(said, "peak")[0] == pytest.approx(profile.max(), abs=5e-4)


def test_lesson06_menus_and_toggles_say_what_their_option_does_by_hand():
    """A menu's or a toggle's option names a stack, a place or a map; its value text says the
    receptive field, the photo rows read, or the unit's value (worked by hand, or numpy's)."""
    from cnnlessons.lesson06.explorers import (
        FeaturesExplorer,
        GrowthExplorer,
        LearnedFeaturesExplorer,
        StridePlacementExplorer,
    )

    e = made(GrowthExplorer)
    stacks, units = list(e.controls["stack"].options), list(e.controls["unit"].options)
    for stack, grows in (("3x3", 2), ("5x5", 4), ("3x3, dilation 2", 4)):  # k_eff − 1 a layer
        key = e.key_of(depth=2, stack=stacks.index(stack), unit=units.index("top-left corner"))
        said = e.frame_value_texts(key)
        r = 1 + 3 * grows
        assert said["stack"] == f"stack {stack}: receptive field {r} × {r} with 3 layers"
        # the corner unit's field, centred on pixel 0, is cut by the photo's edge
        assert said["unit"] == (f"top unit top-left corner: it reads photo rows 0 to {r // 2}, "
                                f"columns 0 to {r // 2}")  # fmt: skip
    s = made(StridePlacementExplorer)
    for at in range(5):  # as test_growth_field_is_the_closed_form_by_hand
        r = 1 + sum(2 * (2 if 0 < at < layer else 1) for layer in range(1, 5))
        where = f"layer {at}" if at else "none"
        assert s.frame_value_texts(str(at))["stride_at"] == (
            f"stride 2 in {where}: receptive field {r} × {r}"
        )
    f = made(FeaturesExplorer)
    for si, (place, (row, col)) in enumerate(f.controls["spot"].options):
        for fi, (label, (layer, _c)) in enumerate(f.controls["feature"].options):
            key = f.key_of(spot=si, feature=fi)
            said, text = f.frame_value_texts(key), f.frame_text(key)
            value = numbers(text, f"unit ({row}, {col}), ")[0]  # the frame's (checked above)
            state = "on" if value > 0 else "off"
            assert said["spot"] == (f"unit at {place}: row {row}, column {col}, "
                                    f"value {value:.2f} ({state})")  # fmt: skip
            size = 2 * layer + 1  # each 3x3 layer adds 2
            assert said["feature"] == (f"map {label}: the unit's value {value:.2f} ({state}), "
                                       f"it sees {size} × {size} input pixels")  # fmt: skip
    g = made(LearnedFeaturesExplorer)
    inputs, units = list(g.controls["input"].options), [u for u, _ in g.controls["unit"].options]
    for key in ["0,0", "0,1", "5,11", "2,6"]:
        said = g.frame_value_texts(key)
        i, u = (int(v) for v in key.split(","))
        name, (layer, c) = inputs[i], g.controls["unit"].options[u][1]
        learned = g.view.learned[name][layer][c]
        assert said["input"].startswith(f"input {name}: ")
        assert said["unit"].startswith(f"unit {units[u]}: ")
        for text in said.values():
            if round(float(learned.max()), 2) <= 0:
                assert text.endswith(": off everywhere on this input")
            else:
                assert numbers(text, "largest value")[0] == pytest.approx(learned.max(), abs=0.006)
