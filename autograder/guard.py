"""Kernel side: a reporter of what a student's cells did, for the instructor's eyes.

It is *not* a boundary — the sandbox (:mod:`autograder.sandbox`) is. Living in the
student's own process, it can be fooled or switched off; the judge notices when its
after-cell heartbeats stop. What it reports, with the cell and line, over the judge
socket:

* starting processes, signalling other processes, network connections, loading C
  libraries, writing outside the work folder, importing the grader's modules, adding
  audit hooks (Python audit hooks);
* rebinding attributes of the libraries and helpers the tests rely on (``numpy.testing``,
  ``math``, ``builtins``, ``course``, the hidden-test helpers) or IPython's error display,
  found by comparing a snapshot taken before the first cell with the state after each cell;
* a heartbeat after every cell.
"""

from __future__ import annotations

import importlib
import inspect
import os
import socket
import sys
import sysconfig

from autograder.wire import event_message

WATCHED_MODULES = ["builtins", "math", "numpy", "numpy.testing", "numpy.linalg", "json", "socket",
                   "course.checks", "course.compare", "autograder.hidden", "autograder.wire"]
WATCHED_SHELL = ["showtraceback", "_showtraceback", "showsyntaxerror", "run_cell", "run_cell_async",
                 "custom_exceptions", "CustomTB"]
PROCESS = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.fork", "os.forkpty"}
CHANGES_FILES = {"os.mkdir", "os.remove", "os.rename", "os.rmdir", "shutil.rmtree", "os.chmod", "os.truncate",
                 "os.link", "os.symlink"}
AUDITED = {"open", "import", "os.kill", "os.killpg", "socket.connect", "ctypes.dlopen", "ctypes.dlsym",
           "sys.addaudithook"} | PROCESS | CHANGES_FILES
MAX_EVENTS = 200
# ipykernel itself rebinds these for every execution (to forward stdin).
KERNEL_OWNED = {("builtins", "input"), ("builtins", "raw_input")}
STDLIB = sysconfig.get_paths()["stdlib"]

_guard = None


WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _writes(args) -> bool:
    """True when an ``open`` audit event (path, mode, flags) opens for writing."""
    mode, flags = args[1], args[2] if len(args) > 2 else 0
    return bool(isinstance(flags, int) and flags & WRITE_FLAGS) or (
        isinstance(mode, str) and any(c in mode for c in "wax+"))


def _is_cell(filename: str) -> bool:
    return "ipykernel_" in filename or filename.startswith("<ipython-input")


