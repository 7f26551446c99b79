"""The sandbox: a fresh one per notebook, made by the worker.

The kernel runs as an unprivileged user in new user, PID, network, IPC, UTS and cgroup
namespaces, in a new session, dying with its worker, and never as root on the host (under a
root grader its user namespace comes from :mod:`autograder.userns`). It sees read-only: the system's
libraries, the Python interpreter and its packages, the ``course`` package and the
kernel-side grader modules (:data:`autograder.paths.KERNEL_SIDE`) — never the reference,
the mistakes, ``source/``, other submissions, grades or the grader's own code. Its only
writable places are a private work folder, ``/tmp`` and ``/dev/shm``, size-limited tmpfs
that vanish with it. Resource limits are set by :mod:`autograder.kernel` before student code.

Two ways to the same sandbox. Under an ordinary user, each kernel is its own bubblewrap container
(:func:`bwrap_command`). Under a root grader, each worker keeps one bubblewrap container, its warm
template (:class:`Template`, :mod:`autograder.template`), which has imported the heavy libraries and
forks every kernel into namespaces and tmpfs of its own.

It keeps exactly six file descriptors besides stdin/stdout/stderr (all three ``/dev/null``
or the worker's log): five listening sockets for its Jupyter channels, made here so that
the kernel needs no writable folder the worker can see, and its end of the judge socket
pair. Anything else it inherits (a root grader's user namespace, the template's sockets) it
closes before any student code.
"""

from __future__ import annotations

import functools
import json
import os
import queue
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import zmq
import zmq.asyncio
from jupyter_client import AsyncKernelClient, AsyncKernelManager
from jupyter_client.kernelspec import KernelSpec
from jupyter_core.utils import run_sync

from autograder.limits import Limits
from autograder.paths import KERNEL_SIDE, PACKAGE
from autograder.userns import host_uid, runs_as_host_root, user_namespace
from autograder.wire import (CHANNELS_ENV, JUDGE_FD_ENV, KERNEL_UID, LIMITS_ENV, PRELOAD_ENV, TEMPLATE_CONNECTION,
                             TEMPLATE_FD_ENV, TEMPLATE_READY, TEMPLATE_STAGE)

BWRAP = "bwrap"
HOME = "/home/student"            # the kernel's working folder and HOME, inside the sandbox
GRADER = "/opt/grader"            # where the kernel-side modules appear (on PYTHONPATH)
CONNECTION = "/opt/kernel.json"   # the connection file, read-only
CHANNELS = ("shell", "iopub", "stdin", "control", "hb")
# What the numerical libraries read for their thread pools (see Limits.threads).
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS",
                    "TF_NUM_INTEROP_THREADS")
# Under a root grader, what a kernel keeps until its first code switches to the kernel's uid (autograder.kernel
# gives HOME and /tmp to that uid first), and what a warm template keeps for good to make each kernel's namespaces
# and mounts (autograder.template). Switching uid ends them all.
KERNEL_CAPS = ("CAP_CHOWN", "CAP_SETUID", "CAP_SETGID")
TEMPLATE_CAPS = (*KERNEL_CAPS, "CAP_SYS_ADMIN", "CAP_NET_ADMIN", "CAP_KILL")
# Variables that nothing a template imports reads (the course's checks read the language when they speak, in the
# kernel): they may differ between the kernels of one template.
PER_KERNEL_ENV = ("COURSE_LANG",)
# The process a kernel manager starts for a kernel a template forks: it holds the kernel's lifeline until either
# ends. The manager appends the kernel's arguments, which the shell ignores (the template passes them on).
STAND_IN = ("/bin/sh", "-c", "exec cat", "kernel-stand-in")
INSTALL_HINT = ("bubblewrap is not installed: the grader runs every notebook in a bubblewrap sandbox. "
                "Install it with `sudo apt-get install bubblewrap` (Debian/Ubuntu) or `sudo dnf install "
                "bubblewrap` (Fedora), then run the command again.")


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces on this machine."""


def require_bwrap() -> str:
    """Return the path of ``bwrap``, or raise :class:`SandboxUnavailable` saying how to install it."""
    path = shutil.which(BWRAP)
    if not path:
        raise SandboxUnavailable(INSTALL_HINT)
    return path


def _system_binds() -> list[str]:
    args = ["--ro-bind", "/usr", "/usr"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        if os.path.islink(top):
            args += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            args += ["--ro-bind", top, top]
    for path in ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime", "/etc/fonts",
                 "/etc/alternatives", "/sys/devices/system/cpu"):
        args += ["--ro-bind-try", path, path]
    return args


def _python_binds() -> list[str]:
    """The interpreter and its packages, read-only at the same paths (a venv points at its base)."""
    import course

    folders = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix), sys.prefix,
               os.path.dirname(os.path.realpath(sys.executable)), str(Path(course.__file__).resolve().parent)}
    args = []
    for folder in sorted(folders, key=len):
        args += ["--ro-bind", folder, folder]
    for name in KERNEL_SIDE:
        args += ["--ro-bind", str(PACKAGE / name), f"{GRADER}/autograder/{name}"]
    return args


@functools.lru_cache(maxsize=1)
def matplotlib_fonts() -> tuple[Path, ...]:
    """Build matplotlib's font cache once in this worker and return its files (kernels read them, never build)."""
    import matplotlib
    import matplotlib.font_manager  # noqa: F401  (building the cache is the point)

    return tuple(Path(matplotlib.get_cachedir()).glob("fontlist-*.json"))


