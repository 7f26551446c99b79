"""Every message that crosses a process boundary of the grader, and how each is checked.

Two channels, both private to one notebook's grading:

* **kernel → judge** (a socket pair the sandboxed kernel inherits): one JSON line per
  message, ``{"type": "check", ...}`` from the hidden tests or ``{"type": "event", ...}``
  from the guard. The kernel is hostile: :func:`parse_kernel_message` accepts only these
  two shapes, within :data:`~autograder.limits.JUDGE_MESSAGE_BYTES`.
* **worker ↔ parent** (a socket pair given to the worker, never its stdin/stdout):
  length-prefixed JSON frames (:func:`send_frame`/:func:`receive_frame`); every answer
  names the task it belongs to and the parent checks it against the task it sent.

Values a student's code produced travel as plain data (:func:`to_plain`): bool, int,
float, str, None, lists/tuples/dicts of those and numeric NumPy arrays as ``.npy``
bytes — never pickled. Anything else (a student object, a float subclass that fakes
``==``) arrives as :class:`Opaque`, which equals nothing.
"""

from __future__ import annotations

import base64
import io
import json
import select
import socket
import struct
import time
from dataclasses import dataclass, field

import numpy as np

from autograder.limits import JUDGE_MESSAGE_BYTES, TEXT_CHARS


# What the sandbox launcher tells the kernel (autograder.kernel) through its environment.
CHANNELS_ENV = "COURSE_CHANNEL_FDS"      # {zmq address: inherited listening socket fd}
JUDGE_FD_ENV = "COURSE_JUDGE_FD"         # the kernel's end of the judge socket pair
LIMITS_ENV = "COURSE_KERNEL_LIMITS"      # resource limits, as JSON
PRELOAD_ENV = "COURSE_KERNEL_PRELOAD"    # modules the kernel imports before any student code, as JSON
# The kernel's uid in its sandbox (nobody). Under a root grader the sandbox starts as its namespace's root and the
# kernel switches to this uid itself, before any student code (autograder.userns, autograder.kernel).
KERNEL_UID = 65534

# worker → warm template (autograder.template), under a root grader: one SOCK_SEQPACKET message per kernel,
# a JSON request (template_request) with the kernel's inherited sockets as SCM_RIGHTS.
TEMPLATE_FD_ENV = "COURSE_TEMPLATE_FD"   # the template's end of that socket
TEMPLATE_READY = b"ready"                # its first message: the libraries are imported
TEMPLATE_CONNECTION = "/run/kernel/kernel.json"  # each forked kernel's connection file, read-only
TEMPLATE_STAGE = "/run/stage"            # an empty folder where the template fills a kernel's new tmpfs
TEMPLATE_REQUEST_BYTES = 1 << 20
TEMPLATE_FDS = 8                         # five channel listeners, the judge's end, the lifeline
TEMPLATE_REQUEST_KEYS = {"channels": list, "arguments": list, "connection": str, "env": dict, "limits": dict,
                         "preload": list, "binds": list}


class BadMessage(ValueError):
    """A message that is not what the channel carries (garbage, too large, wrong task)."""


class Opaque:
    """Stands for a value that was not plain data; records only its type name."""

    def __init__(self, type_name: str):
        self.type_name = type_name

    def __repr__(self):
        return f"<{self.type_name} object>"


# --- values ----------------------------------------------------------------------------
def encode_array(array: np.ndarray) -> str:
    """Return ``array`` as base64 text of its ``.npy`` bytes (dtype and shape kept, never pickled)."""
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)  # any memory layout, and a 0-d array stays 0-d
    return base64.b64encode(buffer.getvalue()).decode()


def decode_array(text) -> np.ndarray:
    """Inverse of :func:`encode_array`; raises ValueError (or EOFError) on anything malformed."""
    return np.load(io.BytesIO(base64.b64decode(text, validate=True)), allow_pickle=False)


def to_plain(value, depth: int = 0):
    """Return ``value`` as JSON-ready data (arrays base64 ``.npy``); non-data becomes an opaque marker."""
    if depth > 20:
        return {"__opaque__": "deeply nested value"}
    kind = type(value)
    if value is None or kind in (bool, str):
        return value
    if kind is int:
        return {"__int__": str(value)} if abs(value) > 2**53 else value
    if kind is float:
        return {"__float__": repr(value)}
    if isinstance(value, (np.bool_, np.integer, np.floating)):
        return to_plain(value.item(), depth)
    if kind is np.ndarray:
        if value.dtype.kind not in "biuf":
            return {"__opaque__": f"ndarray of dtype {value.dtype}"}
        return {"__ndarray__": encode_array(value)}
    if kind in (list, tuple):
        return {"__" + kind.__name__ + "__": [to_plain(v, depth + 1) for v in value]}
    if kind is dict:
        return {"__dict__": [[to_plain(k, depth + 1), to_plain(v, depth + 1)] for k, v in dict.items(value)]}
    return {"__opaque__": type(value).__name__}


