"""Friendly self-checks for the visible test cells of the notebooks.

A check takes the student's function and a few fixed cases, runs every one, and
either prints one green line or raises :class:`CheckFailed` saying how many passed and,
for each failing case, what was expected, what came back (for arrays: the first
differing index, the largest errors and the values around it), and its hint; an
exception is reported with the student's own cell and line. Messages follow the
language of the notebook (:mod:`course.i18n`); case names, hints and messages written
in English in a notebook are translated through the same catalog.
"""

from __future__ import annotations

import copy
import os
import re
import sys
import traceback
from pathlib import Path

from course.compare import mismatch
from course.i18n import _

GREEN, RED, RESET = "\033[92m", "\033[91m", "\033[0m"


class CheckFailed(AssertionError):
    """A visible check failed; the message says which case, why, and a hint."""

    def _render_traceback_(self):
        # IPython shows this instead of a long traceback through the checking code.
        return [f"{RED}✗ {self}{RESET}"]


class _NotImplementedYet(Exception):
    """The student's function still raises NotImplementedError."""


# A notebook cell's code: IPython's own name for it, or the file ipykernel compiles it from.
_CELL_FILE = re.compile(r"^<ipython-input-|[/\\]ipykernel_\d+[/\\][^/\\]+\.py$")
_COURSE_DIR = str(Path(__file__).resolve().parent)
_LIBRARY_DIRS = tuple({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)})


def _is_cell(filename: str) -> bool:
    return bool(_CELL_FILE.search(filename))


def _is_library(filename: str) -> bool:
    path = os.path.realpath(filename) if not filename.startswith("<") else ""
    return not path or path.startswith(_LIBRARY_DIRS) or path.startswith(_COURSE_DIR)


def _cell_number(filename: str):
    """The execution count IPython gave the cell compiled as ``filename``, or None."""
    found = re.match(r"<ipython-input-(\d+)-", filename)
    if found:
        return int(found.group(1))
    try:
        from IPython import get_ipython

        shell = get_ipython()
        return getattr(getattr(shell, "compile", None), "_filename_map", {}).get(filename)
    except Exception:  # no IPython, or one without the map: the line alone still helps
        return None


def where_in_student_code(tb) -> str:
    """Return "in your cell [n], line k: <code>" for the innermost frame of ``tb`` in the student's code.

    The student's code is a notebook cell; outside a notebook, a file that belongs to neither Python,
    its installed packages nor this course. Returns "" when no frame of the traceback is the student's.
    """
    frames = traceback.extract_tb(tb)
    frame = next((f for f in reversed(frames) if _is_cell(f.filename)), None)
    if frame is None:
        frame = next((f for f in reversed(frames) if not _is_library(f.filename)), None)
        if frame is None:
            return ""
        text = _("in {file}, line {line}").format(file=Path(frame.filename).name, line=frame.lineno)
    else:
        number = _cell_number(frame.filename)
        text = (_("in your cell [{number}], line {line}").format(number=number, line=frame.lineno)
                if number is not None else _("in your cell, line {line}").format(line=frame.lineno))
    code = (frame.line or "").strip()
    return f"{text}: {code}" if code else text


def _call(func, args, kwargs):
    """Call ``func`` on copies of the arguments; return ``(result, None)`` or ``(None, why it raised)``."""
    try:
        return func(*copy.deepcopy(args), **copy.deepcopy(kwargs)), None
    except NotImplementedError:
        raise _NotImplementedYet from None
    except Exception as exc:
        why = _("{function} raised {error}: {message}").format(function=_name(func), error=type(exc).__name__,
                                                              message=exc)
        place = where_in_student_code(exc.__traceback__)
        return None, why + (f"\n{place}" if place else "")


def _name(func) -> str:
    return getattr(func, "__name__", repr(func))


def _item(text: str) -> str:
    """``text`` as an item of a list: its first line after "- ", the others indented under it."""
    first, *rest = text.splitlines()
    return "\n".join([f"  - {first}"] + [f"    {line}" for line in rest])


