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
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import browser_harness as h  # noqa: E402

SETUP = "from cnnlessons.explorers import *"
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
ui.add_class("cnnl-explorer")
ui"""
BASELINE = "baseline: interact + inline (sliding window)"


@dataclass
class Case:
    """One control of one explorer, as the lessons make it (``make``: the expression)."""

    make: str
    control: str
    lo: int = 0  # slider range stepped through (menus: every option in turn)
    hi: int = 0
    menu: bool = False

    @property
    def code(self) -> str:
        if "\n" in self.make:  # a whole cell (the baseline)
            return self.make
        return f"{SETUP}\ne = {self.make}\ne"


# the lessons' explorers, each control a learner moves (lesson in brackets)
CASES = {
    "sliding window: position (00, 01)": Case("SlidingWindowExplorer()", "position", 0, 15),
    "sliding window, blit: position (clicks)": Case(
        "SlidingWindowExplorer(renderer='blit')", "position", 0, 15
    ),
    "sliding window: kernel menu (01)": Case("SlidingWindowExplorer()", "kernel", menu=True),
    "photo: kernel menu (01)": Case("PhotoExplorer()", "kernel", menu=True),
    "output size: i (01)": Case("OutputSizeExplorer(i=7, k=3, padding=1, stride=2)", "i", 3, 9),
    "connections: unit (02)": Case("ConnectionsExplorer(n_inputs=9, k=3)", "unit", 0, 8),
    "connections: k (02)": Case("ConnectionsExplorer(n_inputs=9, k=3)", "k", 0, 3),
    "connections: layer buttons (02)": Case(
        "ConnectionsExplorer(n_inputs=9, k=3)", "kind", menu=True
    ),
    "connections: seen-from buttons (02)": Case(
        "ConnectionsExplorer(n_inputs=9, k=3)", "side", menu=True
    ),
    "dependency: output (02)": Case("DependencyExplorer()", "output", 0, 15),
    "weight matrix: layer menu (03)": Case("WeightMatrixExplorer()", "kind", menu=True),
    "weight matrix: 1-D/2-D buttons (03)": Case("WeightMatrixExplorer()", "dims", menu=True),
    "parameter count: height (03)": Case("ParameterCountExplorer(preset='seed')", "height", 8, 40),
    BASELINE: Case(BASELINE_CODE, "position", 0, 15),
}


def write_notebook(path: Path, code: str) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, path)


def kernel_side_ms(name: str, repeats: int = 40) -> float:
    """Median Python time of one step of the control, measured here without a browser
    (the blit canvas as once a page shows it: rendering, encoding and sending a PNG)."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import cnnlessons.explorers as explorers

    times = []
    case = CASES[name]
    if name == BASELINE:
        import matplotlib.pyplot as plt

        import cnnlessons as cl
        from cnnlessons import style
        from cnnlessons.figures import SlidingWindowFigure

        for i in range(repeats // 2):
            t0 = time.perf_counter()
            with plt.rc_context(style.RC):
                fig = plt.figure(figsize=(9.4, 3.4), dpi=100, layout="constrained")
                view = SlidingWindowFigure(fig, cl.edge_example(), cl.kernel("vertical edge"))
                view.show(*divmod(i % 16, 4))
                fig.savefig(io.BytesIO(), format="png")  # what the inline backend does
                plt.close(fig)
            times.append((time.perf_counter() - t0) * 1e3)
        return statistics.median(times)
    explorer = eval(case.make, vars(explorers))  # noqa: S307 - our own expressions above
    if explorer.renderer == "blit":
        explorer.canvas.syncing_data_url = False  # as once a page shows the canvas
        explorer.canvas.draw()
    control = explorer.controls[case.control]
    values = (
        [o[1] if isinstance(o, tuple) else o for o in control.options]
        if hasattr(control, "options")
        else list(range(case.lo, case.hi + 1, getattr(control, "step", 1)))
    )
    for _ in range(repeats):
        t0 = time.perf_counter()
        control.value = values[(values.index(control.value) + 1) % len(values)]
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def measure_menu(page, control_sel: str, picture_sel: str, n_steps: int, warmup=3) -> list:
    """Latency of choosing the next entry of a menu or button row, n_steps times."""
    samples = []
    for i in range(warmup + n_steps):
        ms = page.evaluate(
            "([a, b]) => window.__cnn.choose(a, b, 10000)", [control_sel, picture_sel]
        )
        page.evaluate("(s) => window.__cnn.settle(s, 150, 15000)", picture_sel)
        if ms < 0:
            raise RuntimeError(f"{control_sel}: a choice showed no new picture")
        if i >= warmup:
            samples.append(ms)
    return samples


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=30, help="measured steps per round")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds")
    parser.add_argument(
        "--only",
        default="",
        help="measure only the cases whose name contains this (and the baseline)",
    )
    args = parser.parse_args()
    for name in [n for n in CASES if args.only not in n and n != BASELINE]:
        del CASES[name]
    if h.CHROMIUM is None:
        print("no Chromium found: apt-get install chromium (or set CNNLESSONS_CHROMIUM)")
        return 1

    samples = {case: [] for case in CASES}
    drags = {case: [] for case in CASES}
    root = Path(tempfile.mkdtemp(prefix="cnnl-bench-"))
    names = {}
    for n, (name, case) in enumerate(CASES.items()):
        names[name] = f"case{n}.ipynb"
        write_notebook(root / names[name], case.code)
    t_start = time.monotonic()
    with h.JupyterLabServer(root) as server, h.chromium_page() as page:
        for _ in range(args.rounds):
            for name, case in CASES.items():
                control = f".cnnl-explorer .cnnl-control-{case.control}"
                picture = (
                    f".cnnl-explorer {h.OUTPUT_IMAGE}"
                    if name == BASELINE
                    else ".cnnl-explorer .cnnl-picture"
                )
                h.open_notebook(page, server, names[name])
                h.run_all_cells(page)
                errors = h.collect_errors(page)
                if errors:
                    raise RuntimeError(f"{name}: {errors}")
                h.wait_for_picture(page, picture, None if case.menu else control)
                if name != BASELINE:  # frames drawn after the explorer shows: wait for them
                    wait_s = time.monotonic()
                    while h.kernel_exec(page, "print(getattr(e, 'frames_pending', 0))") != "0\n":
                        time.sleep(0.2)
                    print(f"{name}: frames ready {time.monotonic() - wait_s:.1f} s after showing")
                if case.menu:
                    samples[name] += measure_menu(page, control, picture, args.steps)
                    h.close_notebook(page)
                    continue
                step = page.evaluate("(s) => window.__cnn.slider(s).options.step || 1", control)
                result = h.measure_step_latency(
                    page, control, picture, n_steps=args.steps, warmup=5,
                    lo=case.lo, hi=case.hi, step=step,
                )  # fmt: skip
                if result.timeouts:
                    raise RuntimeError(f"{name}: {result.timeouts} steps showed no new picture")
                samples[name] += result.samples_ms
                drags[name].append(
                    h.measure_drag(page, control, picture, lo=case.lo, hi=case.hi, step=step)
                )
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
    for name in CASES:
        stats = h.summarize(samples[name])
        frames = [d["changes"] for d in drags[name]]
        kernel = kernel_side_ms(name)
        ratio = base / stats["median"]
        met = (
            stats["median"] <= 33
            and stats["p90"] <= 50
            and (not frames or min(frames) >= 60)
            and ratio >= 3
            and kernel <= 10
        )
        goal = "baseline" if name == BASELINE else ("met" if met else "not met")
        shown = "/".join(map(str, frames)) if frames else "(menu)"
        print(
            f"| {name} | {stats['median']:.1f} | {stats['p90']:.1f} | "
            f"{shown} | {ratio:.1f}x | {kernel:.1f} | {goal} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
