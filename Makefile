# mrm-gate developer commands. `make demo` and `make test` each do their own setup.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
OPA := .tools/bin/opa
COVERAGE_MIN ?= 95

.PHONY: setup demo test lint typecheck policy pytest docs bench clean

setup: $(VENV)/.installed $(OPA)

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,examples,monitoring]'
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
	$(OPA) test policies --coverage --format json > .tools/coverage.json || \
	  { $(OPA) test policies; exit 1; }
	$(PY) scripts/policy_coverage.py .tools/coverage.json $(COVERAGE_MIN)

pytest: setup
	$(VENV)/bin/pytest -q

docs: setup
	$(PY) -m gate controls --format markdown --output docs/controls.md
	$(PY) scripts/gen_evidence_docs.py

bench: setup
	$(PY) -m pip install --quiet -e '.[bench]'
	$(PY) scripts/bench.py

clean:
	rm -rf $(VENV) .tools .pytest_cache .mypy_cache .ruff_cache
