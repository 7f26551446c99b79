"""The battery of hostile and broken submissions: each gets exactly its expected score, flags and notes,
honest students graded beside them keep their exact scores, and nothing outside the kernels' own
work folders changes."""

import csv
import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from nbgrader.api import Gradebook, MissingEntry

from autograder.battery import ASSIGNMENT, cases, controls, write
from conftest import make_course_copy, nbgrader_env

CASES = cases()
CONTROLS = controls()
# What grading itself writes; everything else in the course directory must stay byte for byte.
GRADER_OUTPUT = ("autograded", "feedback", "reports", "gradebook.db", ".grader.lock")


def _snapshot(root: Path) -> dict:
    files = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if relative.split("/")[0] in GRADER_OUTPUT or "__pycache__" in relative:
            continue
        files[relative] = (os.readlink(path) if path.is_symlink()
                           else hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir")
    home = Path.home() / ".ipython" / "profile_default" / "startup"
    files["~startup"] = sorted(p.name for p in home.glob("*")) if home.is_dir() else []
    files["/tmp"] = sorted(p.name for p in Path("/tmp").glob("course-grading*"))
    return files


@pytest.fixture(scope="module")
def graded_battery(tmp_path_factory):
    root = make_course_copy(tmp_path_factory.mktemp("battery"), [ASSIGNMENT])
    for case in CASES + CONTROLS:
        write(case, root / "submitted" / case.student / ASSIGNMENT)
    before = _snapshot(root)
    # Short limits keep the endless loop cheap; 2 workers prove that parallel grading isolates students.
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", ASSIGNMENT, "--workers", "2",
                          "--cell-seconds", "10", "--notebook-seconds", "120"],
                         cwd=root, env=nbgrader_env(), capture_output=True, text=True)
    assert run.returncode == 3, run.stderr[-3000:]  # some submissions could not be graded: documented code 3
    summaries = {}
    for marker in (root / "autograded" / ".grader" / ASSIGNMENT).glob("*/*.json"):
        summaries[marker.parent.name] = json.loads(marker.read_text())["result"]
    return root, summaries, run.stdout, before


def _score(root, student):
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        return gb.find_submission(ASSIGNMENT, student).score, \
            gb.find_submission_notebook(ASSIGNMENT, ASSIGNMENT, student).flagged


