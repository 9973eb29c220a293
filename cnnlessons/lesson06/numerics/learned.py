"""Features a network learned (numerics only): a three-layer convolutional net, the same shape
as the hand-built stack of ``features`` (three 3x3 convolutions with "same" padding, each
followed by a ReLU, so its units see 3x3, 5x5 and 7x7 pixels); its feature maps layer by layer
on any grey image, and which hand-built map each learned map resembles most. Two tasks:

**Real handwritten digits** (``digits``, ``train_digits``, ``digits_stack``): the 1,797 8x8
images of the UCI "Optical Recognition of Handwritten Digits" test set (Alpaydin & Kaynak,
1998; CC BY 4.0), as scikit-learn ships them (``data/digits.csv.gz``, unchanged, 57,523 bytes;
its SHA-256 is ``DIGITS_SHA256``). The net ends in a dense layer over its 4 layer-3 maps
(a digit's place matters: they are centred). ``digits_stack()`` is ``train_digits(0)``'s
network read from ``data/digits_net.npz`` (the same numbers: a test retrains and compares), so
a lesson need not wait the seconds training takes.

The task (``shape_task``): 12x12 images of noise (standard deviation 0.1) with one bright shape
at a random place: a small (3x3) or a large (5x5) square, a horizontal (2x6) or a vertical (6x2)
bar. Telling them apart needs edges of both orientations and their extent: what the hand-built
stack computes, except that here nobody writes the weights. Deterministic: the same seed gives
the same network (under a second of training on one core, cached for the session).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from cnnlessons import _checks
from cnnlessons.numerics.layers import Conv2d, Dense, Flatten, GlobalMaxPool, ReLU
from cnnlessons.numerics.training import Adam, Network, accuracy

__all__ = [
    "SHAPE_KINDS",
    "SIZE",
    "FILTERS",
    "shape_task",
    "LearnedStack",
    "train_stack",
    "learned_maps",
    "best_match",
    "DIGITS_FILE",
    "DIGITS_SHA256",
    "DIGITS_NET_FILE",
    "digits",
    "train_digits",
    "digits_stack",
    "maps_off",
]

#: the task's four classes: name -> the bright block (1s)
SHAPE_KINDS = {
    "small square": (3, 3),
    "large square": (5, 5),
    "horizontal bar": (2, 6),
    "vertical bar": (6, 2),
}
SIZE = 12  # the task's images are SIZE x SIZE
FILTERS = 4  # filters per layer (the hand-built stack has 4 edge and 4 corner maps)


def shape_task(n: int, *, noise: float = 0.1, seed: int = 0):
    """``n`` images ``(n, 1, 12, 12)`` and labels ``(n,)`` (indices into ``SHAPE_KINDS``, as
    many of each as ``n`` allows): noise of standard deviation ``noise`` plus one shape of
    1s at a uniformly random place that fits."""
    n = _checks.integer(n, "n", minimum=1)
    noise = _checks.real(noise, "noise")
    seed = _checks.integer(seed, "seed", minimum=0)
    if not 0 <= noise <= 10:
        raise ValueError(f"noise must be between 0 and 10, got {noise}")
    _checks.size_limit(n * SIZE * SIZE, "n images", "ask for fewer images")
    rng = np.random.default_rng(seed)
    y = np.arange(n) % len(SHAPE_KINDS)
    rng.shuffle(y)
    x = rng.normal(0.0, noise, (n, 1, SIZE, SIZE))
    blocks = list(SHAPE_KINDS.values())
    for i, label in enumerate(y):
        h, w = blocks[label]
        r, c = rng.integers(0, SIZE - h + 1), rng.integers(0, SIZE - w + 1)
        x[i, 0, r : r + h, c : c + w] += 1.0
    return x, y


@dataclass(frozen=True)
class LearnedStack:
    """The trained net, how well it does on new images, and how it was trained."""

    net: Network
    test_accuracy: float
    train_accuracy: float
    steps: int
    seed: int
    n_train: int
    task: str = "shapes"  #: "shapes" (``shape_task``) or "digits" (``digits``)

    def kernels(self, layer: int) -> np.ndarray:
        """The learned kernels of ``layer`` (1, 2 or 3): ``(F, C, 3, 3)``, a copy."""
        return self.net.layers[2 * (_layer(layer) - 1)].params["w"].copy()


def _layer(layer) -> int:
    layer = _checks.integer(layer, "layer", minimum=1)
    if layer > 3:
        raise ValueError(f"layer must be 1, 2 or 3, got {layer}")
    return layer


def train_stack(
    seed: int = 0, *, n_train: int = 600, steps: int = 60, lr: float = 0.02
) -> LearnedStack:
    """Train the three-layer net (``FILTERS`` 3x3 filters per layer, "same" padding, ReLUs,
    then global max pooling and a dense layer to the 4 classes) on ``n_train`` images of
    ``shape_task`` for ``steps`` Adam steps (learning rate ``lr``, batches of 32); its test
    accuracy is on 500 new images. Cached: the same arguments return the same object. (60
    steps at 0.02 reach the accuracy 120 steps at 0.01 did, about 98 %, in half the time.)"""
    seed = _checks.seed(seed)
    n_train = _checks.integer(n_train, "n_train", minimum=4)
    steps = _checks.integer(steps, "steps", minimum=1)
    lr = _checks.real(lr, "lr", finite=True)
    if not 0 < lr <= 1:
        raise ValueError(f"lr must be in (0, 1], got {lr}")
    if n_train > 5000 or steps > 5000:
        raise ValueError("n_train and steps must be at most 5,000 (this is a lesson's budget)")
    # one cache key per network, however it was asked for: the explorer's train_stack() and
    # the lesson's train_stack(seed=0) are the same training, done once
    return _train_stack(seed, n_train, steps, float(lr))


def _conv_body(rng) -> list:
    """The three 3x3 convolutions ("same" padding, ``FILTERS`` maps each), each followed by a
    ReLU, that both learned nets share (the hand-built stack's shape); initialised from
    ``rng`` in order, so a net built with the same seed is the same net."""
    f = FILTERS
    return [
        Conv2d(1, f, 3, padding=1, rng=rng), ReLU(),
        Conv2d(f, f, 3, padding=1, rng=rng), ReLU(),
        Conv2d(f, f, 3, padding=1, rng=rng), ReLU(),
    ]  # fmt: skip


@functools.lru_cache(maxsize=4)
def _train_stack(seed: int, n_train: int, steps: int, lr: float) -> LearnedStack:
    """``train_stack`` on checked arguments (plain numbers: the cache's keys)."""
    rng = np.random.default_rng(seed)
    net = Network(
        [*_conv_body(rng), GlobalMaxPool(), Dense(FILTERS, len(SHAPE_KINDS), rng=rng)],
        (1, SIZE, SIZE),
        len(SHAPE_KINDS),
    )
    x, y = shape_task(n_train, seed=seed)
    history = net.fit(x, y, steps=steps, batch_size=32, optimizer=Adam(lr), seed=seed)
    xt, yt = shape_task(500, seed=seed + 1000)
    return LearnedStack(
        net=net,
        test_accuracy=accuracy(net, xt, yt),
        train_accuracy=float(history["train_accuracy"]),
        steps=steps,
        seed=seed,
        n_train=n_train,
    )


def learned_maps(stack: LearnedStack, x) -> dict[int, np.ndarray]:
    """The trained net's maps on a grey image ``x`` (H x W, at least 3 x 3; values about 0 to
    1, like the task's): ``{0: x[None], 1: (F, H, W), 2: ..., 3: ...}``, each after its ReLU,
    as ``features.feature_maps`` gives the hand-built stack's. Unit (i, j) of every layer is
    centred on pixel (i, j): the convolutions pad, so any size works."""
    if not isinstance(stack, LearnedStack):
        raise TypeError(f"stack must come from train_stack(), got {type(stack).__name__}")
    x = _checks.array(x, "x", ndims=(2,))
    if min(x.shape) < 3:
        raise ValueError(f"x must be at least 3x3 pixels, got shape {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("x must hold finite numbers (no NaN or infinity)")
    out = {0: x[None].copy()}
    h = x[None, None]
    for layer in (1, 2, 3):
        conv, relu = stack.net.layers[2 * (layer - 1)], stack.net.layers[2 * layer - 1]
        h = relu.forward(conv.forward(h))
        out[layer] = h[0].copy()
    return out


def best_match(fmap, candidates) -> tuple[int, float]:
    """Which of ``candidates`` (``(K, H, W)`` maps) ``fmap`` (``(H, W)``) resembles most:
    the index and the correlation of the two maps' values (nan when a map is constant: the
    index is then that of the first candidate)."""
    a = _checks.array(fmap, "fmap", ndims=(2,))
    cands = _checks.array(candidates, "candidates", ndims=(3,))
    if cands.shape[1:] != a.shape:
        raise ValueError(f"candidates must be (K, {a.shape[0]}, {a.shape[1]}), got {cands.shape}")
    r = np.full(len(cands), np.nan)
    da = a - a.mean()
    for k, b in enumerate(cands):
        db = b - b.mean()
        den = np.sqrt((da * da).sum() * (db * db).sum())
        if den > 0:
            r[k] = (da * db).sum() / den
    if np.isnan(r).all():
        return 0, float("nan")
    k = int(np.nanargmax(r))
    return k, float(r[k])


# ----------------------------------------------------------------------------- real digits
_DATA = Path(__file__).resolve().parent / "data"
#: the UCI handwritten digits as scikit-learn 1.5.2 ships them (``sklearn/datasets/data/``):
#: 1,797 rows of 64 pixel counts (0 to 16, row by row) and the digit. Licence: CC BY 4.0
#: (UCI Machine Learning Repository, "Optical Recognition of Handwritten Digits", E. Alpaydin
#: and C. Kaynak, 1998, doi:10.24432/C50P49).
DIGITS_FILE = _DATA / "digits.csv.gz"
DIGITS_SHA256 = "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22"
#: ``train_digits(0)``'s weights, written by ``_write_digits_net``
DIGITS_NET_FILE = _DATA / "digits_net.npz"
DIGITS_TEST = 500  # images kept for testing (the rest, 1,297, train)
DIGIT_SIDE = 8


@functools.lru_cache(maxsize=1)
def _digits_arrays():
    raw = DIGITS_FILE.read_bytes()
    if hashlib.sha256(raw).hexdigest() != DIGITS_SHA256:
        raise RuntimeError(f"{DIGITS_FILE} is not the file the series ships (SHA-256 differs)")
    text = gzip.decompress(raw).decode("ascii")
    table = np.array(text.replace("\n", ",").strip(",").split(","), dtype=np.int64)
    table = table.reshape(-1, DIGIT_SIDE * DIGIT_SIDE + 1)
    order = np.random.default_rng(0).permutation(len(table))
    x = (table[:, :-1] / 16.0).reshape(-1, 1, DIGIT_SIDE, DIGIT_SIDE)[order]
    y = table[:, -1][order]
    for a in (x, y):
        a.flags.writeable = False
    return x, y


def digits() -> dict:
    """The handwritten digits (``DIGITS_FILE``): ``x_train`` ``(1297, 1, 8, 8)`` and
    ``x_test`` ``(500, 1, 8, 8)`` (each pixel the share of its 4x4 block of the scanned digit
    that is ink: 0 to 1), ``y_train`` and ``y_test`` (0 to 9). The split is one fixed shuffle
    (seed 0); both sides mix the same 13 writers. New arrays, free to change."""
    x, y = _digits_arrays()
    n = len(y) - DIGITS_TEST
    return {"x_train": x[:n].copy(), "y_train": y[:n].copy(),
            "x_test": x[n:].copy(), "y_test": y[n:].copy()}  # fmt: skip


def _digits_net(seed: int) -> Network:
    rng = np.random.default_rng(seed)
    return Network(
        [*_conv_body(rng), Flatten(), Dense(FILTERS * DIGIT_SIDE * DIGIT_SIDE, 10, rng=rng)],
        (1, DIGIT_SIDE, DIGIT_SIDE),
        10,
    )


def _digits_result(net: Network, steps: int, seed: int) -> LearnedStack:
    data = _digits_arrays()
    n = len(data[1]) - DIGITS_TEST
    return LearnedStack(
        net=net,
        test_accuracy=accuracy(net, data[0][n:], data[1][n:]),
        train_accuracy=accuracy(net, data[0][:n], data[1][:n]),
        steps=steps,
        seed=seed,
        n_train=n,
        task="digits",
    )


def train_digits(seed: int = 0, *, steps: int = 150, lr: float = 0.01) -> LearnedStack:
    """Train the three-layer net (``FILTERS`` 3x3 filters per layer, "same" padding, ReLUs)
    with a dense layer over its layer-3 maps on the 1,297 training digits: ``steps`` Adam
    steps (learning rate ``lr``, batches of 32, seed ``seed``); accuracies on the 500 test
    digits and the training digits. About 2 seconds; cached for the session."""
    seed = _checks.seed(seed)
    steps = _checks.integer(steps, "steps", minimum=1)
    lr = _checks.real(lr, "lr", finite=True)
    if not 0 < lr <= 1:
        raise ValueError(f"lr must be in (0, 1], got {lr}")
    if steps > 5000:
        raise ValueError("steps must be at most 5,000 (this is a lesson's budget)")
    return _train_digits(seed, steps, float(lr))


@functools.lru_cache(maxsize=4)
def _train_digits(seed: int, steps: int, lr: float) -> LearnedStack:
    net = _digits_net(seed)
    data = digits()
    net.fit(data["x_train"], data["y_train"], steps=steps, batch_size=32, optimizer=Adam(lr),
            seed=seed)  # fmt: skip
    return _digits_result(net, steps, seed)


def _param_names(net: Network):
    return [(i, k) for i, layer in enumerate(net.layers) for k in sorted(layer.params)]


@functools.lru_cache(maxsize=1)
def digits_stack() -> LearnedStack:
    """``train_digits(0)``'s network, its weights read from ``DIGITS_NET_FILE`` (written by
    ``_write_digits_net``) instead of trained again; its accuracies computed now."""
    with np.load(DIGITS_NET_FILE) as saved:
        steps, seed = int(saved["steps"]), int(saved["seed"])
        net = _digits_net(seed)
        for i, k in _param_names(net):
            w = saved[f"{i}.{k}"]
            if w.shape != net.layers[i].params[k].shape:
                raise RuntimeError(f"{DIGITS_NET_FILE} does not fit the network (layer {i} {k})")
            net.layers[i].params[k] = w.copy()
    return _digits_result(net, steps, seed)


def _write_digits_net(path=None, *, steps: int = 150, lr: float = 0.01) -> Path:
    """For maintainers (not a lesson's): train ``train_digits(0, steps=steps, lr=lr)`` and
    write its weights to ``path`` (a ``.npz`` file; default ``DIGITS_NET_FILE``, what
    ``digits_stack`` reads). Returns the path."""
    path = DIGITS_NET_FILE if path is None else Path(path)
    if path.suffix != ".npz" or not path.parent.is_dir():
        raise ValueError(f"path must be a .npz file in an existing folder, got {str(path)!r}")
    stack = train_digits(0, steps=steps, lr=lr)
    arrays = {f"{i}.{k}": stack.net.layers[i].params[k] for i, k in _param_names(stack.net)}
    np.savez_compressed(path, steps=stack.steps, seed=stack.seed, lr=lr, **arrays)
    return path


def maps_off(stack: LearnedStack, images) -> list[tuple[int, int]]:
    """The learned maps that are 0 everywhere on every image of ``images`` (``(N, H, W)``
    grey images): ``(layer, map)`` pairs, maps counted from 1. A map off on all of a task's
    images is a ReLU that died in training: it passes no gradient, so it never comes back."""
    if not isinstance(stack, LearnedStack):
        raise TypeError(f"stack must come from digits_stack() or train_stack(), got "
                        f"{type(stack).__name__}")  # fmt: skip
    x = _checks.array(images, "images", ndims=(3,))
    if min(x.shape[1:]) < 3 or len(x) == 0:
        raise ValueError(f"images must be (N, H, W) with N >= 1 and H, W >= 3, got {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("images must hold finite numbers (no NaN or infinity)")
    _checks.size_limit(x.size * FILTERS, "images", "use fewer or smaller images")
    h, off = x[:, None], []
    for layer in (1, 2, 3):
        conv, relu = stack.net.layers[2 * (layer - 1)], stack.net.layers[2 * layer - 1]
        h = relu.forward(conv.forward(h))
        off += [(layer, c + 1) for c in range(h.shape[1]) if not h[:, c].any()]
    return off
