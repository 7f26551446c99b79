"""Pretrained weights for the MNIST inference lesson, offline and verified.

``course/data/sample_weight.npz`` holds a 784→50→100→10 network (sigmoid
hidden layers, softmax output), the course's replacement for the lectures'
pickled ``sample_weight.pkl``. How it was trained and the accuracy it reaches
are in ``course/data/README.md``. Its SHA-256 is checked before any array is
read, so a corrupted or truncated file fails loudly.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from course.verified import load_npz

PATH = Path(__file__).with_name("data") / "sample_weight.npz"
SHA256 = "b2e54bbfaa023bd61f14dcd0811049a5a0c3dedc9ffd4be43aae83fcd8bfcf84"
SHAPES = {"W1": (784, 50), "b1": (50,), "W2": (50, 100), "b2": (100,), "W3": (100, 10), "b3": (10,)}
_FIX = ("Restore it from the repository (git checkout -- course/data/sample_weight.npz), reinstall the "
        "course package, or retrain it with `python -m autograder.train_pretrained` (instructors).")


class PretrainedError(RuntimeError):
    """The weights file is missing, corrupted or not the file the course expects."""


def load_sample_weights(path: str | Path = PATH) -> dict[str, np.ndarray]:
    """Return the pretrained network as a dict ``{'W1', 'b1', 'W2', 'b2', 'W3', 'b3'}`` of float arrays.

    Shapes: W1 (784, 50), b1 (50,), W2 (50, 100), b2 (100,), W3 (100, 10), b3 (10,).
    Each call returns fresh arrays that the caller may change.
    Raises :class:`PretrainedError` when the file is missing or is not the shipped file.
    """
    arrays = load_npz(Path(path), SHA256, SHAPES, PretrainedError, "pretrained weights file", _FIX)
    network = {name: np.array(array, dtype=np.float32) for name, array in arrays.items()}
    return network
