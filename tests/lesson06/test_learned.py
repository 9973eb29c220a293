"""Features a network learned: the shape task, the trained stack (deterministic, learns), its
maps against the network's own forward pass and against a hand computation with conv2d, the
figures and the explorer's frames, and the large square's real reason (issue 19)."""

import itertools

import matplotlib as mpl
import numpy as np
import pytest
from matplotlib.figure import Figure

import cnnlessons as cl
from cnnlessons.figures import style
from cnnlessons.lesson06.explorers import LearnedFeaturesExplorer, learned_inputs
from cnnlessons.lesson06.figures.learned import LearnedFeatureFigure, learned_maps_figure
from cnnlessons.lesson06.numerics import features as F
from cnnlessons.lesson06.numerics import learned as L
from cnnlessons.lesson06.numerics import stacks as rl


@pytest.fixture(scope="module")
def stack():
    return L.train_stack(seed=0)


def test_the_shape_task_holds_one_shape_of_the_labelled_size():
    x, y = L.shape_task(8, noise=0.0, seed=3)
    assert x.shape == (8, 1, 12, 12) and sorted(np.bincount(y)) == [2, 2, 2, 2]
    for img, label in zip(x[:, 0], y, strict=True):
        rows, cols = np.nonzero(img)
        h, w = list(L.SHAPE_KINDS.values())[label]
        assert (rows.max() - rows.min() + 1, cols.max() - cols.min() + 1) == (h, w)
        assert img.sum() == h * w  # one solid block of 1s


def test_training_is_deterministic_and_learns(stack):
    assert stack.test_accuracy >= 0.85  # chance is 0.25
    L._train_stack.cache_clear()
    again = L.train_stack(0)  # trained again, not the cached object
    assert again is not stack
    np.testing.assert_array_equal(again.kernels(2), stack.kernels(2))
    assert again.test_accuracy == stack.test_accuracy


def test_the_maps_are_the_networks_own_forward_pass_and_conv2d_by_hand(stack):
    x = F.shapes_image()
    maps = L.learned_maps(stack, x)
    h = x[None]
    for layer in (1, 2, 3):
        conv = stack.net.layers[2 * (layer - 1)]
        b = conv.params["b"][:, None, None]
        h = np.maximum(cl.conv2d(h, conv.params["w"], padding=1) + b, 0)
        np.testing.assert_allclose(maps[layer], h, atol=1e-12)
    # on a task-sized image, the net's scores are the maxima of layer 3 (global max pooling)
    # through the dense layer
    small = L.shape_task(1, seed=5)[0][0, 0]
    dense = stack.net.layers[-1]
    scores = L.learned_maps(stack, small)[3].max(axis=(1, 2)) @ dense.params["w"]
    np.testing.assert_allclose(stack.net.logits(small[None, None])[0], scores + dense.params["b"],
                               atol=1e-12)  # fmt: skip


def test_best_match_by_hand():
    a = np.zeros((4, 4))
    a[1, 1] = 1
    cands = np.stack([np.eye(4), a * 2, np.zeros((4, 4))])
    assert L.best_match(a, cands) == (1, pytest.approx(1.0))
    assert L.best_match(np.zeros((4, 4)), cands)[0] == 0


def test_the_large_square_unit_sees_all_four_corners_but_reads_only_within_one_pixel():
    maps = F.feature_maps(F.shapes_image())
    unit = (5, 13)
    (r0, r1), (c0, c1) = rl.unit_region(F.FEATURE_LAYERS, unit)
    on = [(ch, r, c) for ch in range(4) for r, c in zip(*maps[2][ch].nonzero(), strict=True)
          if r0 <= r <= r1 and c0 <= c <= c1]  # fmt: skip
    assert sorted(ch for ch, _, _ in on) == [0, 1, 2, 3]  # every corner inside the field
    offsets = {(int(r) - unit[0], int(c) - unit[1]) for _, r, c in on}
    assert all(max(abs(dr), abs(dc)) >= 2 for dr, dc in offsets)  # none at +-1
    reads = {(int(r) - 1, int(c) - 1) for ch in range(4)
             for r, c in zip(*F.square_kernels()[0, ch].nonzero(), strict=True)}  # fmt: skip
    assert reads == {(-1, -1), (-1, 1), (1, -1), (1, 1)}
    assert maps[3][0][unit] == 0


def test_the_figures(stack):
    with mpl.rc_context(style.RC):
        images = learned_maps_figure(Figure(figsize=(11, 4.6)), stack)
        maps = L.learned_maps(stack, F.shapes_image())
        np.testing.assert_array_equal(images[2][1].get_array(), maps[2][1])
        view = LearnedFeatureFigure(Figure(), stack, {"shapes": F.shapes_image()})
    view.select("shapes", 3, 2)
    assert view.peak == maps[3][2].max()
    name, r = view.match
    k, r2 = L.best_match(maps[3][2], F.feature_maps(F.shapes_image())[3])
    assert name == F.LAYER_NAMES[3][k] and (r == r2 or (np.isnan(r) and np.isnan(r2)))
    with pytest.raises(ValueError, match="channel"):
        view.select("shapes", 1, 4)
    with pytest.raises(ValueError, match="input_name"):
        view.select("nothing", 1, 0)


def test_the_explorer_frames(stack):
    e = LearnedFeaturesExplorer(stack)
    c = e.controls
    inputs = learned_inputs()
    first = None
    for name, unit in itertools.product(c["input"].options, c["unit"].options):
        c["input"].value, c["unit"].value = name, unit[1]
        layer, ch = unit[1]
        assert e.selected == (name, layer, ch)
        assert e.peak == L.learned_maps(stack, inputs[name])[layer][ch].max()
        if first is None:
            first = e.frame().copy()
    c["input"].value, c["unit"].value = c["input"].options[0], c["unit"].options[0][1]
    np.testing.assert_array_equal(e.frame(), first)  # back to the start: the same pixels
    c["unit"].value = (2, 2)
    assert not np.array_equal(e.frame(), first)


def test_the_explorer_takes_your_picture(stack, tmp_path):
    import matplotlib.image as mimage

    pic = np.random.default_rng(0).random((300, 200, 3))
    path = tmp_path / "mine.png"
    mimage.imsave(path, pic)
    e = LearnedFeaturesExplorer(stack, image=str(path))
    assert "your picture" in e.controls["input"].options
    assert max(learned_inputs(str(path))["your picture"].shape) <= 128
    with pytest.raises(ValueError, match="no file"):
        LearnedFeaturesExplorer(stack, image=str(tmp_path / "missing.png"))
    with pytest.raises(TypeError, match="image"):
        LearnedFeaturesExplorer(stack, image=42)
    with pytest.raises(ValueError, match="unit"):
        LearnedFeaturesExplorer(stack, unit="layer 9")


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: L.shape_task(0), ValueError, "n"),
        (lambda: L.shape_task(4, noise=-1), ValueError, "noise"),
        (lambda: L.train_stack(n_train=10_000), ValueError, "n_train"),
        (lambda: L.learned_maps("net", np.zeros((5, 5))), TypeError, "stack"),
        (lambda: L.best_match(np.zeros((3, 3)), np.zeros((2, 4, 4))), ValueError, "candidates"),
    ],
)
def test_bad_arguments_are_refused_by_name(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
