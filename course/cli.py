"""The ``dl-course`` command of the student edition.

``dl-course start [FOLDER]`` copies the lessons into FOLDER (default ``~/dl-course``) and
opens JupyterLab there; a notebook the student has changed is never overwritten. ``--lang ko``
copies the Korean edition (same file names) and opens JupyterLab in Korean.
``dl-course check [NOTEBOOK ...]`` runs lessons headless and prints, for every exercise,
whether its visible checks pass. Neither needs, nor runs, anything of the instructor's.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from course.i18n import N_, _, display_width, notebook_language, pad, using

MANIFEST = ".dl-course.json"  # in the student's folder: the hash of each lesson as it was copied there
STUB = "raise NotImplementedError()"
WRITTEN_STUB = "YOUR ANSWER HERE"
LESSON_NAME = re.compile(r"^\d\d_[A-Za-z0-9_]+$")
LANGUAGES = ("en", "ko")  # English lessons at the top of the lessons folder, each other edition in <lang>/
LAB_LOCALES = {"ko": "ko_KR"}  # JupyterLab's language pack for an edition (jupyterlab-language-pack-ko-kr)


class Problem(Exception):
    """A user-facing error: its message says what went wrong and what to do."""


# ---------------------------------------------------------------- the lessons that ship


def lessons_folder(lang: str = "en") -> Path:
    """Return the folder that holds the lessons of edition ``lang``, ``<NN_name>/<NN_name>.ipynb``.

    The student edition carries them in ``course/lessons/`` (Korean: ``course/lessons/ko/``); run
    from the instructor's repository (an editable install), the repository's ``release/`` is used.
    """
    package = Path(__file__).resolve().parent
    repository = package.parent if (package.parent / "nbgrader_config.py").exists() else None
    edition = "" if lang == "en" else lang
    for folder in ([repository / "release" / edition] if repository else []) + [package / "lessons" / edition]:
        if folder.is_dir() and any(folder.glob("[0-9][0-9]_*/[0-9][0-9]_*.ipynb")):
            return folder
    raise Problem(_("this installation of dl-course carries no lessons; install the student edition "
                    "(`pip install dl_course-*.whl`, built by `make student`)"))


def shipped_lessons(lang: str = "en") -> dict[str, Path]:
    """Return {``NN_name/NN_name.ipynb``: path of the shipped copy of edition ``lang``}, in course order."""
    folder = lessons_folder(lang)
    return {f"{p.parent.name}/{p.name}": p
            for p in sorted(folder.glob("[0-9][0-9]_*/[0-9][0-9]_*.ipynb")) if p.stem == p.parent.name}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_new(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file, so a failure never leaves half a notebook."""
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _free_fresh_name(path: Path) -> Path:
    """``NN_name.fresh.ipynb`` beside ``path``, or ``.fresh-2``, ``.fresh-3``… if taken."""
    candidate, n = path.with_name(f"{path.stem}.fresh.ipynb"), 2
    while candidate.exists():
        candidate, n = path.with_name(f"{path.stem}.fresh-{n}.ipynb"), n + 1
    return candidate


def copy_lessons(folder: Path, fresh: bool = False, lang: str = "en") -> list[tuple[str, str]]:
    """Copy the shipped lessons of edition ``lang`` into ``folder``; return ``[(lesson, what happened), ...]``.

    A lesson that is missing is added; one the student never changed is brought up to date;
    one the student changed is kept byte for byte (with ``fresh``, the shipped version is
    written beside it as ``NN_name.fresh.ipynb``). No other file is touched.
    """
    if folder.exists() and not folder.is_dir():
        raise Problem(_("{folder} is a file, not a folder: choose another folder for the lessons").format(
            folder=folder))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        manifest_path = folder / MANIFEST
        try:
            manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
        except ValueError:
            manifest = {}  # a damaged record only means we treat every differing lesson as the student's
        report = []
        for rel, shipped in shipped_lessons(lang).items():
            data, target = shipped.read_bytes(), folder / rel
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                _write_new(target, data)
                manifest[rel], what = _sha256(data), _("added")
            else:
                current = _sha256(target.read_bytes())
                if current == _sha256(data):
                    manifest[rel], what = current, _("up to date")
                elif current == manifest.get(rel):  # as we copied it, never edited: safe to replace
                    _write_new(target, data)
                    manifest[rel], what = _sha256(data), _("updated (you had not changed it)")
                elif fresh:
                    copy = _free_fresh_name(target)
                    _write_new(copy, data)
                    what = _("changed by you: kept; a fresh copy is {copy}").format(copy=copy.relative_to(folder))
                else:
                    what = _("changed by you: kept as it is (`dl-course start --fresh` puts a fresh copy "
                             "beside it as {copy})").format(copy=Path(rel).parent / (Path(rel).stem + '.fresh.ipynb'))
            report.append((rel, what))
        _write_new(manifest_path, json.dumps(manifest, indent=1, sort_keys=True).encode())
    except PermissionError as exc:
        raise Problem(_("cannot write in {folder}: {error} ({file})").format(
            folder=folder, error=exc.strerror, file=exc.filename)) from None
    return report


