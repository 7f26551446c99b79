"""The sandbox guard: installed in a grading kernel before any student code runs.

It reports to the judge (see :mod:`autograder.judge`) what a student's cells did
that a grader should know about, with the cell and the line:

* opening files of the grader (reference, sources, gradebook, other submissions) or
  writing anywhere in the course directory, importing the grader's modules, starting
  processes (Python audit hooks: they cannot be removed once added);
* rebinding attributes of the libraries and helpers the tests rely on (``numpy.testing``,
  ``math``, ``builtins``, ``course``, the hidden-test helpers) or IPython's error display,
  found by comparing a snapshot taken before the first cell with the state after each cell;
* a heartbeat after every cell, so that silencing the guard is itself visible.

It only reports; the grader decides what the reports mean.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
import socket
import sys
import sysconfig

WATCHED_MODULES = ["builtins", "math", "numpy", "numpy.testing", "numpy.linalg", "json", "socket",
                   "course.checks", "course.compare", "autograder.hidden", "autograder.transcript"]
WATCHED_SHELL = ["showtraceback", "_showtraceback", "showsyntaxerror", "run_cell", "run_cell_async",
                 "custom_exceptions", "CustomTB"]
# Course files a kernel may not read at all (answers, other students, grades).
SECRET = ("autograder/reference", "autograder/mistakes", "autograder/battery", "source", "submitted",
          "autograded", "feedback", "gradebook.db", "nbgrader_config.py")
BLOCKED_PROCESS = {"subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.fork", "os.forkpty"}
CHANGES_FILES = {"os.mkdir", "os.remove", "os.rename", "os.rmdir", "shutil.rmtree", "os.chmod", "os.truncate"}
AUDITED = {"open", "import", "os.kill", "sqlite3.connect", "socket.connect", "ctypes.dlopen",
           "sys.addaudithook"} | BLOCKED_PROCESS | CHANGES_FILES
MAX_EVENTS = 200
# ipykernel itself rebinds these for every execution (to forward stdin).
KERNEL_OWNED = {("builtins", "input"), ("builtins", "raw_input")}
STDLIB = sysconfig.get_paths()["stdlib"]

_guard = None


class Blocked(PermissionError):
    """Raised inside a student's cell for what the grading sandbox does not allow."""


def _is_cell(filename: str) -> bool:
    return "ipykernel_" in filename or filename.startswith("<ipython-input")


