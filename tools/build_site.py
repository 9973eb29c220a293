"""Build the static web edition of the lessons: ``make site`` -> ``site/``.

Every lesson is executed once in a fresh kernel (as ``jupyter nbconvert --to html --execute``
does); then, in that kernel, every explorer's every frame is read through the engine's public
inspection API and written as static files (``tools/sitebuild/kernel.py``: PNG tiles shared
between frames, an index per explorer). A lesson page is nbconvert's HTML of the executed
notebook without the widget state and without the widget manager: each explorer is a
placeholder that ``assets/explorers.js`` fills with native HTML controls and the engine's own
page code (``cnnlessons/engine/js``, as ``assets/picture.js``), which fetches the frames the
controls ask for (and their neighbours) from the static files. Every explorer moves, with no
kernel, and every frame is the one the kernel draws.

The book around the pages (``tools/sitebuild/book.py``): previous/next, each lesson's
contents, a search index (``search.json``) with a few lines of JS, titles that read as lesson
titles, the lessons' TeX typeset by MathJax (on a page with a formula only, once its first
explorer shows a frame). ``index.html`` is the lesson map.

Nothing comes from the network: MathJax from the npm registry at build time (pinned in
``tools/site/package-lock.json``, installed into ``tools/site/node_modules``, git-ignored).

    python tools/build_site.py [--out site] [--jobs 2] [--only 00 01]
"""

from __future__ import annotations

import argparse
import html
import io
import json
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
sys.path.insert(0, str(ROOT / "tools"))
from sitebuild import book  # noqa: E402

NPM_DIR = ROOT / "tools" / "site"  # package.json, package-lock.json, templates, JS, CSS
NODE_MODULES = NPM_DIR / "node_modules"
NPM_CACHE = ROOT / "build" / "npm-cache"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
BINDER_FALLBACK = "https://mybinder.org/v2/gh/why-convolutions/why-convolutions/HEAD"

# Run after a lesson's own cells (and removed before export): every explorer's frames
# written under the site (tools/sitebuild/kernel.py), their summary printed
DUMP_CELL = """\
import sys as _sys
_sys.path.insert(0, {tools!r})
from sitebuild.kernel import dump as _dump
_dump({out!r}, {lesson!r})
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
        sys.exit("build_site: npm is needed to fetch MathJax (apt-get install npm)")
    print("build_site: npm ci (tools/site/package-lock.json)", flush=True)
    subprocess.run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--cache", str(NPM_CACHE)],
        cwd=NPM_DIR,
        check=True,
    )
    installed.touch()


def copy_assets(out: Path) -> None:
    from cnnlessons.engine.picture import ESM

    assets = out / "assets"
    nm = NODE_MODULES
    # the engine's page code, as the kernel's widget ships it (one ES module)
    (assets / "picture.js").write_text(ESM, encoding="utf-8")
    for name in ("explorers.js", "search.js", "site.css"):
        shutil.copy2(NPM_DIR / name, assets / name)
    # MathJax 2: the TeX input, the CommonHTML output and its web fonts
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
            shutil.copytree(src, mj / sub, ignore=_not_served)
        else:
            (mj / sub).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, mj / sub)


#: MathJax's accessibility extension's speech rules kept: English (the lessons' language)
#: and Nemeth braille. Dropped: the German, Spanish and French rules and the copy of them all
#: for Internet Explorer (2.2 of MathJax's 5.1 MB). Screen readers still get each formula as
#: MathML (the AssistiveMML extension, in the TeX-AMS_CHTML-full configuration), and the
#: menu's explorer (speech, braille, collapsing) works in English.
MATHMAPS_KEPT = {"en.js", "nemeth.js"}


def _not_served(folder: str, names: list[str]) -> set[str]:
    if Path(folder).name == "mathmaps":
        return {n for n in names if n not in MATHMAPS_KEPT}
    return set()


# ----------------------------------------------------------------------------- execution
def execute(path: str, out: str) -> tuple[str, str, list, float]:
    """Execute a notebook in a fresh kernel (working directory: notebooks/), then write its
    explorers' frames under ``out`` from that kernel; returns the notebook's JSON, the
    explorers' summaries (``sitebuild.kernel.dump``) and the seconds it took."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    code = DUMP_CELL.format(tools=str(ROOT / "tools"), out=out, lesson=Path(path).name[:2])
    nb.cells.append(nbformat.v4.new_code_cell(code, metadata={"cnnl_build": True}))
    t0 = time.monotonic()
    client = NotebookClient(
        nb,
        timeout=1800,
        kernel_name="python3",
        resources={"metadata": {"path": str(Path(path).parent)}},
    )
    client.execute()
    seconds = time.monotonic() - t0
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.output_type == "stream")
    found = json.loads(printed.split("CNNL_SITE ", 1)[1].splitlines()[0])
    nb.cells = [c for c in nb.cells if not c.metadata.get("cnnl_build")]
    return path, nbformat.writes(nb), found, seconds


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
    """The lesson map's picture: at most ``width`` pixels wide, lossless WebP."""
    from PIL import Image

    with Image.open(io.BytesIO(picture)) as im:
        im = im.convert("RGB")
        if im.width > width:
            im = im.resize((width, round(im.height * width / im.width)), Image.LANCZOS)
        with io.BytesIO() as buf:
            im.save(buf, format="webp", lossless=True, method=4, quality=80)
            return buf.getvalue()