def from_plain(data, depth: int = 0):
    """Inverse of :func:`to_plain`: rebuild the value; anything malformed becomes :class:`Opaque`."""
    if depth > 22:
        return Opaque("deeply nested value")
    if data is None or type(data) in (bool, int, str):
        return data
    if type(data) is not dict or len(data) != 1:
        return Opaque("malformed value")
    (tag, payload), = data.items()
    try:
        if tag == "__int__":
            return int(str(payload)[:400])
        if tag == "__float__":
            return float(str(payload)[:64])
        if tag == "__ndarray__":
            array = decode_array(payload)
            return array if array.dtype.kind in "biuf" else Opaque("ndarray")
        if tag in ("__list__", "__tuple__") and type(payload) is list:
            items = [from_plain(v, depth + 1) for v in payload]
            return items if tag == "__list__" else tuple(items)
        if tag == "__dict__" and type(payload) is list:
            return {_hashable(from_plain(k, depth + 1)): from_plain(v, depth + 1)
                    for k, v in (pair for pair in payload if type(pair) is list and len(pair) == 2)}
    except (ValueError, TypeError, OverflowError, EOFError):
        return Opaque("malformed value")
    return Opaque(str(payload)[:80])


def _hashable(key):
    return key if isinstance(key, (bool, int, float, str, type(None), tuple)) else repr(key)


def clean_text(value, limit: int = TEXT_CHARS) -> str:
    """Return ``value`` as printable text of at most ``limit`` characters (control characters dropped)."""
    text = str(value)
    cleaned = "".join(c if c.isprintable() or c in "\n\t" else "?" for c in text[:limit])
    return cleaned + ("…" if len(text) > limit else "")


# --- kernel → judge ----------------------------------------------------------------------
def check_message(module: str, name: str, observations: list, failure: str | None) -> bytes:
    """Encode what the hidden tests of ``name`` recorded (kernel side)."""
    return json.dumps({"type": "check", "module": module, "name": name, "observations": observations,
                       "failure": failure}).encode() + b"\n"


def event_message(kind: str, detail: str, cell_number: int, line: int | None) -> bytes:
    """Encode one report of the guard (kernel side)."""
    return json.dumps({"type": "event", "kind": kind, "detail": detail[:300], "cell_number": cell_number,
                       "line": line}).encode() + b"\n"


def parse_kernel_message(raw: bytes) -> dict:
    """Return a validated kernel message, or raise :class:`BadMessage`.

    A check: ``{"type": "check", "module": str, "name": str, "observations": list, "failure": str|None}``.
    An event: ``{"type": "event", "kind": str, "detail": str, "cell_number": int, "line": int|None}``.
    """
    if len(raw) > JUDGE_MESSAGE_BYTES:
        raise BadMessage("message too large")
    try:
        message = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BadMessage("not JSON") from None
    if type(message) is not dict:
        raise BadMessage("not an object")
    kind = message.get("type")
    if kind == "check":
        module, name, observations = message.get("module"), message.get("name"), message.get("observations")
        failure = message.get("failure")
        if not (type(module) is str and type(name) is str and type(observations) is list
                and (failure is None or type(failure) is str)):
            raise BadMessage("malformed check")
        return {"type": "check", "module": module[:100], "name": name[:100], "observations": observations,
                "failure": None if failure is None else clean_text(failure)}
    if kind == "event":
        number, line = message.get("cell_number"), message.get("line")
        return {"type": "event", "kind": clean_text(message.get("kind"), 40),
                "detail": clean_text(message.get("detail"), 300),
                "cell_number": number if type(number) is int else None,
                "line": line if type(line) is int else None}
    raise BadMessage("unknown message type")


def read_lines(sock: socket.socket, limit: int):
    """Yield the newline-ended messages arriving on ``sock``; a longer one than ``limit`` yields b"" once."""
    buffer = bytearray()
    skipping = False
    while True:
        try:
            chunk = sock.recv(1 << 16)
        except OSError:
            return
        if not chunk:
            return
        searched = len(buffer)  # only the new bytes can hold the next newline
        buffer += chunk
        while True:
            end = buffer.find(b"\n", searched)
            if end < 0:
                if len(buffer) > limit:
                    buffer.clear()
                    skipping = True
                    yield b""
                break
            line = bytes(buffer[:end])
            del buffer[:end + 1]
            searched = 0
            if skipping:
                skipping = False
                continue
            yield line


