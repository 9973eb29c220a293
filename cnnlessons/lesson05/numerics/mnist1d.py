"""MNIST-1D (Greydanus & Kobak, "Scaling down deep learning", 2020/2024), reproduced with the
series' own numpy network (no plotting).

The dataset: ten 1-D "digit" templates, each padded, shifted, scaled, sheared and made noisy,
then sampled at 40 points; 4,000 training and 1,000 test sequences. ``load`` builds it here, in
numpy, exactly as the authors' ``mnist1d`` package does (``make_dataset``, their seed 42, no
download): the tests check it against that package (a test-only dependency, as SciPy is).

Its authors report test accuracy (their Table, and the package's README):

======================  =========  ==========
model                   as is      shuffled
======================  =========  ==========
logistic regression     32 %       --
MLP                     68 %       68 %
CNN                     94 %       56 %
======================  =========  ==========

"Shuffled" puts every sequence's 40 values in the order of one fixed permutation. The models
here are theirs (``models.py`` of the mnist1d repository): logistic regression; an MLP
40 -> 100 -> 100 -> 10 with ReLUs; a CNN of three 1-D convolutions (25 filters, kernels 5, 3,
3, stride 2, padding 1) with ReLUs and a dense layer on the 25 x 5 result; all trained with
Adam, learning rate 0.01, batches of 100 (their 6,000 steps by default).
"""

from __future__ import annotations

import dataclasses
import functools
import time

import numpy as np

from cnnlessons import _checks
from cnnlessons.numerics.layers import Dense, Flatten, ReLU
from cnnlessons.numerics.layers1d import Conv1d
from cnnlessons.numerics.training import Adam, Network, accuracy, permute_dense_inputs

__all__ = [
    "PUBLISHED",
    "MODELS",
    "templates",
    "load",
    "permutation",
    "make_model",
    "train",
    "BenchmarkRun",
    "benchmark",
    "learning_curve",
]

#: Test accuracy the authors report, by (model, shuffled); None: not reported.
PUBLISHED = {
    ("logistic", False): 0.32,
    ("logistic", True): None,
    ("mlp", False): 0.68,
    ("mlp", True): 0.68,
    ("cnn", False): 0.94,
    ("cnn", True): 0.56,
}

MODELS = ("logistic", "mlp", "cnn")
_NAMES = {"logistic": "logistic regression", "mlp": "MLP (dense)", "cnn": "CNN (conv)"}
LENGTH, CLASSES = 40, 10


#: The ten 1-D digit shapes, 12 points each (the authors' ``get_templates``).
_TEMPLATES = (
    (5, 6, 6.5, 6.75, 7, 7, 7, 7, 6.75, 6.5, 6, 5),
    (5, 3, 3, 3.4, 3.8, 4.2, 4.6, 5, 5.4, 5.8, 5, 5),
    (5, 6, 6.5, 6.5, 6, 5.25, 4.75, 4, 3.5, 3.5, 4, 5),
    (5, 6, 6.5, 6.5, 6, 5, 5, 6, 6.5, 6.5, 6, 5),
    (5, 4.4, 3.8, 3.2, 2.6, 2.6, 5, 5, 5, 5, 5, 5),
    (5, 3, 3, 3, 3, 5, 6, 6.5, 6.5, 6, 4.5, 5),
    (5, 4, 3.5, 3.25, 3, 3, 3, 3, 3.25, 3.5, 4, 5),
    (5, 7, 7, 6.6, 6.2, 5.8, 5.4, 5, 4.6, 4.2, 5, 5),
    (5, 4, 3.5, 3.5, 4, 5, 5, 4, 3.5, 3.5, 4, 5),
    (5, 4, 3.5, 3.5, 4, 5, 5, 5, 5, 4.7, 4.3, 5),
)


def templates() -> np.ndarray:
    """The ten templates, ``(10, 12)``: each centred, scaled to standard deviation 1/6 and
    shifted to start (and end) at 0, as the authors make them."""
    x = np.array(_TEMPLATES, dtype=np.float64)
    x -= x.mean(axis=1, keepdims=True)
    x /= x.std(axis=1, keepdims=True)
    x -= x[:, :1]
    return x / 6.0


