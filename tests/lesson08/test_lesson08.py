"""Lesson 08, pooling and invariance: its figures, explorers and exercises, driven
headlessly, against the numerics (test_invariance.py) and hand-worked answers."""

import itertools

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.figure import Figure

from cnnlessons.checking import ____
from cnnlessons.figures import style
from cnnlessons.lesson08 import exercises as ex
from cnnlessons.lesson08 import numerics as iv
from cnnlessons.lesson08.explorers import AliasingExplorer, PoolingShiftExplorer
from cnnlessons.lesson08.figures import (
    FIGURE_9_8_ROW,
    PoolingShiftFigure,
    invariance_curves_plot,
    output_change_plot,
    unchanged_fraction_plot,
)


def new_axes(size=(9.4, 4)):
    with mpl.rc_context(style.RC):
        fig = Figure(figsize=size, layout="constrained")
        return fig, fig.add_subplot()


def test_figure_9_8_width_3_every_detector_changes_five_pooled_do():
    with mpl.rc_context(style.RC):
        fig = Figure(figsize=(9.4, 3.3))
    view = PoolingShiftFigure(fig)
    view.show(3, 1)
    assert view.detector_changed == 12  # no two neighbours are equal
    # worked out by hand from FIGURE_9_8_ROW: centred width-3 maxima before/after
    np.testing.assert_array_equal(view.pooled, [1, 1, 1, 0.3, 0.7, 0.7, 0.7, 0.6, 0.6, 0.9,
                                                0.9, 0.9])  # fmt: skip
    assert view.pooled_changed == 5
    assert view.counts[1].get_text() == "5 of 12 changed"
    view.show(1, 1)  # width 1 is no pooling: everything changes
    assert view.pooled_changed == 12
    view.show(3, 0)
    assert view.pooled_changed == view.detector_changed == 0
    assert FIGURE_9_8_ROW.size == len(set(FIGURE_9_8_ROW.tolist())) + 2  # 0.1 x2, 0.2 x2
    fig.canvas.draw()


def test_unchanged_fraction_plot_draws_the_measured_points_and_the_curve():
    fig, ax = new_axes((6.5, 4))
    measured = unchanged_fraction_plot(ax, range(1, 6), rows=500)
    for w, (frac, se) in measured.items():
        assert abs(frac - (w - 1) / (w + 1)) <= 4 * se + 1e-12
    line = ax.get_lines()[0]
    np.testing.assert_allclose(line.get_ydata(), (line.get_xdata() - 1) / (line.get_xdata() + 1))
    fig.canvas.draw()


def test_invariance_curves_reach_zero_at_the_width_and_global_pooling_stays_at_one():
    fig, ax = new_axes()
    curves = invariance_curves_plot(ax, range(1, 9), range(0, 11), rows=100)
    for w in range(1, 9):
        c = curves[f"width {w}"]
        assert c[0] == 1 and (c[w:] == 0).all() and (np.diff(c[: w + 1]) < 0).all()
    np.testing.assert_array_equal(curves["global max"], 1)
    np.testing.assert_array_equal(curves["global avg"], 1)
    fig.canvas.draw()
    # issue 20: each line is labelled on the plot, not only in the legend, at its own point:
    # "w=N" at d = N, where (w − d)/(w + d) first reaches 0 (by hand)
    labels = {t.get_text(): t.xy for t in ax.texts}
    assert labels == {f"w={w}": (w, 0) for w in range(1, 9)}
    assert all(c[w] == 0 for w, c in ((w, curves[f"width {w}"]) for w in range(1, 9)))


def test_output_change_plot_is_zero_for_even_shifts_and_falls_with_the_filter():
    fig, ax = new_axes()
    out = output_change_plot(ax, rows=50)
    odd = [out[n][1] for n in range(1, 6)]
    assert all(a > b for a, b in zip(odd[:-1], odd[1:], strict=True))
    for changes in out.values():
        assert (changes[::2] == 0).all()


@pytest.fixture(scope="module")
def pooler():
    return PoolingShiftExplorer()


def test_pooling_explorer_counts_match_the_numerics(pooler):
    e = pooler
    assert len(e.frame_keys) == 4 * 5
    for d, w in itertools.product(range(4), range(1, 6)):
        e.controls["d"].value, e.controls["width"].value = d, w
        moved = np.roll(FIGURE_9_8_ROW, d)
        assert e.detector_changed == int((moved != FIGURE_9_8_ROW).sum())
        before, after = iv.pool1d(FIGURE_9_8_ROW, w), iv.pool1d(moved, w)
        assert e.pooled_changed == int((before != after).sum())


