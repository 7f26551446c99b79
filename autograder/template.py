"""Kernel side, a worker's warm template: ``python -m autograder.template``, first code of a template sandbox.

It imports the heavy libraries once, never runs student code, and for each notebook forks a
kernel into namespaces of its own, so a kernel starts without paying for NumPy, matplotlib,
IPython (nor TensorFlow, once a notebook asked for it) and with MNIST already read, yet sees
nothing of another kernel. The worker makes the template sandbox (:mod:`autograder.sandbox`)
only under a root grader, inside the user namespace of :mod:`autograder.userns`, where the
template keeps the capabilities needed to mount. Each kernel (:func:`spawn`) is PID 1 of a new
PID namespace and gets, made new before its first code:

* new mount, network, IPC, UTS and cgroup namespaces; its own ``/proc`` (showing only its
  processes, with bubblewrap's read-only covers); its own empty ``HOME``, ``/tmp`` and ``/dev/shm``
  tmpfs of the sizes in :class:`~autograder.limits.Limits` (folders the template had bound inside
  them, the course's Python when it lives under ``/tmp``, bound again read-only); a read-only
  connection file;
* then :func:`autograder.kernel.main` as in a sandbox of its own: the switch to the unprivileged
  uid (which ends every capability), the resource limits, the Jupyter channels.

The worker watches, signals and kills a stand-in process that holds the kernel's *lifeline*
(:class:`autograder.sandbox.Sandbox`). When the worker kills it, the template kills the kernel,
every process of its namespace with it; when the kernel ends, the template closes the lifeline
and the stand-in ends. A kernel the worker let go of is gone before the template starts the next:
no process of one student's kernel shares the template's uid, and its process limit, with the
next one's.

Requests come over the socket inherited as ``COURSE_TEMPLATE_FD``: a JSON request (see
:func:`autograder.wire.template_request`) with, as ``SCM_RIGHTS``, the kernel's channel
listeners, its end of the judge socket pair and its lifeline. Only the worker holds the other end.
"""

import ctypes
import fcntl
import importlib
import json
import os
import select
import signal
import socket
import struct
import sys
import time
import traceback

from autograder import wire

CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS = 0x00020000, 0x02000000, 0x04000000
CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET = 0x08000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_MOVE, MS_REC, MS_PRIVATE = 32, 4096, 8192, 16384, 1 << 18
# What bubblewrap makes read-only in the /proc it mounts: the kernel gets the same.
PROC_COVERS = ("sys", "sysrq-trigger", "irq", "bus")
# Imported before the first request whatever it needs: what every kernel imports anyway. From ipykernel.debugger
# on, what ipykernel 7 imports while its kernel starts (debugpy above all): 0.1 s of CPU in every kernel otherwise. A
# name a later ipykernel no longer has is skipped like any failed preload.
ALWAYS = ("numpy", "matplotlib.pyplot", "ipykernel.kernelapp", "autograder.kernel", "autograder.guard",
          "ipykernel.debugger", "IPython.core.debugger", "IPython.core.completerlib", "IPython.core.oinspect",
          "IPython.extensions.storemagic", "sqlite3", "psutil", "tornado.platform.asyncio")
# What a template runs once after importing a module, for every kernel it forks after: MNIST read, verified and
# made into float images (about a second in each of lessons 03 to 05 otherwise).
WARM_UPS = {"course.datasets": "prepare"}
_warmed: set[str] = set()
ENDING_SECONDS = 10  # how long a new kernel waits for the ones killed before it to be gone

_libc = ctypes.CDLL(None, use_errno=True)


def _check(result: int, what: str) -> None:
    if result != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"{what}: {os.strerror(error)}")


def _c_string(value) -> bytes | None:
    return None if value is None else str(value).encode()


def mount(source, target: str, fstype, flags: int, data=None) -> None:
    """mount(2), raising ``OSError``."""
    _check(_libc.mount(_c_string(source), _c_string(target), _c_string(fstype), ctypes.c_ulong(flags),
                       _c_string(data)), f"mount {target}")


def tmpfs(target: str, size_mb: int, mode: str) -> None:
    """Mount a new tmpfs of ``size_mb`` at ``target``."""
    mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, f"size={size_mb * 2**20},mode={mode}")


def read_only_bind(source: str, target: str) -> None:
    """Bind ``source`` at ``target`` and make that mount read-only."""
    mount(source, target, None, MS_BIND | MS_REC)
    mount(None, target, None, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)


