"""``python -m autograder.bench``: the course's speed, measured side by side (``make bench``).

Prints one markdown table and writes it to a file. Each figure is the median of
several runs; every ratio compares two figures measured in this same run. ``--tiny``
runs each measurement once on a small setting, to prove the script works (``make test``).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import nbformat
import numpy as np

from autograder.course_copy import make_course_copy, nbgrader_env
from autograder.submissions import ROOT, assignments, demo_submissions

Row = tuple[str, str, str]  # (what, figure, how it was measured)


def median_seconds(action, repeats: int) -> float:
    """Return the median wall time of ``action()`` over ``repeats`` runs."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _run(cmd, cwd, env=None) -> None:
    subprocess.run(cmd, cwd=cwd, env=env or nbgrader_env(), check=True, capture_output=True)


def _execute(nb, cwd, grading: bool) -> None:
    from nbclient import NotebookClient

    env = dict(os.environ, PYTHONPATH=str(ROOT), MPLBACKEND="Agg", TF_CPP_MIN_LOG_LEVEL="2")
    env.pop("COURSE_GRADING", None)
    if grading:
        env["COURSE_GRADING"] = "1"
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)
    try:
        NotebookClient(nb, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def grading_floor(repeats: int) -> tuple[float, float, list[Row]]:
    """A kernel start with one trivial cell, and TensorFlow's import: what grading cannot go below."""
    trivial = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1")])
    from autograder.userns import runs_as_host_root

    kernel = median_seconds(lambda: _execute(trivial, tempfile.gettempdir(), True), repeats)
    sandboxed = median_seconds(lambda: _sandboxed(trivial, warm=False), repeats)
    tf = median_seconds(lambda: _run([sys.executable, "-c", "import tensorflow"], ROOT,
                                     dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")), repeats)
    rows = [("kernel start + one trivial cell", f"{kernel:.2f} s", f"median of {repeats}"),
            ("the same in a bubblewrap sandbox of its own, judge listening", f"{sandboxed:.2f} s",
             f"median of {repeats}; {sandboxed - kernel:+.2f} s against the plain kernel, whose client waits "
             "0.2 s more for IOPub to fall silent")]
    if runs_as_host_root():
        _sandboxed(trivial, warm=True)  # the worker's template starts once
        forked = median_seconds(lambda: _sandboxed(trivial, warm=True), repeats)
        rows.append(("the same forked from a worker's warm template (root grader), judge listening",
                     f"{forked:.2f} s", f"median of {repeats}, the template started before"))
    return kernel, tf, rows + [("`import tensorflow`", f"{tf:.2f} s", f"median of {repeats}, fresh process")]


def _sandboxed(nb, warm: bool) -> None:
    from autograder.limits import Limits
    from autograder.sandbox import Sandbox
    from autograder.wire import Result
    from autograder.worker import kernel_env, run_judged

    nb = nbformat.from_dict(nb)
    result = Result("bench", "bench", "bench")
    run_judged(nb, Limits(), result, Sandbox(Limits(), kernel_env(nb), warm=warm))
    if result.reasons:
        raise RuntimeError(f"the sandboxed kernel failed: {result.reasons}")


def _write(root: Path, students: dict[str, dict[str, object]]) -> None:
    for assignment, by_student in students.items():
        for student, nb in by_student.items():
            path = root / "submitted" / student / assignment / f"{assignment}.ipynb"
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, path)


def _scores(root: Path) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        return {(sub.student.id, assignment.name, grade.name): grade.score
                for assignment in gb.assignments for sub in assignment.submissions
                for notebook in sub.notebooks for grade in notebook.grades}


# How often the timed grading runs are looked at for memory. Each look reads the smaps_rollup of every process of
# the workers (about 3 ms for one that has mapped TensorFlow): every 0.2 s, it took 1.6 CPU seconds of a 16 s course
# run, 5 % of a 2-core machine, from the grader it timed. Memory plateaus last seconds; a look a second costs 1 %.
MEMORY_LOOK_SECONDS = 1.0


def _grade(root: Path, args: list[str]) -> tuple[float, str]:
    """Run the project's grading command in ``root``; return its wall time and the peak memory of its largest
    worker (the worker process with everything it started: its warm template, its kernel, the spare), as a
    phrase."""
    import psutil

    start = time.perf_counter()
    command = psutil.Popen([sys.executable, "-m", "autograder", "grade", *args], cwd=root, env=nbgrader_env(),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pss = rss = 0.0
    while True:
        for worker in _children(command, recursive=False):
            tree_pss, tree_rss = _tree_mb(worker)
            pss, rss = max(pss, tree_pss), max(rss, tree_rss)
        try:
            command.wait(timeout=MEMORY_LOOK_SECONDS)  # not a sleep: the run's end is seen when it comes
            break
        except psutil.TimeoutExpired:
            pass
    if command.returncode != 0:
        raise RuntimeError(f"grading in {root} exited with {command.returncode}")
    return time.perf_counter() - start, (f"peak memory of a worker with its template and kernels {pss:,.0f} MB "
                                         f"(PSS: pages shared between its processes counted once; the sum of RSS "
                                         f"{rss:,.0f} MB)")


def _children(process, recursive: bool) -> list:
    try:
        return process.children(recursive=recursive)
    except Exception:  # it ended between two looks
        return []


def _tree_mb(process) -> tuple[float, float]:
    """Return the PSS and RSS (MB) of ``process`` and its descendants, each summed."""
    pss = rss = 0
    for member in [process, *_children(process, recursive=True)]:
        try:
            info = member.memory_full_info()
            pss, rss = pss + info.pss, rss + info.rss
        except Exception:  # it ended between two looks
            pass
    return pss / 2**20, rss / 2**20


def one_student(chosen: list[str], floor: float, tf: float) -> list[Row]:
    """The reference submission of every assignment, graded by the project's grader with 1 and 2 workers."""
    rows = []
    course_floor = floor * len(chosen) + (tf if "06_keras_mnist" in chosen else 0)
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            root = make_course_copy(Path(tmp), chosen)
            _write(root, {a: {"reference": demo_submissions(a)["reference"]} for a in chosen})
            seconds, memory = _grade(root, [*chosen, "--workers", str(workers)])
        rows.append((f"one student's course ({len(chosen)} notebooks), project grader, {workers} worker(s)",
                     f"{seconds:.1f} s", "one run; a cold kernel per notebook"
                     + (" + TensorFlow import" if "06_keras_mnist" in chosen else "")
                     + f" would be {course_floor:.1f} s of work (a root grader forks warm ones); {memory}"))
    return rows


def _stock_config(root: Path) -> None:
    """Make ``root``'s nbgrader_config.py stock: nbgrader's own Execute, no sandbox, no judge."""
    config = root / "nbgrader_config.py"
    text = config.read_text()
    config.write_text(text[:text.index("c.Autograde.autograde_preprocessors")])


def cohort(chosen: list[str], size: int, workers: int) -> list[Row]:
    """``size`` submissions graded by stock serial ``nbgrader autograde`` (hidden tests import the reference in
    the student's kernel), by the project's grader, and by the project's grader on a LocalCluster of
    ``workers`` Dask workers; the scores must agree."""
    from distributed import LocalCluster

    mix = {}
    kinds = ["reference", "untouched", "beginner"]
    for i in range(size):
        assignment = chosen[i % len(chosen)]
        kind = kinds[(i // len(chosen)) % len(kinds)]
        mix.setdefault(assignment, {})[f"s{i:02d}-{kind}"] = demo_submissions(assignment)[kind]
    with tempfile.TemporaryDirectory() as tmp:
        root = make_course_copy(Path(tmp) / "stock", chosen)
        _write(root, mix)
        _stock_config(root)
        env = dict(nbgrader_env(), PYTHONPATH=str(root), COURSE_GRADING="1", MPLBACKEND="Agg",
                   TF_CPP_MIN_LOG_LEVEL="3")
        start = time.perf_counter()
        for assignment in mix:
            _run([sys.executable, "-m", "nbgrader", "autograde", assignment], root, env)
        stock = time.perf_counter() - start
        stock_scores = _scores(root)

        root = make_course_copy(Path(tmp) / "ours", chosen)
        _write(root, mix)
        ours, memory = _grade(root, [*mix, "--workers", str(workers)])
        same = _scores(root) == stock_scores
        per_notebook = _per_notebook(root / "reports" / "grades.csv")

        root = make_course_copy(Path(tmp) / "dask", chosen)
        _write(root, mix)
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster:
            dask, _ = _grade(root, [*mix, "--workers", "1", "--scheduler", cluster.scheduler_address])
        same_dask = _scores(root) == stock_scores
    return [(f"cohort of {size} notebooks: stock `nbgrader autograde`, serial", f"{stock:.1f} s",
             "one run; nbgrader's own Execute, no sandbox"),
            (f"cohort of {size} notebooks: project grader, {workers} workers", f"{ours:.1f} s",
             f"one run; {stock / ours:.2f}× faster than stock; scores identical: {'yes' if same else 'NO'}; "
             f"{memory}"),
            (f"cohort of {size} notebooks: project grader on a {workers}-worker Dask LocalCluster", f"{dask:.1f} s",
             f"one run; {dask / ours - 1:+.0%} against the local run; scores identical: {'yes' if same_dask else 'NO'}"),
            ("seconds per notebook in the cohort run (median per assignment)", per_notebook, "from reports/grades.csv")]


def _per_notebook(csv_path: Path) -> str:
    import csv

    seconds = {}
    with csv_path.open() as f:
        for row in csv.DictReader(f):
            seconds.setdefault(row["assignment"], {})[row["student"]] = float(row["seconds"])
    return ", ".join(f"{a[:2]}: {statistics.median(v.values()):.1f} s" for a, v in sorted(seconds.items()))


def student_runs(chosen: list[str], grading: bool) -> list[Row]:
    """Each source notebook executed top to bottom as a student runs it."""
    rows = []
    for assignment in chosen:
        nb = nbformat.read(ROOT / "source" / assignment / f"{assignment}.ipynb", as_version=4)
        seconds = median_seconds(lambda: _execute(nb, ROOT / "source" / assignment, grading), 1)
        rows.append((f"student run of {assignment}" + (" (COURSE_GRADING=1)" if grading else ""),
                     f"{seconds:.1f} s", "one run, top to bottom" + ("" if grading or seconds <= 90
                                                                    else " — over the 90 s goal")))
    return rows


def numerics(tiny: bool, repeats: int) -> list[Row]:
    """The numbers the course teaches, timed: gradients, inference, training."""
    from autograder.reference.backpropagation import TwoLayerNet
    from autograder.reference.forward_propagation import predict
    from course.datasets import load_mnist
    from course.pretrained import load_sample_weights

    rows = []
    (x_train, t_train), (x_test, t_test) = load_mnist(one_hot_label=True)
    np.random.seed(0)
    net = TwoLayerNet(784, 10 if tiny else 50, 10)
    x, t = x_train[:3], t_train[:3]
    numerical = median_seconds(lambda: net.numerical_gradient(x, t), 1)
    backprop = median_seconds(lambda: net.gradient(x, t), repeats * 20)
    a, b = net.numerical_gradient(x, t), net.gradient(x, t)
    diff = max(float(np.max(np.abs(a[k] - b[k]))) for k in a)
    rows.append(("TwoLayerNet gradient on a batch of 3: numerical vs backprop", f"{numerical / backprop:,.0f}×",
                 f"numerical {numerical:.2f} s, backprop {backprop * 1e3:.2f} ms; max |difference| {diff:.1e}"))

    network = load_sample_weights()
    images = x_test[:500] if tiny else x_test
    single = median_seconds(lambda: [predict(network, image) for image in images], repeats)
    batched = median_seconds(lambda: [predict(network, images[i:i + 100]) for i in range(0, len(images), 100)],
                             repeats)
    rows.append((f"MNIST inference on {len(images):,} images: one at a time vs batches of 100",
                 f"{single / batched:.1f}×", f"{single:.2f} s vs {batched:.3f} s, median of {repeats}"))

    rows.append(_train_backprop(x_train, t_train, x_test, t_test, tiny))
    rows.append(_train_keras(tiny))
    return rows


def _train_backprop(x_train, t_train, x_test, t_test, tiny) -> Row:
    from autograder.reference.backpropagation import TwoLayerNet

    np.random.seed(0)
    net = TwoLayerNet(784, 100, 10, weight_init_std=0.1)
    target, batch, lr = 0.97, 100, 0.1
    steps_per_epoch = len(x_train) // batch
    start, accuracy, epochs = time.perf_counter(), 0.0, 0
    while accuracy < target and epochs < (1 if tiny else 30):
        order = np.random.permutation(len(x_train))
        for step in range(2 if tiny else steps_per_epoch):
            idx = order[step * batch:(step + 1) * batch]
            grads = net.gradient(x_train[idx], t_train[idx])
            for key in net.params:
                net.params[key] -= lr * grads[key]
        epochs += 1
        accuracy = float(net.accuracy(x_test, t_test))
    seconds = time.perf_counter() - start
    return ("backprop TwoLayerNet (784-100-10, SGD lr 0.1, batch 100) to 0.97 test accuracy",
            f"{seconds:.1f} s", f"{epochs} epochs, test accuracy {accuracy:.4f}"
            + (" (tiny: 2 steps only)" if tiny else ""))


def _train_keras(tiny) -> Row:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    from autograder.reference.keras_mnist import build_model, prepare_images
    from course.datasets import load_data

    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = load_data()
    if tiny:
        x_train, y_train, x_test, y_test = x_train[:1000], y_train[:1000], x_test[:1000], y_test[:1000]
    model = build_model()
    epochs = 1 if tiny else 5
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        model.fit(prepare_images(x_train), y_train, epochs=1, batch_size=128, verbose=0)
        times.append(time.perf_counter() - start)
    _, accuracy = model.evaluate(prepare_images(x_test), y_test, verbose=0)
    return ("Keras Dense(512)→Dense(10), one epoch on MNIST, batch 128", f"{statistics.median(times):.1f} s",
            f"median of {epochs} epochs; test accuracy after {epochs}: {accuracy:.4f}"
            + (" (tiny: 1,000 images)" if tiny else ""))


def main(argv=None) -> None:
    """Measure everything and print/write the table."""
    parser = argparse.ArgumentParser(prog="python -m autograder.bench", description=__doc__)
    parser.add_argument("--tiny", action="store_true", help="one quick run of everything on small settings")
    parser.add_argument("--out", type=Path, default=ROOT / "reports" / "bench.md")
    args = parser.parse_args(argv)
    repeats = 1 if args.tiny else 5
    chosen = assignments()[:1] if args.tiny else assignments()
    workers = os.cpu_count() or 1

    rows: list[Row] = []
    # as `make release` does: the judge's expectations are computed once per course, not per grading run
    _run([sys.executable, "-m", "autograder.expectations"], ROOT)
    floor, tf, measured = grading_floor(repeats if not args.tiny else 1)
    rows += measured
    rows += one_student(chosen, floor, tf)
    rows += cohort(chosen, 2 if args.tiny else 60, workers)
    rows += student_runs(chosen, grading=args.tiny)
    rows += numerics(args.tiny, 1 if args.tiny else 3)

    header = (f"Benchmarks of {date.today().isoformat()} on {platform.machine()} with {os.cpu_count()} cores "
              f"(Python {platform.python_version()}){' — tiny setting' if args.tiny else ''}. "
              "The judge's expectations were computed before grading, as `make release` does.\n\n"
              "| measurement | figure | how |\n|---|---|---|\n")
    table = header + "\n".join(f"| {what} | {figure} | {how} |" for what, figure, how in rows) + "\n"
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(table)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
