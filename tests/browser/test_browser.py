"""Every notebook in a real JupyterLab, in headless Chromium, as a learner meets it.

Runs all cells and asserts that no error reached the page or the kernel; for every explorer,
moves every slider through its real front-end path (noUiSlider, as a drag does), picks in
every menu and row of buttons, clicks a cell of every clickable picture, and after each
asserts that the canvas shows exactly the pixels of the frame the kernel's controls select;
asserts that no picture is ever empty once shown, that the first picture comes within a
second even when a control is moved at once, and that the page threw no exception. A failing
test leaves a screenshot in test-artifacts/.

Without Chromium these tests are skipped with a reason, unless CNNLESSONS_REQUIRE_BROWSER=1
(as in CI), which turns a missing browser into a failure.
"""

import contextlib
import json
import shutil
from pathlib import Path

import browser_harness as h
import nbformat
import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
CHECK_NOTEBOOK = "zz_engine_check.ipynb"
#: explorers made in the check notebook, each moved the moment its picture appears
CHECK_EXPLORERS = [
    "SlidingWindowExplorer()",
    "OutputSizeExplorer()",
    "ParameterCountExplorer(preset='lecture')",
]

h.need_chromium(module=True)


def write_check_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell(h.EVERY_EXPLORER)]
    nb.cells += [nbformat.v4.new_code_cell(make) for make in CHECK_EXPLORERS]
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """One JupyterLab (127.0.0.1, random port and token) on a copy of notebooks/, so nothing
    the browser does can write into the repository's notebooks; every uncaught exception of
    the page is collected."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    write_check_notebook(root / "notebooks" / CHECK_NOTEBOOK)
    with h.JupyterLabServer(root) as server, h.chromium_page() as page:
        page.exceptions = []
        page.on("pageerror", lambda error: page.exceptions.append(str(error)))
        yield server, page


@pytest.fixture
def opened(lab, request):
    """Open a notebook and run all its cells; screenshot on failure; shut its kernel down."""
    server, page = lab
    name = request.param
    page.exceptions.clear()
    # the check notebook's pictures are timed (the first within a second): measured alone
    alone = h.machine_to_ourselves() if name == CHECK_NOTEBOOK else contextlib.nullcontext()
    failed = True
    try:
        with alone:
            h.open_notebook(page, server, f"notebooks/{name}")
            if name == CHECK_NOTEBOOK:
                h.watch_pictures(page)
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
                     /^(VBox|HBox|Stack|Picture)\\(/.test(t))""")


def assert_shows_the_kernels_frame(page, dom_id: str, what: str) -> None:
    """The canvas settles on the frame the kernel's controls select, pixel for pixel."""
    picture = f".{dom_id} .cnnl-picture"
    # the kernel idle and the picture still for a moment: a chain of changes (a preset
    # setting sliders) has run to its end
    page.evaluate("(s) => window.__cnn.settle(s, 300, 15000)", picture)
    kernel = json.loads(h.kernel_exec(page, h.KERNEL_FRAME.format(dom_id=dom_id)))
    try:
        page.wait_for_function(
            "([s, k]) => document.querySelector(s).dataset.frame === k",
            arg=[picture, kernel["key"]],
            timeout=15_000,
        )
    except h.PlaywrightTimeout:
        shown = page.evaluate("(s) => document.querySelector(s).dataset.frame", picture)
        raise AssertionError(
            f"{what}: the page shows frame {shown!r}, never the kernel's {kernel['key']!r}"
        ) from None
    shown = h.canvas_digest(page, f"{picture} canvas")
    tiles = page.evaluate("(s) => document.querySelector(s).dataset.tiles", picture)
    if (shown, tiles) != (kernel["sha1"], kernel["tiles"]):
        where = h.frame_difference(page, dom_id, ARTIFACTS)
        raise AssertionError(
            f"{what}: the page does not show the kernel's frame {kernel['key']} "
            f"(tiles {tiles!r} / {kernel['tiles']!r}; differing pixels: {where})"
        )


