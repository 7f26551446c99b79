"""Typical beginner mistakes in 05_backpropagation, each one caught by its hidden tests."""

MISTAKES = {
    # Multiplies dout by the same input instead of the other one (forgets to swap).
    "MulLayer": '''
class MulLayer:
    def __init__(self):
        self.x = None
        self.y = None

    def forward(self, x, y):
        self.x = x
        self.y = y
        return x * y

    def backward(self, dout):
        return dout * self.x, dout * self.y
''',
    # Thinks an addition node splits the gradient between its two inputs.
    "AddLayer": '''
class AddLayer:
    def __init__(self):
        pass

    def forward(self, x, y):
        return x + y

    def backward(self, dout):
        return dout / 2, dout / 2
''',
    # Forgets x.copy(): zeroes the caller's array in place.
    "Relu": '''
class Relu:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        self.mask = (x <= 0)
        x[self.mask] = 0
        return x

    def backward(self, dout):
        dout[self.mask] = 0
        return dout
''',
    # Uses the input x in the derivative instead of the output y: dy/dx = y(1 - y), not x(1 - x).
    "Sigmoid": '''
class Sigmoid:
    def __init__(self):
        self.out = None
        self.x = None

    def forward(self, x):
        self.x = x
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        return dout * (1.0 - self.x) * self.x
''',
    # db without the sum over the batch: one bias gradient per sample.
    "Affine": '''
class Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b
        self.x = None
        self.original_x_shape = None
        self.dW = None
        self.db = None

    def forward(self, x):
        self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return np.dot(self.x, self.W) + self.b

    def backward(self, dout):
        dx = np.dot(dout, self.W.T)
        self.dW = np.dot(self.x.T, dout)
        self.db = dout
        return dx.reshape(*self.original_x_shape)
''',
    # Does not divide by the batch size: the gradient of the summed loss, not of the mean.
    "SoftmaxWithLoss": '''
class SoftmaxWithLoss:
    def __init__(self):
        self.loss = None
        self.y = None
        self.t = None

    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)
        self.loss = cross_entropy_error(self.y, self.t)
        return self.loss

    def backward(self, dout=1):
        if self.t.size == self.y.size:
            return self.y - self.t
        dx = self.y.copy()
        dx[np.arange(self.t.shape[0]), self.t] -= 1
        return dx
''',
    # Backward visits the layers in forward order instead of reversing them.
    "TwoLayerNet": '''
from collections import OrderedDict


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {}
        self.params["W1"] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params["b1"] = np.zeros(hidden_size)
        self.params["W2"] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params["b2"] = np.zeros(output_size)
        self.layers = OrderedDict()
        self.layers["Affine1"] = Affine(self.params["W1"], self.params["b1"])
        self.layers["Relu1"] = Relu()
        self.layers["Affine2"] = Affine(self.params["W2"], self.params["b2"])
        self.lastLayer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        return self.lastLayer.forward(self.predict(x), t)

    def accuracy(self, x, t):
        y = np.argmax(self.predict(x), axis=1)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        return np.sum(y == t) / float(x.shape[0])

    def numerical_gradient(self, x, t):
        loss_W = lambda W: self.loss(x, t)
        return {key: numerical_gradient(loss_W, self.params[key]) for key in ("W1", "b1", "W2", "b2")}

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.lastLayer.backward(1)
        for layer in self.layers.values():
            dout = layer.backward(dout)
        return {"W1": self.layers["Affine1"].dW, "b1": self.layers["Affine1"].db,
                "W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db}
''',
}

# The demo's `beginner` hands these in and gets the other exercises right.
BEGINNER = ["AddLayer", "Sigmoid"]

