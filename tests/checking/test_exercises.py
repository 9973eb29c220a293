"""Exercises answer back: the right answer passes, anticipated mistakes get their own message,
anything else fails helpfully, and the placeholder means "not attempted"."""

import math

import numpy as np
import pytest

from cnnlessons import checking
from cnnlessons.checking import ArrayExercise, Feedback, FunctionExercise, NumberExercise, ____
from cnnlessons.lesson01 import exercises as l01
from cnnlessons.lesson02 import exercises as l02
from cnnlessons.lesson03 import exercises as l03

ALL = [
    l01.q1, l01.q2, l01.q3, l01.q4,
    l02.q1, l02.q2, l02.q3,
    l03.q1, l03.q2, l03.q3, l03.q4,
]  # fmt: skip
NUMBERS = [e for e in ALL if isinstance(e, NumberExercise)]


def corr2d(x, w):
    kh, kw = w.shape
    out = np.zeros((x.shape[0] - kh + 1, x.shape[1] - kw + 1))
    for r in range(out.shape[0]):
        for c in range(out.shape[1]):
            out[r, c] = (x[r : r + kh, c : c + kw] * w).sum()
    return out


# the answers, worked out by hand (shared/CURRICULUM.md's notation: F·(k·k·C + 1) parameters,
# one output sees k·k·C inputs; o = ⌊(i + 2p − d(k − 1) − 1)/s⌋ + 1)
RIGHT = {
    id(l01.q1): -30,  # 3 rows of 0·1 + 0·0 + 10·(−1)
    id(l01.q2): 2,  # (5 − 1)/2
    id(l01.q3): 10,  # ⌊(17 + 6 − 4 − 1)/2⌋ + 1
    id(l01.q4): corr2d,
    id(l02.q1): [1, 3],  # taps at −1 (padding), 1, 3
    id(l02.q2): 27,  # 3x3 real pixels x 3 channels
    id(l02.q3): 146_016,  # 27 · 26 · 26 · 8
    id(l03.q1): 73_856,  # 128 · (9 · 64 + 1)
    id(l03.q2): 805_371_904,  # 12,288 · 65,536 + 65,536
    id(l03.q3): lambda c, f, k: f * (c * k * k + 1),
    id(l03.q4): 3_088,  # 16 · (1·1·192 + 1)
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
def test_hint_solution_and_code_say_something(exercise):
    for feedback in (exercise.hint(), exercise.solution()):
        assert isinstance(feedback, Feedback) and feedback.correct is None
        assert len(feedback.message) > 20
    assert exercise.prompt.strip()
    assert exercise.code.strip(), "every exercise carries its solution as code"


@pytest.mark.parametrize("exercise", NUMBERS)
def test_every_anticipated_mistake_is_wrong_and_reachable(exercise):
    for wrong, message in exercise.mistakes.items():
        assert not math.isclose(wrong, exercise.answer)
        feedback = exercise.check(wrong)
        assert feedback.correct is False and message in feedback.message


@pytest.mark.parametrize("exercise", [e for e in ALL if not isinstance(e, NumberExercise)])
def test_every_anticipated_mistake_of_an_array_or_function_is_reachable(exercise):
    for wrong, message in exercise.mistakes:
        feedback = exercise.check(wrong)
        assert feedback.correct is False, message
        assert message in feedback.message


@pytest.mark.parametrize(
    ("exercise", "answer", "words"),
    [
        # lesson 01
        (l01.q1, 30, "sign changes"),
        (l01.q1, -10, "three rows"),
        (l01.q1, 0, "column 3"),
        (l01.q1, -31, "too small"),
        (l01.q2, 4, "*each* side"),  # padded one side only: all k − 1 on one side
        (l01.q2, 1, "3x3 kernel"),
        (l01.q2, 0, "valid"),
        (l01.q2, 32, "output size"),
        (l01.q3, 11, "dilation"),
        (l01.q3, 19, "stride"),
        (l01.q3, 7, "padding"),
        (l01.q3, 8, "pads one side only"),
        (l01.q3, 9, "forgot the +1"),
        (l01.q3, 17, "input's size"),
        (l01.q3, 8.5, "rounds *down*"),
        (l01.q4, lambda x, w: corr2d(x, w[::-1, ::-1]), "flips the kernel"),
        (l01.q4, lambda x, w: corr2d(x, w)[:-1, :-1], "one row and one column short"),
        (l01.q4, lambda x, w: corr2d(x, w)[:-1], "shape"),
        (l01.q4, lambda x, w: corr2d(x, w) + 1, "every entry is 1 more"),
        (l01.q4, lambda x, w: 2 * corr2d(x, w), "differ"),
        # lesson 02
        (l02.q1, list(range(11)), "dense layer"),
        (l02.q1, [0, 1, 2], "dilation 2"),
        (l02.q1, [-1, 1, 3], "padding"),
        (l02.q1, [1, 3, 5], "centred"),
        (l02.q1, [2, 4], "numbering from 1"),  # every entry one more
        (l02.q1, [1, 2], "differ"),
        (l02.q1, [3], "shape (1,)"),
        (l02.q2, 75, "padding"),
        (l02.q2, 9, "one channel"),
        (l02.q2, 192, "dense layer"),
        (l02.q3, 12_719_616, "dense layer"),
        (l02.q3, 48_672, "input channels"),  # forgot the channels
        (l02.q3, 18_252, "one filter"),
        (l02.q3, 169_344, "input's size for the output's"),
        (l02.q3, 216, "parameters"),
        # lesson 03
        (l03.q1, 73_728, "forgot the biases"),
        (l03.q1, 1_280, "forgot the input channels"),
        (l03.q1, 577, "one filter"),
        (l03.q1, 576, "one filter"),
        (l03.q1, 81_920, "every 3x3 slice its own bias"),
        (l03.q1, 73_729, "not one for the layer"),
        (l03.q2, 805_306_368, "weights only"),
        (l03.q2, 151_007_232, "input's size for the output's"),
        (l03.q2, 77_824, "multiply"),
        (l03.q2, 448, "convolution"),
        (l03.q3, lambda c, f, k: f * (k * k + 1), "ignores the input channels"),
        (l03.q3, lambda c, f, k: f * c * k * k, "bias"),
        (l03.q3, lambda c, f, k: c * k * k + 1, "one filter"),
        (l03.q3, lambda c, f, k: c * (k * k * f + 1), "C and F are swapped"),  # issue 20
        (l03.q4, 3_072, "bias"),
        (l03.q4, 32, "one weight per input channel"),
        (l03.q4, 3_088 * 784, "locally connected"),
        (l03.q4, 3_264, "swapped"),
        (l03.q4, 76_816, "5x5"),
    ],
)
def test_wrong_answers_get_a_helpful_message(exercise, answer, words):
    feedback = exercise.check(answer)
    assert feedback.correct is False
    assert words in feedback.message, feedback.message


def test_the_issues_common_mistakes_are_all_recognised():
    """Issue 9's list: forgot the +1, padded one side only, one filter, forgot the bias,
    forgot the channels, used the input's size for the output's: each has its own message,
    never the bare "too small/large"."""
    cases = {
        "forgot the +1": (l01.q3, 9),
        "padded one side only": (l01.q3, 8),
        "one filter": (l03.q1, 577),
        "forgot the bias": (l03.q1, 73_728),
        "forgot the channels": (l03.q1, 1_280),
        "input's size for the output's": (l03.q2, 151_007_232),
    }
    for exercise, answer in cases.values():
        message = exercise.check(answer).message
        assert "too small" not in message and "too large" not in message, message


@pytest.mark.parametrize("exercise", NUMBERS)
def test_odd_numbers_get_an_answer_not_a_crash(exercise):
    nan = exercise.check(float("nan"))
    assert nan.correct is False and "NaN" in nan.message and "too" not in nan.message
    assert "infinite" in exercise.check(float("inf")).message or "overflow" in (
        exercise.check(float("inf")).message
    )
    huge = exercise.check(10**400)
    assert huge.correct is False and "too large" in huge.message
    assert "401-digit" in huge.message  # not four hundred digits on the screen
    assert exercise.check(-(10**400)).correct is False
    text = exercise.check(str(RIGHT[id(exercise)]))
    assert text.correct is False and "without quotes" in text.message
    none = exercise.check(None)
    assert none.correct is False and "forget `return`" in none.message


@pytest.mark.parametrize(
    ("exercise", "answer", "words"),
    [
        (l03.q1, "73856", "without quotes"),
        (l03.q1, True, "True/False"),
        (l03.q1, [73_856, 1], "single number"),
        (l02.q1, "1, 3", "text"),
        (l02.q1, ["1", "3"], "text"),
        (l02.q1, None, "forget `return`"),
        (l02.q1, [1, float("nan")], "NaN"),
        (l02.q1, [10**400, 3], "too large"),
        (l01.q4, 42, "give the function itself"),
        (l01.q4, lambda x, w: 1 / 0, "ZeroDivisionError"),
        (l01.q4, lambda x, w: np.full((4, 4), np.nan), "NaN"),
        (l03.q3, lambda c, f, k: 10**400, "too large"),
        (l03.q3, lambda c, f, k: "456", "text"),
    ],
)
def test_answers_of_the_wrong_kind_fail_helpfully(exercise, answer, words):
    feedback = exercise.check(answer)
    assert feedback.correct is False
    assert words in feedback.message, feedback.message


def test_an_untouched_stub_is_not_attempted_and_a_missing_return_is_named():
    def stub(x, w):
        ____  # noqa: B018 - the notebook's stub, exactly

    def no_return(x, w):
        corr2d(x, w)

    assert l01.q4.check(stub).correct is None
    assert "____" in l01.q4.check(stub).message
    feedback = l01.q4.check(no_return)
    assert feedback.correct is False and "forget `return`" in feedback.message

    def stub3(C, F, k):
        ____  # noqa: B018

    assert l03.q3.check(stub3).correct is None


def test_a_function_gets_fresh_copies_and_cannot_change_the_reference():
    """The issue's two cheats: a corr2d that flips the kernel in place (judged correct before,
    leaving the shared cases flipped) and one that zeroes its input and returns zeros."""
    before = [tuple(np.array(a, copy=True) for a in args) for args in l01.q4.cases]

    def flips_in_place(x, w):
        w[:] = w[::-1, ::-1].copy()
        return corr2d(x, w)

    def zeroes_input(x, w):
        x[:] = 0
        return corr2d(x, w)

    seen = []

    def records_identity(x, w):
        seen.append((x, w))
        return corr2d(x, w)

    assert l01.q4.check(flips_in_place).correct is False
    assert l01.q4.check(zeroes_input).correct is False
    for args, original in zip(l01.q4.cases, before, strict=True):
        for a, b in zip(args, original, strict=True):
            np.testing.assert_array_equal(a, b)
    assert l01.q4.check(corr2d).correct is True
    assert l01.q4.check(records_identity).correct is True
    for (x, w), args in zip(seen, l01.q4.cases, strict=True):
        assert x is not args[0] and w is not args[1]


def test_a_correct_function_that_changes_its_input_is_right_with_a_note():
    def rotates_after(x, w):
        out = corr2d(x, w)
        x[:] = 0
        return out

    feedback = l01.q4.check(rotates_after)
    assert feedback.correct is True and "in place" in feedback.message


def test_the_reference_answer_does_not_call_the_learners_function():
    calls = []

    def reference(a):
        calls.append(a)
        return a * 2

    exercise = FunctionExercise("p", "h", "s", reference=reference, cases=[(1,), (2,)])
    n = len(calls)
    exercise.check(lambda a: a * 2)
    exercise.check(lambda a: a * 3)
    assert len(calls) == n  # computed once, when the exercise was made


def test_a_numpy_scalar_or_float_answer_counts():
    assert l03.q1.check(np.int64(73_856)).correct
    assert l03.q1.check(73_856.0).correct
    assert l01.q3.check(np.array([10])).correct
    assert l02.q1.check(np.array([1, 3])).correct
    assert l02.q1.check((1, 3)).correct
    # issue 20: a list of one number is read as a one-entry array is, not refused
    assert l01.q1.check([-30]).correct and l01.q1.check(np.array([-30.0])).correct
    assert l01.q1.check((-30,)).correct


def test_float_rounding_is_right_and_a_near_miss_is_shown_with_the_digits_that_differ():
    """Issue 20: -30.0000001 was "your answer -30 is too small"; a float32 corr2d was wrong
    with "-0.785867 instead of -0.785867"."""
    assert l01.q1.check(-30.0000001).correct  # float rounding of -30
    assert l03.q1.check(73_856 * (1 + 1e-15)).correct
    near = l01.q1.check(-30.0001)
    assert near.correct is False and "-30.0001" in near.message
    # a count is matched exactly: 7 off on 805 million is a slip, not rounding
    assert l03.q2.check(l03.q2.answer + 7).correct is False
    as32 = l01.q4.check(lambda x, w: corr2d(x.astype(np.float32), w.astype(np.float32)))
    assert as32.correct, as32.message
    off = l01.q4.check(lambda x, w: corr2d(x, w) * (1 + 1e-4))
    assert off.correct is False and "close" in off.message
    shown = checking._apart(-0.7858671, -0.7858674)
    assert shown[0] != shown[1]


def test_the_right_numbers_in_the_wrong_order_are_named():
    """Issue 20: an unsorted [3, 1] got "2 of 2 entries differ"."""
    feedback = l02.q1.check([3, 1])
    assert feedback.correct is False
    assert "different order" in feedback.message and "smallest to largest" in feedback.message
    square = ArrayExercise("p", "h", "s", answer=np.array([[1.0, 2.0], [3.0, 4.0]]))
    assert "transpose" in square.check([[1, 3], [2, 4]]).message


def test_no_generic_guess_about_numbering_where_it_does_not_fit():
    """Issue 20: "numbering from 1, a window starting at the wrong end?" came for unrelated
    slips. The fact is stated; a guess only where the exercise gives one (l02.q1's taps)."""
    plain = ArrayExercise("p", "h", "s", answer=np.array([1.0, 2.0, 3.0]))
    message = plain.check([11, 12, 13]).message
    assert "10 more" in message and "numbering" not in message
    assert "numbering from 1" in l02.q1.check([2, 4]).message


def test_the_function_exercises_slips_of_issue_20_are_named_not_guessed_as_numbering():
    """Issue 20: 03 q3 with C and F swapped, 06's rf exercise and 08 q4 returning a percentage
    each got "numbering from 1, a window starting at the wrong end?"."""
    from cnnlessons.lesson06 import exercises as l06
    from cnnlessons.lesson08 import exercises as l08

    def rf_one_more(layers):  # the right rule, plus one
        return l06._rf(layers) + 1

    def percent(predict, images, shifts_a, shifts_b):
        return 100 * l08._reference(predict, images, shifts_a, shifts_b)

    for exercise, slip, words in [
        (l03.q3, lambda c, f, k: c * (k * k * f + 1), "C and F are swapped"),
        (l06.q4, rf_one_more, "the answer is 7"),
        (l08.q4, percent, "percentage"),
    ]:
        feedback = exercise.check(slip)
        assert feedback.correct is False and words in feedback.message, feedback.message
        assert "numbering" not in feedback.message and "wrong end" not in feedback.message


def test_exercises_keep_positional_construction():
    """Lessons 04+ build exercises with core's API: positional prompt, hint, solution; the
    new ``code`` is keyword-only, so nothing shifts."""
    number = NumberExercise("prompt", "hint", "solution", 4)
    assert number.check(4).correct and number.code == ""
    array = ArrayExercise("p", "h", "s", np.array([1, 2]))
    assert array.check([1, 2]).correct


@pytest.mark.parametrize("exercise", ALL)
def test_messages_use_the_series_notation(exercise):
    """k is the kernel's side: no message says "k = 9" (the old "inputs one output sees")."""
    texts = [exercise.prompt, exercise.hint_text, exercise.solution_text]
    mistakes = (
        exercise.mistakes.values()
        if isinstance(exercise.mistakes, dict)
        else [m for _, m in exercise.mistakes]
    )
    for text in [*texts, *mistakes]:
        assert "k = 9" not in text and "k·n" not in text.replace("k·k·C·n", "")


def test_feedback_refuses_an_unknown_kind_by_name():
    from cnnlessons.checking import Feedback

    with pytest.raises(ValueError, match="kind must be one of"):
        Feedback(False, "x", kind="warning")
    with pytest.raises(TypeError, match="correct must be"):
        Feedback("yes", "x")
    assert str(Feedback(None, "look again", kind="hint")) == "Hint: look again"
