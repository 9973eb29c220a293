"""Lesson 05's data: the pattern task, pixel permutations, filter pairs."""

import numpy as np
import pytest

import cnnlessons as cl
from cnnlessons.numerics import tasks


def test_pattern_task_holds_one_pattern_where_it_says():
    x, y, pos = tasks.pattern_task(50, noise=0.0, seed=3, return_positions=True)
    assert x.shape == (50, 1, 16, 16) and y.shape == (50,) and pos.shape == (50, 2)
    kinds = ("plus", "cross")
    for img, label, (r, c) in zip(x[:, 0], y, pos, strict=True):
        expected = np.zeros((16, 16))
        expected[r : r + 3, c : c + 3] = tasks.PATTERNS[kinds[label]]
        np.testing.assert_array_equal(img, expected)
    assert pos.min() >= 0 and pos.max() <= 13


def test_pattern_task_balanced_seeded_and_positions_spread():
    x, y, pos = tasks.pattern_task(2000, seed=0, return_positions=True)
    for n in (1, 2, 7, 10, 2000):  # the first n examples are balanced
        assert abs(np.sum(y[:n] == 0) - np.sum(y[:n] == 1)) <= 1
    assert len({tuple(p) for p in pos}) == 14 * 14  # every position used
    x2, _ = tasks.pattern_task(2000, seed=0)
    np.testing.assert_array_equal(x, x2)
    x3, _ = tasks.pattern_task(2000, seed=1)
    assert not np.array_equal(x, x3)
    # noise: the background's spread is the noise level (patterns are 5 of 256 pixels)
    assert abs(np.std(x - 0) - 0.6) < 0.05


def test_every_pattern_has_five_bright_pixels():
    assert {int(p.sum()) for p in tasks.PATTERNS.values()} == {5}
    x, _ = tasks.pattern_task(4, noise=0, kinds=("T", "L"), seed=0)
    assert x.sum() == 20


def test_a_fixed_permutation_moves_every_image_the_same_way():
    x = np.arange(2 * 3 * 4.0).reshape(2, 1, 3, 4)
    perm = tasks.pixel_permutation(12, seed=5)
    s = tasks.shuffle_pixels(x, perm)
    for i in range(2):
        np.testing.assert_array_equal(s[i, 0].ravel(), x[i, 0].ravel()[perm])
    np.testing.assert_array_equal(np.sort(s.ravel()), np.sort(x.ravel()))
    inverse = np.argsort(perm)
    np.testing.assert_array_equal(tasks.shuffle_pixels(s, inverse), x)


def test_shuffle_each_uses_a_different_permutation_per_image():
    x = np.tile(np.arange(16.0).reshape(1, 1, 4, 4), (5, 1, 1, 1))
    s = tasks.shuffle_each(x, seed=0)
    for i in range(5):
        np.testing.assert_array_equal(np.sort(s[i].ravel()), np.arange(16.0))
    assert len({tuple(s[i].ravel()) for i in range(5)}) == 5


def test_filter_pairs_are_conv2d_plus_noise():
    w = tasks.random_kernel(3, seed=0)
    X, Y = tasks.filter_pairs(6, w, noise=0.0, seed=2)
    assert X.shape == (6, 8, 8) and Y.shape == (6, 6, 6)
    for xi, yi in zip(X, Y, strict=True):
        np.testing.assert_allclose(yi, cl.conv2d(xi, w), atol=1e-12)
    X2, Y2 = tasks.filter_pairs(4000, w, noise=0.5, seed=2)
    resid = Y2 - np.stack([cl.conv2d(xi, w) for xi in X2])
    assert abs(resid.std() - 0.5) < 0.01 and abs(resid.mean()) < 0.01


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: tasks.pattern_task(0), ValueError, "n must be an integer >= 1"),
        (lambda: tasks.pattern_task(5, size=2), ValueError, "size must be an integer >= 3"),
        (lambda: tasks.pattern_task(5, noise=-1), ValueError, "noise must be a finite number"),
        (lambda: tasks.pattern_task(5, noise="a"), TypeError, "noise must be a real number"),
        (lambda: tasks.pattern_task(5, kinds=("plus",)), ValueError, "kinds must be a list"),
        (lambda: tasks.pattern_task(5, kinds=("plus", "O")), ValueError, "kinds must be one of"),
        (lambda: tasks.pattern_task(10**6, size=100), ValueError, "MAX_ELEMENTS"),
        (
            lambda: tasks.shuffle_pixels(np.ones((2, 4, 4)), np.arange(15)),
            ValueError,
            "perm must be a permutation of 0..15",
        ),  # fmt: skip
        (
            lambda: tasks.shuffle_pixels(np.ones((2, 4, 4)), np.zeros(16, int)),
            ValueError,
            "perm must be a permutation",
        ),  # fmt: skip
        (lambda: tasks.filter_pairs(3, np.ones((9, 9))), ValueError, "must fit in input_shape"),
        (lambda: tasks.filter_pairs(3, np.ones(3)), ValueError, "w must have 2 dimensions"),
        (lambda: tasks.pixel_permutation(0), ValueError, "n_pixels must be an integer >= 1"),
    ],
)
def test_bad_arguments(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
