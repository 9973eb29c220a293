"""How many examples does a layer need? Least squares and gradient descent (no plotting).
Introduced in lesson 05.

An unknown 3x3 filter ``w`` maps 8x8 inputs to 6x6 outputs (m = 64 inputs, n = 36 outputs).
Learned as a **convolution**, it has k² = 9 unknowns; learned as a **dense layer** (any 36 x 64
matrix), 2,304. Both are fitted by least squares from N noisy pairs (``tasks.filter_pairs``),
and judged by their *excess* test error: the mean squared difference between predicted and
true (noise-free) outputs on a new standard-normal input. For a matrix estimate ``M̂`` of the
true matrix ``M`` that is exactly ``||M̂ - M||² / n`` (Frobenius norm), so no test set is
sampled. Theory, for noise of standard deviation σ:

- convolution: ≈ σ²·k²/(N·n) (9 unknowns, N·n equations);
- dense, N > m + 1: σ²·m/(N − m − 1) (each output row has m unknowns and N equations; the
  mean of an inverse Wishart matrix);
- dense, N < m − 1 (minimum-norm solution): ‖M‖²/n·(1 − N/m) + σ²·N/(m − N − 1): what the N
  examples cannot see, plus noise. Both blow up near N = m: the spike.
- ridge (``λ > 0``) trades a little bias for no spike.

``learn_kernel`` recovers a kernel by gradient descent from one image and its filtered
version; its gradient is itself a correlation, computed with ``conv2d``.
"""

from __future__ import annotations

import contextlib
import numbers
import threading
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cnnlessons import _checks
from cnnlessons.numerics.conv import conv2d
from cnnlessons.numerics.matrices import conv_matrix
from cnnlessons.numerics.tasks import filter_pairs
from cnnlessons.numerics.training import single_threaded

_blas = threading.local()


@contextlib.contextmanager
def _one_blas_thread():
    """``training.single_threaded`` once for a whole block: nested blocks (every fit inside
    ``least_squares_curves``, every fit of an explorer's loop) skip it. Entering it costs
    about a millisecond (threadpoolctl looks up the loaded libraries), and the lesson's
    least-squares experiments enter it hundreds of times."""
    if getattr(_blas, "on", False):
        yield
        return
    _blas.on = True
    try:
        with single_threaded():
            yield
    finally:
        _blas.on = False

__all__ = [
    "patch_matrix",
    "fit_conv",
    "fit_dense",
    "excess_error",
    "conv_theory",
    "dense_theory",
    "dense_min_norm_theory",
    "optimal_ridge",
    "LeastSquaresRun",
    "least_squares_curves",
    "KernelRun",
    "learn_kernel",
    "standard_photo",
    "ClassificationRun",
    "classification_curves",
]


def _pairs(X, Y):
    X = _checks.array(X, "X", ndims=(3,))
    Y = _checks.array(Y, "Y", ndims=(3,))
    if X.shape[0] != Y.shape[0]:
        raise ValueError(f"X and Y must hold the same number of pairs, got {len(X)} and {len(Y)}")
    for name, a in (("X", X), ("Y", Y)):
        if not np.isfinite(a).all():
            raise ValueError(f"{name} contains NaN or infinite values")
    return X, Y


def patch_matrix(X, k: int = 3) -> np.ndarray:
    """Every k x k patch of every image of ``X`` (``(N, H, W)``) as a row: ``(N·n, k²)``,
    ``n = (H - k + 1)(W - k + 1)``. Row ``i`` dotted with the kernel is output ``i``."""
    X = _checks.array(X, "X", ndims=(3,))
    k = _checks.integer(k, "k", minimum=1)
    if k > min(X.shape[1:]):
        raise ValueError(f"k={k} must fit in the images, which are {X.shape[1:]}")
    return sliding_window_view(X, (k, k), axis=(1, 2)).reshape(-1, k * k)


def fit_conv(X, Y, k: int = 3) -> np.ndarray:
    """The k x k kernel that best explains ``Y ≈ conv2d(X, w)`` (valid), by least squares:
    one equation per output value, k² unknowns."""
    X, Y = _pairs(X, Y)
    k = _checks.integer(k, "k", minimum=1)
    expected = (X.shape[1] - k + 1, X.shape[2] - k + 1)
    if Y.shape[1:] != expected:
        raise ValueError(f"Y must be (N, {expected[0]}, {expected[1]}) for k={k}, got {Y.shape}")
    with _one_blas_thread():
        w, *_ = np.linalg.lstsq(patch_matrix(X, k), Y.reshape(-1), rcond=None)
    return w.reshape(k, k)


