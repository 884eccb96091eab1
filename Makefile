# mrm-gate developer commands. `make demo` and `make test` each do their own setup.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
OPA := .tools/bin/opa
REGAL := .tools/bin/regal
COVERAGE_MIN ?= 95
# A cap on one Rego test, not a speed claim: opa's default (5 s) is exceeded by the tests
# that evaluate the whole decision when the machine is shared, and fails them falsely.
OPA_TEST_TIMEOUT ?= 120s
# 0 leaves the browser tests out (they are then reported as NOT RUN); CI runs them.
BROWSER_TESTS ?= 1
# The shifted clocks of `make test-dates`, and the tests whose outcome could depend on the day.
SHIFTED_DATES ?= 2027-06-01 2029-06-01
DATE_SENSITIVE_TESTS ?= tests/examples tests/collect tests/github tests/audit

.PHONY: setup regal system-tools demo test test-dates lint typecheck policy pytest docs bench clean

setup: $(VENV)/.installed $(OPA) regal system-tools

# Regal is tried once: when the Go module proxy refuses it, the reason is kept in
# .tools/regal.unavailable (delete it to try again) and `make policy` prints it.
regal:
	@if [ ! -x $(REGAL) ] && [ ! -f .tools/regal.unavailable ]; then \
	  mkdir -p .tools; scripts/install-regal.sh 2> .tools/regal.unavailable && \
	  rm -f .tools/regal.unavailable || echo "Regal unavailable: see .tools/regal.unavailable"; fi

system-tools:
ifeq ($(BROWSER_TESTS),1)
	scripts/install-system-tools.sh chromium faketime
else
	scripts/install-system-tools.sh faketime
endif

$(VENV)/.installed: pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --constraint constraints.txt -e '.[dev,examples,monitoring,spark,registry]'
	touch $@

$(OPA): gate/OPA_VERSION scripts/install-opa.sh
	scripts/install-opa.sh
	touch $@

demo: setup
	$(PY) scripts/demo.py

test: setup lint typecheck policy pytest

lint:
	$(VENV)/bin/ruff check gate tests scripts examples
	$(VENV)/bin/ruff format --check gate tests scripts examples

typecheck:
	$(VENV)/bin/mypy

policy: $(OPA)
	@out=$$($(OPA) fmt --list policies); if [ -n "$$out" ]; then \
	  echo "Rego files not formatted (run: $(OPA) fmt -w policies):"; echo "$$out"; exit 1; fi
	$(OPA) check --strict policies
	$(OPA) test policies --timeout $(OPA_TEST_TIMEOUT) --coverage --format json > .tools/coverage.json || \
	  { $(OPA) test policies --timeout $(OPA_TEST_TIMEOUT); exit 1; }
	$(PY) scripts/policy_coverage.py .tools/coverage.json $(COVERAGE_MIN)
	@if [ -x $(REGAL) ]; then $(REGAL) lint --config-file .regal/config.yaml policies; \
	else echo "!!! Regal NOT RUN: it is not installed. Why (scripts/install-regal.sh):"; \
	  sed 's/^/!!!   /' .tools/regal.unavailable 2>/dev/null || echo "!!!   run make setup"; fi

pytest: setup
ifeq ($(BROWSER_TESTS),1)
	$(VENV)/bin/pytest -q
else
	$(VENV)/bin/pytest -q -m "not browser"
	@echo; echo "!!! BROWSER TESTS NOT RUN (BROWSER_TESTS=0): the documentation pack was not"; \
	  echo "!!! checked in Chromium. Install chromium and run 'make test' before you rely on it."
endif

# The demo and the date-sensitive tests again under shifted system clocks (Debian's
# faketime). OPA reads the time only from the policy input, so the gate's own clock decides.
test-dates: setup
	scripts/install-system-tools.sh faketime
	@set -e; for day in $(SHIFTED_DATES); do \
	  echo "== system clock at $$day"; \
	  faketime "$$day 12:00:00" $(PY) scripts/demo.py > .tools/demo-$$day.log 2>&1 || \
	    { cat .tools/demo-$$day.log; echo "make demo failed at $$day"; exit 1; }; \
	  tail -n 3 .tools/demo-$$day.log; \
	  faketime "$$day 12:00:00" $(VENV)/bin/pytest -q -p no:cacheprovider $(DATE_SENSITIVE_TESTS); \
	done

docs: setup
	$(PY) -m gate controls --format markdown --output docs/controls.md
	$(PY) scripts/gen_evidence_docs.py

# Evidently runs in its own environment (.tools/bench-evidently, built by the bench): it
# does not import under the pandas 3 of the project's.
bench: setup
	$(PY) scripts/bench.py

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache
