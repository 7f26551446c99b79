"""Hidden test cases of 01_python_basics."""

import string

import numpy as np
from matplotlib.figure import Figure

from autograder.hidden import call, expect, is_new_array, kind, same_outputs


def _word(rng, alphabet=string.ascii_lowercase, max_len=6):
    return "".join(rng.choice(list(alphabet), size=int(rng.integers(1, max_len + 1))))


def test_arithmetic(submitted, reference, rng):
    pairs = [(int(rng.integers(-50, 51)), int(rng.choice([-1, 1]) * rng.integers(1, 7))) for _ in range(12)]
    pairs += [(float(rng.uniform(-20, 20)), int(rng.integers(1, 4))) for _ in range(4)]
    pairs += [(int(b) * int(rng.integers(-5, 6)), int(b)) for b in rng.integers(1, 6, size=3)]  # exact divisions
    same_outputs(submitted, reference, pairs, hint="one entry per operator: + - * / // % **")
    for i, (a, b) in enumerate(pairs, 1):
        result = call(submitted, a, b)
        kinds = {op: kind(v) for op, v in result.items()} if isinstance(result, dict) else kind(result)
        expect({op: kind(v) for op, v in reference(a, b).items()}, kinds,
               f"case {i} of {len(pairs)}: each value has the type a <op> b gives",
               "use the operators themselves: / always gives a float, // and % of ints give ints")


def test_type_name(submitted, reference, rng):
    pool = [True, False, 0, 1, -7, 900927, 0.5, -2.0, 1e300, "", "a", "True", "3.14"]
    pool += [int(rng.integers(-10**6, 10**6)), float(rng.normal()), _word(rng)]
    same_outputs(submitted, reference, [(v,) for v in rng.permutation(np.array(pool, dtype=object))],
                 hint="bool is a subclass of int: test for bool first")


def test_take_slices(submitted, reference, rng):
    inputs = [([int(v) for v in rng.integers(-9, 10, size=n)],) for n in rng.integers(3, 12, size=8)]
    inputs += [(_word(rng, max_len=10) + "abc",) for _ in range(4)]
    same_outputs(submitted, reference, inputs, hint="slices work the same on lists and strings; use negative indices")


def test_count_words(submitted, reference, rng):
    vocab = ["apple", "orange", "tax", "price", "a", "b"]
    inputs = [([str(w) for w in rng.choice(vocab, size=n)],) for n in rng.integers(0, 15, size=8)]
    same_outputs(submitted, reference, inputs + [([],)], hint="start from an empty dict and add 1 per word")
    words = [str(w) for w in rng.choice(vocab, size=6)]
    first = call(submitted, words)
    expect(reference(list(words)), call(submitted, words), "keeps working on a second call",
           "make the empty dict inside the function: a default argument counts={} is shared by every call")
    expect(True, first is not None and call(submitted, words) is not first, "returns a new dict on every call",
           "counts = {} inside the function")


def test_truth_table(submitted, reference, rng):
    same_outputs(submitted, reference, [("and",), ("or",), ("not",)],
                 hint="rows in the lecture's order: True before False, a before b")


def test_sum_of_evens(submitted, reference, rng):
    inputs = [([int(v) for v in rng.integers(-100, 101, size=n)],) for n in rng.integers(0, 20, size=10)]
    same_outputs(submitted, reference, inputs + [([],), ([1, 3, 5],), ([-2, -4],)],
                 hint="n % 2 == 0 tests for even, negatives included")


def test_hello(submitted, reference, rng):
    same_outputs(submitted, reference, [(), (None,)] + [(_word(rng).title(),) for _ in range(5)],
                 hint="no name means 'Hello World!'")


def test_Man(submitted, reference, rng):
    men = []
    for i in range(5):
        name = _word(rng).title() + "abcde"[i]
        man = call(submitted, name)
        men.append((name, man))
        expect(name, getattr(man, "name", None), f"object {i + 1}: attribute name", "store the name on self")
        expect(reference(name).hello(), call(man.hello), f"object {i + 1}: hello()")
        expect(reference(name).goodbye(), call(man.goodbye), f"object {i + 1}: goodbye()")
    # Every object keeps its own name while the others live on.
    for i, (name, man) in enumerate(men, 1):
        expect(reference(name).hello(), call(man.hello), f"object {i} still greets with its own name",
               "self.name = name stores the name on this object; Man.name = name would share it")


