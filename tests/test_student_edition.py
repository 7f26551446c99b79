"""The student edition: `make student` builds a wheel that holds the lessons and no answers,
and `dl-course start` / `dl-course check` work from it in a clean virtual environment.

The clean environment is a new venv with no repository on its path. Its dependencies are the
wheel's own dependency closure, taken read-only from the repository's ``.venv`` through a ``.pth``
overlay, so the test needs no network and no second 600 MB TensorFlow install; ``pip install
--no-index`` then proves that closure satisfies the wheel. Set ``DL_COURSE_INDEX_INSTALL=1``
to install the dependencies from the package index instead, as a student's machine does.
"""

from __future__ import annotations

import ast
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from importlib import metadata
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement

from conftest import ASSIGNMENTS, ROOT
from autograder.submissions import make_submission, notebook_path, reference_answers

MIN_SECRET = 40  # shorter solution blocks are one-liners such as `return x` that lessons show anyway
# A later lesson hands out an earlier lesson's answer as given code, by the course's design (05 uses 04's
# numerical_gradient for its gradient check). Each such gift is listed here; any other copy fails the test.
GIVEN_IN_LATER_LESSONS = {("autograder/reference/loss_and_gradients.py numerical_gradient",
                           f"course/lessons/{edition}05_backpropagation/05_backpropagation.ipynb")
                          for edition in ("", "ko/")}


# ---------------------------------------------------------------- building and installing


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Run `make student` (one at a time across test workers) and return a private copy of its wheel."""
    (ROOT / "dist").mkdir(exist_ok=True)
    with open(ROOT / "dist" / ".make-student.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = subprocess.run(["make", "--no-print-directory", "student"], cwd=ROOT, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, f"make student failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        built = sorted((ROOT / "dist").glob("dl_course-*.whl"))
        assert len(built) == 1, f"make student should leave one wheel in dist/, found {built}"
        copy = tmp_path_factory.mktemp("wheel") / built[0].name
        shutil.copy(built[0], copy)
    return copy


def _closure(requirements: list[str]) -> list[metadata.Distribution]:
    """The installed distributions that ``requirements`` need, transitively (markers and extras honoured)."""
    seen: dict[str, metadata.Distribution] = {}
    todo = [(Requirement(r), "") for r in requirements]
    while todo:
        req, extra = todo.pop()
        if req.marker and not req.marker.evaluate({"extra": extra}):
            continue
        key = re.sub(r"[-_.]+", "-", req.name).lower()
        dist = metadata.distribution(req.name)
        if key not in seen:
            seen[key] = dist
            todo += [(Requirement(r), "") for r in dist.requires or []]
        for wanted in req.extras:
            todo += [(Requirement(r), wanted) for r in dist.requires or [] if "extra" in r]
    return list(seen.values())


def _overlay(folder: Path, requirements: list[str]) -> Path:
    """A folder of symlinks to the top-level entries of exactly these distributions in this environment."""
    folder.mkdir()
    for dist in _closure(requirements):
        site = Path(dist.locate_file(""))
        for file in dist.files or []:
            top = file.parts[0]
            if top == ".." or top.endswith(".pth") or (folder / top).exists():
                continue
            assert "dl_course" not in top and "__editable__" not in top
            if (site / top).exists():
                (folder / top).symlink_to(site / top)
    return folder


@pytest.fixture(scope="module")
def student(wheel, tmp_path_factory):
    """A clean venv with the wheel installed: returns (its bin/ folder, an environment to run it in)."""
    base = tmp_path_factory.mktemp("student")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("JUPYTER", "PYTHON", "COURSE_", "VIRTUAL_ENV", "MPLBACKEND", "IPYTHON"))}
    home = base / "home"
    home.mkdir()
    env.update(HOME=str(home), PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    install = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", str(wheel)]
    if os.environ.get("DL_COURSE_INDEX_INSTALL") != "1":
        with zipfile.ZipFile(wheel) as zf:
            meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
            requires = [line.split(":", 1)[1].strip() for line in zf.read(meta).decode().splitlines()
                        if line.startswith("Requires-Dist:") and "extra ==" not in line]
        site = Path(subprocess.check_output([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                                            text=True).strip())
        (site / "_course_dependencies.pth").write_text(f"{_overlay(base / 'dependencies', requires)}\n")
        install.insert(4, "--no-index")
    done = subprocess.run(install, env=env, capture_output=True, text=True, timeout=1800)
    assert done.returncode == 0, f"pip install of the wheel failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return venv / "bin", env


def run(student, *args, cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run a command of the clean venv (``dl-course``, ``python``) in ``cwd``."""
    bin_dir, env = student
    return subprocess.run([str(bin_dir / args[0]), *args[1:]], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)


