"""Hidden test cases of 02_perceptron.

Gates and ``perceptron`` must return the Python ints 0 and 1. ``XOR`` and
``train_perceptron`` are graded on their own: a copy of the submitted function
runs with correct stand-ins for the global names ``AND``/``NAND``/``OR``/
``perceptron`` (recording their calls), so a wrong gate costs its own points
only, and a hard-coded XOR shows that it never asks the gates.
"""


import numpy as np

from autograder.hidden import call, dtype_kind, expect, kind, rebound

INPUTS = [(0, 0), (1, 0), (0, 1), (1, 1)]
INT_TYPES = (int, np.int64, np.int32, np.uint8, np.int8)
INT_HINT = "return the Python ints 1 or 0 (e.g. `return 1 if ... else 0`), not True/False or a NumPy number"


def _fire(x, w, b):
    return 1 if float(np.dot(np.asarray(x, dtype=float), np.asarray(w, dtype=float))) + b > 0 else 0


GATES = {
    "AND": lambda x1, x2: _fire((x1, x2), (0.5, 0.5), -0.7),
    "NAND": lambda x1, x2: _fire((x1, x2), (-0.5, -0.5), 0.7),
    "OR": lambda x1, x2: _fire((x1, x2), (0.5, 0.5), -0.2),
}


