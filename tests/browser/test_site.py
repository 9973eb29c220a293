"""The static web edition (`make site`): every lesson executed to HTML with its widget state,
an index with the lesson map, and nothing loaded from outside the site.

The site is built once for this module (every lesson executed once, as `make site` does)
into a temporary directory. The browser test serves it from 127.0.0.1, opens every page in
headless Chromium with every request that leaves 127.0.0.1 refused and recorded, moves a
slider of every explorer that works without a kernel and checks that its picture changed.
The widget-state rules (what needs a kernel, what is frozen) are tested on small states made
by hand, without building anything.
"""

import base64
import functools
import http.server
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import browser_harness as h
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import build_site  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ARTIFACTS = ROOT / "test-artifacts"
REQUIRED = os.environ.get("CNNLESSONS_REQUIRE_BROWSER") == "1"


def _need(what: str, present: bool, how: str):
    if present:
        return
    if REQUIRED:
        pytest.fail(f"CNNLESSONS_REQUIRE_BROWSER=1 but {what} is missing ({how})", pytrace=False)
    pytest.skip(f"no {what} on this machine ({how})")


# ----------------------------------------------------------------------------- the rules
def model(module, name, **state):
    return {
        "model_module": module,
        "model_module_version": "*",
        "model_name": name,
        "state": {"_dom_classes": [], **state},
    }


def control(name="IntSliderModel", **state):
    return model("@jupyter-widgets/controls", name, disabled=False, **state)


def ref(mid):
    return f"IPY_MODEL_{mid}"


def png_of(color) -> bytes:
    from PIL import Image

    with io.BytesIO() as buf:
        Image.new("RGB", (4, 3), color).save(buf, format="png")
        return buf.getvalue()


def test_a_linked_slider_stays_live_and_an_unlinked_one_is_disabled():
    state = {
        "a1": control(),
        "b2": control(),
        "c3": model("@jupyter-widgets/controls", "StackModel", children=[]),
        "d4": model(
            "@jupyter-widgets/controls",
            "LinkModel",
            source=[ref("a1"), "value"],
            target=[ref("c3"), "selected_index"],
        ),
        "e5": model("@jupyter-widgets/controls", "HBoxModel", children=[ref("a1"), ref("b2")]),
    }
    static, frozen = build_site.make_static(state)
    assert static["a1"]["state"]["disabled"] is False
    assert static["b2"]["state"]["disabled"] is True
    assert frozen == {"b2"}
    assert state["b2"]["state"]["disabled"] is False, "the input state must not change"


def test_a_slider_a_custom_widget_reads_stays_live():
    """The anywidget engine: the picture's model holds references to the sliders it reads."""
    state = {
        "a1": control(),
        "b2": control(),
        "c3": model("anywidget", "AnyModel", controls=[ref("a1")]),
    }
    static, frozen = build_site.make_static(state)
    assert static["a1"]["state"]["disabled"] is False
    assert frozen == {"b2"}


def test_a_custom_picture_missing_frames_leaves_its_sliders_to_the_kernel():
    """The anywidget engine's picture: a frame per combination of its controls' values; with
    one missing, the page could not show it, so its sliders are disabled (and noted)."""
    controls = [{"ref": ref("a1"), "trait": "value", "values": [0, 1, 2]},
                {"ref": ref("b2"), "trait": "index", "values": ["x", "y"]}]  # fmt: skip
    frames = {f"{v},{w}": [0] for v in range(3) for w in "xy"}
    state = {
        "a1": control(),
        "b2": control("DropdownModel"),
        "c3": model("anywidget", "AnyModel", controls=controls, frames=frames),
    }
    assert build_site.make_static(state)[1] == set()
    del state["c3"]["state"]["frames"]["2,y"]
    assert build_site.make_static(state)[1] == {"a1", "b2"}


def test_a_custom_widget_whose_front_end_version_differs_stops_the_build(tmp_path, monkeypatch):
    (tmp_path / "anywidget").mkdir()
    (tmp_path / "anywidget" / "package.json").write_text('{"version": "0.11.0"}')
    monkeypatch.setattr(build_site, "NODE_MODULES", tmp_path)

    def state(version):
        return {"c3": {**model("anywidget", "AnyModel"), "model_module_version": version}}

    build_site.check_front_end_versions(state("~0.11.*"))  # what anywidget 0.11 declares
    with pytest.raises(RuntimeError, match="pin the same version"):
        build_site.check_front_end_versions(state("~0.12.*"))


def test_an_unknown_widget_stops_the_build():
    unknown = {
        "x1": model("some-widget-lib", "FancyModel"),
        "v1": model("@jupyter-widgets/controls", "VBoxModel", children=[ref("x1")]),
    }
    with pytest.raises(RuntimeError, match="WIDGET_MODULES"):
        build_site.make_static(unknown)


