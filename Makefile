# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
export DISPATCH_DB ?= data/warehouse.duckdb

.PHONY: run test lint demo bench bench-scale clean-demo help messages

help:
	@echo "make run    start the dashboard on demo data (http://localhost:$(PORT))"
	@echo "make test   run every test"
	@echo "make bench  province-scale benchmark (writes bench/results.json)"
	@echo "make bench-scale  1x, 10x and 30x a province (bench/scale-results.json, docs/scale.svg)"

$(BIN)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(BIN)/.dev: requirements-dev.txt requirements.txt $(BIN)/.runtime
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

$(DISPATCH_DB): | $(BIN)/.runtime
	$(BIN)/python -m etl demo --db $(DISPATCH_DB)

demo: $(BIN)/.runtime
	$(BIN)/python -m etl demo --db $(DISPATCH_DB)

run: $(BIN)/.runtime $(DISPATCH_DB)
	@$(BIN)/python -m etl user hint
	$(BIN)/python -m app.serve --server.port $(PORT)  # streamlit run dashboard.py; the rest: .streamlit/config.toml

lint: $(BIN)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: $(BIN)/.dev lint
	$(BIN)/python -m pytest

bench: $(BIN)/.dev
	$(BIN)/python -m bench.run

bench-scale: $(BIN)/.dev
	$(BIN)/python -m bench.scale

messages: $(BIN)/.runtime
	$(BIN)/python -m app.messages

clean-demo:
	rm -rf data/warehouse.duckdb data/warehouse.duckdb.wal data/snapshots/warehouse.* data/demo
