"""The judge: decides hidden tests in the grader's own process, where no student code runs.

A judged kernel sends, for each ``check(module, name, ...)``, the plain-data values its
case function recorded. The judge replays the same case function, seeded the same way,
on the reference solution to learn what each value should have been, and compares.
:class:`JudgeServer` listens on a Unix socket for one submission and keeps a ledger of
every verdict and every integrity event its kernel reported.
"""

from __future__ import annotations

import functools
import importlib
import json
import os
import socketserver
import tempfile
import threading
from dataclasses import dataclass, field

from autograder.hidden import Replay, run_case
from autograder.transcript import from_plain
from course.compare import mismatch


@functools.lru_cache(maxsize=None)
def expectations(module: str, name: str) -> tuple:
    """Return what each ``expect`` of ``name``'s seeded cases expects, from the reference (computed once)."""
    reference = getattr(importlib.import_module(f"autograder.reference.{module}"), name)
    replay = Replay()
    run_case(module, name, reference, reference, replay)
    return tuple(replay.expectations)


def judge(module: str, name: str, observations: list, failure: str | None) -> tuple[bool, str]:
    """Return ``(passed, message)`` for the values a kernel recorded for ``check(module, name, ...)``."""
    expected_values = expectations(module, name)
    for i, (expected, case, hint, tolerance) in enumerate(expected_values):
        if i >= len(observations):
            return False, failure or f"{case}: no answer was recorded"
        found = mismatch(expected, from_plain(observations[i]), **tolerance)
        if found:
            return False, f"{case}: {found.describe(show_values=False)}" + (f" (hint: {hint})" if hint else "")
    if failure:
        return False, str(failure)[:500]
    if len(observations) != len(expected_values):
        return False, "more answers were recorded than the test asks for"
    return True, "passed"


@dataclass
class Ledger:
    """What a submission's kernel reported while its notebook ran, tagged with the running cell."""

    verdicts: list = field(default_factory=list)  # (cell index, module, name, passed, message)
    events: list = field(default_factory=list)    # (cell index, event dict from the sandbox guard)
    cell: int = -1


class _Handler(socketserver.StreamRequestHandler):
    def handle(self):
        ledger: Ledger = self.server.ledger
        for raw in self.rfile:
            try:
                message = json.loads(raw)
                kind = message.get("type")
            except (ValueError, AttributeError):
                ledger.events.append((ledger.cell, {"kind": "garbage", "detail": "unreadable message to the judge"}))
                return
            if kind == "check":
                try:
                    ok, text = judge(str(message["module"]), str(message["name"]),
                                     list(message.get("observations") or []), message.get("failure"))
                except Exception as exc:  # a malformed request fails the check, never the grader
                    ok, text = False, f"the answer could not be judged ({type(exc).__name__})"
                ledger.verdicts.append((ledger.cell, message.get("module"), message.get("name"), ok, text))
                self.wfile.write(json.dumps({"ok": ok, "message": text}).encode() + b"\n")
            elif kind == "event":
                ledger.events.append((ledger.cell, message))


class JudgeServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """A Unix-socket judge for one submission; ``address`` goes into the kernel's ``COURSE_JUDGE``."""

    daemon_threads = True

    def __init__(self):
        self._dir = tempfile.mkdtemp(prefix="judge-")
        self.address = os.path.join(self._dir, "judge.sock")
        self.ledger = Ledger()
        super().__init__(self.address, _Handler)
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.shutdown()
        self.server_close()
        for name in os.listdir(self._dir):
            os.unlink(os.path.join(self._dir, name))
        os.rmdir(self._dir)
