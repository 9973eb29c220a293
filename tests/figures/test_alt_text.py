"""Every static figure of the lessons has a text alternative (issue 23): each drawing function a
notebook shows has an ``alt`` saying what it shows and what to look for, and a figure shows
itself as an ``<img alt="...">`` of the same PNG, the alt being that text followed by what the
figure's titles, labels and legends say."""

import base64
import html
import importlib
import json
import re
from pathlib import Path

import pytest

from cnnlessons.figures.display import StaticFigure, alt_text, new_figure, show

ROOT = Path(__file__).resolve().parents[2]
#: how a notebook shows a static figure: show(f, ...), lesson_figure(f, ...), f(...)
CALL = re.compile(r"\b(?:show|lesson_figure)\(\s*([\w.]+)|\b(\w+_(?:figure|plot))\(")


def figure_modules() -> list:
    mods = []
    for path in sorted((ROOT / "cnnlessons").glob("lesson*/figures*")):
        files = [path] if path.suffix == ".py" else sorted(path.glob("[!_]*.py"))
        for f in files:
            rel = f.relative_to(ROOT).with_suffix("")
            mods.append(importlib.import_module(".".join(rel.parts)))
    return mods


def shown_in_notebooks() -> dict:
    """name -> the drawing function, for every static figure a notebook shows."""
    names = set()
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                for a, b in CALL.findall("".join(cell["source"])):
                    names.add((a or b).split(".")[-1])
    found = {}
    for name in sorted(names - {"lesson_figure", "new_figure"}):
        funcs = [getattr(m, name) for m in figure_modules() if callable(getattr(m, name, None))]
        if funcs:
            found[name] = funcs[0]
    return found


SHOWN = shown_in_notebooks()


def test_the_notebooks_show_figures():
    assert len(SHOWN) >= 20  # 25 when this was written


@pytest.mark.parametrize("name", sorted(SHOWN))
def test_every_figure_a_notebook_shows_has_an_alt_text(name):
    alt = getattr(SHOWN[name], "alt", "")
    assert isinstance(alt, str) and len(alt) >= 60, f"{name} has no alt text"
    assert "Look" in alt, f"{name}'s alt text does not say what to look for"


def test_a_figure_shows_itself_as_an_img_with_its_alt_text():
    from cnnlessons.lesson02.figures import connections_plot

    fig = show(connections_plot, [8, 32, 128], k=9)
    bundle = fig._repr_mimebundle_()
    alt = alt_text(fig)
    assert alt.startswith(connections_plot.alt) and "dense" in alt.split("Panel:")[1]
    assert bundle["text/plain"] == alt
    img = bundle["text/html"]
    assert f'alt="{html.escape(alt)}"' in img
    src = re.search(r'src="data:image/png;base64,([^"]+)"', img).group(1)
    assert base64.b64decode(src) == bundle["image/png"] == fig._repr_png_()
    assert 'width="940"' in img and "max-width:100%" in img  # its size, narrower if need be


def test_flip_figure_and_lesson_figure_carry_their_alt_text():
    from cnnlessons.lesson01.figures import flip_figure
    from cnnlessons.lesson05.figures import lesson_figure, task_examples_figure

    assert alt_text(flip_figure()).startswith(flip_figure.alt)
    import numpy as np

    x = np.zeros((4, 1, 8, 8))
    fig = lesson_figure(task_examples_figure, x, np.array([0, 1, 0, 1]), per_row=4)
    assert isinstance(fig, StaticFigure)
    assert alt_text(fig).startswith(task_examples_figure.alt)


def test_a_figure_without_words_still_has_an_alt_text():
    fig = new_figure()
    fig.add_subplot()
    assert alt_text(fig) == "A figure of the lesson."
    with pytest.raises(TypeError, match="fig"):
        alt_text("not a figure")
