"""Lesson 05, learning from few examples: its figures, explorers (driven headlessly) and
exercises, and the layering of its modules."""


import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.figure import Figure
from pictures import pixels, redrawn

import cnnlessons as cl
from cnnlessons.checking import ____
from cnnlessons.engine import MAX_FRAMES
from cnnlessons.figures import style
from cnnlessons.lesson05 import exercises as ex
from cnnlessons.lesson05.explorers import (
    N_VALUES,
    NOISE_VALUES,
    KernelLearningExplorer,
    LeastSquaresExplorer,
)
from cnnlessons.lesson05.figures import (
    MODEL_COLORS,
    MODEL_TEXT_COLORS,
    DenseMatrixFigure,
    KernelLearningFigure,
    accuracy_figure,
    least_squares_figure,
    lesson_figure,
    task_examples_figure,
)
from cnnlessons.lesson05.numerics import fewshot
from cnnlessons.numerics import tasks


@pytest.fixture(scope="module")
def kernel_run():
    x = fewshot.standard_photo(16)
    w = cl.kernel("vertical edge")
    return x, fewshot.learn_kernel(x, cl.conv2d(x, w), lr=0.15, steps=12, target=w)


# -- layering ---------------------------------------------------------------------------------




# -- figures ---------------------------------------------------------------------------------
def test_kernel_learning_figure_shows_every_step(kernel_run):
    x, run = kernel_run
    fig = lesson_figure(KernelLearningFigure, x, run, figsize=(10, 3))
    view = fig.drawn
    assert view.step == run.steps  # a static figure shows the end of training
    for t in (0, 5, run.steps):
        changed = view.show(t)
        np.testing.assert_array_equal(view.kernel.values, run.kernels[t])
        assert view.marker.get_data()[1][0] == run.losses[t]
        assert view.title.get_text() == f"kernel, step {t}"
        assert view.kernel.texts[2].get_text() == f"{run.kernels[t][0, 2] + 0.0:.2f}"
        assert view.marker in changed
    assert fig._repr_png_()[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="step must be at most 12"):
        view.show(13)


def test_least_squares_figure_plots_the_run_and_its_theory():
    run = fewshot.least_squares_curves((4, 64, 128), 0.1, repeats=3, seed=0)
    fig = lesson_figure(least_squares_figure, run, figsize=(11, 4))
    left, right = fig.drawn["least squares"], fig.drawn["ridge"]
    assert left.get_xscale() == right.get_xscale() == "log" and left.get_yscale() == "log"
    labels = [t.get_text() for t in left.get_legend().get_texts()]
    assert "theory σ²·9/(N·n)" in labels and "dense (2,304 unknowns)" in labels
    conv_line = next(ln for ln in left.get_lines() if ln.get_label() == "theory σ²·9/(N·n)")
    np.testing.assert_allclose(conv_line.get_ydata(), run.theory["conv"])
    assert mpl.colors.same_color(conv_line.get_color(), MODEL_COLORS["conv"])
    assert any("ridge" in t.get_text() for t in right.get_legend().get_texts())
    fig.canvas.draw()


def test_accuracy_figure_draws_means_for_both_pixel_orders():
    run = fewshot.classification_curves(N=(10, 20), seeds=(0, 1), steps=5, test_size=50)
    fig = lesson_figure(accuracy_figure, run, figsize=(11, 4))
    lines = fig.drawn
    assert set(lines) == set(run.test)
    for key, line in lines.items():
        np.testing.assert_allclose(line.get_ydata(), run.test[key].mean(axis=1))
        assert mpl.colors.same_color(line.get_color(), MODEL_COLORS[key[0]])
    assert [ax.get_title() for ax in fig.axes] == ["pixels as they are", "pixels shuffled"]
    # issue 20: the two training lines coincide at 1.0; their hollow markers differ in shape
    train = [ln for ln in fig.axes[0].lines if ln.get_label().endswith(": train")]
    assert len({ln.get_marker() for ln in train}) == 2
    assert all(ln.get_markerfacecolor() == "none" for ln in train)
    # not colour alone, no legend to look up: each line is named at its last point, in a text
    # colour of the palette, inside its panel; names do not overlap
    fig.canvas.draw()
    for ax in fig.axes:
        assert ax.get_legend() is None
        named = {t.get_text(): t for t in ax.texts if t.get_text() != "chance"}
        lines = {ln.get_label(): ln for ln in ax.lines if ln.get_label() in named}
        assert set(named) == set(lines) == {"conv: test", "conv: train", "dense: test",
                                            "dense: train"}  # fmt: skip
        height = ax.get_window_extent().height
        boxes = []
        for label, line in lines.items():
            text = named[label]
            box = text.get_window_extent()
            x, y = ax.transData.transform((line.get_xdata()[-1], line.get_ydata()[-1]))
            assert 0 < box.x0 - x < 0.1 * ax.get_window_extent().width, label  # just right of it
            # at its height, or moved at most (labels - 1) label gaps away from it
            assert abs((box.y0 + box.y1) / 2 - y) <= 3 * 0.06 * height + 1, label
            assert ax.get_window_extent().contains(box.x1 - 1, box.y1 - 1), label
            model = label.split(":")[0]
            assert mpl.colors.same_color(text.get_color(), MODEL_TEXT_COLORS[model])
            boxes.append(box)
        for i, a in enumerate(boxes):
            assert not any(a.overlaps(b) for b in boxes[i + 1:])


