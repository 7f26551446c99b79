"""Hidden test cases of 05_backpropagation.

Besides comparing with the reference, every layer's backward is checked against a numerical
gradient of the submission's *own* forward: a backward that agrees with its forward is
right even where a case's values could not tell.
"""

import numpy as np

from autograder.hidden import as_array, as_number, call, expect, Wrong

KEYS = ("W1", "b1", "W2", "b2")


def _like(value, scalar, what):
    return as_number(value, what) if scalar else as_array(value, what)


def _pair(value, scalar, what):
    """Return the student's ``(dx, dy)`` as a tuple of two numbers or arrays, or raise Wrong."""
    try:
        a, b = value
    except (TypeError, ValueError):
        raise Wrong(f"{what}: backward should return a pair (dx, dy)") from None
    return _like(a, scalar, what), _like(b, scalar, what)


def _params(value, what):
    """Return a dict {key: float array} for the four keys, or raise Wrong."""
    try:
        return {key: np.asarray(v, dtype=float) for key, v in dict(value).items()}
    except (TypeError, ValueError):
        raise Wrong(f"{what}: expected a dict with the keys W1, b1, W2, b2") from None


def _numerical(f, x):
    """Central-difference gradient of the number f(x) with respect to a copy of the array x."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    h = 1e-5
    for idx in np.ndindex(x.shape):
        saved = x[idx]
        x[idx] = saved + h
        up = f(x.copy())
        x[idx] = saved - h
        down = f(x.copy())
        x[idx] = saved
        grad[idx] = (up - down) / (2 * h)
    return grad


def _agrees(numerical, analytic):
    """True when a backward result matches the numerical gradient of the same forward."""
    return bool(analytic.shape == numerical.shape and np.allclose(analytic, numerical, rtol=1e-4, atol=1e-6))


def _away_from_zero(rng, shape, low=0.05):
    """Normal values with |x| ≥ low, so that ReLU's kink is never within a numerical step."""
    x = rng.normal(size=shape)
    return np.where(np.abs(x) < low, np.sign(x + 1e-12) * low, x)


def _apples(layer_class):
    """The lecture's apple graph with two layers of ``layer_class``; returns its five results."""
    mul_apple, mul_tax = layer_class(), layer_class()
    price = mul_tax.forward(mul_apple.forward(100, 2), 1.1)
    # Indexing, not unpacking: in a judged kernel the reference is a stand-in that cannot be unpacked.
    d_tax_layer = mul_tax.backward(1.0)
    d_apple_layer = mul_apple.backward(d_tax_layer[0])
    return price, d_apple_layer[0], d_apple_layer[1], d_tax_layer[1]


def _node_inputs(rng, shape):
    """Return ``(scalar, x, y, dout)`` for a two-input node: Python floats for shape (), else arrays."""
    if shape == ():
        return True, float(rng.normal()), float(rng.normal()), float(rng.normal())
    return False, rng.normal(size=shape), rng.normal(size=shape), rng.normal(size=shape)


def test_MulLayer(submitted, reference, rng):
    got = tuple(as_number(v, "apple graph") for v in call(_apples, submitted))
    expect(reference_apples(reference), got, "the apple graph (price, dApple, dApple_num, dTax)",
           "forward returns x * y; backward returns (dout * y, dout * x): the inputs swapped")
    for i, shape in enumerate([(), (), (3,), (2, 4)], 1):
        scalar, x, y, dout = _node_inputs(rng, shape)
        layer, ref = call(submitted), reference()
        expect(ref.forward(x, y), _like(call(layer.forward, x, y), scalar, "forward"), f"case {i}: forward",
               "out = x * y")
        expect(ref.backward(dout), _pair(call(layer.backward, dout), scalar, "backward"), f"case {i}: backward",
               "dx = dout * y, dy = dout * x")
        if not scalar:  # backward must be the derivative of this layer's own forward
            fresh = call(submitted)
            numerical_dx = _numerical(lambda v: float(np.sum(as_array(call(fresh.forward, v, y), "forward") * dout)), x)
            numerical_dy = _numerical(lambda v: float(np.sum(as_array(call(fresh.forward, x, v), "forward") * dout)), y)
            call(layer.forward, x, y)
            dx, dy = _pair(call(layer.backward, dout), False, "backward")
            expect(True, _agrees(numerical_dx, dx) and _agrees(numerical_dy, dy),
                   f"case {i}: backward agrees with the numerical gradient of forward", "swap x and y in backward")


