"""Build the static web edition of the lessons: ``make site`` -> ``site/``.

Every lesson is executed once in a fresh kernel (as ``jupyter nbconvert --to html --execute``
does) and exported to HTML with its widget state, so the explorers whose controls only swap
pictures in the browser keep working with no kernel: the explorer engine's picture
(``cnnlessons.engine``) reads the controls itself and holds every frame in its state. Anything
that would need the kernel to move (a control nothing in the page listens to, a picture
missing frames: the blit renderer's) is shown as its current picture, its controls disabled,
with a one-line note: "run this lesson in JupyterLab or on Binder to move this".
``index.html`` is the lesson map (``tools/site/site_index.html.j2``), with a picture of each
lesson.

The pages need nothing from the network: require.js, the widget manager
(``@jupyter-widgets/html-manager``'s ``embed-amd.js`` with its icon fonts), MathJax and the
front end of custom widgets come from the npm registry at build time (versions pinned in
``tools/site/package-lock.json``, installed into ``tools/site/node_modules``, git-ignored) and
are copied into ``site/assets/``.

    python tools/build_site.py [--out site] [--jobs 2] [--only 00 01]

Custom widget front ends (e.g. anywidget): see ``WIDGET_MODULES`` below.
"""

from __future__ import annotations

import argparse
import base64
import copy
import html
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import markupsafe

ROOT = Path(__file__).resolve().parents[1]
NPM_DIR = ROOT / "tools" / "site"  # package.json, package-lock.json
NODE_MODULES = NPM_DIR / "node_modules"
NPM_CACHE = ROOT / "build" / "npm-cache"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# Widget model modules the page can load without the network. The first three are built into
# embed-amd.js. A custom widget's front end is one AMD file from npm, copied to
# assets/widgets/<name>.js and found by require.js through a `paths` entry the pages get.
# ---- To ship another custom widget: add its npm package (pinned) to tools/site/package.json,
# ---- run `npm install --prefix tools/site`, commit package*.json, and add a line here:
#      model module name -> its AMD bundle inside node_modules
WIDGET_MODULES = {
    "@jupyter-widgets/base": None,
    "@jupyter-widgets/controls": None,
    "@jupyter-widgets/output": None,
    "anywidget": "anywidget/dist/index.js",
}

NOTE = "Run this lesson in JupyterLab or on Binder to move this."
BINDER_FALLBACK = "https://mybinder.org/v2/gh/why-convolutions/why-convolutions/HEAD"

# Run after a lesson's own cells, and removed before export: explorers that draw their frames
# in the background while the learner reads finish them now (``finish_all``), and every
# widget sends its whole state again. The last step matters: the executing client keeps only
# messages answering the cell it is running, so whatever a kernel sent between cells (frames
# drawn in the background) is lost from the saved widget state unless it is sent again here.
FINISH_CELL = """\
from cnnlessons.engine import finish_all as _finish_all
_finish_all()
try:
    from ipywidgets.widgets.widget import _instances as _widgets
except ImportError:
    from ipywidgets import Widget as _Widget
    _widgets = _Widget.widgets
for _w in list(_widgets.values()):
    _w.send_state()
"""


# ----------------------------------------------------------------------------- npm assets
def ensure_node_modules() -> None:
    """`npm ci` into tools/site/node_modules unless it already holds the locked versions."""
    lock = NPM_DIR / "package-lock.json"
    installed = NODE_MODULES / ".package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= lock.stat().st_mtime:
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("build_site: npm is needed to fetch the page's scripts (apt-get install npm)")
    print("build_site: npm ci (tools/site/package-lock.json)", flush=True)
    subprocess.run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--cache", str(NPM_CACHE)],
        cwd=NPM_DIR,
        check=True,
    )
    installed.touch()


def copy_assets(out: Path) -> None:
    assets = out / "assets"
    nm = NODE_MODULES
    shutil.copy2(nm / "requirejs" / "require.js", assets / "require.js")
    # the widget manager, with the icon fonts it loads from beside itself
    widgets = assets / "widgets"
    widgets.mkdir(parents=True)
    for f in (nm / "@jupyter-widgets" / "html-manager" / "dist").iterdir():
        if f.name == "embed-amd.js" or f.suffix in (".woff2", ".woff", ".ttf", ".eot", ".svg"):
            shutil.copy2(f, widgets / f.name)
    for name, bundle in WIDGET_MODULES.items():
        if bundle:
            shutil.copy2(nm / bundle, widgets / f"{name}.js")
    # MathJax 2 (what nbconvert's template configures): the TeX input, the CommonHTML output
    # and its web fonts
    mj_src, mj = nm / "mathjax", assets / "mathjax"
    mj.mkdir()
    shutil.copy2(mj_src / "MathJax.js", mj / "MathJax.js")
    for sub in (
        "config/TeX-AMS_CHTML-full.js",
        "config/Safe.js",
        "extensions",
        "jax/input/TeX",
        "jax/output/CommonHTML",
        "jax/element",
        "fonts/HTML-CSS/TeX/woff",
        "localization/en",
    ):
        src = mj_src / sub
        if src.is_dir():
            shutil.copytree(src, mj / sub)
        else:
            (mj / sub).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, mj / sub)
    for f in (ROOT / "tools" / "site").glob("*.css"):
        shutil.copy2(f, assets / f.name)


