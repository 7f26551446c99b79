"""The warm template (autograder.template, autograder.sandbox.Template): under a root grader every kernel is
forked from one process that has imported the heavy libraries, yet each is alone in namespaces of its own,
keeps nothing of the kernel before it, and outlives neither its worker's stand-in nor its own end."""

import time
import uuid

import nbformat
import psutil
import pytest

from autograder import sandbox
from autograder.limits import Limits
from autograder.userns import runs_as_host_root
from autograder.wire import BadMessage, Result, template_request
from autograder.worker import kernel_env, run_judged
from conftest import run_in_sandbox

pytestmark = pytest.mark.skipif(not runs_as_host_root(), reason="a warm template is made only under a root grader")

ALONE = """
import os, socket, sys
print(os.getpid(), sorted(int(p) for p in os.listdir('/proc') if p.isdigit()), socket.gethostname())
print(sorted(os.listdir('/tmp')), sorted(os.listdir(os.path.expanduser('~'))), sorted(os.listdir('.')), os.getcwd())
print('numpy' in sys.modules, 'IPython' in sys.modules)
held = []  # what of the template's could be left open: its socket to the worker, kernels' pidfds and lifelines
for fd in map(int, os.listdir('/proc/self/fd')):
    try:
        target = os.readlink(f'/proc/self/fd/{fd}')
        kind = socket.socket(fileno=os.dup(fd)).type if target.startswith('socket:') else None
    except OSError:
        continue
    if kind == socket.SOCK_SEQPACKET or 'pidfd' in target or target.startswith(('pid:', 'user:', 'mnt:')):
        held.append(target)
print(held)
open('/tmp/left-behind', 'w').write('x')
open('left-behind', 'w').write('x')
"""


def test_a_forked_kernel_is_alone_and_starts_with_empty_folders():
    for _ in range(2):  # the second kernel finds nothing of the first
        lines = run_in_sandbox(ALONE).splitlines()
        assert lines[0] == "1 [1] sandbox", f"the kernel is not alone in its namespaces: {lines[0]}"
        # /tmp holds only the folders above the course's Python when the course lives under /tmp (as CI's clone)
        assert "left-behind" not in lines[1], f"something was left behind: {lines[1]}"
        assert lines[1].split("] ", 1)[1] == f"['.config', '.ipython'] ['.config', '.ipython'] {sandbox.HOME}", \
            f"something was left behind: {lines[1]}"
        assert lines[2] == "True True", "the template's imports did not reach the kernel"
        assert lines[3] == "[]", f"the kernel holds the template's descriptors: {lines[3]}"
    assert isinstance(sandbox._template[0], sandbox.Template), "the kernels did not come from a template"


def test_the_template_has_loaded_what_a_kernel_loads_as_it_starts():
    run_in_sandbox("print('started')")
    tree = psutil.Process(sandbox._template[0].proc.pid).children(recursive=True)
    # the template is bubblewrap's child; the kernels it forked are its own children
    (template,) = [p for p in tree if p.name() != "bwrap" and p.parent().name() == "bwrap"]
    loaded = {m.path.rsplit("/", 1)[-1].split(".")[0] for m in template.memory_maps()}
    # ipykernel's debugger (debugpy, 0.1 s of every kernel's start) and the kernel's history database
    assert {"pydevd_cython", "_sqlite3"} <= loaded, f"the template did not preload them: {sorted(loaded)[:40]}"


def test_a_kernel_is_gone_with_its_processes_before_the_next_one_starts():
    marker = f"{uuid.uuid4().int % 10**6 + 10**6}.5"
    run_in_sandbox(f"import subprocess\nsubprocess.Popen(['/bin/sh', '-c', 'sleep {marker} & sleep {marker}'], "
                   "start_new_session=True)\n")
    run_in_sandbox("print('the next student')")
    left = [p.pid for p in psutil.process_iter(["cmdline"]) if marker in " ".join(p.info["cmdline"] or [])]
    assert not left, f"processes of the previous kernel outlived it: {left}"


def test_killing_the_stand_in_ends_the_kernel_and_a_dead_kernel_ends_the_stand_in():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import os\nos._exit(3)"),
                                         nbformat.v4.new_code_cell("print('never')")])
    result = Result("probe", "probe", "probe")
    run_judged(nb, Limits(), result)
    assert any("the kernel died" in reason for reason in result.reasons), result.reasons

    with sandbox.Sandbox(Limits(), kernel_env(nb)) as box:
        box.boot()
        kernel = _kernel_of(box)
        box.km.provisioner.process.kill()  # what the manager does to a kernel it stops
        kernel.wait(10)
        assert not kernel.is_running(), "the kernel outlived its stand-in"


def _kernel_of(box) -> psutil.Process:
    """The kernel forked for ``box``: the template's child whose host uid is the kernels'."""
    template = psutil.Process(box.template.proc.pid)
    for _ in range(100):
        kernels = [p for p in template.children(recursive=True) if p.uids().real >= 2**30]
        if kernels:
            return kernels[0]
        time.sleep(0.05)
    raise AssertionError("no kernel was forked")


def test_kernels_draw_fresh_random_numbers():
    # Python's random reseeds itself in a forked child; NumPy's global generator, once the template imported it,
    # does not
    env = kernel_env(nbformat.v4.new_notebook())
    draws = {run_in_sandbox("import numpy\nprint(numpy.random.rand())",
                            sandbox=sandbox.Sandbox(Limits(), env, ("numpy.random",))) for _ in range(2)}
    assert len(draws) == 2, "two kernels forked from one template drew the same numbers"


def test_a_template_that_died_is_started_again():
    run_in_sandbox("print(1)")
    first = sandbox._template[0]
    first.proc.kill()
    first.proc.wait()
    assert run_in_sandbox("print(2)").strip() == "2"
    assert sandbox._template[0] is not first and sandbox._template[0].alive()


def test_a_template_that_cannot_start_leaves_kernels_to_start_one_by_one(monkeypatch):
    def broken(*args, **kwargs):
        raise OSError("no template here")

    monkeypatch.setattr(sandbox, "Template", broken)
    monkeypatch.setattr(sandbox, "_template", [None, None])
    assert run_in_sandbox("import os\nprint(os.getpid())").strip() != "1", "not bubblewrap's own sandbox"
    assert sandbox._template == [False, None], "a failed template is tried again for every notebook"


@pytest.mark.parametrize("data, fds, why", [
    (b"not json", 7, "not JSON"),
    (b'{"channels": []}', 2, "wrong shape"),
    (b'{"channels": ["a"], "arguments": [], "connection": "", "env": {}, "limits": {}, "preload": [], "binds": []}',
     7, "descriptors"),
])
def test_a_template_request_of_the_wrong_shape_is_refused(data, fds, why):
    with pytest.raises(BadMessage, match=why):
        template_request(data, fds)
