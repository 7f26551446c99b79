# Every target installs what it needs into .venv first, so each works on a fresh clone.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(abspath $(VENV))/bin
STAMP  := $(VENV)/.installed
# nbgrader shells out to alembic: the venv's bin/ must be on PATH for every call.
export PATH := $(BIN):$(PATH)

ASSIGNMENTS := $(notdir $(wildcard source/[0-9]*))

.PHONY: setup release demo grade test bench browser lab student clean

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
	$(BIN)/python -m autograder.editions build
	$(BIN)/python -m autograder.expectations >/dev/null  # the judge's expectations, before the first grading run

demo: release sandbox
	$(BIN)/python -m autograder.demo

# Grade every submission under submitted/ (all assignments; ARGS="01_python_basics --workers 4" to narrow).
grade: $(STAMP) sandbox
	$(BIN)/python -m autograder grade $(ARGS)

test: $(STAMP) browser sandbox
	$(BIN)/python -m pytest -n auto --dist loadfile

# Measure the course's speed (several minutes) and write the table to BENCHMARKS.md beside autograder/.
bench: $(STAMP) sandbox
	$(BIN)/python -m autograder.bench --out autograder/BENCHMARKS.md

# The widget tests drive Debian's chromium (tests/test_widgets_browser.py), the Korean one with a Korean font
# (tests/test_korean_browser.py); installing them needs root, as in CI.
# If it cannot be installed, those tests fail and say so.
browser:
	@test -x /usr/bin/chromium || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium) \
		|| echo "make browser: could not install chromium (needs root); the browser tests will fail"
	@fc-list :lang=ko | grep -q . || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-nanum) \
		|| echo "make browser: could not install a Korean font (fonts-nanum, needs root); the Korean browser test will fail"

# Every graded notebook runs in a bubblewrap sandbox (autograder/sandbox.py); installing it needs root, as in CI.
sandbox:
	@command -v bwrap >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y bubblewrap) \
		|| echo "make sandbox: could not install bubblewrap (needs root): run 'sudo apt-get install bubblewrap'"

lab: $(STAMP)
	$(BIN)/jupyter lab release/

# The student edition: a wheel of the course package with its data and the release notebooks
# (copied into course/lessons/, the Korean edition into course/lessons/ko/), nothing of autograder/ or
# source/. pip fetches setuptools to build it.
student: $(STAMP)
	rm -rf build course/lessons/[0-9]* course/lessons/ko dist/dl_course-*.whl
	@for a in $(ASSIGNMENTS); do \
		mkdir -p course/lessons/$$a course/lessons/ko/$$a && cp release/$$a/$$a.ipynb course/lessons/$$a/ \
			&& cp release/ko/$$a/$$a.ipynb course/lessons/ko/$$a/ || exit 1; \
	done
	$(BIN)/pip wheel --quiet --no-deps --wheel-dir dist .
	rm -rf build
	@echo "Student edition: $$(ls dist/dl_course-*.whl) (pip install it, then: dl-course start)"

clean:
	rm -rf submitted autograded feedback reports gradebook.db .grader.lock