def _open_folders(args: list[str]) -> list[str]:
    """Options that make every folder bubblewrap creates above a mount point of ``args`` readable by all (0755).

    bubblewrap creates them 0700, owned by the namespace's root, which under a root grader is not the kernel."""
    mounts = []
    for i, option in enumerate(args):
        if option in ("--ro-bind", "--ro-bind-try") and (option == "--ro-bind" or os.path.exists(args[i + 1])):
            mounts.append(args[i + 2])
        elif option in ("--tmpfs", "--proc", "--dev", "--dir"):
            mounts.append(args[i + 1])
    mounted = {Path(m) for m in mounts}
    made = {parent for mount in mounted for parent in mount.parents
            if parent != Path("/") and not mounted & {parent, *parent.parents}}
    return [arg for folder in sorted(map(str, made)) for arg in ("--chmod", "0755", folder)]


def _user_namespace(userns: int | None, caps: tuple[str, ...]) -> list[str]:
    if userns is None:  # bubblewrap's own: the kernel is nobody inside and the grader's own user outside
        return ["--unshare-user", "--disable-userns", "--uid", str(KERNEL_UID), "--gid", str(KERNEL_UID)]
    # a root grader's (autograder.userns): bubblewrap mounts as the namespace's root, with only ``caps`` left
    return ["--userns", str(userns), "--assert-userns-disabled", *(arg for cap in caps for arg in ("--cap-add", cap))]


def _bwrap_args(limits: Limits, env: dict, userns: int | None, caps: tuple[str, ...], mounts: list[str]) -> list[str]:
    """The bubblewrap options both kinds of sandbox share: namespaces, the read-only system and Python,
    the size-limited tmpfs, ``mounts`` besides, the environment ``env`` (and the thread variables), and
    ``caps`` kept under a root grader's ``userns``."""
    env = {"HOME": HOME, "USER": "student", "PATH": f"{os.path.dirname(sys.executable)}:/usr/bin:/bin",
           "PYTHONPATH": GRADER, "PYTHONDONTWRITEBYTECODE": "1", "TMPDIR": "/tmp", "LANG": "C.UTF-8",
           "MPLCONFIGDIR": f"{HOME}/.config/matplotlib", "IPYTHONDIR": f"{HOME}/.ipython", **env}
    if limits.threads:
        env.update({name: str(limits.threads) for name in THREAD_VARIABLES})
    args = [require_bwrap(), "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
            "--hostname", "sandbox", "--die-with-parent", "--new-session", "--cap-drop", "ALL",
            *_user_namespace(userns, caps), "--clearenv",
            # /dev read-only (its tmpfs has no size limit) but for a /dev/shm of its own size, which POSIX
            # semaphores (multiprocessing's locks) need
            *_system_binds(), "--proc", "/proc", "--dev", "/dev", "--remount-ro", "/dev",
            "--perms", "1777", "--size", str(limits.shm_mb * 2**20), "--tmpfs", "/dev/shm",
            "--size", str(limits.workdir_mb * 2**20), "--tmpfs", "/tmp",
            "--size", str(limits.workdir_mb * 2**20), "--tmpfs", HOME,
            *_python_binds(), *mounts]
    # the sandbox's own root read-only too: only HOME, /tmp and /dev/shm stay writable
    args += [*_open_folders(args), "--remount-ro", "/"]
    for cache in matplotlib_fonts():
        args += ["--ro-bind", str(cache), f"{HOME}/.config/matplotlib/{cache.name}"]
    for name, value in env.items():
        args += ["--setenv", name, value]
    return args + ["--chdir", HOME, "--", sys.executable, "-m"]