# ---------------------------------------------------------------- what the wheel holds


def _solution_blocks() -> list[tuple[str, str]]:
    """(where, text) of every solution block of the source notebooks and every reference function body."""
    blocks = []
    for assignment in ASSIGNMENTS:
        nb = nbformat.read(notebook_path("source", assignment), as_version=4)
        for cell in nb.cells:
            for m in re.finditer(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S):
                blocks.append((f"source/{assignment} {cell.metadata.get('nbgrader', {}).get('grade_id')}",
                               m.group(1)))
    for path in sorted((ROOT / "autograder" / "reference").glob("*.py")):
        text = path.read_text()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = node.body[1:] if ast.get_docstring(node) and len(node.body) > 1 else node.body
                lines = text.splitlines()[body[0].lineno - 1:body[-1].end_lineno]
                blocks.append((f"autograder/reference/{path.name} {node.name}", "\n".join(lines)))
    return blocks


def _normal(text: str) -> str:
    """Text with each line stripped and blank lines dropped, so indentation cannot hide a copy."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _wheel_texts(wheel: Path) -> dict[str, str]:
    """{name: normalised text} of every file in the wheel (a notebook as its cells' sources)."""
    texts = {}
    with zipfile.ZipFile(wheel) as zf:
        for name in zf.namelist():
            data = zf.read(name)
            if name.endswith(".ipynb"):
                text = "\n".join(c.source for c in nbformat.reads(data.decode(), as_version=4).cells)
            else:
                text = data.decode("utf-8", errors="ignore")  # the .npz files: binary, searched anyway
            texts[name] = _normal(text)
    return texts


def test_the_wheel_holds_the_course_and_its_lessons_and_no_answers(wheel):
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
    tops = {name.split("/")[0] for name in names}
    assert tops == {"course", wheel.name.split("-")[0] + "-" + wheel.name.split("-")[1] + ".dist-info"}, tops
    for assignment in ASSIGNMENTS:
        shipped = f"course/lessons/{assignment}/{assignment}.ipynb"
        assert shipped in names, f"the wheel lacks the lesson {assignment}"
        with zipfile.ZipFile(wheel) as zf:
            assert zf.read(shipped) == notebook_path("release", assignment).read_bytes(), \
                f"{shipped} is not release/{assignment}"
    assert "course/data/mnist.npz" in names and "course/data/sample_weight.npz" in names
    assert not [n for n in names if re.search(r"autograder|source/|mistakes|reference|battery", n)], names

    texts = _wheel_texts(wheel)
    for marker in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "import autograder",
                   "from autograder"):
        # (the METADATA carries the README, which names the markers when it tells instructors how to write lessons)
        leaks = [n for n, t in texts.items() if marker in t and not n.endswith(".dist-info/METADATA")]
        assert not leaks, f"{marker!r} appears in {leaks}"
    checked, leaks = 0, []
    for where, block in _solution_blocks():
        block = _normal(block)
        if len(block) < MIN_SECRET:
            continue
        checked += 1
        leaks += [f"{where} in {name}" for name, text in texts.items()
                  if block in text and (where, name) not in GIVEN_IN_LATER_LESSONS]
    assert checked > 50, f"only {checked} solution bodies were looked for: the search is broken"
    assert not leaks, "reference solution bodies in the wheel:\n" + "\n".join(leaks)


