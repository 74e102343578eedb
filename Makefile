# The two commands of the quick start: `make demo` and `make test`. Each creates .venv and installs first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8080
ARTICLES ?= 300

.PHONY: demo test bench-replica clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

## Start the offline replica of the portal and print how to browse and crawl it.
demo: $(VENV)/.installed
	$(BIN)/portal-archive replica serve --port $(PORT) --articles $(ARTICLES)

## Run the whole test suite.
test: $(VENV)/.installed
	$(BIN)/python -m pytest

## Measure the replica's throughput (docs/replica.md).
bench-replica: $(VENV)/.installed
	$(BIN)/python bench/replica_throughput.py

clean:
	rm -rf $(VENV) .pytest_cache
