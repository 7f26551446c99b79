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

from course.i18n import N_, _, display_width, pad

AROUND = 2          # values shown on each side of an array's first difference
VALUE_CHARS = 120   # a value longer than this is cut in a message


@dataclass(frozen=True)
class Mismatch:
    """Why an answer differs.

    ``kind`` (an English msgid) is safe to show anyone; ``detail`` is an English msgid with
    ``{name}`` fields filled from ``values`` (pairs of name and text) and may show values;
    ``rows`` are an array's values around its first difference: (index, expected, got, differs).
    """

    kind: str
    detail: str
    where: str = ""
    values: tuple = ()
    rows: tuple = ()

    def describe(self, show_values: bool = True) -> str:
        """Return a readable message in the run-time language.

        With ``show_values=False`` (the hidden tests' form) no value is revealed, and the text
        stays English: the grader translates it where it renders a notebook's feedback.
        """
        if not show_values:
            return f"{self.kind} at {self.where}" if self.where else self.kind
        place = _("{kind} at {where}").format(kind=_(self.kind), where=self.where) if self.where else _(self.kind)
        values = {name: _(value) if isinstance(value, Msgid) else value for name, value in self.values}
        text = f"{place}: " + _(self.detail).format(**values)
        if self.rows:
            text += "\n" + _table(self.rows)
        return text


class Msgid(str):
    """A value of a :class:`Mismatch` that is itself English text, translated when the message is shown."""


def _table(rows) -> str:
    header = ("", _("index"), _("expected"), _("got"))
    lines = [header] + [("→" if differs else "", index, expected, got) for index, expected, got, differs in rows]
    widths = [max(display_width(line[i]) for line in lines) for i in range(4)]
    return "\n".join("  " + "  ".join(pad(v, w) for v, w in zip(line, widths)).rstrip() for line in lines)


def _short(value) -> str:
    """``repr(value)``, cut to :data:`VALUE_CHARS` characters."""
    text = repr(value)
    return text if len(text) <= VALUE_CHARS else text[:VALUE_CHARS - 1] + "…"


_NUMBER_TYPES = (int, float, np.integer, np.floating)

WRONG_TYPE, WRONG_VALUE = N_("wrong type"), N_("wrong value")
EXPECTED_GOT = N_("expected {expected}, got {actual}")
EXPECTED_TYPE = N_("expected {expected}, got {actual_type}")


def _type_name(value) -> str:
    return type(value).__name__


def _wrong_type(expected_what: str, actual, where: str) -> Mismatch:
    """A wrong-type mismatch; ``expected_what`` is an English msgid such as "a bool"."""
    return Mismatch(WRONG_TYPE, EXPECTED_TYPE, where,
                    (("expected", Msgid(expected_what)), ("actual_type", _type_name(actual))))


def _wrong_value(expected_text: str, actual_text: str, where: str) -> Mismatch:
    return Mismatch(WRONG_VALUE, EXPECTED_GOT, where, (("expected", expected_text), ("actual", actual_text)))


def mismatch(expected, actual, *, rtol: float = 1e-7, atol: float = 1e-9, where: str = "") -> Mismatch | None:
    """Return ``None`` when ``actual`` equals ``expected``, else a :class:`Mismatch` saying why.

    Floats and arrays compare with ``rtol``/``atol``; everything else exactly.
    Containers (list, tuple, dict) compare element by element; ``where`` names the element.
    """
    if isinstance(expected, np.ndarray):
        return _array_mismatch(expected, actual, rtol, atol, where)
    if isinstance(expected, (bool, np.bool_)):
        if not isinstance(actual, (bool, np.bool_)):
            return _wrong_type(N_("a bool"), actual, where)
        return None if bool(actual) == bool(expected) else _wrong_value(str(bool(expected)), str(bool(actual)), where)
    if isinstance(expected, (int, np.integer)):
        if isinstance(actual, (bool, np.bool_)) or not isinstance(actual, (int, np.integer)):
            return _wrong_type(N_("an int"), actual, where)
        return None if int(actual) == int(expected) else _wrong_value(str(int(expected)), str(int(actual)), where)
    if isinstance(expected, (float, np.floating)):
        if isinstance(actual, (bool, np.bool_)) or not isinstance(actual, _NUMBER_TYPES):
            return _wrong_type(N_("a number"), actual, where)
        a, e = float(actual), float(expected)
        if math.isnan(e) and math.isnan(a):
            return None
        return None if math.isclose(a, e, rel_tol=rtol, abs_tol=atol) else _wrong_value(repr(e), repr(a), where)
    if isinstance(expected, str):
        if type(actual) is not str:
            return _wrong_type(N_("a str"), actual, where)
        return None if str.__eq__(actual, expected) else _wrong_value(_short(expected), _short(str(actual)), where)
    if isinstance(expected, (list, tuple)):
        return _sequence_mismatch(expected, actual, rtol, atol, where)
    if isinstance(expected, dict):
        return _dict_mismatch(expected, actual, rtol, atol, where)
    if expected is None:
        return None if actual is None else Mismatch(WRONG_VALUE, N_("expected None, got {actual_type}"), where,
                                                    (("actual_type", _type_name(actual)),))
    raise TypeError(f"mismatch() cannot compare expected values of type {_type_name(expected)}")