@pytest.fixture(scope="module")
def aliaser():
    return AliasingExplorer()


def test_aliasing_explorer_the_classic_example(aliaser):
    e = aliaser
    assert len(e.frame_keys) == 4 * 5
    e.controls["filter"].value, e.controls["d"].value = 1, 0
    np.testing.assert_array_equal(e.output, [0, 1, 0, 1])
    e.controls["d"].value = 1
    np.testing.assert_array_equal(e.output, [1, 1, 1, 1])
    assert e.change == 1.0
    assert "output [1, 1, 1, 1]" in e.view.text.get_text()
    for n, d in itertools.product(range(1, 6), range(4)):
        e.controls["filter"].value, e.controls["d"].value = n, d
        pool = lambda v, n=n: iv.max_blur_pool1d(v, n)  # noqa: E731
        np.testing.assert_array_equal(e.output, pool(np.roll(iv.ALIASING_EXAMPLE, d)))
        assert e.change == iv.output_change(pool, iv.ALIASING_EXAMPLE, d)
        assert e.output.mean() == (0.75 if n > 1 else (0.5 if d % 2 == 0 else 1.0))


def test_aliasing_frames_differ_between_filters(aliaser):
    assert np.abs(aliaser.frame((1, 0)) - aliaser.frame((1, 2))).max() > 0.3


@pytest.mark.parametrize(
    ("cls", "kwargs", "exc", "match"),
    [
        (PoolingShiftExplorer, {"width": 6}, ValueError, "width must be an integer from 1 to 5"),
        (PoolingShiftExplorer, {"d": 4}, ValueError, "d must be an integer from 0 to 3"),
        (AliasingExplorer, {"filter_size": 0}, ValueError, "filter_size must be an integer >= 1"),
        (AliasingExplorer, {"filter_size": 6}, ValueError, "from 1 to 5"),
    ],
)
def test_explorers_refuse_bad_arguments(cls, kwargs, exc, match):
    with pytest.raises(exc, match=match):
        cls(**kwargs)


# -- exercises --------------------------------------------------------------------------------
def shift_consistency(predict, images, shifts_a, shifts_b):
    same = [
        predict(np.roll(x, tuple(a), axis=(0, 1))) == predict(np.roll(x, tuple(b), axis=(0, 1)))
        for x, a, b in zip(images, shifts_a, shifts_b, strict=True)
    ]
    return sum(same) / len(images)


# worked out by hand: np.roll(ROW, 1) = [0, .2, .9, .1, .4, .3, .8, .5], maxima of 3
RIGHT = {"q1": [0.9, 0.9, 0.9, 0.4, 0.8, 0.8, 0.8, 0.5], "q2": 4, "q3": 3 / 8,
         "q4": shift_consistency}  # fmt: skip


@pytest.mark.parametrize("name", RIGHT)
def test_exercises_right_wrong_and_blank(name):
    q = getattr(ex, name)
    assert q.check(____).correct is None
    assert q.check(RIGHT[name]).correct is True
    assert len(q.hint().message) > 20 and len(q.solution().message) > 20


def test_exercise_mistakes_get_their_own_message():
    assert "before" in ex.q1.check(iv.pool1d(ex.ROW, 3)).message
    assert "every *detector* value" in ex.q2.check(8).message
    assert "input's mean" in ex.q3.check(0.25).message
    changed = lambda *args: 1 - shift_consistency(*args)  # noqa: E731
    assert "*changed*" in ex.q4.check(changed).message
    assert ex.q4.check(lambda *args: 0.5).correct is False


def test_aliasing_legend_covers_no_data_point():
    """Issue 20: the legend covered the no-blur line's peaks at d = 5 and 7."""
    from cnnlessons.figures.display import new_figure
    from cnnlessons.lesson08.figures import AliasingFigure

    fig = new_figure((9.4, 4.8))
    view = AliasingFigure(fig)
    fig.canvas.draw()
    box = view.ax_curve.get_legend().get_window_extent()
    for size, change in view.changes.items():
        points = view.ax_curve.transData.transform(np.column_stack([view.shifts, change]))
        inside = [p for p in points if box.contains(*p)]
        assert inside == [], (size, inside)