def test_array_facts(submitted, reference, rng):
    inputs = []
    for dtype in (np.int64, np.float64, np.float32, np.bool_, np.int8):
        shape = tuple(int(n) for n in rng.integers(1, 5, size=int(rng.integers(0, 5))))
        inputs.append((np.zeros(shape, dtype=dtype),))
    same_outputs(submitted, reference, inputs, hint="ndarray has .shape, .ndim and .dtype.name")


def test_top_left_block(submitted, reference, rng):
    for i in range(8):
        a = rng.integers(-99, 100, size=(int(rng.integers(2, 7)), int(rng.integers(3, 7))))
        if i == 6:
            a = rng.normal(size=(5, 4)).T  # a transposed array
        elif i == 7:
            a = a.astype(float)
        result = call(submitted, a, _copy=False)
        expect(reference(a.copy()), result, f"case {i + 1} of 8", "rows :2, columns 1:3")
        expect(True, isinstance(result, np.ndarray) and bool(np.shares_memory(result, a)),
               f"case {i + 1} of 8: the block must be a view, not a copy", "use slicing, not np.array or .copy()")


def test_center_columns(submitted, reference, rng):
    inputs = [rng.normal(loc=rng.uniform(-5, 5), size=(int(rng.integers(1, 8)), int(rng.integers(1, 5))))
              for _ in range(6)]
    inputs += [rng.integers(-9, 10, size=(4, 3)), rng.normal(size=(1, 4)), rng.normal(size=(3, 5)).T]
    row = rng.integers(1, 6, size=(1, 3)) / 2
    inputs.append(np.vstack([row, -row]))  # already centred: the result is still a new array
    for i, X in enumerate(inputs, 1):
        case = f"case {i} of {len(inputs)}"
        original = X.copy()
        result = call(submitted, X, _copy=False)
        expect(reference(original.copy()), result, case,
               "subtract X.mean(axis=0); an integer X gives a float result", rtol=1e-9)
        expect(True, bool(np.array_equal(X, original)), f"{case}: the input array must stay unchanged",
               "return a new array: X - m, not X -= m")
        expect(True, is_new_array(result, X), f"{case}: returns a new array", "return X - X.mean(axis=0)")


def _line_data(ax, label):
    """Return the (x, y) data of the line labelled ``label`` as float arrays, or None."""
    for line in ax.get_lines() if ax is not None else ():
        if line.get_label() == label:
            try:
                return np.asarray(line.get_xdata(), dtype=float), np.asarray(line.get_ydata(), dtype=float)
            except (TypeError, ValueError):
                return None
    return None


def test_plot_sin_cos(submitted, reference, rng):
    fig = call(submitted)
    is_figure = isinstance(fig, Figure)
    expect(True, is_figure, "the result must be a matplotlib Figure", "return fig")
    ax = fig.axes[0] if is_figure and fig.axes else None
    expect(True, ax is not None, "the figure must have an axes", "fig, ax = plt.subplots()")
    x = np.arange(0, 6, 0.1)
    for label, func in (("sin", np.sin), ("cos", np.cos)):
        data = _line_data(ax, label)
        expect(True, data is not None, f"a line labelled {label!r}", f"ax.plot(x, y, label={label!r})")
        expect(x, data[0] if data else None, f"x values of {label}", "x = np.arange(0, 6, 0.1)")
        expect(func(x), data[1] if data else None, f"y values of {label}")
    expect(True, ax is not None and ax.get_legend() is not None, "the figure must have a legend", "ax.legend()")
    expect(True, ax is not None and bool(ax.get_title()), "the figure must have a title", "ax.set_title(...)")
    expect(True, ax is not None and bool(ax.get_xlabel()) and bool(ax.get_ylabel()), "both axes are labelled",
           "ax.set_xlabel(...) and ax.set_ylabel(...)")
