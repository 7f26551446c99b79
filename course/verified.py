"""Read a shipped ``.npz`` only after checking its SHA-256: one way for every data file of the course."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import numpy as np


def sha256(path: Path) -> str:
    """Return the hex SHA-256 of the file at ``path``, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_npz(path: Path, expected_sha256: str, names, error: type[Exception], what: str, fix: str) -> dict:
    """Return {name: array} for ``names`` from the ``.npz`` at ``path`` (never unpickling).

    Raises ``error`` with a message naming the file, ``what`` it should be, and ``fix`` when the
    file is missing, its checksum differs (corrupted, truncated, another file) or it cannot be read.
    """
    if not path.is_file():
        raise error(f"{what} not found: {path}. {fix}")
    actual = sha256(path)
    if actual != expected_sha256:
        raise error(f"{path} is not the {what} the course expects: its SHA-256 is {actual}, expected "
                    f"{expected_sha256} (the file is corrupted, truncated or a different file). {fix}")
    try:
        with np.load(path, allow_pickle=False) as npz:
            return {name: npz[name] for name in names}
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        raise error(f"{path} could not be read as the {what} ({exc}). {fix}") from exc