def _ridge(value) -> float:
    return _checks.real(value, "ridge", finite=True, minimum=0.0)


def fit_dense(X, Y, ridge: float = 0.0) -> np.ndarray:
    """The ``n x m`` matrix that best explains ``Y ≈ M @ X`` (images flattened).

    ``ridge = 0``: least squares; with fewer pairs than inputs (N < m) there are many exact
    fits and this is the one of smallest norm. ``ridge = λ > 0``: minimise the squared error
    plus λ·‖M‖² (always one answer, smaller weights)."""
    X, Y = _pairs(X, Y)
    lam = _ridge(ridge)
    A = X.reshape(len(X), -1)
    B = Y.reshape(len(Y), -1)
    with _one_blas_thread():
        if lam == 0:
            W, *_ = np.linalg.lstsq(A, B, rcond=None)
        else:
            W = np.linalg.solve(A.T @ A + lam * np.eye(A.shape[1]), A.T @ B)
    return W.T


def excess_error(M_hat, M) -> float:
    """Mean squared error of ``M_hat`` against ``M`` per output value, on a new input of
    independent standard-normal pixels, noise not counted: ``‖M_hat - M‖² / n``."""
    M_hat = _checks.array(M_hat, "M_hat", ndims=(2,))
    M = _checks.array(M, "M", ndims=(2,))
    if M_hat.shape != M.shape:
        raise ValueError(f"M_hat must have M's shape {M.shape}, got {M_hat.shape}")
    return float(((M_hat - M) ** 2).sum() / M.shape[0])


def _counts(N):
    N = _checks.array(N, "N", ndims=(0, 1), limit=10**5)
    if not (np.all(np.isfinite(N)) and np.all(N >= 1) and np.all(N == np.round(N))):
        raise ValueError("N must be a whole number of pairs >= 1, or a list of them")
    return N


def _sigma(noise) -> float:
    return _checks.real(noise, "noise", finite=True, minimum=0.0)


def conv_theory(N, noise: float, k: int = 3, n: int = 36):
    """σ²·k²/(N·n): the convolution's expected excess error from N pairs."""
    N, s = _counts(N), _sigma(noise)
    k = _checks.integer(k, "k", minimum=1)
    n = _checks.integer(n, "n", minimum=1)
    return s**2 * k * k / (N * n)


