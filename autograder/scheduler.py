"""The grading command's parent: finds the work, hands it to worker processes, writes every result.

Each worker (``python -m autograder.worker``) talks to this process over its own socket pair,
never over stdin/stdout (which are ``/dev/null``); every answer is validated against the task
it answers (:mod:`autograder.wire`) and read with a time limit. Garbage, silence or a dead
worker costs that one task a note; the worker is replaced and the batch goes on. This process
is the only writer of the gradebook (:mod:`autograder.store`), and holds a lock file while it
writes, removed at the end however the run ends.
"""

from __future__ import annotations

import fcntl
import itertools
import queue
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, replace

from nbgrader.api import Gradebook, MissingEntry
from tqdm import tqdm

from autograder import intake, store
from autograder.course_copy import nbgrader_env
from autograder.intake import Rejected, Task
from autograder.limits import WORKER_FRAME_BYTES, Limits
from autograder.paths import Course
from autograder.wire import BadMessage, Result, receive_frame, result_from_frame, send_frame


class GradingError(RuntimeError):
    """The command cannot start (no such assignment, gradebook locked, no sandbox, ...)."""


def notebooks_of(course: Course, assignment: str) -> list[str]:
    """Return the notebook names of ``assignment`` as the gradebook knows them (after `make release`)."""
    try:
        with Gradebook(course.db_url) as gb:
            return [nb.name for nb in gb.find_assignment(assignment).notebooks]
    except MissingEntry:
        raise GradingError(f"assignment {assignment!r} is not in the gradebook: run `make release` first") from None