# ----------------------------------------------------------------------------- execution
def execute(path: str) -> tuple[str, str, float]:
    """Execute a notebook in a fresh kernel (working directory: notebooks/); returns its
    JSON with the widget state in its metadata, and the seconds it took."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(FINISH_CELL, metadata={"cnnl_build": True}))
    t0 = time.monotonic()
    client = NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(Path(path).parent)}},
        store_widget_state=True,
    )
    client.execute()
    seconds = time.monotonic() - t0
    nb.cells = [c for c in nb.cells if not c.metadata.get("cnnl_build")]
    return path, nbformat.writes(nb), seconds


# ----------------------------------------------------------------------------- widget state
REF = re.compile(r"IPY_MODEL_(\w+)")


def references(value) -> list[str]:
    """Model ids a state value refers to ("IPY_MODEL_<id>", anywhere inside it), in order."""
    return REF.findall(json.dumps(value))


def subtree(state: dict, root: str) -> list[str]:
    """Every model reachable from ``root`` through references (the root first)."""
    seen, todo = [], [root]
    while todo:
        mid = todo.pop(0)
        if mid in seen or mid not in state:
            continue
        seen.append(mid)
        todo.extend(references(state[mid]["state"]))
    return seen


def is_control(model: dict) -> bool:
    """A model the learner moves or clicks: it has a ``disabled`` trait."""
    return "disabled" in model["state"]


def frames_complete(model: dict) -> bool:
    """Whether a custom picture holds a frame for every combination of its controls.

    The anywidget engine (cnnlessons.engine.picture) keeps ``controls`` (each with the
    ``values`` it can take) and ``frames`` (one per combination drawn) in its state; a page
    without a kernel cannot ask for a frame that is missing. Other custom widgets: True."""
    state = model["state"]
    controls, frames = state.get("controls"), state.get("frames")
    if not isinstance(controls, list) or not isinstance(frames, dict):
        return True
    combinations = math.prod(
        len(c.get("values") or [None]) for c in controls if isinstance(c, dict)
    )
    return len(frames) >= combinations


def live_controls(state: dict) -> set[str]:
    """Controls something in the page listens to without a kernel: an end of a link
    (``jslink``/``jsdlink``), or a model a custom widget's front end reads (anywidget), if
    that widget has every frame its controls can ask for."""
    live = set()
    for model in state.values():
        if model["model_name"] in ("LinkModel", "DirectionalLinkModel"):
            live.update(references(model["state"]))
        elif model["model_module"] not in (
            "@jupyter-widgets/base",
            "@jupyter-widgets/controls",
            "@jupyter-widgets/output",
        ) and frames_complete(model):
            for mid in references(model["state"]):
                if is_control(state.get(mid, {"state": {}})):
                    live.add(mid)
    return live


def make_static(state: dict) -> tuple[dict, set[str]]:
    """The widget state a page without a kernel can show: controls nothing in the page
    listens to are disabled. Returns the new state and the ids of every model that was
    frozen (disabled). A model from a module the page cannot load offline is an error: add
    its front end to ``WIDGET_MODULES``."""
    state = copy.deepcopy(state)
    frozen = set()
    unknown = {m["model_module"] for m in state.values()} - set(WIDGET_MODULES)
    if unknown:
        raise RuntimeError(
            f"widget modules {sorted(unknown)} have no front end in the static edition: "
            "add them to WIDGET_MODULES in tools/build_site.py"
        )
    live = live_controls(state)
    for mid, model in state.items():
        if is_control(model) and mid not in live:
            model["state"]["disabled"] = True
            frozen.add(mid)
    return state, frozen


def check_front_end_versions(state: dict) -> None:
    """A custom widget's front end shipped from npm must speak the kernel side's version
    (anywidget's Python package and its npm front end are released together)."""
    for name, bundle in WIDGET_MODULES.items():
        if not bundle:
            continue
        package = NODE_MODULES / bundle.split("/dist/")[0] / "package.json"
        shipped = json.loads(package.read_text())["version"]
        for model in state.values():
            if model["model_module"] != name:
                continue
            wanted = re.findall(r"\d+", model["model_module_version"])[:2]
            if wanted and wanted != shipped.split(".")[:2]:
                raise RuntimeError(
                    f"the kernel's {name} is {model['model_module_version']}, the site ships "
                    f"{name} {shipped}: pin the same version in tools/site/package.json"
                )


def _picture_frame(model: dict) -> bytes | None:
    """The first frame of the explorer engine's picture as one PNG: its tiles (PNG buffers
    at ``tiles/<id>``) composed by the engine's one compositor."""
    from cnnlessons.engine import compose, png_bytes

    state = model["state"]
    tiles = {
        str(b["path"][1]): base64.b64decode(b["data"])
        for b in model.get("buffers", [])
        if len(b["path"]) == 2 and b["path"][0] == "tiles"
    }
    frames = state.get("frames") or {}
    if not frames or not tiles:
        return None
    ids = next(iter(frames.values()))
    if any(str(t) not in tiles for t in ids):
        return None
    size = (int(state["height"]), int(state["width"]))
    return png_bytes(compose(ids, tiles, state["boxes"], size=size))


def shown_picture(state: dict, root: str) -> bytes | None:
    """The PNG bytes of the first picture a widget view shows (an explorer's: the first
    frame of its picture), or None."""
    model = state.get(root)
    if model is None:
        return None
    if "frames" in model["state"] and "tiles" in model["state"]:
        return _picture_frame(model)
    for child in references(model["state"].get("children", [])):
        found = shown_picture(state, child)
        if found:
            return found
    return None


# ----------------------------------------------------------------------------- pages
def lesson_table() -> dict[str, dict]:
    """The README's lesson table: number -> {topic, question}."""
    rows = {}
    for line in (ROOT / "README.md").read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"\d\d", cells[0]):
            rows[cells[0]] = {"topic": cells[1].strip("`"), "question": cells[2]}
    return rows