def test_task_examples_figure_titles_are_the_labels():
    x, y = tasks.pattern_task(6, seed=0)
    s = tasks.shuffle_pixels(x, tasks.pixel_permutation(256))
    fig = lesson_figure(task_examples_figure, x, y, shuffled=s, per_row=6)
    axes = fig.drawn
    assert axes.shape == (2, 6)
    assert [ax.get_title() for ax in axes[0]] == ["plus", "cross"] * 3
    np.testing.assert_array_equal(axes[1, 2].images[0].get_array(), s[2, 0])


def test_figure_functions_refuse_wrong_runs():
    with pytest.raises(TypeError, match="run must be a fewshot.LeastSquaresRun"):
        lesson_figure(least_squares_figure, "run")
    with pytest.raises(TypeError, match="run must be a fewshot.ClassificationRun"):
        lesson_figure(accuracy_figure, None)
    with pytest.raises(TypeError, match="draw must be a drawing function"):
        lesson_figure(3)


def test_lesson_colours_are_the_series_roles():
    assert MODEL_COLORS["conv"] == style.COLORS["kernel"]
    assert MODEL_COLORS["dense"] == style.COLORS["input"]


# -- the kernel-learning explorer -------------------------------------------------------------
@pytest.fixture(scope="module")
def kernel_explorer(kernel_run):
    x, run = kernel_run
    return KernelLearningExplorer(run, x)


def test_every_step_shows_its_kernel_and_loss(kernel_explorer, kernel_run):
    e, run = kernel_explorer, kernel_run[1]
    assert (e.controls["step"].min, e.controls["step"].max) == (0, run.steps)
    assert len(e.frame_keys) == run.steps + 1 <= MAX_FRAMES
    for t in range(run.steps + 1):
        e.controls["step"].value = t
        np.testing.assert_array_equal(e.kernel, run.kernels[t])
        assert e.loss == run.losses[t]


def test_frames_differ_and_match_a_full_redraw(kernel_explorer):
    e = kernel_explorer
    first, last = e.frame(0), e.frame(e.run.steps)
    assert np.abs(first - last).max() > 0.3
    e.controls["step"].value = 3
    shown = pixels(e)
    np.testing.assert_array_equal(redrawn(e), shown)


def test_default_kernel_explorer_learns_the_edge_kernel():
    e = KernelLearningExplorer(renderer="blit")
    e.controls["step"].value = e.run.steps
    assert np.abs(e.kernel - cl.kernel("vertical edge")).max() < 0.01


def test_kernel_explorer_refuses_bad_runs():
    with pytest.raises(TypeError, match="run must be a fewshot.KernelRun"):
        KernelLearningExplorer(run="steps")
    x = np.random.default_rng(0).normal(size=(8, 8))
    long = fewshot.learn_kernel(x, cl.conv2d(x, np.eye(3)), lr=0.01, steps=MAX_FRAMES)
    with pytest.raises(ValueError, match=f"run must have at most {MAX_FRAMES - 1} steps"):
        KernelLearningExplorer(long, x)


# -- the least-squares explorer ---------------------------------------------------------------
@pytest.fixture(scope="module")
def ls_explorer():
    return LeastSquaresExplorer(repeats=2)


def test_every_n_and_noise_shows_its_fit(ls_explorer):
    e = ls_explorer
    assert len(e.frame_keys) == len(N_VALUES) * len(NOISE_VALUES) <= MAX_FRAMES
    for noise in NOISE_VALUES:
        e.controls["noise"].value = noise
        X, Y = tasks.filter_pairs(max(N_VALUES), e.w, noise=noise, seed=e.seed)
        for n in (1, 64, 512):
            e.controls["N"].value = n
            np.testing.assert_allclose(e.M_hat, fewshot.fit_dense(X[:n], Y[:n]))
            assert e.view.hat_title.get_text() == f"dense layer, N = {n}"
            conv_err = e.view.points["conv"].get_data()[1][0]
            assert conv_err == pytest.approx(((fewshot.fit_conv(X[:n], Y[:n]) - e.w) ** 2).sum())


def test_the_band_appears_as_n_grows(ls_explorer):
    e = ls_explorer
    e.controls["noise"].value = 0.1
    off_band = cl.conv_matrix((8, 8), np.ones((3, 3))) == 0
    leak = []
    for n in (16, 512):
        e.controls["N"].value = n
        leak.append(np.abs(e.M_hat[off_band]).mean())
    assert leak[1] < leak[0] / 10
    np.testing.assert_allclose(e.M_hat, e.M, atol=0.1)  # N = 512: close to the true matrix


