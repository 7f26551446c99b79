"""A grading worker: ``python -m autograder.worker FD`` grades one notebook per task from its parent.

It talks to the parent only over the socket ``FD`` (length-prefixed frames, see
:mod:`autograder.wire`), never over stdin/stdout, and writes nothing to the gradebook.
Per notebook it checks and sanitizes the submission, runs it in a fresh sandbox
(:mod:`autograder.sandbox`) with a judge (:mod:`autograder.judge`) listening, and gives
each test cell its points only where the judge confirmed every check. Whatever fails on
the way costs that notebook a *Grader notes* entry, never the worker.
"""

from __future__ import annotations

import autograder.lean_imports  # noqa: F401  (first: see the module)
import functools
import json
import os
import re
import socket
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

import nbformat
from nbgrader.preprocessors import (CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells,
                                    OverwriteKernelspec)

from autograder import feedback
from autograder.execute import error_output, execute, is_test
from autograder.integrity import graded_cells, run_flags, submission_flags
from autograder.judge import CHECK_CALL, Judge, Ledger
from autograder.limits import Limits, WORKER_FRAME_BYTES
from autograder.paths import Course
from autograder.sandbox import Sandbox
from autograder.warm import Spares, preloads
from autograder.wire import Result, clean_text, receive_frame, send_frame
from course.i18n import notebook_language

HIDDEN_TESTS = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.S)
# Switches the lessons read while being graded: given to grading kernels only, never to JupyterLab.
GRADING_ENV = {"COURSE_GRADING": "1", "MPLBACKEND": "Agg", "TF_CPP_MIN_LOG_LEVEL": "3"}


class Unreadable(ValueError):
    """The submitted file is not a notebook this assignment can grade (the message says why)."""


def submission_bytes(path: Path, limits: Limits) -> bytes:
    """Return the bytes of the file at ``path``: a regular file, not a link, under the size limit."""
    info = os.lstat(path)
    if not os.path.isfile(path) or os.path.islink(path):
        raise Unreadable(f"{path.name} is not a regular file (a link or a device); it was not opened")
    if info.st_size > limits.submission_mb * 2**20:
        raise Unreadable(f"{path.name} is larger than {limits.submission_mb} MB")
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    with os.fdopen(fd, "rb") as f:
        return f.read(limits.submission_mb * 2**20 + 1)


def read_submission(path: Path, limits: Limits):
    """Return the notebook at ``path`` (see :func:`submission_bytes`), which must be valid JSON."""
    data = submission_bytes(path, limits)
    try:
        return nbformat.reads(data.decode("utf-8", errors="replace"), as_version=4)
    except Exception as exc:  # any unreadable file is the student's problem, reported, never a crash
        raise Unreadable(f"{path.name} is not a readable notebook ({type(exc).__name__}: "
                         f"{clean_text(exc, 200)})") from None


def sanitize(nb, resources):
    """nbgrader's autograde sanitizing steps: clear outputs, drop duplicated ids, restore locked and test cells."""
    nb, resources = ClearOutput().preprocess(nb, resources)
    nb, resources = DeduplicateIds().preprocess(nb, resources)
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader") == {}:  # a duplicate DeduplicateIds emptied: plain cell now
            del cell.metadata["nbgrader"]
    for pre in (OverwriteKernelspec(), OverwriteCells(), CheckCellMetadata()):
        nb, resources = pre.preprocess(nb, resources)
    return nb


def confirm(nb, ledger: Ledger) -> None:
    """Write the judge's verdicts under every test cell: a cell keeps points only if all its checks passed.

    A check with no verdict (never asked, refused, the kernel died first) fails its cell.
    """
    for index, cell in enumerate(nb.cells):
        if not is_test(cell):
            continue
        checks = Counter(CHECK_CALL.findall(cell.source))
        failed = None
        for module, name in checks:
            passed, message = ledger.verdicts.get((index, module, name), (False, "no verdict from the grader's "
                                                                                  "judge (the check did not run)"))
            if not passed and failed is None:
                failed = (name, message)
        if failed or not checks:
            name, message = failed or ("this cell", "it holds no hidden check")
            cell.outputs.append(error_output("HiddenTestFailed", f"hidden test of {name} failed: {message}"))
        else:
            cell.outputs.append(nbformat.v4.new_output(
                "stream", name="stdout", text="".join(f"✓ hidden tests of {name} passed.\n" for _, name in checks)))


