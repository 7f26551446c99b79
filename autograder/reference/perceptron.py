"""Reference solutions of 02_perceptron."""

import numpy as np


def _gate(x1, x2, w1, w2, b):
    # The lecture's perceptron: fire when the weighted sum plus bias is positive.
    return 1 if float(np.sum(np.array([x1, x2]) * np.array([w1, w2])) + b) > 0 else 0


def AND(x1, x2):
    """Return 1 when both inputs are 1, else 0 (a perceptron with w = (0.5, 0.5), b = -0.7)."""
    return _gate(x1, x2, 0.5, 0.5, -0.7)


def NAND(x1, x2):
    """Return 0 when both inputs are 1, else 1 (w = (-0.5, -0.5), b = 0.7)."""
    return _gate(x1, x2, -0.5, -0.5, 0.7)


def OR(x1, x2):
    """Return 1 when at least one input is 1, else 0 (w = (0.5, 0.5), b = -0.2)."""
    return _gate(x1, x2, 0.5, 0.5, -0.2)


def XOR(x1, x2):
    """Return 1 when exactly one input is 1: AND(NAND(x1, x2), OR(x1, x2))."""
    s1 = NAND(x1, x2)
    s2 = OR(x1, x2)
    return AND(s1, s2)


def perceptron(x, w, b):
    """Return 1 if ``sum(w * x) + b > 0`` else 0, for 1-D arrays ``x`` and ``w`` of equal length."""
    return 1 if float(np.sum(np.asarray(w) * np.asarray(x)) + b) > 0 else 0


def train_perceptron(X, y, lr=0.1, epochs=20):
    """Learn ``w, b`` with the Rosenblatt rule; return ``(w, b)`` (w a float array, b a float).

    Start from ``w = 0`` (one weight per column of X) and ``b = 0.0``. For each epoch, visit the
    rows of X in order; for row ``x`` with target ``t`` compute ``p = perceptron(x, w, b)``, then
    ``w = w + lr * (t - p) * x`` and ``b = b + lr * (t - p)``. Stop after the first epoch without
    an update (every row right) or after ``epochs`` epochs.
    """
    X = np.asarray(X, dtype=float)
    w = np.zeros(X.shape[1])
    b = 0.0
    for _ in range(epochs):
        updated = False
        for x, t in zip(X, y):
            error = t - perceptron(x, w, b)
            if error != 0:
                w = w + lr * error * x
                b = b + lr * error
                updated = True
        if not updated:
            break
    return w, float(b)
