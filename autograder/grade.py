"""The grading command: every submission under ``submitted/``, in parallel, isolated, resumable.

Compatible with nbgrader: same course directory, gradebook, ``autograded/`` and
``feedback/`` layout; plain ``nbgrader autograde`` gives the same scores on honest
submissions. Each submitted notebook is graded by its own process
(``python -m autograder.runner``) so that a crash costs one student one notebook; this
parent is the only process that writes the gradebook.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import queue
import select
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass
from pathlib import Path

import nbformat
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import SaveAutoGrades
from tqdm import tqdm

from autograder.course_copy import nbgrader_env
from autograder.runner import Result, error_output
from autograder.settings import Limits

# Resume markers live beside nbgrader's folders, where no student-facing command looks.
STATE = Path("autograded") / ".grader"


class GradingError(RuntimeError):
    """The command cannot start (no such assignment, gradebook locked, ...)."""


@dataclass
class Task:
    """One notebook of one student to grade."""

    student: str
    assignment: str
    notebook: str
    path: Path | None            # None: nothing usable was handed in
    notes: list


def db_url(root: Path) -> str:
    """Return the gradebook URL of the course at ``root`` (as nbgrader_config.py sets it)."""
    return f"sqlite:///{root / 'gradebook.db'}"


def notebooks_of(root: Path, assignment: str) -> list[str]:
    """Return the notebook names of ``assignment`` as the gradebook knows them (after `make release`)."""
    try:
        with Gradebook(db_url(root)) as gb:
            return [nb.name for nb in gb.find_assignment(assignment).notebooks]
    except MissingEntry:
        raise GradingError(f"assignment {assignment!r} is not in the gradebook: run `make release` first") from None


def find_tasks(root: Path, assignment: str, students: list[str] | None = None) -> list[Task]:
    """Return the notebooks to grade for every student folder under ``submitted/``."""
    expected = notebooks_of(root, assignment)
    tasks = []
    for folder in sorted((root / "submitted").glob(f"*/{assignment}")):
        student = folder.parent.name
        if students and student not in students:
            continue
        handed_in = sorted(p for p in folder.glob("*.ipynb") if p.is_file())
        unexpected = [p for p in handed_in if p.stem not in expected]
        for name in expected:
            path, notes = folder / f"{name}.ipynb", []
            if not path.is_file():
                if len(unexpected) == 1 and len(expected) == 1:
                    path = unexpected.pop()
                    notes.append(f"wrong file name: {path.name} was graded as {name}.ipynb")
                else:
                    path = None
                    notes.append(f"no {name}.ipynb was handed in")
            tasks.append(Task(student, assignment, name, path, notes))
        if unexpected:
            tasks[-1].notes.append("ignored extra file(s): " + ", ".join(p.name for p in unexpected))
    return tasks


def _fingerprint(task: Task) -> str:
    digest = hashlib.sha256(repr((task.notebook, str(task.path), task.notes)).encode())
    if task.path is not None:
        with open(task.path, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def _marker(root: Path, task: Task) -> Path:
    return root / STATE / task.assignment / task.student / f"{task.notebook}.json"


class Worker:
    """A long-lived ``python -m autograder.runner`` process (imports paid once), replaced when it fails."""

    def __init__(self, root: Path):
        self.root = root
        self.proc = None

    def _start(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "autograder.runner"], cwd=self.root, env=nbgrader_env(),
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True)

    def stop(self) -> None:
        """End the worker process."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def grade(self, task: Task, limits: Limits) -> Result:
        """Grade one task; whatever happens in the worker, return a Result."""
        if task.path is None:
            return Result(task.student, task.assignment, task.notebook, status="not graded",
                          reasons=list(task.notes))
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        spec = {"path": str(task.path), "student": task.student, "assignment": task.assignment,
                "notebook": task.notebook, "db_url": db_url(self.root), "root": str(self.root),
                "limits": asdict(limits)}
        start = time.monotonic()
        problem = None
        try:
            self.proc.stdin.write(json.dumps(spec) + "\n")
            self.proc.stdin.flush()
            ready, _, _ = select.select([self.proc.stdout], [], [], limits.notebook_seconds + 120)
            line = self.proc.stdout.readline() if ready else ""
            if not line:
                problem = "the grading process died or hung and was stopped"
        except OSError as exc:
            problem = f"the grading process failed ({exc})"
        if problem:
            self.stop()
            return Result(task.student, task.assignment, task.notebook, status="not graded",
                          reasons=task.notes + [problem], seconds=time.monotonic() - start)
        result = Result(**json.loads(line))
        result.reasons = task.notes + result.reasons
        return result

    def feedback(self, task: Task) -> str | None:
        """Have the worker write the task's HTML feedback; return an error message or None."""
        if self.proc is None or self.proc.poll() is not None:
            self._start()
        spec = {"kind": "feedback", "student": task.student, "assignment": task.assignment,
                "notebook": task.notebook, "db_url": db_url(self.root), "root": str(self.root)}
        try:
            self.proc.stdin.write(json.dumps(spec) + "\n")
            self.proc.stdin.flush()
            ready, _, _ = select.select([self.proc.stdout], [], [], 300)
            answer = json.loads(self.proc.stdout.readline() or "{}") if ready else {}
        except (OSError, ValueError) as exc:
            answer = {"error": str(exc)}
        if not answer.get("ok"):
            self.stop()
            return answer.get("error", "the feedback process died")
        return None