def bwrap_command(limits: Limits, connection_file: str, fds: dict, extra_env: dict,
                  preload: tuple[str, ...] = (), userns: int | None = None) -> list[str]:
    """Return the bubblewrap command line that starts one grading kernel in a sandbox of its own.

    ``fds`` ({"channels": {address: fd}, "judge": fd}) are the inherited sockets; ``extra_env``
    adds variables for the kernel (grading switches); ``preload`` names the modules the kernel
    imports before any student code; ``userns`` is the user namespace a root grader made for it
    (:func:`autograder.userns.user_namespace`). Nothing of the worker's environment leaks in.
    """
    env = {CHANNELS_ENV: json.dumps(fds["channels"]), JUDGE_FD_ENV: str(fds["judge"]),
           LIMITS_ENV: json.dumps(kernel_limits(limits)), PRELOAD_ENV: json.dumps(list(preload)), **extra_env}
    return [*_bwrap_args(limits, env, userns, KERNEL_CAPS, ["--ro-bind", connection_file, CONNECTION]),
            "autograder.kernel", "-f", CONNECTION]


def template_command(limits: Limits, fd: int, env: dict, userns: int) -> list[str]:
    """Return the bubblewrap command line of a warm template (:mod:`autograder.template`) in the root grader's
    user namespace ``userns``, serving the worker on the inherited socket ``fd``, with environment ``env``."""
    mounts = ["--dir", os.path.dirname(TEMPLATE_CONNECTION), "--dir", TEMPLATE_STAGE]
    return [*_bwrap_args(limits, {TEMPLATE_FD_ENV: str(fd), **env}, userns, TEMPLATE_CAPS, mounts),
            "autograder.template"]


def kernel_limits(limits: Limits) -> dict:
    """The part of ``limits`` a kernel applies to itself (:func:`autograder.kernel.set_limits`)."""
    return {"memory_mb": limits.memory_mb, "file_mb": limits.file_mb, "processes": limits.processes,
            "cpu_seconds": limits.cpu_seconds}


def _impatient(context):
    """``context`` whose sockets give up sending after 10 s: a kernel that broke its own channels
    must not block the worker (sending then raises ``zmq.Again``)."""
    context.setsockopt(zmq.SNDTIMEO, 10_000)
    context.setsockopt(zmq.LINGER, 0)
    return context


# Contexts of finished sandboxes, ended on a thread of their own: ending one whose kernel broke its
# channels can block, and must not block the worker (nor may the garbage collector end it there).
_RETIRED = []


def _retire(contexts: list) -> None:
    _RETIRED.extend(contexts)

    def end():
        for context in contexts:
            context.destroy(linger=0)
            _RETIRED.remove(context)

    threading.Thread(target=end, daemon=True).start()


class _Client(AsyncKernelClient):
    """A kernel client that is ready as soon as the kernel answered: jupyter_client's waits a further 0.2 s for
    IOPub to fall silent after the first kernel_info reply, a fifth of a second per notebook. What IOPub still
    brings after it belongs to no cell, and nbclient ignores it."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        """Send kernel_info requests until the kernel answers on the shell and IOPub channels; raise
        ``RuntimeError`` if it dies first or ``timeout`` seconds pass."""
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
                if reply["msg_type"] == "kernel_info_reply":
                    await self.iopub_channel.get_msg(timeout=0.2)  # IOPub is connected too
                    self._handle_kernel_info_reply(reply)
                    return
            except queue.Empty:
                pass
            if not await self.parent.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")


class _Manager(AsyncKernelManager):
    """A kernel manager (and clients) that never block on a kernel that broke its own channels;
    ``on_launch`` (if set) is called with the kernel's command line once its process has started."""

    on_launch = None

    def write_connection_file(self, **kwargs):
        super().write_connection_file(**kwargs)
        # the kernel reads it as its own uid, which under a root grader is not the file's owner; the folder
        # holding it stays the worker's alone (mode 0700)
        os.chmod(self.connection_file, 0o644)

    def client(self, **kwargs):
        context = _impatient(zmq.asyncio.Context())
        self.contexts.append(context)
        self.client_factory = _Client
        return super().client(context=context, **kwargs)

    async def _async_launch_kernel(self, kernel_cmd, **kw):
        await super()._async_launch_kernel(kernel_cmd, **kw)
        if self.on_launch is not None:
            self.on_launch(kernel_cmd)


