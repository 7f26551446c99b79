"""The battery of hostile and broken submissions: each gets exactly its expected score, flags and notes,
and nothing one student does changes another's grade or the gradebook."""

import json
import subprocess
import sys

import pytest
from nbgrader.api import Gradebook

from autograder.battery import ASSIGNMENT, cases, write
from conftest import make_course_copy, nbgrader_env

CASES = cases()


@pytest.fixture(scope="module")
def graded_battery(tmp_path_factory):
    root = make_course_copy(tmp_path_factory.mktemp("battery"), [ASSIGNMENT])
    for case in CASES:
        write(case, root / "submitted" / case.student / ASSIGNMENT)
    # Short limits keep the endless loop cheap; 2 workers prove that parallel grading isolates students.
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", ASSIGNMENT, "--workers", "2",
                          "--cell-seconds", "10", "--notebook-seconds", "120"],
                         cwd=root, env=nbgrader_env(), capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    summaries = {}
    for marker in (root / "autograded" / ".grader" / ASSIGNMENT).glob("*/*.json"):
        summaries[marker.parent.name] = json.loads(marker.read_text())["result"]
    return root, summaries, run.stdout


@pytest.mark.parametrize("case", CASES, ids=[c.student for c in CASES])
def test_case_outcome(graded_battery, case):
    root, summaries, _ = graded_battery
    summary = summaries[case.student]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        score = gb.find_submission(ASSIGNMENT, case.student).score
        flagged = gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, case.student).flagged
    kinds = {f["kind"] for f in summary["flags"]}
    assert score == case.score, f"{case.student}: score {score}, expected {case.score}; notes {summary['reasons']}"
    assert case.flags <= kinds, f"{case.student}: flags {kinds}, expected at least {case.flags}"
    assert flagged == bool(summary["flags"])
    assert summary["status"] == case.status
    for note in case.notes:
        assert any(note in reason for reason in summary["reasons"]), f"{case.student}: no note {note!r}"
    assert (root / "autograded" / case.student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    assert (root / "feedback" / case.student / ASSIGNMENT / f"{ASSIGNMENT}.html").is_file()


def test_honest_students_are_not_flagged(graded_battery):
    _, summaries, _ = graded_battery
    assert summaries["honest"]["flags"] == [] and summaries["honest"]["reasons"] == []


def test_flags_point_at_cell_and_line(graded_battery):
    _, summaries, _ = graded_battery
    flag = next(f for f in summaries["writes-gradebook"]["flags"] if f["kind"] == "file")
    assert flag["cell"] is not None and flag["line"] == 3


def test_feedback_reveals_no_hidden_test(graded_battery):
    root, _, _ = graded_battery
    html = (root / "feedback" / "rebinds-testing" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "HIDDEN TESTS" not in html and "autograder" not in html
    assert "hidden test of arithmetic failed" in html


def test_report_and_summary(graded_battery):
    root, _, stdout = graded_battery
    assert "flagged" in stdout and "mean" in stdout
    header = (root / "reports" / "grades.csv").read_text().splitlines()[0]
    assert header == "student,assignment,test cell,points,max,flags,seconds,status,notes"
    assert (root / "reports" / "scores.png").stat().st_size > 1000


def test_rerun_resumes_without_regrading(graded_battery):
    root, _, _ = graded_battery
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", ASSIGNMENT], cwd=root, env=nbgrader_env(),
                         capture_output=True, text=True)
    assert run.returncode == 0 and "grading" not in run.stderr  # no progress bar: nothing was regraded
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        assert gb.find_submission(ASSIGNMENT, "honest").score == 12

