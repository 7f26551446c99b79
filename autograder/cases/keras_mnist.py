"""Hidden test cases of 06_keras_mnist.

No case trains on MNIST: the models are tiny or only built, so a submission grades in
seconds beyond TensorFlow's import. Every value handed to ``expect`` as ``actual`` is plain
data (see :func:`_plain`), and nothing here computes with what ``reference`` returns.
"""

import copy
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow loads: keep its C++ log quiet

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from autograder.hidden import call, expect, is_new_array, kind  # noqa: E402

# build_model returns a Keras model, which cannot travel to a judge process as data, so its
# expected facts are the course design's numbers, written out (the reference builds this model).
MODEL_SPEC = {
    "input_shape": (None, 784),
    "output_shape": (None, 10),
    "units": [512, 10],
    "activations": ["relu", "softmax"],
    "params": 784 * 512 + 512 + 512 * 10 + 10,
    "optimizer": "rmsprop",
    "loss": "sparse_categorical_crossentropy",
    "metrics": ["accuracy"],
}


def _plain(value):
    """Return a submitted value as plain data; an object of any other type becomes '<TypeName>'.

    The marker string then fails the comparison as a wrong type or value, so a TensorShape
    where a tuple was promised, or a tensor where a float was promised, counts as wrong.
    """
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, np.ndarray):
        return np.array(value.view(np.ndarray))
    if type(value) in (tuple, list):
        return type(value)(_plain(v) for v in value)
    return f"<{type(value).__name__}>"


def _raises_assertion(func, args) -> bool:
    """Call ``func`` on copies of ``args``; True when it raises AssertionError (and nothing else)."""
    try:
        func(*copy.deepcopy(args))
    except AssertionError:
        return True
    except Exception:  # noqa: BLE001 (any other outcome is the wrong behaviour)
        return False
    return False


def _same(submitted, reference, inputs, hint, **tolerance):
    for i, args in enumerate(inputs, 1):
        actual = _plain(call(submitted, *args))
        expect(reference(*copy.deepcopy(args)), actual, f"case {i} of {len(inputs)}", hint, **tolerance)


# ---------------------------------------------------------------- tensors

def test_tensor_facts(submitted, reference, rng):
    inputs = []
    for dtype in (np.uint8, np.float32, np.float64, np.int64, np.bool_, np.int32):
        shape = tuple(int(n) for n in rng.integers(1, 5, size=int(rng.integers(0, 6))))
        inputs.append(np.zeros(shape, dtype=dtype))
    for dtype in (tf.float32, tf.int32, tf.uint8):
        shape = tuple(int(n) for n in rng.integers(1, 5, size=int(rng.integers(0, 5))))
        inputs.append(tf.zeros(shape, dtype=dtype))
    inputs.append(tf.constant(float(rng.normal())))  # a rank-0 tensor
    for i, x in enumerate(inputs, 1):
        expect(reference(x), _plain(call(submitted, x, _copy=False)), f"case {i} of {len(inputs)}",
               "return (x.ndim, the shape as a tuple of ints, x.dtype.name); a TensorFlow tensor's "
               "shape is a TensorShape until you convert it with tuple(...)")


def test_example_shape(submitted, reference, rng):
    lecture = [("people", 100000), ("documents", 500), ("stock_prices", 250), ("tweets", 1000000),
               ("images", 128), ("video", 4)]
    kinds = [kind for kind, _ in lecture]
    randomized = [(str(kind), int(rng.integers(1, 10**6))) for kind in rng.permutation(kinds)]
    _same(submitted, reference, lecture + randomized,
          "samples come first, then the lecture's axes, channels last; a video has frames = seconds × fps")


# ---------------------------------------------------------------- naive tensor operations

def _matrix(rng, rows, cols):
    return rng.normal(scale=10.0 ** float(rng.integers(-2, 4)), size=(rows, cols))