class Template:
    """A worker's warm template (:mod:`autograder.template`), under a root grader: a sandbox that has imported the
    heavy libraries and forks each kernel into namespaces of its own. ``fork`` asks it for one kernel."""

    START_SECONDS = 120

    def __init__(self, limits: Limits, env: dict):
        self.channel, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.proc = None
        try:
            userns = user_namespace(host_uid())
            try:
                argv = template_command(limits, theirs.fileno(), env, userns)
                self.proc = subprocess.Popen(argv, pass_fds=[theirs.fileno(), userns], stdin=subprocess.DEVNULL,
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                             env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
            finally:
                theirs.close()
                os.close(userns)
            # the folders and files it binds read-only: a kernel's new HOME and /tmp get those inside them again
            self.binds = [argv[i + 2] for i, option in enumerate(argv) if option == "--ro-bind"]
            self.channel.settimeout(self.START_SECONDS)
            if self.channel.recv(len(TEMPLATE_READY)) != TEMPLATE_READY:
                raise OSError("the warm template ended before it was ready")
            self.channel.settimeout(10)
        except Exception:
            self.close()
            raise

    def alive(self) -> bool:
        """True while the template's sandbox runs."""
        return self.proc is not None and self.proc.poll() is None

    def fork(self, request: dict, fds: list[int]) -> None:
        """Send one kernel's request (:func:`autograder.wire.template_request`) with its inherited ``fds``."""
        socket.send_fds(self.channel, [json.dumps(request).encode()], fds)

    def close(self) -> None:
        """End the template's sandbox (its kernels end with it)."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.channel.close()


# This process's template and the settings it was started with; or False once one could not be started.
_template: list = [None, None]


def template_for(limits: Limits, env: dict) -> Template | None:
    """Return this process's warm template for kernels with ``limits`` and ``env`` (started now if it is not
    running, or was started for other threads, variables or Python folders), or None when the grader is not
    the host's root or a template cannot be started here (every kernel then gets a sandbox of its own)."""
    if not runs_as_host_root() or _template[0] is False:
        return None
    key = (limits.threads, tuple(sorted((k, v) for k, v in env.items() if k not in PER_KERNEL_ENV)),
           tuple(_python_binds()))
    template, started_for = _template
    if template is not None and started_for == key and template.alive():
        return template
    if template is not None:
        template.close()
    try:
        _template[:] = [Template(limits, {k: v for k, v in env.items() if k not in PER_KERNEL_ENV}), key]
    except Exception as exc:  # slower, not weaker: each kernel is then started as before
        print(f"grader: no warm template ({type(exc).__name__}: {exc}); kernels start one by one", file=sys.stderr)
        _template[:] = [False, None]
        return None
    return _template[0]