def reference_apples(reference):
    """The apple graph run with the reference layer (its results are only ever expected values)."""
    return _apples(reference)


def test_AddLayer(submitted, reference, rng):
    for i, shape in enumerate([(), (), (4,), (3, 2)], 1):
        scalar, x, y, dout = _node_inputs(rng, shape)
        layer, ref = call(submitted), reference()
        expect(ref.forward(x, y), _like(call(layer.forward, x, y), scalar, "forward"), f"case {i}: forward",
               "out = x + y")
        expect(ref.backward(dout), _pair(call(layer.backward, dout), scalar, "backward"), f"case {i}: backward",
               "an addition node passes dout unchanged to both inputs")
        if not scalar:
            fresh = call(submitted)
            numerical_dx = _numerical(lambda v: float(np.sum(as_array(call(fresh.forward, v, y), "forward") * dout)), x)
            dx, dy = _pair(call(layer.backward, dout), False, "backward")
            expect(True, _agrees(numerical_dx, dx) and _agrees(numerical_dx, dy),
                   f"case {i}: backward agrees with the numerical gradient of forward", "dx = dout * 1, dy = dout * 1")


def test_Relu(submitted, reference, rng):
    for i, shape in enumerate([(5,), (3, 4), (2, 3, 2)], 1):
        x = rng.normal(size=shape)
        x.flat[:: 3] = 0.0  # the lecture's rule: the gradient is 0 where x <= 0, zero included
        original = x.copy()
        dout = rng.normal(size=shape)
        layer, ref = call(submitted), reference()
        expect(ref.forward(original.copy()), as_array(call(layer.forward, x, _copy=False), "forward"),
               f"case {i}: forward", "out = x.copy(); out[self.mask] = 0")
        expect(True, bool(np.array_equal(x, original)), f"case {i}: forward leaves its input unchanged",
               "change a copy: out = x.copy()")
        expect(original <= 0, as_array(getattr(layer, "mask", None), "mask").astype(bool), f"case {i}: self.mask",
               "self.mask = (x <= 0)")
        expect(ref.backward(dout.copy()), as_array(call(layer.backward, dout), "backward"), f"case {i}: backward",
               "dout[self.mask] = 0: no gradient flows where x <= 0")
        # Away from the kink, backward must match the numerical gradient of forward.
        x = _away_from_zero(rng, shape)
        fresh = call(submitted)
        numerical = _numerical(lambda v: float(np.sum(as_array(call(fresh.forward, v), "forward") * dout)), x)
        call(layer.forward, x)
        expect(True, _agrees(numerical, as_array(call(layer.backward, dout), "backward")),
               f"case {i}: backward agrees with the numerical gradient of forward", "dout[self.mask] = 0")


def test_Sigmoid(submitted, reference, rng):
    for i, shape in enumerate([(4,), (3, 5), (2, 2, 3)], 1):
        x = rng.uniform(-6, 6, size=shape)
        if i == 3:
            x.flat[0], x.flat[1] = 30.0, -30.0
        dout = rng.normal(size=shape)
        layer, ref = call(submitted), reference()
        expect(ref.forward(x.copy()), as_array(call(layer.forward, x), "forward"), f"case {i}: forward",
               "y = 1 / (1 + np.exp(-x))")
        expect(ref.forward(x.copy()), as_array(getattr(layer, "out", None), "out"), f"case {i}: self.out",
               "keep the output: self.out = y")
        expect(ref.backward(dout.copy()), as_array(call(layer.backward, dout), "backward"), f"case {i}: backward",
               "dx = dout * (1 - y) * y with y = self.out, the output (not the input x)")
        fresh = call(submitted)
        numerical = _numerical(lambda v: float(np.sum(as_array(call(fresh.forward, v), "forward") * dout)), x)
        call(layer.forward, x)
        expect(True, _agrees(numerical, as_array(call(layer.backward, dout), "backward")),
               f"case {i}: backward agrees with the numerical gradient of forward", "dy/dx = y(1 - y)")


