"""Where everything of a course directory is: the one place that spells these paths.

The repository root is nbgrader's course directory (``nbgrader_config.py``); the
grader, the demo, the tests and the sandbox all ask :class:`Course` for a path
instead of joining folder names themselves.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(__file__).resolve().parent

# The only grader modules a grading kernel may read: the hidden tests' entry point and
# case functions, the value codec they send answers with, and the kernel's own start-up.
# Never the reference, the mistakes, the battery or the grader's process-side code.
KERNEL_SIDE = ("__init__.py", "hidden.py", "wire.py", "limits.py", "guard.py", "kernel.py", "template.py", "cases")


def expectations_cache() -> Path:
    """The judge's expectations files (:mod:`autograder.expectations`): the user's cache, shared by every course
    copy on this machine, which no grading kernel can see ($XDG_CACHE_HOME/dl-course/expectations)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dl-course" / "expectations"


@dataclass(frozen=True)
class Course:
    """The folders and files of one course directory (default: this repository)."""

    root: Path = ROOT

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def release(self) -> Path:
        return self.root / "release"

    @property
    def submitted(self) -> Path:
        return self.root / "submitted"

    @property
    def autograded(self) -> Path:
        return self.root / "autograded"

    @property
    def feedback(self) -> Path:
        return self.root / "feedback"

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    @property
    def db_url(self) -> str:
        """The gradebook's SQLAlchemy URL, as ``nbgrader_config.py`` gives it to nbgrader."""
        return f"sqlite:///{self.gradebook}"

    @property
    def lock(self) -> Path:
        """Held by a grading run so that two runs never write one gradebook."""
        return self.root / ".grader.lock"

    @property
    def resume_markers(self) -> Path:
        """Beside nbgrader's folders, where no student-facing command looks."""
        return self.autograded / ".grader"

    @property
    def reports(self) -> Path:
        return self.root / "reports"

    def assignments(self) -> list[str]:
        """Return the assignment names found in ``source/``, in course order."""
        return sorted(p.name for p in self.source.iterdir() if p.is_dir() and not p.name.startswith("."))

    def notebook(self, folder: str, assignment: str, notebook: str | None = None) -> Path:
        """Return ``<folder>/<assignment>/<notebook>.ipynb`` (notebook defaults to the assignment's name)."""
        return self.root / folder / assignment / f"{notebook or assignment}.ipynb"

    def student_file(self, folder: str, student: str, assignment: str, name: str) -> Path:
        """Return ``<folder>/<student>/<assignment>/<name>`` (folder: submitted, autograded or feedback)."""
        return self.root / folder / student / assignment / name