def binder_base() -> str:
    match = re.search(
        r"https://mybinder\.org/v2/gh/[^/\s)]+/[^/\s)]+/[^?\s)]+", (ROOT / "README.md").read_text()
    )
    return match.group(0) if match else BINDER_FALLBACK


def title_of(nb) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    # "01 · Convolution by hand" -> "Convolution by hand": the map numbers it
                    return re.sub(r"^\d\d\s*[·:.\-–—]\s*", "", line[2:].strip())
    return ""


def thumbnail(picture: bytes, width: int = 560) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(picture)) as im:
        im = im.convert("RGB")
        if im.width > width:
            im = im.resize((width, round(im.height * width / im.width)), Image.LANCZOS)
        with io.BytesIO() as buf:
            im.save(buf, format="png", optimize=True)
            return buf.getvalue()


def note_output(binder_url: str):
    import nbformat

    return nbformat.v4.new_output(
        "display_data",
        data={
            "text/html": (
                '<p class="cnnl-static-note">'
                f'<a href="{html.escape(binder_url)}">{html.escape(NOTE)}</a></p>'
            ),
            "text/plain": NOTE,
        },
    )


def freeze_notebook(nb, binder_url: str) -> dict:
    """Make the executed notebook's widget state static (see ``make_static``) and put the
    note under every widget view that holds something frozen. Returns what was found, for
    the build's summary and the tests: {"explorers": n, "live": n, "frozen": n, "pictures":
    the lesson's pictures in order (figures and what each widget view shows, as bytes)}."""
    widgets = nb.metadata.get("widgets", {}).get(WIDGET_STATE)
    state = widgets["state"] if widgets else {}
    check_front_end_versions(state)
    static, frozen = make_static(state)
    if widgets:
        widgets["state"] = static
    found = {"explorers": 0, "live": 0, "frozen": 0, "pictures": []}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for out in cell.get("outputs", []):
            outputs.append(out)
            data = out.get("data", {})
            if "image/png" in data:
                found["pictures"].append(base64.b64decode(data["image/png"]))
            if WIDGET_VIEW not in data:
                continue
            root = data[WIDGET_VIEW]["model_id"]
            picture = shown_picture(static, root)
            if picture:
                found["pictures"].append(picture)
            tree = subtree(static, root)
            explorer = "cnnl-explorer" in static.get(root, {}).get("state", {}).get(
                "_dom_classes", []
            )
            found["explorers"] += explorer
            if frozen & set(tree):
                found["frozen"] += 1
                outputs.append(note_output(binder_url))
            elif explorer:
                found["live"] += 1
        cell["outputs"] = outputs
    return found


def embedded_modules() -> list[str]:
    """The AMD module names embed-amd.js defines."""
    bundle = NODE_MODULES / "@jupyter-widgets" / "html-manager" / "dist" / "embed-amd.js"
    text = bundle.read_text()
    return sorted(set(re.findall(r'define\("([^"]+)"', text)))


