"""Every notebook in a real JupyterLab, in headless Chromium, as a learner meets it.

Runs all cells, asserts that no error reached the page, moves every slider of every explorer
through its real front-end path (noUiSlider, as a drag does) and asserts that the picture on
the page changed; clicks an output cell of a clickable explorer and checks that the window
followed. A failing test leaves a screenshot in test-artifacts/.

Without Chromium these tests are skipped with a reason, unless CNNLESSONS_REQUIRE_BROWSER=1
(as in CI), which turns a missing browser into a failure.
"""

import json
import os
import shutil
from pathlib import Path

import browser_harness as h
import nbformat
import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
CLICK_NOTEBOOK = "zz_click_check.ipynb"

if h.CHROMIUM is None:
    if os.environ.get("CNNLESSONS_REQUIRE_BROWSER") == "1":
        pytest.fail(
            "CNNLESSONS_REQUIRE_BROWSER=1 but no Chromium was found (apt-get install "
            "chromium, or set CNNLESSONS_CHROMIUM)",
            pytrace=False,
        )
    pytest.skip(
        "no Chromium on this machine: browser tests skipped (apt-get install chromium)",
        allow_module_level=True,
    )


def write_click_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import json\nfrom cnnlessons.explorers import SlidingWindowExplorer\n"
            "e = SlidingWindowExplorer(renderer='blit')\ne"
        ),
        nbformat.v4.new_code_cell(
            "ax = e.view.axes['output']\n"
            "print(json.dumps({'box': list(ax.bbox.extents), 'height': e.fig.bbox.height}))"
        ),
    ]
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """One JupyterLab (127.0.0.1, random port and token) on a copy of notebooks/, so nothing
    the browser does can write into the repository's notebooks."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    write_click_notebook(root / "notebooks" / CLICK_NOTEBOOK)
    with h.JupyterLabServer(root) as server, h.chromium_page() as page:
        yield server, page


@pytest.fixture
def opened(lab, request):
    """Open a notebook and run all its cells; screenshot on failure; shut its kernel down."""
    server, page = lab
    name = request.param
    h.open_notebook(page, server, f"notebooks/{name}")
    failed = True
    try:
        h.run_all_cells(page)
        yield page
        failed = request.node.rep_call.failed if hasattr(request.node, "rep_call") else False
    finally:
        if failed:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        h.close_notebook(page)


def explorers_on(page) -> list[dict]:
    """Each explorer on the page: its DOM id, its sliders and its menus / button rows."""
    return page.evaluate("""() => [...document.querySelectorAll('.cnnl-explorer')].map(e => {
        const controls = [...e.querySelectorAll('[class*="cnnl-control-"]')];
        const name = c => [...c.classList].find(k => k.startsWith('cnnl-control-'));
        return {
            id: [...e.classList].find(c => /^cnnl-explorer-\\d+$/.test(c)),
            sliders: controls.filter(c => c.querySelector('.noUi-target')).map(name),
            choices: controls.filter(c => c.querySelector('select') ||
                                          c.querySelectorAll('.widget-toggle-button').length > 1)
                             .map(name),
        };
    })""")


def explorer_cells(name: str) -> int:
    """How many cells of notebook ``name`` end by showing an explorer."""
    nb = nbformat.read(ROOT / "notebooks" / name, as_version=4)
    return sum(
        c.cell_type == "code" and "Explorer(" in c.source.strip().splitlines()[-1]
        for c in nb.cells
        if c.source.strip()
    )


def bare_reprs(page) -> list[str]:
    """Outputs that are only an object's repr: a figure or widget that failed to show."""
    return page.evaluate("""() => [...document.querySelectorAll('.jp-OutputArea-output')]
        .map(e => e.innerText.trim())
        .filter(t => /^<(Figure|matplotlib|cnnlessons)[^>]*>$/.test(t) ||
                     /^(VBox|HBox|Stack)\\(/.test(t))""")


