"""A throw-away copy of the course directory, released and ready to grade (for tests and benchmarks)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from autograder.submissions import ROOT, assignments


def nbgrader_env() -> dict[str, str]:
    """Environment for nbgrader commands: the interpreter's bin/ on PATH (nbgrader runs alembic)."""
    return dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")


def make_course_copy(dest: Path, only: list[str] | None = None) -> Path:
    """Copy source/, release/, autograder/ and nbgrader_config.py to ``dest`` and release the assignments there.

    ``only`` names the assignments to release (default: all of them).
    """
    for name in ("autograder", "source", "release"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "nbgrader_config.py", dest)
    for assignment in only or assignments():
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", assignment, "--force",
                        "--log-level=ERROR"], cwd=dest, env=nbgrader_env(), check=True)
    return dest