def _array_mismatch(expected, actual, rtol, atol, where):
    if not isinstance(actual, np.ndarray):
        return _wrong_type(N_("a numpy array"), actual, where)
    # A subclass could override comparison; look only at its raw data.
    actual = np.asarray(actual).view(np.ndarray)
    if actual.shape != expected.shape:
        return Mismatch(N_("wrong shape"), N_("expected shape {expected}, got {actual}"), where,
                        (("expected", str(expected.shape)), ("actual", str(actual.shape))))
    if expected.dtype.kind in "biuf" and actual.dtype.kind not in "biuf":
        return Mismatch(N_("wrong dtype"), N_("expected numbers, got dtype {dtype}"), where,
                        (("dtype", str(actual.dtype)),))
    numeric = expected.dtype.kind in "biuf"
    if expected.dtype.kind == "f":
        differs = ~np.isclose(actual.astype(float), expected, rtol=rtol, atol=atol, equal_nan=True)
    else:
        differs = actual != expected
        if not isinstance(differs, np.ndarray) or differs.shape != expected.shape:
            differs = np.full(expected.shape, not np.array_equal(actual, expected))
    if not differs.any():
        return None
    return _value_difference(expected, actual, differs, numeric, where)


def _value_difference(expected, actual, differs, numeric, where) -> Mismatch:
    """Where two same-shaped arrays differ: the first index, the largest errors, and the values around it."""
    first = tuple(int(i) for i in np.argwhere(differs)[0])
    values = [("shape", str(expected.shape)), ("count", str(int(differs.sum()))), ("size", str(expected.size)),
              ("index", str(first) if expected.ndim != 1 else str(first[0]))]
    if numeric:
        with np.errstate(all="ignore"):
            e, a = expected[differs].astype(float), actual[differs].astype(float)
            error = np.abs(a - e)
            relative = error / np.abs(e)
        detail = N_("shape {shape}: {count} of {size} values differ, the first at index {index}; "
                    "largest absolute error {abs_error}, largest relative error {rel_error}")
        values += [("abs_error", _largest(error)), ("rel_error", _largest(relative))]
    else:
        detail = N_("shape {shape}: {count} of {size} values differ, the first at index {index}")
    flat = int(np.ravel_multi_index(first, expected.shape)) if expected.ndim else 0
    rows = []
    for position in range(max(0, flat - AROUND), min(expected.size, flat + AROUND + 1)):
        index = np.unravel_index(position, expected.shape) if expected.ndim else ()
        label = str(tuple(int(i) for i in index)) if expected.ndim != 1 else str(int(index[0]))
        rows.append((label, _item(expected[index]), _item(actual[index]), bool(differs[index])))
    return Mismatch(WRONG_VALUE, detail, where, tuple(values), tuple(rows))


def _largest(errors) -> str:
    """The largest of ``errors`` in 3 significant digits, leaving out NaNs ("nan" when all are)."""
    errors = errors[~np.isnan(errors)]
    return f"{float(np.max(errors)):.3g}" if errors.size else "nan"


def _item(value) -> str:
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return _short(value.item() if isinstance(value, np.generic) else value)


def _sequence_mismatch(expected, actual, rtol, atol, where):
    if type(actual) is not type(expected):
        return _wrong_type(N_("a list") if isinstance(expected, list) else N_("a tuple"), actual, where)
    if len(actual) != len(expected):
        return Mismatch(N_("wrong length"), N_("expected {expected} items, got {actual}"), where,
                        (("expected", str(len(expected))), ("actual", str(len(actual)))))
    for i, (e, a) in enumerate(zip(expected, list(actual))):
        found = mismatch(e, a, rtol=rtol, atol=atol, where=f"{where}[{i}]")
        if found:
            return found
    return None


def _dict_mismatch(expected, actual, rtol, atol, where):
    if type(actual) is not dict:
        return _wrong_type(N_("a dict"), actual, where)
    missing = [k for k in expected if k not in dict.keys(actual)]
    extra = [k for k in dict.keys(actual) if k not in expected]
    if missing or extra:
        return Mismatch(N_("wrong keys"), N_("missing {missing}, unexpected {extra}"), where,
                        (("missing", _short(missing)), ("extra", _short(extra))))
    for key in expected:
        found = mismatch(expected[key], dict.__getitem__(actual, key), rtol=rtol, atol=atol, where=f"{where}[{key!r}]")
        if found:
            return found
    return None