def finish(nb, limits: Limits, reasons: list[str]) -> None:
    """Make the executed notebook fit to keep: no hidden tests, no stderr, nothing live in a browser, bounded size.

    Adds a note to ``reasons`` when outputs had to be removed to fit :attr:`Limits.notebook_mb`."""
    for cell in nb.cells:
        if is_test(cell):  # the feedback shows which check failed, never the hidden tests themselves
            cell.source = HIDDEN_TESTS.sub("# (hidden tests ran here: their verdict is below)\n", cell.source).rstrip()
        for output in cell.get("outputs", []):
            # nbgrader gives a cell with any stderr no points: a library's warning must not cost any
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                output["name"] = "stdout"
            # a traceback quotes the cell's code around the error, hidden tests included: keep only its last line
            if output.get("output_type") == "error" and is_test(cell):
                output["traceback"] = [f"{output.get('ename')}: {output.get('evalue')}"]
    feedback.defuse(nb)
    excess = len(nbformat.writes(nb)) - limits.notebook_mb * 2**20
    if excess <= 0:
        return
    reasons.append(f"the largest outputs were removed: the notebook grew past {limits.notebook_mb} MB")
    sizes = {id(c): len(json.dumps(c.outputs)) for c in nb.cells if c.get("outputs")}
    for cell in sorted((c for c in nb.cells if id(c) in sizes), key=lambda c: -sizes[id(c)]):
        errors = [o for o in cell.outputs if o.get("output_type") == "error"]
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                               text="[outputs removed: the notebook grew too large]\n"), *errors[:1]]
        excess -= sizes[id(cell)] - len(json.dumps(cell.outputs))
        if excess <= 0:
            break