def _check_naive(submitted, reference, valid, invalid, hint, assert_hint, **tolerance):
    """Compare on ``valid`` inputs (arguments left unchanged), then demand AssertionError on ``invalid``."""
    for i, args in enumerate(valid, 1):
        originals = copy.deepcopy(args)
        actual = _plain(call(submitted, *args, _copy=False))
        expect(reference(*copy.deepcopy(originals)), actual, f"case {i} of {len(valid)}", hint, **tolerance)
        unchanged = all(np.array_equal(a, o) for a, o in zip(args, originals))
        expect(True, unchanged, f"case {i} of {len(valid)}: the inputs must stay unchanged",
               "work on a copy (x = x.copy()) or a new array")
    for i, args in enumerate(invalid, 1):
        expect(True, _raises_assertion(submitted, args),
               f"mismatched-shape case {i} of {len(invalid)}: should raise AssertionError", assert_hint)


def _shapes(rng, count, low=1, high=7):
    return [tuple(int(n) for n in rng.integers(low, high, size=2)) for _ in range(count)]


def test_naive_relu(submitted, reference, rng):
    valid = [(_matrix(rng, r, c),) for r, c in _shapes(rng, 8)]
    valid.append((rng.integers(-9, 10, size=(3, 4)),))
    invalid = [(rng.normal(size=int(rng.integers(1, 6))),), (rng.normal(size=(2, 3, 4)),)]
    _check_naive(submitted, reference, valid, invalid, "max(x[i, j], 0) for every entry",
                 "the book's naive_relu starts with assert len(x.shape) == 2")


def test_naive_add(submitted, reference, rng):
    valid = []
    for r, c in _shapes(rng, 8):
        valid.append((_matrix(rng, r, c), _matrix(rng, r, c)))
    r, c = (int(n) for n in rng.integers(2, 6, size=2))
    invalid = [(rng.normal(size=(r, c)), rng.normal(size=(c + 1, r))),
               (rng.normal(size=(r, c)), rng.normal(size=(r, c + 1))),
               (rng.normal(size=(r, c)), rng.normal(size=(r + 1, c))),
               (rng.normal(size=c), rng.normal(size=c))]
    _check_naive(submitted, reference, valid, invalid, "x[i, j] + y[i, j] for every entry",
                 "assert len(x.shape) == 2 and assert x.shape == y.shape", rtol=1e-12)


def test_naive_add_matrix_and_vector(submitted, reference, rng):
    valid = []
    for r, c in _shapes(rng, 8):
        valid.append((_matrix(rng, r, c), rng.normal(size=c)))
    r, c = (int(n) for n in rng.integers(2, 6, size=2))
    invalid = [(rng.normal(size=(r, c)), rng.normal(size=c + 1)),
               (rng.normal(size=(r, c)), rng.normal(size=(1, c))),
               (rng.normal(size=c), rng.normal(size=c))]
    _check_naive(submitted, reference, valid, invalid, "x[i, j] + y[j]: the vector is added to every row",
                 "assert x is 2D, y is 1D and x.shape[1] == y.shape[0]", rtol=1e-12)


def test_naive_vector_dot(submitted, reference, rng):
    valid = [(rng.normal(size=n), rng.normal(size=n)) for n in rng.integers(1, 30, size=8)]
    valid += [(rng.integers(-9, 10, size=5), rng.integers(-9, 10, size=5)), (rng.normal(size=(6, 3))[:, 1], rng.normal(size=6))]
    for i, args in enumerate(valid[-2:], 1):
        expect("float", kind(call(submitted, *args)), f"integer or sliced vectors {i}: a float, as the instructions say",
               "start from z = 0. (a float), not z = 0")
    n = int(rng.integers(2, 10))
    invalid = [(rng.normal(size=n), rng.normal(size=n + 1)), (rng.normal(size=n + 2), rng.normal(size=n)),
               (rng.normal(size=(n, 2)), rng.normal(size=n))]
    _check_naive(submitted, reference, valid, invalid, "sum of x[i] * y[i], returned as a float",
                 "assert both are 1D and x.shape[0] == y.shape[0]", rtol=1e-9, atol=1e-9)


