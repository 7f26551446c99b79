"""Turn the values a student's code produced into plain data that can cross a process boundary.

Only real data survives: bool, int, float, str, None, lists/tuples/dicts of those and
NumPy arrays (sent as ``.npy`` bytes, never pickled). Anything else — a student object,
a float subclass that fakes ``==`` — arrives as :class:`Opaque`, which equals nothing,
so a judge on the other side compares real numbers only.
"""

from __future__ import annotations

import base64
import io
import json

import numpy as np


class Opaque:
    """Stands for a value that was not plain data; records only its type name."""

    def __init__(self, type_name: str):
        self.type_name = type_name

    def __repr__(self):
        return f"<{self.type_name} object>"


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
        buffer = io.BytesIO()
        np.save(buffer, np.ascontiguousarray(value), allow_pickle=False)
        return {"__ndarray__": base64.b64encode(buffer.getvalue()).decode()}
    if kind in (list, tuple):
        return {"__" + kind.__name__ + "__": [to_plain(v, depth + 1) for v in value]}
    if kind is dict:
        return {"__dict__": [[to_plain(k, depth + 1), to_plain(v, depth + 1)] for k, v in dict.items(value)]}
    return {"__opaque__": type(value).__name__}


def from_plain(data):
    """Inverse of :func:`to_plain`: rebuild the value (opaque markers become :class:`Opaque`)."""
    if not isinstance(data, dict):
        return data
    (tag, payload), = data.items()
    if tag == "__int__":
        return int(payload)
    if tag == "__float__":
        return float(payload)
    if tag == "__ndarray__":
        return np.load(io.BytesIO(base64.b64decode(payload)), allow_pickle=False)
    if tag == "__list__":
        return [from_plain(v) for v in payload]
    if tag == "__tuple__":
        return tuple(from_plain(v) for v in payload)
    if tag == "__dict__":
        return {_hashable(from_plain(k)): from_plain(v) for k, v in payload}
    return Opaque(str(payload))


def _hashable(key):
    return key if not isinstance(key, (list, np.ndarray)) else repr(key)


def dumps(value) -> str:
    """Serialize ``value`` with :func:`to_plain` into one JSON line."""
    return json.dumps(to_plain(value))


def loads(line: str):
    """Inverse of :func:`dumps`."""
    return from_plain(json.loads(line))
