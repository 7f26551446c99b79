"""The only writer of the gradebook and ``autograded/``: the grading command's parent process."""

from __future__ import annotations

import hashlib
import json

import nbformat
from nbgrader import utils
from nbgrader.api import Gradebook
from nbgrader.preprocessors import SaveAutoGrades

from autograder.execute import add_grader_notes, error_output, is_test
from autograder.intake import Task
from autograder.paths import Course
from autograder.wire import Result


def fingerprint(task: Task) -> str:
    """Return a digest of what was handed in for ``task`` (a changed submission is graded again)."""
    digest = hashlib.sha256(repr((task.notebook, str(task.path), task.notes)).encode())
    if task.path is not None:
        with open(task.path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def marker(course: Course, task: Task):
    """Return the path of ``task``'s resume marker."""
    return course.resume_markers / task.assignment / task.student / f"{task.notebook}.json"


def _release_failed(course: Course, result: Result):
    """The release notebook with every test cell failed: the autograded notebook of what could not be graded."""
    nb = nbformat.read(course.notebook("release", result.assignment, result.notebook), as_version=4)
    for cell in nb.cells:
        if is_test(cell):
            cell.outputs = [error_output("NotGraded", "; ".join(result.reasons)[:2000])]
    return nb


def save(course: Course, result: Result, timestamp: str | None) -> None:
    """Write one result into the gradebook and ``autograded/`` (with nbgrader's ``timestamp.txt``)."""
    with Gradebook(course.db_url) as gb:
        gb.update_or_create_student(result.student)
        extra = {"timestamp": timestamp} if timestamp else {}
        stamp = gb.update_or_create_submission(result.assignment, result.student, **extra).timestamp
    try:
        nb = nbformat.reads(result.executed, as_version=4) if result.executed else _release_failed(course, result)
    except Exception:  # a notebook the worker sent that nbformat cannot read: nothing of it is kept
        result.reasons.append("the graded notebook came back unreadable")
        nb = _release_failed(course, result)
    add_grader_notes(nb, result.reasons)
    path = course.student_file("autograded", result.student, result.assignment, f"{result.notebook}.ipynb")
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    if stamp is not None:
        (path.parent / "timestamp.txt").write_text(str(stamp))
    resources = {"nbgrader": {"db_url": course.db_url, "assignment": result.assignment, "notebook": result.notebook,
                              "student": result.student}}
    SaveAutoGrades().preprocess(nb, resources)
    present = {c.metadata.nbgrader["grade_id"] for c in nb.cells if utils.is_grade(c)}
    with Gradebook(course.db_url) as gb:
        notebook = gb.find_submission_notebook(result.notebook, result.assignment, result.student)
        for grade in notebook.grades:
            if grade.name not in present:  # a deleted test cell earns nothing
                grade.auto_score, grade.needs_manual_grade = 0, False
        notebook.flagged = bool(result.flags)
        gb.db.commit()


def write_marker(course: Course, task: Task, digest: str, summary: dict) -> None:
    """Remember that ``task`` was graded from a submission with ``digest``."""
    path = marker(course, task)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"fingerprint": digest, "result": summary}))


def read_marker(course: Course, task: Task, digest: str) -> dict | None:
    """Return the stored summary of ``task`` if it was graded from the same submission, else None."""
    path = marker(course, task)
    try:
        data = json.loads(path.read_text())
        return data["result"] if data.get("fingerprint") == digest else None
    except (OSError, ValueError, KeyError, TypeError):
        return None
