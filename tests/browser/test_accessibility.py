"""Accessibility in a real JupyterLab (issue 23), in headless Chromium.

- axe-core (vendored, pinned: ``vendor/``) on a lesson notebook after all its cells ran: zero
  WCAG 2.x A/AA violations inside the lesson's content (cell outputs: explorers and figures;
  rendered prose). Violations in JupyterLab's own chrome (prompts, toolbar, code highlighting)
  are printed, not asserted, and no rule is disabled.
- Keyboard only, every explorer of every lesson (one JupyterLab session): Tab from just before
  the explorer reaches a control with a name and a visible focus ring; an arrow key (Enter on
  a toggle button) changes it; the picture's frame and its text alternative (``.cnnl-alt``,
  the canvas's description) change, and the text is the kernel's ``frame_text`` of the frame
  painted (whose numbers tests/engine/test_frame_texts.py checks against SciPy or numbers
  worked by hand; here lesson 01's against SciPy too); a slider's ``aria-valuetext`` is the
  kernel's value text of that frame ("stride 2: output 4 × 4"); a menu or toggle button is
  described by its value text where that says more than its option (lesson 06's menus).
- The picture's click path from the keyboard, on every explorer whose picture takes clicks
  (the canvas takes the focus; arrows move the cell), and a playing animation paused from the
  keyboard.
"""

import hashlib
import json
import re
import shutil
from pathlib import Path

import browser_harness as h
import nbformat
import numpy as np
import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
AXE = Path(__file__).with_name("vendor") / "axe-4.14.1.min.js"
AXE_SHA256 = "29348999450cdf2849a8e70b7912fc2da85a849da39c0d0d5394f51d4a9ed95c"
AXE_NOTEBOOK = "01_convolution_by_hand.ipynb"
CHECK_NOTEBOOK = "zz_keyboard_check.ipynb"
#: every explorer of every lesson (00 and 01 share the sliding window): how the keyboard changes
#: it ("handle": ArrowRight on its first slider; "select": its first menu's next option,
#: chosen by typing its first letter; any
#: other text: Enter on the toggle button of that name) and, where a click on the picture acts,
#: the arrow key that moves the picture's cursor
EXPLORERS = {
    "SlidingWindowExplorer": ("01", "handle", "ArrowDown"),
    "PhotoExplorer": ("01", "select", None),
    "OutputSizeExplorer": ("01", "handle", None),
    "ConnectionsExplorer": ("02", "handle", "ArrowRight"),
    "DependencyExplorer": ("02", "handle", "ArrowRight"),
    "WeightMatrixExplorer": ("03", "select", None),
    "ParameterCountExplorer": ("03", "handle", None),
    "ChannelsExplorer": ("03", "handle", None),
    "EfficiencyExplorer": ("04", "handle", None),
    "KernelLearningExplorer": ("05", "handle", None),
    "LeastSquaresExplorer": ("05", "handle", None),
    "GrowthExplorer": ("06", "handle", "ArrowLeft"),
    "StridePlacementExplorer": ("06", "layer 3", None),
    "ERFExplorer": ("06", "handle", None),
    "FeaturesExplorer": ("06", "select", None),
    "LearnedFeaturesExplorer": ("06", "select", None),
    "ShiftExplorer": ("07", "handle", None),
    "StrideShiftExplorer": ("07", "handle", None),
    "PoolingShiftExplorer": ("08", "handle", None),
    "AliasingExplorer": ("08", "handle", None),
}
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
#: what is the lesson's own content on a JupyterLab page
OURS = ".jp-OutputArea-output, .jp-RenderedMarkdown"

h.need_chromium(module=True)


def write_check_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}  # fmt: skip
    nb.cells = [nbformat.v4.new_code_cell(h.EVERY_EXPLORER)]
    nb.cells += [nbformat.v4.new_code_cell(f"{name}()") for name in EXPLORERS]
    nbformat.write(nb, path)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    write_check_notebook(root / "notebooks" / CHECK_NOTEBOOK)
    with h.JupyterLabServer(root) as server, h.chromium_page() as page:
        page.exceptions = []
        page.on("pageerror", lambda error: page.exceptions.append(str(error)))
        yield server, page


