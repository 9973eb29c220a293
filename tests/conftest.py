import gc
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # browser_harness


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Let fixtures see whether the test itself failed (screenshots on failure)."""
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


#: test files that start first when the tests are spread over workers (make test): the
#: wheel test is one test of ~100 s; started last, it ran alone while the other worker sat idle
FIRST = ("tests/project/test_install.py",)


def pytest_collection_modifyitems(config, items):
    first = [i for i in items if i.nodeid.startswith(FIRST)]
    if first:
        items[:] = first + [i for i in items if not i.nodeid.startswith(FIRST)]


@pytest.fixture(autouse=True, scope="module")
def _widgets_closed_when_a_file_ends():
    """Each test file's widgets are closed when it ends. ipywidgets keeps every widget open
    in a registry, and an explorer's widgets keep the explorer alive: a worker kept every
    explorer of every file it ran (3.6 and 5.5 GB in one run), and ``finish_all()`` in one
    test drew the pending frames of them all (93 s instead of 0.2 s)."""
    yield
    if "ipywidgets" in sys.modules:
        sys.modules["ipywidgets"].Widget.close_all()
        gc.collect()