class Guard:
    """Watches one kernel; ``send`` writes one JSON line to the judge."""

    def __init__(self, address: str, root: str, workdir: str, shared: str):
        self.root = os.path.realpath(root)
        self.address = address
        # A kernel writes only in its own folder; the folders of other students graded at the
        # same time sit beside it under ``shared``, and it may not even read those.
        self.workdir = os.path.realpath(workdir)
        self.shared = os.path.realpath(shared)
        self.prefix = os.path.realpath(sys.prefix)
        self.libraries = tuple({sys.prefix + os.sep, self.prefix + os.sep, sys.base_prefix + os.sep})
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(address)
        self.sendall = self.sock.sendall  # bound now, so that later rebinding of socket changes nothing
        self.dumps = json.dumps
        self.cell = 0
        self.sent = 0
        self.busy = False
        self.snapshot = {}

    def send(self, kind: str, detail: str, line: int | None = None) -> None:
        if kind != "heartbeat":
            if self.sent >= MAX_EVENTS:
                return
            self.sent += 1
        message = {"type": "event", "kind": kind, "detail": detail[:300], "cell_number": self.cell, "line": line}
        try:
            self.sendall((self.dumps(message) + "\n").encode())
        except OSError:
            pass  # the judge is gone: nothing left to tell

    # --- audit hook -------------------------------------------------------------------
    def _harmless(self, event: str, args) -> bool:
        """Cheap answers first: most events are libraries importing or reading their own files."""
        if event == "import":
            return not str(args[0]).startswith("autograder")
        if event == "open":
            path, mode = args[0], args[1]
            return (isinstance(path, str) and (mode is None or mode in ("r", "rb")) and ".." not in path
                    and path.startswith(self.libraries))
        return False

    def audit(self, event: str, args) -> None:
        if event not in AUDITED or self.busy or self.cell == 0 or self._harmless(event, args):
            return
        self.busy = True  # the hook itself opens nothing, but keep it from re-entering
        try:
            frame, line, via_import, direct = sys._getframe(1), None, False, None
            while frame is not None:
                name = frame.f_code.co_filename
                if "importlib" in name:
                    via_import = True
                if _is_cell(name):
                    line = frame.f_lineno
                    direct = direct is None  # no library between the cell and the standard library
                    break
                if direct is None and not name.startswith(STDLIB) and not name.startswith("<"):
                    direct = False
                frame = frame.f_back
            if line is None:
                return  # not caused by a cell's code (library start-up, the kernel itself)
            self._classify(event, args, line, via_import, direct)
        finally:
            self.busy = False

    @staticmethod
    def _real(path) -> str | None:
        if isinstance(path, int) or not isinstance(path, (str, bytes, os.PathLike)):
            return None
        return os.path.realpath(os.fsdecode(path))

    @staticmethod
    def _under(path: str, folder: str) -> bool:
        return path == folder or path.startswith(folder + os.sep)

    def _block(self, kind, detail, line, report=True):
        if report:
            self.send(kind, detail + " (blocked)", line)
        raise Blocked(f"the grading sandbox does not allow this: {detail}")

    def _classify(self, event, args, line, via_import, direct):
        if event == "import":
            module = str(args[0])
            if module.startswith("autograder"):
                if module.startswith(("autograder.reference", "autograder.mistakes", "autograder.battery")):
                    self._block("import", f"imports {module}", line)
                self.send("import", f"imports {module}", line)
        elif event in ("open", "sqlite3.connect") or event in CHANGES_FILES:
            self._file(event, args, line, via_import, direct)
        elif event == "socket.connect":
            address = args[1]
            if isinstance(address, (str, bytes)) and os.fsdecode(address) == self.address:
                return  # the hidden tests asking their judge
            self._block("network", f"connects to {str(address)[:100]}", line, report=direct)
        elif event in BLOCKED_PROCESS:
            # a library acting for the cell (matplotlib asking fc-list for fonts) copes with the refusal
            self._block("process", f"{event} {str(args[:2])[:200]}", line, report=direct)
        elif event == "os.kill" and args[0] != os.getpid():
            self._block("process", f"os.kill of process {args[0]}", line)
        elif event == "sys.addaudithook":
            self.send("process", "adds an audit hook", line)
        elif event == "ctypes.dlopen":
            self.send("process", f"loads a C library {str(args[0])[:100]}", line)

    def _file(self, event, args, line, via_import, direct):
        path = self._real(args[0])
        if path is None or path.startswith("/dev/") or path.startswith("/proc/self/"):
            return
        mode = args[1] if event == "open" else "w"
        writing = event != "open" or (isinstance(mode, str) and any(c in mode for c in "wax+"))
        in_course = self._under(path, self.root) and not self._under(path, self.prefix)
        shown = os.path.relpath(path, self.root) if in_course else path
        if writing and not self._under(path, self.workdir):
            # anything written elsewhere could reach the grader or a later student (startup files,
            # site-packages, caches): refused, and reported when the cell itself asked for it
            self._block("file", f"writes {shown}", line, report=direct or in_course)
        if writing:
            return
        if self._under(path, self.shared) and not self._under(path, self.workdir):
            self._block("file", f"reads another grading folder {path}", line)
        if in_course:
            relative = os.path.relpath(path, self.root)
            if relative.startswith(SECRET):
                self._block("file", f"reads {relative}", line)
            if not relative.startswith("course" + os.sep) and not via_import:
                self.send("file", f"reads {relative}", line)

    # --- snapshot of what the tests rely on ----------------------------------------------
    def _state(self, shell) -> dict:
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
            state[("shell", attr)] = id(inspect.getattr_static(shell, attr, None))
        state[("sys", "excepthook")] = id(sys.excepthook)
        return state

    def before_cell(self, info) -> None:
        if getattr(info, "store_history", True):
            if self.cell == 0:
                # ipykernel finishes setting up (excepthook, display) after our start-up line
                self.snapshot = self._state(self.shell)
            self.cell += 1

    def after_cell(self, result) -> None:
        current = self._state(self.shell)
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


def install(address: str, root: str, workdir: str, shared: str) -> None:
    """Create the guard for this kernel (called by the sandbox launcher before ipykernel starts)."""
    global _guard
    _guard = Guard(address, root, workdir, shared)


def attach(shell) -> None:
    """Start watching ``shell`` (run once as the kernel's only start-up line)."""
    _guard.attach(shell)