# ---------------------------------------------------------------- the installed edition


def _first_code_cell_raises(nb):
    first = next(c for c in nb.cells if c.cell_type == "code")
    first.source = "import no_such_module_for_dl_course  # a student's typo\n" + first.source
    return nb


def test_installed_edition_copies_the_lessons_and_checks_them(student, tmp_path):
    folder = tmp_path / "my course"
    done = run(student, "dl-course", "start", str(folder), "--no-lab", cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    for assignment in ASSIGNMENTS:
        copied = folder / assignment / f"{assignment}.ipynb"
        assert copied.read_bytes() == notebook_path("release", assignment).read_bytes(), f"{copied} differs"
        assert re.search(rf"{assignment}/{assignment}\.ipynb +added", done.stdout), done.stdout

    # Nothing of the instructor's side is importable or present in the student's environment.
    probe = textwrap.dedent(f"""
        import importlib.util, json, sys, sysconfig, course
        from pathlib import Path
        site = Path(sysconfig.get_path('purelib'))
        print(json.dumps({{
            "autograder": importlib.util.find_spec("autograder") is not None,
            "repo_on_path": any(Path(p or ".").resolve() == Path({str(ROOT)!r}) for p in sys.path),
            "course": course.__file__,
            "files": sorted(str(p.relative_to(site)) for p in [*site.iterdir(), *(site / "course").rglob("*")]
                            if re.search(r"(^|/)(autograder|source|mistakes|reference)(/|\\.py|$)", str(p.relative_to(site)))),
        }}))""").replace("import importlib.util,", "import re, importlib.util,")
    info = json.loads(run(student, "python", "-c", probe, cwd=folder).stdout)
    assert info["autograder"] is False and info["repo_on_path"] is False, info
    assert not info["course"].startswith(str(ROOT)), info
    assert not info["files"], f"instructor files in the student's site-packages: {info['files']}"

    # One lesson with correct answers, one untouched, one that is not JSON, one whose first cell raises.
    nbformat.write(make_submission("02_perceptron", reference_answers("02_perceptron")),
                   folder / "02_perceptron" / "02_perceptron.ipynb")
    (folder / "broken.ipynb").write_text('{"cells": [')
    nbformat.write(_first_code_cell_raises(make_submission("02_perceptron", reference_answers("02_perceptron"))),
                   folder / "typo.ipynb")
    done = run(student, "dl-course", "check", "02_perceptron/02_perceptron.ipynb", "broken.ipynb", "typo.ipynb",
               "01_python_basics/01_python_basics.ipynb", cwd=folder)
    out = done.stdout
    assert done.returncode == 1, f"a notebook that is not JSON must make the exit status 1\n{out}\n{done.stderr}"
    assert "COURSE_GRADING=1" in out, "check must say that training cells run shortened"
    table = out[out.index(" lesson "):]
    section = table.split(" 02_perceptron ")[1].split("\n---")[0]
    assert section.count("passed") >= 7 and "failed" not in section and "not attempted" not in section, table
    assert re.search(r"total +\| 6 of 6 passed +\| 8 / 8", section) and "note:" not in section, table
    assert re.search(r"broken +\| - +\| NOT CHECKED", table) and "not a notebook" in table, table
    typo = table.split(" typo ")[1].split("\n---")[0]
    assert "its first cell raised ModuleNotFoundError" in typo and "0 / 8" in typo, table
    basics = table.split(" 01_python_basics ")[1].split("\n---")[0]
    exercises = basics.split("| total")[0]
    assert "not attempted" in exercises and "passed" not in exercises and "failed" not in exercises, table
    assert re.search(r"written_bool_ops +\| not attempted", basics), table


def test_start_never_overwrites_what_the_student_changed(student, tmp_path):
    folder = tmp_path / "course"
    assert run(student, "dl-course", "start", str(folder), "--no-lab", cwd=tmp_path).returncode == 0
    mine = folder / "02_perceptron" / "02_perceptron.ipynb"
    mine.write_bytes(mine.read_bytes().replace(b"raise NotImplementedError()", b"return 1", 1))
    own = folder / "05_backpropagation" / "my notes.ipynb"
    own.write_text("not even JSON")
    gone = folder / "03_forward_propagation" / "03_forward_propagation.ipynb"
    gone.unlink()
    before = {p: p.read_bytes() for p in folder.rglob("*") if p.is_file() and p.name != ".dl-course.json"}

    done = run(student, "dl-course", "start", str(folder), "--no-lab", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert all(p.read_bytes() == data for p, data in before.items()), "start changed a file of the student's"
    assert gone.read_bytes() == notebook_path("release", "03_forward_propagation").read_bytes()
    assert re.search(r"02_perceptron\.ipynb +changed by you: kept .*--fresh", done.stdout), done.stdout

    for n, name in ((1, "02_perceptron.fresh.ipynb"), (2, "02_perceptron.fresh-2.ipynb")):
        done = run(student, "dl-course", "start", str(folder), "--no-lab", "--fresh", cwd=tmp_path)
        assert done.returncode == 0 and name in done.stdout, done.stdout
        assert (folder / "02_perceptron" / name).read_bytes() == notebook_path("release", "02_perceptron").read_bytes()
    assert all(p.read_bytes() == data for p, data in before.items())

    # A lesson the student never touched is brought up to date when the edition changes it.
    old = folder / "04_loss_and_gradients" / "04_loss_and_gradients.ipynb"
    record = json.loads((folder / ".dl-course.json").read_text())
    old.write_bytes(b'{"an": "older edition"}')
    record["04_loss_and_gradients/04_loss_and_gradients.ipynb"] = hashlib.sha256(old.read_bytes()).hexdigest()
    (folder / ".dl-course.json").write_text(json.dumps(record))
    done = run(student, "dl-course", "start", str(folder), "--no-lab", cwd=tmp_path)
    assert re.search(r"04_loss_and_gradients\.ipynb +updated", done.stdout), done.stdout
    assert old.read_bytes() == notebook_path("release", "04_loss_and_gradients").read_bytes()

    (tmp_path / "a-file").write_text("x")
    done = run(student, "dl-course", "start", str(tmp_path / "a-file"), "--no-lab", cwd=tmp_path)
    assert done.returncode == 2 and "is a file, not a folder" in done.stderr, done.stderr
    assert (tmp_path / "a-file").read_text() == "x"


def test_start_opens_jupyterlab_in_the_folder(monkeypatch, tmp_path):
    from course import cli

    calls = []
    monkeypatch.setattr(cli.subprocess, "call", lambda cmd, cwd, env: calls.append((cmd, cwd, env)) or 0)
    assert cli.main(["start", str(tmp_path / "lessons")]) == 0
    (command, cwd, env), = calls
    assert command[:3] == [sys.executable, "-m", "jupyterlab"] and cwd == tmp_path / "lessons"
    assert env.get("COURSE_LANG") == "en"
    assert (tmp_path / "lessons" / "01_python_basics" / "01_python_basics.ipynb").exists()


def test_check_without_lessons_says_where_to_run_it(tmp_path, monkeypatch, capsys):
    from course import cli

    monkeypatch.chdir(tmp_path)
    assert cli.main(["check"]) == 2
    assert "no lessons" in capsys.readouterr().err


def test_installed_edition_starts_in_korean(student, wheel, tmp_path):
    """`make student` ships the Korean edition; `dl-course start --lang ko` copies it (same file names)."""
    folder = tmp_path / "lessons-ko"
    done = run(student, "dl-course", "start", str(folder), "--lang", "ko", "--no-lab", cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(wheel) as zf:
        for assignment in ASSIGNMENTS:
            korean = ROOT / "release" / "ko" / assignment / f"{assignment}.ipynb"
            assert zf.read(f"course/lessons/ko/{assignment}/{assignment}.ipynb") == korean.read_bytes()
            assert (folder / assignment / f"{assignment}.ipynb").read_bytes() == korean.read_bytes()
