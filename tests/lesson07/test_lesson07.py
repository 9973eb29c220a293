"""Lesson 07, translation equivariance: its figures, explorers and exercises, driven
headlessly. Numbers are checked against the numerics (tested on their own in
test_equivariance.py) and against hand-worked answers."""

import itertools

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import cnnlessons as cl
from cnnlessons.checking import ____
from cnnlessons.engine import MAX_FRAMES
from cnnlessons.figures import style
from cnnlessons.lesson07 import exercises as ex
from cnnlessons.lesson07 import numerics as eq
from cnnlessons.lesson07.explorers import ShiftExplorer, StrideShiftExplorer
from cnnlessons.lesson07.figures import (
    SHIFT_KERNELS,
    ShiftFigure,
    equivariance_vs_invariance_figure,
    rotation_scale_figure,
    shift_scene,
)


def new_figure(size=(9.4, 4.6)):
    with mpl.rc_context(style.RC):
        return Figure(figsize=size, layout="constrained")


# -- figures -----------------------------------------------------------------------------
def test_shift_figure_arrays_and_text():
    fig = new_figure((9.4, 5.6))
    x = shift_scene()
    view = ShiftFigure(fig, x)
    w = SHIFT_KERNELS["vertical edge 3×3"]
    view.show(w, 1, 3, "circular")
    assert view.error == 0 and not view.band.any()
    assert view.text.get_text() == "largest |f(g(x)) − g(f(x))| = exactly 0"
    view.show(w, 1, 3, "zeros")
    f = eq.conv_map(w, padding_mode="zeros")
    np.testing.assert_array_equal(view.difference, eq.equivariance_error(f, x, 1, 3))
    np.testing.assert_array_equal(view.band, eq.error_band(x.shape, 3, 1, 3))
    assert view.error == eq.max_abs(view.difference) > 0
    assert not view.difference[~view.band].any()  # nothing outside the outlined band
    assert len(view.band_lines.get_segments()) > 0
    # both sides of f(g(x)) = g(f(x)) are drawn (issue 20: g(f(x)) was never shown), and
    # they agree off the outlined band
    fg, gf = f(cl.shift(x, 1, 3)), cl.shift(f(x), 1, 3)
    np.testing.assert_array_equal(view.images["moved"].get_array(), fg)
    np.testing.assert_array_equal(view.images["gf"].get_array(), gf)
    np.testing.assert_array_equal(fg[~view.band], gf[~view.band])
    assert "g(f(x))" in view.axes["gf"].get_title() or any(
        "g(f(x))" in t.get_text() for t in view.axes["gf"].texts)
    fig.canvas.draw()


def test_shift_figure_band_is_outlined_with_a_halo_and_the_captions_stay_inside():
    """Issue 20: the outlined band was barely visible (1 px) and the caption touched the right
    edge. The band is drawn 2 px black over a wider white stroke; every caption line, for every
    kernel and padding at the sliders' largest shift, lies inside the figure."""
    fig = new_figure((9.4, 5.6))
    view = ShiftFigure(fig, shift_scene())
    assert min(view.band_lines.get_linewidths()) >= 2
    halo = [e for e in view.band_lines.get_path_effects() if hasattr(e, "_gc")]
    assert halo and halo[0]._gc["linewidth"] > 2 and mpl.colors.to_hex(
        halo[0]._gc["foreground"]) == "#ffffff"
    renderer = FigureCanvasAgg(fig).get_renderer()
    for kernel, padding in itertools.product(SHIFT_KERNELS, ("circular", "zeros")):
        view.show(SHIFT_KERNELS[kernel], 3, 3, padding)
        fig.canvas.draw()
        box = fig.bbox
        for text in (view.text, view.note):
            extent = text.get_window_extent(renderer)
            assert text.get_text().count("\n") <= 1
            assert box.x0 < extent.x0 and extent.x1 < box.x1, (kernel, padding, text.get_text())
            assert box.y0 <= extent.y0 and extent.y1 < box.y1


def test_rotation_and_scale_figure_reports_the_differences():
    errors = rotation_scale_figure(new_figure())
    assert errors == {"quarter turn": 4.0, "2× larger": 3.0}  # worked out: bar edges, 1s


def test_equivariance_vs_invariance_figure_keeps_the_global_max():
    values = equivariance_vs_invariance_figure(new_figure())
    assert list(values.values()) == [3.0, 3.0]  # a vertical edge of height 3 in the kernel


