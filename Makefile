# Two commands do all the set-up: `make run` solves the default dataset, `make test` runs the tests.
# Both install the package with every optional extra ([all]: PNG charts, Dask clusters) and the dev tools.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: run test lint venv clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,all]'
	touch $(STAMP)

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/paxsilica solve

test: $(STAMP)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) outputs/*