def exact_webp(data: bytes) -> bytes | None:
    """A figure's PNG as lossless WebP (every pixel and its alpha kept; measured about half
    the PNG's size on the lessons' figures), or None when that is not smaller."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as im:
        im = im.convert("RGBA" if "A" in im.getbands() else "RGB")
        with io.BytesIO() as buf:
            im.save(buf, format="webp", lossless=True, method=4, quality=80, exact=True)
            webp = buf.getvalue()
    return webp if len(webp) < len(data) else None


STYLE = re.compile(r'<style type="text/css">(.*?)</style>', re.S)
#: a style block of the export at least this long is a shared file (the JupyterLab theme
#: and the nbconvert styles every page has: 0.26 MB a page), not inlined in each page
SHARED_STYLE = 2000


def styles_to_files(body: str, out: Path) -> str:
    """The page's long style blocks as files of ``assets/`` named by their content (one
    file however many pages use it: the browser fetches it once for the whole book)."""
    import hashlib

    def extract(match):
        css = match[1]
        if len(css) < SHARED_STYLE:
            return match[0]
        name = f"assets/lab-{hashlib.sha256(css.encode()).hexdigest()[:12]}.css"
        if not (out / name).exists():
            (out / name).write_text(css, encoding="utf-8")
        return f'<link rel="stylesheet" href="{name}">'

    return STYLE.sub(extract, body)


def folder_digest(folder: Path) -> str:
    """A digest of every file of an explorer's folder (names and bytes)."""
    import hashlib

    h = hashlib.blake2b(digest_size=16)
    for f in sorted(folder.iterdir()):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()


def first_picture(out: Path, folder: str) -> bytes:
    """The first frame of an explorer as one PNG (its first tiles composed)."""
    from cnnlessons.engine import compose, png_bytes

    index = json.loads((out / folder / "index.json").read_text())
    ids = index["frames"][index["first"]]
    tiles = {str(t): (out / folder / index["files"][str(t)]).read_bytes() for t in ids}
    boxes = {str(t): index["boxes"][str(t)] for t in ids}
    return png_bytes(compose(ids, tiles, boxes, size=(index["height"], index["width"])))


def explorer_html(summary: dict, n: int) -> str:
    """The placeholder ``assets/explorers.js`` fills: controls and picture."""
    return (
        f'<div class="cnnl-explorer cnnl-site-explorer cnnl-explorer-{n} '
        f'cnnl-{summary["name"]}" data-src="{summary["folder"]}">'
        '<p class="cnnl-loading">Loading the explorer…</p></div>'
    )


def place_explorers(nb, found: list, out: Path) -> dict:
    """Every widget view of the executed notebook replaced: an explorer's by its
    placeholder, any other widget (a progress bar) dropped; the widget state removed.
    Returns {"explorers": n, "pictures": the lesson's pictures in order (bytes)}."""
    import base64

    import nbformat

    by_model = {e["model_id"]: (n, e) for n, e in enumerate(found)}
    nb.metadata.pop("widgets", None)
    pictures, count = [], 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for o in cell.get("outputs", []):
            data = o.get("data", {})
            if "image/png" in data:
                pictures.append(base64.b64decode(data["image/png"]))
            if WIDGET_VIEW not in data:
                outputs.append(o)
                continue
            hit = by_model.get(data[WIDGET_VIEW]["model_id"])
            if hit is None:
                continue
            n, summary = hit
            count += 1
            pictures.append(first_picture(out, summary["folder"]))
            outputs.append(
                nbformat.v4.new_output(
                    "display_data",
                    data={"text/html": explorer_html(summary, n), "text/plain": ""},
                )
            )
        cell["outputs"] = outputs
    return {"explorers": count, "pictures": pictures}


INLINE_IMAGE = re.compile(r'<img\b([^>]*?)src="data:image/(png|jpeg);base64,([^"]+)"')