# --- worker → warm template ----------------------------------------------------------------
def template_request(data: bytes, fds: int) -> dict:
    """Return the template request in ``data`` (its keys and types: :data:`TEMPLATE_REQUEST_KEYS`), which came
    with ``fds`` descriptors: one per channel address, the judge's end and the lifeline. Raises BadMessage."""
    try:
        request = json.loads(data)
    except ValueError:
        raise BadMessage("a template request that is not JSON") from None
    if not isinstance(request, dict) or set(request) != set(TEMPLATE_REQUEST_KEYS) or not all(
            isinstance(request[key], kind) for key, kind in TEMPLATE_REQUEST_KEYS.items()):
        raise BadMessage("a template request of the wrong shape")
    if fds != len(request["channels"]) + 2:
        raise BadMessage(f"a template request with {fds} descriptors for {len(request['channels'])} channels")
    return request


# --- worker ↔ parent ---------------------------------------------------------------------
_HEADER = struct.Struct("!I")


def send_frame(sock: socket.socket, message: dict) -> None:
    """Send one JSON ``message`` as a length-prefixed frame."""
    body = json.dumps(message).encode()
    sock.sendall(_HEADER.pack(len(body)) + body)


def receive_frame(sock: socket.socket, limit: int, timeout: float | None) -> dict:
    """Return the next frame's JSON object; raise :class:`BadMessage` on garbage, excess, silence or EOF."""
    deadline = None if timeout is None else time.monotonic() + timeout
    header = _receive_exactly(sock, _HEADER.size, deadline)
    (size,) = _HEADER.unpack(header)
    if size > limit:
        raise BadMessage(f"a frame of {size} bytes (limit {limit})")
    try:
        message = json.loads(_receive_exactly(sock, size, deadline))
    except (ValueError, UnicodeDecodeError):
        raise BadMessage("a frame that is not JSON") from None
    if type(message) is not dict:
        raise BadMessage("a frame that is not an object")
    return message


def _receive_exactly(sock: socket.socket, size: int, deadline: float | None) -> bytes:
    chunks, left = [], size
    while left:
        wait = None if deadline is None else deadline - time.monotonic()
        if wait is not None and wait <= 0:
            raise BadMessage("no answer in time")
        ready, _, _ = select.select([sock], [], [], wait)
        if not ready:
            raise BadMessage("no answer in time")
        chunk = sock.recv(min(left, 1 << 20))
        if not chunk:
            raise BadMessage("the channel closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


# --- worker → parent: what grading one notebook produced ------------------------------------
@dataclass
class Flag:
    """Something the instructor should look at; never changes a score by itself."""

    kind: str
    detail: str
    cell: int | None = None
    line: int | None = None


@dataclass
class Result:
    """What grading one notebook of one student produced."""

    student: str
    assignment: str
    notebook: str
    status: str = "graded"           # graded | not graded
    reasons: list = field(default_factory=list)   # what cost points beyond wrong answers, for the student
    flags: list = field(default_factory=list)     # Flag
    seconds: float = 0.0
    phases: dict = field(default_factory=dict)    # seconds per phase: prepare, start, execute, judge, finish, save, feedback
    executed: str | None = None      # the autograded notebook, as JSON


def result_from_frame(frame: dict, task: dict) -> Result:
    """Return the :class:`Result` in a worker's answer to ``task`` (what was sent; the frame's task id
    is checked where it is received). Raises :class:`BadMessage` unless the fields are well formed."""
    if type(frame.get("result")) is not dict:
        raise BadMessage("an answer without a result")
    data = frame["result"]
    for key in ("student", "assignment", "notebook"):
        if data.get(key) != task[key]:
            raise BadMessage(f"an answer about another {key}")
    if data.get("status") not in ("graded", "not graded") or type(data.get("reasons")) is not list \
            or type(data.get("flags")) is not list or not isinstance(data.get("seconds"), (int, float)):
        raise BadMessage("a malformed result")
    executed = data.get("executed")
    if executed is not None and type(executed) is not str:
        raise BadMessage("a malformed notebook")
    flags = []
    for flag in data["flags"][:200]:
        if type(flag) is not dict:
            raise BadMessage("a malformed flag")
        flags.append(Flag(clean_text(flag.get("kind"), 40), clean_text(flag.get("detail")),
                          flag.get("cell") if type(flag.get("cell")) is int else None,
                          flag.get("line") if type(flag.get("line")) is int else None))
    phases = {clean_text(k, 20): float(v) for k, v in (data.get("phases") or {}).items()
              if isinstance(v, (int, float))} if type(data.get("phases")) is dict else {}
    return Result(task["student"], task["assignment"], task["notebook"], data["status"],
                  [clean_text(r) for r in data["reasons"][:50]], flags, float(data["seconds"]), phases, executed)