@pytest.mark.parametrize("opened", NOTEBOOKS, indirect=True)
def test_notebook_runs_clean_and_every_slider_moves_its_picture(opened):
    page = opened
    assert h.collect_errors(page) == []
    assert bare_reprs(page) == []
    explorers = explorers_on(page)
    assert len(explorers) == explorer_cells(page.url.split("/notebooks/")[-1])
    for explorer in explorers:
        picture = f".{explorer['id']} .cnnl-picture"
        page.locator(f".{explorer['id']}").scroll_into_view_if_needed()  # as a learner does
        h.wait_for_picture(page, picture)
        assert explorer["sliders"] or explorer["choices"], f"{explorer['id']} has no control"
        for control in explorer["sliders"]:
            slider = f".{explorer['id']} .{control}"
            lo, hi = page.evaluate(
                "(s) => window.__cnn.slider(s).options.range.min !== undefined"
                " ? [window.__cnn.slider(s).options.range.min,"
                " window.__cnn.slider(s).options.range.max] : [0, 1]",
                slider,
            )
            target = hi if h.slider_value(page, slider) != hi else lo
            ms = page.evaluate(
                "([a, b, v]) => window.__cnn.step(a, b, v, 10000)", [slider, picture, target]
            )
            assert ms >= 0, f"moving {control} of {explorer['id']} did not change the picture"
        for control in explorer["choices"]:
            ms = page.evaluate(
                "([a, b]) => window.__cnn.choose(a, b, 10000)",
                [f".{explorer['id']} .{control}", picture],
            )
            assert ms >= 0, f"choosing in {control} of {explorer['id']} did not change the picture"
    assert h.collect_errors(page) == []


@pytest.mark.parametrize("opened", [CLICK_NOTEBOOK], indirect=True)
def test_clicking_an_output_cell_moves_the_window_there(opened):
    page = opened
    (explorer,) = explorers_on(page)
    picture = f".{explorer['id']} .cnnl-picture"
    h.wait_for_picture(page, picture)
    geometry = json.loads(page.locator(".jp-OutputArea-output pre").last.inner_text())
    x0, y0, x1, y1 = geometry["box"]
    row, col = 2, 3  # of the 4x4 output
    x = x0 + (col + 0.5) / 4 * (x1 - x0)
    y = geometry["height"] - (y1 - (row + 0.5) / 4 * (y1 - y0))
    before = page.evaluate("(s) => window.__cnn.sig(s)", picture)
    page.locator(f".{explorer['id']} {h.IPYMPL_TOP_CANVAS}").click(position={"x": x, "y": y})
    slider = f".{explorer['id']} .cnnl-control-position"
    page.wait_for_function(
        "(s) => Math.round(Number(window.__cnn.slider(s).get())) === 11", arg=slider, timeout=10_000
    )
    page.wait_for_function(
        "([s, b]) => window.__cnn.sig(s) !== b", arg=[picture, before], timeout=10_000
    )
    assert h.collect_errors(page) == []


@pytest.mark.parametrize("opened", [CLICK_NOTEBOOK], indirect=True)
def test_after_a_fast_drag_the_page_shows_exactly_the_kernels_picture(opened):
    """Images that arrive faster than the browser decodes them replace each other: whatever
    was skipped, the picture left on the page must be the kernel's, pixel for pixel."""
    page = opened
    (explorer,) = explorers_on(page)
    picture = f".{explorer['id']} .cnnl-picture"
    h.wait_for_picture(page, picture)
    slider = f".{explorer['id']} .cnnl-control-position"
    drag = h.measure_drag(page, slider, picture, duration_ms=1500, lo=0, hi=15)
    assert drag["settled"], drag
    assert drag["changes"] > 1, drag
    shown = h.canvas_digest(page, f".{explorer['id']} {h.IPYMPL_CANVAS}")
    kernel = h.kernel_exec(
        page, "import hashlib; print(hashlib.sha1(e.frame().tobytes()).hexdigest())"
    )
    assert shown == kernel.strip()
    assert h.collect_errors(page) == []