def fresh_tmpfs(target: str, size_mb: int, mode: str, binds: list[str]) -> None:
    """Replace the tmpfs at ``target`` with an empty one, in which the folders and files of ``binds`` that
    lie below ``target`` are bound again read-only at the same paths."""
    tmpfs(wire.TEMPLATE_STAGE, size_mb, mode)
    for path in binds:
        if not path.startswith(target.rstrip("/") + "/"):
            continue
        staged = wire.TEMPLATE_STAGE + path[len(target.rstrip("/")):]
        if os.path.isdir(path):
            os.makedirs(staged, exist_ok=True)
        else:
            os.makedirs(os.path.dirname(staged), exist_ok=True)
            open(staged, "a").close()
        read_only_bind(path, staged)
    mount(wire.TEMPLATE_STAGE, target, None, MS_MOVE)


def loopback_up() -> None:
    """Bring up ``lo`` in this network namespace (bubblewrap does so for its own)."""
    iff_up_loopback_running = 0x1 | 0x8 | 0x40
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        fcntl.ioctl(sock, 0x8914, struct.pack("16sH14x", b"lo", iff_up_loopback_running))  # SIOCSIFFLAGS


def preload(names) -> None:
    """Import ``names`` here (and run their :data:`WARM_UPS`), once for every kernel forked after; one that fails
    is left to the notebook."""
    for name in names:
        try:
            module = importlib.import_module(name)
            if name in WARM_UPS and name not in _warmed:
                _warmed.add(name)
                getattr(module, WARM_UPS[name])()
        except Exception:  # the notebook's own import or call reports it where the student sees it
            pass


class Kernel:
    """A kernel the template forked: its pid (PID 1 of its namespace), a pidfd and its lifeline."""

    def __init__(self, pid: int, lifeline: int):
        self.pid, self.lifeline = pid, lifeline
        self.pidfd = os.pidfd_open(pid)
        self.killed = False

    def kill(self) -> None:
        """Kill the kernel: every process of its namespace dies with its PID 1."""
        self.killed = True
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError as exc:
            print(f"template: kernel {self.pid} could not be killed ({exc})", file=sys.stderr)

    def reap(self) -> None:
        """Collect the ended kernel and close its lifeline: the worker's stand-in then ends too."""
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        os.close(self.pidfd)
        os.close(self.lifeline)


def spawn(request: dict, fds: list[int], own_pid_namespace: int) -> Kernel:
    """Fork the kernel of ``request`` (:func:`autograder.wire.template_request`) with its inherited ``fds``
    (channel listeners, judge end, lifeline: in that order) as PID 1 of a new PID namespace."""
    *inherited, lifeline = fds
    _check(_libc.unshare(CLONE_NEWPID), "unshare(CLONE_NEWPID)")
    try:
        pid = os.fork()
        if pid == 0:
            _kernel(request, inherited)
    finally:  # this process's later children are its own namespace's again
        _check(_libc.setns(own_pid_namespace, CLONE_NEWPID), "setns")
    return Kernel(pid, os.dup(lifeline))


def _kernel(request: dict, inherited: list[int]) -> None:
    """The kernel: new namespaces but PID, its own mounts, then :func:`autograder.kernel.main` with this request's
    channels; never returns."""
    status = 1
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        _enter_namespaces(request)
        *listeners, judge = inherited
        os.environ.update(request["env"])
        os.environ[wire.CHANNELS_ENV] = json.dumps(dict(zip(request["channels"], listeners)))
        os.environ[wire.JUDGE_FD_ENV] = str(judge)
        os.environ[wire.LIMITS_ENV] = json.dumps(request["limits"])
        os.environ[wire.PRELOAD_ENV] = "[]"
        if "numpy.random" in sys.modules:  # seeded once, in the template: a fresh kernel's generator is new
            sys.modules["numpy.random"].seed()
        sys.argv = [sys.argv[0], "-f", wire.TEMPLATE_CONNECTION, *map(str, request["arguments"])]
        from autograder import kernel

        kernel.main()
        status = 0
    except SystemExit as exc:  # as the interpreter would: a message goes to stderr
        status = exc.code if isinstance(exc.code, int) else 1
        if exc.code is not None and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)


