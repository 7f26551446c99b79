"""Hostile and broken submissions of 01_python_basics, each with the outcome the grader must give.

``tests/test_battery.py`` writes every case under ``submitted/`` of a course copy, grades them
all in one run of the project's grader beside honest control students, and checks each
student's score, flags and notes, that the honest students keep their exact scores, and that
nothing outside the kernels' own work folders changed. The reference answers score 12 (the
written answer is graded by hand). The attack classes: shared channels, the in-process guard,
writable code, skipped judging, the judge as an oracle, unbounded outputs, injection into the
reports, and submission files (see the README's threat model).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import nbformat

from autograder.submissions import make_submission, reference_answers

ASSIGNMENT = "01_python_basics"
FULL = 12


@dataclass
class Case:
    """One battery student: what they hand in and what the grader must make of it."""

    student: str
    files: dict                      # file name -> notebook (nbformat) or raw bytes
    score: float                     # expected autograded total
    flags: set = field(default_factory=set)      # flag kinds that must be raised
    notes: list = field(default_factory=list)    # substrings that must appear in the notes
    status: str = "graded"
    links: dict = field(default_factory=dict)    # file name -> symlink target
    timestamp: str | None = None                 # content of timestamp.txt
    rejected: bool = False                       # the folder itself must be refused (not a plain id)


def _reference():
    return make_submission(ASSIGNMENT, reference_answers(ASSIGNMENT))


def _index(nb, grade_id):
    return next(i for i, c in enumerate(nb.cells) if c.get("metadata", {}).get("nbgrader", {}).get("grade_id") == grade_id)


def _with(code: str, before: str = "test_arithmetic", answers: dict | None = None):
    """The reference submission with ``answers`` replaced and a code cell inserted before ``before``."""
    nb = make_submission(ASSIGNMENT, {**reference_answers(ASSIGNMENT), **(answers or {})})
    nb.cells.insert(_index(nb, before), nbformat.v4.new_code_cell(code))
    return nb


def _with_cells(sources: list[str], before: str = "test_arithmetic"):
    """The reference submission with one code cell per source inserted before ``before``."""
    nb = _reference()
    at = _index(nb, before)
    nb.cells[at:at] = [nbformat.v4.new_code_cell(source) for source in sources]
    return nb


def _with_language(lang, answers: dict | None = None):
    """The reference submission (with ``answers`` replaced) whose metadata names the language ``lang``."""
    nb = make_submission(ASSIGNMENT, {**reference_answers(ASSIGNMENT), **(answers or {})})
    nb.metadata["course"] = {"lang": lang}
    return nb


def _file(nb) -> dict:
    return {f"{ASSIGNMENT}.ipynb": nb}


WRONG_ARITHMETIC = {"arithmetic": "def arithmetic(a, b):\n    return {'+': a + b}\n"}


def cases() -> list[Case]:
    """Return the battery, built from the current release notebook."""
    edited = _reference()
    edited.cells[_index(edited, "test_hello")].source = "print('all good')"
    deleted = _reference()
    del deleted.cells[_index(deleted, "test_hello")]
    moved = _reference()
    moved.cells.insert(_index(moved, "hello"), moved.cells.pop(_index(moved, "test_hello")))
    duplicated = _reference()
    duplicated.cells.insert(_index(duplicated, "test_hello"), nbformat.v4.new_code_cell(
        duplicated.cells[_index(duplicated, "hello")].source, metadata=dict(duplicated.cells[_index(duplicated, "hello")].metadata)))
    huge = _reference()
    huge.cells[0].outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * (100 * 2**20))] \
        if huge.cells[0].cell_type == "code" else []
    if huge.cells[0].cell_type != "code":
        huge.cells.insert(0, nbformat.v4.new_code_cell("1", outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="x" * (100 * 2**20))]))
    late = _reference()
    late.cells.append(nbformat.v4.new_code_cell("arithmetic = None  # after every test has run"))
    other = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print('this is my other homework')")])
    return [
        Case("honest", _file(_reference()), FULL),
        Case("rebinds-testing", _file(_with(
            "import numpy as np, course.compare, course.checks\n"
            "np.testing.assert_allclose = lambda *a, **k: None\n"
            "course.compare.mismatch = lambda *a, **k: None\n"
            "course.checks.check_cases = lambda *a, **k: print('✓ all passed')\n"
            "check_cases = course.checks.check_cases\n", answers=WRONG_ARITHMETIC)),
            FULL - 1, {"rebind"}),
        Case("rebinds-builtins-math", _file(_with(
            "import builtins, math\nmath.isclose = lambda *a, **k: True\nbuiltins.abs = lambda x: 0\n",
            answers=WRONG_ARITHMETIC)), FULL - 1, {"rebind"}),
        Case("patches-hidden-check", _file(_with(
            "import autograder.hidden\nautograder.hidden.check = lambda *a, **k: print('✓ hidden tests passed.')\n",
            answers=WRONG_ARITHMETIC)), 0, {"rebind"}),
        Case("fake-equality", _file(_with(
            "class Anything(float):\n    def __eq__(self, other): return True\n    def __ne__(self, other): return False\n"
            "def sum_of_evens(numbers):\n    return Anything(-1)\n", before="test_sum_of_evens",
            answers={"sum_of_evens": "def sum_of_evens(numbers):\n    return 0\n"})), FULL - 1),
        Case("silences-tracebacks", _file(_with(
            "ip = get_ipython()\nip.showtraceback = lambda *a, **k: None\nip._showtraceback = lambda *a, **k: None\n",
            answers=WRONG_ARITHMETIC)), FULL - 1, {"rebind", "silenced error"}),
        Case("reads-reference", _file(_with(
            "import autograder.reference.python_basics as ref\narithmetic = ref.arithmetic\n")),
            FULL, {"import"}),
        # the course folder is not there, or only the read-only package of it (wherever the clone lives)
        Case("writes-gradebook", _file(_with(
            "import os, course, contextlib\nroot = os.path.dirname(os.path.dirname(course.__file__))\n"
            "with contextlib.suppress(OSError): open(os.path.join(root, 'course', 'checks.py'), 'a').write('PASS')\n"
            "open(os.path.join(root, 'gradebook.db'), 'ab').write(b'garbage')\n")),
            FULL, {"file"}),
        Case("plants-startup-file", _file(_with(
            "import os\nfor home in ('/root', '/tmp/course-grading', '/home'):\n"
            "    startup = os.path.join(home, '.ipython/profile_default/startup')\n"
            "    try:\n        os.makedirs(startup, exist_ok=True)\n"
            "        open(os.path.join(startup, '00-everyone-passes.py'), 'w').write('print(1)')\n"
            "    except OSError:\n        pass\n")), FULL, {"file"}),
        Case("contacts-other-judges", _file(_with(
            "import glob, socket\nfor path in glob.glob('/tmp/judge-*/judge.sock'):\n"
            "    socket.socket(socket.AF_UNIX).connect(path)\n"
            "socket.socket(socket.AF_UNIX).connect('/tmp/not-my-judge.sock')\n")), FULL, {"network"}),
        Case("runs-shell", _file(_with("import subprocess\nsubprocess.run(['ls', '/'])\n")), FULL, {"process"}),
        Case("exits-kernel", _file(_with("import os\nos._exit(0)\n", before="test_center_columns")),
             FULL - 2, notes=["kernel died"]),
        Case("endless-loop", _file(_with("while True:\n    pass\n", before="test_hello")),
             FULL, notes=["exceeded"]),
        Case("exhausts-memory", _file(_with("hog = bytearray(64 * 2**30)\n", before="test_hello")), FULL),
        Case("floods-output", _file(_with("for i in range(200000):\n    print('spam' * 20)\n")),
             FULL, notes=["truncated"]),
        Case("edits-test-cell", _file(edited), FULL, {"edited test cell"}),
        Case("deletes-test-cell", _file(deleted), FULL - 1, {"deleted test cell"}),
        Case("moves-test-cell", _file(moved), FULL - 1, {"moved cells"}),
        Case("duplicates-cell", _file(duplicated), FULL, {"duplicated cell"}),
        Case("changes-state-after-tests", _file(_with(
            "import numpy\nnumpy.testing = None\n", before="written_bool_ops")), FULL, {"rebind"}),
        Case("code-after-tests", _file(late), FULL, {"code after tests"}),
        Case("invalid-json", {f"{ASSIGNMENT}.ipynb": b'{"cells": [ this is not json'}, 0,
             notes=["not a readable notebook"], status="not graded"),
        Case("wrong-file-name", {"my_homework.ipynb": _reference()}, FULL, notes=["wrong file name"]),
        Case("missing-notebook", {"notes.txt": b"I forgot"}, 0, notes=["no 01_python_basics.ipynb"],
             status="not graded"),
        Case("extra-notebook", {f"{ASSIGNMENT}.ipynb": _reference(), "scratch.ipynb": other}, FULL,
             notes=["ignored extra file"]),
        Case("other-assignment", _file(other), 0, notes=["does not look like"], status="not graded"),
        Case("huge-output", _file(huge), FULL),
        *_attacks(),
    ]


# Honest students graded beside the attackers: their scores must not move.
def controls() -> list[Case]:
    """Return the honest control students (reference answers, one of them with a warning on stderr)."""
    warns = _with("import warnings\n_sum = sum_of_evens\n"
                  "def sum_of_evens(numbers):\n    warnings.warn('a library warning, not an error')\n"
                  "    return _sum(numbers)\n", before="test_sum_of_evens")
    # TensorFlow's AutoGraph and others make unnamed temporary files: O_TMPFILE opens the private /tmp itself
    temporary = _with("import tempfile\nwith tempfile.TemporaryFile() as f:\n    f.write(b'scratch')\n"
                      "with tempfile.NamedTemporaryFile() as f:\n    f.write(b'scratch')\n"
                      "open('notes.txt', 'w').write('mine')\n")
    return [Case("honest-control-1", _file(_reference()), FULL), Case("honest-control-2", _file(_reference()), FULL),
            Case("honest-stderr-warning", _file(warns), FULL), Case("honest-temporary-files", _file(temporary), FULL)]


_SEND = ("import os, socket\njudge = socket.socket(fileno=os.dup(int(os.environ['COURSE_JUDGE_FD'])))\n")


def _attacks() -> list[Case]:
    """Attacks on the sandbox, the channels and the judge (each class of the README's threat model)."""
    forged = _SEND + ("import json\nfor _ in range(5):\n"
                      "    judge.sendall(json.dumps({'type': 'check', 'module': 'python_basics', 'name': 'arithmetic',"
                      " 'observations': [], 'failure': None}).encode() + b'\\n')\n"
                      "    print(judge.recv(100))\n")
    preempt = ("import os, socket, json\n"
               "def arithmetic(a, b):\n"
               "    s = socket.socket(fileno=os.dup(int(os.environ['COURSE_JUDGE_FD'])))\n"
               "    s.sendall(json.dumps({'type': 'check', 'module': 'python_basics', 'name': 'arithmetic',"
               " 'observations': [{'__dict__': []}] * 40, 'failure': None}).encode() + b'\\n')\n"
               "    s.recv(100)\n"
               "    return {'+': a + b, '-': a - b, '*': a * b, '/': a / b, '//': a // b, '%': a % b, '**': a ** b}\n")
    html = _reference()
    html.cells.insert(1, nbformat.v4.new_markdown_cell(
        "<script>alert('md')</script> <img src=x onerror=\"alert('img')\"> [click](javascript:alert('link'))"))
    html.cells.insert(_index(html, "test_arithmetic"), nbformat.v4.new_code_cell(
        "from IPython.display import HTML, Javascript, display\n"
        "display(HTML(\"<script>alert('out')</script><a href='javascript:alert(1)' onclick='alert(2)'>x</a>\"))\n"
        "display(Javascript(\"alert('js')\"))\n"))
    return [
        Case("spams-every-descriptor", _file(_with(
            "import os\nline = b'{\"task_id\": 1, \"result\": {\"student\": \"honest-control-1\"}}\\n'\n"
            "for fd in range(0, 200):\n    try:\n        os.write(fd, line * 3 + b'half a li')\n"
            "    except OSError:\n        pass\n", answers=WRONG_ARITHMETIC)), 0, {"garbage"},
            notes=["the kernel"]),  # it breaks its own kernel (dead, or wedged and stopped): only it loses
        Case("forges-judge-messages", _file(_with(forged, answers=WRONG_ARITHMETIC)), FULL - 1, {"judge refused"}),
        # right answers, but its own forged answer takes the cell's one check first: the point is lost
        Case("preempts-its-check", _file(_with(preempt, before="test_arithmetic")), FULL - 1, {"judge refused"}),
        Case("forges-guard-events", _file(_with(
            _SEND + "judge.sendall(b'{\"type\": \"event\", \"kind\": \"=HYPERLINK(1)\", '\n"
            "             b'\"detail\": \"\\\\u001b[2J\\\\u001b]0;pwned\\\\u0007 =cmd\", \"cell_number\": 1}\\n')\n")),
            FULL, {"=HYPERLINK(1)"}),
        Case("disables-guard", _file(_with(
            "import sys, autograder.guard as g\ng._guard.send = lambda *a, **k: None\n"
            "g._guard.audit = lambda *a: None\n", answers=WRONG_ARITHMETIC)), FULL - 1),
        Case("ctypes-signals", _file(_with(
            "import ctypes, os, signal\nlibc = ctypes.CDLL(None)\nlibc.kill(-1, 9)\n"
            "for pid in range(1, 400):\n    if pid != os.getpid():\n        try:\n"
            "            os.kill(pid, signal.SIGKILL)\n        except OSError:\n            pass\n"
            "os._exit(1)\n")),
            # it can kill nothing outside its own sandbox; it then ends itself, as a kernel that is its sandbox's
            # PID 1 (forked by a warm template) is left alive by the signals it sends
            0, {"process"}, notes=["kernel died"]),
        Case("writes-grader-code", _file(_with(
            "import os, sys, glob\ntargets = glob.glob('/opt/grader/autograder/**/*.py', recursive=True)\n"
            "targets += [os.path.join(p, 'sitecustomize.py') for p in sys.path if 'site-packages' in p]\n"
            "for path in targets:\n    try:\n        open(path, 'a').write('\\nPASS = True\\n')\n"
            "    except OSError:\n        pass\n")), FULL, {"file"}),
        Case("reads-answers", _file(_with(
            "import os, glob, course\nroot = os.path.dirname(os.path.dirname(course.__file__))\n"
            "found = glob.glob(root + '/**/reference/*.py', recursive=True) + glob.glob('/**/python_basics.py',"
            " recursive=True)\n"
            "for path in found:\n    if 'cases' not in path:\n        exec(open(path).read())\n",
            answers=WRONG_ARITHMETIC)), FULL - 1),
        Case("empty-traceback-error", _file(_with(
            "class Quiet(Exception):\n    def _render_traceback_(self):\n        return []\n"
            "def arithmetic(a, b):\n    raise Quiet()\n", before="test_arithmetic")), FULL - 1),
        Case("display-update-flood", _file(_with(
            "from IPython.display import display, HTML\nhandles = [display(HTML('x'), display_id=True) "
            "for _ in range(200)]\nfor i in range(50):\n    handles[0].update(HTML('y' * 2**20))\n")),
            FULL, notes=["truncated"]),
        Case("html-injection", _file(html), FULL),
        Case("outgrows-the-notebook", _file(_with_cells(["print('z' * 500_000)"] * 80)), FULL,
             notes=["the largest outputs were removed"]),
        Case("fills-its-disk", _file(_with(
            "block = b'x' * 2**20\ntry:\n    with open('big.bin', 'wb') as f:\n"
            "        for _ in range(2000):\n            f.write(block)\nexcept OSError as e:\n    print(e)\n")), FULL),
        Case("spawns-processes", _file(_with(
            "import subprocess\nkept = []\ntry:\n    for _ in range(400):\n"
            "        kept.append(subprocess.Popen(['sleep', '600'], start_new_session=True))\n"
            "except OSError as e:\n    print(len(kept), e)\n")), FULL, {"process"}),
        # as root on the host (a root grader's kernel once was) this would name a program the host runs as root;
        # it writes the values already there, so a sandbox that let it through changes nothing
        Case("rewrites-host-settings", _file(_with(
            "import subprocess\nfor path in ('/proc/sys/kernel/core_pattern', '/proc/sys/vm/swappiness'):\n"
            "    try:\n        value = open(path).read()\n        open(path, 'w').write(value)\n"
            "    except OSError as e:\n        print(e)\nsubprocess.run(['unshare', '--user', 'true'])\n")),
            FULL, {"file", "process"}),
        # kernels are started ahead (autograder.warm): nothing left behind may reach the next student's kernel
        Case("leaves-a-trap-behind", _file(_with(
            "import subprocess\nsubprocess.Popen(['/bin/sh', '-c', 'sleep 2; echo import os > /tmp/sitecustomize.py; "
            "echo import os > $HOME/sitecustomize.py; sleep 600'], start_new_session=True)\n")), FULL, {"process"}),
        Case("odd-language", _file(_with_language("<script>alert(1)</script>")), FULL),
        Case("korean-with-a-mistake", _file(_with_language("ko", WRONG_ARITHMETIC)), FULL - 1),
        # long lines shaped like the grader's verdicts, in a Korean notebook's test cell: feedback translates
        # only lines of the grader's length, so it stays quick
        Case("translation-bomb", _file(_with_language("ko", {"arithmetic": reference_answers(ASSIGNMENT)[
            "arithmetic"].replace("def arithmetic(a, b):\n", "def arithmetic(a, b):\n    print('case ' + 'x of ' * 40000)\n",
                                  1)})), FULL, notes=["truncated"]),
        Case("symlinked-notebook", {}, 0, notes=["symbolic link"], status="not graded",
             links={f"{ASSIGNMENT}.ipynb": "/etc/passwd"}),
        Case("bad-timestamp", _file(_reference()), FULL, notes=["timestamp.txt does not hold a date"],
             timestamp="next tuesday-ish \x1b[31m"),
        Case("odd student; rm -rf", _file(_reference()), 0, rejected=True),
    ]


def write(case: Case, folder) -> None:
    """Write a case's files into ``folder`` (a ``submitted/<student>/<assignment>`` directory)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in case.files.items():
        data = content if isinstance(content, bytes) else json.dumps(content).encode()
        (folder / name).write_bytes(data)
    for name, target in case.links.items():
        (folder / name).symlink_to(target)
    if case.timestamp is not None:
        (folder / "timestamp.txt").write_text(case.timestamp)
