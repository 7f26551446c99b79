"""`make demo`'s grading path gives the demo students exactly the expected scores, and plain
`nbgrader autograde` agrees with the project's grader on these honest submissions."""

import subprocess
import sys

import nbformat
from nbgrader.api import Gradebook

from autograder.submissions import demo_submissions, mistakes
from conftest import ASSIGNMENTS, grade_id, is_test_cell, make_course_copy, read, nbgrader_env


def expected_scores(assignment):
    points = {grade_id(c)[len("test_"):]: c.metadata["nbgrader"]["points"]
              for c in read("source", assignment).cells if is_test_cell(c)}
    _, beginner = mistakes(assignment)
    full = sum(points.values())
    return {"reference": full, "untouched": 0, "beginner": full - sum(points[n] for n in beginner)}


def cell_scores(root, assignment, student):
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        notebook = gb.find_submission_notebook(assignment, assignment, student)
        return {g.name: g.score for g in notebook.grades}


def test_demo_grades_each_student_as_expected(released_copy):
    run = subprocess.run([sys.executable, "-m", "autograder.demo"], cwd=released_copy, env=nbgrader_env(),
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "| assignment" in run.stdout
    with Gradebook(f"sqlite:///{released_copy / 'gradebook.db'}") as gb:
        for assignment in ASSIGNMENTS:
            for student, score in expected_scores(assignment).items():
                sub = gb.find_submission(assignment, student)
                assert sub.score == score, f"{student} got {sub.score} on {assignment}, expected {score}"
                assert (released_copy / "feedback" / student / assignment / f"{assignment}.html").is_file()


def test_plain_nbgrader_autograde_gives_the_same_scores(tmp_path):
    root = make_course_copy(tmp_path)
    for assignment in ASSIGNMENTS:
        for student, nb in demo_submissions(assignment).items():
            path = root / "submitted" / student / assignment / f"{assignment}.ipynb"
            path.parent.mkdir(parents=True)
            nbformat.write(nb, path)
    stock = {}
    for assignment in ASSIGNMENTS:
        subprocess.run([sys.executable, "-m", "nbgrader", "autograde", assignment, "--log-level=ERROR"],
                       cwd=root, env=nbgrader_env(), check=True)
        stock[assignment] = {s: cell_scores(root, assignment, s) for s in demo_submissions(assignment)}
    subprocess.run([sys.executable, "-m", "autograder", "grade", "--force"], cwd=root, env=nbgrader_env(),
                   check=True, capture_output=True)
    for assignment in ASSIGNMENTS:
        for student in demo_submissions(assignment):
            assert cell_scores(root, assignment, student) == stock[assignment][student], (student, assignment)
