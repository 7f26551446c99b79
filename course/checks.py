"""Friendly self-checks for the visible test cells of the notebooks.

A check takes the student's function and a few fixed cases, runs each, and
either prints one green line or raises :class:`CheckFailed` saying which case
failed, what was expected, what came back, and a hint.
"""

from __future__ import annotations

import copy
import traceback

from course.compare import mismatch

GREEN, RED, RESET = "\033[92m", "\033[91m", "\033[0m"


class CheckFailed(AssertionError):
    """A visible check failed; the message says which case, why, and a hint."""

    def _render_traceback_(self):
        # IPython shows this instead of a long traceback through the checking code.
        return [f"{RED}✗ {self}{RESET}"]


def _call(func, args, kwargs, case_name):
    try:
        return func(*copy.deepcopy(args), **copy.deepcopy(kwargs))
    except NotImplementedError:
        raise CheckFailed(f"{_name(func)} is not implemented yet: replace `raise NotImplementedError()` "
                          "with your code.") from None
    except Exception as exc:
        where = traceback.extract_tb(exc.__traceback__)[-1]
        raise CheckFailed(f"case '{case_name}': {_name(func)} raised {type(exc).__name__}: {exc} "
                          f"(line {where.lineno})") from None


def _name(func) -> str:
    return getattr(func, "__name__", repr(func))


def check_cases(func, cases, *, rtol: float = 1e-7, atol: float = 1e-9) -> None:
    """Run ``func`` on each case and compare with the expected answer.

    Each case is a dict with ``name``, ``input`` (a tuple of positional
    arguments), optionally ``kwargs``, ``expected``, and ``hint``. Inputs are
    deep-copied, so a function that edits its arguments cannot spoil a later case.
    Prints a green line when all pass; raises :class:`CheckFailed` at the first failure.
    """
    for case in cases:
        name = case["name"]
        actual = _call(func, case["input"], case.get("kwargs", {}), name)
        found = mismatch(case["expected"], actual, rtol=rtol, atol=atol)
        if found:
            hint = case.get("hint")
            raise CheckFailed(f"case '{name}': {found.describe()}" + (f"\nHint: {hint}" if hint else ""))
    print(f"{GREEN}✓ {_name(func)}: all {len(cases)} visible checks passed.{RESET}")


def check_true(condition: bool, message: str) -> None:
    """Raise :class:`CheckFailed` with ``message`` unless ``condition`` is true (for checks that are not calls)."""
    if condition is not True:
        raise CheckFailed(message)
