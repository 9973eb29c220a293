"""The series the way Binder meets it: a wheel (what `pip install .` builds), installed in a
fresh virtual environment outside the source tree, runs every lesson.

`make` installs the package editable, so the rest of the suite imports it from the source
tree and would never notice a subpackage missing from the wheel (the Binder launch once broke
at lesson 00's first explorer for exactly that reason).
"""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

# What Binder's base image brings besides what binder/requirements.txt adds: a kernel, and
# (here, to run the notebooks headless) the client Jupyter uses to execute them.
BASE_IMAGE = ["ipykernel", "nbclient", "nbformat"]

RUN_LESSONS = """
import sys, nbformat, cnnlessons
from pathlib import Path
from nbclient import NotebookClient
src = Path(cnnlessons.__file__).resolve()
assert "site-packages" in src.parts, src  # the installed copy, not the source tree
for path in sorted(Path(".").glob("*.ipynb")):
    nb = nbformat.read(path, as_version=4)
    meta = {"metadata": {"path": "."}}
    NotebookClient(nb, timeout=120, kernel_name="python3", resources=meta).execute()
    print("ran", path.name, flush=True)
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(ROOT)],
        check=True,
        cwd=dist,
    )
    (built,) = dist.glob("cnnlessons-*.whl")
    return built


def test_the_wheel_holds_every_module_of_the_package(wheel):
    with zipfile.ZipFile(wheel) as zf:
        shipped = {n for n in zf.namelist() if n.endswith(".py")}
    source = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "cnnlessons").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert source - shipped == set(), "modules missing from the wheel"
    assert {"cnnlessons/lesson06/figures/__init__.py", "cnnlessons/engine/__init__.py"} <= shipped
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        for part in ("main", "store", "canvas", "clicks", "keys"):
            assert f"cnnlessons/engine/js/{part}.js" in names, "the picture's front end"
        # every file the package reads (the front end's parts, lesson 06's digits and net)
        data = {
            p.relative_to(ROOT).as_posix()
            for p in (ROOT / "cnnlessons").rglob("*")
            if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".py", ".pyc")
        }
        assert "cnnlessons/lesson06/numerics/data/digits.csv.gz" in data
        assert data - set(names) == set(), "data files missing from the wheel"
        metadata = zf.read(next(n for n in zf.namelist() if n.endswith("METADATA"))).decode()
    requires = [ln for ln in metadata.splitlines() if ln.startswith("Requires-Dist:")]
    assert not [r for r in requires if "jupyterlab" in r and "extra ==" not in r], requires


def test_every_lesson_runs_from_a_wheel_installed_outside_the_tree(wheel, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["MPLBACKEND"] = "Agg"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel), *BASE_IMAGE],
        check=True,
        env=env,
    )
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    for nb in NOTEBOOKS:
        (lessons / nb.name).write_bytes(nb.read_bytes())
    # the kernel nbclient starts is the venv's own (ipykernel installed there, on PATH first)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["JUPYTER_PATH"] = str(venv / "share" / "jupyter")
    done = subprocess.run(
        [str(python), "-c", RUN_LESSONS],
        cwd=lessons,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert done.stdout.count("ran ") == len(NOTEBOOKS)
