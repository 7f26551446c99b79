"""Kernel side, first code inside the sandbox: ``python -m autograder.kernel -f CONNECTION_FILE``.

Runs as the sandbox's unprivileged user (see :mod:`autograder.sandbox`), before any student
code: sets the resource limits, binds the Jupyter channels to the listening sockets the
worker handed down (the kernel cannot create a socket anywhere the worker could see), hands
the judge socket to the guard, then becomes an ordinary IPython kernel in this process.
"""

import importlib
import json
import os
import resource
import sys

import zmq

from autograder.wire import CHANNELS_ENV, JUDGE_FD_ENV, LIMITS_ENV, PRELOAD_ENV


def set_limits(limits: dict) -> None:
    """Apply ``{"memory_mb", "file_mb", "processes", "cpu_seconds"}`` as hard resource limits."""
    for which, value in ((resource.RLIMIT_AS, limits["memory_mb"] * 2**20),
                         (resource.RLIMIT_FSIZE, limits["file_mb"] * 2**20),
                         (resource.RLIMIT_NPROC, limits["processes"]),
                         (resource.RLIMIT_CPU, limits["cpu_seconds"]),
                         (resource.RLIMIT_CORE, 0)):
        resource.setrlimit(which, (value, value))


def bind_to_inherited(channels: dict[str, int]) -> None:
    """Make ``zmq`` bind each channel address in ``channels`` ({address: fd}) to that inherited socket."""
    original = zmq.Socket.bind

    def bind(self, address):
        fd = channels.pop(address, None)
        if fd is not None:
            self.setsockopt(zmq.USE_FD, fd)
        return original(self, address)

    zmq.Socket.bind = bind


def preload(names: list[str]) -> None:
    """Import the libraries the notebook will import (``names``), so a kernel started ahead of its
    notebook has paid for them before the notebook arrives; one that fails is left to the notebook."""
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # the notebook's own import will report it where the student sees it
            pass


def main() -> None:
    """Limit this process, bind the channels, preload, start the guard, and become the kernel."""
    set_limits(json.loads(os.environ.pop(LIMITS_ENV)))
    bind_to_inherited(json.loads(os.environ.pop(CHANNELS_ENV)))
    preload(json.loads(os.environ.pop(PRELOAD_ENV, "[]")))
    from autograder import guard

    guard.install(int(os.environ[JUDGE_FD_ENV]))  # the hidden tests read it too
    from ipykernel.kernelapp import IPKernelApp

    # The connection file is a read-only copy made by the worker: nothing to write back.
    IPKernelApp.write_connection_file = lambda self, **kwargs: None
    sys.argv = [sys.argv[0], *sys.argv[1:],
                "--IPKernelApp.exec_lines=['import autograder.guard; autograder.guard.attach(get_ipython())']",
                # C-level output (TensorFlow's log) goes to the worker's log, not into cells
                "--IPKernelApp.capture_fd_output=False"]
    IPKernelApp.launch_instance()


if __name__ == "__main__":
    main()