def dense_theory(N, noise: float, m: int = 64):
    """σ²·m/(N − m − 1) for N > m + 1 (NaN elsewhere): the dense layer's expected excess
    error once the pairs determine it."""
    N, s = _counts(N), _sigma(noise)
    m = _checks.integer(m, "m", minimum=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(N > m + 1, s**2 * m / (N - m - 1), np.nan)


def dense_min_norm_theory(N, noise: float, signal: float, m: int = 64):
    """‖M‖²/n·(1 − N/m) + σ²·N/(m − N − 1) for N < m − 1 (NaN elsewhere): the minimum-norm
    fit's expected excess error before the pairs determine it. ``signal`` is ‖M‖²/n, the
    error of predicting 0."""
    N, s = _counts(N), _sigma(noise)
    signal = _checks.real(signal, "signal", finite=True, minimum=0.0)
    m = _checks.integer(m, "m", minimum=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(N < m - 1, signal * (1 - N / m) + s**2 * N / (m - N - 1), np.nan)


def optimal_ridge(noise: float, M) -> float:
    """λ = σ²/τ² with τ² the mean squared entry of ``M``: the best ridge if the weights
    were independent with that spread (a choice that knows how big weights are, not where)."""
    s = _sigma(noise)
    M = _checks.array(M, "M", ndims=(2,))
    tau2 = float((M**2).mean())
    if tau2 == 0:
        raise ValueError("M must not be all zeros")
    return s**2 / tau2


@dataclass
class LeastSquaresRun:
    """``least_squares_curves``' results: for every N, mean and standard deviation over
    ``repeats`` draws of the excess error of each fit, and the theory curves."""

    N: np.ndarray
    noise: float
    ridge: float
    repeats: int
    seed: int
    conv: np.ndarray  # (len(N), repeats)
    dense: np.ndarray
    dense_ridge: np.ndarray
    signal: float  # ‖M‖²/n, the error of predicting 0
    m: int
    n: int

    def mean(self, which: str) -> np.ndarray:
        return getattr(self, which).mean(axis=1)

    def std(self, which: str) -> np.ndarray:
        return getattr(self, which).std(axis=1, ddof=1) if self.repeats > 1 else 0 * self.N

    def table(self, N=None) -> str:
        """Measured mean ± standard deviation against theory, one row per N (default all)."""
        rows = self.N if N is None else np.asarray(N, dtype=float)
        th = self.theory
        lines = [
            f"{'N':>5}  {'conv: measured':>22} {'theory':>9}   {'dense: measured':>22} "
            f"{'theory':>9}   {'ridge: measured':>22}"
        ]
        for n in rows:
            hit = np.flatnonzero(self.N == n)
            if hit.size == 0:
                raise ValueError(f"N={n:g} was not run; choose from {self.N.astype(int).tolist()}")
            i = int(hit[0])
            dense_th = th["dense"][i] if np.isfinite(th["dense"][i]) else th["dense_min_norm"][i]
            cells = [
                f"{self.mean(k)[i]:10.3g} ± {self.std(k)[i]:<9.2g}"
                for k in ("conv", "dense", "dense_ridge")
            ]
            lines.append(
                f"{int(n):>5}  {cells[0]:>22} {th['conv'][i]:>9.3g}   {cells[1]:>22} "
                f"{dense_th:>9.3g}   {cells[2]:>22}"
            )
        return "\n".join(lines)

    @property
    def theory(self) -> dict:
        return {
            "conv": conv_theory(self.N, self.noise, 3, self.n),
            "dense": dense_theory(self.N, self.noise, self.m),
            "dense_min_norm": dense_min_norm_theory(self.N, self.noise, self.signal, self.m),
        }


def least_squares_curves(
    N=(1, 2, 4, 8, 16, 32, 48, 56, 60, 63, 64, 66, 70, 80, 96, 128, 192, 256, 384),
    noise: float = 0.1,
    *,
    w=None,
    repeats: int = 10,
    seed: int = 0,
    ridge: float | None = None,
) -> LeastSquaresRun:
    """Fit the convolution, the dense layer, and the dense layer with ridge from N pairs of
    the 3x3 filter ``w`` (default ``tasks.random_kernel(3, seed=0)``) on 8x8 inputs, for every
    N, ``repeats`` times (fresh pairs each time, from ``seed``). ``ridge=None`` uses
    ``optimal_ridge``."""
    Ns = _counts(N).astype(int)
    s = _sigma(noise)
    repeats = _checks.integer(repeats, "repeats", minimum=1)
    seed = _checks.seed(seed)
    if int(Ns.max()) * repeats > 100_000:
        raise ValueError("max(N) * repeats must be at most 100,000 (it is the pairs drawn)")
    if w is None:
        from cnnlessons.numerics.tasks import random_kernel

        w = random_kernel(3, seed=0)
    w = _checks.array(w, "w", ndims=(2,))
    if w.shape != (3, 3):
        raise ValueError(f"w must be a 3x3 kernel, got shape {w.shape}")
    M = conv_matrix((8, 8), w)
    lam = optimal_ridge(s, M) if ridge is None else _ridge(ridge)
    rng = np.random.default_rng(seed)
    out = {key: np.empty((len(Ns), repeats)) for key in ("conv", "dense", "dense_ridge")}
    with _one_blas_thread():
        for r in range(repeats):
            X, Y = filter_pairs(int(Ns.max()), w, noise=s, seed=int(rng.integers(2**32)))
            for i, n_pairs in enumerate(Ns):  # nested samples: the first n_pairs of one draw
                x, y = X[:n_pairs], Y[:n_pairs]
                # a valid convolution's matrix holds every weight once per row, so
                # ||M_hat - M||² / n = ||w_hat - w||² (the tests check it with conv_matrix)
                out["conv"][i, r] = float(((fit_conv(x, y) - w) ** 2).sum())
                dense = excess_error(fit_dense(x, y), M)
                out["dense"][i, r] = dense
                # ridge 0 is the plain fit (the explorer asks for it): not solved twice
                out["dense_ridge"][i, r] = (
                    dense if lam == 0 else excess_error(fit_dense(x, y, lam), M)
                )
    return LeastSquaresRun(
        N=Ns.astype(float), noise=s, ridge=lam, repeats=repeats, seed=seed,
        signal=float((M**2).sum() / M.shape[0]), m=M.shape[1], n=M.shape[0], **out,
    )  # fmt: skip


def standard_photo(step: int = 16) -> np.ndarray:
    """Grace Hopper's portrait (``images.grace_hopper``) every ``step``-th pixel, scaled to
    mean 0 and standard deviation 1: gradient descent converges faster on centred inputs."""
    from cnnlessons.numerics.images import grace_hopper

    x = grace_hopper(step)
    return (x - x.mean()) / x.std()


@dataclass
class KernelRun:
    """``learn_kernel``'s record: the kernel and the loss before every step (index 0: the
    starting kernel), the true kernel and the learning rate."""

    kernels: np.ndarray  # (steps + 1, k, k)
    losses: np.ndarray  # (steps + 1,)
    target: np.ndarray | None
    lr: float

    @property
    def steps(self) -> int:
        return len(self.losses) - 1


def learn_kernel(x, y, *, k: int = 3, lr: float = 0.1, steps: int = 100, seed: int = 0,
                 target=None) -> KernelRun:  # fmt: skip
    """Gradient descent on the k² weights of ``w`` to make ``conv2d(x, w)`` match ``y``.

    Loss: the mean squared difference over the output. Its gradient with respect to the
    kernel is a correlation of the input with the residual ``r = conv2d(x, w) - y``:
    ``grad = 2/n · conv2d(x, r)``, a k x k array (``n`` output pixels). Starts from small
    random weights (``seed``); records every step. ``target`` (the true kernel) is stored
    for plotting only.
    """
    x = _checks.array(x, "x", ndims=(2,))
    y = _checks.array(y, "y", ndims=(2,))
    k = _checks.integer(k, "k", minimum=1)
    steps = _checks.integer(steps, "steps", minimum=1)
    if isinstance(lr, bool) or not isinstance(lr, numbers.Real) or not (0 < lr < np.inf):
        raise ValueError(f"lr must be a finite number > 0, got {lr!r}")
    expected = (x.shape[0] - k + 1, x.shape[1] - k + 1)
    if y.shape != expected:
        raise ValueError(f"y must have shape {expected} (x filtered by a {k}x{k}), got {y.shape}")
    for name, a in (("x", x), ("y", y)):
        if not np.isfinite(a).all():
            raise ValueError(f"{name} contains NaN or infinite values")
    w = np.random.default_rng(seed).normal(0, 0.1, (k, k))
    kernels = np.empty((steps + 1, k, k))
    losses = np.empty(steps + 1)
    n = y.size
    for t in range(steps + 1):
        r = conv2d(x, w) - y
        with np.errstate(over="ignore", invalid="ignore"):
            kernels[t], losses[t] = w, float((r**2).mean())
        if not np.isfinite(losses[t]):
            raise ValueError(f"the loss diverged at step {t}: lr={lr} is too large")
        if t < steps:
            w = w - lr * 2 / n * conv2d(x, r)
    tgt = None if target is None else _checks.array(target, "target", ndims=(2,))
    return KernelRun(kernels=kernels, losses=losses, target=tgt, lr=float(lr))


# ----------------------------------------------------------------------------- classification
@dataclass
class ClassificationRun:
    """``classification_curves``' results. ``train`` and ``test`` map ``(model, shuffled)``
    to accuracies of shape ``(len(N), len(seeds))``; ``seconds`` to training times."""

    N: np.ndarray
    seeds: tuple
    noise: float
    test_size: int
    steps: int
    batch_size: int
    n_parameters: dict
    train: dict
    test: dict
    seconds: dict
    examples_per_second: dict

    def gaps(self, shuffled: bool = False) -> str:
        """Conv net minus dense net, test accuracy, per N: the mean over seeds and the range
        of the per-seed differences (both nets trained on the same examples per seed)."""
        d = self.test[("conv", shuffled)] - self.test[("dense", shuffled)]
        return "\n".join(
            f"N = {int(n):>5}: conv − dense = {row.mean():+.3f} "
            f"(per seed from {row.min():+.3f} to {row.max():+.3f})"
            for n, row in zip(self.N, d, strict=True)
        )

    def timing(self) -> str:
        """Training time per model: total, per training, and examples per second."""
        lines = []
        for key, sec in self.seconds.items():
            model, shuffled = key
            lines.append(
                f"{model:<6}{'shuffled' if shuffled else 'as is':<9} {sec.sum():6.2f} s for "
                f"{sec.size} trainings ({1000 * sec.mean():.0f} ms each, "
                f"{np.median(self.examples_per_second[key]):,.0f} examples/s)"
            )
        return "\n".join(lines)

    def table(self) -> str:
        """The accuracy table as text: one row per (model, pixels), one column per N,
        test accuracy as mean ± standard deviation over the seeds (train accuracy below)."""
        head = f"{'model':<7}{'pixels':<10}" + "".join(f"{int(n):>14}" for n in self.N)
        lines = [head]
        for (model, shuffled), acc in self.test.items():
            label = f"{model:<7}{'shuffled' if shuffled else 'as is':<10}"
            cells = "".join(
                f"{m:>8.3f} ± {s:.3f}" if len(self.seeds) > 1 else f"{m:>14.3f}"
                for m, s in zip(
                    acc.mean(1), acc.std(1, ddof=min(1, len(self.seeds) - 1)), strict=True
                )  # fmt: skip
            )
            train = "".join(f"{m:>14.3f}" for m in self.train[(model, shuffled)].mean(1))
            lines += [label + cells, f"{'':<7}{'(train)':<10}" + train]
        return "\n".join(lines)


def classification_curves(
    N=(10, 30, 100, 300, 1000),
    seeds=(0, 1, 2),
    *,
    noise: float = 0.3,
    test_size: int = 1000,
    steps: int = 100,
    batch_size: int = 32,
    lr: float = 0.05,
    filters: int = 6,
    hidden: int = 32,
    shuffled=(False, True),
    perm_seed: int = 0,
    test_seed: int = 12345,
) -> ClassificationRun:
    """Train lesson 05's conv net and dense net on the first N examples of
    ``tasks.pattern_task(max(N), seed=s)`` for every N and seed, with pixels as they are and
    shuffled by one fixed permutation; measure accuracy on a separate test set of
    ``test_size`` images (``seed=test_seed``). Each training: ``steps`` Adam steps of
    ``batch_size`` examples. The dense net on shuffled pixels starts from the *same* weights,
    permuted the same way (``learning.permute_dense_inputs``)."""
    from cnnlessons.numerics.tasks import pattern_task, pixel_permutation, shuffle_pixels
    from cnnlessons.numerics.training import (
        Adam,
        accuracy,
        conv_net,
        dense_net,
        permute_dense_inputs,
    )

    Ns = _counts(N).astype(int)
    seeds = tuple(_checks.integers(seeds, "seeds", minimum=0, maximum=2**63 - 1, limit=100))
    shuffled = _checks.flags(shuffled, "shuffled")
    perm_seed = _checks.seed(perm_seed, "perm_seed")
    test_seed = _checks.seed(test_seed, "test_seed")
    for value, name in ((steps, "steps"), (batch_size, "batch_size"), (filters, "filters"),
                        (hidden, "hidden")):  # fmt: skip
        _checks.integer(value, name, minimum=1, maximum=100_000)
    _checks.real(lr, "lr", finite=True, positive=True)
    _sigma(noise)
    test_size = _checks.integer(test_size, "test_size", minimum=1)
    if Ns.max() > 20_000 or test_size > 20_000:
        raise ValueError("N and test_size must be at most 20,000 images each")
    xt, yt = pattern_task(test_size, noise=noise, seed=test_seed)
    perm = pixel_permutation(xt[0].size, seed=perm_seed)
    views = {False: lambda a: a, True: lambda a: shuffle_pixels(a, perm)}
    make = {
        ("conv", False): lambda s: conv_net(filters=filters, seed=s),
        ("conv", True): lambda s: conv_net(filters=filters, seed=s),
        ("dense", False): lambda s: dense_net(hidden=hidden, seed=s),
        ("dense", True): lambda s: permute_dense_inputs(dense_net(hidden=hidden, seed=s), perm),
    }
    keys = [(m, sh) for m in ("conv", "dense") for sh in shuffled]
    shape = (len(Ns), len(seeds))
    train = {k: np.empty(shape) for k in keys}
    test = {k: np.empty(shape) for k in keys}
    seconds = {k: np.empty(shape) for k in keys}
    rate = {k: np.empty(shape) for k in keys}
    for j, s in enumerate(seeds):
        x_all, y_all = pattern_task(int(Ns.max()), noise=noise, seed=s)
        for i, n in enumerate(Ns):
            for key in keys:
                view = views[key[1]]
                net = make[key](s)
                h = net.fit(view(x_all[:n]), y_all[:n], steps=steps, batch_size=batch_size,
                            optimizer=Adam(lr), seed=s)  # fmt: skip
                train[key][i, j] = h["train_accuracy"]
                test[key][i, j] = accuracy(net, view(xt), yt)
                seconds[key][i, j] = h["seconds"]
                rate[key][i, j] = h["examples_per_second"]
    n_params = {m: make[(m, False)](0).n_parameters for m in ("conv", "dense")}
    return ClassificationRun(
        N=Ns.astype(float), seeds=seeds, noise=float(noise), test_size=test_size, steps=steps,
        batch_size=batch_size, n_parameters=n_params, train=train, test=test, seconds=seconds,
        examples_per_second=rate,
    )  # fmt: skip
