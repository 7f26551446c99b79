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
    # Takes the maximum over axis 0: the pieces for one input, but the samples of a batch.
    "maxout": '''
def maxout(x, W, b):
    return np.max(np.dot(x, W) + b, axis=0)
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

# Further plausible mistakes, each passing the visible checks; tests/test_hidden_tests.py proves
# that the hidden tests catch every one.
MORE_MISTAKES = {
    "relu": [
        # Returns the input itself when nothing is negative.
        '''
def relu(x):
    if np.all(x >= 0):
        return x
    return np.maximum(0, x)
''',
    ],
    "leaky_relu": [
        # Writes alpha * x into a copy of x: an integer x truncates alpha * x to an int.
        '''
def leaky_relu(x, alpha=0.1):
    out = x.copy()
    out[x <= 0] = alpha * x[x <= 0]
    return out
''',
    ],
    "elu": [
        # Same idea: a copy of an integer x cannot hold alpha * (exp(x) - 1).
        '''
def elu(x, alpha=1.0):
    out = x.copy()
    neg = x < 0
    out[neg] = alpha * (np.exp(x[neg]) - 1)
    return out
''',
    ],
    "maxout": [
        # The lecture's formula word for word: only the first two pieces, whatever k is.
        '''
def maxout(x, W, b):
    return np.maximum(np.dot(x, W[0]) + b[0], np.dot(x, W[1]) + b[1])
''',
    ],
    "softmax": [
        # Squeezes the result: a batch of one row comes back as a vector.
        '''
def softmax(a):
    exp_a = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return np.squeeze(exp_a / np.sum(exp_a, axis=-1, keepdims=True))
''',
        # Computes the exponentials in float32 "to save memory".
        '''
def softmax(a):
    exp_a = np.exp((a - np.max(a, axis=-1, keepdims=True)).astype(np.float32))
    return exp_a / np.sum(exp_a, axis=-1, keepdims=True)
''',
    ],
    "predict": [
        # Squeezes the output: a batch of one row, or one output unit, loses an axis.
        '''
def predict(network, x):
    z1 = sigmoid(np.dot(x, network["W1"]) + network["b1"])
    z2 = sigmoid(np.dot(z1, network["W2"]) + network["b2"])
    return np.squeeze(softmax(np.dot(z2, network["W3"]) + network["b3"]))
''',
    ],
    "forward": [
        # Flattens to 2-D and back with ravel for a single input, but ravels a batch of one row too.
        '''
def forward(network, x):
    x = np.atleast_2d(x)
    z1 = sigmoid(np.dot(x, network["W1"]) + network["b1"])
    z2 = sigmoid(np.dot(z1, network["W2"]) + network["b2"])
    y = identity_function(np.dot(z2, network["W3"]) + network["b3"])
    return y[0] if len(y) == 1 else y
''',
    ],
    "batch_accuracy": [
        # Ignores batch_size: always batches of the lecture's 100 rows.
        '''
def batch_accuracy(network, x, t, batch_size=100):
    hits = 0
    for i in range(0, len(x), 100):
        hits += np.sum(np.argmax(predict(network, x[i:i + 100]), axis=1) == t[i:i + 100])
    return hits / len(x)
''',
    ],
}
