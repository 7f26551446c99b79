"""Grading on a Dask cluster: ``python -m autograder grade --scheduler tcp://HOST:PORT``.

The grading command (the parent) sends each notebook, as bytes, to the cluster's workers
(started with ``dask worker`` from the course's environment, each machine with a copy of the
course folder: release notebooks, gradebook and ``autograder/``). On a Dask worker,
:func:`grade_remote` hands the notebook to a grading worker process of that machine
(:class:`autograder.scheduler.Worker`: the same process, sandboxes and judge as a local run), and
returns its result. Results come back as they finish; the parent validates each one like a local
worker's answer and stays the only writer of the gradebook and the feedback. A Dask worker that
dies loses nothing: the scheduler gives its tasks to another worker.
"""

from __future__ import annotations

import tempfile
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Iterator

from autograder.intake import Task
from autograder.limits import Limits
from autograder.paths import Course
from autograder.wire import BadMessage, Result, result_from_frame
from autograder.worker import Unreadable, submission_bytes

_local = threading.local()  # one grading worker process per Dask worker thread, kept warm between tasks


def grade_remote(spec: dict, notebook: bytes, limits: dict) -> dict:
    """On a Dask worker: grade ``notebook`` (the submitted file's bytes) for ``spec`` ({student, assignment,
    notebook, root}) under ``limits``; return the result as a dict (the form a worker answers in)."""
    from autograder.scheduler import Worker

    root = Path(spec["root"])
    worker = getattr(_local, "worker", None)
    if worker is None or worker.course.root != root:
        worker = _local.worker = Worker(Course(root))
    with tempfile.TemporaryDirectory(prefix="grading-") as folder:  # private (0700) to this Dask worker
        path = Path(folder) / f"{spec['notebook']}.ipynb"
        path.write_bytes(notebook)
        # which notebook this Dask worker gets next is the cluster's choice: guess one of the same assignment
        result = worker.grade(Task(spec["student"], spec["assignment"], spec["notebook"], path), Limits(**limits),
                              spec["assignment"])
    return {**asdict(result), "flags": [asdict(flag) for flag in result.flags]}


def grade_on_cluster(address: str, course: Course, tasks: list[Task], limits: Limits,
                     worker_root: str | None = None) -> Iterator[tuple[Task, Result]]:
    """Grade ``tasks`` on the Dask cluster at ``address``; yield ``(task, result)`` as each finishes.

    The workers find the course at ``worker_root`` (default: this course's path). Raises
    ``OSError`` when the scheduler cannot be reached."""
    from distributed import Client, as_completed

    root = worker_root or str(course.root)
    with Client(address, timeout="10s") as client:
        futures = {}
        for task in tasks:
            if task.path is None:
                yield task, Result(task.student, task.assignment, task.notebook, status="not graded",
                                   reasons=list(task.notes))
                continue
            try:
                notebook = submission_bytes(task.path, limits)
            except (Unreadable, OSError) as exc:  # the worker would refuse it the same way: nothing to send
                yield task, Result(task.student, task.assignment, task.notebook, status="not graded",
                                   reasons=[*task.notes, str(exc)])
                continue
            spec = {"student": task.student, "assignment": task.assignment, "notebook": task.notebook, "root": root}
            future = client.submit(grade_remote, spec, notebook, asdict(limits), pure=False, retries=1,
                                   key=f"grade-{task.assignment}-{task.student}-{task.notebook}-{len(futures)}")
            futures[future] = (task, spec)
        for future in as_completed(futures):
            task, spec = futures[future]
            try:
                result = result_from_frame({"result": future.result()}, spec)
            except BadMessage as exc:
                result = Result(task.student, task.assignment, task.notebook, status="not graded",
                                reasons=[f"the Dask worker's answer was refused ({exc})"])
            except Exception as exc:  # the task failed on every worker it was tried on
                result = Result(task.student, task.assignment, task.notebook, status="not graded",
                                reasons=[f"grading failed on the cluster ({type(exc).__name__}: {str(exc)[:200]})"])
            result.reasons = task.notes + result.reasons
            yield task, result