def _placeholder(root: Path, result: Result):
    """The release notebook with every test cell failed: the autograded notebook of what could not be graded."""
    nb = nbformat.read(root / "release" / result.assignment / f"{result.notebook}.ipynb", as_version=4)
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            cell.outputs = [error_output("NotGraded", "; ".join(result.reasons))]
    return nb


def save(root: Path, result: Result, timestamp: str | None) -> None:
    """Write one result into the gradebook, ``autograded/`` and the resume marker (the only writer)."""
    url = db_url(root)
    with Gradebook(url) as gb:
        gb.update_or_create_student(result.student)
        if timestamp:
            gb.update_or_create_submission(result.assignment, result.student, timestamp=timestamp)
        else:
            gb.update_or_create_submission(result.assignment, result.student)
    nb = nbformat.reads(result.executed, as_version=4) if result.executed else _placeholder(root, result)
    if result.reasons:
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(
            "**Grader notes** — these cost points beyond wrong answers:\n\n"
            + "\n".join(f"- {reason}" for reason in result.reasons)))
    folder = root / "autograded" / result.student / result.assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{result.notebook}.ipynb")
    resources = {"nbgrader": {"db_url": url, "assignment": result.assignment, "notebook": result.notebook,
                              "student": result.student}}
    SaveAutoGrades().preprocess(nb, resources)
    present = {c.metadata.nbgrader["grade_id"] for c in nb.cells if utils.is_grade(c)}
    with Gradebook(url) as gb:
        notebook = gb.find_submission_notebook(result.notebook, result.assignment, result.student)
        for grade in notebook.grades:
            if grade.name not in present:  # a deleted test cell earns nothing
                grade.auto_score, grade.needs_manual_grade = 0, False
        notebook.flagged = bool(result.flags)
        gb.db.commit()


def _timestamp(root: Path, student: str, assignment: str) -> str | None:
    path = root / "submitted" / student / assignment / "timestamp.txt"
    return path.read_text().strip() if path.is_file() else None


def grade(root: Path, assignments: list[str], workers: int, limits: Limits, force: bool = False,
          students: list[str] | None = None, quiet: bool = False) -> list[dict]:
    """Grade every submission of ``assignments``; return one summary dict per notebook (graded or resumed)."""
    lock_path = root / ".grader.lock"
    with open(lock_path, "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise GradingError("another grading run is using this course directory; wait for it to finish") from None
        for assignment in assignments:
            notebooks_of(root, assignment)  # fail before grading anything if one is not released
        summaries, todo = [], []
        # Later lessons are the slow ones (TensorFlow): start them first so no worker idles at the end.
        for assignment in sorted(assignments, reverse=True):
            for task in find_tasks(root, assignment, students):
                marker, fingerprint = _marker(root, task), _fingerprint(task)
                if not force and marker.is_file() and json.loads(marker.read_text()).get("fingerprint") == fingerprint:
                    summaries.append(json.loads(marker.read_text())["result"])  # graded, unchanged: resume
                else:
                    todo.append((task, fingerprint))
        return summaries + _grade_all(root, todo, workers, limits, quiet)


def _grade_all(root: Path, todo: list, workers: int, limits: Limits, quiet: bool) -> list[dict]:
    """Grade ``todo`` [(task, fingerprint)] with ``workers`` worker processes; write as results arrive."""
    summaries, failures = [], 0
    bar = tqdm(total=len(todo), desc="grading", unit="notebook", disable=quiet or not todo)
    idle = queue.Queue()
    for _ in range(max(1, min(workers, len(todo)))):
        idle.put(Worker(root))
    writing = threading.Lock()  # one writer at a time: the gradebook is never written concurrently

    def run(task):
        worker = idle.get()
        try:
            result = worker.grade(task, limits)
            with writing:
                save(root, result, _timestamp(root, task.student, task.assignment))
            problem = worker.feedback(task)
            if problem:
                result.reasons.append(f"feedback could not be written ({problem})")
            return result
        finally:
            idle.put(worker)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        futures = {pool.submit(run, task): (task, fp) for task, fp in todo}
        for future in as_completed(futures):
            task, fingerprint = futures[future]
            result = future.result()
            summary = {k: v for k, v in asdict(result).items() if k != "executed"}
            marker = _marker(root, task)
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.write_text(json.dumps({"fingerprint": fingerprint, "result": summary}))
            summaries.append(summary)
            failures += result.status != "graded" or bool(result.reasons)
            bar.set_postfix(problems=failures, flagged=sum(bool(s["flags"]) for s in summaries))
            bar.update()
    bar.close()
    while not idle.empty():
        idle.get().stop()
    return summaries