def images_to_files(body: str, out: Path, stem: str) -> str:
    """The page's figures (nbconvert inlines them as base64) as files beside it, loaded
    lazily: the page's HTML, and so its explorers' script, no longer waits for every
    figure of the lesson."""
    import base64

    folder = out / "figures"
    folder.mkdir(exist_ok=True)
    count = 0

    def extract(match):
        nonlocal count
        count += 1
        data = base64.b64decode(match[3])
        webp = exact_webp(data) if match[2] == "png" else None
        ext = "webp" if webp else ("png" if match[2] == "png" else "jpg")
        name = f"figures/{stem}-{count}.{ext}"
        (out / name).write_bytes(webp or data)
        return f'<img{match[1]}loading="lazy" src="{name}"'

    return INLINE_IMAGE.sub(extract, body)


def export_html(nb, title: str, nav: str, foot: str) -> str:
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        extra_template_paths=[str(NPM_DIR)],
        template_file="site_lesson.html.j2",
        theme="light",
        mathjax_url="assets/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
    )
    resources = {"metadata": {"name": title}, "cnnl_nav": nav, "cnnl_foot": foot,
                 "cnnl_math": book.has_formula(nb)}  # fmt: skip
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def nav_bar(number: str, title: str, binder_url: str) -> str:
    return (
        '<nav class="cnnl-site-nav" aria-label="Site"><a href="index.html">&larr; All lessons</a>'
        f"<span>Lesson {number}: {html.escape(title)}</span>"
        '<form id="cnnl-search-form" action="index.html" role="search">'
        '<label for="cnnl-search">Search the lessons</label> '
        '<input id="cnnl-search" type="search" autocomplete="off"></form>'
        f'<a class="cnnl-site-hint" href="{html.escape(binder_url)}">Run the code on Binder</a>'
        '<ol id="cnnl-search-results" aria-live="polite"></ol></nav>\n'
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
    lessons, pages, used, folders = [], [], set(), {}
    with ProcessPoolExecutor(workers) as pool:
        runs = pool.map(execute, [str(p) for p in notebooks], [str(out)] * len(notebooks))
        for path, text, found, seconds in runs:
            path = Path(path)
            nb = nbformat.reads(text, as_version=4)
            number = path.name[:2]
            title = title_of(nb)
            url = f"{binder}?urlpath=lab/tree/notebooks/{path.name}"
            for summary in found:  # an explorer shown again by a later lesson: one folder
                digest = folder_digest(out / summary["folder"])
                if digest in folders:
                    shutil.rmtree(out / summary["folder"])
                    summary["folder"] = folders[digest]
                else:
                    folders[digest] = summary["folder"]
            placed = place_explorers(nb, found, out)
            if placed["explorers"] != len(found):
                views = [
                    o["data"][WIDGET_VIEW]["model_id"]
                    for c in nbformat.reads(text, as_version=4).cells
                    for o in c.get("outputs", [])
                    if WIDGET_VIEW in o.get("data", {})
                ]
                print(
                    f"build_site: {path.stem}: {len(found)} explorers made, "
                    f"{placed['explorers']} shown; explorers {[e['model_id'] for e in found]}, "
                    f"widget views {views}",
                    flush=True,
                )
            pages.append((path, nb, number, title, url))
            fresh = [p for p in placed.pop("pictures") if p not in used] or [None]
            if fresh[0]:
                used.add(fresh[0])
                (out / "pictures" / f"{number}.webp").write_bytes(thumbnail(fresh[0]))
            lessons.append(
                {
                    "number": number,
                    "title": title,
                    "page": path.stem + ".html",
                    "explorers": placed["explorers"],
                    "made": len(found),
                    "live": placed["explorers"],
                    "frozen": 0,
                    "frames": sum(e["frames"] for e in found),
                    "frame_bytes": sum(e["bytes"] for e in found),
                    "picture": bool(fresh[0]),
                    "seconds": round(seconds, 1),
                }
            )
            print(
                f"build_site: {path.stem}: {placed['explorers']} explorers, "
                f"{lessons[-1]['frames']} frames ({lessons[-1]['frame_bytes'] / 1e6:.1f} MB "
                f"of tiles), executed in {seconds:.1f} s",
                flush=True,
            )
    # the book: every page knows its neighbours; contents and search from the HTML
    bodies = []
    for i, (_path, nb, number, title, url) in enumerate(pages):
        full = f"{number} · {title} — Why convolutions?"
        nav = nav_bar(number, title, url)
        first = export_html(nb, full, nav, "")
        sections = book.contents(first)
        foot = book.prev_next_html(lessons, i)
        body = export_html(nb, full, nav + foot + book.toc_html(sections), foot)
        body = styles_to_files(images_to_files(body, out, lessons[i]["page"][:2]), out)
        (out / lessons[i]["page"]).write_text(body)
        lessons[i]["sections"] = [s["title"] for s in sections]
        bodies.append({**lessons[i], "body": first})
    (out / "search.json").write_text(book.search_index(bodies))
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
