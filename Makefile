# The README's two commands: `make demo` and `make test`. Both build .venv/ first.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
CORPUS ?= ../shared/corpus

.PHONY: venv demo test bench lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/pressroom demo

test: $(STAMP)
	$(VENV)/bin/ruff check pressroom tests benchmarks
	$(PY) -m pytest -q

bench: $(STAMP)
	VIPS_CONCURRENCY=1 $(PY) -m pytest benchmarks -q -p no:cacheprovider -o python_files='bench_*.py' \
		--benchmark-only --benchmark-timer=time.process_time \
		--benchmark-columns=min,median,mean,rounds --benchmark-group-by=group $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check pressroom tests benchmarks

clean:
	rm -rf $(VENV) pressroom-data .pytest_cache .benchmarks
