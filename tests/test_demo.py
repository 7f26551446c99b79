"""`make demo`'s grading path: plain nbgrader autograde gives the demo students exactly the expected scores."""

import subprocess
import sys

from nbgrader.api import Gradebook

from autograder.submissions import mistakes
from conftest import ASSIGNMENTS, grade_id, is_test_cell, read, venv_env


def expected_scores(assignment):
    points = {grade_id(c)[len("test_"):]: c.metadata["nbgrader"]["points"]
              for c in read("source", assignment).cells if is_test_cell(c)}
    _, beginner = mistakes(assignment)
    full = sum(points.values())
    return {"reference": full, "untouched": 0, "beginner": full - sum(points[n] for n in beginner)}


def test_demo_grades_each_student_as_expected(released_copy):
    run = subprocess.run([sys.executable, "-m", "autograder.demo"], cwd=released_copy, env=venv_env(),
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "| assignment" in run.stdout
    with Gradebook(f"sqlite:///{released_copy / 'gradebook.db'}") as gb:
        for assignment in ASSIGNMENTS:
            for student, score in expected_scores(assignment).items():
                sub = gb.find_submission(assignment, student)
                assert sub.score == score, f"{student} got {sub.score} on {assignment}, expected {score}"
                assert (released_copy / "feedback" / student / assignment / f"{assignment}.html").is_file()