@functools.lru_cache(maxsize=1)
def _dataset():
    """The authors' ``make_dataset`` with their default arguments, step by step, in numpy: the
    same random numbers drawn in the same order from their seed (42), so the same 5,000
    sequences (the tests compare with the ``mnist1d`` package: equal to 1e-15)."""
    rs = np.random.RandomState(42)  # the authors' generator and seed
    temps = templates()
    long = 12 + 60  # template + the largest padding
    grid, final = np.linspace(0, 1, long), np.linspace(0, 1, LENGTH)
    line = np.linspace(-0.5, 0.5, long)
    t = np.arange(-8, 9)  # a Gaussian of sigma 2, truncated at 4 sigma (SciPy's default)
    gauss = np.exp(-0.5 / 2.0**2 * t**2)
    gauss /= gauss.sum()
    xs, ys = [], []
    for label in range(10):
        for _ in range(500):
            x = temps[label] + 1e-8
            x = np.concatenate([x, np.zeros(36 + int(rs.rand() * 25))])  # pad with 36-60 zeros
            x = np.interp(grid, np.linspace(0, 1, len(x)), x)  # stretch to 72 points
            x *= 1 + 0.4 * (rs.rand() - 0.5)  # scale by 0.8-1.2
            k = rs.choice(48)  # translate (circularly) by 0-47
            x = np.concatenate([x[-k:], x[:-k]])
            smooth = np.convolve(np.pad(0.25 * rs.randn(long), 8, mode="symmetric"), gauss,
                                 mode="valid")  # fmt: skip
            x = np.where(x != 0, x, smooth)  # correlated noise where the padding was
            x = x + 0.02 * rs.randn(long)  # independent noise everywhere
            x = x - 0.75 * (rs.rand() - 0.5) * line  # shear
            xs.append(np.interp(final, grid, x))  # read at 40 points
            ys.append(label)
    order = rs.permutation(len(ys))
    x, y = np.stack(xs)[order], np.array(ys, dtype=np.int64)[order]
    x = (x - x.mean()) / x.std()
    out = {
        "x_train": x[:4000, None, :],
        "y_train": y[:4000],
        "x_test": x[4000:, None, :],
        "y_test": y[4000:],
    }
    for a in out.values():
        a.flags.writeable = False
    return out


def load() -> dict:
    """The MNIST-1D dataset as the authors make it (their seed 42): ``x_train`` (4000, 1, 40),
    ``y_train`` (4000,), ``x_test`` (1000, 1, 40), ``y_test`` (1000,), labels 0-9. Built once
    per session, here, in about half a second (no download); the arrays are read-only."""
    return dict(_dataset())


def permutation(seed: int = 0) -> np.ndarray:
    """One fixed order of the 40 positions: ``x[..., perm]`` is the shuffled data."""
    seed = _checks.integer(seed, "seed", minimum=0)
    return np.random.default_rng(seed).permutation(LENGTH)


def make_model(name: str, seed: int = 0) -> Network:
    """The authors' ``"logistic"``, ``"mlp"`` or ``"cnn"`` on ``(1, 40)`` sequences."""
    name = _checks.choice(name, "name", MODELS)
    rng = np.random.default_rng(_checks.integer(seed, "seed", minimum=0))
    if name == "logistic":
        layers = [Flatten(), Dense(LENGTH, CLASSES, rng=rng)]
    elif name == "mlp":
        layers = [Flatten(), Dense(LENGTH, 100, rng=rng), ReLU(), Dense(100, 100, rng=rng), ReLU()]
        layers.append(Dense(100, CLASSES, rng=rng))
    else:
        layers = [
            Conv1d(1, 25, 5, stride=2, padding=1, rng=rng),  # 40 -> 19
            ReLU(),
            Conv1d(25, 25, 3, stride=2, padding=1, rng=rng),  # 19 -> 10
            ReLU(),
            Conv1d(25, 25, 3, stride=2, padding=1, rng=rng),  # 10 -> 5
            ReLU(),
            Flatten(),
            Dense(25 * 5, CLASSES, rng=rng),
        ]
    return Network(layers, (1, LENGTH), CLASSES)


def _data(data) -> dict:
    """A dataset given by the caller, as ``load`` returns it: the four arrays checked."""
    data = _checks.mapping(data, "data", ("x_train", "y_train", "x_test", "y_test"))
    out = {}
    for part in ("train", "test"):
        x = _checks.array(data[f"x_{part}"], f"data['x_{part}']", ndims=(3,), finite=True)
        y = _checks.integers(
            data[f"y_{part}"], f"data['y_{part}']", minimum=0, maximum=CLASSES - 1, limit=10**6
        )
        if x.shape[1:] != (1, LENGTH) or len(y) != len(x):
            raise ValueError(
                f"data['x_{part}'] must have shape (N, 1, {LENGTH}) and data['y_{part}'] one "
                f"label per sequence, got {x.shape} and {len(y)} labels"
            )
        out[f"x_{part}"], out[f"y_{part}"] = x, np.array(y)
    return out


