"""The series' small trainable network, in numpy (no plotting): layers in order (from
``cnnlessons.numerics.layers``) trained with softmax cross-entropy by ``SGD`` or ``Adam``; the
two models lessons 05-08 compare (``conv_net``, ``dense_net``). Introduced in lesson 05.

Everything is float64, seeded and deterministic: the same seed gives the same network, the
same minibatches and the same numbers.
"""

from __future__ import annotations

import contextlib

import numpy as np
from threadpoolctl import threadpool_limits

from cnnlessons import _checks
from cnnlessons.numerics.layers import (
    Conv2d,
    Dense,
    Flatten,
    GlobalMaxPool,
    Layer,
    ReLU,
    _finite,
)

__all__ = [
    "softmax",
    "softmax_cross_entropy",
    "SGD",
    "Adam",
    "TrainingHistory",
    "Network",
    "accuracy",
    "conv_net",
    "dense_net",
    "permute_dense_inputs",
    "single_threaded",
]


# ----------------------------------------------------------------------------- checks
def _positive(value, name: str) -> float:
    return _checks.real(value, name, finite=True, positive=True)


def _fraction(value, name: str) -> float:
    v = _checks.real(value, name, finite=True, minimum=0.0)
    if not v < 1:
        raise ValueError(f"{name} must be in [0, 1), got {v!r}")
    return v


def _labels(y, n: int, classes: int) -> np.ndarray:
    """Integer class labels, one per example, each in [0, classes)."""
    if isinstance(y, (str, bytes, np.ma.MaskedArray)) or y is None:
        raise TypeError(f"y must be integer class labels, got {type(y).__name__}")
    try:
        arr = np.asarray(y).view(np.ndarray)
    except (ValueError, TypeError, OverflowError):
        raise TypeError("y must be a 1-D array of integer class labels") from None
    if arr.dtype == bool or not np.issubdtype(arr.dtype, np.integer):
        if np.issubdtype(arr.dtype, np.floating) and arr.size and np.all(arr == np.round(arr)):
            arr = arr.astype(np.int64)
        else:
            raise TypeError(f"y must be integer class labels, got dtype {arr.dtype}")
    if arr.shape != (n,):
        raise ValueError(f"y must have shape ({n},), one label per example, got {arr.shape}")
    if arr.min() < 0 or arr.max() >= classes:
        raise ValueError(
            f"y must hold labels from 0 to {classes - 1} (the network has {classes} outputs), "
            f"got labels from {arr.min()} to {arr.max()}"
        )
    return arr.astype(np.int64)


# ----------------------------------------------------------------------------- speed
@contextlib.contextmanager
def single_threaded():
    """Run numpy's matrix products on one thread inside the block.

    The networks here multiply small matrices, thousands of times. A BLAS splits each
    product over every core; on a busy machine the threads wait for each other and a step
    takes 5-30x longer (``make bench`` measures it). threadpoolctl finds the BLAS numpy loaded
    (OpenBLAS, MKL, BLIS) and sets its thread count, then sets it back."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


# ----------------------------------------------------------------------------- loss
def softmax(logits) -> np.ndarray:
    """Class probabilities from ``(N, K)`` scores (shifted by the row maximum: no overflow)."""
    z = _checks.array(logits, "logits", ndims=(2,))
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def softmax_cross_entropy(logits, y) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of softmax(``logits``) against integer labels ``y``, and its
    gradient with respect to the logits: ``(softmax - one_hot(y)) / N``."""
    z = _checks.array(logits, "logits", ndims=(2,))
    _finite(z, "logits")
    n, k = z.shape
    y = _labels(y, n, k)
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_p[np.arange(n), y].mean()
    grad = np.exp(log_p)
    grad[np.arange(n), y] -= 1
    return float(loss), grad / n


# ----------------------------------------------------------------------------- optimisers
class SGD:
    """Gradient descent with momentum: ``v = momentum·v - lr·g``, ``p += v``."""

    def __init__(self, lr: float = 0.1, momentum: float = 0.9):
        self.lr = _positive(lr, "lr")
        self.momentum = _fraction(momentum, "momentum")
        self._v: dict = {}

    def step(self, layers) -> None:
        for i, layer in enumerate(layers):
            for name, p in layer.params.items():
                v = self._v.setdefault((i, name), np.zeros_like(p))
                v *= self.momentum
                v -= self.lr * layer.grads[name]
                p += v