def test_Affine(submitted, reference, rng):
    batch = int(rng.integers(2, 6))
    shapes = [(1, 4), (batch, 4), (batch, 6), (1, 2, 3, 2), (batch, 2, 2, 3), (batch, 3)]
    for i, x_shape in enumerate(shapes, 1):
        case = f"case {i} (x of shape (N, ...) with N = {x_shape[0]}{', 4-D' if len(x_shape) == 4 else ''})"
        x = rng.normal(size=x_shape)
        d = int(np.prod(x_shape[1:]))
        m = int(rng.integers(1, 5)) if i < len(shapes) else d  # the last W is square: a missing .T keeps the shapes
        W, b = rng.normal(size=(d, m)), rng.normal(size=m)
        dout = rng.normal(size=(x_shape[0], m))
        layer, ref = call(submitted, W.copy(), b.copy()), reference(W.copy(), b.copy())
        expect(ref.forward(x.copy()), as_array(call(layer.forward, x), "forward"), f"{case}: forward",
               "reshape x to (N, -1), then np.dot(x, self.W) + self.b")
        dx = as_array(call(layer.backward, dout), "backward")
        dW = as_array(getattr(layer, "dW", None), "dW")
        db = as_array(getattr(layer, "db", None), "db")
        expect([x_shape, (d, m), (m,)], [dx.shape, dW.shape, db.shape], f"{case}: shapes of dx, self.dW, self.db",
               "dx has x's shape (reshape back), dW has W's shape, db has b's shape (sum over the batch)")
        expect(ref.backward(dout.copy()), dx, f"{case}: dx", "dx = np.dot(dout, self.W.T), reshaped to x's shape")
        expect(ref.dW, dW, f"{case}: self.dW", "self.dW = np.dot(self.x.T, dout)")
        expect(ref.db, db, f"{case}: self.db", "self.db = np.sum(dout, axis=0)")
        # Backward must be the derivative of the layer's own forward, for x, W and b.
        def loss(x_, W_, b_):
            return float(np.sum(as_array(call(call(submitted, W_, b_).forward, x_), "forward") * dout))
        numerical = (_numerical(lambda v: loss(v, W, b), x), _numerical(lambda v: loss(x, v, b), W),
                     _numerical(lambda v: loss(x, W, v), b))
        expect(True, _agrees(numerical[0], dx) and _agrees(numerical[1], dW) and _agrees(numerical[2], db),
               f"{case}: dx, dW, db agree with the numerical gradients of forward",
               "dx = dout·Wᵀ, dW = xᵀ·dout, db = Σ dout over the batch")


def _one_hot(labels, classes):
    t = np.zeros((labels.size, classes))
    t[np.arange(labels.size), labels] = 1
    return t