# Further plausible mistakes, each passing the visible checks; tests/test_hidden_tests.py proves
# that the hidden tests catch every one.
MORE_MISTAKES = {
    "MulLayer": [
        # Remembers the inputs of the first forward only.
        '''
class MulLayer:
    def __init__(self):
        self.x = None
        self.y = None

    def forward(self, x, y):
        if self.x is None:
            self.x, self.y = x, y
        return x * y

    def backward(self, dout):
        return dout * self.y, dout * self.x
''',
    ],
    "Relu": [
        # Keeps the mask of the first call.
        '''
class Relu:
    def __init__(self):
        self.mask = None

    def forward(self, x):
        if self.mask is None or self.mask.shape != x.shape:
            self.mask = (x <= 0)
        out = x.copy()
        out[self.mask] = 0
        return out

    def backward(self, dout):
        dout[self.mask] = 0
        return dout
''',
    ],
    "Sigmoid": [
        # Turns self.out into the derivative during backward: a second backward is wrong.
        '''
class Sigmoid:
    def __init__(self):
        self.out = None

    def forward(self, x):
        self.out = 1 / (1 + np.exp(-x))
        return self.out

    def backward(self, dout):
        self.out *= (1.0 - self.out)
        return dout * self.out
''',
    ],
    "Affine": [
        # Remembers the shape of x from the first call only.
        '''
class Affine:
    def __init__(self, W, b):
        self.W = W
        self.b = b
        self.x = None
        self.original_x_shape = None
        self.dW = None
        self.db = None

    def forward(self, x):
        if self.original_x_shape is None:
            self.original_x_shape = x.shape
        self.x = x.reshape(x.shape[0], -1)
        return np.dot(self.x, self.W) + self.b

    def backward(self, dout):
        dx = np.dot(dout, self.W.T)
        self.dW = np.dot(self.x.T, dout)
        self.db = np.sum(dout, axis=0)
        return dx.reshape(*self.original_x_shape)
''',
    ],
    "SoftmaxWithLoss": [
        # Subtracts 1 at the labels in self.y itself: the second backward is wrong.
        '''
class SoftmaxWithLoss:
    def __init__(self):
        self.loss = None
        self.y = None
        self.t = None

    def forward(self, x, t):
        self.t = t
        self.y = softmax(x)
        self.loss = cross_entropy_error(self.y, self.t)
        return self.loss

    def backward(self, dout=1):
        batch_size = self.t.shape[0]
        if self.t.size == self.y.size:
            return (self.y - self.t) / batch_size
        dx = self.y
        dx[np.arange(batch_size), self.t] -= 1
        return dx / batch_size
''',
    ],
    "TwoLayerNet": [
        # params is a class attribute: every net shares (and overwrites) the same arrays.
        '''
class TwoLayerNet:
    params = {}

    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        W1 = weight_init_std * np.random.randn(input_size, hidden_size)
        W2 = weight_init_std * np.random.randn(hidden_size, output_size)
        if not self.params or self.params["W1"].shape != W1.shape:
            self.params.update(W1=W1, b1=np.zeros(hidden_size), W2=W2, b2=np.zeros(output_size))
        else:
            self.params["W1"][...] = W1
            self.params["W2"][...] = W2
            self.params["b1"][...] = 0
            self.params["b2"][...] = 0
        self.layers = OrderedDict()
        self.layers["Affine1"] = Affine(self.params["W1"], self.params["b1"])
        self.layers["Relu1"] = Relu()
        self.layers["Affine2"] = Affine(self.params["W2"], self.params["b2"])
        self.lastLayer = SoftmaxWithLoss()

    def predict(self, x):
        for layer in self.layers.values():
            x = layer.forward(x)
        return x

    def loss(self, x, t):
        return self.lastLayer.forward(self.predict(x), t)

    def accuracy(self, x, t):
        y = np.argmax(self.predict(x), axis=1)
        if t.ndim != 1:
            t = np.argmax(t, axis=1)
        return np.sum(y == t) / float(x.shape[0])

    def numerical_gradient(self, x, t):
        loss_W = lambda W: self.loss(x, t)
        return {key: numerical_gradient(loss_W, self.params[key]) for key in ("W1", "b1", "W2", "b2")}

    def gradient(self, x, t):
        self.loss(x, t)
        dout = self.lastLayer.backward(1)
        for layer in reversed(list(self.layers.values())):
            dout = layer.backward(dout)
        return {"W1": self.layers["Affine1"].dW, "b1": self.layers["Affine1"].db,
                "W2": self.layers["Affine2"].dW, "b2": self.layers["Affine2"].db}
''',
    ],
}