def check_cases(func, cases, *, rtol: float = 1e-7, atol: float = 1e-9) -> None:
    """Run ``func`` on every case and compare with the expected answer.

    Each case is a dict with ``name``, ``input`` (a tuple of positional
    arguments), optionally ``kwargs``, ``expected``, and ``hint`` (name and hint in
    English: they are translated when shown). Inputs are deep-copied, so a function
    that edits its arguments cannot spoil a later case. Prints a green line when all
    pass; otherwise raises :class:`CheckFailed` saying "k of n passed" and, for each
    failing case, why and its hint.
    """
    failures = []
    for case in cases:
        try:
            actual, error = _call(func, case["input"], case.get("kwargs", {}))
        except _NotImplementedYet:
            raise CheckFailed(_("{function} is not implemented yet: replace `raise NotImplementedError()` "
                                "with your code.").format(function=_name(func))) from None
        if error is None:
            found = mismatch(case["expected"], actual, rtol=rtol, atol=atol)
            error = found.describe() if found else None
        if error is not None:
            name, hint = case["name"], case.get("hint")  # English in the notebook: shown translated
            text = _("case '{name}': {why}").format(name=_(name), why=error)
            if hint:
                text += "\n" + _("Hint: {hint}").format(hint=_(hint))
            failures.append(text)
    if failures:
        summary = _("{function}: {passed} of {total} visible checks passed.").format(
            function=_name(func), passed=len(cases) - len(failures), total=len(cases))
        raise CheckFailed("\n".join([summary] + [_item(text) for text in failures]))
    print(f"{GREEN}✓ " + _("{function}: all {total} visible checks passed.").format(function=_name(func),
                                                                                     total=len(cases)) + RESET)


def check_true(condition: bool, message: str) -> None:
    """Raise :class:`CheckFailed` with ``message`` (English, translated when shown) unless ``condition`` is true.

    For checks that are not calls.
    """
    if condition is not True:
        raise CheckFailed(_(message))


# ---------------------------------------------------------------- gradient check (lesson 05)

_GRAD_CHECK_BUG = 1e-4  # CS231n's rule of thumb: above this a backward is almost surely wrong


def _numerical_gradient(loss, x, h):
    """Central differences of the number ``loss()`` with respect to the float array ``x``, nudged in place."""
    import numpy as np

    grad = np.zeros(x.shape, dtype=float)
    for idx in np.ndindex(x.shape):
        saved = x[idx]
        x[idx] = saved + h
        up = float(loss())
        x[idx] = saved - h
        down = float(loss())
        x[idx] = saved  # restore exactly: the layer or net may hold this very array
        grad[idx] = (up - down) / (2 * h)
    return grad


def _relative_error(analytic, numerical):
    """‖a − n‖ / (‖a‖ + ‖n‖) over all entries (0 when both are 0), the largest |a − n| and where it is."""
    import numpy as np

    diff = np.abs(analytic - numerical)
    scale = np.linalg.norm(analytic) + np.linalg.norm(numerical)
    error = float(np.linalg.norm(analytic - numerical) / scale) if scale > 0 else 0.0
    where = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.size else ()
    return error, float(diff.max()) if diff.size else 0.0, tuple(int(i) for i in where)


