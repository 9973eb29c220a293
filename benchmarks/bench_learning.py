"""Training speed of lesson 05's networks (and of the kind lessons 07-08 train).

    .venv/bin/python benchmarks/bench_learning.py

Prints, per model: the median time of a training run (100 Adam steps of 32 examples on the
16x16 pattern task, as the notebook trains), examples per second, the same with numpy's
BLAS on all its threads, and where a step's time goes, layer by layer (forward + backward,
median over steps). Then the notebook's whole classification experiment, timed once. This
machine is shared: read medians, expect run-to-run spread.
"""

from __future__ import annotations

import statistics
import sys
import time

import numpy as np

from cnnlessons.lesson05.numerics import fewshot
from cnnlessons.numerics import layers as L
from cnnlessons.numerics import tasks
from cnnlessons.numerics import training as T

STEPS, BATCH, RUNS = 100, 32, 5


def models():
    """name -> a function making a fresh network from a seed."""

    def strided(pool):
        def make(seed):
            rng = np.random.default_rng(seed)
            conv = L.Conv2d(1, 8, 3, padding=1, padding_mode="circular", rng=rng)
            side = 8
            return T.Network(
                [conv, L.ReLU(), pool(), L.Flatten(), L.Dense(8 * side * side, 2, rng=rng)],
                (1, 16, 16), 2,
            )  # fmt: skip

        return make

    return {
        "conv net (6 filters, global max)": lambda s: T.conv_net(filters=6, seed=s),
        "dense net (32 hidden)": lambda s: T.dense_net(hidden=32, seed=s),
        "conv + max pool 2 (lesson 08)": strided(lambda: L.MaxPool2d(2)),
        "conv + max 2/1 + blur pool (08)": strided(
            lambda: _Chain(L.MaxPool2d(2, stride=1, padding=0), L.BlurPool2d(2))
        ),
    }


class _Chain(L.Layer):
    """Two parameter-free layers as one (max pooling at stride 1, then blur pooling)."""

    def __init__(self, a, b):
        super().__init__()
        self.a, self.b = a, b

    def forward(self, x):
        return self.b.forward(self.a.forward(x))

    def backward(self, grad):
        return self.a.backward(self.b.backward(grad))

    def __repr__(self):
        return f"{self.a!r} -> {self.b!r}"


def train_once(make, x, y, seed, threads_one=True):
    net = make(seed)
    if threads_one:
        h = net.fit(x, y, steps=STEPS, batch_size=BATCH, optimizer=T.Adam(0.05), seed=seed)
        return h["seconds"]
    # the same loop without limiting BLAS to one thread
    opt, rng = T.Adam(0.05), np.random.default_rng(seed)
    t0 = time.perf_counter()
    for _ in range(STEPS):
        idx = rng.integers(0, len(x), BATCH)
        net.gradient_step(x[idx], y[idx], opt)
    return time.perf_counter() - t0


def layer_profile(make, x, y, steps=200):
    """Median milliseconds per step spent in each layer (forward + backward)."""
    net, opt = make(0), T.Adam(0.05)
    rng = np.random.default_rng(0)
    spent = {i: [] for i in range(len(net.layers))}
    spent["loss + update"] = []
    with T.single_threaded():
        for _ in range(steps):
            idx = rng.integers(0, len(x), BATCH)
            h, times = x[idx], {}
            for i, layer in enumerate(net.layers):
                t0 = time.perf_counter()
                h = layer.forward(h)
                times[i] = time.perf_counter() - t0
            t0 = time.perf_counter()
            _, g = T.softmax_cross_entropy(h, y[idx])
            rest = time.perf_counter() - t0
            for i in reversed(range(len(net.layers))):
                t0 = time.perf_counter()
                g = net.layers[i].backward(g)
                times[i] += time.perf_counter() - t0
                if g is None:
                    break
            t0 = time.perf_counter()
            opt.step(net.layers)
            rest += time.perf_counter() - t0
            for i, t in times.items():
                spent[i].append(t)
            spent["loss + update"].append(rest)
    names = {i: repr(layer) for i, layer in enumerate(net.layers)}
    return {names.get(k, k): 1e3 * statistics.median(v) for k, v in spent.items()}


def main() -> int:
    x, y = tasks.pattern_task(1000, noise=0.3, seed=0)
    print(f"Training: {STEPS} Adam steps of {BATCH} examples on 1,000 16x16 images; "
          f"median of {RUNS} runs\n")  # fmt: skip
    print(f"{'model':<34}{'params':>8}{'train s':>10}{'examples/s':>12}{'all threads s':>15}")
    for name, make in models().items():
        one = [train_once(make, x, y, s) for s in range(RUNS)]
        many = [train_once(make, x, y, s, threads_one=False) for s in range(RUNS)]
        med = statistics.median(one)
        print(f"{name:<34}{make(0).n_parameters:>8,}{med:>10.3f}{STEPS * BATCH / med:>12,.0f}"
              f"{statistics.median(many):>15.3f}")  # fmt: skip
    for name, make in list(models().items())[:2]:
        print(f"\nWhere a step of the {name} goes (ms, median over 200 steps):")
        prof = layer_profile(make, x, y)
        total = sum(prof.values())
        for layer, ms in sorted(prof.items(), key=lambda kv: -kv[1]):
            print(f"  {ms:7.3f}  {100 * ms / total:5.1f} %  {layer}")
    t0 = time.perf_counter()
    run = fewshot.classification_curves()
    wall = time.perf_counter() - t0
    train = sum(v.sum() for v in run.seconds.values())
    print(f"\nThe notebook's classification experiment: {wall:.2f} s in all, {train:.2f} s of it "
          f"training ({sum(v.size for v in run.seconds.values())} trainings)")  # fmt: skip
    print(run.timing())
    return 0


if __name__ == "__main__":
    sys.exit(main())
