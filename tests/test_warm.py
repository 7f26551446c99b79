"""Kernels started ahead (autograder.warm): a spare is a fresh sandbox that serves exactly one notebook,
has its preloads imported before the notebook arrives, and keeps nothing of the kernel before it."""

import nbformat
import pytest

from autograder.limits import Limits
from autograder.warm import Spares, preloads
from autograder.paths import Course
from autograder.worker import grade_notebook, kernel_env, release_preloads
from conftest import make_course_copy, read, run_in_sandbox

LEFT_BEHIND = """
import os, sys, numpy
open('/tmp/left-behind', 'w').write('x')
open(os.path.expanduser('~/left-behind'), 'w').write('x')
numpy.left_behind = 42
sys.modules['left_behind'] = numpy
"""
LOOK = """
import os, sys
print('preloaded' if 'numpy' in sys.modules else 'not preloaded')
import numpy
print(os.path.exists('/tmp/left-behind'), os.path.exists(os.path.expanduser('~/left-behind')),
      hasattr(numpy, 'left_behind'), 'left_behind' in sys.modules)
"""


def test_preloads_are_what_the_release_imports():
    assert preloads(read("release", "06_keras_mnist")) == ("numpy", "matplotlib.pyplot", "tensorflow", "keras")
    assert "course.datasets" in preloads(read("release", "05_backpropagation")), "load_mnist's images made ahead"
    assert "tensorflow" not in preloads(read("release", "01_python_basics"))
    assert "numpy" in preloads(read("release", "01_python_basics"))


def test_a_spare_is_fresh_preloaded_and_used_once():
    spares = Spares()
    nb = nbformat.v4.new_notebook()
    settings = (Limits(), kernel_env(nb), ("numpy",))
    try:
        first = spares.take(*settings)
        assert first.km is None, "nothing was started ahead yet: the first notebook starts its own kernel"
        run_in_sandbox(LEFT_BEHIND, sandbox=first)
        spares.prepare(*settings)
        spare = spares.spare
        assert spare is not None and spare.km is not None
        second = spares.take(*settings)
        assert second is spare and spares.spare is None, "the spare serves exactly one notebook"
        output = run_in_sandbox(LOOK, sandbox=second)
        assert "preloaded" in output and "not preloaded" not in output, output
        assert "False False False False" in output, f"something of the previous kernel survived: {output}"
    finally:
        spares.close()


@pytest.mark.parametrize("change", ["language", "preload", "limits"])
def test_a_spare_started_for_other_settings_is_not_used(change):
    spares = Spares()
    settings = [Limits(), kernel_env(nbformat.v4.new_notebook()), ("numpy",)]
    try:
        spares.prepare(*settings)
        spare = spares.spare
        if change == "language":
            settings[1] = {**settings[1], "COURSE_LANG": "ko"}
        elif change == "preload":
            settings[2] = ("numpy", "tensorflow")  # a module the spare has not imported
        else:
            settings[0] = Limits(memory_mb=settings[0].memory_mb + 1)
        other = spares.take(*settings)
        assert other is not spare and other.km is None
        assert spare.km is None or not spare.km.has_kernel, "the unfitting spare was not ended"
    finally:
        spares.close()


def test_a_spare_with_more_preloads_than_needed_serves():
    spares = Spares()
    settings = (Limits(), kernel_env(nbformat.v4.new_notebook()))
    try:
        spares.prepare(*settings, ("numpy",))
        spare = spares.spare
        assert spares.take(*settings, ()) is spare, "a lesson that imports less runs the same in it"
        spare.close()
    finally:
        spares.close()


@pytest.mark.parametrize("threads", [0, 1])
def test_a_kernel_gets_its_share_of_threads(threads):
    output = run_in_sandbox("import os\nprint([os.environ.get(v) for v in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', "
                            "'TF_NUM_INTRAOP_THREADS')])", Limits(threads=threads))
    expected = "['1', '1', '1']" if threads else "[None, None, None]"
    assert expected in output, output


def test_the_kernel_started_ahead_is_for_the_notebook_that_comes_next(tmp_path):
    root = make_course_copy(tmp_path / "course", ["01_python_basics"])
    path = tmp_path / "01_python_basics.ipynb"
    nbformat.write(read("release", "01_python_basics"), path)
    task = {"path": str(path), "student": "s1", "assignment": "01_python_basics", "notebook": "01_python_basics",
            "root": str(root)}
    spares = Spares()
    try:
        assert grade_notebook({**task, "next": None}, Limits(), spares).status == "graded"
        assert spares.spare is None, "no notebook follows: no kernel may be started (and wasted) ahead"
        assert grade_notebook({**task, "next": "06_keras_mnist"}, Limits(), spares).status == "graded"
        assert spares.spare is not None and "tensorflow" in spares.spare.preload, "lesson 06 comes next"
    finally:
        spares.close()
    assert release_preloads(Course(root), "../06_keras_mnist") == ()
