"""The web edition (`make site`): every lesson a page whose explorers all move with no kernel,
each frame what the kernel draws, within the budgets of issue 22, as a book (previous/next,
contents, search), nothing loaded from outside the site.

The site is built once (every lesson executed once, as `make site` does) into a temporary
directory, in the background from the moment the tests are collected
(`tests/site_background.py`), or CNNLESSONS_SITE names one `make site` built. Every frame of
every explorer is composed from the site's tiles and compared with what the kernel drew; the
browser tests serve the site from 127.0.0.1 as a static host does (text gzipped), step a
control of every explorer of every page and compare the canvas's pixels with the kernel's
frame, measure each page on the phone profile, and search. The parts (tiling, exact
encoding, formulas, contents, search index, previous/next) are tested on small inputs.
"""

import functools
import http.server
import io
import json
import os
import re
import shutil
import sys
import threading
from pathlib import Path

import browser_harness as h
import nbformat
import pytest
import site_background

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import build_site  # noqa: E402
from sitebuild import book, kernel  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
ARTIFACTS = ROOT / "test-artifacts"
REQUIRED = os.environ.get("CNNLESSONS_REQUIRE_BROWSER") == "1"


def _need(what: str, present: bool, how: str):
    if present:
        return
    if REQUIRED:
        pytest.fail(f"CNNLESSONS_REQUIRE_BROWSER=1 but {what} is missing ({how})", pytrace=False)
    pytest.skip(f"no {what} on this machine ({how})")


# ----------------------------------------------------------------------------- the parts
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
    assert "<code>a&lt;b</code>" in cards[0] and 'src="pictures/00.webp"' in cards[0]
    assert "1 live explorer</p>" in cards[0].replace("\n", "")
    assert "<img" not in cards[1] and "2 live explorers, 1 to run in JupyterLab" in cards[1]
    assert "cnnl-to-come" in cards[2] and "What &amp; how?" in cards[2]
    assert "to come" in cards[2]


# ----------------------------------------------------------------------------- the build
# The budgets of issue 22: what a lesson page transfers on load (compressed as a static host
# sends it), the whole site on disk, and on the phone profile (390x844 CSS px at 3x,
# 10 Mbit/s, 60 ms round trip, 4x CPU slowdown) when the first and the last explorer of a
# page show their picture, counted from the navigation
PAGE_BYTES = 4e6
SITE_BYTES = 30e6
FIRST_EXPLORER_MS = 4000
LAST_EXPLORER_MS = 8000
PHONE = {"width": 390, "height": 844, "scale": 3, "bits_per_s": 10e6, "rtt_ms": 60, "cpu": 4}
#: most frames of one explorer composed from the site's tiles and compared (all if fewer)
CHECKED_FRAMES = 150


def test_a_mask_is_cut_into_boxes_that_hold_every_changed_pixel_and_nothing_between_words():
    import numpy as np

    mask = np.zeros((40, 100), bool)
    mask[5:9, 10:14] = True  # a digit
    mask[5:9, 30:35] = True  # another, 16 columns away: its own box
    mask[30:33, 60:62] = True
    boxes = kernel.split(mask)
    assert sorted(boxes) == [(5, 9, 10, 14), (5, 9, 30, 35), (30, 33, 60, 62)]
    covered = np.zeros_like(mask)
    for r0, r1, c0, c1 in boxes:
        covered[r0:r1, c0:c1] = True
    assert (covered >= mask).all()
    mask[5:9, 16:20] = True  # 2 columns from the first digit: one box with it
    assert (5, 9, 10, 20) in kernel.split(mask)


