"""Hidden test cases of 04_loss_and_gradients."""

import numpy as np

from autograder.hidden import as_array, as_number, call, expect, Wrong


def _probabilities(rng, shape):
    """Random softmax outputs of ``shape`` (rows sum to 1)."""
    a = rng.normal(scale=2.0, size=shape)
    e = np.exp(a - a.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _one_hot(labels, classes):
    t = np.zeros((labels.size, classes))
    t[np.arange(labels.size), labels] = 1
    return t


def test_mean_squared_error(submitted, reference, rng):
    shapes = [(10,), (3,), (1,), (4, 5), (2, 3, 2)]
    for i, shape in enumerate(shapes, 1):
        y = rng.normal(size=shape)
        t = rng.normal(size=shape)
        expect(reference(y.copy(), t.copy()), as_number(call(submitted, y, t), f"case {i}"),
               f"case {i} of {len(shapes) + 1}", "E = ½·Σ (y − t)², summed over every element")
    y = rng.uniform(-1e3, 1e3, size=(3, 7))
    t = rng.uniform(-1e3, 1e3, size=(3, 7))
    expect(reference(y.copy(), t.copy()), as_number(call(submitted, y, t), "large values"),
           f"case {len(shapes) + 1} of {len(shapes) + 1}: large values", "do not forget the factor ½")
    more = [("integer arrays", rng.integers(-5, 6, size=7), rng.integers(-5, 6, size=7)),
            ("an odd integer total", np.array([1, 0, 0]), np.array([0, 0, 0])),
            ("a transposed array", rng.normal(size=(4, 3)).T, rng.normal(size=(3, 4))),
            ("empty vectors", np.zeros(0), np.zeros(0))]
    for what, y, t in more:
        expect(reference(y.copy(), t.copy()), as_number(call(submitted, y, t), what), f"{what}",
               "0.5 * np.sum((y - t) ** 2): a sum over every element (an empty sum is 0), "
               "multiplied by 0.5, not divided with //")


def test_cross_entropy_error(submitted, reference, rng):
    cases = []
    for classes in (10, 3):  # single samples, one-hot
        y = _probabilities(rng, (classes,))
        cases.append(("one sample, one-hot target", y, np.eye(classes)[int(rng.integers(classes))]))
    y = _probabilities(rng, (10,))
    label = int(rng.integers(10))
    y[label] = 0.0  # log(0) is -inf: only δ = 1e-7 keeps the loss finite
    cases.append(("one sample whose right class has probability 0", y, np.eye(10)[label]))
    for n in (1, 5, 32):
        labels = rng.integers(4, size=n)
        y = _probabilities(rng, (n, 4))
        cases.append((f"batch of {n}, one-hot targets", y, _one_hot(labels, 4)))
        cases.append((f"batch of {n}, label targets", y, labels))
    labels = rng.integers(10, size=8)
    y = _probabilities(rng, (8, 10))
    y[np.arange(0, 8, 2), labels[::2]] = 0.0
    cases.append(("batch with zero probabilities, label targets", y, labels))
    wide = _probabilities(rng, (4, 6))
    cases.append(("a batch sliced from a wider array, label targets", wide[:, :4][::2], rng.integers(4, size=2)))
    cases.append(("a transposed batch, one-hot targets", np.ascontiguousarray(wide.T).T, np.eye(6)[rng.integers(6, size=4)]))
    for i, (what, y, t) in enumerate(cases, 1):
        expect(reference(y.copy(), t.copy()), as_number(call(submitted, y, t), f"case {i}"),
               f"case {i} of {len(cases)} ({what})",
               "mean over the batch of −log(y of the right class + 1e-7); label targets index each row")


_FUNCTIONS = [
    ("a quadratic", lambda x: 0.01 * x ** 2 + 0.1 * x),
    ("a cubic", lambda x: x ** 3 - 2 * x),
    ("a fast sine", lambda x: np.sin(40 * x)),
    ("an exponential", lambda x: np.exp(3 * x)),
]


def test_numerical_diff(submitted, reference, rng):
    n = 0
    for what, f in _FUNCTIONS:
        for x in rng.uniform(-2, 2, size=3):
            n += 1
            expect(reference(f, float(x)), as_number(call(submitted, f, float(x)), f"case {n}"),
                   f"case {n} ({what})", "central difference (f(x+h) − f(x−h)) / (2h) with h = 1e-4",
                   rtol=1e-8, atol=1e-10)


# Functions of a whole array; the last two mix the entries, so a point left moved changes later partials.
def _sum_of_squares(x):
    return np.sum(x ** 2)


def _wavy(x):
    return np.sum(np.sin(30 * x)) + np.sum(x ** 3)


def _coupled(x):
    return np.sum(x) ** 2 + np.prod(np.cos(x))


def _quadratic_form(x):
    v = x.ravel()
    a = np.arange(1.0, v.size + 1)
    return (v @ a) ** 2 + np.sum(np.outer(v, v)) * 0.5


def test_numerical_gradient(submitted, reference, rng):
    functions = [("sum of squares", _sum_of_squares), ("a wavy function", _wavy),
                 ("a function mixing the entries", _coupled), ("a quadratic form", _quadratic_form)]
    shapes = [(2,), (5,), (3, 4), (2, 3, 2), (1,), "transposed"]
    n = 0
    for shape in shapes:
        for what, f in functions:
            n += 1
            x = rng.normal(size=(4, 3)).T if shape == "transposed" else rng.normal(size=shape)
            original = x.copy()
            got = as_array(call(submitted, f, x, _copy=False), f"case {n}")
            expect(reference(f, original.copy()), got, f"case {n} ({what}, shape {shape})",
                   "central difference per entry with h = 1e-4; the result has x's shape", rtol=1e-6, atol=1e-8)
            expect(True, bool(np.array_equal(x, original)), f"case {n}: x is unchanged afterwards",
                   "put every entry back (x[idx] = tmp_val) after computing its partial derivative")
    # The lecture's idiom: f ignores its argument and reads the array through a closure.
    W = rng.normal(size=(2, 3))
    data = rng.normal(size=(4, 2))
    f = lambda _: float(np.sum(np.tanh(data @ W)))  # noqa: E731
    expect(reference(f, W), as_array(call(submitted, f, W, _copy=False), "closure case"),
           "closure case (f reads the array itself, as in f = lambda w: net.loss(x, t))",
           "change x in place (x[idx] = tmp_val + h), do not work on a copy", rtol=1e-6, atol=1e-8)
    # The same, with the array a transposed view: writes through a reshaped copy never reach it.
    V = rng.normal(size=(3, 2)).T
    g = lambda _: float(np.sum(np.tanh(data @ V)))  # noqa: E731
    expect(reference(g, V), as_array(call(submitted, g, V, _copy=False), "closure case"),
           "closure case on a transposed array (f reads the array itself)",
           "index x itself (np.nditer with multi_index, or np.ndindex); x.reshape(-1) of a transposed array "
           "is a copy", rtol=1e-6, atol=1e-8)


def _bowl(x):
    return np.sum(x ** 2)


def _stretched_bowl(x):
    return np.sum(np.arange(1.0, x.size + 1) * x.ravel() ** 2)


def _quartic(x):
    return np.sum(x ** 4) + np.sum(x)


def test_gradient_descent(submitted, reference, rng):
    cases = [(_bowl, np.array([-3.0, 4.0]), 0.1, 100),
             (_bowl, np.array([-3.0, 4.0]), 10.0, 5),
             (_stretched_bowl, rng.normal(size=3), 0.05, 30),
             (_quartic, rng.normal(size=(2, 2)), 0.02, 25),
             (_bowl, rng.normal(size=2), float(rng.uniform(0.01, 0.3)), 1),
             (_bowl, rng.normal(size=2), 0.1, 0)]
    hint = "return (x, path): x ← x − lr·∇f(x) step_num times; path has step_num + 1 points, init_x first"
    for i, (f, init_x, lr, steps) in enumerate(cases, 1):
        case = f"case {i} of {len(cases)} (lr = {lr:g}, step_num = {steps})"
        start = init_x.copy()
        expected = reference(f, start.copy(), lr=lr, step_num=steps)
        got = _pair_of_arrays(call(submitted, f, init_x, lr=lr, step_num=steps, _copy=False), case)
        expect(expected, got, case, hint, rtol=1e-6, atol=1e-9)
        expect(True, bool(np.array_equal(init_x, start)), f"{case}: init_x is unchanged",
               "start from a copy: x = init_x.copy()")
    # The default arguments are the lecture's lr = 0.01 and step_num = 100.
    init_x = rng.normal(size=2)
    expect(reference(_bowl, init_x.copy()), _pair_of_arrays(call(submitted, _bowl, init_x), "defaults"),
           "default arguments", "def gradient_descent(f, init_x, lr=0.01, step_num=100)", rtol=1e-6, atol=1e-9)


def _pair_of_arrays(result, case):
    """Return the student's ``(x, path)`` as a tuple of two float arrays, or raise Wrong."""
    try:
        x, path = result
    except (TypeError, ValueError):
        raise Wrong(f"{case}: expected a pair (x, path) (hint: return x, np.array(path))") from None
    return as_array(x, case), as_array(path, case)


def test_SimpleNet(submitted, reference, rng):
    for i in range(3):
        # After np.random.seed(seed) a right SimpleNet draws exactly W: check it, then give it W
        # anyway, so that predict and loss are graded on their own.
        seed = int(rng.integers(2 ** 31))
        np.random.seed(seed)
        W = np.random.randn(2, 3)
        np.random.seed(seed)
        net = call(submitted)
        np.random.seed(seed)
        ref = reference()
        expect(ref.W, as_array(getattr(net, "W", None), "attribute W"), f"net {i + 1}: W right after construction",
               "self.W = np.random.randn(2, 3)")
        net.W = W.copy()
        x1 = rng.normal(size=2)
        xs = rng.normal(size=(5, 2))
        labels = rng.integers(3, size=5)
        t1 = np.eye(3)[int(rng.integers(3))]
        expect(ref.predict(x1.copy()), as_array(call(net.predict, x1), "predict"), f"net {i + 1}: predict(x)",
               "np.dot(x, self.W)")
        expect(ref.predict(xs.copy()), as_array(call(net.predict, xs), "predict"), f"net {i + 1}: predict(batch)",
               "np.dot(x, self.W)")
        loss_hint = "cross_entropy_error(softmax(self.predict(x)), t)"
        expect(ref.loss(x1.copy(), t1.copy()), as_number(call(net.loss, x1, t1), "loss"),
               f"net {i + 1}: loss of one sample", loss_hint)
        expect(ref.loss(xs.copy(), labels.copy()), as_number(call(net.loss, xs, labels), "loss"),
               f"net {i + 1}: loss of a batch with label targets", loss_hint)
        expect(ref.loss(xs.copy(), np.eye(3)[labels]), as_number(call(net.loss, xs, np.eye(3)[labels]), "loss"),
               f"net {i + 1}: loss of a batch with one-hot targets", loss_hint)
    # Two nets alive at once: each keeps its own W, and predict reads it on every call.
    np.random.seed(int(rng.integers(2 ** 31)))
    first, second = call(submitted), call(submitted)
    expect(True, getattr(first, "W", None) is not getattr(second, "W", None)
           and not np.array_equal(np.asarray(getattr(first, "W", 0.0)), np.asarray(getattr(second, "W", 1.0))),
           "two nets keep two different W", "draw W in __init__ (self.W = np.random.randn(2, 3)), "
           "not as a class attribute or a default argument")
    A, B = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    first.W, second.W = A.copy(), B.copy()
    x = rng.normal(size=(3, 2))
    expect(np.dot(x, A), as_array(call(first.predict, x), "predict"), "predict uses its own net's W",
           "np.dot(x, self.W): read self.W on every call")
    first.W = B.copy()
    expect(np.dot(x, B), as_array(call(first.predict, x), "predict"), "predict keeps working after W changes",
           "do not keep scores or W from an earlier call")