# -- explorers -----------------------------------------------------------------------------
@pytest.mark.parametrize("kernel", list(SHIFT_KERNELS))
def test_shift_figure_is_exact_with_circular_padding_and_banded_with_zeros(kernel):
    view = ShiftFigure(new_figure((9.4, 5.6)), shift_scene())
    w = SHIFT_KERNELS[kernel]
    for dx, dy in itertools.product(range(5), range(5)):
        view.show(w, dy, dx, "circular")
        assert view.error == 0.0
        view.show(w, dy, dx, "zeros")
        np.testing.assert_array_equal(view.band, eq.error_band(view.x.shape, w.shape[0], dy, dx))
        assert not view.difference[~view.band].any()
        assert (view.error > 0) == (dx != 0 or dy != 0)


@pytest.fixture(scope="module")
def shifter():
    return ShiftExplorer(max_shift=2)  # 3 x 3 x 2 = 18 frames: quick to draw


def test_shift_explorer_controls_drive_the_figure(shifter):
    e = shifter
    assert len(e.frame_keys) == 3 * 3 * 2 <= MAX_FRAMES
    assert ShiftExplorer.__init__.__defaults__[-1] == "zeros"
    for kernel in ("blur 5×5", "vertical edge 3×3"):
        e.controls["kernel"].value = kernel  # redraws every frame
        k = SHIFT_KERNELS[kernel].shape[0]
        for dx, dy, padding in itertools.product(range(3), range(3), ("circular", "zeros")):
            e.controls["dx"].value, e.controls["dy"].value = dx, dy
            e.controls["padding"].value = padding
            if padding == "circular":
                assert e.error == 0.0 and not e.band.any()
            else:
                np.testing.assert_array_equal(e.band, eq.error_band(e.x.shape, k, dy, dx))
                assert (e.error > 0) == (dx != 0 or dy != 0)


def test_shift_explorer_frames_differ_where_the_difference_does(shifter):
    e = shifter
    e.controls["kernel"].value = "vertical edge 3×3"
    circular = e.frame((2, 1, 0))  # dx=2, dy=1, circular
    zeros = e.frame((2, 1, 1))
    assert np.abs(circular - zeros).max() > 0.3
    e.controls["dx"].value, e.controls["dy"].value, e.controls["padding"].value = 2, 1, "zeros"
    np.testing.assert_allclose(e.frame(), zeros)


def test_stride_explorer_even_shifts_match_odd_shifts_do_not():
    e = StrideShiftExplorer()
    assert len(e.frame_keys) == 16
    for stride, d in itertools.product((1, 2), range(8)):
        e.controls["stride"].value, e.controls["d"].value = stride, d
        if d % stride == 0:
            assert e.error < 1e-12
            np.testing.assert_allclose(e.kept, e.expected, atol=1e-12)
            assert "moved by" in e.view.text.get_text()
        else:
            assert e.error > 0.1
            assert "no shift matches" in e.view.text.get_text()


@pytest.mark.parametrize(
    ("cls", "kwargs", "exc", "match"),
    [
        (ShiftExplorer, {"kernel": "emboss"}, ValueError, "kernel must be one of"),
        (ShiftExplorer, {"padding": "reflect"}, ValueError, "padding must be one of"),
        (ShiftExplorer, {"max_shift": 8}, ValueError, "max_shift must be at most 7"),
        (ShiftExplorer, {"dx": 9}, ValueError, "dx must be an integer from 0 to 3"),
        (StrideShiftExplorer, {"stride": 3}, ValueError, "stride must be 1 or 2"),
        (StrideShiftExplorer, {"d": -1}, ValueError, "d must be an integer >= 0"),
    ],
)
def test_explorers_refuse_bad_arguments(cls, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        cls(**kwargs)


# -- exercises -------------------------------------------------------------------------------
def roll_error(f, x, dy, dx):
    g = lambda v: np.roll(v, (dy, dx), axis=(0, 1))  # noqa: E731
    return f(g(x)) - g(f(x))


RIGHT = {"q1": [0, 3, 6], "q2": 3, "q3": roll_error}  # worked out by hand (see the lesson)


@pytest.mark.parametrize("name", RIGHT)
def test_exercises_right_wrong_and_blank(name):
    q = getattr(ex, name)
    assert q.check(____).correct is None
    assert q.check(RIGHT[name]).correct is True
    assert len(q.hint().message) > 20 and len(q.solution().message) > 20


def test_exercise_mistakes_get_their_own_message():
    assert "stride **2**" in ex.q1.check([0, 2, 4, 6, 8]).message
    assert "top and the bottom" in ex.q2.check(6).message
    assert "one 3x3 layer" in ex.q2.check(1).message
    swapped = lambda f, x, dy, dx: roll_error(f, x, dx, dy)  # noqa: E731
    assert "swapped" in ex.q3.check(swapped).message
    flipped = lambda f, x, dy, dx: -roll_error(f, x, dy, dx)  # noqa: E731
    assert "sign is flipped" in ex.q3.check(flipped).message
    assert ex.q3.check(lambda f, x, dy, dx: np.zeros_like(x)).correct is False
