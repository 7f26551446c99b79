"""Typical beginner mistakes in 03_forward_propagation, each one caught by its hidden tests."""

MISTAKES = {
    # Returns the boolean array: the lecture's dtype conversion is missing.
    "step_function": '''
def step_function(x):
    return x > 0
''',
    # The lecture's formula: np.exp(1000) overflows (with a warning) for x = -1000.
    "sigmoid": '''
def sigmoid(x):
    return 1 / (1 + np.exp(-x))
''',
    # Zeroes the negatives in place, changing the caller's array.
    "relu": '''
def relu(x):
    x[x < 0] = 0
    return x
''',
    # The textbook formula: inf / inf = nan for large |x|.
    "tanh": '''
def tanh(x):
    return (np.exp(x) - np.exp(-x)) / (np.exp(x) + np.exp(-x))
''',
    # Ignores alpha and uses the popular 0.01 slope.
    "leaky_relu": '''
def leaky_relu(x, alpha=0.1):
    return np.maximum(0.01 * x, x)
''',
    # Misplaced parenthesis: alpha * exp(x) - 1 (right only when alpha is 1).
    "elu": '''
def elu(x, alpha=1.0):
    return np.where(x >= 0, x, alpha * np.exp(x) - 1)
''',
    # Forgets to return.
    "identity_function": '''
def identity_function(x):
    x
''',
    # No max shift: np.exp(1000) overflows and the result is nan.
    "softmax": '''
def softmax(a):
    exp_a = np.exp(a)
    return exp_a / np.sum(exp_a, axis=-1, keepdims=True)
''',
    # W1 typed column by column: 3x2 instead of 2x3.
    "init_network": '''
def init_network():
    return {
        "W1": np.array([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6]]),
        "b1": np.array([0.1, 0.2, 0.3]),
        "W2": np.array([[0.1, 0.4], [0.2, 0.5], [0.3, 0.6]]),
        "b2": np.array([0.1, 0.2]),
        "W3": np.array([[0.1, 0.3], [0.2, 0.4]]),
        "b3": np.array([0.1, 0.2]),
    }
''',
    # Forgets the activation of the second layer.
    "forward": '''
def forward(network, x):
    a1 = np.dot(x, network["W1"]) + network["b1"]
    z1 = sigmoid(a1)
    a2 = np.dot(z1, network["W2"]) + network["b2"]
    a3 = np.dot(a2, network["W3"]) + network["b3"]
    return identity_function(a3)
''',
    # Returns the predicted class instead of the probabilities.
    "predict": '''
def predict(network, x):
    z1 = sigmoid(np.dot(x, network["W1"]) + network["b1"])
    z2 = sigmoid(np.dot(z1, network["W2"]) + network["b2"])
    return np.argmax(softmax(np.dot(z2, network["W3"]) + network["b3"]), axis=-1)
''',
    # Loops over whole batches only: the last, shorter batch is never counted.
    "batch_accuracy": '''
def batch_accuracy(network, x, t, batch_size=100):
    accuracy_cnt = 0
    for b in range(len(x) // batch_size):
        y = predict(network, x[b * batch_size:(b + 1) * batch_size])
        accuracy_cnt += np.sum(np.argmax(y, axis=1) == t[b * batch_size:(b + 1) * batch_size])
    return accuracy_cnt / len(x)
''',
}

# The demo's `beginner` hands these in and gets the other exercises right.
BEGINNER = ["sigmoid", "relu", "softmax"]
