"""Reference solutions of 04_loss_and_gradients.

``softmax`` is lesson 03's, given to students in a plain cell; the other names are graded.
"""

import numpy as np

from autograder.reference.forward_propagation import softmax


def mean_squared_error(y, t):
    """Return ½·Σ(y − t)² for arrays ``y`` (outputs) and ``t`` (targets) of one shape."""
    return 0.5 * np.sum((y - t) ** 2)


def cross_entropy_error(y, t):
    """Return the mean cross-entropy −Σ t·log(y + 1e-7) of one sample or a batch.

    y: probabilities, shape (C,) or (N, C); t: one-hot of y's shape, or class labels of shape (N,).
    """
    if y.ndim == 1:
        y = y.reshape(1, y.size)
        t = t.reshape(1, t.size)
    if t.size == y.size:  # one-hot: keep the index of each row's 1
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


def numerical_diff(f, x):
    """Return the central difference (f(x + h) − f(x − h)) / 2h with h = 1e-4."""
    h = 1e-4
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f, x):
    """Return the array of ∂f/∂x at ``x`` (float array of any shape) by central differences.

    Each entry of ``x`` is nudged in place, so ``f`` may ignore its argument and read ``x``
    itself; every entry is restored before returning.
    """
    h = 1e-4
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"], op_flags=["readwrite"])
    while not it.finished:
        idx = it.multi_index
        tmp_val = x[idx]
        x[idx] = tmp_val + h
        fxh1 = f(x)
        x[idx] = tmp_val - h
        fxh2 = f(x)
        grad[idx] = (fxh1 - fxh2) / (2 * h)
        x[idx] = tmp_val
        it.iternext()
    return grad


def gradient_descent(f, init_x, lr=0.01, step_num=100):
    """Take ``step_num`` steps x ← x − lr·∇f(x) from a copy of ``init_x``.

    Returns ``(x, path)``: the final point and the array of the step_num + 1 points
    visited, ``init_x`` first and ``x`` last. ``init_x`` itself is left unchanged.
    """
    x = np.array(init_x, dtype=float)
    path = [x.copy()]
    for _ in range(step_num):
        x -= lr * numerical_gradient(f, x)
        path.append(x.copy())
    return x, np.array(path)


class SimpleNet:
    """The lecture's one-layer net: W is 2×3, predict(x) = x·W, loss = cross-entropy of softmax."""

    def __init__(self):
        self.W = np.random.randn(2, 3)

    def predict(self, x):
        return np.dot(x, self.W)

    def loss(self, x, t):
        y = softmax(self.predict(x))
        return cross_entropy_error(y, t)