def lab_language(lang: str, settings_dir: Path) -> tuple[list[str], dict[str, str]]:
    """Return (JupyterLab options, environment) that open JupyterLab and its kernels in edition ``lang``.

    The kernels get ``COURSE_LANG``. For a language with a JupyterLab language pack, ``settings_dir``
    (an empty folder that lives as long as JupyterLab runs) becomes its application settings folder:
    a copy of this environment's, whose ``overrides.json`` makes the pack's locale the default, so
    a language the student picked in JupyterLab's own menu still wins and no file of theirs changes.
    """
    env = dict(os.environ, COURSE_LANG=lang)
    if lang not in LAB_LOCALES:
        return [], env
    from jupyterlab.commands import get_app_dir

    installed = Path(get_app_dir()) / "settings"
    settings_dir.mkdir(parents=True, exist_ok=True)
    if installed.is_dir():
        shutil.copytree(installed, settings_dir, dirs_exist_ok=True)
    overrides_path = settings_dir / "overrides.json"
    overrides = json.loads(overrides_path.read_text()) if overrides_path.exists() else {}
    overrides.setdefault("@jupyterlab/translation-extension:plugin", {})["locale"] = LAB_LOCALES[lang]
    overrides_path.write_text(json.dumps(overrides, indent=2))
    return [f"--LabApp.app_settings_dir={settings_dir}"], env


def start(folder: Path, lab: bool = True, fresh: bool = False, lang: str = "en") -> int:
    """Copy the lessons of edition ``lang`` into ``folder``, print what happened, and (with ``lab``) run
    JupyterLab there in that language."""
    folder = folder.expanduser().resolve()
    with using(lang):  # the messages speak the edition's language
        report = copy_lessons(folder, fresh=fresh, lang=lang)
        print(_("Lessons in {folder}:").format(folder=folder))
        starting = _("Starting JupyterLab (stop it with Ctrl-C) ...")
    width = max(len(rel) for rel, _ in report)
    for rel, what in report:
        print(f"  {rel:<{width}}  {what}")
    if not lab:
        return 0
    print(starting, flush=True)
    with tempfile.TemporaryDirectory(prefix="dl-course-lab-") as settings_dir:
        options, env = lab_language(lang, Path(settings_dir))
        try:
            return subprocess.call([sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}", *options],
                                   cwd=folder, env=env)
        except KeyboardInterrupt:
            return 0


# ---------------------------------------------------------------- checking a lesson


STATUSES = (N_("passed"), N_("failed"), N_("not attempted"), N_("not run"), N_("answered"))  # shown translated


@dataclass
class Row:
    """One exercise of a lesson as ``check`` saw it."""

    name: str
    points: float
    status: str  # one of STATUSES: "passed", "failed", "not attempted", "not run"; a written answer: "answered"
    detail: str = ""
    written: bool = False  # a written answer, graded by the instructor, not by a check


@dataclass
class Lesson:
    """The result of checking one notebook."""

    path: Path
    rows: list[Row] = field(default_factory=list)
    problem: str = ""  # why the notebook could not be checked (fully)
    notes: list[str] = field(default_factory=list)


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _error_text(cell) -> str:
    """The message of a cell's error output, with its hint, without terminal colours."""
    for out in cell.get("outputs", []):
        if out.get("output_type") == "error":
            text = out.get("evalue", "") if out.get("ename") == "CheckFailed" else \
                f"{out.get('ename')}: {out.get('evalue', '')}"
            return re.sub(r"\x1b\[[0-9;]*m", "", text).strip()
    return ""


def _has_error(cell) -> bool:
    return any(o.get("output_type") == "error" for o in cell.get("outputs", []))


