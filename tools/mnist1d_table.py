"""MNIST-1D's published table, reproduced in full with the series' numpy network.

    .venv/bin/python tools/mnist1d_table.py [--seeds 0 1 2] [--steps 6000]

Trains logistic regression, the MLP and the CNN of Greydanus & Kobak (their architectures,
Adam 0.01, batches of 100, 6,000 steps by default) as the data are and with one fixed
permutation of the 40 positions, once per seed; prints test accuracy (mean ± sd over the
seeds) beside the published numbers, then test accuracy against the number of training
sequences, MLP against CNN (first seed). Lesson 05 trains the same models for fewer steps;
docs/real_data.md records this script's output, the machine and the time.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

from cnnlessons.lesson05.numerics import mnist1d


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--sizes", type=int, nargs="+", default=[250, 500, 1000, 2000, 4000])
    args = ap.parse_args()
    t0 = time.perf_counter()
    data = mnist1d.load()
    print(
        f"MNIST-1D: {len(data['x_train'])} training and {len(data['x_test'])} test sequences "
        f"of length {data['x_train'].shape[-1]} (built in {time.perf_counter() - t0:.1f} s)"
    )
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.2f}")
    run = mnist1d.benchmark(seeds=tuple(args.seeds), steps=args.steps)
    print(f"\ntest accuracy, {args.steps} steps, mean ± sd over seeds {run.seeds}:")
    print(run.table())
    for key, s in run.seconds.items():
        print(f"  {key[0]:<9} {'shuffled' if key[1] else 'as is':<9} "
              f"{s.mean():6.1f} s per training run")
    t1 = time.perf_counter()
    curve = mnist1d.learning_curve(tuple(args.sizes), seed=args.seeds[0], steps=args.steps)
    print(f"\ntest accuracy against training sequences (seed {args.seeds[0]}, "
          f"{args.steps} steps):")
    print(f"{'N':>6}{'MLP':>8}{'CNN':>8}")
    for i, n in enumerate(curve["sizes"]):
        print(f"{n:>6}{curve['mlp'][i]:>8.1%}{curve['cnn'][i]:>8.1%}")
    print(f"\nlearning curve {time.perf_counter() - t1:.0f} s; "
          f"total {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
