"""Typical beginner mistakes in 04_loss_and_gradients, each one caught by its hidden tests."""

MISTAKES = {
    # Forgets the factor ½ of the lecture's formula.
    "mean_squared_error": '''
def mean_squared_error(y, t):
    return np.sum((y - t) ** 2)
''',
    # The lecture's one-sample formula: a batch is summed instead of averaged, and labels fail.
    "cross_entropy_error": '''
def cross_entropy_error(y, t):
    delta = 1e-7
    return -np.sum(t * np.log(y + delta))
''',
    # Forward difference instead of the central difference.
    "numerical_diff": '''
def numerical_diff(f, x):
    h = 1e-4
    return (f(x + h) - f(x)) / h
''',
    # Forgets to restore x[idx]: x is left changed and later partials are taken at a moved point.
    "numerical_gradient": '''
def numerical_gradient(f, x):
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
        it.iternext()
    return grad
''',
    # The book's version: records the point before each step only (the final point is missing
    # from the path) and moves init_x itself.
    "gradient_descent": '''
def gradient_descent(f, init_x, lr=0.01, step_num=100):
    x = init_x
    x_history = []
    for i in range(step_num):
        x_history.append(x.copy())
        grad = numerical_gradient(f, x)
        x -= lr * grad
    return x, np.array(x_history)
''',
    # Uses the raw scores as probabilities: no softmax before the cross-entropy.
    "SimpleNet": '''
class SimpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)

    def predict(self, x):
        return np.dot(x, self.W)

    def loss(self, x, t):
        return cross_entropy_error(self.predict(x), t)
''',
}

# The demo's `beginner` hands these in and gets the other exercises right.
BEGINNER = ["mean_squared_error", "numerical_diff", "gradient_descent"]

# Further plausible mistakes, each passing the visible checks; tests/test_hidden_tests.py proves
# that the hidden tests catch every one.
MORE_MISTAKES = {
    "mean_squared_error": [
        # Halves with floor division: an integer total loses its half.
        '''
def mean_squared_error(y, t):
    return np.sum((y - t) ** 2) // 2 if np.sum((y - t) ** 2) % 1 == 0 and (y - t).dtype.kind in "iu" else 0.5 * np.sum((y - t) ** 2)
''',
        # The mean times the length of the first axis: right for vectors, wrong when empty.
        '''
def mean_squared_error(y, t):
    return 0.5 * np.mean((y - t) ** 2) * y.size
''',
    ],
    "cross_entropy_error": [
        # Reads the batch size from y.shape[1] (right for a square batch or one sample).
        '''
def cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0] if y.shape[0] >= y.shape[1] - 1 else y.shape[1] // 2
    return -np.sum(np.log(y[np.arange(y.shape[0]), t] + 1e-7)) / batch_size
''',
    ],
    "numerical_gradient": [
        # Nudges the entries of x.reshape(-1): a view for a contiguous x, a copy for a transposed one.
        '''
def numerical_gradient(f, x):
    h = 1e-4
    flat = x.reshape(-1)
    grad = np.zeros(flat.size)
    for i in range(flat.size):
        tmp_val = flat[i]
        flat[i] = tmp_val + h
        fxh1 = f(x)
        flat[i] = tmp_val - h
        fxh2 = f(x)
        grad[i] = (fxh1 - fxh2) / (2 * h)
        flat[i] = tmp_val
    return grad.reshape(x.shape)
''',
    ],
    "SimpleNet": [
        # Draws W once, as a default argument: every net shares the same W.
        '''
class SimpleNet:
    def __init__(self, W=np.random.randn(2, 3)):
        self.W = W

    def predict(self, x):
        return np.dot(x, self.W)

    def loss(self, x, t):
        return cross_entropy_error(softmax(self.predict(x)), t)
''',
        # Keeps the scores of its first call.
        '''
class SimpleNet:
    def __init__(self):
        self.W = np.random.randn(2, 3)
        self._cache = {}

    def predict(self, x):
        key = np.asarray(x).tobytes()
        if key not in self._cache:
            self._cache[key] = np.dot(x, self.W)
        return self._cache[key]

    def loss(self, x, t):
        return cross_entropy_error(softmax(self.predict(x)), t)
''',
    ],
}