def test_ls_frames_differ_with_n_and_noise(ls_explorer):
    e = ls_explorer
    a, b, c = e.frame((0, 1)), e.frame((10, 1)), e.frame((10, 2))
    assert np.abs(a - b).max() > 0.3 and np.abs(b - c).max() > 0.3


def test_ls_explorer_bad_arguments():
    with pytest.raises(ValueError, match="repeats must be an integer >= 1"):
        LeastSquaresExplorer(repeats=0)
    with pytest.raises(ValueError, match="renderer must be one of"):
        LeastSquaresExplorer(renderer="svg")


def test_dense_matrix_figure_refuses_a_vector():
    with pytest.raises(ValueError, match="M must have 2 dimensions"):
        DenseMatrixFigure(Figure(), np.ones(4))


# -- exercises ---------------------------------------------------------------------------------
@pytest.mark.parametrize("exercise", [ex.q1, ex.q2, ex.q3, ex.q4, ex.q5])
def test_placeholder_hint_and_solution(exercise):
    assert exercise.check(____).correct is None
    assert exercise.check().correct is None
    assert len(exercise.hint().message) > 20 and len(exercise.solution().message) > 20
    assert exercise._repr_markdown_()


@pytest.mark.parametrize(
    ("exercise", "answer"),
    [(ex.q1, 144), (ex.q2, 3), (ex.q3, "c"), (ex.q3, " (C) "), (ex.q4, "b"), (ex.q5, ex.grad_1d)],
)
def test_right_answers_pass(exercise, answer):
    assert exercise.check(answer).correct is True


@pytest.mark.parametrize(
    ("exercise", "answer", "words"),
    [
        (ex.q1, 14_400, "m·n"),
        (ex.q1, 100, "number of outputs"),
        (ex.q1, 9, "convolution's number of unknowns"),
        (ex.q1, 145, "bias"),
        (ex.q1, 500, "too large"),
        (ex.q2, 5, "not 1"),
        (ex.q2, 6, "dense layer's answer"),
        (ex.q3, "d", "its *own* permutation"),
        (ex.q3, "b", "never used the arrangement"),
        (ex.q3, "e", "choose one of"),
        (ex.q3, 3, "letter of your choice"),
        (ex.q4, "a", "only if the prior is right"),
        (ex.q4, "c", "must also *mean* something"),
        (ex.q5, lambda x, w, y: ex.grad_1d(x, w, y) / 2, "factor 2"),
        (ex.q5, lambda x, w, y: ex.grad_1d(x, w, y) * len(y), "*sum* of squares"),
        (ex.q5, lambda x, w, y: -ex.grad_1d(x, w, y), "sign is flipped"),
        (ex.q5, lambda x, w, y: ex.grad_1d(x, w, y)[::-1], "reversed"),
        (ex.q5, lambda x, w, y: None, "return"),
        (ex.q5, 3, "give the function itself"),
    ],
)
def test_common_slips_are_recognised(exercise, answer, words):
    feedback = exercise.check(answer)
    assert feedback.correct is False
    assert words in feedback.message, feedback.message


def test_grad_1d_matches_finite_differences():
    rng = np.random.default_rng(0)
    for n, k in ((9, 3), (5, 1), (12, 4)):
        x, w, y = rng.normal(size=n), rng.normal(size=k), rng.normal(size=n - k + 1)
        num = [
            (ex.loss_1d(x, w + 1e-6 * e, y) - ex.loss_1d(x, w - 1e-6 * e, y)) / 2e-6
            for e in np.eye(k)
        ]
        np.testing.assert_allclose(ex.grad_1d(x, w, y), num, atol=1e-7)
    np.testing.assert_allclose(ex.correlate1d(x, w), np.correlate(x, w, mode="valid"))


def test_exercise_answers_agree_with_the_numerics():
    # q1/q2: the dense layer is determined by m noise-free pairs, the convolution by one
    w = tasks.random_kernel(3, seed=1)
    X, Y = tasks.filter_pairs(100, w, input_shape=(10, 10), noise=0.0, seed=0)
    M = cl.conv_matrix((10, 10), w)
    np.testing.assert_allclose(fewshot.fit_dense(X, Y), M, atol=1e-7)
    assert np.abs(fewshot.fit_dense(X[:99], Y[:99]) - M).max() > 0.01
    np.testing.assert_allclose(fewshot.fit_conv(X[:1], Y[:1]), w, atol=1e-10)


def test_ls_incremental_picture_equals_a_full_redraw(ls_explorer):
    e = ls_explorer
    for n, noise in ((64, 0.5), (4, 0.01), (512, 0.1)):
        e.controls["noise"].value = noise
        e.controls["N"].value = n
        shown = pixels(e)
        np.testing.assert_array_equal(redrawn(e), shown)
