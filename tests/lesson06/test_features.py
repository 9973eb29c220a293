"""The hand-built three-layer stack: edges, corners, small squares, and how much each sees."""

import numpy as np
import pytest
from scipy import ndimage

import cnnlessons as cl
from cnnlessons.lesson06.numerics import features as F
from cnnlessons.lesson06.numerics import stacks as rl


def positions(a):
    return {tuple(int(v) for v in p) for p in np.argwhere(a > 0)}


def square(size=24, top=8, left=8, side=3):
    x = np.zeros((size, size))
    x[top : top + side, left : left + side] = 1.0
    return x


def test_layer_1_against_scipy():
    """The first layer is a correlation with the edge kernels, then bias and ReLU: SciPy's
    correlate (zero padding) gives the same maps."""
    x = cl.grace_hopper(step=8)
    maps = F.feature_maps(x)[1]
    for c, w in enumerate(F.edge_kernels()[:, 0]):
        expected = np.maximum(ndimage.correlate(x, w, mode="constant") + F.EDGE_BIAS, 0)
        np.testing.assert_allclose(maps[c], expected, atol=1e-12)


def test_edges_corners_and_the_square_on_one_3x3_square():
    maps = F.feature_maps(square())
    left, right, top, bottom = maps[1]
    assert positions(left) == {(8, 8), (9, 8), (10, 8)}  # the first bright column
    assert positions(right) == {(8, 10), (9, 10), (10, 10)}
    assert positions(top) == {(8, 8), (8, 9), (8, 10)}
    assert positions(bottom) == {(10, 8), (10, 9), (10, 10)}
    corners = [positions(m) for m in maps[2]]
    assert corners == [{(8, 8)}, {(8, 10)}, {(10, 8)}, {(10, 10)}]
    assert positions(maps[3][0]) == {(9, 9)}  # the centre of the square, only


def test_the_shapes_image():
    maps = F.feature_maps(F.shapes_image())
    # squares found: the centres of the two small squares, nothing else
    assert positions(maps[3][0]) == {(4, 4), (19, 21)}
    # the large square, the bar and the L have corners, but no small square
    top_left = positions(maps[2][0])
    assert (3, 11) in top_left and (12, 3) in top_left
    assert (14, 13) in positions(maps[2][2])  # the L's bottom-left corner
    # a plus has no corners these units know (its arms are one pixel wide)
    assert not any((17 <= r <= 19 and 4 <= c <= 6) for m in maps[2] for r, c in positions(m))


@pytest.mark.parametrize("side", [4, 5, 8])
def test_larger_squares_have_corners_but_no_small_square(side):
    maps = F.feature_maps(square(side=side))
    end = 8 + side - 1
    corners = [positions(m) for m in maps[2]]
    assert corners == [{(8, 8)}, {(8, end)}, {(end, 8)}, {(end, end)}]
    # not for want of a field: up to side 7 all four corners fit in one unit's 7x7 field, but
    # layer 3 reads each corner map only one pixel diagonally from its centre (3x3 squares)
    assert not maps[3].any()


def test_a_2x2_square_is_too_thin_for_these_corners():
    maps = F.feature_maps(square(side=2))
    assert maps[1].any() and not maps[2].any() and not maps[3].any()


def test_three_corners_are_not_enough():
    x = square()
    x[10, 10] = 0.0  # bite off the bottom-right corner
    assert not F.feature_maps(x)[3].any()


@pytest.mark.parametrize(
    ("layer", "size", "unit"), [(1, 3, (8, 8)), (2, 5, (8, 8)), (3, 7, (9, 9))]
)
def test_a_unit_sees_only_its_receptive_field(layer, size, unit):
    """Change any pixel outside a unit's r x r region: the unit cannot change. r by the
    closed form is 3, 5, 7; the unit (a corner, the centre of the square) is checked by
    experiment."""
    assert rl.layer_fields(F.FEATURE_LAYERS)[layer - 1].size == size
    x = square()
    mask = rl.region_mask(F.FEATURE_LAYERS[:layer], unit, x.shape)
    assert mask.sum() == size * size
    before = F.feature_maps(x)[layer][:, unit[0], unit[1]]
    rng = np.random.default_rng(0)
    changed = np.zeros(x.shape, dtype=bool)
    for i, j in np.ndindex(*x.shape):
        y = x.copy()
        y[i, j] = rng.uniform(2, 3)
        changed[i, j] = not np.allclose(F.feature_maps(y)[layer][:, unit[0], unit[1]], before)
    assert not (changed & ~mask).any()
    assert changed.any()


def test_layer_names_and_shapes():
    maps = F.feature_maps(np.zeros((5, 7)))
    assert [maps[k].shape for k in range(4)] == [(1, 5, 7), (4, 5, 7), (4, 5, 7), (1, 5, 7)]
    assert [len(F.LAYER_NAMES[k]) for k in (1, 2, 3)] == [4, 4, 1]


@pytest.mark.parametrize(
    ("x", "exc", "match"),
    [
        (np.zeros((2, 5)), ValueError, "at least 3x3"),
        (np.zeros(5), ValueError, "x must have 2 dimensions"),
        (np.full((4, 4), np.nan), ValueError, "finite"),
        ([["a"] * 3] * 3, TypeError, "x must be an array of real numbers"),
    ],
)
def test_feature_maps_bad_input(x, exc, match):
    with pytest.raises(exc, match=match):
        F.feature_maps(x)
    with pytest.raises(ValueError, match="size must be an integer >= 24"):
        F.shapes_image(10)


# -- lesson 05's learned filters ----------------------------------------------------------------


@pytest.fixture(scope="module")
def learned():
    return F.learned_filters()


def test_learned_filters_are_seeded_and_the_net_learns(learned):
    again = F.learned_filters()
    np.testing.assert_array_equal(learned.weights, again.weights)
    assert learned.weights.shape == (6, 3, 3)
    assert learned.test_accuracy > 0.9 and learned.train_accuracy > 0.9
    other = F.learned_filters(seed=1)
    assert not np.array_equal(other.weights, learned.weights)


def test_learned_filters_similarity(learned):
    from cnnlessons.numerics.tasks import PATTERNS

    for i, f in enumerate(learned.weights):
        for j, name in enumerate(learned.patterns):
            p = PATTERNS[name]
            cos = (f * p).sum() / np.linalg.norm(f) / np.linalg.norm(p)
            assert learned.similarity[i, j] == pytest.approx(cos)
    # what the lesson says about seed 0: one filter is nearly the cross, one nearly the plus
    matches = [learned.best_match(i) for i in range(6)]
    assert {name for name, r in matches if r > 0.9} == {"plus", "cross"}
    with pytest.raises(ValueError, match="i must be between 0 and 5"):
        learned.best_match(6)


def test_learned_filters_bad_arguments():
    with pytest.raises(ValueError, match="n_train must be an integer >= 1"):
        F.learned_filters(0)
    with pytest.raises(ValueError, match="at most 5,000"):
        F.learned_filters(10_000)