def test_the_picture_of_an_explorer_is_its_first_frame_as_the_kernel_composes_it():
    """The map's picture of a lesson: the first frame of an explorer's picture in the saved
    widget state (tiles as base64 buffers), composed by the engine's compositor: the same
    pixels as the explorer's own ``frame`` of that key."""
    import numpy as np
    from ipywidgets.widgets.widget import _remove_buffers
    from PIL import Image

    from cnnlessons.lesson01.explorers import SlidingWindowExplorer

    e = SlidingWindowExplorer(renderer="blit")
    e.controls["position"].value = 6
    e.finish_frames()  # the state holds the frame the controls select
    state, paths, buffers = _remove_buffers(e.picture.get_state())
    saved = {
        "p1": {
            **model("anywidget", "AnyModel", **state),
            "buffers": [
                {"path": path, "encoding": "base64", "data": base64.b64encode(buf).decode()}
                for path, buf in zip(paths, buffers, strict=True)
            ],
        },
        "v1": model("@jupyter-widgets/controls", "VBoxModel", children=[ref("p1")]),
    }
    png = build_site.shown_picture(saved, "v1")
    with Image.open(io.BytesIO(png)) as im:
        shown = np.asarray(im.convert("RGBA"))
    np.testing.assert_array_equal(shown, (e.frame(key=e.key) * 255).round().astype(np.uint8))
    del saved["p1"]["buffers"][0]  # a tile missing: no picture, rather than a wrong one
    assert build_site.shown_picture(saved, "v1") is None


def test_the_lesson_map_has_a_card_per_lesson_and_per_lesson_to_come():
    lessons = [{"number": "00", "title": "Start <here>", "page": "00_start.html", "live": 1,
                "frozen": 0, "picture": True},
               {"number": "01", "title": "By hand", "page": "01_hand.html", "live": 2,
                "frozen": 1, "picture": False}]  # fmt: skip
    table = {"00": {"topic": "start", "question": "Why `a<b`?"},
             "02": {"topic": "sparse", "question": "What & how?"}}  # fmt: skip
    page = build_site.index_page(lessons, table)
    cards = re.findall(r'<li class="cnnl-card[^"]*">.*?</li>', page, re.S)
    assert len(cards) == 3
    assert 'href="00_start.html"' in cards[0] and "Start &lt;here&gt;" in cards[0]
    assert "<code>a&lt;b</code>" in cards[0] and 'src="pictures/00.png"' in cards[0]
    assert "1 live explorer</p>" in cards[0].replace("\n", "")
    assert "<img" not in cards[1] and "2 live explorers, 1 to run in JupyterLab" in cards[1]
    assert "cnnl-to-come" in cards[2] and "What &amp; how?" in cards[2]
    assert "to come" in cards[2]


# ----------------------------------------------------------------------------- the build
@pytest.fixture(scope="module")
def site(tmp_path_factory):
    _need("npm", shutil.which("npm") is not None, "apt-get install npm")
    out = tmp_path_factory.mktemp("site") / "site"
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_site.py"), "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-5000:]
    lessons = json.loads((out / "lessons.json").read_text())
    return out, {lesson["page"]: lesson for lesson in lessons}


def widget_state(page: Path) -> dict:
    text = page.read_text()
    match = re.search(
        r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', text, re.S
    )
    return json.loads(match.group(1))["state"] if match else {}


def test_every_lesson_has_a_page_a_picture_and_a_place_on_the_map(site):
    from PIL import Image

    out, lessons = site
    index = (out / "index.html").read_text()
    assert sorted(lessons) == [nb.stem + ".html" for nb in NOTEBOOKS]
    for page, lesson in lessons.items():
        assert (out / page).is_file()
        assert f'href="{page}"' in index
        with Image.open(out / "pictures" / f"{lesson['number']}.png") as im:
            assert im.format == "PNG" and im.width >= 200
    assert sum(lesson["live"] for lesson in lessons.values()) >= 1


def test_pages_refer_only_to_files_of_the_site(site):
    """Scripts, styles and pictures come from the site itself (links to read elsewhere are
    fine: a link is not loaded with the page)."""
    out, lessons = site
    for page in ["index.html", *lessons]:
        text = (out / page).read_text()
        tags = r"<(?:script|img|link|iframe|source)\b[^>]*?(?:src|href)=\"([^\"]+)\""
        loaded = re.findall(tags, text)
        assert loaded, page
        for url in loaded:
            assert not re.match(r"(https?:)?//", url), f"{page} loads {url}"
            if not url.startswith("data:"):
                assert (out / url.split("?")[0]).is_file(), f"{page} refers to missing {url}"
        assert "cdn.jsdelivr" not in text and "unpkg.com" not in text and "cdnjs" not in text


def test_every_frame_is_in_the_page_and_what_needs_a_kernel_is_marked(site):
    out, lessons = site
    for page, lesson in lessons.items():
        state = widget_state(out / page)
        modules = {m["model_module"] for m in state.values()}
        assert modules <= set(build_site.WIDGET_MODULES), page
        text = (out / page).read_text()
        assert text.count('class="cnnl-static-note"') == lesson["frozen"], page
        live = build_site.live_controls(state)
        for mid, m in state.items():  # nothing the page cannot move is left movable
            if build_site.is_control(m) and not m["state"]["disabled"]:
                assert mid in live, page


# ----------------------------------------------------------------------------- browser
class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(site):
    out, lessons = site
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", lessons
    finally:
        server.shutdown()
        server.server_close()