@pytest.mark.parametrize("colours", [3, 100000])
def test_a_tile_is_stored_exactly(colours):
    """Lossless WebP or a palette PNG: decoded, the same pixels (few colours or many)."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(colours)
    palette = rng.integers(0, 256, (colours, 3), dtype=np.uint8)
    rgb = palette[rng.integers(0, colours, (37, 53))]
    data, ext = kernel.exact_image(rgb)
    with Image.open(io.BytesIO(data)) as im:
        assert im.format.lower() == ext
        np.testing.assert_array_equal(np.asarray(im.convert("RGB")), rgb)


def test_frames_are_tiled_exactly_and_a_menu_that_redraws_most_is_a_background(tmp_path):
    """Every frame composed from its tiles (the engine's compositor) is its pixels; a frame
    with new menus that redraws most of the picture becomes its group's background, one that
    changes a panel is painted over the first frame; a tile seen twice is stored once."""
    import numpy as np

    from cnnlessons.engine import compose

    rng = np.random.default_rng(0)
    first = rng.integers(0, 256, (60, 80, 3), dtype=np.uint8)
    small = first.copy()
    small[10:20, 30:40] = 7  # a slider moved: one box
    panel = first.copy()
    panel[:, 60:] = 200  # a menu that changes one panel (a quarter of the picture)
    redrawn = rng.integers(0, 256, (60, 80, 3), dtype=np.uint8)  # a menu that redraws all
    moved = redrawn.copy()
    moved[40:50, 5:15] = 9
    again = first.copy()
    again[10:20, 30:40] = 7  # the same box as ``small``, in another frame
    frames = {"0,0": (first, (0,)), "1,0": (small, (0,)), "0,1": (panel, (1,)),
              "0,2": (redrawn, (2,)), "1,2": (moved, (2,)), "2,0": (again, (0,))}  # fmt: skip
    tiler = kernel.Tiler(tmp_path)
    for key, (pixels, group) in frames.items():
        tiler.add(key, pixels, group)
    tiles = {t: (tmp_path / name).read_bytes() for t, name in tiler.files.items()}
    for key, (pixels, _) in frames.items():
        ids = tiler.frames[key]
        rgba = compose(ids, tiles, tiler.boxes, size=pixels.shape[:2])
        np.testing.assert_array_equal(rgba[..., :3], pixels, err_msg=key)
    base = tiler.frames["0,0"][0]
    assert tiler.frames["1,0"][0] == base and tiler.frames["0,1"][0] == base
    assert tiler.frames["0,2"] != [base] and tiler.frames["0,2"][0] != base
    assert tiler.frames["1,2"][0] == tiler.frames["0,2"][0]  # over its group's background
    assert tiler.frames["2,0"] == tiler.frames["1,0"]  # the same tiles, stored once
    assert sum(1 for b in tiler.boxes.values() if b == [0, 0]) == 2  # two backgrounds


def test_contents_and_search_index_come_from_the_headings():
    body = (
        '<h1 id="t">Lesson</h1><p>Intro words.</p>'
        '<h2 id="1.-Growth">1. Growth<a class="anchor-link" href="#1.-Growth">¶</a></h2>'
        '<p>The receptive field grows.</p><h3 id="Ex">Exercise</h3><p>Count &amp; see.</p>'
    )
    sections = book.contents(body)
    assert sections == [
        {"level": 2, "id": "1.-Growth", "title": "1. Growth"},
        {"level": 3, "id": "Ex", "title": "Exercise"},
    ]
    toc = book.toc_html(sections)
    assert 'href="#1.-Growth"' in toc and 'href="#Ex"' in toc
    entries = json.loads(
        book.search_index([{"page": "06_x.html", "number": "06", "title": "Fields", "body": body}])
    )
    hit = next(e for e in entries if "receptive field" in e["text"].lower())
    assert hit["page"] == "06_x.html#1.-Growth" and hit["section"] == "1. Growth"
    assert any("count & see" in e["text"].lower() for e in entries)


def test_previous_and_next_link_the_neighbouring_lessons():
    lessons = [{"number": f"0{i}", "title": f"T{i}", "page": f"0{i}.html"} for i in range(3)]
    first, middle, last = (book.prev_next_html(lessons, i) for i in range(3))
    assert 'rel="next"' in first and 'rel="prev"' not in first and 'href="01.html"' in first
    assert 'rel="prev" class="cnnl-prev" href="00.html"' in middle
    assert 'rel="next" class="cnnl-next" href="02.html"' in middle
    assert 'rel="next"' not in last and 'href="01.html"' in last


# ----------------------------------------------------------------------------- the build
@pytest.fixture(scope="module")
def site():
    """The site, built once per session (started in the background when the tests were
    collected: ``tests/site_background.py``), or, with CNNLESSONS_SITE=<dir>, a site built by
    ``make site`` from this tree."""
    prebuilt = os.environ.get("CNNLESSONS_SITE")
    if prebuilt:
        out = Path(prebuilt)
    else:
        _need("npm", shutil.which("npm") is not None, "apt-get install npm")
        out = site_background.wait()
    lessons = json.loads((out / "lessons.json").read_text())
    return out, {lesson["page"]: lesson for lesson in lessons}


def explorer_folders(out: Path, page: str) -> list[str]:
    return re.findall(r'class="cnnl-explorer[^"]*" data-src="([^"]+)"', (out / page).read_text())


def test_every_lesson_has_a_page_a_picture_and_a_place_on_the_map(site):
    from PIL import Image

    out, lessons = site
    index = (out / "index.html").read_text()
    assert sorted(lessons) == [nb.stem + ".html" for nb in NOTEBOOKS]
    for page, lesson in lessons.items():
        assert (out / page).is_file()
        assert f'href="{page}"' in index
        with Image.open(out / "pictures" / f"{lesson['number']}.webp") as im:
            assert im.format == "WEBP" and im.width >= 200
        assert len(explorer_folders(out, page)) == lesson["explorers"] == lesson["live"], page
        assert lesson["explorers"] == lesson["made"] >= 1, page  # every explorer made is shown
        assert lesson["frozen"] == 0, page


def test_pages_refer_only_to_files_of_the_site_and_load_no_widget_manager(site):
    """Scripts, styles and pictures come from the site itself (links to read elsewhere are
    fine: a link is not loaded with the page); no widget state, no require.js."""
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
        assert "widget-state+json" not in text and "require.js" not in text, page
        assert "embed-amd" not in text, page


def test_every_frame_of_every_explorer_is_what_the_kernel_draws(site):
    """Each explorer's frames, composed from the site's tiles by the engine's compositor,
    have the SHA-256 of the RGBA bytes ``explorer.frame(key)`` gave in the kernel; every
    combination of the controls has a frame."""
    import hashlib
    import itertools
    import math
    import random

    import numpy as np

    from cnnlessons.engine import compose

    out, lessons = site
    total = 0
    for page in lessons:
        for folder in explorer_folders(out, page):
            index = json.loads((out / folder / "index.json").read_text())
            digests = json.loads((out / folder / "digests.json").read_text())
            ranges = [c["values"] for c in index["controls"] if "values" in c]
            if index["every"]:
                every = {",".join(map(str, c)) for c in itertools.product(*ranges)}
            else:  # too many: each control over its range, the others at the lesson's values
                first = index["first"].split(",")
                every = {
                    ",".join(str(v) if i == j else first[j] for j in range(len(first)))
                    for i, values in enumerate(ranges)
                    for v in values
                }
                assert math.prod(map(len, ranges)) > kernel.MAX_SITE_FRAMES, folder
            assert set(index["frames"]) == every == set(digests), folder
            keys = sorted(every)
            if len(keys) > CHECKED_FRAMES:
                keys = random.Random(folder).sample(keys, CHECKED_FRAMES)
            tiles, decoded = {}, {}  # each tile's file read and decoded once
            for key in keys:
                ids = index["frames"][key]
                for t in ids:
                    if t not in tiles:
                        tiles[t] = (out / folder / index["files"][str(t)]).read_bytes()
                boxes = {t: index["boxes"][str(t)] for t in ids}
                size = (index["height"], index["width"])
                rgba = compose(ids, tiles, boxes, size=size, decoded=decoded)
                digest = hashlib.sha256(np.ascontiguousarray(rgba).tobytes()).hexdigest()
                assert digest == digests[key], (folder, key)
                total += 1
    assert total > 0


def test_the_site_fits_its_budget_on_disk(site):
    out, _ = site
    size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file() and f.name != "digests.json")
    assert size <= SITE_BYTES, f"site/ is {size / 1e6:.1f} MB, more than {SITE_BYTES / 1e6:.0f}"


def test_every_page_has_previous_next_and_its_contents(site):
    out, lessons = site
    pages = sorted(lessons)
    for i, page in enumerate(pages):
        text = (out / page).read_text()
        title = re.search(r"<title>(.*?)</title>", text, re.S).group(1)
        assert title.startswith(f"{lessons[page]['number']} · {lessons[page]['title']}"), title
        links = {
            rel: href
            for tag in re.findall(r"<a\b[^>]*>", text)
            for rel in re.findall(r'\brel="(prev|next)"', tag)
            for href in re.findall(r'\bhref="([^"]+)"', tag)
        }
        assert links.get("prev") == (pages[i - 1] if i > 0 else None), page
        assert links.get("next") == (pages[i + 1] if i + 1 < len(pages) else None), page
        toc = re.search(r'<nav[^>]*class="cnnl-toc".*?</nav>', text, re.S).group(0)
        anchors = re.findall(r'href="#([^"]+)"', toc)
        assert len(anchors) >= 2, page
        for anchor in anchors:
            assert f'id="{anchor}"' in text, (page, anchor)


# ----------------------------------------------------------------------------- browser
class _Host(http.server.SimpleHTTPRequestHandler):
    """A static host: text compressed (gzip) when the browser accepts it, as hosts do."""

    TEXT = (".html", ".js", ".css", ".json", ".svg")

    def log_message(self, *args):
        pass

    def handle(self):
        try:
            super().handle()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser went to another page meanwhile

    def send_head(self):
        path = self.translate_path(self.path)
        if (
            os.path.isfile(path)
            and path.endswith(self.TEXT)
            and "gzip" in self.headers.get("Accept-Encoding", "")
        ):
            import gzip

            body = gzip.compress(Path(path).read_bytes(), 6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(path))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)
        return super().send_head()


@pytest.fixture(scope="module")
def served(site):
    out, lessons = site
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Host, directory=str(out))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/", out, lessons
    finally:
        server.shutdown()
        server.server_close()


# when each explorer's picture first shows a frame (ms from the navigation)
_PAINT_WATCH = r"""
window.__painted = {};
new MutationObserver((records) => {
  for (const r of records) {
    const el = r.target;
    if (r.attributeName === 'data-painted' && el.dataset.painted) {
      const root = el.closest('.cnnl-explorer');
      if (root && !(root.dataset.src in window.__painted))
        window.__painted[root.dataset.src] = performance.now();
    }
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-painted']});
"""

# the SHA-256 of the canvas's RGBA pixels and the key of the frame on it
_CANVAS_JS = r"""async (src) => {
  const root = document.querySelector(`.cnnl-explorer[data-src="${src}"]`);
  const pic = root.querySelector('.cnnl-picture');
  const canvas = pic.querySelector('canvas');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const hash = await crypto.subtle.digest('SHA-256', data);
  // the first slider's value text, and the control it belongs to
  const range = root.querySelector('.cnnl-controls input[type=range]');
  const control = range && [...range.closest('.cnnl-control').classList]
    .find(c => c.startsWith('cnnl-control-')).slice('cnnl-control-'.length);
  return {key: pic.dataset.frame, wanted: pic.dataset.wanted,
          valuetext: range && range.getAttribute('aria-valuetext'), control,
          sha: [...new Uint8Array(hash)].map(b => b.toString(16).padStart(2, '0')).join('')};
}"""

# one step of the explorer's first control that picks frames (a range, a select or buttons)
_STEP_JS = r"""(src) => {
  const root = document.querySelector(`.cnnl-explorer[data-src="${src}"]`);
  const range = root.querySelector('.cnnl-controls input[type=range]');
  if (range) {
    const v = Number(range.value);
    range.value = String(v < Number(range.max) ? v + 1 : v - 1);
    range.dispatchEvent(new Event('input', {bubbles: true}));
    return 'range';
  }
  const select = root.querySelector('.cnnl-controls select');
  if (select) {
    select.selectedIndex = (select.selectedIndex + 1) % select.options.length;
    select.dispatchEvent(new Event('change', {bubbles: true}));
    return 'select';
  }
  const buttons = [...root.querySelectorAll('.cnnl-buttons button')];
  const on = buttons.findIndex(b => b.getAttribute('aria-pressed') === 'true');
  buttons[(on + 1) % buttons.length].click();
  return 'buttons';
}"""

# the first menu's control name, label, option and what describes it besides the picture's
# text alternative ("" when nothing): the engine's value text (keys.js)
_MENU_SAID_JS = r"""(src) => {
  const root = document.querySelector(`.cnnl-explorer[data-src="${src}"]`);
  // a menu, or else the pressed button of a row of toggle buttons
  const node = root.querySelector('.cnnl-controls select') ||
    root.querySelector('.cnnl-controls .cnnl-buttons button[aria-pressed="true"]');
  if (!node) return null;
  const box = node.closest('.cnnl-control');
  const control = [...box.classList].find(c => c.startsWith('cnnl-control-')).slice(13);
  const label = box.querySelector('label, .cnnl-control-label').textContent;
  const option = node.tagName === 'SELECT' ? node.selectedOptions[0].textContent
                                           : node.textContent;
  const ids = (node.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
  return {control, plain: `${label} ${option}`, toggle: node.tagName !== 'SELECT',
          alt: ids.some(i => document.getElementById(i).classList.contains('cnnl-alt')),
          note: ids.map(i => document.getElementById(i)).filter(e => !e.classList
                   .contains('cnnl-alt')).map(e => e.textContent).join(' ')};
}"""


def _settled(page, src):
    page.wait_for_function(
        'src => { const p = document.querySelector(`.cnnl-explorer[data-src="${src}"] '
        ".cnnl-picture`); return p && p.dataset.frame && p.dataset.frame === p.dataset.wanted "
        "&& p.querySelector('.cnnl-drawing').style.display === 'none'; }",
        arg=src,
        timeout=30_000,
    )


@pytest.mark.browser
def test_every_explorer_moves_and_shows_the_kernels_frame_offline(served):
    """Every page offline (anything leaving 127.0.0.1 refused and recorded): every explorer
    shows its first frame, then one step of a control shows the frame the kernel draws for
    the new values (the canvas's pixels have the kernel's SHA-256)."""
    _need("Chromium", h.CHROMIUM is not None, "apt-get install chromium")
    base, out, lessons = served
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
        page.on("console", lambda m: m.type == "error" and errors.append(f"{page.url}: {m.text}"))
        page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
        # (a frame fetched ahead when the test goes to the next page is aborted: not a fault)
        page.on(
            "requestfailed",
            lambda r: (
                r.url.startswith(base)
                and r.failure != "net::ERR_ABORTED"
                and failed.append(f"{r.url} {r.failure}")
            ),
        )
        try:
            page.goto(base + "index.html")
            pictures = page.eval_on_selector_all(
                ".cnnl-card img", "imgs => imgs.map(i => i.complete && i.naturalWidth > 0)"
            )
            assert pictures and all(pictures), "a lesson's picture on the map did not load"
            moved = valuetexts = 0
            said_by = {False: 0, True: 0}  # menus, rows of toggles described by a value text
            for name in lessons:
                page.goto(base + name)
                for src in explorer_folders(out, name):
                    digests = json.loads((out / src / "digests.json").read_text())
                    _settled(page, src)
                    before = page.evaluate(_CANVAS_JS, src)
                    assert before["sha"] == digests[before["key"]], (src, before["key"])
                    page.evaluate(_STEP_JS, src)
                    page.wait_for_function(
                        "([src, key]) => document.querySelector(`.cnnl-explorer[data-src="
                        '"${src}"] .cnnl-picture`).dataset.wanted !== key',
                        arg=[src, before["key"]],
                    )
                    _settled(page, src)
                    after = page.evaluate(_CANVAS_JS, src)
                    assert after["key"] != before["key"], src
                    assert after["sha"] == digests[after["key"]], (src, after["key"])
                    if after["control"] is not None:
                        # the slider says what its value means in the frame shown, as the
                        # kernel's value_text does
                        index = json.loads((out / src / "index.json").read_text())
                        said = index["valuetexts"][after["key"]][after["control"]]
                        assert after["valuetext"] == said, (src, after, said)
                        valuetexts += 1
                    elif menu := page.evaluate(_MENU_SAID_JS, src):
                        # a menu or a row of toggles: described by its value text where that
                        # says more than the option, and by the picture's text
                        index = json.loads((out / src / "index.json").read_text())
                        said = index["valuetexts"][after["key"]][menu["control"]]
                        wanted = "" if said == menu["plain"] else said
                        try:
                            page.wait_for_function(
                                f"([src, wanted]) => {{ const m = ({_MENU_SAID_JS})(src); "
                                "return m.alt && m.note === wanted; }",
                                arg=[src, wanted],
                                timeout=10_000,
                            )
                        except h.PlaywrightTimeout:
                            shown = page.evaluate(_MENU_SAID_JS, src)
                            raise AssertionError((shown, said)) from None
                        said_by[menu["toggle"]] += bool(wanted)
                    moved += 1
            assert moved == sum(lesson["explorers"] for lesson in lessons.values())
            sliders = sum(
                any(
                    c["kind"] not in ("Play", "Dropdown", "ToggleButtons", "RadioButtons")
                    for c in json.loads((out / src / "index.json").read_text())["controls"]
                )
                for name in lessons
                for src in explorer_folders(out, name)
            )
            assert valuetexts == sliders > 0, (valuetexts, sliders)  # every explorer's slider
            # lesson 06's menus and its stride placement's toggles say more than their option
            assert said_by[False] > 0 and said_by[True] > 0, said_by
            assert errors == [], "errors in the pages"
            assert failed == [], "requests that failed"
            assert outside == [], "requests that left 127.0.0.1"
        except BaseException:
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "site-failure.png"), full_page=True)
            raise


def phone_load(browser, url: str) -> dict:
    """Open ``url`` on the phone profile; returns the bytes transferred (as encoded on the
    wire) until every explorer shows a frame, and when the first and the last did (ms)."""
    context = browser.new_context(
        viewport={"width": PHONE["width"], "height": PHONE["height"]},
        device_scale_factor=PHONE["scale"],
        is_mobile=True,
        has_touch=True,
    )
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        rate = PHONE["bits_per_s"] / 8
        cdp.send(
            "Network.emulateNetworkConditions",
            {"offline": False, "latency": PHONE["rtt_ms"], "downloadThroughput": rate,
             "uploadThroughput": rate},
        )  # fmt: skip
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": PHONE["cpu"]})
        sent = []
        cdp.on("Network.loadingFinished", lambda e: sent.append(e["encodedDataLength"]))
        page.add_init_script(_PAINT_WATCH)
        page.goto(url, wait_until="load", timeout=120_000)
        n = page.eval_on_selector_all(".cnnl-explorer[data-src]", "e => e.length")
        page.wait_for_function(
            "n => Object.keys(window.__painted).length >= n", arg=n, timeout=120_000
        )
        page.wait_for_timeout(1500)  # requests the load started, finished
        times = sorted(page.evaluate("Object.values(window.__painted)"))
        return {"bytes": sum(sent), "first": times[0], "last": times[-1], "explorers": n}
    finally:
        context.close()


@pytest.mark.browser
def test_every_page_is_light_and_quick_on_a_phone(served):
    """The issue's budgets, on the phone profile, page by page; the table is written to
    test-artifacts/site-phone.json."""
    _need("Chromium", h.CHROMIUM is not None, "apt-get install chromium")
    from playwright.sync_api import sync_playwright

    base, out, lessons = served
    table = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=h.CHROMIUM, args=h.CHROMIUM_ARGS)
        try:
            with h.machine_to_ourselves():
                for name in lessons:
                    table[name] = phone_load(browser, base + name)
        finally:
            browser.close()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "site-phone.json").write_text(json.dumps(table, indent=1))
    for name, row in table.items():
        assert row["bytes"] <= PAGE_BYTES, (name, row)
        assert row["first"] <= FIRST_EXPLORER_MS, (name, row)
        assert row["last"] <= LAST_EXPLORER_MS, (name, row)


@pytest.mark.browser
def test_search_finds_a_lesson_from_the_static_files(served):
    _need("Chromium", h.CHROMIUM is not None, "apt-get install chromium")
    base, out, lessons = served
    with h.chromium_page() as page:
        page.goto(base + sorted(lessons)[0])
        page.fill("#cnnl-search", "receptive field")
        page.wait_for_selector("#cnnl-search-results a")
        hrefs = page.eval_on_selector_all("#cnnl-search-results a", "a => a.map(x => x.href)")
        assert any("/06_" in href for href in hrefs[:3]), hrefs
        page.click("#cnnl-search-results a >> nth=0")
        page.wait_for_load_state()
        assert "/06_" in page.url


def test_the_readme_links_the_web_edition_and_says_how_to_publish_it():
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### The web edition", 1)[1].split("\n#", 1)[0]
    assert re.search(r"\]\(https://[^)]+\)", section), "a link to where the site is published"
    assert "make site" in section and "site/" in section
    assert "publish" in section


# ----------------------------------------------------------------------------- a phone, axe
#: CSS px of the smallest text in any explorer picture at the figure's own width: the series'
#: smallest font (``figures.style.FONT["small"]``, points) at the explorers' ``dpi`` (CSS px an
#: inch); on a phone the picture may be narrower than the figure, never its text below 9 px
SMALLEST_TEXT_PT = "small"
READABLE_PX = 9
REFLOW_PX = 320  # WCAG 1.4.10: no sideways scroll of the page at 320 CSS px

_READY_JS = """(n) => document.querySelectorAll('.cnnl-explorer[data-ready]').length >= n &&
  [...document.querySelectorAll('.cnnl-explorer .cnnl-picture')].every(p => p.dataset.painted)"""

_PHONE_JS = r"""() => {
  const html = document.documentElement;
  const explorers = [...document.querySelectorAll('.cnnl-explorer[data-src]')].map(root => {
    const canvas = root.querySelector('.cnnl-picture canvas');
    const fonts = [...root.querySelectorAll('.cnnl-controls label, .cnnl-controls output, ' +
                   '.cnnl-controls select, .cnnl-controls button, .cnnl-control-label')]
                  .map(e => getComputedStyle(e).fontFamily);
    return {src: root.dataset.src, css: canvas.getBoundingClientRect().width,
            width: canvas.width, fonts, body: getComputedStyle(document.body).fontFamily};
  });
  return {scroll: Math.max(html.scrollWidth, document.body.scrollWidth),
          view: html.clientWidth, explorers};
}"""

#: the controls (and focusable parts) of each explorer, and its picture's box, lying past the
#: explorer's edges; the explorer past the window's
_CUT_JS = r"""() => {
  const bad = [];
  const out = (r, left, right) => r.left < left - 1 || r.right > right + 1;
  for (const root of document.querySelectorAll('.cnnl-explorer[data-src]')) {
    const own = root.getBoundingClientRect();
    if (out(own, 0, document.documentElement.clientWidth)) {
      bad.push(`${root.dataset.src}: explorer ${own.left}..${own.right}`);
    }
    const parts = root.querySelectorAll('.cnnl-control, .cnnl-picture, label, output, input, ' +
                                        'select, button, [tabindex]');
    for (const el of parts) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || el.tagName === 'CANVAS') continue;  // the picture scrolls in its box
      if (out(r, own.left, own.right)) {
        bad.push(`${root.dataset.src}: ${el.tagName}.${String(el.className).slice(0, 40)} ` +
                 `${r.left.toFixed(0)}..${r.right.toFixed(0)} in ${own.left}..${own.right}`);
      }
    }
  }
  return bad;
}"""


@pytest.mark.browser
def test_on_a_phone_the_pictures_text_is_readable_and_every_page_reflows(served):
    """390 CSS px wide (3x): in every explorer picture the smallest text is at least 9 CSS px
    (the canvas's CSS width over the figure's, times the smallest font), its controls use a
    sans-serif font; at 320 CSS px no page, the lesson map included, scrolls sideways (an
    explorer's picture may scroll inside its own box: WCAG 1.4.10's exception for figures)
    and no control of an explorer lies outside the explorer."""
    _need("Chromium", h.CHROMIUM is not None, "apt-get install chromium")
    from playwright.sync_api import sync_playwright

    from cnnlessons.engine import Explorer
    from cnnlessons.figures.style import FONT

    base, out, lessons = served
    smallest = FONT[SMALLEST_TEXT_PT] * Explorer.dpi / 72  # CSS px at the figure's width
    seen = 0
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=h.CHROMIUM, args=h.CHROMIUM_ARGS)
        try:
            for width in (PHONE["width"], REFLOW_PX):
                context = browser.new_context(
                    viewport={"width": width, "height": PHONE["height"]},
                    device_scale_factor=PHONE["scale"],
                    is_mobile=True,
                    has_touch=True,
                )
                page = context.new_page()
                for name in ["index.html", *lessons]:
                    page.goto(base + name)
                    n = len(explorer_folders(out, name)) if name in lessons else 0
                    page.wait_for_function(_READY_JS, arg=n, timeout=60_000)
                    row = page.evaluate(_PHONE_JS)
                    assert row["view"] == width and row["scroll"] <= width, (name, width, row)
                    if width == REFLOW_PX:  # no control of an explorer outside its explorer
                        assert page.evaluate(_CUT_JS) == [], (name, width)
                    for e in row["explorers"]:
                        index = json.loads((out / e["src"] / "index.json").read_text())
                        figure_css = index["width"] / index["scale"]
                        text = smallest * e["css"] / figure_css
                        assert text >= READABLE_PX, (name, width, e["src"], round(text, 2))
                        assert e["fonts"], e["src"]
                        for family in e["fonts"]:
                            assert "sans-serif" in family and not family.startswith(
                                ("serif", '"Times', "Times")
                            ), (e["src"], family)
                        seen += 1
                context.close()
        finally:
            browser.close()
    assert seen == 2 * sum(lesson["explorers"] for lesson in lessons.values())


AXE = Path(__file__).with_name("vendor") / "axe-4.14.1.min.js"  # as test_accessibility.py
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

_AXE_JS = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                          resultTypes: ['violations']});
  return result.violations.flatMap(v => v.nodes.map(n => ({
      id: v.id, target: n.target.join(' '), html: n.html.slice(0, 160),
      why: (n.failureSummary || '').slice(0, 200)})));
}"""


@pytest.mark.browser
def test_axe_finds_no_wcag_violation_on_any_page_of_the_site(served):
    """axe-core (the vendored, pinned file test_accessibility.py checks) with the WCAG 2.x
    A/AA rules on the lesson map and every lesson page, once every explorer shows its first
    frame and its text alternative and the formulas are typeset: no violation. Every part of
    these pages is the series' own (no JupyterLab or Voila chrome), so nothing is set aside."""
    _need("Chromium", h.CHROMIUM is not None, "apt-get install chromium")
    base, out, lessons = served
    found = {}
    with h.chromium_page() as page:
        for name in ["index.html", *lessons]:
            page.goto(base + name)
            n = len(explorer_folders(out, name)) if name in lessons else 0
            page.wait_for_function(_READY_JS, arg=n, timeout=60_000)
            math = page.evaluate("() => !!window.MathJax")  # configured for a page's TeX
            if name in lessons:  # MathJax on the pages with formulas only
                nb = nbformat.read(ROOT / "notebooks" / name.replace(".html", ".ipynb"), 4)
                assert math == book.has_formula(nb), name
            if math:  # the formulas typeset
                page.wait_for_function("() => window.MathJax.Hub", timeout=60_000)
                page.evaluate("() => new Promise(r => MathJax.Hub.Register.StartupHook('End', r))")
                typeset = page.eval_on_selector_all(".MathJax_CHTML", "e => e.length")
                assert typeset > 0, f"{name}: MathJax loaded, no formula typeset"
            page.wait_for_timeout(700)  # the text alternatives written (400 ms settle)
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate(_AXE_JS, WCAG)
            if violations:
                found[name] = violations
    summary = {
        name: {
            rule: [f"{v['target'][-70:]} {v['why'][30:140]}" for v in vs if v["id"] == rule][:3]
            + [f"({sum(v['id'] == rule for v in vs)} in all)"]
            for rule in sorted({v["id"] for v in vs})
        }
        for name, vs in found.items()
    }
    assert found == {}, json.dumps(summary, indent=1)
