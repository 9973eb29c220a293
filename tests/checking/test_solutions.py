"""Every exercise's solution runs in its own notebook: each placeholder ``ex.qN.check(____)`` is
replaced by the exercise's ``code`` (a ``def`` replaces the whole stub cell), the notebook runs
top to bottom in a fresh kernel, and every checker must say "correct". So a solution that
needs a name the notebook never imports (``np``) fails here, not in front of a learner."""

import importlib
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from cnnlessons.checking import FunctionExercise

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
PLACEHOLDER = re.compile(r"ex\.(q\d+)\.check\(____\)")
MODULE = re.compile(r"from cnnlessons\.(lesson\d+) import exercises as ex")


def lessons_with_exercises():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        source = path.read_text(encoding="utf-8")
        found = MODULE.search(source)
        if found:
            yield pytest.param(path, found.group(1), id=path.stem)


def substitute(nb, module):
    """Replace each placeholder by the solution, followed by an assertion on its feedback;
    return the names of the exercises substituted."""
    done = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        found = PLACEHOLDER.search(cell.source)
        if not found:
            continue
        name = found.group(1)
        exercise = getattr(module, name)
        assert exercise.code, f"{module.__name__}.{name} has no solution code"
        if isinstance(exercise, FunctionExercise):
            function = re.match(r"def (\w+)\(", exercise.code).group(1)
            assert f"def {function}(" in cell.source, "the stub and the solution disagree"
            check = f"{exercise.code}\n\n_feedback = ex.{name}.check({function})"
        else:
            check = f"_feedback = ex.{name}.check({exercise.code})"
        cell.source = (
            f'{check}\nassert _feedback.correct is True, ("{name}", _feedback.message)\n'
            f"_solved = globals().setdefault('_solved', []); _solved.append('{name}')"
        )
        done.append(name)
    return done


@pytest.mark.parametrize(("path", "lesson"), list(lessons_with_exercises()))
def test_every_solution_is_correct_in_its_notebook(path, lesson):
    module = importlib.import_module(f"cnnlessons.{lesson}.exercises")
    exercises = sorted(n for n in vars(module) if re.fullmatch(r"q\d+", n))
    nb = nbformat.read(path, as_version=4)
    done = substitute(nb, module)
    assert sorted(done) == exercises, "each exercise has exactly one placeholder cell"
    nb.cells.append(nbformat.v4.new_code_cell("print(sorted(_solved))"))
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(NOTEBOOKS)}}
    ).execute()  # raises CellExecutionError with the checker's message if one says "not yet"
    printed = "".join(o.get("text", "") for o in nb.cells[-1].outputs)
    assert printed.strip() == str(sorted(done))
