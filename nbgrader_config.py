"""nbgrader configuration: the repository root is the course directory.

Plain ``nbgrader generate_assignment``/``autograde``/``generate_feedback`` work from here.
``nbgrader autograde`` runs each notebook through the project's sandbox and judge
(``autograder.nbgrader_plugin.SandboxedExecute`` in place of nbgrader's ``Execute``), so the
stock command is as protected as ``python -m autograder grade``.

This file changes no environment variable: JupyterLab's nbgrader extension loads it too, and
the switches the lessons read while being graded (``COURSE_GRADING``, ``MPLBACKEND``) must
reach grading kernels only — the sandbox sets them there.
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
# The grader's own code runs in nbgrader's process (never in a student's kernel).
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.root = str(ROOT)
c.CourseDirectory.course_id = "dl-course"
c.CourseDirectory.source_directory = "source"
c.CourseDirectory.release_directory = "release"
c.CourseDirectory.submitted_directory = "submitted"
c.CourseDirectory.autograded_directory = "autograded"
c.CourseDirectory.feedback_directory = "feedback"
c.CourseDirectory.db_url = f"sqlite:///{ROOT / 'gradebook.db'}"
# nbgrader's defaults, and the Korean text beside each source notebook (autograder/editions.py builds
# release/ko/ from it): never copied into release/, the exchange or a submission.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "*.ko.md"]

c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Time, memory and output limits come from autograder/limits.py, the one place for them.
c.Autograde.autograde_preprocessors = [
    "autograder.nbgrader_plugin.SandboxedExecute",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
