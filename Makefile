# Two commands a learner needs, on a fresh machine with python3 (3.10+) and make:
#   make lab    set up .venv (once) and open the lessons in JupyterLab
#   make test   set up .venv with the test tools (once) and run every test
# Running either again when pyproject.toml has not changed installs nothing.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8888

.PHONY: lab test lint unit notebooks browser bench bench-explorers screenshot clean

lab: $(VENV)/.installed
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
		notebooks/00_start_here.ipynb

test: $(VENV)/.installed-test
	$(BIN)/ruff check cnnlessons tests benchmarks
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env tests notebooks

$(VENV)/bin/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else \
		"Python 3.10 or newer is needed, found " + sys.version.split()[0] + \
		": run make with PYTHON=/path/to/python3.x")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[lab]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[lab,test]'
	touch $@ $(VENV)/.installed

# Developer targets (see README, "For developers")
unit: $(VENV)/.installed-test
	$(BIN)/python -m pytest tests -m "not browser"

notebooks: $(VENV)/.installed-test
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env notebooks

browser: $(VENV)/.installed-test
	$(BIN)/python -m pytest tests -m browser

bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_conv.py

bench-explorers: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_explorers.py

screenshot: $(VENV)/.installed-test
	$(BIN)/python benchmarks/screenshot.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .ruff_cache *.egg-info
