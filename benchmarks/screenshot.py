"""Make docs/explorer.png, the README's picture of an explorer, the way a learner sees it:
notebooks/00_start_here.ipynb run in JupyterLab in headless Chromium, slider at position 5.

    make screenshot
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import browser_harness as h  # noqa: E402

OUT = ROOT / "docs" / "explorer.png"


def main() -> int:
    if h.CHROMIUM is None:
        print("no Chromium found: apt-get install chromium (or set CNNLESSONS_CHROMIUM)")
        return 1
    root = Path(tempfile.mkdtemp(prefix="cnnl-shot-"))
    try:
        shutil.copytree(ROOT / "notebooks", root / "notebooks")
        with h.JupyterLabServer(root) as server, h.chromium_page(viewport=(1280, 900)) as page:
            h.open_notebook(page, server, "notebooks/00_start_here.ipynb")
            h.run_all_cells(page)
            explorer = page.locator(".cnnl-explorer").first
            explorer.scroll_into_view_if_needed()
            picture = ".cnnl-explorer .cnnl-picture"
            h.wait_for_picture(page, picture)
            page.evaluate(
                "([a, b]) => window.__cnn.step(a, b, 5, 10000)",
                [".cnnl-explorer .cnnl-control-position", picture],
            )
            page.wait_for_timeout(300)
            OUT.parent.mkdir(exist_ok=True)
            explorer.screenshot(path=str(OUT))
            h.close_notebook(page)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size // 1024} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
