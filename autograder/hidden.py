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
* **judged** (in the grader's sandbox, which hands the kernel a judge socket): the kernel
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
import os
import socket
import types

import numpy as np

from course.compare import mismatch


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
        from autograder.wire import to_plain

        self.observations.append(to_plain(actual))  # now: the case may change the value afterwards


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


_MISSING = object()


def rebound(func, replacements: dict):
    """Return a function that runs ``func`` while its global names ``replacements`` ({name: object}) are swapped in.

    Lets a case grade one function on its own (with correct stand-ins for the helpers it calls) or
    watch which helpers it calls -- also when it reaches them through a helper of its own defined
    in the same notebook. For a notebook's function the names are swapped in its real globals dict
    only while the call runs and restored exactly afterwards (names that were missing are removed
    again), even when the call raises. A function of an importable module (the reference solution
    in the judge, which may serve several threads) runs instead as a copy with its own globals dict,
    in which the module's own functions are copied too, so nothing shared changes.
    Anything that is not a plain Python function comes back as it is.
    """
    if not isinstance(func, types.FunctionType):
        return func
    namespace = func.__globals__
    if str(namespace.get("__name__", "")).startswith("autograder."):
        own = {**namespace}
        for key, value in namespace.items():
            if isinstance(value, types.FunctionType) and value.__globals__ is namespace and key not in replacements:
                own[key] = _copy_function(value, own)
        own.update(replacements)
        return _copy_function(func, own)

    def swapped(*args, **kwargs):
        saved = {name: namespace.get(name, _MISSING) for name in replacements}
        namespace.update(replacements)
        try:
            return func(*args, **kwargs)
        finally:
            for name, value in saved.items():
                if value is _MISSING:
                    namespace.pop(name, None)
                else:
                    namespace[name] = value

    swapped.__name__ = getattr(func, "__name__", "swapped")
    return swapped


def _copy_function(func, namespace):
    copied = types.FunctionType(func.__code__, namespace, func.__name__, func.__defaults__, func.__closure__)
    copied.__kwdefaults__ = func.__kwdefaults__
    return copied


def kind(value) -> str:
    """Name the kind of a single value as a lesson promises it: NumPy scalars count as Python's.

    'bool', 'int', 'float', 'str', 'None', 'list', 'tuple', 'dict', 'ndarray' or the type's name.
    A NumPy float is a 'float' and a NumPy integer an 'int' (a lesson that asks for the *Python*
    type checks ``type(value).__name__`` itself).
    """
    if value is None:
        return "None"
    if isinstance(value, (bool, np.bool_)):
        return "bool"
    if isinstance(value, (int, np.integer)):
        return "int"
    if isinstance(value, (float, np.floating)):
        return "float"
    for plain in (str, list, tuple, dict):
        if type(value) is plain:
            return plain.__name__
    if type(value) is np.ndarray:
        return "ndarray"
    return type(value).__name__


def dtype_kind(value) -> str:
    """'float', 'int', 'bool' or 'other' for the dtype of an array; the kind of anything else (see :func:`kind`)."""
    if isinstance(value, np.ndarray):
        return {"f": "float", "i": "int", "u": "int", "b": "bool"}.get(value.dtype.kind, "other")
    return kind(value)


def dtype_name(value) -> str:
    """The dtype name of an array ('float32', 'int64' ...), or the kind of anything else."""
    return value.dtype.name if isinstance(value, np.ndarray) else kind(value)


def is_new_array(result, *inputs) -> bool:
    """True when ``result`` is an array that is none of ``inputs`` and shares no memory with them."""
    if not isinstance(result, np.ndarray):
        return False
    return all(result is not x and not (isinstance(x, np.ndarray) and np.shares_memory(result, x)) for x in inputs)


def run_case(module: str, name: str, submitted, reference, session) -> None:
    """Run the case function of ``name`` under ``session`` (raises :class:`Wrong` on a direct failure)."""
    global _session
    cases = importlib.import_module(f"autograder.cases.{module}")
    previous, _session = _session, session
    try:
        getattr(cases, f"test_{name}")(submitted, reference, np.random.default_rng(seed_for(module, name)))
    finally:
        _session = previous


def _failure(module: str, name: str, submitted, reference, session) -> str | None:
    """Run the case function of ``name`` under ``session``; return what went wrong, or None."""
    try:
        run_case(module, name, submitted, reference, session)
    except Wrong as exc:
        return str(exc)
    except Exception as exc:  # e.g. a returned object without the attributes a case reads
        return f"checking the answer raised {type(exc).__name__} (hint: return the type the exercise asks for)"
    return None


def _send_to_judge(fd: int, message: bytes) -> None:
    """Send one check to the judge over the inherited socket and wait until it has taken it."""
    with socket.socket(fileno=os.dup(fd)) as sock:
        sock.settimeout(60)
        sock.sendall(message)
        sock.recv(64)  # the judge's receipt (never a verdict): the check belongs to this cell


def check(module: str, name: str, submitted) -> None:
    """Run the hidden tests of graded ``name`` in ``module`` against the ``submitted`` object.

    Direct mode prints one line when they pass and raises :class:`HiddenTestFailed` otherwise.
    In a judged kernel the answers go to the judge, which tells the kernel nothing back: the
    grader writes the verdict under this cell in the autograded notebook.
    """
    from autograder.wire import JUDGE_FD_ENV, check_message

    judge = os.environ.get(JUDGE_FD_ENV)
    if judge:
        session = _Record()
        failure = _failure(module, name, submitted, _StandIn(), session)
        _send_to_judge(int(judge), check_message(module, name, session.observations, failure))
        print(f"hidden tests of {name}: answers sent to the grader, whose verdict appears in your feedback.")
        return
    reference = getattr(importlib.import_module(f"autograder.reference.{module}"), name)
    failure = _failure(module, name, submitted, reference, _Direct())
    if failure:
        raise HiddenTestFailed(f"hidden test of {name} failed: {failure}")
    print(f"✓ hidden tests of {name} passed.")
