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