class Sandbox:
    """Everything one notebook's kernel needs from its worker; use as a context manager.

    ``kernel_manager()`` returns a jupyter_client manager that starts the kernel in the
    sandbox; ``launch_kwargs`` go to its ``start_kernel``; ``judge`` is the worker's end
    of the judge socket pair. ``boot()`` starts the kernel ahead of its notebook (``km`` is
    then its running manager); one sandbox serves one notebook, then ``close()`` ends it.

    Under a root grader the kernel is forked by the worker's warm template (:class:`Template`) into
    namespaces of its own; the process the manager starts, watches and kills is then a stand-in
    (``cat`` on the kernel's lifeline), whose end ends the kernel's namespace, and the other way round.
    ``warm=False`` gives the kernel a bubblewrap sandbox of its own even there.
    """

    def __init__(self, limits: Limits, extra_env: dict | None = None, preload: tuple[str, ...] = (),
                 warm: bool = True):
        self.limits = limits
        self.warm = warm
        self.extra_env = extra_env or {}
        self.preload = tuple(preload)
        self.folder = None
        self.listeners = []
        self.judge = None
        self._kernel_end = None
        self.userns = None
        self.template = None
        self._lifeline = self._stand_in_end = None
        self.contexts = []
        self.km = None

    def __enter__(self) -> "Sandbox":
        if self.folder is not None:  # booted ahead: already set up
            return self
        require_bwrap()
        # A folder of the worker's that the kernel never sees: the channel sockets and connection file.
        self.folder = tempfile.mkdtemp(prefix="grader-kernel-")
        for port, _ in enumerate(CHANNELS, 1):
            listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            listener.bind(f"{self.folder}/k-{port}")
            listener.listen(64)
            self.listeners.append(listener)
        self.judge, self._kernel_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        self.template = template_for(self.limits, self.extra_env) if self.warm else None
        if self.template is not None:
            self._stand_in_end, self._lifeline = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        elif runs_as_host_root():
            try:
                self.userns = user_namespace(host_uid())
            except OSError as exc:
                self.close()
                raise SandboxUnavailable(f"a user namespace for the sandbox could not be made ({exc}); bubblewrap "
                                         "needs them too: see the sysctl user.max_user_namespaces") from None
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """End the kernel if it still runs and free everything the sandbox held."""
        if self.km is not None and self.km.has_kernel:
            try:
                run_sync(self.km.shutdown_kernel)(now=True)
            except Exception:  # it may be gone already; bwrap's --die-with-parent is the backstop
                pass
        self.launched()  # whatever the kernel inherited (if it never started, the worker still holds it)
        if self.judge is not None:
            self.judge.close()
            self.judge = None
        _retire(self.contexts)
        self.contexts = []
        if self.folder:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def boot(self) -> "Sandbox":
        """Set up and start the kernel now, before its notebook is known; return self.

        Its start-up and preloads then run while the worker does other work."""
        self.__enter__()
        self.km = self.kernel_manager()
        run_sync(self.km.start_kernel)(**self.launch_kwargs)
        self.launched()
        return self

    def kernel_manager(self, **kwargs) -> AsyncKernelManager:
        """Return a kernel manager whose kernel starts in this sandbox (over ``ipc`` channels)."""
        context = _impatient(zmq.asyncio.Context())
        self.contexts.append(context)
        km = _Manager(transport="ipc", ip=f"{self.folder}/k", context=context, **kwargs)
        km.contexts = self.contexts
        km.connection_file = f"{self.folder}/kernel.json"
        for port, channel in enumerate(CHANNELS, 1):
            setattr(km, f"{channel}_port", port)
        fds = {"channels": {f"ipc://{self.folder}/k-{port}": listener.fileno()
                            for port, listener in enumerate(self.listeners, 1)},
               "judge": self._kernel_end.fileno()}
        if self.template is not None:
            argv = list(STAND_IN)
            km.on_launch = functools.partial(self._fork_kernel, km, fds)
        else:
            argv = bwrap_command(self.limits, km.connection_file, fds, self.extra_env, self.preload, self.userns)
            km.on_launch = None
        km._kernel_spec = KernelSpec(argv=argv, display_name="Python 3 (grading sandbox)", language="python",
                                     interrupt_mode="message")
        return km

    def _fork_kernel(self, km: AsyncKernelManager, fds: dict, command: list[str]) -> None:
        """Have the template fork this sandbox's kernel, now that its stand-in runs with ``command`` (whose
        arguments past the stand-in's own are the kernel's); then let go of its sockets."""
        with open(km.connection_file) as f:
            connection = f.read()
        limits = {**kernel_limits(self.limits), "workdir_mb": self.limits.workdir_mb, "shm_mb": self.limits.shm_mb}
        request = {"channels": list(fds["channels"]), "arguments": command[len(STAND_IN):],
                   "connection": connection, "env": self.extra_env,
                   "limits": limits, "preload": list(self.preload), "binds": self.template.binds}
        self.template.fork(request, [*fds["channels"].values(), fds["judge"], self._lifeline.fileno()])
        self.launched()

    def launched(self) -> None:
        """Close the worker's copies of what the kernel inherited: its death now ends the judge's stream."""
        for sock in [*self.listeners, self._kernel_end, self._lifeline, self._stand_in_end]:
            if sock is not None:
                sock.close()
        self.listeners, self._kernel_end, self._lifeline, self._stand_in_end = [], None, None, None
        self._close_userns()

    def _close_userns(self) -> None:
        if self.userns is not None:
            os.close(self.userns)
            self.userns = None

    @property
    def launch_kwargs(self) -> dict:
        """Keyword arguments for ``start_kernel``: the inherited sockets (and a root grader's user namespace,
        which bubblewrap joins), no environment of ours."""
        if self.template is not None:  # the stand-in reads its end of the lifeline
            return {"stdin": self._stand_in_end.fileno(), "env": {"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                    "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        userns = [] if self.userns is None else [self.userns]
        return {"pass_fds": [s.fileno() for s in self.listeners] + [self._kernel_end.fileno()] + userns,
                "env": {"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
                "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
