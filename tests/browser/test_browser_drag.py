"""A fast hand on every control of every explorer the lessons make, in a real JupyterLab and
headless Chromium: each slider set every animation frame for 2 s, sweeping its whole range
about once a second, back and forth; each menu or row of buttons flicked to its next entry
every animation frame for half a second. No exception may reach the kernel's stderr (a
traceback from a widget message), the kernel's output or the page; afterwards each picture
settles on the frame its page's controls select.

Without Chromium these tests are skipped with a reason, unless CNNLESSONS_REQUIRE_BROWSER=1.
"""

import shutil
from pathlib import Path

import browser_harness as h
import nbformat
import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
NOTEBOOK = "zz_fast_hand.ipynb"
SWEEP_MS = 1000  # the whole range, one way
DRAG_MS = 2000
FLICK_MS = 500

h.need_chromium(module=True)


def write_notebook(path: Path) -> int:
    """One notebook making every explorer the lessons make, a cell each; how many."""
    makes = list(dict.fromkeys(code for _, code in h.notebook_explorers(ROOT / "notebooks")))
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}  # fmt: skip
    nb.cells = [nbformat.v4.new_code_cell(h.EVERY_EXPLORER)]
    nb.cells += [nbformat.v4.new_code_cell(make) for make in makes]
    nbformat.write(nb, path)
    return len(makes)


def tracebacks(log: Path, start: int) -> list[str]:
    """Tracebacks the server's log (the kernel's stderr) got after byte ``start``."""
    text = log.read_bytes()[start:].decode(errors="replace")
    return [part[:600] for part in text.split("Traceback")[1:]]


def test_a_fast_hand_on_every_control_of_every_explorer_raises_nothing(tmp_path):
    root = tmp_path / "lab"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    made = write_notebook(root / "notebooks" / NOTEBOOK)
    with h.JupyterLabServer(root) as server, h.chromium_page() as page:
        exceptions = []
        page.on("pageerror", lambda error: exceptions.append(str(error)))
        h.open_notebook(page, server, f"notebooks/{NOTEBOOK}")
        try:
            h.run_all_cells(page)
            assert h.collect_errors(page) == []
            start = server.log_path.stat().st_size
            explorers = page.evaluate("""() => [...document.querySelectorAll('.cnnl-explorer')]
                .map(e => {
                    const controls = [...e.querySelectorAll('[class*="cnnl-control-"]')];
                    const name = c => [...c.classList].find(k => k.startsWith('cnnl-control-'));
                    return {
                        id: [...e.classList].find(c => /^cnnl-explorer-\\d+$/.test(c)),
                        sliders: controls.filter(c => c.querySelector('.noUi-target')).map(name),
                        choices: controls.filter(c => c.querySelector('select') ||
                            c.querySelectorAll('.widget-toggle-button').length > 1).map(name),
                    };
                })""")
            assert len(explorers) == made
            moved = 0
            for explorer in explorers:
                dom_id = explorer["id"]
                picture = f".{dom_id} .cnnl-picture"
                page.locator(f".{dom_id}").scroll_into_view_if_needed()
                h.wait_for_picture(page, picture)
                for control in explorer["sliders"]:
                    slider = f".{dom_id} .{control}"
                    lo, hi, step = page.evaluate(
                        "(s) => { const o = window.__cnn.slider(s).options;"
                        " return [o.range.min, o.range.max, o.step || 1]; }",
                        slider,
                    )
                    drag = h.measure_drag(page, slider, picture, duration_ms=DRAG_MS, lo=lo,
                                          hi=hi, step=step, sweep_ms=SWEEP_MS)  # fmt: skip
                    assert drag["settled"], (dom_id, control, drag)
                    moved += 1
                for control in explorer["choices"]:
                    page.evaluate(
                        "([s, d]) => window.__cnn.flick(s, d)", [f".{dom_id} .{control}", FLICK_MS]
                    )
                    moved += 1
                # the picture ends on the frame the page's controls select
                try:
                    page.wait_for_function(
                        "(s) => { const d = document.querySelector(s).dataset;"
                        " return d.frame && d.frame === d.wanted; }",
                        arg=picture,
                        timeout=20_000,
                    )
                except h.PlaywrightTimeout:
                    shown = page.evaluate(
                        "(s) => ({...document.querySelector(s).dataset})", picture
                    )
                    raise AssertionError(
                        f"{dom_id} never showed its frame: {shown}; kernel: "
                        f"{tracebacks(server.log_path, start)} {h.collect_errors(page)}"
                    ) from None
            page.evaluate("(s) => window.__cnn.settle(s, 300, 15000)", ".cnnl-picture")
            assert moved >= made  # every explorer has a control
            assert tracebacks(server.log_path, start) == []
            assert h.collect_errors(page) == []
            assert exceptions == []
        except BaseException:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{NOTEBOOK}.png"), full_page=True)
            raise
        finally:
            h.close_notebook(page)