class Adam:
    """Adam (Kingma & Ba 2015) with bias correction; ``lr`` is the step size."""

    def __init__(self, lr: float = 0.01, beta1: float = 0.9, beta2: float = 0.999, eps=1e-8):
        self.lr = _positive(lr, "lr")
        self.beta1 = _fraction(beta1, "beta1")
        self.beta2 = _fraction(beta2, "beta2")
        self.eps = _positive(eps, "eps")
        self._m: dict = {}
        self._v: dict = {}
        self.t = 0

    def step(self, layers) -> None:
        self.t += 1
        c1 = 1 - self.beta1**self.t
        c2 = 1 - self.beta2**self.t
        for i, layer in enumerate(layers):
            for name, p in layer.params.items():
                g = layer.grads[name]
                m = self._m.setdefault((i, name), np.zeros_like(p))
                v = self._v.setdefault((i, name), np.zeros_like(p))
                m *= self.beta1
                m += (1 - self.beta1) * g
                v *= self.beta2
                v += (1 - self.beta2) * g * g
                p -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)


# ----------------------------------------------------------------------------- network
class TrainingHistory(dict):
    """What ``Network.fit`` recorded: ``loss`` (per step), ``train_accuracy`` (at the end),
    ``steps``, ``seconds`` and ``examples_per_second``."""


class Network:
    """Layers applied in order, ending in class scores (logits) trained with softmax
    cross-entropy. ``in_shape`` is one example's shape, e.g. ``(1, 16, 16)`` (an image) or
    ``(1, 40)`` (a sequence, for ``layers1d.Conv1d``)."""

    def __init__(self, layers, in_shape, classes: int):
        if not isinstance(layers, (list, tuple)):
            raise TypeError(
                f"layers must be a non-empty list of layers, got {type(layers).__name__}"
            )
        self.layers = list(layers)
        if not self.layers or not all(isinstance(la, Layer) for la in self.layers):
            raise TypeError("layers must be a non-empty list of cnnlessons.numerics.layers layers")
        self.in_shape = _checks.shape(in_shape, "in_shape", lengths=(1, 2, 3))
        _checks.size_limit(
            _checks.product(self.in_shape), "in_shape", "use smaller images (one example)"
        )
        self.classes = _checks.integer(classes, "classes", minimum=2)
        # the first parameterised layer never needs its input's gradient
        for layer in self.layers:
            if hasattr(layer, "input_grad"):
                layer.input_grad = False
                break
        out = self.forward(np.zeros((1,) + self.in_shape))
        if out.shape != (1, self.classes):
            raise ValueError(
                f"the layers turn a {self.in_shape} input into {out.shape[1:]}, "
                f"not {self.classes} class scores"
            )

    def _macs_per_example(self) -> int:
        """An upper bound of one example's multiply-adds: every conv weight at every pixel
        of the input (stride 1), every dense weight once, and the pixels for the rest."""
        pixels = _checks.product(self.in_shape)
        total = pixels * len(self.layers)
        for layer in self.layers:
            w = layer.params.get("w")
            if w is not None:
                total += w.size * (pixels if w.ndim == 4 else 1)
        return total

    @property
    def n_parameters(self) -> int:
        return int(sum(p.size for layer in self.layers for p in layer.params.values()))

    def _check_x(self, x) -> np.ndarray:
        x = _checks.array(x, "x", ndims=(len(self.in_shape) + 1,))
        if x.shape[1:] != self.in_shape:
            raise ValueError(
                f"x must have shape (N, {', '.join(map(str, self.in_shape))}), got {x.shape}"
            )
        _finite(x, "x")
        return x

    def forward(self, x) -> np.ndarray:
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad) -> None:
        for layer in reversed(self.layers):
            grad = layer.backward(grad)
            if grad is None:
                break

    def logits(self, x, batch_size: int = 2048) -> np.ndarray:
        """Class scores for every example of ``x`` (in batches, to bound memory)."""
        x = self._check_x(x)
        with single_threaded():
            return np.concatenate(
                [self.forward(x[i : i + batch_size]) for i in range(0, len(x), batch_size)]
            )

    def predict(self, x) -> np.ndarray:
        """The most likely class of every example."""
        return self.logits(x).argmax(axis=1)

    def loss(self, x, y) -> float:
        x = self._check_x(x)
        return softmax_cross_entropy(self.logits(x), y)[0]

    def gradient_step(self, x, y, optimizer) -> float:
        """One step on the batch ``(x, y)``: forward, loss, backward, update. Returns the loss."""
        loss, grad = softmax_cross_entropy(self.forward(x), y)
        self.backward(grad)
        optimizer.step(self.layers)
        return loss

    def fit(
        self, x, y, *, steps: int = 200, batch_size: int = 64, optimizer=None, seed: int = 0
    ) -> TrainingHistory:
        """Train for ``steps`` minibatch steps (batches drawn by shuffling the data once per
        pass, from ``seed``); ``optimizer`` defaults to ``Adam(0.01)``."""
        import time

        x = self._check_x(x)
        y = _labels(y, len(x), self.classes)
        steps = _checks.integer(steps, "steps", minimum=1)
        batch_size = _checks.integer(batch_size, "batch_size", minimum=1)
        optimizer = Adam(0.01) if optimizer is None else optimizer
        if not hasattr(optimizer, "step"):
            raise TypeError(f"optimizer must be SGD(...) or Adam(...), got {optimizer!r}")
        rng = np.random.default_rng(_checks.seed(seed))
        batch = min(batch_size, len(x))
        _checks.work(
            3 * steps * batch * self._macs_per_example(),
            "steps * batch_size * the network's multiply-adds per example",
            "train for fewer steps, on smaller batches, or a smaller network",
            training=True,
        )
        order, at = rng.permutation(len(x)), 0
        losses = np.empty(steps)
        t0 = time.perf_counter()
        with single_threaded():
            for t in range(steps):
                if at + batch > len(x):
                    order, at = rng.permutation(len(x)), 0
                idx = order[at : at + batch]
                at += batch
                losses[t] = self.gradient_step(x[idx], y[idx], optimizer)
        seconds = time.perf_counter() - t0
        return TrainingHistory(
            loss=losses,
            steps=steps,
            seconds=seconds,
            examples_per_second=steps * batch / seconds if seconds > 0 else float("inf"),
            train_accuracy=accuracy(self, x, y),
        )

    def __repr__(self) -> str:
        inner = ", ".join(map(repr, self.layers))
        return f"Network([{inner}], {self.n_parameters:,} parameters)"


