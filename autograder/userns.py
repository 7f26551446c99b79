"""The user namespace of a sandbox when the grader runs as the host's root, so that no kernel is root on the host.

Under an ordinary user, bubblewrap maps the kernel's uid to that user. Under root it would map it to
root: a kernel without capabilities, but still uid 0 on the host, which Linux exempts from
``RLIMIT_NPROC`` (the process limit would not hold) and lets write ``/proc/sys`` (``kernel.core_pattern``
names a program the host runs as root). So a root grader gives each sandbox a user namespace of its
own (:func:`user_namespace`): in it, 0 is root, which bubblewrap needs to mount folders only root may
enter, and the kernel's uid is a host uid that no account uses, another one for every sandbox
(:func:`host_uid`). The kernel switches to that uid before any student code (:mod:`autograder.kernel`)
and loses every capability in doing so. The namespace refuses nested user namespaces, as bubblewrap's
``--disable-userns`` does (which cannot be combined with ``--userns``).

Written by hand (``ctypes``: Python 3.11 has no ``os.unshare``) because bubblewrap cannot build this:
it maps only its caller's uid, and with ``--userns`` it switches uid before it mounts.
"""

from __future__ import annotations

import ctypes
import itertools
import os

from autograder.wire import KERNEL_UID

CLONE_NEWUSER = 0x10000000
# Host uids (and gids) of kernels under a root grader: 2**30 and up, far above any account's, four per
# worker process (a kernel and the one started ahead never share one, so neither counts the other's
# processes against its limit).
HOST_UIDS = 2**30
_serial = itertools.count()
_libc = ctypes.CDLL(None, use_errno=True)


def runs_as_host_root() -> bool:
    """True when this process is root and its user namespace maps root to its parent's root: the host's,
    unless it runs nested in a container that maps root further (a rootless container maps it to a user,
    and bubblewrap's own namespace is then enough)."""
    if os.geteuid() != 0:
        return False
    with open("/proc/self/uid_map") as lines:
        return any(line.split()[:2] == ["0", "0"] for line in lines)


def host_uid() -> int:
    """Return the host uid for this process's next sandbox: one no other running sandbox has."""
    return HOST_UIDS + (os.getpid() % 2**22) * 4 + next(_serial) % 4


def user_namespace(uid: int) -> int:
    """Return a file descriptor of a new user namespace that maps 0 to root and
    :data:`~autograder.wire.KERNEL_UID` to host uid (and gid) ``uid``, and in which no further user
    namespace can be made. Only root may call this; raises ``OSError`` when the system refuses."""
    to_parent, from_child = os.pipe()
    from_parent, to_child = os.pipe()
    pid = os.fork()
    if pid == 0:  # the namespace's first member: only system calls here, then _exit
        status = 1
        try:
            os.close(to_parent)
            os.close(to_child)
            if _libc.unshare(CLONE_NEWUSER) == 0:
                os.write(from_child, b"u")
                if os.read(from_parent, 1) == b"m":
                    # as this namespace's root: its limit, which its members cannot raise again
                    fd = os.open("/proc/sys/user/max_user_namespaces", os.O_WRONLY)
                    os.write(fd, b"0")
                    os.close(fd)
                    os.write(from_child, b"d")
                    os.read(from_parent, 1)  # stay a member until the parent holds the namespace
                    status = 0
        finally:
            os._exit(status)
    os.close(from_child)
    os.close(from_parent)
    try:
        if os.read(to_parent, 1) != b"u":
            raise OSError("could not create a user namespace for the sandbox")
        mapping = f"0 0 1\n{KERNEL_UID} {uid} 1\n".encode()
        for name in ("uid_map", "gid_map"):
            fd = os.open(f"/proc/{pid}/{name}", os.O_WRONLY)
            try:
                os.write(fd, mapping)
            finally:
                os.close(fd)
        os.write(to_child, b"m")
        if os.read(to_parent, 1) != b"d":
            raise OSError("could not forbid nested user namespaces in the sandbox's user namespace")
        return os.open(f"/proc/{pid}/ns/user", os.O_RDONLY | os.O_CLOEXEC)
    finally:
        os.close(to_child)
        os.close(to_parent)
        os.waitpid(pid, 0)
