"""The grader's limits, in one place: the project's grader, plain ``nbgrader autograde``
(through ``nbgrader_config.py``) and the sandbox read them from here.
``python -m autograder grade --help`` can override the per-notebook ones."""

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Per-submission limits of the grader."""

    cell_seconds: float = 60.0        # one cell's wall time
    notebook_seconds: float = 300.0   # the whole notebook's wall time
    memory_mb: int = 6144             # the kernel's address space (TensorFlow alone maps ~2 GB)
    output_kb: int = 512              # outputs kept per cell (display updates included); the rest is dropped
    file_mb: int = 64                 # largest file the kernel may write
    workdir_mb: int = 256             # the kernel's private work folder (a tmpfs), and /tmp as much again
    shm_mb: int = 64                  # its /dev/shm (a tmpfs): shared memory, POSIX semaphores
    processes: int = 256              # processes and threads of the sandbox's user (TensorFlow starts many)
    cpu_seconds: int = 900            # CPU time of the kernel (threads add up)
    submission_mb: int = 200          # a larger notebook file is not even parsed
    notebook_mb: int = 32             # the autograded notebook (and so the feedback) is cut to this size
    threads: int = 0                  # threads of a kernel's BLAS, OpenMP and TensorFlow; 0: the libraries' own

    @staticmethod
    def default_workers() -> int:
        """Return the default number of parallel students: the machine's cores."""
        return os.cpu_count() or 1

    @staticmethod
    def threads_for(workers: int) -> int:
        """Return the threads each kernel gets when ``workers`` kernels share this machine: its cores
        divided among them. Past that, a kernel's threads only take turns with the other workers'."""
        return max(1, (os.cpu_count() or 1) // max(1, workers))


# The kernel → judge channel: a message larger than this, or more of them, is refused
# (an honest check of the course sends a few hundred KB at most, once per check call).
JUDGE_MESSAGE_BYTES = 16 * 2**20
JUDGE_MESSAGES = 2000
# The worker → parent channel: one frame per answer; the notebook inside is already capped.
WORKER_FRAME_BYTES = 2 * Limits.notebook_mb * 2**20
# Report cells: a note or flag longer than this is cut.
TEXT_CHARS = 500
# Feedback in another language: a line longer than this is none of the grader's and stays as printed
# (matching the patterns costs time that grows faster than a line's length), and past this much text
# in one notebook a student's printing stays as printed (a grader's line costs at most ~0.04 s).
TRANSLATED_LINE_CHARS = 1000
TRANSLATED_NOTEBOOK_CHARS = 256 * 1024
