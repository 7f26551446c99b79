"""The sandbox's boundary, probed from inside a grading kernel (autograder.sandbox, autograder.userns,
autograder.kernel): whoever runs the grader, root included, the kernel is an unprivileged host user with
no capabilities, cannot change the host's kernel settings, cannot make user namespaces, stays under its
process limit, writes only its own size-limited folders and keeps none of the descriptors it was handed
but its own channels."""

import json
import os
from pathlib import Path

import course
from autograder import sandbox
from autograder.limits import Limits
from autograder.sandbox import bwrap_command
from autograder.userns import HOST_UIDS, host_uid, runs_as_host_root
from autograder.wire import KERNEL_UID
from conftest import run_in_sandbox

PROBE = """
import json, os, subprocess
facts = {"uid": [os.getuid(), os.getgid(), os.getgroups()],
         "host_uid": dict(line.split()[:2] for line in open("/proc/self/uid_map")).get(str(os.getuid())),
         "status": {k: v.strip() for k, v in (l.split(":", 1) for l in open("/proc/self/status"))
                    if k in ("CapPrm", "CapEff", "CapAmb", "NoNewPrivs")},
         "settings": {}, "fds": []}
for path in ("/proc/sys/kernel/core_pattern", "/proc/sys/vm/swappiness", "/proc/sys/user/max_user_namespaces"):
    try:
        value = open(path).read()
        with open(path, "w") as f:
            f.write(value)  # the value it already has: were the sandbox open, this changes nothing
        facts["settings"][path] = "written"
    except OSError as e:
        facts["settings"][path] = type(e).__name__
nested = subprocess.run(["unshare", "--user", "true"], capture_output=True, text=True)
facts["nested_user_namespace"] = nested.returncode
for fd in os.listdir("/proc/self/fd"):
    try:
        facts["fds"].append(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:
        pass
kept = []
try:
    for _ in range(100):
        kept.append(subprocess.Popen(["sleep", "60"]))
except OSError:
    pass
facts["processes"] = len(kept)
for process in kept:
    process.kill()
for folder in (os.path.expanduser("~"), "/tmp", os.environ["MPLCONFIGDIR"], "/dev/shm"):
    open(os.path.join(folder, "mine"), "w").write("x")
try:
    open("/dev/made-up", "w").write("x")
    facts["dev"] = "written"
except OSError as e:
    facts["dev"] = type(e).__name__
import multiprocessing
multiprocessing.Lock()  # a POSIX semaphore, in /dev/shm
shm = os.statvfs("/dev/shm")
facts["shm_mb"] = shm.f_blocks * shm.f_frsize // 2**20
print(json.dumps(facts))
"""


def _facts(limits: Limits) -> dict:
    return json.loads(run_in_sandbox(PROBE, limits).strip().splitlines()[-1])


def test_the_kernel_is_an_unprivileged_host_user_whoever_grades():
    facts = _facts(Limits(processes=40))
    assert facts["uid"] == [KERNEL_UID, KERNEL_UID, []]
    host = int(facts["host_uid"])  # in the grader's user namespace
    if runs_as_host_root():
        assert host >= HOST_UIDS, f"the kernel is uid {host} on the host"
    else:  # bubblewrap's own namespace: the grader's user, not root on the host (a rootless container's root)
        assert host == os.geteuid()
    assert {k: int(v, 16) for k, v in facts["status"].items()} == {
        "CapPrm": 0, "CapEff": 0, "CapAmb": 0, "NoNewPrivs": 1}, facts["status"]
    # the host's kernel settings (core_pattern names a program the host runs as root) stay the host's
    assert "written" not in facts["settings"].values(), facts["settings"]
    assert facts["nested_user_namespace"] != 0, "a user namespace could be made inside the sandbox"
    # threads count too: a kernel has a few of its own
    assert 0 < facts["processes"] < 40, f"{facts['processes']} processes under a limit of 40"
    assert not [fd for fd in facts["fds"] if fd.startswith(("user:", "mnt:", "pid:", "net:"))], facts["fds"]
    # /dev is a tmpfs with no size limit: only its /dev/shm, of its own size, is writable
    assert facts["dev"] != "written", "the kernel wrote in /dev"
    assert facts["shm_mb"] == Limits().shm_mb


def test_sandboxes_of_one_worker_get_host_uids_of_their_own():
    uids = [host_uid() for _ in range(4)]
    assert len(set(uids)) == 4 and min(uids) >= HOST_UIDS


def test_the_user_namespace_options_fit_who_grades():
    fds = {"channels": {}, "judge": 9}
    own = bwrap_command(Limits(), "/tmp/kernel.json", fds, {})
    assert "--disable-userns" in own and "--userns" not in own
    root = bwrap_command(Limits(), "/tmp/kernel.json", fds, {}, userns=7)
    at = root.index("--userns")
    assert root[at + 1] == "7" and "--assert-userns-disabled" in root and "--unshare-user" not in root
    # only the capabilities the kernel needs to give itself HOME and leave root, added after all were dropped
    assert root.index("--cap-drop") < root.index("--cap-add")
    assert {root[i + 1] for i, a in enumerate(root) if a == "--cap-add"} == {"CAP_CHOWN", "CAP_SETUID", "CAP_SETGID"}


def test_an_ordinary_users_sandbox_starts_with_the_same_folders(monkeypatch):
    """Under an ordinary user bubblewrap makes the user namespace itself; CI grades as root, so that path is
    taken here by telling the sandbox it does not run as root (its kernel is then the grader's own uid)."""
    monkeypatch.setattr("autograder.sandbox.runs_as_host_root", lambda: False)
    facts = _facts(Limits(processes=40))
    assert facts["uid"] == [KERNEL_UID, KERNEL_UID, []]
    assert facts["dev"] != "written" and facts["shm_mb"] == Limits().shm_mb
    assert facts["nested_user_namespace"] != 0


def test_a_course_kept_under_tmp_stays_read_only(monkeypatch):
    """A course cloned under /tmp has its Python bound inside the kernel's own /tmp: the kernel starts, is given
    its /tmp, and the folders mounted in it stay read-only (CI clones are often under /tmp)."""
    binds = sandbox._python_binds
    monkeypatch.setattr(sandbox, "_python_binds",
                        lambda: [*binds(), "--ro-bind", str(Path(course.__file__).parent), "/tmp/clone/course"])
    output = run_in_sandbox("import os\nopen('/tmp/mine', 'w').write('x')\n"
                            "print(os.path.exists('/tmp/clone/course/__init__.py'))\n"
                            "try:\n    open('/tmp/clone/course/mine', 'w')\nexcept OSError as e:\n"
                            "    print(type(e).__name__)")
    assert output.split() == ["True", "OSError"]