def test_SoftmaxWithLoss(submitted, reference, rng):
    cases = []
    for n in (1, int(rng.integers(2, 6)), 16):
        c = int(rng.integers(2, 6))
        labels = rng.integers(c, size=n)
        scores = rng.normal(size=(n, c))  # moderate: where y ~ 1e-7 the δ of the loss would matter
        cases += [(f"batch of {n}, one-hot targets", scores, _one_hot(labels, c)),
                  (f"batch of {n}, label targets", scores, labels)]
    for i, (what, x, t) in enumerate(cases, 1):
        case = f"case {i} ({what})"
        layer, ref = call(submitted), reference()
        expect(ref.forward(x.copy(), t.copy()), as_number(call(layer.forward, x, t), "forward"), f"{case}: loss",
               "self.y = softmax(x); the loss is cross_entropy_error(self.y, t)")
        dx = as_array(call(layer.backward), "backward")
        expect(ref.backward(), dx, f"{case}: backward()",
               "dx = (self.y - self.t) / batch_size; with labels subtract 1 at each row's label")
        expect(True, bool(dx.shape == x.shape and np.allclose(dx.sum(axis=1), 0.0, atol=1e-12)),
               f"{case}: every row of dx sums to 0", "softmax rows sum to 1 and so do the targets' rows")
        fresh = call(submitted)
        numerical = _numerical(lambda v: as_number(call(fresh.forward, v, t), "forward"), x)
        expect(True, _agrees(numerical, dx), f"{case}: backward agrees with the numerical gradient of the loss",
               "divide by the batch size: the loss is a mean over the batch")
    layer = call(submitted)
    call(layer.forward, cases[3][1], cases[3][2])
    expect(reference_backward_one(reference, cases[3][1], cases[3][2]), as_array(call(layer.backward, 1), "backward"),
           "backward(1) equals backward()", "def backward(self, dout=1)")
    # dout = ∂(final result)/∂L: a loss weighted by dout has dout times the gradient (chain rule).
    for dout in (2.5, 0.5):
        expect(reference_backward(reference, cases[3][1], cases[3][2], dout),
               as_array(call(layer.backward, dout), "backward"), f"backward({dout}) is {dout} × backward(1)",
               "multiply by dout: the chain rule, as in every other layer")
    # One layer used again: a later forward replaces the first, and backward can be repeated.
    for what, x, t in (cases[3], cases[4], cases[1]):
        call(layer.forward, x, t)
        want = reference_backward_one(reference, x, t)
        expect(want, as_array(call(layer.backward), "backward"), f"backward after a later forward ({what})",
               "forward stores self.y and self.t anew on every call")
        expect(want, as_array(call(layer.backward), "backward"), f"backward gives the same answer when called twice ({what})",
               "work on a copy: dx = self.y.copy() before subtracting 1 at the labels")


def reference_backward_one(reference, x, t):
    """backward(1) of the reference after forward(x, t) (only ever an expected value)."""
    return reference_backward(reference, x, t, 1)


def reference_backward(reference, x, t, dout):
    """backward(dout) of the reference after forward(x, t) (only ever an expected value)."""
    layer = reference()
    layer.forward(x.copy(), t.copy())
    return layer.backward(dout)


def _relu_net_scores(x, W1, W2):
    """Scores of a two-layer ReLU net with zero biases, computed from the case's own inputs."""
    return np.maximum(0, x @ W1) @ W2


