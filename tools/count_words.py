"""Count the Markdown words of each lesson notebook: ``python tools/count_words.py [notebooks...]``.

A word is a run of non-space characters in a Markdown cell, after dropping HTML tags, code
spans' backticks and Markdown punctuation (``#``, ``*``, ``|``, ``-`` table rules). Used to
keep the lessons' prose short (issue 20: a third less, no idea lost)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def markdown_words(text: str) -> int:
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", " ", text)  # images
    text = re.sub(r"\]\([^)]*\)", "] ", text)  # link targets
    words = [w for w in text.split() if re.search(r"[\w\d]", w)]
    return len(words)


def notebook_words(path: Path) -> int:
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    return sum(markdown_words("".join(c["source"])) for c in cells if c["cell_type"] == "markdown")


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    total = 0
    for path in paths:
        n = notebook_words(path)
        total += n
        print(f"{path.stem:40s} {n:6d}")
    print(f"{'total':40s} {total:6d}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