@pytest.fixture(scope="module")
def keyboard_page(lab):
    server, page = lab
    h.open_notebook(page, server, f"notebooks/{CHECK_NOTEBOOK}")
    try:
        h.run_all_cells(page)
        assert h.collect_errors(page) == []
        ids = json.loads(h.kernel_exec(
            page, "import json\nfrom cnnlessons.engine import explorers\n"
                  "print(json.dumps([e.dom_id for e in explorers()]))"))  # fmt: skip
        for dom_id in ids:
            h.wait_for_picture(page, f".{dom_id} {h.PICTURE_CANVAS}")
        yield page, dict(zip(EXPLORERS, ids, strict=True))
    finally:
        h.close_notebook(page)


def frame_text(page, dom_id: str, key: str, what: str = "frame_text") -> str:
    """The kernel's ``frame_text`` (or ``what``, another inspection method) of frame ``key``."""
    code = (f"from cnnlessons.engine import explorers\nimport json\n"
            f"e = next(e for e in explorers() if e.dom_id == {dom_id!r})\n"
            f"print(json.dumps(e.{what}({key!r})), end='')")  # fmt: skip
    return json.loads(h.kernel_exec(page, code))


def tab_into(page, dom_id: str) -> None:
    """Put the focus just before explorer ``dom_id`` (on its root), so that Tab enters it."""
    page.evaluate("""(id) => {
        const root = document.querySelector('.' + id);
        root.scrollIntoView({block: 'center'});
        root.setAttribute('tabindex', '-1');
        root.focus();
        root.removeAttribute('tabindex');
    }""", dom_id)  # fmt: skip


FOCUSED = """(id) => {
    const a = document.activeElement;
    const root = document.querySelector('.' + id);
    const byIds = (ids) => (ids || '').split(/\\s+/).map(i => document.getElementById(i))
                                     .filter(Boolean).map(e => e.textContent.trim()).join(' ');
    const name = (a.getAttribute('aria-label') || byIds(a.getAttribute('aria-labelledby'))
                  || (a.tagName === 'BUTTON' ? a.textContent.trim() : '')).trim();
    const style = getComputedStyle(a);
    const box = a.closest("[class*='cnnl-control-']");
    const control = box ? [...box.classList].find(c => c.startsWith('cnnl-control-')) : '';
    return {inside: root.contains(a), tag: a.tagName, cls: a.className || '',
            name, valuetext: a.getAttribute('aria-valuetext'), control: control.slice(13),
            outline: style.outlineStyle !== 'none' ? parseFloat(style.outlineWidth) : 0};
}"""


def tab_to(page, dom_id: str, wanted: str, most: int = 25) -> dict:
    """Press Tab until the focus is on ``wanted`` ("handle": a slider's handle, "select": a
    menu, "canvas", or a button whose name contains the text) inside the explorer; every
    control met on the way has a name and a visible focus ring."""
    for _ in range(most):
        page.keyboard.press("Tab")
        f = page.evaluate(FOCUSED, dom_id)
        assert f["inside"], f"Tab left explorer {dom_id} before reaching {wanted}: {f}"
        assert f["name"] or f["tag"] == "CANVAS", f"a control without a name: {f}"
        assert f["outline"] >= 2, f"no visible focus indicator on {f}"
        if ((wanted == "handle" and "noUi-handle" in f["cls"])
                or (wanted == "canvas" and f["tag"] == "CANVAS")
                or (wanted == "select" and f["tag"] == "SELECT")
                or (wanted not in ("handle", "canvas", "select")
                    and wanted in f["name"])):  # fmt: skip
            return f
    raise AssertionError(f"{wanted} not reached with {most} Tabs in {dom_id}")


def described(page, dom_id: str) -> dict:
    return page.evaluate("""(id) => {
        const el = document.querySelector('.' + id + ' .cnnl-picture');
        const holder = el.querySelector('[data-frame]') || el;
        const alt = el.querySelector('.cnnl-alt');
        const canvas = el.querySelector('canvas');
        return {frame: holder.dataset.frame, described: holder.dataset.described || '',
                wanted: holder.dataset.wanted, text: alt ? alt.textContent : null,
                live: alt && alt.getAttribute('aria-live'),
                points: canvas.getAttribute('aria-describedby') || ''};
    }""", dom_id)  # fmt: skip


def settled_change(page, dom_id: str, before: dict) -> dict:
    """Wait until the picture shows another frame and its text is written (after the
    400 ms settle), then return what it describes."""
    try:
        wait_settled(page, dom_id, before)
    except h.PlaywrightTimeout:
        focus = page.evaluate(FOCUSED, dom_id)
        raise AssertionError(f"no new frame described: {described(page, dom_id)}, "
                             f"before {before}, focus on {focus}") from None
    return described(page, dom_id)


