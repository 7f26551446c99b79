"""Hidden test cases of 03_forward_propagation.

``forward``, ``predict`` and ``batch_accuracy`` are graded on their own: a copy
of the submitted function runs with correct stand-ins for the global names it
calls (``sigmoid``, ``identity_function``, ``softmax``, ``predict``), so a wrong
activation costs its own points only.
"""

import warnings

import numpy as np

from autograder.hidden import call, expect, is_new_array, kind, rebound

ARRAY_HINT = "return a NumPy array of the same shape as the input"


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def _softmax(a):
    exp_a = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return exp_a / np.sum(exp_a, axis=-1, keepdims=True)


def _predict(network, x):
    z1 = _sigmoid(np.dot(x, network["W1"]) + network["b1"])
    z2 = _sigmoid(np.dot(z1, network["W2"]) + network["b2"])
    return _softmax(np.dot(z2, network["W3"]) + network["b3"])


HELPERS = {"sigmoid": _sigmoid, "identity_function": lambda x: x, "softmax": _softmax}


def _array(value):
    """The student's answer as a NumPy array, or its type's name when it is not array-like numbers."""
    try:
        array = np.asarray(value)
    except Exception:  # an object NumPy cannot convert is a wrong answer, reported by type
        return type(value).__name__
    return array if array.dtype.kind in "biuf" else type(value).__name__


def _counting_warnings(func, *args, **kwargs):
    """Call ``func`` (inputs copied) and return ``(result, number of floating-point warnings it raised)``."""
    with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", invalid="warn", divide="warn"):
        warnings.simplefilter("always")
        result = call(func, *args, **kwargs)
    return result, sum(issubclass(w.category, RuntimeWarning) for w in caught)


def _shape(rng):
    return tuple(int(n) for n in rng.integers(1, 6, size=int(rng.integers(1, 4))))


def _arrays(rng, count=6, scale=3.0):
    """Random float arrays of ranks 1–3 with exact zeros mixed in."""
    arrays = []
    for _ in range(count):
        x = rng.normal(scale=scale, size=_shape(rng))
        x[rng.random(x.shape) < 0.15] = 0.0
        arrays.append(x)
    return arrays


EXTREMES = [np.array([-1000.0, -750.0, -50.0, 0.0, 50.0, 750.0, 1000.0]),
            np.array([[-1000.0, 1000.0], [-709.0, 710.0]])]


def _compare(submitted, reference, inputs, hint, kwargs=None, label="case", **tolerance):
    for i, x in enumerate(inputs, 1):
        expect(reference(x.copy(), **(kwargs or {})), _array(call(submitted, x, **(kwargs or {}))),
               f"{label} {i} of {len(inputs)}", hint, **tolerance)


def test_step_function(submitted, reference, rng):
    inputs = _arrays(rng) + [rng.integers(-3, 4, size=_shape(rng)), np.array([-0.0, 0.0, 1e-300, -1e-300])]
    for i, x in enumerate(inputs, 1):
        result = _array(call(submitted, x))
        case = f"case {i} of {len(inputs)}"
        expect(reference(x.copy()), result, case, "1 where x > 0, 0 where x <= 0 (0 itself gives 0)")
        expect(True, isinstance(result, np.ndarray) and result.dtype.kind in "iu", f"{case}: integer dtype",
               "convert the boolean array x > 0 with dtype=int (np.int no longer exists)")


def test_sigmoid(submitted, reference, rng):
    inputs = _arrays(rng) + EXTREMES
    for i, x in enumerate(inputs, 1):
        result, n_warnings = _counting_warnings(submitted, x)
        case = f"case {i} of {len(inputs)}"
        expect(reference(x.copy()), _array(result), case, ARRAY_HINT)
        expect(0, n_warnings, f"{case}: no overflow warning",
               "np.exp(-x) overflows for x = -1000; compute exp(-|x|), which is at most 1, for both signs")


def test_relu(submitted, reference, rng):
    inputs = _arrays(rng) + [rng.integers(-5, 6, size=_shape(rng)), np.abs(rng.normal(size=(3, 4))) + 0.5,
                             rng.normal(size=(4, 5)).T]
    for i, x in enumerate(inputs, 1):
        original = x.copy()
        expected = reference(x.copy())
        result = call(submitted, x, _copy=False)
        case = f"case {i} of {len(inputs)}"
        expect(expected, _array(result), case, "np.maximum(0, x)")
        expect(True, bool(np.array_equal(x, original)), f"{case}: the input is left unchanged",
               "return a new array; x[x < 0] = 0 changes the caller's array")
        expect(True, is_new_array(result, x), f"{case}: returns a new array",
               "np.maximum(0, x) makes a new array even when nothing is negative; do not return x itself")


def test_tanh(submitted, reference, rng):
    with np.errstate(over="ignore", invalid="ignore"):  # the values show an overflow: no need to print it too
        _compare(submitted, reference, _arrays(rng) + EXTREMES,
                 "(e^x - e^-x) / (e^x + e^-x) overflows to inf/inf for large |x|: NumPy has np.tanh")


