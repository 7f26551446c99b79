"""``python -m autograder.demo``: grade the demo students of every assignment and print a table.

Writes ``submitted/<student>/<assignment>/<assignment>.ipynb`` for the students
``reference``, ``untouched`` and ``beginner``, runs plain ``nbgrader autograde``
and ``nbgrader generate_feedback`` from the repository root, then reads the
gradebook.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import nbformat

from autograder.submissions import ROOT, assignments, demo_submissions

STUDENTS = ["reference", "untouched", "beginner"]


def _nbgrader(*args: str) -> None:
    # nbgrader shells out to alembic, which lives next to the interpreter.
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    run = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=ROOT, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if run.returncode != 0:
        sys.exit(f"`nbgrader {' '.join(args)}` failed (did `make release` run first?):\n{run.stderr[-3000:]}")


def write_submissions(assignment: str) -> None:
    """Write the demo students' notebooks for ``assignment`` under ``submitted/``."""
    for student, nb in demo_submissions(assignment).items():
        path = ROOT / "submitted" / student / assignment / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, path)


def scores(assignment: str) -> dict[str, tuple[float, float, float]]:
    """Return {student: (score, autograded max, written max)} from the gradebook.

    Written answers are graded by hand, so until then they add nothing to the score.
    """
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{ROOT / 'gradebook.db'}") as gb:
        result = {}
        for student in STUDENTS:
            sub = gb.find_submission(assignment, student)
            written = sum(g.max_score for nb in sub.notebooks for g in nb.grades if g.cell.cell_type == "markdown")
            result[student] = (sub.score, sub.max_score - written, written)
        return result


def main() -> None:
    """Grade every assignment's demo students and print the score table."""
    rows = {}
    for assignment in assignments():
        start = time.perf_counter()
        write_submissions(assignment)
        print(f"grading {assignment} ...", flush=True)
        _nbgrader("autograde", assignment, "--force")
        _nbgrader("generate_feedback", assignment, "--force")
        rows[assignment] = scores(assignment)
        print(f"  {time.perf_counter() - start:.1f} s", flush=True)

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
    print(f"Autograded notebooks: {ROOT / 'autograded'}/<student>/<assignment>/")
    print(f"Feedback (HTML):      {ROOT / 'feedback'}/<student>/<assignment>/")


if __name__ == "__main__":
    main()
