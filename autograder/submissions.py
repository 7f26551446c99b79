"""Make submissions from the release notebooks: the reference answers, the untouched release,
or the release with some answers replaced (the typical mistakes of ``autograder.mistakes``)."""

from __future__ import annotations

import importlib
from pathlib import Path

import nbformat

from autograder.paths import Course

ROOT = Course().root


def module_name(assignment: str) -> str:
    """Return the module name of an assignment: ``01_python_basics`` → ``python_basics``."""
    return assignment.split("_", 1)[1]


def assignments() -> list[str]:
    """Return the assignment names found in ``source/``, in course order."""
    return Course().assignments()


def notebook_path(folder: str, assignment: str) -> Path:
    """Return the path of an assignment's notebook under ``source`` or ``release``."""
    return Course().notebook(folder, assignment)


def _grade_id(cell) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _strip_markers(source: str) -> str:
    return "\n".join(line for line in source.splitlines()
                     if line.strip() not in ("### BEGIN SOLUTION", "### END SOLUTION"))


def reference_answers(assignment: str) -> dict[str, str]:
    """Return {grade_id: source} of every solution cell of the source notebook, markers removed."""
    nb = nbformat.read(notebook_path("source", assignment), as_version=4)
    return {_grade_id(c): _strip_markers(c.source) for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("solution")}


def mistakes(assignment: str) -> tuple[dict[str, str], list[str]]:
    """Return ``(MISTAKES, BEGINNER)`` of the assignment's mistakes module."""
    module = importlib.import_module(f"autograder.mistakes.{module_name(assignment)}")
    return module.MISTAKES, module.BEGINNER


def make_submission(assignment: str, answers: dict[str, str]):
    """Return the release notebook with the solution cells named in ``answers`` replaced."""
    nb = nbformat.read(notebook_path("release", assignment), as_version=4)
    for cell in nb.cells:
        if _grade_id(cell) in answers and cell.metadata["nbgrader"].get("solution"):
            cell.source = answers[_grade_id(cell)].strip("\n")
    return nb


def demo_submissions(assignment: str) -> dict[str, object]:
    """Return {student id: notebook} for the demo's three students of one assignment."""
    reference = reference_answers(assignment)
    wrong, beginner = mistakes(assignment)
    return {
        "reference": make_submission(assignment, reference),
        "untouched": make_submission(assignment, {}),
        "beginner": make_submission(assignment, {**reference, **{k: wrong[k] for k in beginner}}),
    }
