"""``python -m autograder.demo``: grade the demo students of every assignment and print a table.

Writes ``submitted/<student>/<assignment>/<assignment>.ipynb`` for the students
``reference``, ``untouched`` and ``beginner``, grades them with the project's grader
(the same path as ``python -m autograder grade``), then reads the gradebook.
Run ``make release`` first (``make demo`` does).
"""

from __future__ import annotations

import sys
import time

import nbformat

from autograder.limits import Limits
from autograder.paths import Course
from autograder.scheduler import GradingError, grade
from autograder.submissions import demo_submissions

STUDENTS = ["reference", "untouched", "beginner"]


def write_submissions(assignment: str) -> None:
    """Write the demo students' notebooks for ``assignment`` under ``submitted/``."""
    for student, nb in demo_submissions(assignment).items():
        path = Course().student_file("submitted", student, assignment, f"{assignment}.ipynb")
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)


def scores(assignment: str) -> dict[str, tuple[float, float, float]]:
    """Return {student: (score, autograded max, written max)} from the gradebook.

    Written answers are graded by hand, so until then they add nothing to the score.
    """
    from nbgrader.api import Gradebook

    with Gradebook(Course().db_url) as gb:
        result = {}
        for student in STUDENTS:
            sub = gb.find_submission(assignment, student)
            written = sum(g.max_score for nb in sub.notebooks for g in nb.grades if g.cell.cell_type == "markdown")
            result[student] = (sub.score, sub.max_score - written, written)
        return result


def main() -> None:
    """Grade every assignment's demo students and print the score table."""
    course = Course()
    chosen = course.assignments()
    for assignment in chosen:
        write_submissions(assignment)
    start = time.perf_counter()
    try:
        grade(course, chosen, Limits.default_workers(), Limits(), students=STUDENTS)
    except GradingError as exc:
        sys.exit(f"error: {exc}")
    print(f"graded {len(chosen) * len(STUDENTS)} notebooks in {time.perf_counter() - start:.1f} s")

    rows = {assignment: scores(assignment) for assignment in chosen}
    width = max(len(a) for a in rows)
    print()
    print(f"| {'assignment':<{width}} | " + " | ".join(f"{s:>16}" for s in STUDENTS) + " |")
    print(f"|{'-' * (width + 2)}|" + "|".join("-" * 18 for _ in STUDENTS) + "|")
    for assignment, by_student in rows.items():
        cells = []
        for student in STUDENTS:
            score, auto_max, written = by_student[student]
            cells.append(f"{score:g} / {auto_max:g}" + (f" +{written:g}*" if written else ""))
        print(f"| {assignment:<{width}} | " + " | ".join(f"{c:>16}" for c in cells) + " |")
    print("\nscore / autograded points; +N* = points of written answers, graded by hand in `nbgrader formgrader`.")
    print(f"Autograded notebooks: {course.autograded}/<student>/<assignment>/")
    print(f"Feedback (HTML):      {course.feedback}/<student>/<assignment>/")


if __name__ == "__main__":
    main()
