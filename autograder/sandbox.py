"""Kernel launcher for grading: ``python -m autograder.sandbox -f CONNECTION_FILE``.

Applies the resource limits the grader passes in the environment (memory, file
size, no core dumps), installs :mod:`autograder.guard`, then starts an ordinary
IPython kernel in this same process, so the limits and the guard are in place
before the first student cell runs.
"""

import os
import resource
import sys

from autograder import guard

MEMORY_ENV, FILE_ENV = "COURSE_MEMORY_MB", "COURSE_FILE_MB"


def _limit(which, megabytes: str | None) -> None:
    if megabytes:
        size = int(megabytes) * 2**20
        resource.setrlimit(which, (size, size))


def main() -> None:
    """Limit this process, install the guard, and become the kernel."""
    _limit(resource.RLIMIT_AS, os.environ.get(MEMORY_ENV))
    _limit(resource.RLIMIT_FSIZE, os.environ.get(FILE_ENV))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    guard.install(os.environ["COURSE_JUDGE"], os.environ["COURSE_ROOT"], os.getcwd(), os.environ["COURSE_WORKDIRS"])
    from ipykernel.kernelapp import launch_new_instance

    sys.argv = [sys.argv[0], *sys.argv[1:],
                "--IPKernelApp.exec_lines=['import autograder.guard; autograder.guard.attach(get_ipython())']",
                "--HistoryManager.hist_file=:memory:",
                # C-level output (TensorFlow's log) goes to the grader's log, not into cells:
                # nbgrader gives a test cell that shows anything on stderr no points
                "--IPKernelApp.capture_fd_output=False"]
    launch_new_instance()


if __name__ == "__main__":
    main()
