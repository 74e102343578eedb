# The two commands of the quick start: `make demo` and `make test`. Each creates .venv and installs first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# pywb (replay tests, and `wayback` for exported collections) and py-wacz (`wacz validate`) live in a venv of their
# own: pywb's brotlipy replaces the brotli module Scrapy decodes with. ReplayWeb.page (npm) is kept beside them.
PYWB := .venv-pywb
# ReplayWeb.page's ui.js and service worker, from the npm registry, for the test that opens our WACZ in it
RWP := $(PYWB)/replaywebpage
RWP_PACKAGE := replaywebpage@2.5.3
PORT ?= 8080
ARTICLES ?= 300

.PHONY: demo replica test screenshots bench-replica bench-crawl bench-compare bench-epochs bench-search clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11 or newer is needed, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(PYWB)/.installed: Makefile
	$(PYTHON) -m venv $(PYWB)
	$(PYWB)/bin/python -m pip install --quiet --upgrade pip
	$(PYWB)/bin/python -m pip install --quiet 'pywb==2.10.0' 'wacz>=0.5'
	rm -rf $(RWP) && mkdir -p $(RWP)
	cd $(RWP) && npm pack --silent $(RWP_PACKAGE) >/dev/null && tar -xzf replaywebpage-*.tgz package/ui.js package/sw.js
	touch $@

## The main job on the bundled replica: crawl it through its proxy into demo-archive/, then show what it holds.
demo: $(VENV)/.installed
	$(BIN)/portal-archive demo --articles $(ARTICLES)

## Serve the replica alone, to browse it or crawl it by hand.
replica: $(VENV)/.installed
	$(BIN)/portal-archive replica serve --port $(PORT) --articles $(ARTICLES)

## Run the whole test suite.
test: $(VENV)/.installed $(PYWB)/.installed
	PYWB_WAYBACK=$(CURDIR)/$(PYWB)/bin/wayback WACZ=$(CURDIR)/$(PYWB)/bin/wacz \
		REPLAYWEBPAGE=$(CURDIR)/$(RWP)/package $(BIN)/python -m pytest

## Take the screenshots of the web UI in docs/screenshots/ (the browser tests take them).
screenshots: $(VENV)/.installed
	PORTAL_ARCHIVE_SCREENSHOTS=$(CURDIR)/docs/screenshots $(BIN)/python -m pytest tests/test_browser.py

## Measure the replica's throughput (docs/replica.md).
bench-replica: $(VENV)/.installed
	$(BIN)/python bench/replica_throughput.py

## Measure extraction and a crawl of a 2,000-article replica (docs/performance.md).
bench-crawl: $(VENV)/.installed
	$(BIN)/python bench/extract_throughput.py
	$(BIN)/python bench/crawl.py --articles 2000

## Crawl side by side with wget and a bare Scrapy spider, 3 alternating rounds at 2,000 and 5,000 articles, then
## our crawl alone at 20,000 (peak RSS against site size) (docs/performance.md). About 45 minutes.
bench-compare: $(VENV)/.installed
	$(BIN)/python bench/compare.py --articles 2000 5000 --rounds 3
	$(BIN)/python bench/compare.py --articles 20000 --rounds 1 --contenders archive

## The site over time: a first crawl, then changed and unchanged recrawls (docs/performance.md).
bench-epochs: $(VENV)/.installed
	$(BIN)/python bench/epochs.py --articles 2000

## Search latency on a generated archive of 100,000 articles, in process and over the web UI's HTTP.
bench-search: $(VENV)/.installed
	$(BIN)/python bench/search.py --articles 100000 --repeat 5

clean:
	rm -rf $(VENV) $(PYWB) .pytest_cache demo-archive
