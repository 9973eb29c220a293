"""Slider -> new pixels on the page, for every explorer, against the common baseline.

    make bench-explorers          # or: .venv/bin/python benchmarks/bench_explorers.py

Starts JupyterLab (127.0.0.1, random port and token), opens one notebook per case in headless
Chromium, and moves each slider through its real front-end path (noUiSlider.set, as a drag
does). Times are taken inside the page (performance.now() from the move to the first animation
frame showing new pixels, so every sample is rounded up to a frame, ~16.7 ms). In the same run
it times the baseline: ``ipywidgets.interactive`` with the inline backend, rebuilding the same
figure on every step. Rounds are interleaved, so machine noise hits every case alike.

Kernel-side update work (no browser) is timed in this process: what one slider step costs
in Python, including encoding the picture where the kernel has to.

Goals (issue "Live explorers"): median <= 33 ms, p90 <= 50 ms, >= 30 frames/s while dragging,
>= 3x faster than the baseline, kernel-side <= 10 ms median.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import browser_harness as h  # noqa: E402

SETUP = "from cnnlessons.explorers import SlidingWindowExplorer"
BASELINE_CODE = """\
%matplotlib inline
import ipywidgets as widgets
import matplotlib.pyplot as plt
import cnnlessons as cl
from cnnlessons import style
from cnnlessons.figures import SlidingWindowFigure

def show(position=0):
    with plt.rc_context(style.RC):
        fig = plt.figure(figsize=(9.4, 3.4), dpi=100, layout="constrained")
        view = SlidingWindowFigure(fig, cl.edge_example(), cl.kernel("vertical edge"))
        view.show(*divmod(position, 4))
        plt.show()

slider = widgets.IntSlider(0, 0, 15, description="position")
slider.add_class("cnnl-control-position")
ui = widgets.interactive(show, position=slider)
ui.add_class("cnnl-baseline")
ui"""

# case name -> (notebook code, slider selector, picture selector, slider range)
CASES = {
    "sliding window, frames": (
        f"{SETUP}\nSlidingWindowExplorer()",
        ".cnnl-explorer .cnnl-control-position",
        ".cnnl-explorer .cnnl-picture",
        (0, 15),
    ),
    "sliding window, blit": (
        f"{SETUP}\nSlidingWindowExplorer(renderer='blit')",
        ".cnnl-explorer .cnnl-control-position",
        ".cnnl-explorer .cnnl-picture",
        (0, 15),
    ),
    "baseline: interact + inline": (
        BASELINE_CODE,
        ".cnnl-baseline .cnnl-control-position",
        f".cnnl-baseline {h.OUTPUT_IMAGE}",
        (0, 15),
    ),
}
BASELINE = "baseline: interact + inline"


def write_notebook(path: Path, code: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, path)


def kernel_side_ms(case: str, repeats: int = 60) -> float:
    """Median Python time of one slider step, measured here without a browser."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    from cnnlessons.explorers import SlidingWindowExplorer

    times = []
    if case == BASELINE:
        import matplotlib.pyplot as plt

        import cnnlessons as cl
        from cnnlessons import style
        from cnnlessons.figures import SlidingWindowFigure

        for i in range(repeats // 3):
            t0 = time.perf_counter()
            with plt.rc_context(style.RC):
                fig = plt.figure(figsize=(9.4, 3.4), dpi=100, layout="constrained")
                view = SlidingWindowFigure(fig, cl.edge_example(), cl.kernel("vertical edge"))
                view.show(*divmod(i % 16, 4))
                fig.savefig(io.BytesIO(), format="png")  # what the inline backend does
                plt.close(fig)
            times.append((time.perf_counter() - t0) * 1e3)
        return statistics.median(times)
    explorer = SlidingWindowExplorer(renderer="blit" if "blit" in case else "frames")
    if explorer.renderer == "blit":
        explorer.canvas.syncing_data_url = False  # as once a page shows the canvas
        explorer.canvas.draw()
    slider = explorer.controls["position"]
    for _ in range(repeats):
        t0 = time.perf_counter()
        slider.value = (slider.value + 1) % 16
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=30, help="measured steps per round")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds")
    args = parser.parse_args()
    if h.CHROMIUM is None:
        print("no Chromium found: apt-get install chromium (or set CNNLESSONS_CHROMIUM)")
        return 1

    samples = {case: [] for case in CASES}
    drags = {case: [] for case in CASES}
    root = Path(tempfile.mkdtemp(prefix="cnnl-bench-"))
    names = {}
    for n, (case, (code, *_)) in enumerate(CASES.items()):
        names[case] = f"case{n}.ipynb"
        write_notebook(root / names[case], code)
    t_start = time.monotonic()
    with h.JupyterLabServer(root) as server, h.chromium_page() as page:
        for _ in range(args.rounds):
            for case, (_, slider, picture, (lo, hi)) in CASES.items():
                h.open_notebook(page, server, names[case])
                h.run_all_cells(page)
                errors = h.collect_errors(page)
                if errors:
                    raise RuntimeError(f"{case}: {errors}")
                h.wait_for_picture(page, picture, slider)
                result = h.measure_step_latency(
                    page, slider, picture, n_steps=args.steps, warmup=5, lo=lo, hi=hi
                )
                if result.timeouts:
                    raise RuntimeError(f"{case}: {result.timeouts} steps showed no new picture")
                samples[case] += result.samples_ms
                drags[case].append(h.measure_drag(page, slider, picture, lo=lo, hi=hi))
                h.close_notebook(page)
    wall = time.monotonic() - t_start

    base = statistics.median(samples[BASELINE])
    print(
        f"{args.rounds} interleaved rounds x {args.steps} steps per case; {wall:.0f} s; "
        "latency = slider moved -> first frame with new pixels"
    )
    print(
        "| explorer | median ms | p90 ms | frames in 2 s drag | baseline / this | "
        "kernel-side ms | goals |"
    )
    print("|---|---:|---:|---:|---:|---:|---|")
    for case in CASES:
        stats = h.summarize(samples[case])
        frames = [d["changes"] for d in drags[case]]
        kernel = kernel_side_ms(case)
        ratio = base / stats["median"]
        met = (
            stats["median"] <= 33
            and stats["p90"] <= 50
            and min(frames) >= 60
            and ratio >= 3
            and kernel <= 10
        )
        goal = "baseline" if case == BASELINE else ("met" if met else "not met")
        print(
            f"| {case} | {stats['median']:.1f} | {stats['p90']:.1f} | "
            f"{'/'.join(map(str, frames))} | {ratio:.1f}x | {kernel:.1f} | {goal} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
