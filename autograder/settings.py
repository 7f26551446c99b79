"""The grader's limits, in one place. ``python -m autograder grade --help`` can override each."""

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Per-submission limits of the project's grader."""

    cell_seconds: float = 60.0        # one cell's wall time
    notebook_seconds: float = 300.0   # the whole notebook's wall time
    memory_mb: int = 6144             # the kernel's address space (TensorFlow alone maps ~2 GB)
    output_kb: int = 512              # outputs kept per cell; the rest is dropped and reported
    file_mb: int = 64                 # largest file the kernel may write
    submission_mb: int = 200          # a larger notebook file is not even parsed

    @staticmethod
    def default_workers() -> int:
        """Return the default number of parallel students: the machine's cores."""
        return os.cpu_count() or 1
