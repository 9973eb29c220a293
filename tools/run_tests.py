"""Every test, in the time the browser tests take (``make test``).

The browser tests run in front, alone at normal priority: their time budgets (a phone's
first picture, Voila's) measure the page. They spend most of their time waiting on pages
and kernels, with a core idle; the tests without a browser, the notebooks' and the
doctests run alongside on every core at the lowest priority (``nice 19``, pytest-xdist), so
they use that idle time and never take a core from the browser. Their output goes to
``test-artifacts/tests-without-a-browser.log`` and is printed once both are done.

    python tools/run_tests.py            # what make test runs after ruff and lint-imports
    python tools/run_tests.py --in-series  # one after the other (a machine with one core)

Exit status: 0 when both runs passed, else 1 (each run's summary says which failed).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOG = ROOT / "test-artifacts" / "tests-without-a-browser.log"

WITHOUT_BROWSER = [
    "-m", "pytest", "-n", "auto", "--dist", "loadfile", "--durations=10",
    "-p", "no:cacheprovider", "--ignore=tests/browser", "tests",
]  # fmt: skip
BROWSER = ["-m", "pytest", "-o", "addopts=-ra", "--durations=10", "tests/browser"]


def resume(pid: int) -> None:
    """SIGCONT to process ``pid`` and every process under it (the browser tests' helpers
    that pause them: tests/browser_harness.py)."""
    sys.path.insert(0, str(ROOT / "tests"))
    from browser_harness import processes_under, signal_all

    signal_all(processes_under(pid), signal.SIGCONT)


def in_series() -> int:
    """The tests without a browser first (every core), then the browser tests alone."""
    first = subprocess.run([sys.executable, *WITHOUT_BROWSER], cwd=ROOT).returncode
    second = subprocess.run([sys.executable, *BROWSER], cwd=ROOT).returncode
    return 0 if first == second == 0 else 1


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--in-series"] or (os.cpu_count() or 1) < 2:  # no core left idle to share
        return in_series()
    if argv:
        sys.exit("usage: run_tests.py [--in-series]")
    LOG.parent.mkdir(exist_ok=True)
    start = time.monotonic()
    with open(LOG, "w") as log:
        alongside = subprocess.Popen(
            [sys.executable, *WITHOUT_BROWSER],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: os.nice(19),
            start_new_session=True,  # its workers and kernels stop with it on Ctrl-C
        )
        print(f"run_tests: tests without a browser started alongside (nice 19), output in "
              f"{LOG.relative_to(ROOT)}", flush=True)  # fmt: skip
        # the browser tests pause it while they measure a time budget (SIGSTOP, then
        # SIGCONT: tests/browser_harness.py, machine_to_ourselves)
        env = dict(os.environ, CNNLESSONS_ALONGSIDE_PID=str(alongside.pid))
        try:
            front = subprocess.run([sys.executable, *BROWSER], cwd=ROOT, env=env).returncode
            took_front = time.monotonic() - start
            resume(alongside.pid)  # never left paused by a browser run that was killed
            back = alongside.wait()
        except BaseException:
            resume(alongside.pid)
            os.killpg(alongside.pid, signal.SIGTERM)
            raise
    took = time.monotonic() - start
    print(f"\nrun_tests: browser tests done in {took_front:.0f} s; the tests without a browser "
          f"(below) in {took:.0f} s\n", flush=True)  # fmt: skip
    sys.stdout.write(LOG.read_text(errors="replace"))
    print(f"\nrun_tests: browser tests {'passed' if front == 0 else 'FAILED'}, tests without a "
          f"browser {'passed' if back == 0 else 'FAILED'}; {took / 60:.1f} min in all")  # fmt: skip
    return 0 if front == back == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
