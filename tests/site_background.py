"""The web edition built in the background while the other browser tests run.

Building the site (``tools/build_site.py``: every lesson executed, every frame of every
explorer drawn and encoded) takes minutes of CPU, while the browser tests before
``test_site.py`` mostly wait on pages and kernels with a core idle. ``start`` launches the
build as soon as the tests are collected (``tests/browser/conftest.py``), at a lower priority
than the browser tests (``NICE``: their time budgets measure the page, not the build), and
``wait`` gives ``test_site.py``'s ``site`` fixture the finished build, or builds it there when
nothing was started (a site test run on its own under pytest-xdist, say).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from browser_harness import BACKGROUND  # where the build's process id is given

ROOT = Path(__file__).resolve().parents[1]
#: the build's niceness: below the browser tests (0), above the tests without a browser that
#: ``tools/run_tests.py`` runs alongside (19), which the site tests wait for
NICE = 10
_build: dict = {}


def start() -> None:
    """Start building the site in a temporary folder, once (not without npm: test_site.py's
    fixture says what is missing)."""
    if _build or shutil.which("npm") is None:
        return
    work = Path(tempfile.mkdtemp(prefix="cnnl-site-"))
    log = open(work / "build.log", "w")  # noqa: SIM115 - closed by stop(), at the session's end
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "tools" / "build_site.py"), "--out", str(work / "site")],
        stdout=log,
        stderr=subprocess.STDOUT,
        preexec_fn=lambda: os.nice(NICE),
        start_new_session=True,  # its kernels and workers go with it (``stop``)
    )
    _build.update(proc=proc, work=work, log=log)
    # paused with the tests run alongside while a time budget is measured
    # (browser_harness.machine_to_ourselves)
    os.environ[BACKGROUND] = str(proc.pid)


def wait(timeout: float = 3600) -> Path:
    """The site's folder once its build has finished (started here now if it was not);
    an ``AssertionError`` with the build's output if it failed."""
    if not _build:
        start()
    proc, work, log = _build["proc"], _build["work"], _build["log"]
    try:
        code = proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop()
        raise
    finally:
        log.flush()
    text = (work / "build.log").read_text(errors="replace")
    assert code == 0, f"tools/build_site.py failed ({code}):\n{text[-8000:]}"
    return work / "site"


def stop() -> None:
    """Stop a build still running and remove its folder (the session is over)."""
    if not _build:
        return
    proc, work, log = _build.pop("proc"), _build.pop("work"), _build.pop("log")
    os.environ.pop(BACKGROUND, None)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    log.close()
    shutil.rmtree(work, ignore_errors=True)
