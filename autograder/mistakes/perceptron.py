"""Typical beginner mistakes in 02_perceptron, each one caught by its hidden tests."""

MISTAKES = {
    # Returns the comparison itself: True/False instead of 1/0.
    "AND": '''
def AND(x1, x2):
    x = np.array([x1, x2])
    w = np.array([0.5, 0.5])
    b = -0.7
    return np.sum(x * w) + b > 0
''',
    # Converts with NumPy, so the answer is a numpy.int64, not an int.
    "NAND": '''
def NAND(x1, x2):
    x = np.array([x1, x2])
    w = np.array([-0.5, -0.5])
    b = 0.7
    return (np.sum(x * w) + b > 0).astype(int)
''',
    # Copied AND and forgot to change the bias: this is AND again.
    "OR": '''
def OR(x1, x2):
    x = np.array([x1, x2])
    w = np.array([0.5, 0.5])
    b = -0.7
    return 1 if np.sum(x * w) + b > 0 else 0
''',
    # Hard-codes the truth table instead of composing the gates.
    "XOR": '''
def XOR(x1, x2):
    table = {(0, 0): 0, (1, 0): 1, (0, 1): 1, (1, 1): 0}
    return table[(int(x1), int(x2))]
''',
    # Fires at exactly 0 (>= instead of >).
    "perceptron": '''
def perceptron(x, w, b):
    return 1 if np.sum(w * x) + b >= 0 else 0
''',
    # Forgets to learn the bias.
    "train_perceptron": '''
def train_perceptron(X, y, lr=0.1, epochs=20):
    X = np.asarray(X, dtype=float)
    w = np.zeros(X.shape[1])
    b = 0.0
    for epoch in range(epochs):
        for x, t in zip(X, y):
            p = perceptron(x, w, b)
            w = w + lr * (t - p) * x
    return w, b
''',
}

# The demo's `beginner` hands these in and gets the other exercises right.
BEGINNER = ["NAND", "XOR"]

# Further plausible mistakes, each passing the visible checks; tests/test_hidden_tests.py proves
# that the hidden tests catch every one.
MORE_MISTAKES = {
    "AND": [
        # NumPy's step function: the right values, but a NumPy float, not the Python int.
        '''
def AND(x1, x2):
    s = np.sum(np.array([x1, x2]) * np.array([0.5, 0.5])) - 0.7
    return int(np.heaviside(s, 0)) if type(x1) is int else np.heaviside(s, 0)
''',
    ],
    "NAND": [
        # Returns the Python bool of the comparison for float inputs.
        '''
def NAND(x1, x2):
    s = np.sum(np.array([x1, x2]) * np.array([-0.5, -0.5])) + 0.7
    return bool(s > 0) if isinstance(x1, float) else (1 if s > 0 else 0)
''',
    ],
    "OR": [
        # Returns a float 1.0 / 0.0 for NumPy inputs (np.where keeps NumPy's types).
        '''
def OR(x1, x2):
    s = np.sum(np.array([x1, x2]) * np.array([0.5, 0.5])) - 0.2
    return 1 if s > 0 else 0 if type(x1) in (int, np.int64) else float(s > 0)
''',
    ],
    "XOR": [
        # Asks the gates, then ignores them for the answer: x1 != x2.
        '''
def XOR(x1, x2):
    s1, s2 = NAND(x1, x2), OR(x1, x2)
    return 1 if x1 != x2 else 0
''',
        # Through a helper of its own, but the last gate's answer is turned into a bool.
        '''
def layer(gate, a, b):
    return gate(a, b)

def XOR(x1, x2):
    return bool(layer(AND, layer(NAND, x1, x2), layer(OR, x1, x2)))
''',
    ],
    "perceptron": [
        # Computes in float32: a tiny positive weighted sum is rounded away.
        '''
def perceptron(x, w, b):
    s = np.sum(np.asarray(w, dtype=np.float32) * np.asarray(x, dtype=np.float32)) + np.float32(b)
    return 1 if s > 0 else 0
''',
        # Rounds the sum to six decimals "to avoid floating-point noise".
        '''
def perceptron(x, w, b):
    return 1 if round(float(np.sum(w * x) + b), 6) > 0 else 0
''',
    ],
    "train_perceptron": [
        # Starts from zeros like X's first row: an int X gives int weights (and epochs=0 an int b).
        '''
def train_perceptron(X, y, lr=0.1, epochs=20):
    w = np.zeros_like(X[0])
    b = 0
    for epoch in range(epochs):
        updated = False
        for x, t in zip(X, y):
            error = t - perceptron(x, w, b)
            if error != 0:
                w = w + lr * error * x
                b = b + lr * error
                updated = True
        if not updated:
            break
    return w, b
''',
        # The wrong default: 10 passes are enough for AND and OR, not for every data set.
        '''
def train_perceptron(X, y, lr=0.1, epochs=10):
    X = np.asarray(X, dtype=float)
    w = np.zeros(X.shape[1])
    b = 0.0
    for epoch in range(epochs):
        for x, t in zip(X, y):
            error = t - perceptron(x, w, b)
            w = w + lr * error * x
            b = b + lr * error
    return w, float(b)
''',
    ],
}
