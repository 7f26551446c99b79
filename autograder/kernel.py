"""Kernel side, first code inside the sandbox: ``python -m autograder.kernel -f CONNECTION_FILE``.

Runs before any student code: becomes the sandbox's unprivileged user if it starts as its
namespace's root (under a root grader, see :mod:`autograder.userns`), closes every file it
was not meant to inherit, sets the resource limits, binds the Jupyter channels to the
listening sockets the worker handed down (the kernel cannot create a socket anywhere the
worker could see), hands the judge socket to the guard, then becomes an ordinary IPython
kernel in this process.
"""

import importlib
import json
import os
import resource
import sys

import zmq

from autograder.wire import CHANNELS_ENV, JUDGE_FD_ENV, KERNEL_UID, LIMITS_ENV, PRELOAD_ENV


def become_kernel_user() -> None:
    """Give HOME and /tmp (and the folders bubblewrap made in them) to :data:`KERNEL_UID` and become it.

    Leaving uid 0 ends every capability the sandbox started with; exits if any is left."""
    for top in (os.environ["HOME"], "/tmp"):
        # Only the tmpfs itself: folders mounted inside it (the course's Python when the course lives under
        # /tmp) stay read-only and root's. All are listed first, and given away deepest first: root keeps no
        # right to enter a folder it no longer owns.
        device, folders = os.stat(top).st_dev, []
        for folder, subfolders, _ in os.walk(top, onerror=_raise):
            folders.append(folder)
            subfolders[:] = [name for name in subfolders
                             if os.stat(os.path.join(folder, name), follow_symlinks=False).st_dev == device]
        for folder in reversed(folders):
            os.chown(folder, KERNEL_UID, KERNEL_UID)
    os.setgroups([])
    os.setresgid(KERNEL_UID, KERNEL_UID, KERNEL_UID)
    os.setresuid(KERNEL_UID, KERNEL_UID, KERNEL_UID)
    with open("/proc/self/status") as status:
        left = [line for line in status if line.startswith(("CapPrm", "CapEff", "CapAmb")) and int(line.split()[1], 16)]
    if left:
        sys.exit(f"the kernel kept capabilities after leaving root: {left}")


def _raise(error: OSError):
    raise error


def close_uninvited(keep: set[int]) -> None:
    """Close every open file descriptor of this process but stdin, stdout, stderr and ``keep``."""
    for fd in {int(name) for name in os.listdir("/proc/self/fd")} - {0, 1, 2, *keep}:
        try:
            os.close(fd)
        except OSError:  # the one that listed the folder, already closed
            pass


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
    """Drop root if started as it, limit this process, bind the channels, preload, start the guard, and become
    the kernel."""
    if os.getuid() == 0:
        become_kernel_user()
    channels = json.loads(os.environ.pop(CHANNELS_ENV))
    close_uninvited({*channels.values(), int(os.environ[JUDGE_FD_ENV])})
    set_limits(json.loads(os.environ.pop(LIMITS_ENV)))
    bind_to_inherited(channels)
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