class Worker:
    """A long-lived worker process (imports paid once), replaced when it fails."""

    _ids = itertools.count(1)

    def __init__(self, course: Course):
        self.course = course
        self.proc = None
        self.channel = None

    def _start(self) -> None:
        self.channel, theirs = socket.socketpair()
        self.proc = subprocess.Popen([sys.executable, "-m", "autograder.worker", str(theirs.fileno())],
                                     cwd=self.course.root, env=nbgrader_env(), pass_fds=[theirs.fileno()],
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        theirs.close()

    def stop(self) -> None:
        """End the worker process."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.channel:
            self.channel.close()
        self.proc = self.channel = None

    def _ask(self, kind: str, task: dict, timeout: float) -> dict:
        if self.proc is None or self.proc.poll() is not None:
            self.stop()
            self._start()
        task_id = next(self._ids)
        send_frame(self.channel, {"kind": kind, "task_id": task_id, "task": task})
        frame = receive_frame(self.channel, WORKER_FRAME_BYTES, timeout)
        if frame.get("task_id") != task_id:
            raise BadMessage("an answer to another task")
        return frame

    def grade(self, task: Task, limits: Limits, next_assignment: str | None) -> Result:
        """Grade one task; whatever happens in the worker, return a Result.

        ``next_assignment`` is the likely assignment of this worker's next notebook, whose kernel it starts
        ahead (None: no notebook follows, start none)."""
        if task.path is None:
            return Result(task.student, task.assignment, task.notebook, status="not graded", reasons=list(task.notes))
        spec = {"path": str(task.path), "student": task.student, "assignment": task.assignment,
                "notebook": task.notebook, "root": str(self.course.root), "limits": asdict(limits),
                "next": next_assignment}
        start = time.monotonic()
        try:
            frame = self._ask("grade", spec, limits.notebook_seconds + 60)
            result = result_from_frame(frame, spec)
        except (OSError, BadMessage) as exc:
            self.stop()
            return Result(task.student, task.assignment, task.notebook, status="not graded",
                          reasons=task.notes + [f"the grading process failed ({exc}) and was replaced"],
                          seconds=time.monotonic() - start)
        result.reasons = task.notes + result.reasons
        return result

    def feedback(self, task: Task) -> str | None:
        """Have the worker write the task's HTML feedback; return an error message or None."""
        spec = {"student": task.student, "assignment": task.assignment, "notebook": task.notebook,
                "root": str(self.course.root)}
        try:
            answer = self._ask("feedback", spec, 300)
        except (OSError, BadMessage) as exc:
            self.stop()
            return str(exc)
        return None if answer.get("ok") is True else str(answer.get("error", "unknown error"))[:300]


def grade(course: Course, assignments: list[str], workers: int, limits: Limits, force: bool = False,
          students: list[str] | None = None, quiet: bool = False, cluster: str | None = None,
          worker_root: str | None = None) -> tuple[list[dict], list[Rejected]]:
    """Grade every submission of ``assignments``; return one summary per notebook and the rejected folders.

    ``cluster`` (a Dask scheduler address) grades on its workers, which find the course at ``worker_root``
    (default: the same path as here); this process still writes every result. ``limits.threads`` 0 gives each
    kernel its share of this machine's cores (one thread each on a Dask worker, which grades on one core)."""
    from autograder.sandbox import SandboxUnavailable, require_bwrap

    if not limits.threads:
        limits = replace(limits, threads=1 if cluster else Limits.threads_for(workers))

    try:
        require_bwrap()
    except SandboxUnavailable as exc:
        raise GradingError(str(exc)) from None
    with open(course.lock, "a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise GradingError("another grading run is using this course directory; wait for it to finish") from None
        try:
            return _grade_locked(course, assignments, workers, limits, force, students, quiet, cluster, worker_root)
        finally:
            course.lock.unlink(missing_ok=True)


def _grade_locked(course, assignments, workers, limits, force, students, quiet, cluster, worker_root):
    expected = {a: notebooks_of(course, a) for a in assignments}  # fail before grading if one is not released
    summaries, todo, rejected = [], [], []
    # Later lessons are the slow ones (TensorFlow): start them first so no worker idles at the end.
    for assignment in sorted(assignments, reverse=True):
        tasks, refused = intake.find_tasks(course, assignment, expected[assignment], students)
        rejected += refused
        for task in tasks:
            digest = store.fingerprint(task) if task.path else "missing"
            previous = None if force else store.read_marker(course, task, digest)
            if previous is not None:
                summaries.append(previous)  # graded, unchanged: resume
            else:
                todo.append((task, digest))
    return summaries + _grade_all(course, todo, workers, limits, quiet, cluster, worker_root), rejected


def _grade_all(course: Course, todo: list, workers: int, limits: Limits, quiet: bool,
               cluster: str | None = None, worker_root: str | None = None) -> list[dict]:
    """Grade ``todo`` [(task, digest)] with ``workers`` local worker processes, or on the Dask ``cluster``
    (then the local workers only write feedback); save each result as it arrives."""
    summaries, problems = [], 0
    bar = tqdm(total=len(todo), desc="grading", unit="notebook", disable=quiet or not todo)
    idle = queue.Queue()
    pool_size = max(1, min(workers, len(todo)))
    for _ in range(pool_size):
        idle.put(Worker(course))
    writing = threading.Lock()  # one writer at a time: the gradebook is never written concurrently

    def keep(task: Task, result: Result, worker: Worker) -> Result:
        """Save ``result`` (this process is the only writer), then have ``worker`` write its feedback."""
        stamp, note = intake.timestamp(course, task.student, task.assignment)
        if note:
            result.reasons.append(note)
        mark = time.monotonic()
        with writing:
            try:
                store.save(course, result, stamp)
            except Exception as exc:  # e.g. a grade id nbgrader does not know: this notebook only
                result.status = "not graded"
                result.reasons.append(f"the result could not be saved ({type(exc).__name__}: {str(exc)[:200]})")
                return result
        result.phases["save"] = round(time.monotonic() - mark, 3)
        mark = time.monotonic()
        problem = worker.feedback(task)
        result.phases["feedback"] = round(time.monotonic() - mark, 3)
        if problem:
            result.reasons.append(f"feedback could not be written ({problem})")
        return result

    def with_worker(job):
        worker = idle.get()
        try:
            return job(worker)
        finally:
            idle.put(worker)

    finished = queue.Queue()  # (task, future) as each notebook is saved and has its feedback
    submitted = set()

    def submit(pool, task: Task, job) -> None:
        submitted.add(id(task))
        pool.submit(job).add_done_callback(lambda future: finished.put((task, future)))

    # A worker's next notebook is likely the one a pool's length further down the queue (none near the end).
    upcoming = {id(task): todo[i + pool_size][0].assignment if i + pool_size < len(todo) else None
                for i, (task, _) in enumerate(todo)}

    def grade_here(pool, task: Task) -> None:
        submit(pool, task, lambda: with_worker(
            lambda worker: keep(task, worker.grade(task, limits, upcoming[id(task)]), worker)))

    def save_later(pool, task: Task, result: Result) -> None:
        submit(pool, task, lambda: with_worker(lambda worker: keep(task, result, worker)))

    def feed(pool) -> None:
        if not cluster:
            for task, _ in todo:
                grade_here(pool, task)
            return
        from autograder.cluster import grade_on_cluster

        try:
            for task, result in grade_on_cluster(cluster, course, [task for task, _ in todo], limits, worker_root):
                save_later(pool, task, result)
        except Exception as exc:  # the cluster went away: what did not come back is saved as not graded, with why
            lost = f"the Dask cluster failed ({type(exc).__name__}: {str(exc)[:200]})"
            for task, _ in todo:
                if id(task) not in submitted:
                    save_later(pool, task, Result(task.student, task.assignment, task.notebook,
                                                  status="not graded", reasons=[*task.notes, lost]))

    digests = {id(task): digest for task, digest in todo}
    try:
        with ThreadPoolExecutor(max_workers=pool_size) as pool:
            producer = threading.Thread(target=feed, args=(pool,), daemon=True)
            producer.start()
            for _ in todo:
                task, future = finished.get()
                try:
                    result = future.result()
                except Exception as exc:  # a bug of ours: this notebook is reported, the batch goes on
                    result = Result(task.student, task.assignment, task.notebook, status="not graded",
                                    reasons=[f"internal grader error ({type(exc).__name__}: {str(exc)[:200]})"])
                summary = {k: v for k, v in asdict(result).items() if k != "executed"}
                if result.status == "graded":
                    store.write_marker(course, task, digests[id(task)], summary)
                summaries.append(summary)
                problems += result.status != "graded" or bool(result.reasons)
                bar.set_postfix(problems=problems, flagged=sum(bool(s["flags"]) for s in summaries))
                bar.update()
            producer.join()
    finally:
        bar.close()
        while not idle.empty():
            idle.get().stop()
    return summaries
