"""The set-up a newcomer meets: dependency lists agree, Binder is complete, notebooks are clean,
and the package keeps its layers (numerics never plot, never import SciPy)."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

try:
    import tomllib
except ImportError:  # Python 3.10
    from pip._vendor import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
RUNTIME = PYPROJECT["project"]["dependencies"]
EXTRAS = PYPROJECT["project"]["optional-dependencies"]
TESTING = EXTRAS["test"]
LAB = EXTRAS["lab"]
PRESENT = EXTRAS["present"]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[;]", requirement.strip(), maxsplit=1)[0].lower()


def test_environment_yml_lists_the_same_packages_as_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = [d for d in env["dependencies"] if isinstance(d, str)]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "conda-forge" in env["channels"]
    listed = [d.replace(" ", "") for d in conda if name(d) not in ("python", "pip")]
    assert len(listed) == len(set(listed)), "a package listed twice in environment.yml"
    # every run-time dependency and every extra's, once (an extra may repeat another's)
    wanted = {d.replace(" ", "") for d in RUNTIME + [d for ds in EXTRAS.values() for d in ds]}
    assert set(listed) == wanted
    assert "-e ." in pip
    python = next(d for d in conda if name(d) == "python")
    assert python.replace(" ", "") == "python" + PYPROJECT["project"]["requires-python"]


def test_binder_installs_the_package_and_every_runtime_dependency():
    lines = [
        ln.strip()
        for ln in (ROOT / "binder" / "requirements.txt").read_text().splitlines()
        if ln.strip() and not ln.startswith("#")
    ]
    assert "." in lines, "Binder must install the package (non-editable, as a wheel would)"
    # the package brings its own dependencies; JupyterLab is the image's, never replaced
    assert "jupyterlab" not in {name(ln) for ln in lines}
    runtime = (ROOT / "binder" / "runtime.txt").read_text().strip()
    match = re.fullmatch(r"python-3\.(\d+)", runtime)
    assert match and int(match.group(1)) >= 10


def test_the_package_needs_no_jupyter_server():
    """Installing cnnlessons into Binder, Colab or a browser kernel must not pull in (or
    upgrade) a Jupyter server: JupyterLab is the `lab` extra, for `make lab`."""
    assert not {"jupyterlab", "notebook", "jupyter-server", "voila"} & {name(d) for d in RUNTIME}
    assert {name(d) for d in LAB} == {"jupyterlab"}
    # the teacher's mode (make present) is its own extra, and the tests (CI) install it too
    assert {name(d) for d in PRESENT} == {"voila"}
    assert set(PRESENT) <= set(TESTING)
    assert PYPROJECT["project"]["license"] == "MIT"


def test_readme_has_the_two_commands_and_a_binder_link_to_the_start_notebook():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    assert re.search(
        r"mybinder\.org/v2/gh/[^)\s]+\?urlpath=lab/tree/notebooks/00_start_here\.ipynb", readme
    )
    for image in re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme):
        if not image.startswith("http"):
            assert (ROOT / image).is_file(), f"README shows {image}, which is missing"


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_second_setup_installs_nothing(tmp_path):
    """The stamp files are newer than pyproject.toml, so make has nothing to do."""
    if not (ROOT / ".venv" / ".installed-test").exists():
        pytest.skip("not run through `make test` (no .venv stamp)")
    for target in (".venv/.installed-test", ".venv/.installed", ".venv/.installed-present"):
        done = subprocess.run(["make", "-q", target], cwd=ROOT)
        assert done.returncode == 0, f"make would redo {target}"


def test_notebooks_are_in_order_and_committed_without_outputs():
    names = [p.name for p in NOTEBOOKS]
    assert names and names[0] == "00_start_here.ipynb"
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", n) for n in names)
    for path in NOTEBOOKS:
        nb = json.loads(path.read_text())
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [], f"{path.name} carries outputs"
                assert cell["execution_count"] is None, f"{path.name} has execution counts"
        assert nb["cells"][0]["cell_type"] == "markdown"
        assert "".join(nb["cells"][0]["source"]).startswith("# "), f"{path.name} needs a title"


def test_notebook_code_cells_stay_short():
    for path in NOTEBOOKS:
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] == "code":
                lines = "".join(cell["source"]).strip().splitlines()
                assert len(lines) <= 8, f"{path.name}: a long code cell belongs in cnnlessons"


HIGHER = ("cnnlessons.figures", "cnnlessons.explorers", "cnnlessons.exercises")
LAYERS = {
    # numerics: numpy in and out, never plotting, never anything higher
    "cnnlessons.conv": ("matplotlib", "ipywidgets", "scipy", *HIGHER),
    "cnnlessons.counting": ("matplotlib", "ipywidgets", "scipy", *HIGHER),
    "cnnlessons.matrices": ("matplotlib", "ipywidgets", "scipy", *HIGHER),
    "cnnlessons.receptive": ("matplotlib", "ipywidgets", "scipy", *HIGHER),
    "cnnlessons.geometry": ("matplotlib", "ipywidgets", "scipy", *HIGHER),
    "cnnlessons.pooling": ("matplotlib", "ipywidgets", "scipy", *HIGHER),
    "cnnlessons.images": ("matplotlib", "ipywidgets", "scipy", *HIGHER),
    "cnnlessons.costs": ("matplotlib", "ipywidgets", "scipy", *HIGHER),
    "cnnlessons.networks": ("matplotlib", "ipywidgets", "scipy", *HIGHER),
    "cnnlessons.timing": ("matplotlib", "ipywidgets", "scipy", *HIGHER),
    "cnnlessons.learning": ("matplotlib", "ipywidgets", "scipy", *HIGHER),
    "cnnlessons.tasks": ("matplotlib", "ipywidgets", "scipy", *HIGHER),
    "cnnlessons.fewshot": ("matplotlib", "ipywidgets", "scipy", *HIGHER),
    "cnnlessons.receptive_layers": ("matplotlib", "ipywidgets", "scipy", *HIGHER),
    "cnnlessons.features": ("matplotlib", "ipywidgets", "scipy", *HIGHER),
    "cnnlessons.equivariance": ("matplotlib", "ipywidgets", "scipy", *HIGHER),
    "cnnlessons.invariance": ("matplotlib", "ipywidgets", "scipy", *HIGHER),
    "cnnlessons": ("matplotlib.pyplot", "ipywidgets", "scipy", *HIGHER),
    # figures draw on matplotlib axes: never widgets, never explorers
    "cnnlessons.figures": (
        "matplotlib.pyplot",
        "ipywidgets",
        "anywidget",
        "scipy",
        "cnnlessons.explorers",
        "cnnlessons.exercises",
    ),
    **{
        f"cnnlessons.figures.{topic}": (
            "matplotlib.pyplot",
            "ipywidgets",
            "anywidget",
            "scipy",
            "cnnlessons.explorers",
            "cnnlessons.exercises",
        )
        for topic in (
            "grids",
            "display",
            "convolution",
            "connections",
            "matrices",
            "parameters",
            "channels",
            "efficiency",
            "learning",
            "receptive",
            "shift",
        )
    },
}


@pytest.mark.parametrize(("module", "forbidden"), LAYERS.items())
def test_no_layer_imports_a_higher_one(module, forbidden):
    code = (
        f"import sys, {module}; bad = [m for m in {forbidden!r} if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, f"{module} imports {done.stdout.strip()}"


def test_binder_gives_the_same_lab_settings_as_make_lab(tmp_path):
    """Binder runs binder/postBuild from the repository root: it installs the overrides that
    silence JupyterLab's news pop-up where that JupyterLab reads them."""
    post = ROOT / "binder" / "postBuild"
    env = {"PATH": "/usr/bin:/bin", "NB_PYTHON_PREFIX": str(tmp_path)}
    subprocess.run(["bash", str(post)], cwd=ROOT, env=env, check=True)
    written = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert json.loads(written.read_text()) == json.loads(
        (ROOT / "tools" / "lab_overrides.json").read_text()
    )


def test_the_readme_tree_names_every_module_of_the_package():
    """The developer section's tree is the map of the package: a module it does not name is
    one a new maintainer cannot find (lessons 04-08's numerics were missing once)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    tree = readme[readme.index("## For developers") :].split("```")[1]
    missing = []
    for path in sorted((ROOT / "cnnlessons").rglob("*.py")):
        rel = path.relative_to(ROOT / "cnnlessons")
        if rel.name == "__init__.py" or rel.parts[0] == "exercises":
            continue  # exercises/ is named as a package, one module per lesson
        if not re.search(rf"(^|[\s,]){re.escape(rel.name)}([\s,]|$)", tree, re.M):
            missing.append(str(rel))
    assert not missing, f"README's developer tree does not name {missing}"
