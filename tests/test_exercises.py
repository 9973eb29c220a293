"""Exercises answer back: the right answer passes, anticipated mistakes get their own message,
anything else fails helpfully, and the placeholder means "not attempted"."""

import numpy as np
import pytest

from cnnlessons.exercises import Feedback, ____
from cnnlessons.exercises import lesson01 as l01
from cnnlessons.exercises import lesson02 as l02
from cnnlessons.exercises import lesson03 as l03

ALL = [l01.q1, l01.q2, l01.q3, l02.q1, l02.q2, l02.q3, l03.q1, l03.q2, l03.q3]


def corr2d(x, w):
    kh, kw = w.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            out[r, c] = (x[r : r + kh, c : c + kw] * w).sum()
    return out


# the answers, worked out by hand (shared/CURRICULUM.md and the lessons)
RIGHT = {
    id(l01.q1): 30,
    id(l01.q2): 4,
    id(l01.q3): corr2d,
    id(l02.q1): [3, 4, 5],
    id(l02.q2): 9,
    id(l02.q3): 6_084,
    id(l03.q1): 456,
    id(l03.q2): 14_450_688,
    id(l03.q3): lambda c, f, k: f * (c * k * k + 1),
}


@pytest.mark.parametrize("exercise", ALL)
def test_placeholder_is_not_attempted(exercise):
    feedback = exercise.check(____)
    assert feedback.correct is None and "____" in feedback.message
    assert exercise.check().correct is None


@pytest.mark.parametrize("exercise", ALL)
def test_right_answer_passes(exercise):
    feedback = exercise.check(RIGHT[id(exercise)])
    assert feedback.correct is True, feedback.message
    assert "Correct" in feedback._repr_markdown_()


@pytest.mark.parametrize("exercise", ALL)
def test_hint_and_solution_say_something(exercise):
    for feedback in (exercise.hint(), exercise.solution()):
        assert isinstance(feedback, Feedback) and feedback.correct is None
        assert len(feedback.message) > 20
    assert exercise.prompt.strip()


@pytest.mark.parametrize(
    ("exercise", "answer", "words"),
    [
        (l01.q1, -30, "flip the kernel"),
        (l01.q1, 0, "column 0"),
        (l01.q1, 10, "three rows"),
        (l01.q1, 31, "too large"),
        (l01.q2, 3, "padding"),
        (l01.q2, 3.5, "rounds *down*"),
        (l01.q2, 7, "stride"),
        (l01.q2, 5, "leaves out both the padding and the stride"),
        (l02.q2, 36, "dense layer"),
        (l02.q3, 529_984, "dense layer"),
        (l02.q3, 9, "parameters"),
        (l02.q3, 7_056, "per *input*"),
        (l02.q1, list(range(9)), "dense layer"),
        (l02.q1, [4, 5, 6], "centred"),
        (l02.q1, [3, 4], "shape (2,)"),
        (l03.q1, 156, "did you include the 3 input channels?"),
        (l03.q1, 450, "bias"),
        (l03.q1, 14_455_392, "dense layer"),
        (l03.q2, 14_455_392, "biases"),
        (l03.q2, 7_776, "multiply"),
        (l03.q3, lambda c, f, k: f * (k * k + 1), "ignores the input channels"),
        (l03.q3, lambda c, f, k: f * c * k * k, "bias"),
        (l01.q3, lambda x, w: corr2d(x, w[::-1, ::-1]), "flips the kernel"),
        (l01.q3, lambda x, w: corr2d(x, w)[:-1], "shape"),
        (l01.q3, lambda x, w: corr2d(x, w) + 1, "differ"),
    ],
)
def test_wrong_answers_get_a_helpful_message(exercise, answer, words):
    feedback = exercise.check(answer)
    assert feedback.correct is False
    assert words in feedback.message


@pytest.mark.parametrize(
    ("exercise", "answer", "words"),
    [
        (l03.q1, "456", "without quotes"),
        (l03.q1, True, "True/False"),
        (l03.q1, [456], "single number"),
        (l02.q1, "3, 4, 5", "not an array of numbers"),
        (l01.q3, 42, "give the function itself"),
        (l01.q3, lambda x, w: 1 / 0, "ZeroDivisionError"),
    ],
)
def test_answers_of_the_wrong_kind_fail_helpfully(exercise, answer, words):
    feedback = exercise.check(answer)
    assert feedback.correct is False
    assert words in feedback.message


def test_a_numpy_scalar_or_float_answer_counts():
    assert l03.q1.check(np.int64(456)).correct
    assert l03.q1.check(456.0).correct
    assert l01.q2.check(np.array([4])).correct