def test_naive_matrix_vector_dot(submitted, reference, rng):
    valid = [(rng.normal(size=(r, c)), rng.normal(size=c)) for r, c in _shapes(rng, 8)]
    valid.append((rng.normal(size=(1, 1)), rng.normal(size=1)))
    r, c = (int(n) for n in rng.integers(2, 6, size=2))
    invalid = [(rng.normal(size=(r, c)), rng.normal(size=c + 1)),
               (rng.normal(size=(r, c)), rng.normal(size=(c, 1))),
               (rng.normal(size=c), rng.normal(size=c))]
    _check_naive(submitted, reference, valid, invalid,
                 "a 1D array with one entry per row of x: z[i] = dot(x[i, :], y)",
                 "assert x is 2D, y is 1D and x.shape[1] == y.shape[0]", rtol=1e-9, atol=1e-9)


def test_naive_matrix_dot(submitted, reference, rng):
    valid = []
    for n, m, k in (tuple(int(v) for v in rng.integers(1, 7, size=3)) for _ in range(8)):
        valid.append((rng.normal(size=(n, m)), rng.normal(size=(m, k))))
    n, m, k = (int(v) for v in rng.integers(2, 6, size=3))
    invalid = [(rng.normal(size=(n, m)), rng.normal(size=(m + 1, k))),
               (rng.normal(size=(n, m)), rng.normal(size=m)),
               (rng.normal(size=m), rng.normal(size=(m, k)))]
    _check_naive(submitted, reference, valid, invalid,
                 "z has shape (x.shape[0], y.shape[1]); z[i, j] is the vector dot of row i of x and column j of y",
                 "assert both are 2D and x.shape[1] == y.shape[0]", rtol=1e-9, atol=1e-9)


# ---------------------------------------------------------------- the Keras network

def _array_or_none(value):
    value = _plain(value)
    return value if isinstance(value, np.ndarray) else None


def test_prepare_images(submitted, reference, rng):
    batches = [rng.integers(0, 256, size=(int(n), 28, 28)).astype(np.uint8) for n in rng.integers(1, 40, size=5)]
    batches.append(np.full((2, 28, 28), 255, dtype=np.uint8))
    batches.append(np.zeros((1, 28, 28), dtype=np.uint8))
    batches.append(rng.integers(0, int(rng.integers(60, 200)), size=(3, 28, 28)).astype(np.uint8))  # a dark batch
    batches.append(np.ascontiguousarray(rng.integers(0, 256, size=(28, 28, 2)).astype(np.uint8).transpose(2, 0, 1)).transpose(0, 2, 1))
    for i, images in enumerate(batches, 1):
        case = f"case {i} of {len(batches)}"
        original = images.copy()
        result = _array_or_none(call(submitted, images, _copy=False))
        ok = result is not None
        expect((len(images), 784), tuple(int(n) for n in result.shape) if ok else None,
               f"{case}: shape", "return a NumPy array of shape (number of images, 28 * 28)")
        expect("float32", result.dtype.name if ok else None, f"{case}: dtype", "use .astype('float32')")
        in_range = ok and bool(np.all((result >= 0) & (result <= 1)))
        expect(True, in_range, f"{case}: values in [0, 1]", "divide the pixel values (0–255) by 255")
        expect(reference(original.copy()), result, f"{case}: values",
               "pixel / 255, in the original order: always 255, not the largest pixel of the batch",
               rtol=1e-6, atol=1e-7)
        expect(True, is_new_array(result, images), f"{case}: returns a new array", "reshape(...).astype('float32') / 255")
        expect(True, bool(np.array_equal(images, original)), f"{case}: the input must stay unchanged",
               "reshape and astype give new arrays; do not write into images")


def _loss_name(loss):
    try:
        loss = keras.losses.get(loss) if isinstance(loss, str) else loss
        return str(getattr(loss, "name", None) or getattr(loss, "__name__"))
    except Exception:  # noqa: BLE001
        return f"<{type(loss).__name__}>"


