"""Correct answers written in other styles keep full marks in the hidden tests.

A hidden test that only the reference's own style passes takes points from honest work, which is
worse than missing a cheat. Each answer below is right by the lesson's instructions but differs
from the reference: loops instead of vectorized code (or the reverse), helpers of the student's
own, NumPy scalars where a float is promised, stable formulas, other Keras spellings.
"""

import pytest

from autograder import hidden
from test_hidden_tests import define

ALTERNATIVES = {
    "python_basics": {
        "arithmetic": ['''
import operator
OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv,
       "//": operator.floordiv, "%": operator.mod, "**": operator.pow}

def arithmetic(a, b):
    return {symbol: op(a, b) for symbol, op in OPS.items()}
'''],
        "type_name": ['''
def type_name(value):
    return {bool: "bool", int: "int", float: "float", str: "str"}[type(value)]
'''],
        "take_slices": ['''
def take_slices(seq):
    n = len(seq)
    return seq[:2], seq[n - 1], seq[n - 3:n - 1]
'''],
        "count_words": ['''
from collections import Counter

def count_words(words):
    return dict(Counter(words))
'''],
        "truth_table": ['''
def truth_table(op):
    rows = []
    for a in (True, False):
        if op == "not":
            rows.append((a, not a))
            continue
        for b in (True, False):
            rows.append((a, b, (a and b) if op == "and" else (a or b)))
    return rows
'''],
        "sum_of_evens": ['''
def sum_of_evens(numbers):
    return sum(n for n in numbers if n % 2 == 0)
'''],
        "hello": ['''
def hello(name=None):
    return f"Hello {name if name is not None else 'World'}!"
'''],
        "Man": ['''
class Man:
    def __init__(self, name):
        self.name = name

    def _say(self, word):
        return f"{word} {self.name}!"

    def hello(self):
        return self._say("Hello")

    def goodbye(self):
        return self._say("Good-bye")
'''],
        "array_facts": ['''
def array_facts(a):
    return tuple(a.shape), len(a.shape), str(a.dtype)
'''],
        "top_left_block": ['''
def top_left_block(a):
    rows = a[0:2]
    return rows[:, 1:3]
'''],
        "center_columns": ['''
def center_columns(X):
    return X - np.mean(X, axis=0, keepdims=True)
''', '''
def center_columns(X):
    result = np.empty(X.shape)
    for j in range(X.shape[1]):
        result[:, j] = X[:, j] - X[:, j].sum() / X.shape[0]
    return result
'''],
        "plot_sin_cos": ['''
def plot_sin_cos():
    x = np.arange(0, 6, 0.1)
    fig = plt.figure()
    ax = fig.add_subplot()
    for f, name in ((np.sin, "sin"), (np.cos, "cos")):
        ax.plot(x, f(x), label=name)
    ax.set(xlabel="x", ylabel="y", title="sin and cos")
    ax.legend()
    return fig
'''],
    },
    "perceptron": {
        "AND": ['''
def AND(x1, x2):
    return int(0.5 * x1 + 0.5 * x2 - 0.7 > 0)
'''],
        "NAND": ['''
def NAND(x1, x2):
    x = np.array([x1, x2])
    w = np.array([-0.5, -0.5])
    return 1 if float(x @ w) + 0.7 > 0 else 0
'''],
        "OR": ['''
def OR(x1, x2):
    tmp = x1 * 0.5 + x2 * 0.5 - 0.2
    if tmp <= 0:
        return 0
    return 1
'''],
        "XOR": ['''
def layer(gate, a, b):
    return gate(a, b)

def XOR(x1, x2):
    return layer(AND, layer(NAND, x1, x2), layer(OR, x1, x2))
''', '''
def XOR(x1, x2):
    hidden = [gate(x1, x2) for gate in (NAND, OR)]
    return AND(*hidden)
'''],
        "perceptron": ['''
def perceptron(x, w, b):
    total = b
    for xi, wi in zip(x, w):
        total += xi * wi
    return 1 if total > 0 else 0
'''],
        "train_perceptron": ['''
def train_perceptron(X, y, lr=0.1, epochs=20):
    X = np.array(X, dtype=float)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        errors = 0
        for i in range(len(X)):
            delta = lr * (y[i] - perceptron(X[i], w, b))
            if delta:
                w, b, errors = w + delta * X[i], b + delta, errors + 1
        if errors == 0:
            break
    return w, b
'''],
    },
    "forward_propagation": {
        "step_function": ['''
def step_function(x):
    return (np.asarray(x) > 0).astype(np.int64)
'''],
        "sigmoid": ['''
def sigmoid(x):
    x = np.asarray(x, dtype=float)
    out = np.empty_like(x)
    pos = x >= 0
    out[pos] = 1 / (1 + np.exp(-x[pos]))
    e = np.exp(x[~pos])
    out[~pos] = e / (1 + e)
    return out
'''],
        "relu": ['''
def relu(x):
    return np.where(x > 0, x, 0)
''', '''
def relu(x):
    out = x.copy()
    out[out < 0] = 0
    return out
'''],
        "tanh": ['''
def tanh(x):
    return 2 * sigmoid(2 * x) - 1
'''],
        "leaky_relu": ['''
def leaky_relu(x, alpha=0.1):
    return np.maximum(x, 0) + alpha * np.minimum(x, 0)
'''],
        "elu": ['''
def elu(x, alpha=1.0):
    neg = np.minimum(x, 0)
    return np.where(x >= 0, x, alpha * (np.exp(neg) - 1))
'''],
        "maxout": ['''
from functools import reduce

def maxout(x, W, b):
    return reduce(np.maximum, [x @ W[i] + b[i] for i in range(len(W))])
''', '''
def maxout(x, W, b):
    scores = np.einsum("...n,knm->...km", x, W) + b
    return scores.max(axis=-2)
''', '''
def maxout(x, W, b):
    best = np.dot(x, W[0]) + b[0]
    for Wi, bi in zip(W[1:], b[1:]):
        best = np.maximum(best, np.dot(x, Wi) + bi)
    return best
'''],
        "identity_function": ['''
def identity_function(x):
    return x.copy()
'''],
        "softmax": ['''
def softmax(a):
    if a.ndim == 2:
        a = a.T
        a = a - np.max(a, axis=0)
        return (np.exp(a) / np.sum(np.exp(a), axis=0)).T
    a = a - np.max(a)
    return np.exp(a) / np.sum(np.exp(a))
'''],
        "init_network": ['''
def init_network():
    network = {}
    network["W1"] = np.array([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]])
    network["b1"] = np.array([0.1, 0.2, 0.3])
    network["W2"] = np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]])
    network["b2"] = np.array([0.1, 0.2])
    network["W3"] = np.array([[0.1, 0.3], [0.2, 0.4]])
    network["b3"] = np.array([0.1, 0.2])
    return network
'''],
        "forward": ['''
def layer(network, z, i, activation):
    return activation(z @ network[f"W{i}"] + network[f"b{i}"])

def forward(network, x):
    z = layer(network, x, 1, sigmoid)
    z = layer(network, z, 2, sigmoid)
    return layer(network, z, 3, identity_function)
'''],
        "predict": ['''
def predict(network, x):
    z = x
    for i, activation in ((1, sigmoid), (2, sigmoid), (3, softmax)):
        z = activation(np.dot(z, network["W%d" % i]) + network["b%d" % i])
    return z
'''],
        "batch_accuracy": ['''
def predicted_labels(network, batch):
    return np.argmax(predict(network, batch), axis=1)

def batch_accuracy(network, x, t, batch_size=100):
    hits = 0
    for i in range(0, len(x), batch_size):
        hits += np.sum(predicted_labels(network, x[i:i + batch_size]) == t[i:i + batch_size])
    return hits / len(x)
''', '''
def batch_accuracy(network, x, t, batch_size=100):
    right = [np.argmax(predict(network, x[i:i + batch_size]), axis=1) == t[i:i + batch_size]
             for i in range(0, len(x), batch_size)]
    return np.mean(np.concatenate(right))
'''],
    },
    "loss_and_gradients": {
        "mean_squared_error": ['''
def mean_squared_error(y, t):
    d = (np.asarray(y, dtype=float) - t).ravel()
    return 0.5 * float(d @ d)
'''],
        "cross_entropy_error": ['''
def cross_entropy_error(y, t):
    delta = 1e-7
    if y.ndim == 1:
        return -np.sum(t * np.log(y + delta))
    if t.ndim == 2:
        return -np.sum(t * np.log(y + delta)) / y.shape[0]
    return -np.mean(np.log(y[np.arange(len(t)), t] + delta))
'''],
        "numerical_diff": ['''
def numerical_diff(f, x, h=1e-4):
    return (f(x + h) - f(x - h)) / (h + h)
'''],
        "numerical_gradient": ['''
def numerical_gradient(f, x):
    h = 1e-4
    grad = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        saved = float(x[idx])
        x[idx] = saved + h
        up = f(x)
        x[idx] = saved - h
        down = f(x)
        x[idx] = saved
        grad[idx] = (up - down) / (2 * h)
    return grad
'''],
        "gradient_descent": ['''
def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = np.copy(init_x)
    path = np.empty((step_num + 1,) + x.shape)
    path[0] = x
    for i in range(step_num):
        x = x - lr * numerical_gradient(f, x)
        path[i + 1] = x
    return x, path
'''],
        "SimpleNet": ['''
class SimpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)

    def predict(self, x):
        return x @ self.W

    def loss(self, x, t):
        z = self.predict(x)
        y = softmax(z)
        return cross_entropy_error(y, t)
'''],
    },
    "backpropagation": {
        "MulLayer": ['''
class MulLayer:
    def __init__(self):
        self.inputs = None

    def forward(self, x, y):
        self.inputs = (x, y)
        return x * y

    def backward(self, dout):
        x, y = self.inputs
        return dout * y, dout * x
'''],
        "AddLayer": ['''
class AddLayer:
    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return dout, dout
'''],
        "Relu": ['''
class Relu:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = x <= 0
        return np.where(self.mask, 0, x)

    def backward(self, dout):
        return np.where(self.mask, 0, dout)
'''],
        "Sigmoid": ['''
class Sigmoid:
    def __init__(self):
        self.out = None

    def forward(self, x):
        self.out = sigmoid(x)
        return self.out

    def backward(self, dout):
        y = self.out
        return dout * y * (1 - y)
''', '''
class Sigmoid:
    """Backward node by node, right to left, as the graph of x, ×(−1), exp, +1, / draws it."""

    def __init__(self):
        self.out = None
        self.exp = None

    def forward(self, x):
        self.exp = np.exp(-x)
        self.out = 1 / (1 + self.exp)
        return self.out

    def backward(self, dout):
        d = dout * -(self.out ** 2)   # the / node
        d = d * 1                     # the +1 node
        d = d * self.exp              # the exp node
        return d * -1                 # the ×(−1) node
'''],
        "Affine": ['''
class Affine:
    def __init__(self, W, b):
        self.W, self.b = W, b
        self.x = self.shape = self.dW = self.db = None

    def forward(self, x):
        self.shape = x.shape
        self.x = x.reshape(len(x), -1)
        return self.x @ self.W + self.b

    def backward(self, dout):
        self.dW = self.x.T @ dout
        self.db = dout.sum(axis=0)
        return (dout @ self.W.T).reshape(self.shape)
'''],
        "SoftmaxWithLoss": ['''
class SoftmaxWithLoss:
    def __init__(self):
        self.loss = self.y = self.t = None

    def forward(self, x, t):
        self.t = t if t.ndim == 2 else np.eye(x.shape[1])[t]
        self.y = softmax(x)
        self.loss = cross_entropy_error(self.y, self.t)
        return self.loss

    def backward(self, dout=1):
        return dout * (self.y - self.t) / self.t.shape[0]
'''],
        "SGD": ['''
class SGD:
    def __init__(self, lr=0.01):
        self.lr = lr

    def update(self, params, grads):
        for key, grad in grads.items():
            np.subtract(params[key], self.lr * grad, out=params[key])
'''],
        "Momentum": ['''
class Momentum:
    """The velocity with the opposite sign: v = momentum*v + lr*g, W -= v (the same steps)."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum = lr, momentum
        self.velocity = {}

    def update(self, params, grads):
        for key in params:
            v = self.velocity.setdefault(key, np.zeros_like(params[key]))
            v *= self.momentum
            v += self.lr * grads[key]
            params[key] -= v
'''],
        "Nesterov": ['''
class Nesterov:
    """CS231n's form: x += -mu * v_prev + (1 + mu) * v."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr, self.momentum, self.v = lr, momentum, None

    def update(self, params, grads):
        if self.v is None:
            self.v = {key: np.zeros_like(val) for key, val in params.items()}
        mu = self.momentum
        for key in params:
            v_prev = self.v[key].copy()
            self.v[key] = mu * self.v[key] - self.lr * grads[key]
            params[key] += -mu * v_prev + (1 + mu) * self.v[key]
''', '''
class Nesterov:
    """PyTorch's form: buf = mu*buf + g, W -= lr*(g + mu*buf)."""

    def __init__(self, lr=0.01, momentum=0.9):
        self.lr = lr
        self.momentum = momentum
        self.buf = {}

    def update(self, params, grads):
        for key, g in grads.items():
            buf = self.momentum * self.buf.get(key, 0.0) + g
            self.buf[key] = buf
            params[key][...] = params[key] - self.lr * (g + self.momentum * buf)
'''],
        "AdaGrad": ['''
class AdaGrad:
    def __init__(self, lr=0.01):
        self.lr = lr
        self.h = {}

    def update(self, params, grads):
        for key in params:
            self.h[key] = self.h.get(key, 0) + grads[key] ** 2
            params[key][...] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)
'''],
        "RMSprop": ['''
class RMSprop:
    def __init__(self, lr=0.01, decay_rate=0.99):
        self.lr = lr
        self.decay_rate = decay_rate
        self.h = None

    def update(self, params, grads):
        if self.h is None:
            self.h = {key: np.zeros(val.shape, dtype=val.dtype) for key, val in params.items()}
        rho = self.decay_rate
        for key in params:
            self.h[key] = rho * self.h[key] + (1 - rho) * np.square(grads[key])
            params[key] -= self.lr * grads[key] / (np.sqrt(self.h[key]) + 1e-7)
'''],
        "Adam": ['''
class Adam:
    """The paper's form: bias-corrected m_hat and v_hat, eps added to sqrt(v_hat)."""

    def __init__(self, lr=0.001, beta1=0.9, beta2=0.999):
        self.lr, self.beta1, self.beta2 = lr, beta1, beta2
        self.t = 0
        self.m, self.v = {}, {}

    def update(self, params, grads):
        self.t += 1
        for key, g in grads.items():
            self.m[key] = self.beta1 * self.m.get(key, 0) + (1 - self.beta1) * g
            self.v[key] = self.beta2 * self.v.get(key, 0) + (1 - self.beta2) * g * g
            m_hat = self.m[key] / (1 - self.beta1 ** self.t)
            v_hat = self.v[key] / (1 - self.beta2 ** self.t)
            params[key] -= self.lr * m_hat / (np.sqrt(v_hat) + 1e-8)
'''],
        "TwoLayerNet": ['''
class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        W1 = weight_init_std * np.random.randn(input_size, hidden_size)
        W2 = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params = {"W1": W1, "b1": np.zeros(hidden_size), "W2": W2, "b2": np.zeros(output_size)}
        self.layers = [Affine(self.params["W1"], self.params["b1"]), Relu(),
                       Affine(self.params["W2"], self.params["b2"])]
        self.lastLayer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        return self.lastLayer.forward(self.predict(x), t)

    def accuracy(self, x, t):
        labels = t if t.ndim == 1 else t.argmax(axis=1)
        return float(np.mean(self.predict(x).argmax(axis=1) == labels))

    def numerical_gradient(self, x, t):
        grads = {}
        for key in ("W1", "b1", "W2", "b2"):
            grads[key] = numerical_gradient(lambda _: self.loss(x, t), self.params[key])
        return grads

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.lastLayer.backward()
        for layer in self.layers[::-1]:
            dout = layer.backward(dout)
        first, second = self.layers[0], self.layers[2]
        return {"W1": first.dW, "b1": first.db, "W2": second.dW, "b2": second.db}
'''],
    },
    "keras_mnist": {
        "tensor_facts": ['''
def tensor_facts(x):
    return len(x.shape), tuple(int(d) for d in x.shape), np.dtype(x.dtype.name).name
'''],
        "example_shape": ['''
def example_shape(kind, samples):
    axes = {"people": [3], "documents": [20000], "stock_prices": [390, 3], "tweets": [280, 128],
            "images": [256, 256, 3], "video": [60 * 4, 144, 256, 3]}
    return tuple([samples] + axes[kind])
'''],
        "naive_relu": ['''
def naive_relu(x):
    assert x.ndim == 2
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = x[i, j] if x[i, j] > 0 else 0
    return out
'''],
        "naive_add": ['''
def naive_add(x, y):
    assert x.ndim == 2 and x.shape == y.shape
    out = np.zeros(x.shape)
    for i, j in np.ndindex(*x.shape):
        out[i, j] = x[i, j] + y[i, j]
    return out
'''],
        "naive_add_matrix_and_vector": ['''
def naive_add_matrix_and_vector(x, y):
    assert len(x.shape) == 2 and len(y.shape) == 1 and x.shape[1] == y.shape[0]
    return np.array([[x[i, j] + y[j] for j in range(x.shape[1])] for i in range(x.shape[0])])
'''],
        "naive_vector_dot": ['''
def naive_vector_dot(x, y):
    assert len(x.shape) == 1 and len(y.shape) == 1 and x.shape[0] == y.shape[0]
    return float(sum(a * b for a, b in zip(x, y)))
'''],
        "naive_matrix_vector_dot": ['''
def naive_matrix_vector_dot(x, y):
    assert len(x.shape) == 2 and len(y.shape) == 1 and x.shape[1] == y.shape[0]
    z = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            z[i] += x[i, j] * y[j]
    return z
'''],
        "naive_matrix_dot": ['''
def naive_matrix_dot(x, y):
    assert len(x.shape) == 2 and len(y.shape) == 2 and x.shape[1] == y.shape[0]
    z = np.zeros((x.shape[0], y.shape[1]))
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            for k in range(x.shape[1]):
                z[i, j] += x[i, k] * y[k, j]
    return z
'''],
        "prepare_images": ['''
def prepare_images(images):
    return (images / 255).astype(np.float32).reshape(-1, 784)
'''],
        "build_model": ['''
def build_model():
    model = keras.Sequential()
    model.add(keras.Input(shape=(784,)))
    model.add(keras.layers.Dense(512, activation="relu"))
    model.add(keras.layers.Dense(10, activation="softmax"))
    model.compile(optimizer=keras.optimizers.RMSprop(),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    return model
''', '''
def build_model():
    model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(512, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["acc"])
    return model
''', '''
def build_model():
    model = keras.Sequential([keras.Input(shape=(784,)), keras.layers.Dense(512, activation="relu"),
                              keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy",
                  metrics=["sparse_categorical_accuracy"])
    return model
''', '''
def build_model():
    model = keras.Sequential([
        keras.layers.Dense(512, activation="relu", input_shape=(28 * 28,)),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
'''],
        "momentum_update": ['''
def momentum_update(w, velocity, gradient, lr, momentum):
    velocity = momentum * velocity
    velocity = velocity - lr * gradient
    return w + velocity, velocity
'''],
        "train_step": ['''
loss_fn = keras.losses.SparseCategoricalCrossentropy()

def train_step(model, optimizer, x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
    return loss.numpy().item()
'''],
    },
}

ROWS = [(module, name, i, code) for module, names in ALTERNATIVES.items()
        for name, codes in names.items() for i, code in enumerate(codes)]


@pytest.mark.parametrize("module,name,index,code", ROWS, ids=[f"{m}-{n}-{i}" for m, n, i, _ in ROWS])
def test_correct_alternative_keeps_full_marks(module, name, index, code, capsys):
    hidden.check(module, name, define(code, name, module))
    assert "passed" in capsys.readouterr().out