def _enter_namespaces(request: dict) -> None:
    """As PID 1 of a new PID namespace: new mount, network, IPC, UTS (and cgroup) namespaces, its /proc, its
    HOME, /tmp and /dev/shm, its connection file."""
    limits = request["limits"]
    os.setsid()
    _check(_libc.unshare(CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS), "unshare")
    if os.path.exists("/proc/self/ns/cgroup"):
        _libc.unshare(CLONE_NEWCGROUP)  # where the system has them, as bubblewrap's --unshare-cgroup-try
    mount(None, "/", None, MS_REC | MS_PRIVATE)
    mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
    for name in PROC_COVERS:
        if os.path.exists(f"/proc/{name}"):
            read_only_bind(f"/proc/{name}", f"/proc/{name}")
    binds = request["binds"]
    fresh_tmpfs(os.environ["HOME"], limits["workdir_mb"], "755", binds)
    fresh_tmpfs("/tmp", limits["workdir_mb"], "1777", binds)
    os.chdir(os.environ["HOME"])  # the new one: the template's stays behind, shadowed
    tmpfs("/dev/shm", limits["shm_mb"], "1777")
    tmpfs(os.path.dirname(wire.TEMPLATE_CONNECTION), 1, "755")
    with open(wire.TEMPLATE_CONNECTION, "w") as f:
        f.write(request["connection"])
    os.chmod(wire.TEMPLATE_CONNECTION, 0o644)
    mount(None, os.path.dirname(wire.TEMPLATE_CONNECTION), None, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV)
    socket.sethostname("sandbox")
    loopback_up()


def serve(channel: socket.socket) -> None:
    """Answer requests on ``channel`` until the worker closes it; kill each kernel whose lifeline the worker
    closed, and close the lifeline of each kernel that ended."""
    os.umask(0o022)  # folders made above the folders bound again: readable by the kernel's user
    own_pid_namespace = os.open("/proc/self/ns/pid", os.O_RDONLY | os.O_CLOEXEC)
    os.close(os.pidfd_open(os.getpid()))  # Linux 5.3 or later: else no ready, and the worker goes without
    preload(ALWAYS)
    channel.sendall(wire.TEMPLATE_READY)
    kernels: dict[int, Kernel] = {}
    while True:
        if channel.fileno() not in _watch(kernels, [channel.fileno()], None):
            continue
        data, fds, _, _ = socket.recv_fds(channel, wire.TEMPLATE_REQUEST_BYTES, wire.TEMPLATE_FDS)
        if not data:
            return
        try:
            request = wire.template_request(data, len(fds))
            # a kernel the worker let go of is gone before the next starts: no process of one student's kernel
            # shares the template's uid (and its process limit) with the next one's
            _watch(kernels, [], 0)
            deadline = time.monotonic() + ENDING_SECONDS
            while any(kernel.killed for kernel in kernels.values()) and time.monotonic() < deadline:
                _watch(kernels, [], 0.1)
            preload(request["preload"])
            kernel = spawn(request, fds, own_pid_namespace)
            kernels[kernel.pidfd] = kernel
        except Exception as exc:  # that kernel never starts: its lifeline closes and the worker sees it dead
            print(f"template: {type(exc).__name__}: {exc}", file=sys.stderr)
        finally:
            for fd in fds:
                os.close(fd)


def _watch(kernels: dict, also: list[int], timeout: float | None) -> set[int]:
    """Wait up to ``timeout`` seconds (None: for ever) for one of ``also`` or of the kernels' descriptors; kill
    the kernels whose lifeline closed, collect those that ended. Return the descriptors of ``also`` ready."""
    poller = select.poll()
    for fd in also:
        poller.register(fd, select.POLLIN)
    for kernel in kernels.values():
        poller.register(kernel.pidfd, select.POLLIN)
        if not kernel.killed:
            poller.register(kernel.lifeline, select.POLLIN)
    ready = {fd for fd, _ in poller.poll(None if timeout is None else int(timeout * 1000))}
    for kernel in list(kernels.values()):
        if kernel.pidfd in ready:
            kernel.reap()
            del kernels[kernel.pidfd]
        elif kernel.lifeline in ready:
            kernel.kill()
    return ready & set(also)


def main() -> None:
    """Serve the worker on the inherited socket."""
    channel = socket.socket(fileno=int(os.environ.pop(wire.TEMPLATE_FD_ENV)))
    os.set_inheritable(channel.fileno(), False)
    serve(channel)


if __name__ == "__main__":
    main()