def test_TwoLayerNet(submitted, reference, rng):
    sizes = [(6, 5, 3), (4, 7, 2), (10, 8, 4)]
    for i, (n_in, n_hidden, n_out) in enumerate(sizes, 1):
        std = float(rng.choice([0.5, 1.0]))
        seed = int(rng.integers(2 ** 31))
        case = f"net {i} ({n_in}-{n_hidden}-{n_out})"
        # After np.random.seed(seed) a right net draws exactly these parameters.
        np.random.seed(seed)
        W1 = std * np.random.randn(n_in, n_hidden)
        W2 = std * np.random.randn(n_hidden, n_out)
        P = {"W1": W1, "b1": np.zeros(n_hidden), "W2": W2, "b2": np.zeros(n_out)}
        np.random.seed(seed)
        net = call(submitted, n_in, n_hidden, n_out, weight_init_std=std)
        np.random.seed(seed)
        ref = reference(n_in, n_hidden, n_out, weight_init_std=std)
        expect(ref.params, _params(getattr(net, "params", None), "params"), f"{case}: params after construction",
               "W1, W2 = weight_init_std * np.random.randn(...) in that order; b1, b2 = np.zeros(...)")
        # Grade the methods on the right parameters even if the initialisation was wrong.
        try:
            for key in KEYS:
                net.params[key][...] = P[key]
        except (TypeError, KeyError, ValueError, AttributeError):
            raise Wrong(f"{case}: params should hold the arrays W1, b1, W2, b2 of the layers") from None

        n = int(rng.integers(2, 9)) if i > 1 else 1
        x = rng.normal(size=(n, n_in))
        labels = np.argmax(_relu_net_scores(x, W1, W2), axis=1)
        labels[::3] = rng.integers(n_out, size=labels[::3].size)  # some wrong answers, for the accuracy
        t = _one_hot(labels, n_out)
        expect(ref.predict(x.copy()), as_array(call(net.predict, x), "predict"), f"{case}: predict",
               "Affine1 → Relu1 → Affine2 (the scores, before the softmax)")
        for what, target in (("one-hot", t), ("labels", labels)):
            expect(ref.loss(x.copy(), target.copy()), as_number(call(net.loss, x, target), "loss"),
                   f"{case}: loss with {what} targets", "self.lastLayer.forward(self.predict(x), t)")
            expect(ref.accuracy(x.copy(), target.copy()), as_number(call(net.accuracy, x, target), "accuracy"),
                   f"{case}: accuracy with {what} targets",
                   "fraction of rows whose argmax equals the label (argmax of t too, when t is one-hot)")
            grads = _params(call(net.gradient, x, target), "gradient")
            expect(ref.gradient(x.copy(), target.copy()), grads, f"{case}: gradient with {what} targets",
                   "forward (self.loss), then backward through the layers in reverse order; "
                   "dW and db of Affine1 and Affine2", rtol=1e-6, atol=1e-10)
        numerical = _params(call(net.numerical_gradient, x, t), "numerical_gradient")
        expect(ref.numerical_gradient(x.copy(), t.copy()), numerical, f"{case}: numerical_gradient",
               "numerical_gradient(loss_W, self.params[key]) for each key", rtol=1e-5, atol=1e-8)
        expect(True, all(np.array_equal(np.asarray(net.params[key]), P[key]) for key in KEYS),
               f"{case}: params unchanged by numerical_gradient", "numerical_gradient must restore every entry")
        backprop = _params(call(net.gradient, x, t), "gradient")
        expect(True, all(key in backprop and _agrees(numerical[key], backprop[key]) for key in KEYS),
               f"{case}: gradient agrees with numerical_gradient (the gradient check)",
               "the two dicts should have the same keys and nearly the same arrays")
    # Two nets alive at once keep their own parameters and layers.
    np.random.seed(int(rng.integers(2 ** 31)))
    first, second = call(submitted, 4, 5, 3, weight_init_std=1.0), call(submitted, 4, 5, 3, weight_init_std=1.0)
    x = rng.normal(size=(3, 4))
    labels = rng.integers(3, size=3)
    try:
        shared = any(np.shares_memory(np.asarray(first.params[k]), np.asarray(second.params[k])) for k in KEYS)
    except (TypeError, KeyError, AttributeError):
        raise Wrong("params should hold the arrays W1, b1, W2, b2 of the layers") from None
    expect(False, bool(shared), "two nets keep separate params",
           "build params and layers in __init__ (self.params = {}), not as class attributes")
    before = as_array(call(first.predict, x), "predict")
    for key in KEYS:
        second.params[key][...] = rng.normal(size=np.shape(second.params[key]))
    expect(True, bool(np.array_equal(before, as_array(call(first.predict, x), "predict"))),
           "changing one net's params leaves another net unchanged",
           "each net makes its own Affine layers from its own params")
    g1 = _params(call(first.gradient, x, labels), "gradient")
    g2 = _params(call(first.gradient, x, labels), "gradient")
    expect(True, all(k in g1 and k in g2 and np.allclose(g1[k], g2[k]) for k in KEYS),
           "gradient gives the same answer when called twice", "gradient must not change the params or the layers")
    # The default weight_init_std is 0.01.
    seed = int(rng.integers(2 ** 31))
    np.random.seed(seed)
    net = call(submitted, 5, 4, 3)
    np.random.seed(seed)
    expect(reference(5, 4, 3).params, _params(getattr(net, "params", None), "params"),
           "default weight_init_std", "TwoLayerNet(input_size, hidden_size, output_size, weight_init_std=0.01)")


# ---------------------------------------------------------------- state: second calls and several objects

