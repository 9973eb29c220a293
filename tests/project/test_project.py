"""The set-up a newcomer meets: dependency lists agree, Binder is complete, notebooks are clean,
and the package keeps its layers (numerics never plot, never import SciPy)."""

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

try:
    import tomllib
except ImportError:  # Python 3.10
    from pip._vendor import tomli as tomllib

ROOT = Path(__file__).resolve().parents[2]
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
    # a package conda-forge does not carry is installed by pip, from the same file
    listed += [d.split("#")[0].replace(" ", "") for d in pip if not d.startswith("-e")]
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


LESSONS = sorted(p.name for p in (ROOT / "cnnlessons").glob("lesson[0-9][0-9]"))
LAYER_NAMES = ("numerics", "figures", "explorers", "exercises")


def layer_modules(layer: str) -> list[str]:
    """The lessons' modules (or packages) of one layer, as dotted names."""
    return [
        f"cnnlessons.{lesson}.{layer}"
        for lesson in LESSONS
        if (ROOT / "cnnlessons" / lesson / f"{layer}.py").exists()
        or (ROOT / "cnnlessons" / lesson / layer).is_dir()
    ]


def test_no_module_of_the_package_is_over_600_lines():
    """A module a maintainer can read in one sitting; a longer one becomes a package."""
    long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / "cnnlessons").rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 600
    }
    assert not long, f"modules over 600 lines: {long}"


def test_a_lesson_holds_only_its_layers():
    """A lesson's package holds numerics, figures, explorers and exercises (each a module, or a
    package when it is long), nothing else: the import contracts know every module by layer."""
    for lesson in LESSONS:
        names = {
            p.stem if p.suffix == ".py" else p.name
            for p in (ROOT / "cnnlessons" / lesson).iterdir()
            if p.name not in ("__init__.py", "__pycache__")
        }
        assert names <= set(LAYER_NAMES), f"{lesson} holds {sorted(names - set(LAYER_NAMES))}"


def test_the_import_contracts_name_every_layer_module_of_every_lesson():
    contracts = PYPROJECT["tool"]["importlinter"]["contracts"]
    named = {m for c in contracts for key in ("source_modules", "forbidden_modules", "containers")
             for m in c.get(key, [])}  # fmt: skip
    for layer in LAYER_NAMES:
        missing = [m for m in layer_modules(layer) if m not in named]
        assert not missing, f"pyproject.toml's import contracts do not name {missing}"
    within = next(c for c in contracts if c.get("containers"))
    assert within["containers"] == [f"cnnlessons.{lesson}" for lesson in LESSONS]


def test_the_import_contracts_hold():
    """The layer rule (numerics -> figures -> explorers; exercises use numerics only), as
    import-linter checks it (``make test`` runs it too, before pytest)."""
    lint = Path(sys.executable).with_name("lint-imports")
    done = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]


FIGURE_MODULES = ["cnnlessons.figures", *layer_modules("figures")]


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("cnnlessons", ("matplotlib", "ipywidgets", "scipy")),
        *((m, ("matplotlib.pyplot", "ipywidgets", "scipy")) for m in FIGURE_MODULES),
    ],
)
def test_importing_a_layer_loads_nothing_it_should_not(module, forbidden):
    """What the import contracts cannot see: a submodule of another package (pyplot, whose
    import switches a notebook's backend) and what ``import cnnlessons`` alone brings."""
    walk = module != "cnnlessons"  # a figures package: every module in it
    code = (
        f"import sys, importlib, pkgutil; m = importlib.import_module({module!r}); "
        f"[importlib.import_module(s.name) for s in {walk} and "
        "pkgutil.walk_packages(getattr(m, '__path__', []), m.__name__ + '.') or []]; "
        f"bad = [x for x in {forbidden!r} if x in sys.modules]; print(bad); "
        "sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, f"{module} imports {done.stdout.strip()} {done.stderr[-500:]}"


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
        if rel.name == "__init__.py" or rel.parts[0].startswith("lesson"):
            continue  # a lesson's layers are named once, for every lesson
        if not re.search(rf"(^|[\s,]){re.escape(rel.name)}([\s,]|$)", tree, re.M):
            missing.append(str(rel))
    for lesson in LESSONS:
        if not re.search(rf"(^|\s){lesson}/", tree, re.M):
            missing.append(lesson)
    assert not missing, f"README's developer tree does not name {missing}"


def test_the_engine_is_in_parts_of_at_most_300_lines():
    """The engine's modules, Python and the page's script files, each one job: none over
    300 lines (issue 18)."""
    engine = ROOT / "cnnlessons" / "engine"
    parts = [*engine.glob("*.py"), *engine.glob("js/*.js")]
    assert len([p for p in parts if p.suffix == ".js"]) >= 4
    long = {
        p.relative_to(engine).as_posix(): n
        for p in parts
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 300
    }
    assert not long, f"engine parts over 300 lines: {long}"


def test_a_time_budget_is_measured_with_the_tests_alongside_paused(monkeypatch):
    """tools/run_tests.py names the tests it runs alongside the browser tests; while a browser
    test measures a time budget they are stopped, with everything they started, and go on
    after (tests/browser_harness.py, machine_to_ourselves)."""
    import psutil

    sys.path.insert(0, str(ROOT / "tests"))
    import browser_harness as h

    def stopped(tree) -> list[bool]:
        # a signal is delivered soon, not at once: the states once they no longer change
        before, deadline = None, time.monotonic() + 30
        while time.monotonic() < deadline:
            now = [p.status() == psutil.STATUS_STOPPED for p in tree]
            if now == before:
                return now
            before = now
            time.sleep(0.2)
        raise AssertionError(f"process states still changing: {now}")

    sleeper = "import time; time.sleep(120)"
    child = (f"import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', {sleeper!r}])\n"
             f"{sleeper}")  # fmt: skip
    proc = subprocess.Popen([sys.executable, "-c", child])
    try:
        root = psutil.Process(proc.pid)
        while not root.children():
            time.sleep(0.05)
        tree = [root, *root.children(recursive=True)]
        assert len(tree) == 2
        monkeypatch.setenv(h.ALONGSIDE, str(proc.pid))
        with h.machine_to_ourselves():
            assert stopped(tree) == [True, True]  # the tests and what they started
        assert stopped(tree) == [False, False]
        monkeypatch.delenv(h.ALONGSIDE)
        monkeypatch.setenv(h.BACKGROUND, str(proc.pid))  # the site's build, the same way
        with h.machine_to_ourselves():
            assert stopped(tree) == [True, True]
        assert stopped(tree) == [False, False]
        monkeypatch.delenv(h.BACKGROUND)
        with h.machine_to_ourselves():  # nothing run alongside: nothing to pause
            assert stopped(tree) == [False, False]
    finally:
        for p in psutil.Process(proc.pid).children(recursive=True):
            p.kill()
        proc.kill()
        proc.wait()