# Every way of asking Keras for the accuracy of integer labels against probabilities.
_ACCURACY_NAMES = {"accuracy", "acc", "sparse_categorical_accuracy"}


def _metric_name(metric):
    """'accuracy' for any spelling of sparse categorical accuracy (a name, a function or an object), else a marker."""
    if isinstance(metric, str):
        return "accuracy" if metric in _ACCURACY_NAMES else metric
    if isinstance(metric, dict):  # how get_compile_config() serializes a metric object or function
        class_name, config = metric.get("class_name"), metric.get("config")
        if class_name == "SparseCategoricalAccuracy":
            return "accuracy"
        if class_name == "function" and config in _ACCURACY_NAMES:
            return "accuracy"
        return f"<{class_name}>"
    if type(metric).__name__ == "SparseCategoricalAccuracy":
        return "accuracy"
    if callable(metric) and getattr(metric, "__name__", None) in _ACCURACY_NAMES:
        return "accuracy"
    return f"<{type(metric).__name__}>"


def _metric_names(config):
    metrics = config.get("metrics") or []
    if not isinstance(metrics, (list, tuple)):
        metrics = [metrics]
    return [_metric_name(m) for m in metrics]


def _model_facts(model):
    """Return the model's architecture and compile settings as plain data (a marker where missing)."""
    def attempt(fact):
        try:
            return _plain(fact())
        except Exception:  # noqa: BLE001 (a missing part is reported as a wrong value)
            return "<missing>"

    return {
        "input_shape": attempt(lambda: tuple(model.input_shape)),
        "output_shape": attempt(lambda: tuple(model.output_shape)),
        "units": attempt(lambda: [getattr(layer, "units", type(layer).__name__) for layer in model.layers]),
        "activations": attempt(lambda: [getattr(getattr(layer, "activation", None), "__name__", type(layer).__name__)
                                        for layer in model.layers]),
        "params": attempt(lambda: int(model.count_params())),
        "optimizer": attempt(lambda: type(model.optimizer).__name__.lower()),
        "loss": attempt(lambda: _loss_name(model.loss)),
        "metrics": attempt(lambda: _metric_names(model.get_compile_config())),
        "learning_rate": attempt(lambda: float(np.asarray(model.optimizer.learning_rate))),
    }


def _loss_is_cross_entropy_of_probabilities(model, rng) -> bool:
    """True when the compiled loss equals -mean(log p[label]) of the model's own outputs on a random batch."""
    try:
        x = rng.random((6, 784)).astype(np.float32)
        y = np.array([0, 1, 2, 3, 9, 5])
        probabilities = np.asarray(model(x), dtype=np.float64)
        manual = -np.mean(np.log(probabilities[np.arange(len(y)), y]))
        compiled = float(model.compute_loss(x=x, y=y, y_pred=model(x)))
        return bool(np.isclose(compiled, manual, rtol=1e-4, atol=1e-5))
    except Exception:  # noqa: BLE001
        return False


def test_build_model(submitted, reference, rng):
    model = call(submitted)
    facts = _model_facts(model)
    hints = {
        "input_shape": "start with keras.Input(shape=(28 * 28,))",
        "output_shape": "the last layer has 10 units, one per digit",
        "units": "Dense(512) then Dense(10), nothing else",
        "activations": "activation='relu' on the hidden layer, 'softmax' on the output layer",
        "params": "784 inputs → 512 → 10 has 407,050 weights and biases",
        "optimizer": "compile(optimizer='rmsprop', ...)",
        "loss": "integer labels need loss='sparse_categorical_crossentropy'",
        "metrics": "metrics=['accuracy']",
    }
    for key, expected in MODEL_SPEC.items():
        expect(expected, facts[key], f"the model's {key.replace('_', ' ')}", hints[key])
    expect(0.001, facts["learning_rate"], "the optimizer keeps rmsprop's default learning rate, as the instructions say",
           "optimizer='rmsprop' (or keras.optimizers.RMSprop() without a learning_rate)", rtol=1e-6)
    expect(True, _loss_is_cross_entropy_of_probabilities(model, rng), "the compiled loss on a batch",
           "the model outputs probabilities (softmax), so keep from_logits=False")


