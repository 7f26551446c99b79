"""The hidden tests' entry point: ``check(assignment, name, submitted)``.

A hidden test cell is a single call, so neither the release nor the feedback
shows test inputs or expected values::

    from autograder.hidden import check
    check("python_basics", "take_slices", take_slices)

The randomized cases are seeded from the assignment and the name, so a
re-grade gives the same score.
"""

from __future__ import annotations

import copy
import hashlib
import importlib

import numpy as np

from course.compare import mismatch


class Wrong(Exception):
    """Raised by a case module when the submission gives a wrong answer (message shows no values)."""


class HiddenTestFailed(AssertionError):
    """A hidden test failed. Its message names the check and a hint, never inputs or expected values."""

    def _render_traceback_(self):
        # IPython shows only this line: the traceback would point into the hidden tests.
        return [f"HiddenTestFailed: {self}"]


def seed_for(assignment: str, name: str) -> int:
    """Return the fixed seed of one graded name's randomized cases."""
    return int.from_bytes(hashlib.sha256(f"{assignment}:{name}".encode()).digest()[:4], "little")


def call(func, *args, _copy=True, **kwargs):
    """Call the submitted ``func`` (on deep copies of the arguments unless ``_copy=False``).

    Returns what it returns; any exception it raises becomes :class:`Wrong`.
    """
    if _copy:
        args, kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
    try:
        return func(*args, **kwargs)
    except NotImplementedError:
        raise Wrong("not implemented yet") from None
    except Exception as exc:  # any error in student code is a wrong answer, reported by type only
        raise Wrong(f"raised {type(exc).__name__} on one of the hidden inputs") from None


def expect(expected, actual, case: str, hint: str = "", **tolerance) -> None:
    """Raise :class:`Wrong` unless ``actual`` matches ``expected``; the message says what kind of mismatch, not the values."""
    found = mismatch(expected, actual, **tolerance)
    if found:
        raise Wrong(f"{case}: {found.describe(show_values=False)}" + (f" (hint: {hint})" if hint else ""))


def same_outputs(submitted, reference, inputs, hint: str = "", **tolerance) -> None:
    """Compare ``submitted(*args)`` with ``reference(*args)`` for every tuple ``args`` in ``inputs``."""
    inputs = list(inputs)
    for i, args in enumerate(inputs, 1):
        expected = reference(*copy.deepcopy(args))
        actual = call(submitted, *args)
        expect(expected, actual, f"case {i} of {len(inputs)}", hint, **tolerance)


def check(assignment: str, name: str, submitted) -> None:
    """Run the hidden tests of graded ``name`` in ``assignment`` against the ``submitted`` object.

    Prints one line when they pass; raises :class:`HiddenTestFailed` otherwise.
    """
    cases = importlib.import_module(f"autograder.cases.{assignment}")
    reference = importlib.import_module(f"autograder.reference.{assignment}")
    rng = np.random.default_rng(seed_for(assignment, name))
    try:
        getattr(cases, f"test_{name}")(submitted, getattr(reference, name), rng)
    except Wrong as exc:
        raise HiddenTestFailed(f"hidden test of {name} failed: {exc}") from None
    except Exception as exc:  # e.g. a returned object without the attributes a case reads
        raise HiddenTestFailed(f"hidden test of {name} failed: checking the answer raised "
                               f"{type(exc).__name__} (hint: return the type the exercise asks for)") from None
    print(f"✓ hidden tests of {name} passed.")