def grad_check(f_or_layer, x, *inputs, analytic=None, numerical=None, dout=None, h=1e-5, target=1e-7,
               seed=0, verbose=True):
    """Compare a gradient from calculus (backward) with one from central differences, per input and parameter.

    Two uses:

    * a **layer** (an object with ``forward`` and ``backward``):
      ``grad_check(layer, x, *more_inputs)`` runs ``out = layer.forward(x, *more_inputs)`` and
      ``layer.backward(dout)`` with a random ``dout`` of ``out``'s shape (or the one given), so that
      the number checked is L = Σ out · dout. ``backward`` returns dL/dx (or a tuple, one per
      input, in the order of ``forward``'s arguments); inputs after those, such as labels, are
      not differentiated. Every array attribute ``P`` of the layer that has a gradient ``dP``
      after backward (``W`` with ``dW``, ``b`` with ``db``) is checked too.
    * a **function** ``f`` of one array (or of a dict of arrays, such as a network's
      ``params``) returning a number: ``grad_check(f, x, analytic=g)``, where ``g`` is the
      gradient you computed, shaped like ``x`` (or a dict with the same keys, or a function
      returning it from ``x``). ``f`` is called as ``f(x)`` with ``x`` nudged in place, so the
      book's ``lambda W: net.loss(x, t)`` works. Pass ``numerical`` to compare with a numerical
      gradient you already have instead of computing one here.

    The relative error ‖a − n‖ / (‖a‖ + ‖n‖) is printed for each name together with the largest
    absolute difference and its index, against ``target``. The scale: central differences with
    h = 1e-5 are off by about h² ≈ 1e-10 times the third derivative, and rounding adds about
    1e-16·|L| / h ≈ 1e-11·|L|, so a right backward agrees to 1e-7 or better; a wrong one (a missing
    factor, a transposed matrix, a forgotten ``dout``) is off by 1e-2 to 1. Between 1e-7 and 1e-4,
    look closer: a kink (ReLU at 0) within h of an input, or a constant such as the 1e-7 inside the
    cross-entropy's log, which the loss feels and the formula y − t ignores, lands there.
    The layer's remembered values are overwritten (``forward`` runs many times);
    arrays are restored exactly. Returns ``{name: relative error}``.
    """
    import numpy as np

    if hasattr(f_or_layer, "forward") and hasattr(f_or_layer, "backward"):
        pairs = _layer_gradients(f_or_layer, (x, *inputs), dout, h, seed)
    else:
        pairs = _function_gradients(f_or_layer, x, analytic, numerical, h)
    errors = {}
    lines = [_("gradient check: relative error ‖backward − numerical‖ / (‖backward‖ + ‖numerical‖), "
               "target < {target:.0e}").format(target=target)]
    for name, (a, n) in pairs.items():
        a = np.asarray(a, dtype=float) if a is not None else None
        if a is None or a.shape != n.shape:
            errors[name] = float("inf")
            got = _("nothing") if a is None else _("shape {shape}").format(shape=a.shape)
            lines.append(_("  {name:<6} ✗ backward gave {got}, but {name} has shape {shape}").format(
                name=name, got=got, shape=n.shape))
            continue
        error, largest, where = _relative_error(a, n)
        errors[name] = error
        if error < target:
            verdict = "✓"
        elif error < _GRAD_CHECK_BUG:
            verdict = _("≈ above the target: a kink or a small constant in the loss? (see grad_check's help)")
        else:
            verdict = _("✗ too far apart: most likely a bug in backward")
        lines.append(_("  {name:<6} {error:.1e}  {verdict}   (largest |difference| {largest:.1e} at {where})").format(
            name=name, error=error, verdict=verdict, largest=largest, where=where))
    if verbose:
        print("\n".join(lines))
    return errors


def _layer_gradients(layer, inputs, dout, h, seed):
    """{name: (backward's gradient, numerical gradient)} for a layer's inputs and parameters."""
    import inspect

    import numpy as np

    out = layer.forward(*copy.deepcopy(inputs))
    if dout is None:
        rng = np.random.default_rng(seed)
        dout = rng.normal(size=np.shape(out)) if np.ndim(out) else float(rng.uniform(0.5, 2.0))
    dout = np.array(dout, dtype=float) if np.ndim(dout) else float(dout)
    result = layer.backward(copy.deepcopy(dout))  # a copy: backward may write into dout (ReLU does)
    grads = list(result) if isinstance(result, tuple) else [result]
    params = {name: value for name, value in vars(layer).items()
              if isinstance(value, np.ndarray) and isinstance(getattr(layer, "d" + name, None), np.ndarray)}
    analytic = {name: np.array(getattr(layer, "d" + name), dtype=float) for name in params}
    try:
        names = list(inspect.signature(layer.forward).parameters)
    except (TypeError, ValueError):
        names = []
    names += [f"input {i + 1}" for i in range(len(names), len(inputs))]

    def loss(args):
        return np.sum(np.asarray(layer.forward(*copy.deepcopy(args)), dtype=float) * dout)

    pairs = {}
    for i, g in enumerate(grads[:len(inputs)]):
        args = list(inputs)
        args[i] = np.array(inputs[i], dtype=float)  # a number becomes a 0-d array that can be nudged
        pairs[names[i]] = (g, _numerical_gradient(lambda: loss(args), args[i], h))
    for name, value in params.items():
        pairs[name] = (analytic[name], _numerical_gradient(lambda: loss(inputs), value, h))
    return pairs


def _function_gradients(f, x, analytic, numerical, h):
    """{name: (the given gradient, numerical gradient)} for a function of an array or of a dict of arrays."""
    import numpy as np

    if analytic is None:
        raise TypeError(_("grad_check(f, x) needs analytic=: the gradient you computed, shaped like x"))
    if callable(analytic):
        analytic = analytic(x)
    if isinstance(x, dict):
        pairs = {}
        for key, value in x.items():
            n = np.asarray(numerical[key], dtype=float) if numerical is not None else \
                _numerical_gradient(lambda: f(x), value, h)
            pairs[key] = (analytic.get(key) if isinstance(analytic, dict) else None, n)
        return pairs
    if numerical is None:
        numerical = _numerical_gradient(lambda: f(x), x, h)
    return {"x": (analytic, np.asarray(numerical, dtype=float))}
