"""Features built from features: a hand-built three-layer stack (numerics only). Introduced in
lesson 06.

Every layer is a 3x3 convolution (stride 1, "same" padding) followed by a ReLU, so units of
layer 1, 2, 3 see 3x3, 5x5 and 7x7 input pixels:

1. **edges** (4 maps): the four sides of a bright shape on a dark ground — a *left* edge is
   dark on the left and bright on the right, a *top* edge dark above and bright below, and so
   on (four orientations of a directed edge, 90° apart);
2. **corners** (4 maps): a top-left corner is a left edge going down *and* a top edge going
   right from the same pixel; the bias keeps the unit off unless both are there;
3. **small squares** (1 map): the four corners of a 3x3 bright square, each one layer-2 pixel
   diagonally away from the centre; a larger square's corners are further from its centre than
   the 3x3 kernel reaches (they can be inside the unit's 7x7 field, unread), and the unit stays
   off.

Nothing is learned: the weights are written by hand, so that one can see what "early layers
detect edges, later layers shapes" means at a size that fits on a page.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cnnlessons import _checks
from cnnlessons.numerics.conv import conv2d

__all__ = [
    "EDGES",
    "CORNERS",
    "LAYER_NAMES",
    "FEATURE_LAYERS",
    "edge_kernels",
    "corner_kernels",
    "square_kernels",
    "feature_maps",
    "shapes_image",
    "SHAPES",
    "LearnedFilters",
    "learned_filters",
]

EDGES = ("left", "right", "top", "bottom")
CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")
#: the maps of each layer, by name
LAYER_NAMES = {
    1: tuple(f"{e} edge" for e in EDGES),
    2: tuple(f"{c} corner" for c in CORNERS),
    3: ("small square",),
}
#: the stack as a layer list for ``receptive_field``: three 3x3 convolutions, "same" padding
FEATURE_LAYERS = [(3, 1, 1)] * 3

EDGE_BIAS = -0.5
CORNER_BIAS = -1.25  # both edges (1.5) pass, a straight edge (1.0) does not
SQUARE_WEIGHT = 4.0
SQUARE_BIAS = -3.5  # four corners (4 x 0.25 x 4 = 4) pass, three (3) do not


def edge_kernels() -> np.ndarray:
    """(4, 1, 3, 3): left, right, top and bottom edge detectors.

    A left edge: bright pixel minus its left neighbour, rows weighted 1, 2, 1 (/4). On a
    0/1 image it gives 1 on the first bright column of a shape (0.75 on its corners)."""
    rows = np.array([1.0, 2.0, 1.0]) / 4
    left = np.outer(rows, [-1.0, 1.0, 0.0])
    right = np.outer(rows, [0.0, 1.0, -1.0])
    top, bottom = left.T.copy(), right.T.copy()
    return np.stack([left, right, top, bottom])[:, None]


def corner_kernels() -> np.ndarray:
    """(4, 4, 3, 3): corner detectors on the four edge maps.

    A top-left corner unit at (i, j) adds the left-edge map at (i, j) and (i + 1, j) (the
    edge going down) and the top-edge map at (i, j) and (i, j + 1) (the edge going right)."""
    w = np.zeros((4, 4, 3, 3))
    left, right, top, bottom = range(4)
    # (corner, [(edge map, the two taps)])
    plan = {
        0: [(left, [(1, 1), (2, 1)]), (top, [(1, 1), (1, 2)])],  # top-left
        1: [(right, [(1, 1), (2, 1)]), (top, [(1, 1), (1, 0)])],  # top-right
        2: [(left, [(1, 1), (0, 1)]), (bottom, [(1, 1), (1, 2)])],  # bottom-left
        3: [(right, [(1, 1), (0, 1)]), (bottom, [(1, 1), (1, 0)])],  # bottom-right
    }
    for corner, parts in plan.items():
        for edge, taps in parts:
            for r, c in taps:
                w[corner, edge, r, c] = 1.0
    return w


def square_kernels() -> np.ndarray:
    """(1, 4, 3, 3): a small-square detector on the four corner maps: top-left corner one
    pixel up and left of the centre, top-right up and right, and so on."""
    w = np.zeros((1, 4, 3, 3))
    for corner, (r, c) in enumerate([(0, 0), (0, 2), (2, 0), (2, 2)]):
        w[0, corner, r, c] = SQUARE_WEIGHT
    return w


def feature_maps(x) -> dict[int, np.ndarray]:
    """The stack on a grey image ``x`` (H x W, values about 0 to 1): ``{0: x[None], 1: edge
    maps (4, H, W), 2: corner maps (4, H, W), 3: square map (1, H, W)}``, each after its
    ReLU. Unit (i, j) of every layer is centred on input pixel (i, j)."""
    x = _checks.array(x, "x", ndims=(2,))
    if min(x.shape) < 3:
        raise ValueError(f"x must be at least 3x3 pixels, got shape {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError("x must hold finite numbers (no NaN or infinity)")
    edges = np.maximum(conv2d(x, edge_kernels(), padding=1) + EDGE_BIAS, 0.0)
    corners = np.maximum(conv2d(edges, corner_kernels(), padding=1) + CORNER_BIAS, 0.0)
    square = np.maximum(conv2d(corners, square_kernels(), padding=1) + SQUARE_BIAS, 0.0)
    return {0: x[None].copy(), 1: edges, 2: corners, 3: square}


#: the synthetic shapes of ``shapes_image``: name -> (top row, left column, mask)
SHAPES = {
    "small square": (3, 3, np.ones((3, 3))),
    "large square": (3, 11, np.ones((6, 6))),
    "bar": (12, 3, np.ones((3, 7))),
    "L": (12, 13, np.array([[1, 0, 0], [1, 0, 0], [1, 1, 1]], dtype=float)),
    "small square 2": (18, 20, np.ones((3, 3))),
    "plus": (17, 4, np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=float)),
}


def shapes_image(size: int = 24) -> np.ndarray:
    """A ``size`` x ``size`` (at least 24) image of bright shapes on a dark ground (0 and 1):
    two small 3x3 squares, a 6x6 square, a 3x7 bar, an L and a plus (see ``SHAPES``)."""
    n = _checks.integer(size, "size", minimum=24)
    _checks.size_limit(n * n, "size * size", "use a smaller size")
    x = np.zeros((n, n))
    for top, left, mask in SHAPES.values():
        h, w = mask.shape
        x[top : top + h, left : left + w] = mask
    return x


# -- the filters lesson 05's network learns -----------------------------------------------------


@dataclass(frozen=True)
class LearnedFilters:
    """The first-layer filters of lesson 05's convolutional net after training, with how
    well the net does and how much each filter looks like each of the task's patterns."""

    weights: np.ndarray  # (filters, 3, 3)
    train_accuracy: float
    test_accuracy: float
    patterns: tuple  # the task's pattern names, e.g. ("plus", "cross")
    similarity: np.ndarray  # (filters, patterns): cosine similarity of filter and pattern

    def best_match(self, i: int) -> tuple[str, float]:
        """The pattern filter ``i`` is most similar to (largest |cosine|), and that cosine
        (negative: the pattern inverted)."""
        _checks.integer(i, "i", minimum=0)
        if i >= len(self.weights):
            raise ValueError(f"i must be between 0 and {len(self.weights) - 1}, got {i}")
        j = int(np.argmax(np.abs(self.similarity[i])))
        return self.patterns[j], float(self.similarity[i, j])


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine similarity of two arrays (1: same shape of weights, −1: the inverse)."""
    a, b = a.ravel(), b.ravel()
    norm = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / norm) if norm > 0 else 0.0


def learned_filters(
    n_train: int = 1000, *, filters: int = 6, seed: int = 0, test_size: int = 1000
) -> LearnedFilters:
    """Train lesson 05's conv net (``learning.conv_net``: ``filters`` 3x3 filters → ReLU →
    global max pooling → dense) on ``n_train`` images of ``tasks.pattern_task`` (a plus or a
    cross at a random place in 16x16 noise of standard deviation 0.3) with the settings of
    ``fewshot.classification_curves`` (150 Adam steps of 32 examples, learning rate 0.03), and
    return its first-layer filters as they came out. Seeded: the same arguments give the
    same filters."""
    from cnnlessons.numerics.tasks import PATTERNS, pattern_task
    from cnnlessons.numerics.training import Adam, accuracy, conv_net

    n_train = _checks.integer(n_train, "n_train", minimum=1)
    filters = _checks.integer(filters, "filters", minimum=1)
    seed = _checks.integer(seed, "seed", minimum=0)
    test_size = _checks.integer(test_size, "test_size", minimum=1)
    if n_train > 5000 or test_size > 5000 or filters > 32:
        raise ValueError("n_train and test_size must be at most 5,000, filters at most 32")
    kinds = ("plus", "cross")
    x, y = pattern_task(n_train, noise=0.3, kinds=kinds, seed=seed)
    xt, yt = pattern_task(test_size, noise=0.3, kinds=kinds, seed=12345)
    net = conv_net(filters=filters, seed=seed)
    history = net.fit(x, y, steps=150, batch_size=32, optimizer=Adam(0.03), seed=seed)
    w = np.array(net.layers[0].params["w"][:, 0], dtype=float)
    similarity = np.array([[_cosine(f, PATTERNS[k]) for k in kinds] for f in w])
    return LearnedFilters(
        weights=w,
        train_accuracy=float(history["train_accuracy"]),
        test_accuracy=float(accuracy(net, xt, yt)),
        patterns=kinds,
        similarity=similarity,
    )