def _second_calls(submitted, reference, rng, name):
    """One layer used twice: a second forward replaces what the first remembered; backward can be repeated."""
    shapes = [(3, 4), (5, 2)] if name != "Affine" else [(2, 3, 2), (4, 6)]
    if name in ("MulLayer", "AddLayer"):
        layer, ref = call(submitted), reference()
        for shape in shapes:
            x, y, dout = rng.normal(size=shape), rng.normal(size=shape), rng.normal(size=shape)
            call(layer.forward, x, y)
            ref.forward(x.copy(), y.copy())
            first = _pair(call(layer.backward, dout), False, "backward")
            expect(ref.backward(dout.copy()), first, f"a second forward (shape {shape}) replaces the first",
                   "forward stores the new inputs every time it is called")
            expect(ref.backward(dout.copy()), _pair(call(layer.backward, dout), False, "backward"),
                   "backward gives the same answer when called twice", "backward must not change what forward stored")
        return
    if name == "Affine":
        W, b = rng.normal(size=(6, 3)), rng.normal(size=3)
        layer, ref = call(submitted, W.copy(), b.copy()), reference(W.copy(), b.copy())
    else:
        layer, ref = call(submitted), reference()
    for shape in shapes:
        x = rng.normal(size=shape)
        if name == "Relu":
            x.flat[::4] = 0.0
        dout = rng.normal(size=shape[:1] + (3,)) if name == "Affine" else rng.normal(size=shape)
        expect(ref.forward(x.copy()), as_array(call(layer.forward, x), "forward"),
               f"forward on a second input of shape {shape}", "forward works on every call, whatever came before")
        want = ref.backward(dout.copy())
        expect(want, as_array(call(layer.backward, dout), "backward"),
               f"backward after forward on shape {shape} uses that input",
               "keep what forward stores up to date on every call (mask, out, x and its shape)")
        expect(want, as_array(call(layer.backward, dout), "backward"), "backward gives the same answer when called twice",
               "do not change self.out, self.x or self.mask in backward")


def _with_state(test, name):
    def run(submitted, reference, rng):
        test(submitted, reference, rng)
        _second_calls(submitted, reference, rng, name)
    return run


for _name in ("MulLayer", "AddLayer", "Relu", "Sigmoid", "Affine"):
    globals()[f"test_{_name}"] = _with_state(globals()[f"test_{_name}"], _name)


# ---------------------------------------------------------------- optimizers

# Hyper-parameters other than the defaults, by keyword, as the lesson names them.
_CUSTOM = {
    "SGD": {"lr": 0.3},
    "Momentum": {"lr": 0.05, "momentum": 0.5},
    "Nesterov": {"lr": 0.05, "momentum": 0.7},
    "AdaGrad": {"lr": 0.2},
    "RMSprop": {"lr": 0.05, "decay_rate": 0.9},
    "Adam": {"lr": 0.02, "beta1": 0.8, "beta2": 0.99},
}
_HINTS = {
    "SGD": "params[key] -= self.lr * grads[key] for every key",
    "Momentum": "v starts at zeros_like(param) and is kept between calls: v = momentum*v - lr*g, then param += v",
    "Nesterov": "v = momentum*v - lr*g, then param += momentum*v - lr*g (not plain momentum's param += v)",
    "AdaGrad": "h += g*g (kept between calls), then param -= lr * g / (np.sqrt(h) + 1e-7): 1e-7 outside the root",
    "RMSprop": "h = decay_rate*h + (1 - decay_rate)*g*g (kept between calls), then param -= lr*g / (np.sqrt(h) + 1e-7)",
    "Adam": "count the calls t (1 on the first); lr_t = lr*sqrt(1 - beta2**t)/(1 - beta1**t); "
            "m += (1-beta1)*(g - m); v += (1-beta2)*(g*g - v); param -= lr_t*m/(np.sqrt(v) + 1e-7)",
}
# Parameters compare to 1e-5 relative: Adam written with m̂ = m/(1 − β1ᵗ) and v̂ = v/(1 − β2ᵗ), as the paper
# does, moves the 1e-7 by a factor 1/√(1 − β2ᵗ) and stays within that; every mistake is off by far more.
_CLOSE = {"rtol": 1e-5, "atol": 1e-7}


def _opt_params(rng, keys=(("W1", (3, 4)), ("b1", (4,)), ("W2", (4, 2)), ("b2", (2,))), dtype=np.float64):
    return {key: rng.normal(size=shape).astype(dtype) for key, shape in keys}