def train(
    name: str,
    *,
    shuffled: bool = False,
    seed: int = 0,
    steps: int = 6000,
    n_train: int | None = None,
    data: dict | None = None,
) -> tuple[float, float, Network]:
    """Train model ``name`` (seed ``seed``: weights and batches) for ``steps`` Adam steps of
    100 examples at learning rate 0.01 on the first ``n_train`` training sequences (default:
    all 4,000), shuffled by ``permutation(0)`` when ``shuffled``. Returns (test accuracy,
    seconds, the trained network).

    Shuffled, the dense models (logistic, MLP) start from the same random weights as unshuffled,
    with their first layer's rows put in the same order as the data (an equally likely draw):
    so they compute exactly what they compute unshuffled, and any difference in accuracy is
    floating-point rounding (sums in another order), not luck."""
    name = _checks.choice(name, "name", MODELS)
    shuffled = _checks.boolean(shuffled, "shuffled")
    seed = _checks.seed(seed)
    steps = _checks.integer(steps, "steps", minimum=1)
    d = load() if data is None else _data(data)
    x, y, xt, yt = d["x_train"], d["y_train"], d["x_test"], d["y_test"]
    if n_train is not None:
        n_train = _checks.integer(n_train, "n_train", minimum=10)
        if n_train > len(x):
            raise ValueError(f"n_train must be at most {len(x)}, got {n_train}")
        x, y = x[:n_train], y[:n_train]
    if shuffled:
        perm = permutation(0)
        x, xt = x[..., perm], xt[..., perm]
    net = make_model(name, seed)
    if shuffled and name != "cnn":
        net = permute_dense_inputs(net, permutation(0))
    t0 = time.perf_counter()
    net.fit(x, y, steps=steps, batch_size=100, optimizer=Adam(0.01), seed=seed)
    seconds = time.perf_counter() - t0
    return accuracy(net, xt, yt), seconds, net


@dataclasses.dataclass
class BenchmarkRun:
    """Test accuracies by (model, shuffled), one per seed, and the seconds each took."""

    seeds: tuple
    steps: int
    test: dict
    seconds: dict

    def table(self) -> str:
        """Measured (mean ± sd over the seeds) beside published, one row per model."""
        lines = [
            f"{'model':<21}{'as is: measured':>18}{'published':>11}"
            f"{'shuffled: measured':>21}{'published':>11}"
        ]
        for name in MODELS:
            row = f"{_NAMES[name]:<21}"
            for shuffled in (False, True):
                acc = self.test.get((name, shuffled))
                pub = PUBLISHED[(name, shuffled)]
                width = 18 if not shuffled else 21
                cell = "not run" if acc is None else f"{acc.mean():.1%} ± {acc.std():.1%}"
                row += f"{cell:>{width}}{'--' if pub is None else f'{pub:.0%}':>11}"
            lines.append(row)
        return "\n".join(lines)

    def total_seconds(self) -> float:
        return float(sum(s.sum() for s in self.seconds.values()))


def benchmark(
    models=MODELS, *, shuffled=(False, True), seeds=(0, 1, 2), steps: int = 6000
) -> BenchmarkRun:
    """Train every model in ``models``, as is and/or shuffled, once per seed: the published
    table, measured. 6,000 steps (the authors') take about a minute per model and seed for the
    CNN on one core; the lesson trains fewer."""
    models = _checks.choices(models, "models", MODELS)
    shuffled = _checks.flags(shuffled, "shuffled")
    seeds = tuple(_checks.integers(seeds, "seeds", minimum=0, maximum=2**63 - 1, limit=100))
    steps = _checks.integer(steps, "steps", minimum=1)
    test, seconds = {}, {}
    for name in models:
        for sh in shuffled:
            runs = [train(name, shuffled=sh, seed=s, steps=steps) for s in seeds]
            test[(name, sh)] = np.array([r[0] for r in runs])
            seconds[(name, sh)] = np.array([r[1] for r in runs])
    return BenchmarkRun(seeds=seeds, steps=steps, test=test, seconds=seconds)


def learning_curve(
    sizes=(250, 1000, 4000),
    *,
    models=("mlp", "cnn"),
    seed: int = 0,
    steps: int = 6000,
    reuse: BenchmarkRun | None = None,
) -> dict:
    """Test accuracy against the number of training sequences (as they are): ``{"sizes": N,
    model: accuracies over N}``, seed ``seed``, ``steps`` steps each. A ``reuse`` run trained
    with the same steps and seed gives its all-data accuracies instead of training again
    (the same computation: same seed, same steps, same data)."""
    sizes = tuple(_checks.integers(sizes, "sizes", minimum=10, limit=100))
    models = _checks.choices(models, "models", MODELS)
    seed = _checks.seed(seed)
    steps = _checks.integer(steps, "steps", minimum=1)
    if reuse is not None and not isinstance(reuse, BenchmarkRun):
        raise TypeError(f"reuse must be a BenchmarkRun, got {type(reuse).__name__}")
    full = len(_dataset()["x_train"])
    if max(sizes) > full:
        raise ValueError(f"sizes must be at most {full:,} (the training set), got {max(sizes):,}")
    out = {"sizes": np.array(sizes), "seed": seed, "steps": steps}
    for name in models:
        accs = []
        for n in sizes:
            if (
                n == full
                and reuse is not None
                and reuse.steps == steps
                and seed in reuse.seeds
                and (name, False) in reuse.test
            ):
                accs.append(reuse.test[(name, False)][reuse.seeds.index(seed)])
            else:
                accs.append(train(name, seed=seed, steps=steps, n_train=n)[0])
        out[name] = np.array(accs)
    return out