# ---------------------------------------------------------------- optimization

def _momentum_run(submitted, reference, rng, label, w, shape, steps):
    lr, momentum = float(rng.uniform(0.001, 0.5)), float(rng.uniform(0.0, 0.99))
    velocity = np.zeros(shape) if shape else 0.0
    for step in range(1, steps + 1):
        gradient = rng.normal(size=shape) if shape else float(rng.normal())
        inputs = (w, velocity, gradient, lr, momentum)
        originals = copy.deepcopy(inputs)
        result = _plain(call(submitted, *inputs, _copy=False))
        expect(reference(*copy.deepcopy(originals)), result, f"{label}, step {step}: (new_w, new_velocity)",
               "new_velocity = momentum * velocity - lr * gradient, then new_w = w + new_velocity",
               rtol=1e-9, atol=1e-12)
        unchanged = all(np.array_equal(a, o) for a, o in zip(inputs, originals))
        expect(True, unchanged, f"{label}, step {step}: the inputs must stay unchanged",
               "compute new arrays; w += ... changes the caller's array")
        w, velocity = result  # matches the expected pair, or the expect above has failed


def test_momentum_update(submitted, reference, rng):
    _momentum_run(submitted, reference, rng, "scalars", float(rng.normal(scale=3)), None, 6)
    for i in range(3):
        shape = tuple(int(n) for n in rng.integers(1, 6, size=int(rng.integers(1, 3))))
        _momentum_run(submitted, reference, rng, f"arrays {i + 1}", rng.normal(size=shape), shape, 6)


def _tiny_model(weights):
    n_in, n_hidden = weights[0].shape
    model = keras.Sequential([keras.Input(shape=(n_in,)), keras.layers.Dense(n_hidden, activation="relu"),
                              keras.layers.Dense(weights[2].shape[1], activation="softmax")])
    model.set_weights(weights)
    return model


def _train_run(submitted, reference, rng, label, make_optimizer, steps):
    n_in, n_hidden, n_out, batch = (int(n) for n in rng.integers([3, 4, 2, 4], [9, 17, 6, 17]))
    weights = [rng.normal(scale=0.5, size=(n_in, n_hidden)).astype(np.float32),
               rng.normal(scale=0.1, size=n_hidden).astype(np.float32),
               rng.normal(scale=0.5, size=(n_hidden, n_out)).astype(np.float32),
               np.zeros(n_out, dtype=np.float32)]
    x = rng.normal(size=(batch, n_in)).astype(np.float32)
    y = rng.integers(0, n_out, size=batch)
    student_model, reference_model = _tiny_model(weights), _tiny_model(weights)
    student_optimizer, reference_optimizer = make_optimizer(), make_optimizer()
    losses = []
    for step in range(1, steps + 1):
        loss = _plain(call(submitted, student_model, student_optimizer, x, y, _copy=False))
        expect(reference(reference_model, reference_optimizer, x, y), loss, f"{label}, step {step}: the returned loss",
               "the mean sparse categorical cross-entropy of model(x) (probabilities, from_logits=False), "
               "returned as float(loss); then optimizer.apply_gradients(zip(grads, model.trainable_variables))",
               rtol=1e-4, atol=1e-6)
        losses.append(loss)
    expect(True, bool(losses[-1] < losses[0]), f"{label}: the loss goes down over {steps} steps",
           "each step must move the weights against the gradient")


def test_train_step(submitted, reference, rng):
    _train_run(submitted, reference, rng, "plain SGD", lambda: keras.optimizers.SGD(learning_rate=0.5), 5)
    _train_run(submitted, reference, rng, "SGD with momentum",
               lambda: keras.optimizers.SGD(learning_rate=0.1, momentum=0.9), 5)
