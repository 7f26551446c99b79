"""The judge: decides hidden tests in the worker, where no student code runs.

The sandboxed kernel holds one end of a socket pair; :class:`Judge` reads the other. For
each ``check(module, name, ...)`` the kernel sends the plain-data values its case function
recorded; the judge replays the same case function, seeded the same way, on the reference
solution to learn what each value should have been, and compares (:func:`verdict`).

It is no oracle: a check is accepted only while a test cell runs, only for a
``check(...)`` call written in that (instructor-owned) cell, once per call; the kernel is
told only that the message arrived, never the verdict. The worker writes verdicts into the
autograded notebook itself. Message size and count are capped (:mod:`autograder.limits`).
"""

from __future__ import annotations

import functools
import re
import threading
from collections import Counter
from dataclasses import dataclass, field

from autograder import expectations as stored_expectations
from autograder.limits import JUDGE_MESSAGE_BYTES, JUDGE_MESSAGES, TEXT_CHARS
from autograder.wire import BadMessage, clean_text, from_plain, parse_kernel_message, read_lines
from course.compare import mismatch

CHECK_CALL = re.compile(r'check\("(\w+)", "(\w+)",')
ACK = b'{"received": true}\n'


@functools.lru_cache(maxsize=None)
def _stored(module: str) -> dict:
    try:
        return stored_expectations.load(module)
    except Exception:  # no cache to read or write here: this worker computes what it needs itself
        return {}


@functools.lru_cache(maxsize=None)
def expectations(module: str, name: str) -> tuple:
    """Return what each ``expect`` of ``name``'s seeded cases expects, from the reference: read from the
    expectations file (:mod:`autograder.expectations`), else computed in this process (once)."""
    found = _stored(module).get(name)
    return found if found is not None else stored_expectations.compute(module, name)


def verdict(module: str, name: str, observations: list, failure: str | None) -> tuple[bool, str]:
    """Return ``(passed, message)`` for the values a kernel recorded for ``check(module, name, ...)``."""
    expected_values = expectations(module, name)
    for i, (expected, case, hint, tolerance) in enumerate(expected_values):
        if i >= len(observations):
            return False, failure or f"{case}: no answer was recorded"
        found = mismatch(expected, from_plain(observations[i]), **tolerance)
        if found:
            return False, f"{case}: {found.describe(show_values=False)}" + (f" (hint: {hint})" if hint else "")
    if failure:
        return False, clean_text(failure)
    if len(observations) != len(expected_values):
        return False, "more answers were recorded than the test asks for"
    return True, "passed"


@dataclass
class Ledger:
    """What one notebook's kernel sent, tagged with the cell that was running."""

    verdicts: dict = field(default_factory=dict)  # (cell index, module, name) -> (passed, message)
    events: list = field(default_factory=list)    # (cell index, event dict from the guard)
    refused: list = field(default_factory=list)   # (cell index, why) — checks the judge would not take


class Judge:
    """Reads one kernel's end of the judge socket pair on a thread; see the module docstring."""

    def __init__(self, sock, cells):
        self.sock = sock
        self.cells = cells          # the notebook's cells, to read which checks a test cell may ask
        self.ledger = Ledger()
        self._lock = threading.Lock()
        self._cell = None           # (index, allowed Counter) of the test cell running now, or None
        self._count = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> "Judge":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._thread.join(timeout=5)  # the kernel is gone: what it sent last is still read
        self.sock.close()
        self._thread.join(timeout=5)

    def running(self, index: int | None, is_test: bool) -> None:
        """Tell the judge which cell runs now (``index``), and whether it is a test cell."""
        with self._lock:
            allowed = Counter(CHECK_CALL.findall(self.cells[index].source)) if is_test and index is not None else None
            self._cell = (index, allowed)

    def _serve(self) -> None:
        for raw in read_lines(self.sock, JUDGE_MESSAGE_BYTES):
            self._count += 1
            if self._count > JUDGE_MESSAGES:
                if self._count == JUDGE_MESSAGES + 1:
                    self._note_event("garbage", f"more than {JUDGE_MESSAGES} messages to the judge; the rest ignored")
                continue
            try:
                message = parse_kernel_message(raw)
            except BadMessage as exc:
                self._note_event("garbage", f"an unreadable message to the judge ({exc})")
                continue
            if message["type"] == "event":
                self._note_event(message["kind"], message["detail"], message)
                continue
            if not self._check(message):
                return

    def _note_event(self, kind: str, detail: str, message: dict | None = None) -> None:
        with self._lock:
            index = self._cell[0] if self._cell else None
        event = dict(message or {}, kind=kind, detail=detail)
        if len(self.ledger.events) < JUDGE_MESSAGES:
            self.ledger.events.append((index, event))

    def _check(self, message: dict) -> bool:
        """Take one check (bound to the running cell before the kernel may go on); False when the kernel left."""
        key = (message["module"], message["name"])
        with self._lock:
            index, allowed = self._cell if self._cell else (None, None)
            accepted = bool(allowed) and allowed[key] > 0
            if accepted:
                allowed[key] -= 1
            else:
                why = "outside a test cell" if not allowed else f"not a check of this cell, or asked twice: {key[1]}"
                self.ledger.refused.append((index, clean_text(why, TEXT_CHARS)))
        try:
            self.sock.sendall(ACK)
        except OSError:
            return False
        if not accepted:
            return True
        try:
            result = verdict(*key, message["observations"], message["failure"])
        except Exception as exc:  # a malformed answer fails the check, never the grader
            result = (False, f"the answer could not be judged ({type(exc).__name__})")
        with self._lock:
            previous = self.ledger.verdicts.get((index, *key))
            # a cell that calls the same check twice passes only if every call passed
            if previous is None or previous[0]:
                self.ledger.verdicts[(index, *key)] = result
        return True
