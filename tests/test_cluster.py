"""Grading on a Dask cluster (autograder.cluster) gives the scores of a local run, keeps the command the only
writer, and loses nothing when a Dask worker dies mid-run. The cluster is a LocalCluster of processes."""

import os
import signal
import threading
import time
from pathlib import Path

import nbformat
import pytest
from distributed import Client, LocalCluster
from nbgrader.api import Gradebook

from autograder.limits import Limits
from autograder.paths import Course
from autograder.scheduler import grade
from autograder.submissions import demo_submissions
from conftest import make_course_copy

ASSIGNMENT = "02_perceptron"
STUDENTS = {f"{kind}-{i}": kind for i in range(1) for kind in ("reference", "untouched", "beginner")}


def _course(tmp: Path) -> Course:
    root = make_course_copy(tmp, [ASSIGNMENT])
    notebooks = demo_submissions(ASSIGNMENT)
    for student, kind in STUDENTS.items():
        path = root / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
        path.parent.mkdir(parents=True)
        nbformat.write(notebooks[kind], path)
    return Course(root)


def _scores(course: Course) -> dict:
    with Gradebook(course.db_url) as gb:
        return {(sub.student.id, grade.name): grade.score for sub in gb.find_assignment(ASSIGNMENT).submissions
                for notebook in sub.notebooks for grade in notebook.grades}


@pytest.fixture(scope="module")
def local_scores(tmp_path_factory):
    course = _course(tmp_path_factory.mktemp("local"))
    summaries, _ = grade(course, [ASSIGNMENT], 2, Limits(), quiet=True)
    assert all(s["status"] == "graded" for s in summaries)
    return _scores(course)


@pytest.fixture(scope="module")
def cluster():
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


def test_the_cluster_gives_the_local_scores(tmp_path, cluster, local_scores):
    course = _course(tmp_path)
    summaries, _ = grade(course, [ASSIGNMENT], 1, Limits(), quiet=True, cluster=cluster.scheduler_address)
    assert len(summaries) == len(STUDENTS) and all(s["status"] == "graded" for s in summaries), summaries
    assert _scores(course) == local_scores
    assert len({score for (student, _), score in local_scores.items() if student.startswith("reference")}) >= 1
    for student in STUDENTS:
        assert (course.root / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html").is_file()


def test_a_dask_worker_lost_mid_run_loses_nothing(tmp_path, cluster, local_scores):
    course = _course(tmp_path)
    outcome = {}
    run = threading.Thread(target=lambda: outcome.update(
        zip(("summaries", "rejected"), grade(course, [ASSIGNMENT], 1, Limits(), quiet=True,
                                              cluster=cluster.scheduler_address))))
    run.start()
    with Client(cluster.scheduler_address) as client:
        deadline = time.monotonic() + 120
        busy = []
        while not busy and time.monotonic() < deadline:
            busy = [address for address, keys in client.processing().items() if keys]
            time.sleep(0.2)
        assert busy, "no task reached a worker"
        pids = client.run(os.getpid, workers=busy[:1])
        os.kill(pids[busy[0]], signal.SIGKILL)
    run.join(timeout=600)
    assert not run.is_alive()
    summaries = outcome["summaries"]
    assert len(summaries) == len(STUDENTS) and all(s["status"] == "graded" for s in summaries), summaries
    assert _scores(course) == local_scores


def test_an_unreachable_scheduler_costs_notes_not_the_batch(tmp_path, local_scores):
    course = _course(tmp_path)
    summaries, _ = grade(course, [ASSIGNMENT], 1, Limits(), quiet=True, cluster="tcp://127.0.0.1:9")
    assert len(summaries) == len(STUDENTS)
    assert all(s["status"] == "not graded" and "Dask cluster failed" in s["reasons"][0] for s in summaries)
    for student in STUDENTS:  # the instructor's record says why: an autograded notebook and a gradebook row
        assert (course.root / "autograded" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    assert set(_scores(course)) == set(local_scores)
    assert not course.lock.exists()
