"""Reference solutions of 03_forward_propagation.

Activation functions take a NumPy array of any shape and return an array of the same shape.
"""

import numpy as np


def step_function(x):
    """Return 1 where ``x > 0`` and 0 elsewhere, as an int array (the lecture's dtype=np.int, now int)."""
    return np.array(x > 0, dtype=int)


def sigmoid(x):
    """Return ``1 / (1 + exp(-x))`` element-wise, without overflow for large negative ``x``."""
    x = np.asarray(x, dtype=float)
    e = np.exp(-np.abs(x))  # at most 1: never overflows
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def relu(x):
    """Return ``max(0, x)`` element-wise, as a new array (``x`` is left unchanged)."""
    return np.maximum(0, x)


def tanh(x):
    """Return the hyperbolic tangent of ``x`` element-wise."""
    return np.tanh(x)


def leaky_relu(x, alpha=0.1):
    """Return ``x`` where ``x > 0`` and ``alpha * x`` elsewhere."""
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, alpha * x)


def elu(x, alpha=1.0):
    """Return ``x`` where ``x >= 0`` and ``alpha * (exp(x) - 1)`` elsewhere."""
    x = np.asarray(x, dtype=float)
    return np.where(x >= 0, x, alpha * np.expm1(np.minimum(x, 0)))


def maxout(x, W, b):
    """Return the maxout unit: the element-wise maximum over k affine pieces ``x·W[i] + b[i]``.

    ``x`` is one input of shape (n,) or a batch of shape (N, n); ``W`` has shape (k, n, m) and ``b``
    shape (k, m). Returns a float array of shape (m,) for one input, (N, m) for a batch.
    """
    x = np.asarray(x, dtype=float)
    pieces = np.stack([np.dot(x, W[i]) + b[i] for i in range(len(W))])  # (k, m) or (k, N, m)
    return np.max(pieces, axis=0)


def identity_function(x):
    """Return ``x`` unchanged (the output layer of a regression network)."""
    return x


def softmax(a):
    """Return the softmax of a vector, or of each row of a batch, shifted by the max so exp cannot overflow."""
    a = np.asarray(a, dtype=float)
    exp_a = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return exp_a / np.sum(exp_a, axis=-1, keepdims=True)


def init_network():
    """Return the lecture's 2-3-2-2 network: a dict of weights W1, W2, W3 and biases b1, b2, b3."""
    return {
        "W1": np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]),
        "b1": np.array([0.1, 0.2, 0.3]),
        "W2": np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]),
        "b2": np.array([0.1, 0.2]),
        "W3": np.array([[0.1, 0.3], [0.2, 0.4]]),
        "b3": np.array([0.1, 0.2]),
    }


def forward(network, x):
    """Return the output of the 3-layer network: sigmoid, sigmoid, identity. ``x`` is one input or a batch."""
    W1, W2, W3 = network["W1"], network["W2"], network["W3"]
    b1, b2, b3 = network["b1"], network["b2"], network["b3"]
    z1 = sigmoid(np.dot(x, W1) + b1)
    z2 = sigmoid(np.dot(z1, W2) + b2)
    return identity_function(np.dot(z2, W3) + b3)


def predict(network, x):
    """Return class probabilities: sigmoid, sigmoid, softmax. ``x`` is one input or a batch (rows)."""
    W1, W2, W3 = network["W1"], network["W2"], network["W3"]
    b1, b2, b3 = network["b1"], network["b2"], network["b3"]
    z1 = sigmoid(np.dot(x, W1) + b1)
    z2 = sigmoid(np.dot(z1, W2) + b2)
    return softmax(np.dot(z2, W3) + b3)


def batch_accuracy(network, x, t, batch_size=100):
    """Return the fraction of rows of ``x`` whose most probable class is the label in ``t``.

    ``predict`` runs on consecutive slices ``x[i:i + batch_size]``; the last slice may be shorter.
    """
    hits = 0
    for i in range(0, len(x), batch_size):
        y = predict(network, x[i:i + batch_size])
        hits += int(np.sum(np.argmax(y, axis=1) == t[i:i + batch_size]))
    return hits / len(x)