def test_leaky_relu(submitted, reference, rng):
    inputs = _arrays(rng, count=4) + [rng.integers(-5, 6, size=_shape(rng)).astype(float),
                                      rng.integers(-5, 6, size=(3, 4)), rng.normal(size=(5, 3)).T]
    _compare(submitted, reference, inputs, "x where x > 0, alpha * x elsewhere (default alpha = 0.1); "
             "an integer x still gives alpha * x exactly (np.where, not writing into an int array)")
    for _ in range(3):
        alpha = float(rng.uniform(0.01, 0.5))
        _compare(submitted, reference, _arrays(rng, count=2), "use the alpha you are given", {"alpha": alpha},
                 label="case with another alpha")


def test_elu(submitted, reference, rng):
    hint = "x where x >= 0, alpha * (exp(x) - 1) elsewhere (default alpha = 1.0)"
    with np.errstate(over="ignore", invalid="ignore"):  # only the values are graded here
        _compare(submitted, reference, _arrays(rng, count=4) + EXTREMES + [rng.integers(-4, 5, size=(2, 5))], hint)
        for _ in range(3):
            alpha = float(rng.uniform(0.1, 3.0))
            _compare(submitted, reference, _arrays(rng, count=2), hint, {"alpha": alpha},
                     label="case with another alpha")


def test_maxout(submitted, reference, rng):
    cases = []
    for k in (1, 2, 3, 4, 2, 5):
        n, m = int(rng.integers(1, 6)), int(rng.integers(1, 5))
        W, b = rng.normal(size=(k, n, m)), rng.normal(size=(k, m))
        cases += [(rng.normal(scale=2, size=n), W, b), (rng.normal(scale=2, size=(int(rng.integers(2, 6)), n)), W, b)]
    W, b = rng.normal(size=(3, 4, 2)), rng.normal(size=(3, 2))
    cases += [(rng.normal(size=(1, 4)), W, b),  # a batch of one row stays a batch
              (rng.integers(-3, 4, size=(5, 4)), W, b),  # integer inputs still give floats
              (rng.normal(size=(6, 4)), np.stack([W[0]] * 3), np.stack([b[0]] * 3))]  # equal pieces
    hint = ("the maximum over the k pieces np.dot(x, W[i]) + b[i], for every i in range(len(W)), taken entry by "
            "entry; one input (n,) gives (m,), a batch (N, n) gives (N, m) — never the maximum over the batch")
    for i, (x, W, b) in enumerate(cases, 1):
        originals = (x.copy(), W.copy(), b.copy())
        expected = reference(x.copy(), W.copy(), b.copy())
        result = call(submitted, x, W, b, _copy=False)
        case = f"case {i} of {len(cases)}"
        expect(expected, _array(result), case, hint, rtol=1e-9)
        expect(True, all(np.array_equal(a, o) for a, o in zip((x, W, b), originals)),
               f"{case}: x, W and b are left unchanged", "compute new arrays; do not write into x, W or b")


def test_identity_function(submitted, reference, rng):
    inputs = _arrays(rng, count=4) + [rng.integers(-9, 10, size=_shape(rng)), np.float32(rng.normal(size=(3, 2)))]
    _compare(submitted, reference, inputs, "return x itself", rtol=0, atol=0)


def test_softmax(submitted, reference, rng):
    inputs = [rng.normal(scale=3, size=int(rng.integers(1, 9))) for _ in range(3)]
    inputs += [rng.normal(scale=3, size=(int(rng.integers(1, 6)), int(rng.integers(2, 7)))) for _ in range(3)]
    inputs += [np.array([1000.0, 1001.0]), np.array([-1000.0, -999.0, -1001.0]), np.array([0.3, 2.9, 4.0]),
               np.array([[1000.0, 1001.0, 999.0], [0.3, 2.9, 4.0], [-800.0, -801.0, -800.5]]),
               rng.integers(-4, 5, size=(2, 5)), rng.normal(scale=3, size=(1, 6)), rng.normal(size=(4, 1)),
               rng.normal(scale=3, size=(5, 3)).T, rng.normal(size=1)]
    hint = ("subtract the max first (np.exp(1000) overflows); for a batch, take the max and the sum of "
            "each row: axis=-1, keepdims=True")
    for i, a in enumerate(inputs, 1):
        original = a.copy()
        expected = reference(a.copy())
        with warnings.catch_warnings(record=True) as caught, np.errstate(over="warn", invalid="warn"):
            warnings.simplefilter("always")
            result = call(submitted, a, _copy=False)
        case = f"case {i} of {len(inputs)}"
        expect(expected, _array(result), case, hint, rtol=1e-9, atol=1e-12)
        expect(0, sum(issubclass(w.category, RuntimeWarning) for w in caught), f"{case}: no overflow warning", hint)
        expect(True, bool(np.array_equal(a, original)), f"{case}: the input is left unchanged",
               "a - np.max(a) makes a new array; a -= ... changes the caller's array")
        expect(True, is_new_array(result, a), f"{case}: returns a new array", "return exp_a / sum_exp_a, a new array")