def _execute(nb, cwd: Path, timeout: int) -> str:
    """Run ``nb`` in a fresh kernel as nbgrader's Validate does; return "" or why the run stopped."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    saved = dict(os.environ)
    # The kernel's own log lines (and TensorFlow's) would only clutter the table: its stderr is dropped.
    # The kernel inherits these: training cells shorten themselves, plots are drawn without a window.
    # COURSE_LANG: the checks in the kernel speak the notebook's language, as they do in JupyterLab.
    os.environ.update(COURSE_GRADING="1", MPLBACKEND="Agg", COURSE_LANG=notebook_language(nb))
    try:
        NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                       resources={"metadata": {"path": str(cwd)}}).execute(stderr=subprocess.DEVNULL)
        return ""
    except CellTimeoutError:
        return _("a cell ran longer than {seconds} s and was stopped (use --timeout to allow more)").format(
            seconds=timeout)
    except DeadKernelError:
        return _("the kernel died (out of memory?) and the run stopped")
    except Exception as exc:  # the kernel could not start, and the like
        return _("the notebook could not be run: {error}: {message}").format(error=type(exc).__name__, message=exc)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def check_notebook(path: Path, timeout: int = 600) -> Lesson:
    """Run one notebook headless and classify each exercise; never modifies the file."""
    import nbformat

    lesson = Lesson(path)
    try:
        nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    except OSError as exc:
        lesson.problem = _("cannot read it: {error}").format(error=exc.strerror)
        return lesson
    except Exception as exc:  # not JSON, not a notebook
        lesson.problem = _("not a notebook ({error}: {message})").format(error=type(exc).__name__,
                                                                         message=str(exc).splitlines()[0][:200])
        return lesson
    code = [c for c in nb.cells if c.cell_type == "code"]
    if not any(_meta(c).get("grade") for c in nb.cells):
        lesson.problem = _("has no exercises (no nbgrader test cells): is it a lesson of this course?")
        return lesson
    for cell in code:
        cell.outputs, cell.execution_count = [], None
    lesson.problem = _execute(nb, path.parent, timeout)

    pending_stub, first = False, True  # a solution cell since the last test cell still has its stub
    for cell in nb.cells:
        meta = _meta(cell)
        if cell.cell_type == "code" and first:
            first = False
            if _has_error(cell):
                lesson.notes.append(_("its first cell raised {error}; the checks after it fail because of it")
                                    .format(error=_error_text(cell)))
        if meta.get("solution") and cell.cell_type == "code":
            pending_stub = pending_stub or STUB in cell.source
        elif meta.get("solution") and meta.get("grade"):  # a written answer, graded by the instructor
            answered = cell.source.strip() not in ("", WRITTEN_STUB)
            lesson.rows.append(Row(meta.get("grade_id", "?"), float(meta.get("points", 0)),
                                   "answered" if answered else "not attempted",
                                   _("written answer: your instructor grades it"), written=True))
        elif meta.get("grade") and cell.cell_type == "code":
            name = re.sub(r"^test_", "", meta.get("grade_id", "?"))
            points = float(meta.get("points", 0))
            if cell.execution_count is None:
                row = Row(name, points, "not run", _("the run stopped before this check"))
            elif not _has_error(cell):
                row = Row(name, points, "passed")
            elif pending_stub:
                row = Row(name, points, "not attempted", _("replace `raise NotImplementedError()` with your code"))
            else:
                row = Row(name, points, "failed", _error_text(cell))
            lesson.rows.append(row)
            pending_stub = False
        elif cell.cell_type == "code" and _has_error(cell) and not lesson.notes \
                and "NotImplementedError" not in _error_text(cell):  # (a later cell using an unfinished exercise)
            lesson.notes.append(_("a cell that is not an exercise raised {error}").format(
                error=_error_text(cell).splitlines()[0]))
    return lesson


def _fmt(points: float) -> str:
    return f"{points:g}"


def print_table(lessons: list[Lesson], out=None) -> None:
    """Print every exercise of every lesson, and a total per lesson, as one table (to ``out``, default stdout)."""
    out = out or sys.stdout  # looked up now, not at import: whoever captures stdout later sees the table
    rows = [(_("lesson"), _("exercise"), _("result"), _("points"))]
    details: dict[int, list[str]] = {}
    for lesson in lessons:
        label = lesson.path.stem
        if lesson.problem and not lesson.rows:
            rows.append((label, "-", _("NOT CHECKED"), ""))
            details[len(rows) - 1] = [lesson.problem]
            continue
        auto = [r for r in lesson.rows if not r.written]
        for row in lesson.rows:
            earned = "" if row.written else f"{_fmt(row.points if row.status == 'passed' else 0)} / {_fmt(row.points)}"
            rows.append((label, row.name, _(row.status), earned))
            label = ""
            if row.detail and row.status != "passed":
                details[len(rows) - 1] = row.detail.splitlines()
        earned = sum(r.points for r in auto if r.status == "passed")
        rows.append(("", _("total"), _("{passed} of {total} passed").format(
                         passed=sum(r.status == "passed" for r in auto), total=len(auto)),
                     f"{_fmt(earned)} / {_fmt(sum(r.points for r in auto))}"))
        for note in ([lesson.problem] if lesson.problem else []) + lesson.notes:
            details.setdefault(len(rows) - 1, []).append(_("note: {note}").format(note=note))
    widths = [max(display_width(r[i]) for r in rows) for i in range(4)]
    line = "+".join("-" * (w + 2) for w in widths)
    for i, row in enumerate(rows):
        if i == 1 or (row[0] and i > 1):
            print(line, file=out)
        print(" " + " | ".join(pad(v, w) for v, w in zip(row, widths)).rstrip(), file=out)
        for text in details.get(i, []):
            print(" " * (widths[0] + 3) + "  ↳ " + text, file=out)
    print(line, file=out)


def default_notebooks(folder: Path) -> list[Path]:
    """The lessons in ``folder``: ``NN_name/NN_name.ipynb`` below it, or ``NN_name.ipynb`` in it."""
    found = [p for p in sorted(folder.glob("[0-9][0-9]_*/[0-9][0-9]_*.ipynb")) if p.stem == p.parent.name]
    found += [p for p in sorted(folder.glob("[0-9][0-9]_*.ipynb")) if LESSON_NAME.match(p.stem)]
    return found


def _language_of(paths: list[Path]) -> str:
    """The language ``check`` speaks: ``COURSE_LANG`` when set, else the notebooks' own when they all agree."""
    if os.environ.get("COURSE_LANG"):
        return os.environ["COURSE_LANG"]
    found = set()
    for path in paths:
        try:
            found.add(notebook_language(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError):  # not readable as a notebook: check() reports it
            continue
    return found.pop() if len(found) == 1 else "en"


def check(paths: list[Path], timeout: int = 600) -> int:
    """Check the notebooks (default: the lessons in the current folder); 0 if every one could be checked."""
    if not paths:
        paths = default_notebooks(Path.cwd())
        if not paths:
            raise Problem(_("no lessons (NN_name/NN_name.ipynb) in {folder}: run `dl-course check` in the "
                            "folder `dl-course start` made, or name the notebooks to check").format(folder=Path.cwd()))
    with using(_language_of(paths)):
        return _check(paths, timeout)


def _check(paths: list[Path], timeout: int) -> int:
    print(_("Running each notebook from the top in a fresh kernel, as the grader does. Long training cells run "
            "shortened (COURSE_GRADING=1). Only the visible checks run here; your instructor's hidden tests "
            "check more cases."), flush=True)
    lessons = []
    for path in paths:
        if path.is_dir():
            lessons.append(Lesson(path, problem=_("is a folder, not a notebook")))
            continue
        if not path.exists():
            lessons.append(Lesson(path, problem=_("no such file")))
            continue
        print("  " + _("checking {path} ...").format(path=path), flush=True)
        lessons.append(check_notebook(path, timeout=timeout))
    print()
    print_table(lessons)
    return 1 if any(lesson.problem for lesson in lessons) else 0


# ---------------------------------------------------------------- the command line


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``dl-course``."""
    parser = argparse.ArgumentParser(prog="dl-course", description="The deep-learning course, student edition.")
    sub = parser.add_subparsers(dest="command", required=True)
    p_start = sub.add_parser("start", help="copy the lessons into FOLDER and open JupyterLab there")
    p_start.add_argument("folder", nargs="?", default="~/dl-course", help="where the lessons go (default ~/dl-course)")
    p_start.add_argument("--no-lab", action="store_true", help="only copy the lessons, do not start JupyterLab")
    p_start.add_argument("--fresh", action="store_true",
                         help="for each lesson you changed, put the new copy beside it as NN_name.fresh.ipynb")
    p_start.add_argument("--lang", choices=LANGUAGES, default="en",
                         help="the lessons' language, also JupyterLab's and the checks' (default en; ko: Korean)")
    p_check = sub.add_parser("check", help="run lessons headless and show which exercises pass their checks")
    p_check.add_argument("notebooks", nargs="*", type=Path,
                         help="notebooks to check (default: every lesson in the current folder)")
    p_check.add_argument("--timeout", type=int, default=600, help="seconds a single cell may run (default 600)")
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            return start(Path(args.folder), lab=not args.no_lab, fresh=args.fresh, lang=args.lang)
        return check(args.notebooks, timeout=args.timeout)
    except Problem as exc:
        print(f"dl-course {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