def wait_settled(page, dom_id: str, before: dict) -> None:
    page.wait_for_function("""([id, key]) => {
        const el = document.querySelector('.' + id + ' .cnnl-picture');
        const d = (el.querySelector('[data-frame]') || el).dataset;
        return d.described && d.described !== key && d.described === d.frame
               && d.frame === d.wanted;
    }""", arg=[dom_id, before["described"]], timeout=30_000)  # fmt: skip


def numbers(text, label):
    part = re.split(r"\.(?:\s|$)", text.split(label, 1)[1])[0]
    return [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", part)]


def test_the_vendored_axe_core_is_the_pinned_file():
    assert hashlib.sha256(AXE.read_bytes()).hexdigest() == AXE_SHA256


# first, before the keyboard tests open their notebook: this test opens lesson 01 and closes
# it, after which JupyterLab no longer has the keyboard notebook's explorers in the page
def test_axe_finds_no_wcag_violation_in_the_lessons_content(lab):
    server, page = lab
    h.open_notebook(page, server, f"notebooks/{AXE_NOTEBOOK}")
    try:
        h.run_all_cells(page)
        page.add_script_tag(path=str(AXE))
        made = json.loads(h.kernel_exec(
            page, "import json\nfrom cnnlessons.engine import explorers\n"
                  "print(json.dumps([e.dom_id for e in explorers()]))"))  # fmt: skip
        # JupyterLab renders only the cells near the view: axe runs on each screenful, from
        # the top to the bottom of the notebook, and every explorer must have been seen
        found = page.evaluate("""async ([tags, ours]) => {
            const panel = window.__cnn.panel.node;
            const scroller = panel.querySelector('.jp-WindowedPanel-outer') ||
                             panel.querySelector('.jp-Notebook');
            const seen = new Map(), explorers = new Set();
            const sleep = (ms) => new Promise(r => setTimeout(r, ms));
            scroller.scrollTop = 0;
            for (let step = 0; step < 400; step++) {
                await sleep(700);  // painted, and the text alternative written (400 ms)
                panel.querySelectorAll('.cnnl-explorer').forEach(e => explorers.add(
                    [...e.classList].find(c => /^cnnl-explorer-\\d+$/.test(c))));
                const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                                        resultTypes: ['violations']});
                for (const v of result.violations) for (const n of v.nodes) {
                    const el = document.querySelector(n.target[0]);
                    const key = v.id + ' ' + n.html;
                    if (!seen.has(key)) seen.set(key, {id: v.id, target: n.target.join(' '),
                        html: n.html.slice(0, 160), ours: !!(el && el.closest(ours))});
                }
                const last = scroller.scrollTop;
                scroller.scrollTop += scroller.clientHeight * 0.8;
                if (scroller.scrollTop === last) break;
            }
            return {violations: [...seen.values()], explorers: [...explorers]};
        }""", [WCAG, OURS])  # fmt: skip
    finally:
        h.close_notebook(page)
    assert set(found["explorers"]) == set(made) and made  # every explorer was checked
    ours = [(n["id"], n["target"], n["html"]) for n in found["violations"] if n["ours"]]
    print("JupyterLab's own violations (not the lesson's content):")
    for n in found["violations"]:
        if not n["ours"]:
            print(f"  {n['id']}: {n['target'][-90:]}  {n['html'][:90]}")
    assert ours == [], "\n".join(map(str, ours))


#: what describes the focused menu or toggle button besides the picture's text ``alt``: with
#: ``said``, whether that is ``said`` (or nothing, where ``said`` is only "label option")
OPTION_SAID = """([alt, said]) => {
    const a = document.activeElement;
    const text = (i) => (document.getElementById(i) || {}).textContent || '';
    const ids = (a.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
    const labelOf = (e) => (e && e.getAttribute('aria-labelledby') || '').split(/\\s+/)
                               .map(text).join(' ').trim();
    const menu = a.tagName === 'SELECT';
    const label = menu ? labelOf(a) : labelOf(a.closest('[role=group]'));
    const option = menu ? a.selectedOptions[0].textContent.trim() : a.textContent.trim();
    const shown = {note: ids.filter(i => i !== alt).map(text).join(' '),
                   plain: `${label} ${option}`.replace(/\\s+/g, ' '),  // ipywidgets: &nbsp;
                   alt: ids.includes(alt),
                   pressed: a.getAttribute('aria-pressed')};
    if (said === null) return shown;
    return shown.alt && (menu || shown.pressed === 'true') &&
           shown.note === (said === shown.plain ? '' : said);
}"""
#: menus and toggles whose value text says more than their option (lesson 06's)
SAYS_MORE = {"StridePlacementExplorer", "FeaturesExplorer", "LearnedFeaturesExplorer"}


@pytest.mark.parametrize("name", list(EXPLORERS))
def test_keyboard_only_changes_the_explorer_and_its_text(keyboard_page, name):
    page, ids = keyboard_page
    dom_id = ids[name]
    before = described(page, dom_id)
    assert before["text"] and before["live"] == "polite"
    assert before["text"] == frame_text(page, dom_id, before["frame"])
    alt_id = page.evaluate("(id) => document.querySelector('.' + id + ' .cnnl-alt').id", dom_id)
    assert alt_id in before["points"].split()  # the canvas is described by the text
    tab_into(page, dom_id)
    how = EXPLORERS[name][1]
    control = tab_to(page, dom_id, how)
    if how == "select":  # a closed menu's typeahead: the next option's first letter
        key = page.evaluate("() => { const s = document.activeElement;"
                            " return s.options[(s.selectedIndex + 1) % s.options.length]"
                            ".text.trim()[0]; }")  # fmt: skip
    else:
        key = {"handle": "ArrowRight"}.get(how, "Enter")
    page.keyboard.press(key)
    after = settled_change(page, dom_id, before)
    assert after["frame"] != before["frame"] and after["text"] != before["text"]
    assert after["text"] == frame_text(page, dom_id, after["frame"])
    if how == "handle":  # the value text says what the value means in the frame shown
        said = frame_text(page, dom_id, after["frame"], "frame_value_texts")[control["control"]]
        assert said != control["valuetext"]
        page.wait_for_function("(said) => document.activeElement.getAttribute("
                               "'aria-valuetext') === said", arg=said, timeout=10_000)  # fmt: skip
    else:  # a menu or a toggle: described by its value text where it says more than the option
        said = frame_text(page, dom_id, after["frame"], "frame_value_texts")[control["control"]]
        try:
            page.wait_for_function(OPTION_SAID, arg=[alt_id, said], timeout=10_000)
        except h.PlaywrightTimeout:
            raise AssertionError(f"{page.evaluate(OPTION_SAID, [alt_id, None])}, "
                                 f"the kernel's value text {said!r}") from None  # fmt: skip
        shown = page.evaluate(OPTION_SAID, [alt_id, None])
        if name in SAYS_MORE:
            assert said != shown["plain"] and shown["note"] == said, shown


@pytest.mark.parametrize("name", [n for n, (_, _, key) in EXPLORERS.items() if key])
def test_the_pictures_clicks_from_the_keyboard(keyboard_page, name):
    page, ids = keyboard_page
    dom_id = ids[name]
    before = described(page, dom_id)
    tab_into(page, dom_id)
    tab_to(page, dom_id, "canvas")
    page.keyboard.press(EXPLORERS[name][2])  # the cursor to the next cell, as a click there
    after = settled_change(page, dom_id, before)
    assert after["frame"] != before["frame"] and after["text"] != before["text"]
    assert after["text"] == frame_text(page, dom_id, after["frame"])
    if name == "GrowthExplorer":  # ArrowLeft: the ring at the photo's left edge
        assert "top unit: left edge" in after["text"]


def test_sliding_window_text_numbers_are_scipys(keyboard_page):
    import scipy.signal as ss

    from cnnlessons.numerics.images import KERNELS, edge_example

    page, ids = keyboard_page
    dom_id = ids["SlidingWindowExplorer"]
    x, w = edge_example(), np.asarray(KERNELS["vertical edge"], float)
    out = ss.correlate2d(x, w, mode="valid")
    before = described(page, dom_id)
    tab_into(page, dom_id)
    tab_to(page, dom_id, "canvas")  # the picture: its click path from the keyboard
    page.keyboard.press("ArrowDown")  # the window one row down, as a click there does
    after = settled_change(page, dom_id, before)
    position = int(after["frame"].split(",")[0])
    row, col = divmod(position, 4)
    assert position == int(before["frame"].split(",")[0]) + 4
    text = after["text"]
    assert f"row {row}, column {col}" in text
    assert numbers(text, "Sum")[0] == out[row, col]
    np.testing.assert_allclose(numbers(text, "Products"),
                               (x[row:row + 3, col:col + 3] * w).ravel())  # fmt: skip


def test_play_is_paused_from_the_keyboard(keyboard_page):
    page, ids = keyboard_page
    dom_id = ids["SlidingWindowExplorer"]
    tab_into(page, dom_id)
    tab_to(page, dom_id, "play")
    page.keyboard.press("Enter")
    page.wait_for_function("(id) => document.activeElement.getAttribute('aria-label')"
                           ".endsWith('pause')", arg=dom_id, timeout=10_000)  # fmt: skip
    before = described(page, dom_id)
    settled_change(page, dom_id, {**before, "described": before["frame"]})  # it moves
    page.keyboard.press("Enter")  # pause
    page.wait_for_function("() => document.activeElement.getAttribute('aria-label')"
                           ".endsWith('play')", timeout=10_000)  # fmt: skip
    stopped = described(page, dom_id)["frame"]
    page.wait_for_timeout(1500)  # two steps of the animation (700 ms each)
    assert described(page, dom_id)["frame"] == stopped


OVERFLOW = """(id) => {
    // what of explorer `id` is cut off or scrolls sideways: controls (and their focusable
    // parts) past the explorer's edges, the explorer past its output area's, horizontal scroll
    const root = document.querySelector('.' + id);
    const area = root.closest('.jp-OutputArea-output') || root.parentElement;
    const box = area.getBoundingClientRect();
    const bad = [];
    const out = (r, b) => r.left < b.left - 1 || r.right > b.right + 1;
    const own = root.getBoundingClientRect();
    if (out(own, box)) bad.push(`explorer ${own.left}..${own.right} in ${box.left}..${box.right}`);
    for (const el of [root, area]) {
        if (el.scrollWidth > el.clientWidth + 1) {
            bad.push(`${el.className.slice(0, 40)} scrolls: ${el.scrollWidth} > ${el.clientWidth}`);
        }
    }
    const parts = root.querySelectorAll(
        "[class*='cnnl-control-'], .noUi-handle, select, button, .widget-readout, canvas");
    for (const el of parts) {
        const r = el.getBoundingClientRect();
        if (r.width === 0) continue;
        if (out(r, own)) bad.push(`${el.tagName}.${String(el.className).slice(0, 50)} ` +
                                  `${r.left.toFixed(0)}..${r.right.toFixed(0)}`);
    }
    return {bad, width: own.width};
}"""


@pytest.mark.parametrize("width", [320, 640])  # 320 CSS px (WCAG 1.4.10); 1280 at 200 % zoom
def test_explorers_reflow_with_no_control_cut_off(keyboard_page, width):
    page, ids = keyboard_page
    size = page.viewport_size
    page.set_viewport_size({"width": width, "height": 800})
    # a reader of a narrow window closes JupyterLab's file browser (Ctrl+B): at 320 px it
    # leaves the notebook 12 px (JupyterLab's layout, not the series')
    page.evaluate("() => document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Control+b")
    try:
        page.wait_for_timeout(500)  # JupyterLab lays itself out again
        found = {}
        for name, dom_id in ids.items():
            page.evaluate("(id) => document.querySelector('.' + id).scrollIntoView()", dom_id)
            try:
                page.wait_for_function("(id) => document.querySelector('.' + id)"
                                       ".getBoundingClientRect().width > 0", arg=dom_id,
                                       timeout=10_000)  # fmt: skip
            except h.PlaywrightTimeout:
                page.screenshot(path=f"/tmp/reflow{width}.png")
                raise AssertionError(name + " " + page.evaluate("""(id) => {
                    let e = document.querySelector('.' + id), out = [];
                    for (; e; e = e.parentElement) {
                        const s = getComputedStyle(e);
                        out.push(e.tagName + '.' + String(e.className).slice(0, 30) + ' ' +
                                 s.display + ' ' + e.getBoundingClientRect().width);
                    }
                    return out.join(' | ');
                }""", dom_id)) from None
            result = page.evaluate(OVERFLOW, dom_id)
            assert result["width"] > 0, f"{name} not laid out"
            if result["bad"]:
                found[name] = result["bad"]
    finally:
        page.keyboard.press("Control+b")
        page.set_viewport_size(size)
    assert found == {}, "\n".join(f"{n}: {b}" for n, b in found.items())