# In the page: every explorer, whether its picture shows, whether a control of it can move
# (a slider first; an explorer driven by menus only: a menu or a row of toggle buttons).
_CONTROLS_JS = r"""(() => { window.__cnnControl = (id) => {
    const root = document.querySelector('.' + id);
    const slider = [...root.querySelectorAll('.widget-hslider .noUi-target')]
        .find(t => t.noUiSlider && !t.hasAttribute('disabled'));
    if (slider) return {kind: 'slider', el: slider};
    const select = [...root.querySelectorAll('select')].find(s => !s.disabled);
    if (select) return {kind: 'select', el: select};
    const row = [...root.querySelectorAll('.widget-toggle-buttons')]
        .find(r => [...r.querySelectorAll('button')].some(b => !b.disabled));
    return row ? {kind: 'buttons', el: row} : null;
}; })()"""

_EXPLORERS_JS = r"""() => [...document.querySelectorAll('.cnnl-explorer')].map(e => {
    const id = [...e.classList].find(c => /^cnnl-explorer-\d+$/.test(c));
    const control = window.__cnnControl(id);
    return {id, control: control && control.kind,
            picture: window.__cnn.sig('.' + id + ' .cnnl-picture') !== null};
})"""

# Move an explorer's control one step; resolve when its picture changed (or time is up).
_MOVE_JS = r"""async ([id, timeoutMs]) => {
    const H = window.__cnn, pic = '.' + id + ' .cnnl-picture';
    const {kind, el} = window.__cnnControl(id);
    const sig0 = H.sig(pic), t0 = performance.now();
    if (kind === 'slider') {
        const s = el.noUiSlider, {min, max} = s.options.range;
        const v = Math.round(Number(s.get()));
        s.set(v < max ? v + 1 : v - 1);
    } else if (kind === 'select') {
        el.selectedIndex = (el.selectedIndex + 1) % el.options.length;
        el.dispatchEvent(new Event('change', {bubbles: true}));
    } else {
        const buttons = [...el.querySelectorAll('button')];
        const active = buttons.findIndex(b => b.classList.contains('mod-active'));
        buttons[(active + 1) % buttons.length].click();
    }
    while (performance.now() - t0 < timeoutMs) {
        await H.frame();
        const sig = H.sig(pic);
        if (sig !== null && sig !== sig0) return {kind, changed: true, ms: performance.now() - t0};
    }
    return {kind, changed: false};
}"""


@pytest.mark.browser
def test_the_site_works_offline_in_a_browser(served, request):
    _need("Chromium", h.CHROMIUM is not None, "apt-get install chromium")
    base, lessons = served
    outside, failed, errors = [], [], []
    with h.chromium_page() as page:

        def route(r):
            if r.request.url.startswith(base):
                r.continue_()
            else:
                outside.append(r.request.url)
                r.abort()

        page.route("**/*", route)
        page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
        page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
        page.on("requestfailed", lambda r: r.url.startswith(base) and failed.append(r.url))
        try:
            page.goto(base + "index.html")
            pictures = page.eval_on_selector_all(
                ".cnnl-card img", "imgs => imgs.map(i => i.complete && i.naturalWidth > 0)"
            )
            assert pictures and all(pictures), "a lesson's picture on the map did not load"
            for name, lesson in lessons.items():
                page.goto(base + name)
                page.evaluate(h._PAGE_JS)
                page.evaluate(_CONTROLS_JS)
                page.wait_for_function(
                    "n => document.querySelectorAll('.cnnl-explorer .cnnl-picture').length >= n",
                    arg=lesson["explorers"],
                    timeout=60_000,
                )
                page.wait_for_function(
                    "() => [...document.querySelectorAll('.cnnl-explorer .cnnl-picture')]"
                    ".every(p => window.__cnn.sig('.' + [...p.closest('.cnnl-explorer')"
                    ".classList].find(c => /^cnnl-explorer-\\d+$/.test(c)) + ' .cnnl-picture')"
                    " !== null)",
                    timeout=60_000,
                )
                explorers = page.evaluate(_EXPLORERS_JS)
                assert len(explorers) == lesson["explorers"], name
                assert all(e["picture"] for e in explorers), name
                movable = [e for e in explorers if e["control"]]
                assert len(movable) >= lesson["live"], (name, explorers)
                for e in movable:
                    moved = page.evaluate(_MOVE_JS, [e["id"], 10_000])
                    assert moved["changed"], (name, e["id"], moved)
                notes = page.locator(".cnnl-static-note").count()
                assert notes == lesson["frozen"], name
            assert errors == [], "uncaught exceptions in the pages"
            assert failed == [], "requests that failed"
            assert outside == [], "requests that left 127.0.0.1"
        except BaseException:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "site-failure.png"), full_page=True)
            raise


def test_the_readme_links_the_web_edition_and_says_how_to_publish_it():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### The web edition", 1)[1].split("\n#", 1)[0]
    assert re.search(r"\]\(https://[^)]+\)", section), "a link to where the site is published"
    assert "make site" in section and "site/" in section
    assert "publish" in section