@pytest.mark.parametrize("case", [c for c in CASES if not c.rejected], ids=[c.student for c in CASES if not c.rejected])
def test_case_outcome(graded_battery, case):
    root, summaries, _, _ = graded_battery
    summary = summaries.get(case.student)
    score, flagged = _score(root, case.student)
    if case.status == "not graded":
        assert summary is None  # not remembered as graded: a corrected hand-in is graded next time
        assert score == case.score
        return
    kinds = {f["kind"] for f in summary["flags"]}
    assert score == case.score, f"{case.student}: score {score}, expected {case.score}; notes {summary['reasons']}"
    assert case.flags <= kinds, f"{case.student}: flags {kinds}, expected at least {case.flags}"
    assert flagged == bool(summary["flags"])
    assert summary["status"] == case.status
    for note in case.notes:
        assert any(note in reason for reason in summary["reasons"]), f"{case.student}: no note {note!r}"
    assert (root / "autograded" / case.student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    assert (root / "feedback" / case.student / ASSIGNMENT / f"{ASSIGNMENT}.html").is_file()


def test_not_graded_cases_are_named_in_the_report(graded_battery):
    _, _, stdout, _ = graded_battery
    for case in CASES:
        if case.status == "not graded":
            assert case.student in stdout


def test_odd_folder_names_are_rejected_and_touch_nothing(graded_battery):
    root, _, stdout, _ = graded_battery
    for case in CASES:
        if case.rejected:
            assert "rejected" in stdout and "not a plain student id" in stdout
            with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb, pytest.raises(MissingEntry):
                gb.find_student(case.student)
            assert not (root / "autograded" / case.student).exists()


@pytest.mark.parametrize("case", CONTROLS, ids=[c.student for c in CONTROLS])
def test_honest_students_keep_their_exact_scores(graded_battery, case):
    root, summaries, _, _ = graded_battery
    score, flagged = _score(root, case.student)
    assert score == case.score and not flagged
    assert summaries[case.student]["flags"] == [] and summaries[case.student]["reasons"] == []


def test_nothing_outside_the_work_folders_changed(graded_battery):
    root, _, _, before = graded_battery
    after = _snapshot(root)
    changed = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    assert not changed, f"grading changed files outside the kernels' work folders: {changed[:10]}"


def test_flags_point_at_cell_and_line(graded_battery):
    _, summaries, _, _ = graded_battery
    flag = next(f for f in summaries["writes-gradebook"]["flags"] if f["kind"] == "file")
    assert flag["cell"] is not None and flag["line"] == 3


def test_feedback_reveals_no_hidden_test(graded_battery):
    root, _, _, _ = graded_battery
    html = (root / "feedback" / "rebinds-testing" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "HIDDEN TESTS" not in html and "autograder" not in html
    assert "hidden test of arithmetic failed" in html


def test_feedback_speaks_the_notebooks_language_and_nothing_else(graded_battery):
    root, _, _, _ = graded_battery
    korean = (root / "feedback" / "korean-with-a-mistake" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "arithmetic의 숨겨진 테스트 실패" in korean
    odd = (root / "feedback" / "odd-language" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    assert "<script>alert(1)" not in odd and "hidden tests of arithmetic passed" in odd


def test_feedback_runs_no_student_script(graded_battery):
    root, _, _, _ = graded_battery
    html = (root / "feedback" / "html-injection" / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text()
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, re.S)  # the template's own scripts only
    assert not [body for body in scripts if "alert(" in body], "a student's script reached the feedback"
    tags = re.findall(r"<[a-zA-Z][^>]*>", html)  # live tags only: escaped text (&lt;...) shows, harmlessly
    assert not [t for t in tags if re.search(r"\son\w+\s*=", t)], "an event handler reached the feedback"
    assert not [t for t in tags if re.search(r"(href|src)\s*=\s*[\"']?\s*javascript:", t, re.I)]


def test_autograded_notebook_holds_nothing_live(graded_battery):
    """The formgrader and JupyterLab render autograded notebooks in the instructor's browser."""
    root, _, _, _ = graded_battery
    nb = json.loads((root / "autograded" / "html-injection" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    outputs = [o for c in nb["cells"] for o in c.get("outputs", [])]
    assert not [o for o in outputs if "application/javascript" in o.get("data", {})]
    assert not [o for o in outputs if "<script" in "".join(o.get("data", {}).get("text/html", ""))]
    injected = [c for c in nb["cells"] if c["cell_type"] == "markdown" and "alert('md')" in "".join(c["source"])]
    assert injected and all("```" in "".join(c["source"]) for c in injected), "raw HTML must be shown as text"


def test_judge_tells_the_kernel_nothing(graded_battery):
    root, _, _, _ = graded_battery
    nb = json.loads((root / "autograded" / "forges-judge-messages" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text())
    printed = "".join("".join(o.get("text", "")) for c in nb["cells"] for o in c.get("outputs", []))
    assert "received" in printed and "passed" not in printed.split("received")[1][:40]


def test_outputs_and_reports_are_bounded_and_clean(graded_battery):
    root, _, stdout, _ = graded_battery
    for nb in (root / "autograded").glob(f"*/{ASSIGNMENT}/*.ipynb"):
        assert nb.stat().st_size < 40 * 2**20, nb
    with open(root / "reports" / "grades.csv", newline="") as f:
        for row in csv.reader(f):
            assert all(field[:1] not in ("=", "+", "-", "@") for field in row), row
    assert "\x1b" not in stdout and "\x07" not in stdout


def test_report_and_summary(graded_battery):
    root, _, stdout, _ = graded_battery
    assert "flagged" in stdout and "mean" in stdout
    header = (root / "reports" / "grades.csv").read_text().splitlines()[0]
    assert header == "student,assignment,test cell,points,max,flags,seconds,status,notes"
    assert (root / "reports" / "scores.png").stat().st_size > 1000
    assert not (root / ".grader.lock").exists()
    assert "time per phase, all notebooks: prepare" in stdout
    with open(root / "reports" / "timing.csv", newline="") as f:
        timing = list(csv.DictReader(f))
    graded = [row for row in timing if row["execute"]]
    assert len(graded) >= len(CONTROLS) and all(float(row["start"]) > 0 and float(row["save"]) > 0 for row in graded)


def test_rerun_resumes_without_regrading(graded_battery):
    root, _, _, _ = graded_battery
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", ASSIGNMENT, "--student", "honest"],
                         cwd=root, env=nbgrader_env(), capture_output=True, text=True)
    assert run.returncode == 0 and "grading" not in run.stderr  # no progress bar: nothing was regraded
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        assert gb.find_submission(ASSIGNMENT, "honest").score == 12