def placeholder(nb, ledger: Ledger | None, limits: Limits):
    """A copy of ``nb`` (the sanitized submission, or the release) whose test cells have exactly the
    judge's confirmed points: the autograded notebook when grading broke down part-way."""
    nb = nbformat.from_dict(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    confirm(nb, ledger or Ledger())
    finish(nb, limits, [])
    return nb


def kernel_env(nb) -> dict[str, str]:
    """The environment of ``nb``'s grading kernel: the grading switches and the language its student reads."""
    return {**GRADING_ENV, "COURSE_LANG": notebook_language(nb)}


def run_judged(nb, limits: Limits, result: Result, sandbox: Sandbox | None = None) -> tuple[list[int], Ledger]:
    """Run the sanitized ``nb`` in a fresh sandbox with its judge listening.

    ``sandbox`` is one made for this notebook (perhaps started ahead, see :mod:`autograder.warm`);
    by default a new one. Returns the indices of the cells that ran and the judge's ledger; a run
    that breaks adds a reason.
    """
    ran = []
    with sandbox or Sandbox(limits, kernel_env(nb)) as sandbox, Judge(sandbox.judge, nb.cells) as judge:
        try:
            ran = execute(nb, sandbox, judge, limits, result)
        except Exception as exc:  # the kernel could not start, or the run broke: the judge still decides
            result.reasons.append(f"the notebook could not be run to the end ({type(exc).__name__}: "
                                  f"{clean_text(exc, 200)})")
    return ran, judge.ledger


@functools.lru_cache(maxsize=64)
def release_preloads(course: Course, assignment: str) -> tuple[str, ...]:
    """Return the modules the release notebook of ``assignment`` imports that a kernel started ahead preloads."""
    if not re.fullmatch(r"\w+", assignment):
        return ()
    try:
        return preloads(nbformat.read(course.notebook("release", assignment), as_version=4))
    except (OSError, ValueError):
        return ()


def grade_notebook(task: dict, limits: Limits, spares: Spares | None = None) -> Result:
    """Grade ``task`` ({path, student, assignment, notebook, root, next}); never raises.

    With ``spares``, the notebook runs in a kernel started ahead when one fits, and a kernel is started
    ahead for the next notebook, of assignment ``next`` (none when ``next`` is None)."""
    course = Course(Path(task["root"]))
    result = Result(task["student"], task["assignment"], task["notebook"])
    start = time.monotonic()
    release = ledger = None
    try:
        release = nbformat.read(course.notebook("release", task["assignment"], task["notebook"]), as_version=4)
        nb = read_submission(Path(task["path"]), limits)
        source = graded_cells(release)
        submitted_ids = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells
                         if isinstance(c.get("metadata", {}).get("nbgrader", {}), dict)}
        if len({i for i in submitted_ids if isinstance(i, str)} & set(source)) < len(source) / 2:
            raise Unreadable(f"{Path(task['path']).name} does not look like {task['assignment']}: most of its graded "
                             "cells are missing (another assignment's notebook?)")
        result.flags += submission_flags(nb, source)
        resources = {"nbgrader": {"db_url": course.db_url, "assignment": task["assignment"],
                                  "notebook": task["notebook"], "student": task["student"]}}
        try:
            nb = sanitize(nb, resources)
        except Exception as exc:  # hand-edited metadata nbgrader cannot read
            raise Unreadable(f"the notebook's nbgrader cell metadata is damaged ({type(exc).__name__}); "
                             "start again from a fresh copy of the release") from None
    except Unreadable as exc:
        result.status = "not graded"
        result.reasons.append(str(exc))
        result.seconds = time.monotonic() - start
        return result
    except Exception as exc:
        return _failed(result, release, None, limits, f"the submission could not be prepared ({type(exc).__name__})",
                       start)
    result.phases["prepare"] = round(time.monotonic() - start, 3)
    try:
        mark = time.monotonic()
        settings = (limits, kernel_env(nb), preloads(release))
        ran, ledger = run_judged(nb, limits, result, spares.take(*settings) if spares else None)
        result.phases["execute"] = round(time.monotonic() - mark - result.phases.get("start", 0), 3)
        if spares and task.get("next"):
            spares.prepare(limits, kernel_env(nb), release_preloads(course, task["next"]))
        mark = time.monotonic()
        confirm(nb, ledger)
        result.phases["judge"] = round(time.monotonic() - mark, 3)
        result.flags += run_flags(nb, ran, ledger, release)
        mark = time.monotonic()
        finish(nb, limits, result.reasons)
        result.executed = nbformat.writes(nb)
        result.phases["finish"] = round(time.monotonic() - mark, 3)
    except Exception as exc:  # whatever broke: this notebook keeps the points the judge confirmed
        return _failed(result, nb, ledger, limits, f"internal grader problem ({type(exc).__name__}: "
                                                       f"{clean_text(exc, 200)})", start)
    result.seconds = time.monotonic() - start
    return result


def _failed(result: Result, nb, ledger, limits: Limits, why: str, start: float) -> Result:
    result.reasons.append(why)
    result.executed = None
    if nb is not None:
        try:
            result.executed = nbformat.writes(placeholder(nb, ledger, limits))
        except Exception:
            pass  # the parent then saves the release with every test cell failed
    result.seconds = time.monotonic() - start
    return result


def main() -> None:
    """Serve tasks from the parent on the socket whose fd is ``sys.argv[1]`` until it closes."""
    channel = socket.socket(fileno=int(sys.argv[1]))
    os.set_inheritable(channel.fileno(), False)
    devnull = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1):  # nothing a library prints can reach the parent; stderr stays the worker's log
        os.dup2(devnull, fd)
    spares = Spares()
    while True:
        try:
            frame = receive_frame(channel, WORKER_FRAME_BYTES, None)
        except Exception:
            spares.close()
            return  # the parent is gone
        task, task_id = frame.get("task", {}), frame.get("task_id")
        try:
            if frame.get("kind") == "feedback":
                feedback.write(Course(Path(task["root"])), task["student"], task["assignment"], task["notebook"])
                answer = {"task_id": task_id, "ok": True}
            else:
                result = grade_notebook(task, Limits(**task["limits"]), spares)
                answer = {"task_id": task_id, "result": {**asdict(result), "flags": [asdict(f) for f in result.flags]}}
        except Exception as exc:  # report, never crash the worker
            answer = {"task_id": task_id, "ok": False, "error": f"{type(exc).__name__}: {clean_text(exc, 300)}"}
        send_frame(channel, answer)


if __name__ == "__main__":
    main()
