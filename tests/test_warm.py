"""Kernels started ahead (autograder.warm): a spare is a fresh sandbox that serves exactly one notebook,
has its preloads imported before the notebook arrives, and keeps nothing of the kernel before it."""

import nbformat
import pytest

from autograder.limits import Limits
from autograder.warm import Spares, preloads
from autograder.wire import Result
from autograder.worker import kernel_env, run_judged
from conftest import read

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


def _run(source: str, sandbox) -> str:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source)])
    result = Result("warm", "warm", "warm")
    run_judged(nb, Limits(), result, sandbox)
    assert not result.reasons, result.reasons
    return "".join(o.get("text", "") for o in nb.cells[0].outputs)


def test_preloads_are_what_the_release_imports():
    assert preloads(read("release", "06_keras_mnist")) == ("numpy", "matplotlib.pyplot", "tensorflow", "keras")
    assert "tensorflow" not in preloads(read("release", "01_python_basics"))
    assert "numpy" in preloads(read("release", "01_python_basics"))


def test_a_spare_is_fresh_preloaded_and_used_once():
    spares = Spares()
    nb = nbformat.v4.new_notebook()
    settings = (Limits(), kernel_env(nb), ("numpy",))
    try:
        first = spares.take(*settings)
        assert first.km is None, "nothing was started ahead yet: the first notebook starts its own kernel"
        _run(LEFT_BEHIND, first)
        spares.prepare(*settings)
        spare = spares.spare
        assert spare is not None and spare.km is not None
        second = spares.take(*settings)
        assert second is spare and spares.spare is None, "the spare serves exactly one notebook"
        output = _run(LOOK, second)
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
            settings[2] = ()
        else:
            settings[0] = Limits(memory_mb=settings[0].memory_mb + 1)
        other = spares.take(*settings)
        assert other is not spare and other.km is None
        assert spare.km is None or not spare.km.has_kernel, "the unfitting spare was not ended"
    finally:
        spares.close()