@pytest.mark.parametrize("opened", NOTEBOOKS, indirect=True)
def test_notebook_runs_clean_and_every_control_shows_exactly_its_frame(opened):
    page = opened
    assert h.collect_errors(page) == []
    assert bare_reprs(page) == []
    explorers = explorers_on(page)
    assert len(explorers) == explorer_cells(page.url.split("/notebooks/")[-1])
    for explorer in explorers:
        dom_id = explorer["id"]
        picture = f".{dom_id} .cnnl-picture"
        page.locator(f".{dom_id}").scroll_into_view_if_needed()  # as a learner does
        h.wait_for_picture(page, picture)
        assert explorer["sliders"] or explorer["choices"], f"{dom_id} has no control"
        assert_shows_the_kernels_frame(page, dom_id, "first picture")
        for control in explorer["sliders"]:
            slider = f".{dom_id} .{control}"
            lo, hi = page.evaluate(
                "(s) => [window.__cnn.slider(s).options.range.min,"
                " window.__cnn.slider(s).options.range.max]",
                slider,
            )
            target = hi if h.slider_value(page, slider) != hi else lo
            ms = page.evaluate(
                "([a, b, v]) => window.__cnn.step(a, b, v, 10000)", [slider, picture, target]
            )
            assert ms >= 0, f"moving {control} of {dom_id} did not change the picture"
            assert_shows_the_kernels_frame(page, dom_id, f"{control} = {target}")
        for control in explorer["choices"]:
            ms = page.evaluate(
                "([a, b]) => window.__cnn.choose(a, b, 10000)", [f".{dom_id} .{control}", picture]
            )
            assert ms >= 0, f"choosing in {control} of {dom_id} did not change the picture"
            assert_shows_the_kernels_frame(page, dom_id, f"choice in {control}")
        for click in h.click_targets(page, dom_id):
            before = page.evaluate("(s) => window.__cnn.sig(s)", picture)
            h.click_cell(page, dom_id, click)
            page.wait_for_function(
                "([s, b]) => window.__cnn.sig(s) !== b", arg=[picture, before], timeout=10_000
            )
            assert_shows_the_kernels_frame(page, dom_id, f"click on cell {click['cell']}")
    assert h.collect_errors(page) == []
    assert page.exceptions == []


@pytest.mark.parametrize("opened", [CHECK_NOTEBOOK], indirect=True)
def test_no_picture_is_ever_empty_even_when_a_control_moves_at_once(opened):
    """Each picture was watched from the moment it entered the page, and its first slider
    moved right then: the first picture came within a second, no animation frame after it
    showed an empty canvas, and the page ends on the frame the controls select."""
    page = opened
    explorers = explorers_on(page)
    assert len(explorers) == len(CHECK_EXPLORERS)
    for explorer in explorers:
        page.wait_for_function(
            "(id) => (window.__cnn.watched[id] || {}).moved", arg=explorer["id"], timeout=15_000
        )
    page.wait_for_timeout(500)
    watched = page.evaluate("() => window.__cnn.watched")
    for explorer in explorers:
        record = watched[explorer["id"]]
        assert record["firstMs"] is not None and record["firstMs"] < 1000, (explorer, record)
        assert record["emptyAfterFirst"] == 0, (explorer, record)
        assert_shows_the_kernels_frame(page, explorer["id"], "after a move at once")
    assert h.collect_errors(page) == []
    assert page.exceptions == []


@pytest.mark.parametrize("opened", [CHECK_NOTEBOOK], indirect=True)
def test_after_a_fast_drag_the_page_shows_exactly_the_kernels_frame(opened):
    """Moves faster than anything is drawn (the blit renderer's output size and parameter
    count): whatever was skipped, the picture left on the page is the frame its controls
    select, pixel for pixel as the kernel drew it."""
    page = opened
    for explorer in explorers_on(page):
        picture = f".{explorer['id']} .cnnl-picture"
        h.wait_for_picture(page, picture)
        control = explorer["sliders"][0]
        slider = f".{explorer['id']} .{control}"
        lo, hi = page.evaluate(
            "(s) => [window.__cnn.slider(s).options.range.min,"
            " window.__cnn.slider(s).options.range.max]",
            slider,
        )
        drag = h.measure_drag(page, slider, picture, duration_ms=1500, lo=lo, hi=hi)
        assert drag["settled"], drag
        assert drag["changes"] > 1, drag
        # the picture settles on the frame the page's controls select, exactly as drawn
        # (the kernel's copy of a slider's value may lag behind a fast drag: ipywidgets
        # sends the page's values when the kernel is free, so only the page's are compared)
        page.wait_for_function(
            "(s) => { const d = document.querySelector(s).dataset;"
            " return d.frame && d.frame === d.wanted; }",
            arg=picture,
            timeout=15_000,
        )
        key = page.evaluate("(s) => document.querySelector(s).dataset.frame", picture)
        value = h.slider_value(page, slider)
        assert str(value) in key.split(","), (key, value)  # the slider's value picks it
        kernel = h.kernel_exec(page, h.KERNEL_FRAME_OF.format(dom_id=explorer["id"], key=key))
        shown = h.canvas_digest(page, f"{picture} canvas")
        assert shown == kernel.strip(), f"after dragging {control}: not the frame {key}"
    assert h.collect_errors(page) == []
    assert page.exceptions == []
