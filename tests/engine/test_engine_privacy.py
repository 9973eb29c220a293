"""Nothing outside the engine touches its private names: tests, benchmarks, the browser
harness (whose kernel code is strings) and the site builder use the public inspection API
(``cnnlessons.engine``: ``explorers()``, ``finish_all()``, ``Explorer.frame``, ``key``, ...).
A private name renamed inside the engine then breaks nothing at run time, which ruff could
not see (attribute access on an object of unknown type, code in strings)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENGINE = sorted((ROOT / "cnnlessons" / "engine").glob("*.py"))
#: private names the engine had before issue 18, read from outside it back then
FORMER = {"_alive", "_lock", "_key", "_frames", "_raw", "_names", "_tiles", "_raw_values",
          "_click_handlers", "_on_msg", "_on_change", "_sent_at", "_queue", "_join",
          "_background", "_values_of", "_store", "_send", "_sync", "_plan", "_draw_queue",
          "_recording", "_boxes", "_sent"}  # fmt: skip
OUTSIDE = ["tests", "benchmarks", "tools"]


def private_names() -> set[str]:
    """Private attributes and functions the engine defines (``self._x``, ``def _x``, a
    module's ``_x = ...``), and the former ones; not the ``_repr_*_`` display protocol."""
    names = set(FORMER)
    for path in ENGINE:
        text = path.read_text()
        names |= set(re.findall(r"self\.(_[a-z]\w*)", text))
        names |= set(re.findall(r"^\s*def (_[a-z]\w*)", text, re.M))
        names |= set(re.findall(r"^(_[a-z]\w*)\s*[:=]", text, re.M))
    return {n for n in names if not n.startswith("_repr_")}


def outside_files() -> list[Path]:
    here = Path(__file__).resolve()
    return [
        p
        for folder in OUTSIDE
        for p in sorted((ROOT / folder).rglob("*.py"))
        if p.resolve() != here and "node_modules" not in p.parts
    ]


IMPORT = re.compile(r"from\s+cnnlessons\.(?:engine|explorers)[\w.]*\s+import\s+\(?([^)#\n]*)")


def private_imports(line: str) -> list[str]:
    """The private names a ``from cnnlessons.engine... import ...`` line imports (an alias
    ``as _x`` is the importer's own name, not the engine's)."""
    match = IMPORT.search(line)
    if not match:
        return []
    names = [part.split(" as ")[0].strip() for part in match.group(1).split(",")]
    return [n for n in names if n.startswith("_")]


def test_the_engine_defines_private_names_to_guard():
    names = private_names()
    assert {"_space", "_ready", "_on_msg", "_lock"} <= names


def test_nothing_outside_the_engine_reads_its_private_names():
    names = private_names()
    attribute = re.compile(r"\.(" + "|".join(sorted(map(re.escape, names))) + r")\b")
    found = []
    for path in outside_files():
        for number, line in enumerate(path.read_text().splitlines(), 1):
            hits = [m.group(1) for m in attribute.finditer(line)] + private_imports(line)
            found += [f"{path.relative_to(ROOT)}:{number}: {name}" for name in hits]
    assert found == []


def test_the_guard_finds_what_it_guards_against():
    """The two patterns catch an attribute read (also in kernel code in a string) and an
    import of a private name."""
    names = private_names()
    attribute = re.compile(r"\.(" + "|".join(sorted(map(re.escape, names))) + r")\b")
    assert attribute.search('"    with e._lock:\\n"')
    assert attribute.search("keys = e._frames[key]")
    assert not attribute.search("e.frame_keys, e.picture._dom_classes")
    assert private_imports("from cnnlessons.engine.base import _alive as _a") == ["_alive"]
    assert private_imports("from cnnlessons.engine.tiles import cut, _ids") == ["_ids"]
    assert private_imports("from cnnlessons.engine import explorers as _x") == []