def _network(rng, sizes):
    network = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]), 1):
        network[f"W{i}"] = rng.normal(size=(n_in, n_out))
        network[f"b{i}"] = rng.normal(size=n_out)
    return network


def _random_sizes(rng):
    return [int(n) for n in rng.integers(1, 7, size=4)]


def test_init_network(submitted, reference, rng):
    hint = ("the lecture's arrays: W1 is 2x3, W2 3x2, W3 2x2; keys 'W1', 'b1', 'W2', 'b2', 'W3', 'b3'; "
            "row i of W holds the weights from input i")
    for i in range(2):
        result = call(submitted)
        try:
            answer = {key: np.asarray(value, dtype=float) for key, value in result.items()}
        except (AttributeError, TypeError, ValueError):
            answer = type(result).__name__
        expect(reference(), answer, f"call {i + 1}", hint)
        if isinstance(result, dict) and isinstance(result.get("W1"), np.ndarray):
            result["W1"][...] = 0.0  # a fresh dict each call: spoiling this one must not spoil the next


def _forward_cases(rng):
    cases = []
    for _ in range(4):
        sizes = _random_sizes(rng)
        network = _network(rng, sizes)
        cases.append((network, rng.normal(size=sizes[0])))
        cases.append((network, rng.normal(size=(int(rng.integers(1, 6)), sizes[0]))))
    lecture = {"W1": np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]), "b1": np.array([0.1, 0.2, 0.3]),
               "W2": np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]), "b2": np.array([0.1, 0.2]),
               "W3": np.array([[0.1, 0.3], [0.2, 0.4]]), "b3": np.array([0.1, 0.2])}
    cases.append((lecture, np.array([1.0, 0.5])))
    cases.append((lecture, np.array([[1.0, 0.5], [-2.0, 3.0]])))
    cases.append((lecture, rng.normal(size=(1, 2))))  # a batch of one row stays a batch
    one_out = _network(rng, [3, 4, 2, 1])  # a network with a single output
    cases.append((one_out, rng.normal(size=3)))
    cases.append((one_out, rng.normal(size=(4, 3))))
    return cases


def _graded_alone(submitted, reference, cases, helpers, hint, **tolerance):
    alone = rebound(submitted, helpers)
    for i, (network, x) in enumerate(cases, 1):
        expected = reference(network, x)
        result = call(alone, network, x)
        expect(expected, _array(result), f"case {i} of {len(cases)}", hint, **tolerance)


def test_forward(submitted, reference, rng):
    _graded_alone(submitted, reference, _forward_cases(rng), HELPERS,
                  "a = z·W + b at each layer (np.dot), sigmoid after layers 1 and 2, identity_function at the end; "
                  "the same code must work for one input and for a batch of rows", rtol=1e-9)


def test_predict(submitted, reference, rng):
    cases = _forward_cases(rng)
    big = _network(rng, [4, 5, 3, 6])
    big["W3"] *= 500.0  # large scores: the softmax must not overflow
    cases.append((big, rng.normal(size=(3, 4))))
    _graded_alone(submitted, reference, cases, HELPERS,
                  "like forward, but softmax at the end (row-wise for a batch); return the probabilities, "
                  "not the predicted class", rtol=1e-9)


def test_batch_accuracy(submitted, reference, rng):
    cases = [(250, {"batch_size": 100}), (37, {"batch_size": 10}), (5, {"batch_size": 100}),
             (230, {}), (12, {"batch_size": 1}), (40, {"batch_size": 40})]
    batches = []

    def recording_predict(network, x):
        batches.append(len(x))
        return _predict(network, x)

    alone = rebound(submitted, {**HELPERS, "predict": recording_predict})
    hint = ("loop i over range(0, len(x), batch_size), predict(network, x[i:i + batch_size]), count the rows "
            "whose argmax(axis=1) equals t, divide by len(x); the last batch may be shorter")
    for i, (n, kwargs) in enumerate(cases, 1):
        sizes = [int(rng.integers(2, 8)), int(rng.integers(2, 6)), int(rng.integers(2, 6)), int(rng.integers(2, 6))]
        network = _network(rng, sizes)
        x = rng.normal(size=(n, sizes[0]))
        t = np.argmax(_predict(network, x), axis=1)
        flip = rng.random(n) < 0.4  # wrong labels for about 40 % of the rows, so the accuracy is not 0 or 1
        t[flip] = rng.integers(0, sizes[3], size=int(flip.sum()))
        t = t.astype(np.uint8) if i % 2 else t  # MNIST's labels are uint8
        batch_size = kwargs.get("batch_size", 100)
        expected = reference(network, x, t, **kwargs)
        batches.clear()
        result = call(alone, network, x, t, **kwargs)
        try:
            answer = float(result)
        except (TypeError, ValueError):
            answer = type(result).__name__
        case = f"case {i} of {len(cases)}"
        expect(expected, answer, f"{case}: accuracy", hint)
        expect("float", kind(result), f"{case}: a float, as the instructions say",
               "divide the count by len(x) with /, which gives a float (// gives an int)")
        expect([min(batch_size, n - start) for start in range(0, n, batch_size)], list(batches),
               f"{case}: predict is called once per batch of batch_size rows", hint)
