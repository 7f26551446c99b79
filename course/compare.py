"""Compare an answer with the expected one, strictly and without trusting the answer.

Used by the visible checks in the notebooks (:mod:`course.checks`) and by the
hidden tests (``autograder.hidden``). The answer is first converted to the
expected type (a real ``float``, ``int``, ``list``, ``np.ndarray`` ...), so an
object that fakes ``==`` or comparison gains nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Mismatch:
    """Why an answer differs: ``kind`` is safe to show anyone, ``detail`` may show values."""

    kind: str
    detail: str
    where: str = ""

    def describe(self, show_values: bool = True) -> str:
        """Return one readable sentence; with ``show_values=False`` no value is revealed."""
        place = f" at {self.where}" if self.where else ""
        return f"{self.kind}{place}: {self.detail}" if show_values else f"{self.kind}{place}"


_NUMBER_TYPES = (int, float, np.integer, np.floating)


def _type_name(value) -> str:
    return type(value).__name__


def mismatch(expected, actual, *, rtol: float = 1e-7, atol: float = 1e-9, where: str = "") -> Mismatch | None:
    """Return ``None`` when ``actual`` equals ``expected``, else a :class:`Mismatch` saying why.

    Floats and arrays compare with ``rtol``/``atol``; everything else exactly.
    Containers (list, tuple, dict) compare element by element; ``where`` names the element.
    """
    if isinstance(expected, np.ndarray):
        return _array_mismatch(expected, actual, rtol, atol, where)
    if isinstance(expected, (bool, np.bool_)):
        if not isinstance(actual, (bool, np.bool_)):
            return Mismatch("wrong type", f"expected a bool, got {_type_name(actual)}", where)
        return None if bool(actual) == bool(expected) else Mismatch(
            "wrong value", f"expected {bool(expected)}, got {bool(actual)}", where)
    if isinstance(expected, (int, np.integer)):
        if isinstance(actual, (bool, np.bool_)) or not isinstance(actual, (int, np.integer)):
            return Mismatch("wrong type", f"expected an int, got {_type_name(actual)}", where)
        return None if int(actual) == int(expected) else Mismatch(
            "wrong value", f"expected {int(expected)}, got {int(actual)}", where)
    if isinstance(expected, (float, np.floating)):
        if isinstance(actual, (bool, np.bool_)) or not isinstance(actual, _NUMBER_TYPES):
            return Mismatch("wrong type", f"expected a number, got {_type_name(actual)}", where)
        a, e = float(actual), float(expected)
        if math.isnan(e) and math.isnan(a):
            return None
        return None if math.isclose(a, e, rel_tol=rtol, abs_tol=atol) else Mismatch(
            "wrong value", f"expected {e!r}, got {a!r}", where)
    if isinstance(expected, str):
        if type(actual) is not str:
            return Mismatch("wrong type", f"expected a str, got {_type_name(actual)}", where)
        return None if str.__eq__(actual, expected) else Mismatch(
            "wrong value", f"expected {expected!r}, got {actual!r}", where)
    if isinstance(expected, (list, tuple)):
        return _sequence_mismatch(expected, actual, rtol, atol, where)
    if isinstance(expected, dict):
        return _dict_mismatch(expected, actual, rtol, atol, where)
    if expected is None:
        return None if actual is None else Mismatch("wrong value", f"expected None, got {_type_name(actual)}", where)
    raise TypeError(f"mismatch() cannot compare expected values of type {_type_name(expected)}")


def _array_mismatch(expected, actual, rtol, atol, where):
    if not isinstance(actual, np.ndarray):
        return Mismatch("wrong type", f"expected a numpy array, got {_type_name(actual)}", where)
    # A subclass could override comparison; look only at its raw data.
    actual = np.asarray(actual).view(np.ndarray)
    if actual.shape != expected.shape:
        return Mismatch("wrong shape", f"expected shape {expected.shape}, got {actual.shape}", where)
    if expected.dtype.kind in "biuf" and actual.dtype.kind not in "biuf":
        return Mismatch("wrong dtype", f"expected numbers, got dtype {actual.dtype}", where)
    if expected.dtype.kind in "f":
        ok = np.allclose(actual.astype(float), expected, rtol=rtol, atol=atol, equal_nan=True)
    else:
        ok = np.array_equal(actual, expected)
    if ok:
        return None
    return Mismatch("wrong value", f"expected\n{expected}\ngot\n{actual}", where)


def _sequence_mismatch(expected, actual, rtol, atol, where):
    if type(actual) is not type(expected):
        return Mismatch("wrong type", f"expected a {_type_name(expected)}, got {_type_name(actual)}", where)
    if len(actual) != len(expected):
        return Mismatch("wrong length", f"expected {len(expected)} items, got {len(actual)}", where)
    for i, (e, a) in enumerate(zip(expected, list(actual))):
        found = mismatch(e, a, rtol=rtol, atol=atol, where=f"{where}[{i}]")
        if found:
            return found
    return None


def _dict_mismatch(expected, actual, rtol, atol, where):
    if type(actual) is not dict:
        return Mismatch("wrong type", f"expected a dict, got {_type_name(actual)}", where)
    missing = [k for k in expected if k not in dict.keys(actual)]
    extra = [k for k in dict.keys(actual) if k not in expected]
    if missing or extra:
        return Mismatch("wrong keys", f"missing {missing}, unexpected {extra}", where)
    for key in expected:
        found = mismatch(expected[key], dict.__getitem__(actual, key), rtol=rtol, atol=atol, where=f"{where}[{key!r}]")
        if found:
            return found
    return None