def _as_int(value):
    """The student's answer as a plain int when it is an integer-valued number, else its type's name."""
    if isinstance(value, (bool, np.bool_, int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return int(value)
    return type(value).__name__


def _gate_inputs(rng):
    """All four inputs as Python ints, as several NumPy int types and as floats, shuffled."""
    inputs = []
    for kind in INT_TYPES:
        inputs += [(kind(a), kind(b)) for a, b in INPUTS]
    inputs += [(float(a), float(b)) for a, b in INPUTS]
    return [inputs[i] for i in rng.permutation(len(inputs))]


def _test_gate(submitted, reference, rng, name):
    for i, (x1, x2) in enumerate(_gate_inputs(rng), 1):
        result = call(submitted, x1, x2)
        case = f"input {i}"
        expect(reference(x1, x2), _as_int(result), f"{case}: value", f"compare {name}'s truth table in the lecture")
        expect("int", type(result).__name__, f"{case}: type of the result", INT_HINT)


def test_AND(submitted, reference, rng):
    _test_gate(submitted, reference, rng, "AND")


def test_NAND(submitted, reference, rng):
    _test_gate(submitted, reference, rng, "NAND")


def test_OR(submitted, reference, rng):
    _test_gate(submitted, reference, rng, "OR")


def test_XOR(submitted, reference, rng):
    inputs = _gate_inputs(rng)[:12]
    expected = [reference(x1, x2) for x1, x2 in inputs]
    calls = []

    def recording(name, gate):
        def wrapper(x1, x2):
            calls.append(name)
            return gate(x1, x2)
        return wrapper

    def constant(value):
        return lambda x1, x2: value

    hint = "build XOR only from the gates: AND(NAND(x1, x2), OR(x1, x2)), no if/else on the inputs"
    recorded = rebound(submitted, {n: recording(n, g) for n, g in GATES.items()})
    for i, ((x1, x2), want) in enumerate(zip(inputs, expected), 1):
        calls.clear()
        result = call(recorded, x1, x2)
        expect(want, _as_int(result), f"input {i}: value", "XOR is 1 when exactly one input is 1")
        expect("int", type(result).__name__, f"input {i}: type of the result", INT_HINT)
        expect(True, len(calls) > 0, f"input {i}: XOR calls AND, NAND or OR", hint)
    # Composed only of gates, XOR returns what its last gate returns: make every gate answer
    # the same constant and XOR must answer it too, whatever the inputs. A truth table would not.
    for value in (0, 1):
        fixed = rebound(submitted, {n: constant(value) for n in GATES})
        outputs = [_as_int(call(fixed, x1, x2)) for x1, x2 in INPUTS]
        expect([value] * 4, outputs, f"XOR with every gate answering {value}", hint)


def _boundary_case(rng):
    """x, w, b with small dyadic numbers and w·x + b exactly 0, so that > and >= differ."""
    d = int(rng.integers(2, 5))
    x = rng.integers(-2, 3, size=d).astype(float)
    w = rng.integers(-4, 5, size=d) / 4
    return x, w, -float(np.dot(x, w))


def test_perceptron(submitted, reference, rng):
    cases = []
    for _ in range(12):
        d = int(rng.integers(1, 7))
        cases.append((rng.normal(size=d), rng.normal(size=d), float(rng.normal())))
    cases += [_boundary_case(rng) for _ in range(4)]
    cases.append((np.array([1, 1]), np.array([0.5, 0.5]), -0.7))       # the lecture's AND, int input
    cases.append((rng.integers(-3, 4, size=5), rng.integers(-3, 4, size=5), int(rng.integers(-2, 3))))  # all ints
    for _ in range(2):  # a tiny positive weighted sum: float64 sees it, float32 or rounding does not
        d = int(rng.integers(2, 5))
        x = rng.integers(1, 4, size=d).astype(float)
        w = rng.integers(-2, 3, size=d).astype(float)
        w[0] = float(rng.choice([-2, -1, 1, 2])) + 2.0 ** -35
        cases.append((x, w, -float(np.dot(x, w)) + 2.0 ** -30 * 3))
    wide = rng.normal(size=(6, 4))
    cases.append((wide[:, 1], wide.T[2], float(rng.normal())))  # non-contiguous x (a column) and w
    cases.append((np.array([0.0, 1.0]), np.array([-0.5, -0.5]), 0.7))  # the lecture's NAND
    for i, (x, w, b) in enumerate(cases, 1):
        result = call(submitted, x, w, b)
        expect(reference(x, w, b), _as_int(result), f"case {i} of {len(cases)}: value",
               "1 when sum(w * x) + b > 0, else 0 (exactly 0 gives 0, a tiny positive sum gives 1); "
               "keep NumPy's float64, do not round")
        expect("int", type(result).__name__, f"case {i} of {len(cases)}: type of the result", INT_HINT)


def _dataset(rng):
    """A small data set with dyadic features, so that every update is exact whatever the order of sums."""
    n, d = int(rng.integers(4, 13)), int(rng.integers(1, 5))
    X = rng.integers(-2, 3, size=(n, d)).astype(float) / float(rng.choice([1, 2]))
    if rng.random() < 0.7:  # linearly separable labels from a random integer line
        y = (X @ rng.integers(-3, 4, size=d) + rng.integers(-2, 3) > 0).astype(int)
    else:
        y = rng.integers(0, 2, size=n)
    return X, [int(v) for v in y]


def test_train_perceptron(submitted, reference, rng):
    tables = {"AND": [0, 0, 0, 1], "OR": [0, 1, 1, 1], "NAND": [1, 1, 1, 0], "XOR": [0, 1, 1, 0]}
    X4 = np.array(INPUTS, dtype=float)
    cases = [((X4, y), {}) for y in tables.values()]
    cases += [((X4, y), {"lr": 0.1, "epochs": int(rng.integers(1, 8))}) for y in tables.values()]
    for _ in range(8):
        X, y = _dataset(rng)
        cases.append(((X, y), {"lr": float(rng.choice([1.0, 0.5, 0.25])), "epochs": int(rng.integers(1, 16))}))
    cases.append(((np.array(INPUTS), [0, 0, 0, 1]), {"lr": 0.5, "epochs": 20}))  # integer X
    cases.append(((np.array(INPUTS), [0, 1, 1, 1]), {"epochs": 0}))  # no pass at all: the start values
    cases.append(((np.array(INPUTS), [0, 1, 1, 1]), {"lr": 1, "epochs": 3}))  # integer X and learning rate
    X, y = _dataset(rng)
    cases.append(((np.ascontiguousarray(X.T).T, np.array(y)), {"lr": 0.5, "epochs": 6}))  # a transposed X, y an array
    cases.append((_needs_all_default_epochs(rng), {}))  # the default epochs=20 shows only after many passes
    alone = rebound(submitted, {"perceptron": lambda x, w, b: _fire(x, w, b)})
    hint = ("start from w = zeros, b = 0.0; visit the rows in order; p = perceptron(x, w, b); "
            "w += lr * (t - p) * x and b += lr * (t - p); at most `epochs` passes")
    for i, (args, kwargs) in enumerate(cases, 1):
        case = f"case {i} of {len(cases)}"
        result = call(alone, *args, **kwargs)
        try:
            w, b = result
            answer = (np.asarray(w, dtype=float), float(b))
            kinds = [dtype_kind(w) if isinstance(w, np.ndarray) else kind(w), kind(b)]
        except (TypeError, ValueError):
            answer, kinds = type(result).__name__, None
        expect(reference(*args, **kwargs), answer, f"{case}: (w, b)", hint, rtol=1e-9, atol=1e-12)
        expect(["float", "float"], kinds, f"{case}: w a float array and b a float, as the instructions say",
               "w = np.zeros(X.shape[1]) is a float array and b = 0.0 a float, even when no update happens")


def _train(X, y, lr, epochs):
    """The rule of the instructions (the case's own copy, used only to choose inputs)."""
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        updated = False
        for x, t in zip(X, y):
            error = t - _fire(x, w, b)
            if error:
                w, b, updated = w + lr * error * x, b + lr * error, True
        if not updated:
            break
    return w, b


def _needs_all_default_epochs(rng):
    """A data set that never converges and whose (w, b) after 20 passes differs from other pass counts."""
    while True:
        X, y = _dataset(rng)
        w20, b20 = _train(X, y, 0.1, 20)
        if all(not (np.allclose(w, w20) and np.isclose(b, b20))
               for w, b in (_train(X, y, 0.1, e) for e in (10, 19, 21, 30, 50, 100))):
            return X, y
