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
