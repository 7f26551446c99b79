"""Submissions are data: turn ``submitted/<student>/<assignment>/`` into grading tasks, trusting nothing.

A student folder whose name is not a plain id, a symlinked folder or notebook, a device,
an oversized file or an unparsable ``timestamp.txt`` gets a clear note; nothing is
followed, opened as code, or allowed to touch another student.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from dateutil.parser import parse as parse_date

from autograder.paths import Course

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]{0,63}$")


@dataclass
class Task:
    """One notebook of one student to grade."""

    student: str
    assignment: str
    notebook: str
    path: Path | None            # None: nothing usable was handed in
    notes: list = field(default_factory=list)


@dataclass
class Rejected:
    """A folder under ``submitted/`` that is not a gradable student (reported, never graded)."""

    folder: str
    why: str


def _plain_file(path: Path) -> str | None:
    """Return why ``path`` cannot be graded (a link, a device, a folder), or None for a regular file."""
    try:
        mode = os.lstat(path).st_mode
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if stat.S_ISLNK(mode):
        return "is a symbolic link"
    if not stat.S_ISREG(mode):
        return "is not a regular file"
    return None


def find_tasks(course: Course, assignment: str, expected: list[str],
               students: list[str] | None = None) -> tuple[list[Task], list[Rejected]]:
    """Return the tasks for every student folder of ``assignment`` and the folders that were rejected.

    ``expected`` are the assignment's notebook names (from the gradebook).
    """
    tasks, rejected = [], []
    if not course.submitted.is_dir():
        return tasks, rejected
    for student_dir in sorted(course.submitted.iterdir()):
        student = student_dir.name
        if students and student not in students:
            continue
        folder = student_dir / assignment
        if not STUDENT_ID.match(student):
            if folder.exists() or folder.is_symlink():
                rejected.append(Rejected(repr(student)[:80], "is not a plain student id (letters, digits, . _ - @ +)"))
            continue
        if student_dir.is_symlink() or folder.is_symlink():
            rejected.append(Rejected(student, "is a symbolic link"))
            continue
        if not folder.is_dir():
            continue
        handed_in, extra_notes = [], []
        for path in sorted(folder.iterdir()):
            if path.suffix != ".ipynb":
                continue
            problem = _plain_file(path)
            if problem:
                extra_notes.append(f"{path.name[:80]} {problem}: it was not opened")
            else:
                handed_in.append(path)
        unexpected = [p for p in handed_in if p.stem not in expected]
        for name in expected:
            path, notes = folder / f"{name}.ipynb", list(extra_notes)
            if path not in handed_in:
                if len(unexpected) == 1 and len(expected) == 1:
                    path = unexpected.pop()
                    notes.append(f"wrong file name: {path.name[:80]} was graded as {name}.ipynb")
                else:
                    path = None
                    notes.append(f"no {name}.ipynb was handed in")
            tasks.append(Task(student, assignment, name, path, notes))
        if unexpected:
            tasks[-1].notes.append("ignored extra file(s): " + ", ".join(p.name[:80] for p in unexpected))
    return tasks, rejected


def timestamp(course: Course, student: str, assignment: str) -> tuple[str | None, str | None]:
    """Return ``(timestamp, note)`` from ``timestamp.txt``: a parsable date, or None and why not."""
    path = course.student_file("submitted", student, assignment, "timestamp.txt")
    if not path.exists() and not path.is_symlink():
        return None, None
    if _plain_file(path) or path.stat().st_size > 200:
        return None, "timestamp.txt is not a small regular file: it was ignored"
    text = path.read_text(errors="replace").strip()
    try:
        parse_date(text)
    except (ValueError, OverflowError):
        return None, "timestamp.txt does not hold a date: it was ignored"
    return text, None
