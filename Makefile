# Every target installs what it needs into .venv first, so each works on a fresh clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(abspath $(VENV))/bin
STAMP  := $(VENV)/.installed
# nbgrader shells out to alembic: the venv's bin/ must be on PATH for every call.
export PATH := $(BIN):$(PATH)

ASSIGNMENTS := $(notdir $(wildcard source/[0-9]*))

.PHONY: setup release demo grade test bench browser lab clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[grading,dev]"
	touch $(STAMP)

release: $(STAMP)
	@for a in $(ASSIGNMENTS); do \
		echo "nbgrader generate_assignment $$a"; \
		$(BIN)/nbgrader generate_assignment $$a --force --log-level=WARN || exit 1; \
	done

demo: release
	$(BIN)/python -m autograder.demo

# Grade every submission under submitted/ (all assignments; ARGS="01_python_basics --workers 4" to narrow).
grade: $(STAMP)
	$(BIN)/python -m autograder grade $(ARGS)

test: $(STAMP) browser
	$(BIN)/python -m pytest -n auto

# Measure the course's speed (several minutes) and write the table to BENCHMARKS.md beside autograder/.
bench: $(STAMP)
	$(BIN)/python -m autograder.bench --out autograder/BENCHMARKS.md

# The widget tests drive Debian's chromium (tests/test_widgets_browser.py); installing it needs root, as in CI.
# If it cannot be installed, those tests fail and say so.
browser:
	@test -x /usr/bin/chromium || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium) \
		|| echo "make browser: could not install chromium (needs root); the browser tests will fail"

lab: $(STAMP)
	$(BIN)/jupyter lab release/

clean:
	rm -rf submitted autograded feedback reports gradebook.db .grader.lock
