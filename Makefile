# The README's two commands: `make demo` and `make test`. Each sets up what it needs first:
# Debian packages (scripts/system-deps.sh: installed when missing if run as root, otherwise it
# stops with the apt-get command to run) and .venv/ from the hash-locked requirements-dev.lock.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
LOCKS  := requirements.lock requirements-dev.lock
CORPUS ?= ../shared/corpus
UV     := uv==0.13.9
# One lock for every Python >= 3.11 and platform (markers inside), one version per package.
COMPILE = $(VENV)/bin/uv pip compile pyproject.toml --universal --fork-strategy fewest \
	--python-version 3.11 --generate-hashes --custom-compile-command "make lock" --quiet $(UPGRADE)

MALLOC_TUNABLES := glibc.malloc.trim_threshold=268435456:glibc.malloc.mmap_threshold=268435456
.PHONY: venv demo test bench lint lock system-deps system-deps-runtime clean

# Reinstalls only when a lock, pyproject.toml (entry points, package data) or a C file
# changed: the editable install compiles pressroom/*.c and pressroom/ingest/*.c next to their sources.
$(STAMP): $(LOCKS) pyproject.toml $(wildcard pressroom/*.c pressroom/ingest/*.c)
	@PYTHON=$(PYTHON) scripts/system-deps.sh runtime
	$(PYTHON) -m venv $(VENV)
	@echo "installing requirements-dev.lock into $(VENV) (a few minutes the first time)"
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.lock
	PYTHONWARNINGS=ignore $(PY) -m pip install --quiet --disable-pip-version-check --no-deps \
		--no-build-isolation -e .
	touch $(STAMP)

venv: $(STAMP)

system-deps:
	@PYTHON=$(PYTHON) scripts/system-deps.sh test

system-deps-runtime:
	@PYTHON=$(PYTHON) scripts/system-deps.sh runtime

demo: system-deps-runtime $(STAMP)
	$(VENV)/bin/pressroom demo

test: system-deps $(STAMP)
	$(VENV)/bin/ruff check pressroom tests benchmarks demo
	$(VENV)/bin/mypy
	$(PY) -m pytest -q

# The peer bench_http runs beside pressroom, in a venv of its own (its pins are not ours).
THUMBOR_VENV ?= /tmp/thumbor-venv
$(THUMBOR_VENV)/bin/thumbor:
	$(PYTHON) -m venv $(THUMBOR_VENV)
	$(THUMBOR_VENV)/bin/pip install --quiet --disable-pip-version-check thumbor==7.8.0

# The allocator settings the deployment runs with (deploy/template.yaml, batch/pool.py).
bench: $(STAMP) $(THUMBOR_VENV)/bin/thumbor
	@PYTHON=$(PYTHON) scripts/system-deps.sh bench
	THUMBOR_VENV=$(THUMBOR_VENV) GLIBC_TUNABLES=$(MALLOC_TUNABLES) VIPS_CONCURRENCY=1 $(PY) -m pytest benchmarks -q -p no:cacheprovider -o python_files='bench_*.py' \
		--benchmark-only --benchmark-timer=time.process_time \
		--benchmark-columns=min,median,mean,rounds --benchmark-group-by=group $(BENCH_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check pressroom tests benchmarks demo
	$(VENV)/bin/mypy

# Re-resolve the locks from pyproject.toml's ranges, keeping today's pins where they still
# fit; `make lock UPGRADE=--upgrade` takes the newest releases. Then `make test`.
lock:
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check "$(UV)"
	$(COMPILE) -o requirements.lock
	$(COMPILE) --extra dev -c requirements.lock -o requirements-dev.lock

clean:
	rm -rf $(VENV) pressroom-data .pytest_cache .benchmarks