class Guard:
    """Watches one kernel and reports to the judge over the inherited socket ``fd``."""

    def __init__(self, fd: int):
        self.workdir = os.path.realpath(os.getcwd())
        self.sendall = socket.socket(fileno=os.dup(fd)).sendall  # bound now: later rebinding changes nothing
        self.cell = 0
        self.sent = 0
        self.busy = False
        self.snapshot = {}
        self.shell = None

    def send(self, kind: str, detail: str, line: int | None = None) -> None:
        if kind != "heartbeat":
            if self.sent >= MAX_EVENTS:
                return
            self.sent += 1
        try:
            self.sendall(event_message(kind, detail, self.cell, line))
        except OSError:
            pass  # the judge is gone: nothing left to tell

    # --- audit hook -------------------------------------------------------------------
    def audit(self, event: str, args) -> None:
        if event not in AUDITED or self.busy or self.cell == 0:
            return
        if event == "import" and not str(args[0]).startswith("autograder"):
            return
        if event == "open" and not _writes(args):
            return  # reading: the sandbox shows only what a student may read
        self.busy = True  # the hook itself opens nothing, but keep it from re-entering
        try:
            frame, line, direct = sys._getframe(1), None, None
            while frame is not None:
                name = frame.f_code.co_filename
                if _is_cell(name):
                    line = frame.f_lineno
                    direct = direct is None  # no library between the cell and the standard library
                    break
                if direct is None and not name.startswith(STDLIB) and not name.startswith("<"):
                    direct = False
                frame = frame.f_back
            if line is not None:
                self._classify(event, args, line, direct)
        finally:
            self.busy = False

    def _classify(self, event, args, line, direct):
        if event == "import":
            module = str(args[0])
            if module.startswith("autograder") and not module.startswith(("autograder.hidden", "autograder.cases",
                                                                           "autograder.wire")):
                self.send("import", f"imports {module}", line)
        elif event == "open" or event in CHANGES_FILES:
            path = args[0]
            if isinstance(path, (str, bytes, os.PathLike)):
                real = os.path.realpath(os.fsdecode(path))
                # the work folder and the private /tmp are the kernel's own (an unnamed temporary file opens
                # /tmp itself, with O_TMPFILE); anything else (the course folder itself may sit under /tmp,
                # read-only) is refused by the sandbox, and reported
                private = (real + os.sep).startswith(self.workdir + os.sep) or real.startswith("/dev/") or (
                    real == "/tmp" or real.startswith("/tmp/") and os.access(os.path.dirname(real), os.W_OK))
                if not private:
                    self.send("file", f"writes {real[:200]}", line)
            elif direct:
                self.send("file", f"{event} on a file descriptor or directory handle", line)
        elif event == "socket.connect" and direct:
            self.send("network", f"connects to {str(args[1])[:100]}", line)
        elif event in PROCESS and direct:
            self.send("process", f"{event} {str(args[:2])[:200]}", line)
        elif event in ("os.kill", "os.killpg") and args[0] != os.getpid():
            self.send("process", f"{event} of process {args[0]}", line)
        elif event == "sys.addaudithook":
            self.send("process", "adds an audit hook", line)
        elif event.startswith("ctypes."):
            self.send("process", f"uses C directly ({event} {str(args[:2])[:100]})", line)

    # --- snapshot of what the tests rely on ----------------------------------------------
    def _state(self) -> dict:
        state = {}
        for name in WATCHED_MODULES:
            module = sys.modules.get(name)
            state[("sys.modules", name)] = id(module)
            if module is not None:
                for attr, value in list(vars(module).items()):
                    if not attr.startswith("_") and (name, attr) not in KERNEL_OWNED:
                        state[(name, attr)] = id(value)
        for attr in WATCHED_SHELL:
            # getattr would make a new bound method each time; the static lookup finds what is stored
            state[("shell", attr)] = id(inspect.getattr_static(self.shell, attr, None))
        state[("sys", "excepthook")] = id(sys.excepthook)
        return state

    def before_cell(self, info) -> None:
        if getattr(info, "store_history", True):
            if self.cell == 0:
                # ipykernel finishes setting up (excepthook, display) after our start-up line
                self.snapshot = self._state()
            self.cell += 1

    def after_cell(self, result) -> None:
        current = self._state()
        changed = sorted(f"{m}.{a}" for (m, a), v in current.items() if self.snapshot.get((m, a), v) != v)
        removed = sorted(f"{m}.{a}" for (m, a) in self.snapshot if (m, a) not in current and m != "builtins")
        for what in changed + removed:
            self.send("rebind", f"rebinds {what}")
        self.snapshot.update(current)
        self.send("heartbeat", "cell finished")

    def attach(self, shell) -> None:
        self.shell = shell
        for name in WATCHED_MODULES:
            try:
                importlib.import_module(name)
            except ImportError:
                pass
        shell.events.register("pre_run_cell", self.before_cell)
        shell.events.register("post_run_cell", self.after_cell)
        sys.addaudithook(self.audit)


def install(fd: int) -> None:
    """Create the guard for this kernel (called by :mod:`autograder.kernel` before ipykernel starts)."""
    global _guard
    _guard = Guard(fd)


def attach(shell) -> None:
    """Start watching ``shell`` (run once as the kernel's only start-up line)."""
    _guard.attach(shell)