def accuracy(net: Network, x, y) -> float:
    """The fraction of examples whose predicted class is the label."""
    _checks.instance(net, "net", Network, "a Network (e.g. conv_net())")
    pred = net.predict(x)
    y = _labels(y, len(pred), net.classes)
    return float((pred == y).mean())


# ----------------------------------------------------------------------------- the two models
def conv_net(
    in_shape=(1, 16, 16),
    classes: int = 2,
    *,
    filters: int = 8,
    kernel_size: int = 3,
    seed: int = 0,
) -> Network:
    """Lesson 05's convolutional net: ``filters`` k x k filters -> ReLU -> global max
    pooling -> dense -> class scores. Few parameters, and blind to *where* a pattern is."""
    _checks.integer(classes, "classes", minimum=2)
    shp = _checks.shape(in_shape, "in_shape", lengths=(3,))
    _checks.size_limit(_checks.product(shp), "in_shape", "use smaller images")
    rng = np.random.default_rng(_checks.seed(seed))
    f = _checks.integer(filters, "filters", minimum=1)
    return Network(
        [
            Conv2d(shp[0], f, kernel_size, rng=rng),
            ReLU(),
            GlobalMaxPool(),
            Dense(f, classes, rng=rng),
        ],
        shp,
        classes,
    )


def dense_net(
    in_shape=(1, 16, 16), classes: int = 2, *, hidden: int = 32, seed: int = 0
) -> Network:
    """Lesson 05's dense net: flatten -> dense (``hidden`` units) -> ReLU -> dense -> class
    scores. Every hidden unit sees every pixel, with its own weight for each."""
    _checks.integer(classes, "classes", minimum=2)
    shp = _checks.shape(in_shape, "in_shape", lengths=(1, 3))
    _checks.size_limit(_checks.product(shp), "in_shape", "use smaller images")
    rng = np.random.default_rng(_checks.seed(seed))
    h = _checks.integer(hidden, "hidden", minimum=1)
    d = int(np.prod(shp))
    return Network(
        [Flatten(), Dense(d, h, rng=rng), ReLU(), Dense(h, classes, rng=rng)], shp, classes
    )


def permute_dense_inputs(net: Network, perm) -> Network:
    """A copy of a dense net whose first ``Dense`` layer reads its inputs in the order
    ``perm``: row ``j`` of the new weights is row ``perm[j]`` of the old. It computes on
    ``x.ravel()[perm]`` exactly what ``net`` computes on ``x``."""
    import copy

    _checks.instance(net, "net", Network, "a Network (e.g. dense_net())")
    new = copy.deepcopy(net)
    first = next((la for la in new.layers if isinstance(la, Dense)), None)
    if first is None:
        raise ValueError("net has no Dense layer to permute")
    perm = _checks.permutation(perm, "perm", first.in_features)
    first.params["w"] = first.params["w"][perm].copy()
    return new
