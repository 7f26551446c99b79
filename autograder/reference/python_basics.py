"""Reference solutions of 01_python_basics."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def arithmetic(a, b):
    """Return a dict from each of the seven arithmetic operators to ``a <op> b``."""
    return {"+": a + b, "-": a - b, "*": a * b, "/": a / b, "//": a // b, "%": a % b, "**": a ** b}


def type_name(value):
    """Return 'bool', 'int', 'float' or 'str' for a value of one of those types."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "str"


def take_slices(seq):
    """Return ``(first two items, last item, items from the third-last up to the last, excluded)``."""
    return seq[0:2], seq[-1], seq[-3:-1]


def count_words(words):
    """Return a dict from each word in the list ``words`` to how many times it occurs."""
    counts = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    return counts


def truth_table(op):
    """Return the truth table of ``op`` ('and', 'or' or 'not') as a list of rows.

    Rows of 'and'/'or' are ``(a, b, a op b)`` for a, b in (True, False), True first;
    rows of 'not' are ``(a, not a)``.
    """
    values = (True, False)
    if op == "not":
        return [(a, not a) for a in values]
    if op == "and":
        return [(a, b, a and b) for a in values for b in values]
    if op == "or":
        return [(a, b, a or b) for a in values for b in values]
    raise ValueError(f"unknown operator {op!r}")


def sum_of_evens(numbers):
    """Return the sum of the even integers in ``numbers`` (0 when there are none)."""
    total = 0
    for n in numbers:
        if n % 2 == 0:
            total += n
    return total


def hello(name=None):
    """Return 'Hello World!' without a name, else 'Hello <name>!'."""
    if name is None:
        return "Hello World!"
    return "Hello " + name + "!"


class Man:
    """The lecture's small class: remembers a name and greets with it."""

    def __init__(self, name):
        self.name = name

    def hello(self):
        return "Hello " + self.name + "!"

    def goodbye(self):
        return "Good-bye " + self.name + "!"


def array_facts(a):
    """Return ``(shape, rank, dtype name)`` of the NumPy array ``a``."""
    return a.shape, a.ndim, a.dtype.name


def top_left_block(a):
    """Return the view of ``a`` made of its first two rows and its columns 1 and 2."""
    return a[:2, 1:3]


def center_columns(X):
    """Return ``X`` minus the mean of each column (broadcasting a row over every row)."""
    return X - X.mean(axis=0)


def plot_sin_cos():
    """Return a figure with sin and cos over x = 0, 0.1, ..., 5.9, labelled, with legend and title."""
    x = np.arange(0, 6, 0.1)
    fig, ax = plt.subplots()
    ax.plot(x, np.sin(x), label="sin")
    ax.plot(x, np.cos(x), linestyle="--", label="cos")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.set_title("sin & cos")
    ax.legend()
    return fig