def _opt_grads(rng, params, name, dtype=np.float64):
    """Gradients shaped like ``params``: some entries exactly 0 (a unit with no gradient) and, except for Adam,
    some tiny ones (1e-5) where the place of the 1e-7 matters."""
    grads = {}
    for key, value in params.items():
        g = rng.normal(size=value.shape)
        if name == "Adam":
            g = np.where(np.abs(g) < 0.1, np.sign(g + 1e-12) * 0.1, g)
        else:
            g.flat[1::4] *= 1e-5
        g.flat[::5] = 0.0
        grads[key] = g.astype(dtype)
    return grads


def _copy(d):
    return {key: np.array(value) for key, value in d.items()}


def _updates(submitted, reference, rng, name, label, kwargs, calls, dtype=np.float64, keys=None,
             tolerance=_CLOSE):
    """Run ``calls`` updates on one optimizer and compare params after each; check they change in place."""
    params = _opt_params(rng, dtype=dtype) if keys is None else _opt_params(rng, keys, dtype)
    opt, ref = call(submitted, **kwargs), reference(**kwargs)
    mine, theirs = _copy(params), _copy(params)
    arrays = dict(mine)
    for k in range(1, calls + 1):
        grads = _opt_grads(rng, params, name, dtype)
        call(opt.update, mine, _copy(grads), _copy=False)
        ref.update(theirs, _copy(grads))
        expect(True, set(mine) == set(arrays) and all(mine[key] is arrays[key] for key in arrays),
               f"{label}: call {k} changes the arrays of params in place",
               "params[key] -= ... (or params[key][...] = ...): the layers of a network hold these very arrays")
        expect([(key, str(np.dtype(dtype)), params[key].shape) for key in sorted(params)],
               [(key, str(np.asarray(mine[key]).dtype), np.shape(mine[key])) for key in sorted(mine)],
               f"{label}: call {k} keeps each array's dtype and shape", "update the arrays in place")
        # copies on both sides: the judge keeps what it expects, and the next call changes these arrays
        expect(_copy(theirs), _copy(arrays), f"{label}: params after call {k}", _HINTS[name], **tolerance)


def _two_at_once(submitted, reference, rng, name):
    """Two optimizers alive at once, updated in turns, each on its own params, keep their own state."""
    first, second = _opt_params(rng), _opt_params(rng, (("W", (2, 3)), ("b", (3,))))
    opts = [call(submitted), call(submitted)]
    refs = [reference(), reference()]
    mine, theirs = [_copy(first), _copy(second)], [_copy(first), _copy(second)]
    for k in range(1, 4):
        for j in (0, 1):
            grads = _opt_grads(rng, mine[j], name)
            call(opts[j].update, mine[j], _copy(grads), _copy=False)
            refs[j].update(theirs[j], _copy(grads))
            expect(_copy(theirs[j]), _copy(mine[j]), f"two optimizers at once: the {('first', 'second')[j]}'s params "
                   f"after its call {k}", "keep the state (v, h, m, the call count) on self, made in __init__ or "
                   "on the first call, never as a class attribute", **_CLOSE)


def _optimizer_test(name):
    def test(submitted, reference, rng):
        _updates(submitted, reference, rng, name, "default hyper-parameters", {}, 4)
        _updates(submitted, reference, rng, name, f"{name}(" + ", ".join(f"{k}={v}" for k, v in
                 _CUSTOM[name].items()) + ")", _CUSTOM[name], 3)
        _updates(submitted, reference, rng, name, "float32 params", {}, 2, dtype=np.float32,
                 tolerance={"rtol": 1e-4, "atol": 1e-5})
        _updates(submitted, reference, rng, name, "params with other keys and a 3-D array", _CUSTOM[name], 2,
                 keys=(("conv", (2, 3, 2)), ("gamma", (5,))))
        _two_at_once(submitted, reference, rng, name)
    test.__name__ = f"test_{name}"
    return test


for _name in _CUSTOM:
    globals()[f"test_{_name}"] = _optimizer_test(_name)
