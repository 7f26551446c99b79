"""nbgrader configuration: the repository root is the course directory.

Plain ``nbgrader generate_assignment``/``autograde``/``generate_feedback`` work
from here. The hidden test cells import ``autograder`` (reference solutions and
cases), which is deliberately not an installed package so that it never reaches
a student's environment; it is put on the kernels' PYTHONPATH here instead.
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
# Long training cells check this switch and shorten themselves while being graded.
os.environ["COURSE_GRADING"] = "1"
# Matplotlib must never try to open a window while grading.
os.environ.setdefault("MPLBACKEND", "Agg")

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.course_id = "dl-course"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.db_url = f"sqlite:///{ROOT / 'gradebook.db'}"

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Every cell gets a time limit, so an endless loop costs its student one cell, not the batch.
c.Execute.timeout = 120
