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
    kernel = median_seconds(lambda: _execute(trivial, tempfile.gettempdir(), True), repeats)
    sandboxed = median_seconds(lambda: _sandboxed(trivial), repeats)
    tf = median_seconds(lambda: _run([sys.executable, "-c", "import tensorflow"], ROOT,
                                     dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")), repeats)
    return kernel, tf, [("kernel start + one trivial cell", f"{kernel:.2f} s", f"median of {repeats}"),
                        ("the same in the grader's sandbox, judge listening", f"{sandboxed:.2f} s",
                         f"median of {repeats}; the sandbox costs {sandboxed - kernel:+.2f} s per notebook"),
                        ("`import tensorflow`", f"{tf:.2f} s", f"median of {repeats}, fresh process")]


def _sandboxed(nb) -> None:
    from autograder.limits import Limits
    from autograder.wire import Result
    from autograder.worker import run_judged

    result = Result("bench", "bench", "bench")
    run_judged(nbformat.from_dict(nb), Limits(), result)
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


def one_student(chosen: list[str], floor: float, tf: float) -> list[Row]:
    """The reference submission of every assignment, graded by the project's grader."""
    with tempfile.TemporaryDirectory() as tmp:
        root = make_course_copy(Path(tmp), chosen)
        _write(root, {a: {"reference": demo_submissions(a)["reference"]} for a in chosen})
        start = time.perf_counter()
        _run([sys.executable, "-m", "autograder", "grade", *chosen, "--workers", "1"], root)
        seconds = time.perf_counter() - start
    course_floor = floor * len(chosen) + (tf if "06_keras_mnist" in chosen else 0)
    return [(f"one student's course ({len(chosen)} notebooks), project grader, 1 worker", f"{seconds:.1f} s",
             f"{seconds / course_floor:.1f}× the floor ({course_floor:.1f} s: one kernel per notebook"
             + (" + TensorFlow import" if "06_keras_mnist" in chosen else "") + ")")]


def cohort(chosen: list[str], size: int, workers: int) -> list[Row]:
    """``size`` submissions graded by plain serial ``nbgrader autograde`` (which ``nbgrader_config.py`` runs
    through the same sandbox and judge) and by the project's grader; scores must agree."""
    mix = {}
    kinds = ["reference", "untouched", "beginner"]
    for i in range(size):
        assignment = chosen[i % len(chosen)]
        kind = kinds[(i // len(chosen)) % len(kinds)]
        mix.setdefault(assignment, {})[f"s{i:02d}-{kind}"] = demo_submissions(assignment)[kind]
    with tempfile.TemporaryDirectory() as tmp:
        root = make_course_copy(Path(tmp), chosen)
        _write(root, mix)
        start = time.perf_counter()
        for assignment in mix:
            _run([sys.executable, "-m", "nbgrader", "autograde", assignment], root)
        stock = time.perf_counter() - start
        stock_scores = _scores(root)
        start = time.perf_counter()
        _run([sys.executable, "-m", "autograder", "grade", *mix, "--force", "--workers", str(workers)], root)
        ours = time.perf_counter() - start
        same = _scores(root) == stock_scores
    return [(f"cohort of {size}: plain `nbgrader autograde` (sandboxed), serial", f"{stock:.1f} s", "one run"),
            (f"cohort of {size}: project grader, {workers} workers", f"{ours:.1f} s",
             f"one run; {stock / ours:.2f}× faster than plain nbgrader; scores identical: {'yes' if same else 'NO'}")]


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
    floor, tf, measured = grading_floor(repeats if not args.tiny else 1)
    rows += measured
    rows += one_student(chosen, floor, tf)
    rows += cohort(chosen, 2 if args.tiny else 20, workers)
    rows += student_runs(chosen, grading=args.tiny)
    rows += numerics(args.tiny, 1 if args.tiny else 3)

    header = (f"Benchmarks of {date.today().isoformat()} on {platform.machine()} with {os.cpu_count()} cores "
              f"(Python {platform.python_version()}){' — tiny setting' if args.tiny else ''}.\n\n"
              "| measurement | figure | how |\n|---|---|---|\n")
    table = header + "\n".join(f"| {what} | {figure} | {how} |" for what, figure, how in rows) + "\n"
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(table)
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