def export_html(nb, name: str, nav: str) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        extra_template_paths=[str(NPM_DIR)],
        template_file="site_lesson.html.j2",
        theme="light",
        require_js_url="assets/require.js",
        widget_renderer_url="assets/widgets/embed-amd.js",
        mathjax_url="assets/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    )
    paths = {name: f"assets/widgets/{name}" for name, bundle in WIDGET_MODULES.items() if bundle}
    # embed-amd.js defines its modules by name; each finds its fonts beside the URL require.js
    # gives that name, so every name must point into assets/widgets/
    for module in embedded_modules():
        paths[module] = "assets/widgets/" + module.rsplit("/", 1)[-1]
    resources = {"metadata": {"name": name}, "cnnl_nav": nav, "cnnl_require_paths": paths}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def nav_bar(number: str, title: str, binder_url: str) -> str:
    return (
        '<nav class="cnnl-site-nav"><a href="index.html">&larr; All lessons</a>'
        f"<span>Lesson {number}: {html.escape(title)}</span>"
        '<span class="cnnl-site-hint">Static edition: sliders and menus of the explorers move '
        "here without Python; code does not run. "
        f'<a href="{html.escape(binder_url)}">Run this lesson on Binder</a></span></nav>\n'
    )


def index_page(lessons: list[dict], table: dict) -> str:
    """The lesson map (``tools/site/site_index.html.j2``): a card per lesson of ``table``
    (the README's) or of ``lessons`` (those built), in order."""
    import jinja2

    made = {lesson["number"]: lesson for lesson in lessons}
    cards = []
    for number in sorted(set(table) | set(made)):
        row = table.get(number, {})
        question = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(row.get("question", "")))
        cards.append(
            {
                "number": number,
                "lesson": made.get(number),
                "topic": row.get("topic", ""),
                "question": markupsafe.Markup(question),
            }
        )
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(NPM_DIR)), autoescape=True, keep_trailing_newline=True
    )
    return env.get_template("site_index.html.j2").render(cards=cards, binder=binder_base())


# ----------------------------------------------------------------------------- main
def build(out: Path, notebooks: list[Path], jobs: int) -> list[dict]:
    import nbformat

    ensure_node_modules()
    if out.exists():
        shutil.rmtree(out)
    (out / "pictures").mkdir(parents=True)
    (out / "assets").mkdir()
    copy_assets(out)
    binder = binder_base()
    table = lesson_table()
    workers = max(1, min(jobs, len(notebooks)))
    lessons, used = [], set()
    with ProcessPoolExecutor(workers) as pool:
        for path, text, seconds in pool.map(execute, [str(p) for p in notebooks]):
            path = Path(path)
            nb = nbformat.reads(text, as_version=4)
            number = path.name[:2]
            title = title_of(nb)
            url = f"{binder}?urlpath=lab/tree/notebooks/{path.name}"
            found = freeze_notebook(nb, url)
            page = path.stem + ".html"
            (out / page).write_text(export_html(nb, path.stem, nav_bar(number, title, url)))
            # the lesson's first picture that no earlier lesson shows on the map
            fresh = [p for p in found.pop("pictures") if p not in used] or [None]
            if fresh[0]:
                used.add(fresh[0])
                (out / "pictures" / f"{number}.png").write_bytes(thumbnail(fresh[0]))
            lessons.append(
                {
                    "number": number,
                    "title": title,
                    "page": page,
                    **found,
                    "picture": bool(fresh[0]),
                    "seconds": round(seconds, 1),
                }
            )
            print(
                f"build_site: {page}: {found['explorers']} explorers ({found['live']} live, "
                f"{found['frozen']} frozen), executed in {seconds:.1f} s",
                flush=True,
            )
    (out / "index.html").write_text(index_page(lessons, table))
    (out / "lessons.json").write_text(json.dumps(lessons, indent=1))
    return lessons


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "site")
    parser.add_argument("--jobs", type=int, default=int(os.environ.get("SITE_JOBS", 2)))
    parser.add_argument("--only", nargs="*", help="lesson numbers, e.g. 00 03")
    parser.add_argument(
        "notebooks", nargs="*", type=Path, help="notebooks to build (default: every lesson)"
    )
    args = parser.parse_args(argv)
    notebooks = [p.resolve() for p in args.notebooks] or sorted(
        (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
    )
    if args.only:
        notebooks = [p for p in notebooks if p.name[:2] in args.only]
        if not notebooks:
            sys.exit(f"build_site: no lesson numbered {' '.join(args.only)}")
    t0 = time.monotonic()
    build(args.out.resolve(), notebooks, args.jobs)
    print(f"build_site: {args.out} built in {time.monotonic() - t0:.0f} s")


if __name__ == "__main__":
    main()
