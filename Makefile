# The two commands of the quick start: `make demo` and `make test`. Each creates .venv and installs first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8080
ARTICLES ?= 300

.PHONY: demo replica test bench-replica bench-crawl clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

## The main job on the bundled replica: crawl it through its proxy into demo-archive/, then show what it holds.
demo: $(VENV)/.installed
	$(BIN)/portal-archive demo --articles $(ARTICLES)

## Serve the replica alone, to browse it or crawl it by hand.
replica: $(VENV)/.installed
	$(BIN)/portal-archive replica serve --port $(PORT) --articles $(ARTICLES)

## Run the whole test suite.
test: $(VENV)/.installed
	$(BIN)/python -m pytest

## Measure the replica's throughput (docs/replica.md).
bench-replica: $(VENV)/.installed
	$(BIN)/python bench/replica_throughput.py

## Measure extraction and a crawl of a 2,000-article replica (docs/performance.md).
bench-crawl: $(VENV)/.installed
	$(BIN)/python bench/extract_throughput.py
	$(BIN)/python bench/crawl.py --articles 2000

clean:
	rm -rf $(VENV) .pytest_cache demo-archive
