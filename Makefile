# Two commands a learner needs, on a fresh machine with python3 (3.10+) and make:
#   make lab    set up .venv (once) and open the lessons in JupyterLab
#   make test   set up .venv with the test tools (once) and run every test
# Running either again when pyproject.toml has not changed installs nothing.
# For teachers (README, "For teachers"; docs/teaching.md):
#   make present              the lessons as pages without code (Voila), from a menu
#   make present LESSON=01    one lesson
#   make site                 the static web edition in site/ (needs npm)

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8888
LESSON ?=
# make present: kernels that run each lesson ahead (tools/present.py; 0 on a laptop short of memory)
POOL   ?= 1
# JupyterLab reads settings overrides from here (its app settings directory)
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json

.PHONY: lab present site test lint unit notebooks browser bench bench-explorers screenshot clean

lab: $(VENV)/.installed $(LAB_OVERRIDES)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
		notebooks/00_start_here.ipynb

# No "Get notified about Jupyter news?" pop-up (and no news or update checks from the web):
# the first thing a learner or a teacher's projector shows is the lesson
$(LAB_OVERRIDES): tools/lab_overrides.json | $(VENV)/.installed
	mkdir -p $(dir $@)
	cp tools/lab_overrides.json $@

# Voila runs each lesson and shows its text, figures and explorers without code, light theme,
# on this machine only; with LESSON=NN that lesson, otherwise a menu of every lesson. Guarded
# by a token, as make lab is (tools/present.py prints the link to open, token included)
present: $(VENV)/.installed-present
	@lesson="$(if $(LESSON),$(wildcard notebooks/$(LESSON)_*.ipynb),notebooks)"; \
	if [ -z "$$lesson" ]; then echo "no lesson $(LESSON) in notebooks/ (e.g. LESSON=01)"; exit 2; fi; \
	$(BIN)/python tools/present.py "$$lesson" $(PORT) $(POOL)

# The static web edition: every lesson executed once, every frame of every explorer written as
# image files (all explorers live, no kernel), nothing from the network (npm fetches MathJax once)
site: $(VENV)/.installed
	$(BIN)/python tools/build_site.py --out site

test: $(VENV)/.installed-test
	$(BIN)/ruff check cnnlessons tests benchmarks tools
	$(BIN)/lint-imports
	@# the browser tests in front; everything else alongside on every core at nice 19, in the
	@# time the browser leaves idle (tools/run_tests.py). Every lesson runs in a fresh kernel in
	@# tests/project/test_install.py (from the wheel), so nbval (make notebooks) is not run twice
	$(BIN)/python tools/run_tests.py

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else \
		"Python 3.10 or newer is needed, found " + sys.version.split()[0] + \
		": run make with PYTHON=/path/to/python3.x")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[lab]'
	touch $@

$(VENV)/.installed-present: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[lab,present]'
	touch $@ $(VENV)/.installed

# the test tools include Voila (the teacher's mode is tested)
$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[lab,test]'
	touch $@ $(VENV)/.installed $(VENV)/.installed-present

# Developer targets (see README, "For developers")
unit: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n auto --dist loadfile tests -m "not browser"

notebooks: $(VENV)/.installed-test
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env notebooks

browser: $(VENV)/.installed-test
	$(BIN)/python -m pytest tests -m browser

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_conv.py
	$(BIN)/python benchmarks/bench_learning.py

bench-explorers: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_explorers.py

screenshot: $(VENV)/.installed-test
	$(BIN)/python benchmarks/screenshot.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache *.egg-info site tools/site/node_modules build/npm-cache
