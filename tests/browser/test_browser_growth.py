"""Lesson 06's growth explorer in a real JupyterLab, in headless Chromium: a mouse click on a
top unit's ring on the photo picks that unit, answered in the page, and the picture shown is
that unit's frame, pixel for pixel as the kernel drew it; a click away from the rings does
nothing. Skipped without Chromium, as ``test_browser.py`` is."""

import json
from pathlib import Path

import browser_harness as h
import nbformat
import pytest

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
NOTEBOOK = "zz_growth_click.ipynb"

h.need_chromium(module=True)

# Kernel code: the click cell of each top unit's ring (the photo's click grid), the explorer's
# frame key for each unit (the other controls as they are), and the unit picked now.
KERNEL_RINGS = (
    "import json as _j\n"
    "from cnnlessons.engine import explorers as _x\n"
    "from cnnlessons.lesson06.figures.growth import CLICK_CELL as _g, PLACES as _p\n"
    "_e = next(x for x in _x() if x.dom_id == {dom_id!r})\n"
    "_r = _e.click_regions[0]\n"
    "_out = {{}}\n"
    "for _i, _place in enumerate(_p):\n"
    "    _y, _x = _e.view.nominal(_place)\n"
    "    _out[_place] = {{'cell': [round(_y / _g), round(_x / _g)], 'key': _e.key_of(unit=_i),\n"
    "                    'box': _r['box'], 'xlim': _r['xlim'], 'ylim': _r['ylim']}}\n"
    "print(_j.dumps({{'rings': _out, 'unit': _e.controls['unit'].value}}))"
)


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell("from cnnlessons.lesson06.explorers import GrowthExplorer"),
        nbformat.v4.new_code_cell('GrowthExplorer(stack="3x3", depth=3)'),
    ]
    (root / "notebooks").mkdir()
    nbformat.write(nb, root / "notebooks" / NOTEBOOK)
    with h.JupyterLabServer(root) as server, h.chromium_page() as page:
        page.exceptions = []
        page.on("pageerror", lambda error: page.exceptions.append(str(error)))
        h.open_notebook(page, server, f"notebooks/{NOTEBOOK}")
        h.run_all_cells(page)
        try:
            yield page
        finally:
            h.close_notebook(page)


def shown_key(page, picture: str) -> str:
    return page.evaluate("(s) => document.querySelector(s).dataset.frame", picture)


def test_a_click_on_a_ring_shows_that_units_frame(page, request):
    dom_id = page.evaluate(
        "() => [...document.querySelector('.cnnl-GrowthExplorer').classList]"
        ".find(c => /^cnnl-explorer-\\d+$/.test(c))"
    )
    picture = f".{dom_id} .cnnl-picture"
    try:
        h.wait_for_picture(page, picture)
        state = json.loads(h.kernel_exec(page, KERNEL_RINGS.format(dom_id=dom_id)))
        rings = state["rings"]
        assert state["unit"] == "middle"
        assert shown_key(page, picture) == rings["middle"]["key"]
        # the edge, the corner, then back to the middle: the unit picked when the click
        # table was recorded (a click there sets the value the control held then)
        for place in ("left edge", "top-left corner", "middle", "left edge"):
            before = shown_key(page, picture)
            h.click_cell(page, dom_id, rings[place])
            page.wait_for_function(
                "([s, k]) => document.querySelector(s).dataset.frame === k",
                arg=[picture, rings[place]["key"]],
                timeout=10_000,
            )
            assert before != rings[place]["key"]
            page.evaluate("(s) => window.__cnn.settle(s, 300, 15000)", picture)
            kernel = json.loads(h.kernel_exec(page, h.KERNEL_FRAME.format(dom_id=dom_id)))
            assert kernel["key"] == rings[place]["key"], place  # the kernel follows the page
            assert h.canvas_digest(page, f"{picture} canvas") == kernel["sha1"], place
        # the photo's top edge, half way along: no ring, nothing happens
        nowhere = dict(rings["middle"], cell=[0, 4])
        h.click_cell(page, dom_id, nowhere)
        page.wait_for_timeout(600)
        assert shown_key(page, picture) == rings["left edge"]["key"]
        assert json.loads(h.kernel_exec(page, KERNEL_RINGS.format(dom_id=dom_id)))["unit"] == (
            "left edge"
        )
        assert h.collect_errors(page) == []
        assert page.exceptions == []
    except BaseException:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        raise
