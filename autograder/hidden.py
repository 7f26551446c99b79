"""The hidden tests' entry point: ``check(module, name, submitted)``.

A hidden test cell is a single call, so neither the release nor the feedback
shows test inputs or expected values::

    from autograder.hidden import check
    check("python_basics", "take_slices", take_slices)

The case functions in ``autograder.cases.<module>`` drive the submitted object
and pass every value they want checked to :func:`expect`. How ``expect``
decides depends on where ``check`` runs:

* **direct** (tests, plain ``nbgrader autograde``): the reference runs in the
  same process and ``expect`` compares on the spot;
* **judged** (the project's grader, which sets ``COURSE_JUDGE``): the kernel
  never loads the reference. ``expect`` only records the student's values as
  plain data; :mod:`autograder.judge`, in the grader's own process where no
  student code runs, replays the same case function on the reference and
  decides. Rebinding ``numpy.testing``, ``course.compare`` or this module in
  the kernel cannot change that verdict.

The randomized cases are seeded from the module and the name, so a re-grade
gives the same score.
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import json
import os
import socket
import types

import numpy as np

from course.compare import mismatch

JUDGE_ENV = "COURSE_JUDGE"


class Wrong(Exception):
    """Raised by a case module when the submission gives a wrong answer (message shows no values)."""


class HiddenTestFailed(AssertionError):
    """A hidden test failed. Its message names the check and a hint, never inputs or expected values."""

    def _render_traceback_(self):
        # IPython shows only this line: the traceback would point into the hidden tests.
        return [f"HiddenTestFailed: {self}"]


class _Direct:
    """Compare on the spot with the reference running in this process."""

    def expect(self, expected, actual, case, hint, tolerance):
        found = mismatch(expected, actual, **tolerance)
        if found:
            raise Wrong(f"{case}: {found.describe(show_values=False)}" + (f" (hint: {hint})" if hint else ""))


class _Record:
    """In a judged kernel: keep the student's values as plain data for the judge."""

    def __init__(self):
        self.observations = []

    def expect(self, expected, actual, case, hint, tolerance):
        from autograder.transcript import to_plain

        self.observations.append(to_plain(actual))


class Replay:
    """In the judge: collect what each ``expect`` call expects, with its label, hint and tolerance."""

    def __init__(self):
        self.expectations = []

    def expect(self, expected, actual, case, hint, tolerance):
        self.expectations.append((expected, case, hint, tolerance))


class _StandIn:
    """Takes the reference's place in a judged kernel: absorbs every use, reveals nothing."""

    def __call__(self, *args, **kwargs):
        return self

    def __getattr__(self, name):
        return self

    def __getitem__(self, key):
        return self

    def __iter__(self):
        return iter(())


_session = _Direct()


def seed_for(module: str, name: str) -> int:
    """Return the fixed seed of one graded name's randomized cases."""
    return int.from_bytes(hashlib.sha256(f"{module}:{name}".encode()).digest()[:4], "little")


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


def as_array(value, what: str) -> np.ndarray:
    """Return the student's ``value`` as a float ndarray, or raise :class:`Wrong` naming ``what``."""
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise Wrong(f"{what}: expected an array of numbers") from None


def as_number(value, what: str) -> float:
    """Return the student's ``value`` as a float, or raise :class:`Wrong` when it is not a single number."""
    try:
        if np.ndim(value) != 0:
            raise ValueError
        return float(value)
    except (TypeError, ValueError):
        raise Wrong(f"{what}: expected a single number (hint: return a scalar, e.g. from np.sum)") from None


def expect(expected, actual, case: str, hint: str = "", **tolerance) -> None:
    """Check ``actual`` against ``expected`` (compared as :func:`course.compare.mismatch` does).

    ``case`` labels the check and ``hint`` helps the student; neither may reveal values.
    ``tolerance`` takes ``rtol``/``atol``. Raises :class:`Wrong` on a mismatch in direct mode.
    """
    _session.expect(expected, actual, case, hint, tolerance)


def same_outputs(submitted, reference, inputs, hint: str = "", **tolerance) -> None:
    """Compare ``submitted(*args)`` with ``reference(*args)`` for every tuple ``args`` in ``inputs``."""
    inputs = list(inputs)
    for i, args in enumerate(inputs, 1):
        expected = reference(*copy.deepcopy(args))
        actual = call(submitted, *args)
        expect(expected, actual, f"case {i} of {len(inputs)}", hint, **tolerance)


def rebound(func, replacements: dict):
    """Return a copy of the function ``func`` that sees ``replacements`` ({name: object}) among its globals.

    Lets a case grade one function on its own (with correct stand-ins for the helpers it calls) or
    watch which helpers it calls. Nothing shared changes: the copy has its own globals dict.
    Anything that is not a plain Python function comes back as it is.
    """
    if not isinstance(func, types.FunctionType):
        return func
    copy = types.FunctionType(func.__code__, {**func.__globals__, **replacements}, func.__name__,
                              func.__defaults__, func.__closure__)
    copy.__kwdefaults__ = func.__kwdefaults__
    return copy


def run_case(module: str, name: str, submitted, reference, session) -> None:
    """Run the case function of ``name`` under ``session`` (raises :class:`Wrong` on a direct failure)."""
    global _session
    cases = importlib.import_module(f"autograder.cases.{module}")
    previous, _session = _session, session
    try:
        getattr(cases, f"test_{name}")(submitted, reference, np.random.default_rng(seed_for(module, name)))
    finally:
        _session = previous


def _ask_judge(address: str, request: dict) -> dict:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(address)
        sock.sendall(json.dumps(request).encode() + b"\n")
        sock.shutdown(socket.SHUT_WR)
        return json.loads(sock.makefile().readline())


def check(module: str, name: str, submitted) -> None:
    """Run the hidden tests of graded ``name`` in ``module`` against the ``submitted`` object.

    Prints one line when they pass; raises :class:`HiddenTestFailed` otherwise.
    """
    judge = os.environ.get(JUDGE_ENV)
    failure = None
    if judge:
        session = _Record()
        try:
            run_case(module, name, submitted, _StandIn(), session)
        except Wrong as exc:
            failure = str(exc)
        except Exception as exc:
            failure = f"checking the answer raised {type(exc).__name__} (hint: return the type the exercise asks for)"
        verdict = _ask_judge(judge, {"type": "check", "module": module, "name": name,
                                     "observations": session.observations, "failure": failure})
        failure = None if verdict["ok"] else verdict["message"]
    else:
        reference = getattr(importlib.import_module(f"autograder.reference.{module}"), name)
        try:
            run_case(module, name, submitted, reference, _Direct())
        except Wrong as exc:
            failure = str(exc)
        except Exception as exc:  # e.g. a returned object without the attributes a case reads
            failure = f"checking the answer raised {type(exc).__name__} (hint: return the type the exercise asks for)"
    if failure:
        raise HiddenTestFailed(f"hidden test of {name} failed: {failure}")
    print(f"✓ hidden tests of {name} passed.")
