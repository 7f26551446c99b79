"""The hidden tests: the reference passes them, and every graded name has a wrong answer they catch."""

import importlib
import re

import matplotlib
import numpy as np
import pytest

from autograder import hidden
from autograder.submissions import mistakes, module_name, reference_answers
from conftest import ASSIGNMENTS, is_test_cell, read

matplotlib.use("Agg")
CHECK_CALL = re.compile(r'check\("(\w+)", "(\w+)", (\w+)\)')


def graded_names(assignment):
    """Return the (module, name) pairs that the hidden test cells of ``assignment`` check."""
    pairs = []
    for cell in read("source", assignment).cells:
        if is_test_cell(cell):
            pairs += [(m.group(1), m.group(2)) for m in CHECK_CALL.finditer(cell.source)]
    return pairs


def define(code: str, name: str, module: str):
    """Execute a cell's code the way a notebook would and return the object it defines.

    A notebook's later cells use what its earlier cells defined (SimpleNet calls softmax,
    TwoLayerNet builds Affine layers, XOR calls the gates), so the cell runs among the
    reference module's public names, as it would among the notebook's.
    """
    import matplotlib.pyplot as plt

    reference = importlib.import_module(f"autograder.reference.{module}")
    namespace = {k: v for k, v in vars(reference).items() if not k.startswith("_")}
    namespace.update(np=np, plt=plt)
    exec(compile(code, f"<{name}>", "exec"), namespace)
    return namespace[name]


CASES = [(a, module, name) for a in ASSIGNMENTS for module, name in graded_names(a)]


@pytest.mark.parametrize("assignment,module,name", CASES)
def test_reference_solution_passes(assignment, module, name, capsys):
    reference = importlib.import_module(f"autograder.reference.{module}")
    hidden.check(module, name, getattr(reference, name))
    assert "passed" in capsys.readouterr().out


@pytest.mark.parametrize("assignment,module,name", CASES)
def test_source_solution_passes(assignment, module, name):
    """The notebook's own solution cell and the reference package agree."""
    hidden.check(module, name, define(reference_answers(assignment)[name], name, module))


@pytest.mark.parametrize("assignment,module,name", CASES)
def test_a_plausible_mistake_is_caught(assignment, module, name):
    wrong, _ = mistakes(assignment)
    assert name in wrong, f"autograder/mistakes/{module}.py has no wrong implementation of {name}"
    with pytest.raises(hidden.HiddenTestFailed) as info:
        hidden.check(module, name, define(wrong[name], name, module))
    assert name in str(info.value)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_module_names_follow_assignments(assignment):
    assert {m for m, _ in graded_names(assignment)} == {module_name(assignment)}


def test_reruns_are_deterministic():
    """The seeds are pinned: a re-grade (another process, another day) draws the same hidden inputs."""
    assert hidden.seed_for("python_basics", "arithmetic") == 2574553983
    assert hidden.seed_for("python_basics", "hello") == 2987966321
    assert hidden.seed_for("perceptron", "XOR") == 475009035
    assert hidden.seed_for("keras_mnist", "build_model") == 2638716328


def _more_mistakes():
    """Every further plausible mistake of every assignment: (assignment, module, name, index, code)."""
    rows = []
    for assignment in ASSIGNMENTS:
        module = module_name(assignment)
        extra = getattr(importlib.import_module(f"autograder.mistakes.{module}"), "MORE_MISTAKES", {})
        rows += [(assignment, module, name, i, code) for name, codes in extra.items() for i, code in enumerate(codes)]
    return rows


MORE = _more_mistakes()


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_more_mistakes_name_graded_functions(assignment):
    graded = {name for _, name in graded_names(assignment)}
    extra = getattr(importlib.import_module(f"autograder.mistakes.{module_name(assignment)}"), "MORE_MISTAKES", {})
    assert set(extra) <= graded


@pytest.mark.parametrize("assignment,module,name,index,code", MORE,
                         ids=[f"{m}-{n}-{i}" for _, m, n, i, _ in MORE])
def test_every_further_mistake_is_caught(assignment, module, name, index, code):
    """Each listed mistake passes for a plausible answer, yet its hidden tests catch it."""
    with pytest.raises(hidden.HiddenTestFailed) as info:
        hidden.check(module, name, define(code, name, module))
    assert name in str(info.value)
    assert "expected" not in str(info.value)


def test_rebound_restores_the_namespace_exactly():
    namespace = {}
    exec("def helper(x):\n    return gate(x)\n\ndef graded(x):\n    return helper(x) + 1\n"
         "gate = lambda x: x\n", namespace)
    original = dict(namespace)
    swapped = hidden.rebound(namespace["graded"], {"gate": lambda x: 10 * x, "missing": 1})
    assert swapped(2) == 21  # the stand-in is seen through the notebook's own helper
    assert namespace == original and "missing" not in namespace
    failing = hidden.rebound(namespace["graded"], {"gate": lambda x: 1 / 0})
    with pytest.raises(ZeroDivisionError):
        failing(2)
    assert namespace == original


def test_failure_message_reveals_no_values():
    def almost(seq):
        return seq[0:2], seq[-1], seq[-3:]

    with pytest.raises(hidden.HiddenTestFailed) as info:
        hidden.check("python_basics", "take_slices", almost)
    message = str(info.value)
    assert "wrong" in message and "expected" not in message
