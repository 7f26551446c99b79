"""The judge's expectations, computed once in a short-lived process and kept on disk.

What the reference gives on a graded name's seeded cases never changes while the code that
decides it stays the same, so the judge need not recompute it in every worker — and a worker
that did would import the reference's libraries (TensorFlow alone is about 700 MB of a grading
worker's memory and 5 s of its start). Instead ``python -m autograder.expectations MODULE``
runs the cases on the reference in a process of its own and writes one JSON file per lesson
module into :func:`autograder.paths.expectations_cache`; workers only read it.

A file is named by a digest of everything that decides its values: the case functions, the
references (a lesson's reference imports earlier lessons'), the hidden-test runner, the ``course``
package, and the versions of Python, NumPy, TensorFlow and Keras. Changing any of them computes
the file again. Values are encoded exactly (NumPy scalar types and array dtypes kept) and never
unpickled; a name whose values cannot be encoded is marked so, and the judge computes it in
its own process as before.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

import numpy as np

from autograder.hidden import Replay, run_case
from autograder.paths import PACKAGE, ROOT, expectations_cache
from autograder.wire import decode_array, encode_array

LIBRARIES = ("numpy", "tensorflow", "keras")


class NotEncodable(TypeError):
    """A value this file format does not keep exactly."""


def encode(value):
    """Return ``value`` as JSON-ready data that :func:`decode` turns back into an identical value."""
    if value is None or type(value) in (bool, int, str):
        return value
    if type(value) is float:
        return {"float": repr(value)}
    if isinstance(value, (np.ndarray, np.generic)) and np.asarray(value).dtype.kind in "biufcUS":
        return {"scalar" if isinstance(value, np.generic) else "ndarray": encode_array(np.asarray(value))}
    if type(value) in (list, tuple):
        return {type(value).__name__: [encode(item) for item in value]}
    if type(value) is dict:
        return {"dict": [[encode(key), encode(item)] for key, item in value.items()]}
    raise NotEncodable(type(value).__name__)


def decode(data):
    """Inverse of :func:`encode`."""
    if data is None or type(data) in (bool, int, str):
        return data
    (tag, payload), = data.items()
    if tag == "float":
        return float(payload)
    if tag in ("ndarray", "scalar"):
        array = decode_array(payload)
        return array[()] if tag == "scalar" else array
    if tag == "list":
        return [decode(item) for item in payload]
    if tag == "tuple":
        return tuple(decode(item) for item in payload)
    if tag == "dict":
        return {decode(key): decode(item) for key, item in payload}
    raise ValueError(f"unknown tag {tag!r} in an expectations file")


def graded_names(module: str) -> list[str]:
    """Return the names of ``module`` that have hidden cases (``autograder/cases/<module>.py``'s ``test_<name>``)."""
    cases = importlib.import_module(f"autograder.cases.{module}")
    return sorted(name[5:] for name in dir(cases) if name.startswith("test_"))


def compute(module: str, name: str) -> tuple:
    """Return what each ``expect`` of ``name``'s seeded cases expects: ((expected, case, hint, tolerance), ...)."""
    reference = getattr(importlib.import_module(f"autograder.reference.{module}"), name)
    replay = Replay()
    run_case(module, name, reference, reference, replay)
    return tuple(replay.expectations)


def _version(library: str) -> str:
    try:
        return metadata.version(library)
    except metadata.PackageNotFoundError:
        return "absent"


def digest(module: str) -> str:
    """Return the digest that names ``module``'s expectations file (see the module docstring)."""
    # every case and reference module, not only ``module``'s: a reference imports the earlier lessons' references
    files = [*sorted((PACKAGE / "cases").glob("*.py")), *sorted((PACKAGE / "reference").glob("*.py")),
             PACKAGE / "hidden.py", *sorted((ROOT / "course").glob("*.py"))]
    sha = hashlib.sha256(repr((module, platform.python_version(), [_version(lib) for lib in LIBRARIES])).encode())
    for path in files:
        sha.update(path.name.encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()[:24]


def cache_file(module: str) -> Path:
    """Return the path of ``module``'s expectations file for the code and libraries installed now.

    Raises ValueError for a name that is not one of the lesson modules with hidden cases."""
    if not re.fullmatch(r"[a-z][a-z_]*", module) or not (PACKAGE / "cases" / f"{module}.py").is_file():
        raise ValueError(f"no hidden cases for a module named {module[:80]!r}")
    return expectations_cache() / f"{module}-{digest(module)}.json"


def write(module: str) -> Path:
    """Compute every graded name of ``module`` in this process and write its file (atomically); return its path."""
    names = {}
    for name in graded_names(module):
        try:
            names[name] = [[encode(expected), case, hint, encode(tolerance)]
                           for expected, case, hint, tolerance in compute(module, name)]
        except NotEncodable:
            names[name] = None  # the judge computes this one itself
    path = cache_file(module)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".part") as f:
        json.dump({"module": module, "names": names}, f)
    os.replace(f.name, path)
    return path


def load(module: str) -> dict[str, tuple | None]:
    """Return ``{name: expectations or None}`` for ``module``, computing its file first if it is missing.

    The computation runs in a child process, one at a time per file (other workers wait for it and
    read the same file). None marks a name the caller must compute itself.
    """
    path = cache_file(module)
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not path.is_file():
                subprocess.run([sys.executable, "-m", "autograder.expectations", module], check=True, timeout=600,
                               cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"},
                               stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    data = json.loads(path.read_text())
    return {name: None if values is None else tuple((decode(expected), case, hint, decode(tolerance))
                                                    for expected, case, hint, tolerance in values)
            for name, values in data["names"].items()}


def main(argv=None) -> None:
    """``python -m autograder.expectations [MODULE ...]``: write the files of these lesson modules (default: all)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    modules = (argv if argv is not None else sys.argv[1:]) or sorted(
        path.stem for path in (PACKAGE / "cases").glob("*.py") if not path.name.startswith("_"))
    for module in modules:
        try:
            print(write(module))
        except OSError as exc:  # grading still works: each worker then computes what it needs itself
            print(f"the judge's expectations of {module} could not be kept in {expectations_cache()} ({exc}); "
                  "each grading worker will compute them itself, importing the lesson's libraries", file=sys.stderr)


if __name__ == "__main__":
    main()
