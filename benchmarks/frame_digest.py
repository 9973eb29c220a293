"""A digest of every frame of every explorer the lessons make: run it before and after a change
that must not change what a learner sees, and compare.

    .venv/bin/python benchmarks/frame_digest.py --out before.json     # before the change
    .venv/bin/python benchmarks/frame_digest.py --compare before.json  # after: exit 1 on a diff

Runs the code cells of every notebook in one namespace per notebook (Agg backend, no kernel:
cells that raise, such as exercises left blank, are reported and passed over), keeps every
explorer a cell makes, and hashes (SHA-1 of the RGBA bytes) ``frame(key=...)`` for every frame
the explorer draws up front and every value of every control, the others as the lesson leaves
them. Only the engine's public API is used (``cnnlessons.engine.explorers()``, ``raws``,
``raw_range``, ``key_of``, ``frame``, ``frame_keys``, ``finish_frames``).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import hashlib
import io
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_notebook(path: Path, keep: list) -> None:
    """Run ``path``'s code cells; the value of a cell's last expression is kept alive."""
    import nbformat

    namespace = {"__name__": "__main__", "__keep__": keep}
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code":
            continue
        source = "\n".join(
            "pass" if line.lstrip().startswith(("%", "!")) else line
            for line in cell.source.splitlines()
        )
        tree = ast.parse(source)
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = tree.body.pop()
            keep_it = ast.parse("__keep__.append(None)").body[0]
            keep_it.value.args[0] = last.value
            tree.body.append(keep_it)
            ast.fix_missing_locations(tree)
        try:
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(tree, str(path), "exec"), namespace)  # noqa: S102 - our lessons
        except Exception as error:  # noqa: BLE001 - a blank exercise raises; report, go on
            print(f"  {path.name}: a cell raised {type(error).__name__}", file=sys.stderr)


def digest(explorer) -> dict:
    """key -> SHA-1 of the frame's RGBA bytes, for the frames drawn up front and every value
    of every control (the others as they are)."""
    import numpy as np

    explorer.finish_frames()
    keys = set(explorer.frame_keys) if explorer.renderer == "frames" else set()
    for name in explorer.raws:
        for raw in explorer.raw_range(name):
            keys.add(explorer.key_of(**{name: raw}))
    out = {}
    for key in sorted(keys):
        pixels = explorer.frame(key=key, dtype=np.uint8)
        out[key] = hashlib.sha1(pixels.tobytes()).hexdigest()
    return out


def digest_all() -> dict:
    import matplotlib

    matplotlib.use("Agg")
    from cnnlessons.engine import explorers

    result, seen, keep = {}, set(), []
    os.chdir(ROOT / "notebooks")  # the lessons run where their notebooks are
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        t0 = time.perf_counter()
        run_notebook(path, keep)
        rows = []
        for explorer in explorers():
            if explorer.dom_id in seen:
                continue
            seen.add(explorer.dom_id)
            rows.append({"explorer": type(explorer).__name__, "frames": digest(explorer)})
        result[path.name] = rows
        n = sum(len(r["frames"]) for r in rows)
        print(f"{path.name}: {len(rows)} explorers, {n} frames, "
              f"{time.perf_counter() - t0:.0f} s", file=sys.stderr)  # fmt: skip
    return result


def compare(before: dict, after: dict) -> list:
    """What differs: explorers, frame keys or pixels. An explorer added or removed is named,
    and the others (paired by class, in order) are still compared."""
    problems = []
    for notebook in sorted(set(before) | set(after)):
        old, new = before.get(notebook, []), after.get(notebook, [])
        pairs, unused = [], list(new)
        for a in old:
            b = next((r for r in unused if r["explorer"] == a["explorer"]), None)
            if b is None:
                problems.append(f"{notebook}: {a['explorer']} removed")
                continue
            unused.remove(b)
            pairs.append((a, b))
        problems += [f"{notebook}: {b['explorer']} added" for b in unused]
        for a, b in pairs:
            if set(a["frames"]) != set(b["frames"]):
                problems.append(f"{notebook} {a['explorer']}: other frame keys")
            changed = [k for k, sha in a["frames"].items() if b["frames"].get(k, sha) != sha]
            if changed:
                problems.append(f"{notebook} {a['explorer']}: {len(changed)} frames differ, "
                                f"e.g. {changed[:3]}")  # fmt: skip
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", help="write the digest to this JSON file")
    parser.add_argument("--compare", help="compare with a digest written before")
    args = parser.parse_args()
    before = json.loads(Path(args.compare).read_text()) if args.compare else None
    out = Path(args.out).resolve() if args.out else None
    result = digest_all()
    if out:
        out.write_text(json.dumps(result, indent=1, sort_keys=True))
    n = sum(len(r["frames"]) for rows in result.values() for r in rows)
    explorers = sum(len(rows) for rows in result.values())
    if before is None:
        print(f"{explorers} explorers, {n} frames")
        return 0
    problems = compare(before, result)
    print("\n".join(problems) or f"{explorers} explorers, {n} frames: every frame identical")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
