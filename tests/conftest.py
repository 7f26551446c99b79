"""Shared helpers of the test suite: where things are, and how to run a notebook."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the autograder package is not installed, by design

from autograder.course_copy import make_course_copy, nbgrader_env  # noqa: E402,F401
from autograder.submissions import assignments  # noqa: E402

ASSIGNMENTS = assignments()


def kernel_env() -> dict[str, str]:
    """Environment of a grading kernel: the repository on PYTHONPATH, no windows."""
    return dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg", COURSE_GRADING="1")


def execute(nb, cwd: Path, timeout: int = 300):
    """Execute ``nb`` in a fresh kernel (errors recorded, not raised) and return it."""
    saved = dict(os.environ)
    os.environ.update(kernel_env())
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(cwd)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return nb


def errors(cell) -> list:
    """Return the error outputs of a code cell."""
    return [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def grade_id(cell):
    """Return the nbgrader grade_id of a cell, or None."""
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def is_test_cell(cell) -> bool:
    """True for an autograded test cell (graded code cell that is not a solution)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and meta.get("grade") and not meta.get("solution")


def run_in_sandbox(source: str, limits=None, sandbox=None) -> str:
    """Run ``source`` as one cell in a grading sandbox (``sandbox``, else a fresh one) under ``limits``
    (default ``Limits()``); return what it printed. The run must give no grader reason."""
    from autograder.limits import Limits
    from autograder.wire import Result
    from autograder.worker import run_judged

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    result = Result("probe", "probe", "probe")
    run_judged(nb, limits or Limits(), result, sandbox)
    assert not result.reasons, (result.reasons, nb.cells[0].outputs)
    return "".join(o.get("text", "") for o in nb.cells[0].outputs)


def read(folder: str, assignment: str):
    """Read an assignment's notebook from ``source`` or ``release``."""
    return nbformat.read(ROOT / folder / assignment / f"{assignment}.ipynb", as_version=4)


@pytest.fixture(scope="session")
def released_copy(tmp_path_factory) -> Path:
    """A throw-away released copy of the course directory, shared by the tests of one session."""
    return make_course_copy(tmp_path_factory.mktemp("course"))
