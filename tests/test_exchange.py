"""nbgrader's exchange, round trip, as a class on one server (or a JupyterHub) runs it.

One local exchange folder; the instructor works in a released copy of the course directory,
two students (alice, bob) each in a home folder of their own. The steps are exactly those of
the README's "Running a class":

    nbgrader release_assignment → student fetch_assignment → student submit → nbgrader collect
    → python -m autograder grade → nbgrader generate_feedback → nbgrader release_feedback
    → student fetch_feedback

On a real server each student is an OS account and nbgrader takes the student id from it; here
both students run as the test's own user, with their own HOME (so their own nbgrader cache) and
the id given as ``--CourseDirectory.student_id``. The exchange's permission checks therefore
all pass as one user; what is proven is the data flow, the scores and the feedback files.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.utils import parse_utc

from conftest import grade_id, make_course_copy, nbgrader_env
from autograder.submissions import mistakes, reference_answers

ASSIGNMENT = "02_perceptron"  # quick to grade, and no TensorFlow
STUDENTS = ("alice", "bob")  # alice hands in the reference answers, bob a beginner's mistakes


def _answers(student: str) -> dict[str, str]:
    reference = reference_answers(ASSIGNMENT)
    if student == "alice":
        return reference
    wrong, beginner = mistakes(ASSIGNMENT)
    return {**reference, **{k: wrong[k] for k in beginner}}


def _fill(path: Path, answers: dict[str, str]) -> None:
    """Do what a student does: replace the solution cells of the fetched notebook, and save it."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)].strip("\n")
    nbformat.write(nb, path)


@pytest.fixture()
def classroom(tmp_path):
    """(run, course, homes, exchange): a released course directory, two student homes, one exchange."""
    exchange = tmp_path / "exchange"
    exchange.mkdir()
    exchange.chmod(0o777)  # as the README asks for /srv/nbgrader/exchange
    # The server-wide nbgrader config (on a real server: /etc/jupyter/nbgrader_config.py).
    etc = tmp_path / "etc-jupyter"
    etc.mkdir()
    (etc / "nbgrader_config.py").write_text(f"c = get_config()\nc.Exchange.root = {str(exchange)!r}\n")
    course = make_course_copy(tmp_path / "course", only=[ASSIGNMENT])
    homes = {s: tmp_path / "home" / s for s in STUDENTS}
    for home in homes.values():
        home.mkdir(parents=True)

    def run(*args: str, cwd: Path, student: str | None = None, timeout: int = 300) -> str:
        env = {k: v for k, v in nbgrader_env().items()
               if not k.startswith(("JUPYTER", "COURSE_")) and k not in ("MPLBACKEND", "PYTHONPATH")}
        env["JUPYTER_CONFIG_DIR"] = str(etc)
        command = [sys.executable, "-m", *args]
        if student:
            env["HOME"] = str(homes[student])
            command.append(f"--CourseDirectory.student_id={student}")
        done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, (f"`{' '.join(args)}` ({student or 'instructor'}) failed:\n"
                                      f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
        return done.stdout + done.stderr

    return run, course, homes, exchange


def test_release_fetch_submit_collect_grade_feedback_round_trip(classroom):
    run, course, homes, exchange = classroom

    run("nbgrader", "release_assignment", ASSIGNMENT, cwd=course)
    for student, home in homes.items():
        run("nbgrader", "fetch_assignment", ASSIGNMENT, "--course", "dl-course", cwd=home, student=student)
        fetched = home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        assert fetched.read_bytes() == (course / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_bytes()
        _fill(fetched, _answers(student))
        run("nbgrader", "submit", ASSIGNMENT, "--course", "dl-course", cwd=home, student=student)

    run("nbgrader", "collect", ASSIGNMENT, cwd=course)
    for student in STUDENTS:
        submitted = course / "submitted" / student / ASSIGNMENT
        assert (submitted / f"{ASSIGNMENT}.ipynb").exists() and (submitted / "timestamp.txt").exists()

    run("autograder", "grade", ASSIGNMENT, cwd=course, timeout=900)
    run("nbgrader", "generate_feedback", ASSIGNMENT, cwd=course)
    for student in STUDENTS:
        feedback = course / "feedback" / student / ASSIGNMENT
        assert (feedback / f"{ASSIGNMENT}.html").exists(), f"no feedback for {student}"
        stamps = [parse_utc((folder / student / ASSIGNMENT / "timestamp.txt").read_text())
                  for folder in (course / "feedback", course / "submitted")]
        assert stamps[0] == stamps[1], \
            f"feedback/{student}/{ASSIGNMENT}/timestamp.txt must be the submission's time (nbgrader reads it)"
    run("nbgrader", "release_feedback", ASSIGNMENT, cwd=course)

    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {s: (gb.find_submission(ASSIGNMENT, s).score, gb.find_submission(ASSIGNMENT, s).max_score)
                  for s in STUDENTS}
    assert scores["alice"][0] == scores["alice"][1] > 0, scores
    assert 0 < scores["bob"][0] < scores["bob"][1], scores

    pages = {}
    for student, home in homes.items():
        run("nbgrader", "fetch_feedback", ASSIGNMENT, "--course", "dl-course", cwd=home, student=student)
        fetched = list((home / ASSIGNMENT / "feedback").glob(f"*/{ASSIGNMENT}.html"))
        assert len(fetched) == 1, f"{student} fetched {fetched}"
        page = fetched[0].read_text()
        assert page == (course / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(), \
            f"{student} did not get the feedback written for them"
        assert "BEGIN HIDDEN TESTS" not in page and 'check("perceptron"' not in page, \
            f"{student}'s feedback shows a hidden test"
        score, maximum = scores[student]
        assert f"{score:g}" in page and f"{maximum:g}" in page, f"{student}'s feedback does not show the score"
        pages[student] = page
    assert pages["alice"] != pages["bob"]
    assert len(list((exchange / "dl-course" / "feedback").glob("*.html"))) == len(STUDENTS)
