"""Reference solutions of 06_keras_mnist."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # before TensorFlow loads: keep its C++ log quiet

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

# The lecture's data tensors: the sizes of every axis after the samples axis (channels last).
EXAMPLE_AXES = {
    "people": (3,),                  # age, ZIP code, income
    "documents": (20000,),           # word counts over a 20,000-word dictionary
    "stock_prices": (390, 3),        # 390 minutes a day, 3 prices a minute
    "tweets": (280, 128),            # 280 characters, one-hot over 128 characters
    "images": (256, 256, 3),         # 256×256 colour images
    "video": (240, 144, 256, 3),     # 60 s at 4 frames per second, 144×256 colour frames
}


def tensor_facts(x):
    """Return ``(ndim, shape, dtype name)`` of a NumPy array or TensorFlow tensor ``x``.

    ndim is an int, shape a tuple of ints, dtype name a str such as 'uint8' or 'float32'.
    """
    return int(x.ndim), tuple(int(n) for n in x.shape), x.dtype.name


def example_shape(kind, samples):
    """Return the shape of the lecture's data tensor ``kind`` holding ``samples`` samples.

    kind: 'people', 'documents', 'stock_prices', 'tweets', 'images' or 'video'.
    The samples axis comes first; the other axes are the lecture's (channels last).
    """
    return (samples,) + EXAMPLE_AXES[kind]


def naive_relu(x):
    """Return relu of the 2D array ``x`` element by element, with loops (``x`` unchanged)."""
    assert len(x.shape) == 2
    x = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            x[i, j] = max(x[i, j], 0)
    return x


def naive_add(x, y):
    """Return ``x + y`` for two 2D arrays of the same shape, with loops."""
    assert len(x.shape) == 2
    assert x.shape == y.shape
    x = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            x[i, j] += y[i, j]
    return x


def naive_add_matrix_and_vector(x, y):
    """Return the 2D array ``x`` plus the 1D array ``y`` added to every row (broadcasting by hand)."""
    assert len(x.shape) == 2
    assert len(y.shape) == 1
    assert x.shape[1] == y.shape[0]
    x = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            x[i, j] += y[j]
    return x


def naive_vector_dot(x, y):
    """Return the dot product (a float) of two 1D arrays of the same length."""
    assert len(x.shape) == 1
    assert len(y.shape) == 1
    assert x.shape[0] == y.shape[0]
    z = 0.
    for i in range(x.shape[0]):
        z += x[i] * y[i]
    return z


def naive_matrix_vector_dot(x, y):
    """Return the 1D array ``x · y`` of a 2D array ``x`` (n, m) and a 1D array ``y`` (m,)."""
    assert len(x.shape) == 2
    assert len(y.shape) == 1
    assert x.shape[1] == y.shape[0]
    z = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        z[i] = naive_vector_dot(x[i, :], y)
    return z


def naive_matrix_dot(x, y):
    """Return the 2D array ``x · y`` of a 2D array ``x`` (n, m) and a 2D array ``y`` (m, k)."""
    assert len(x.shape) == 2
    assert len(y.shape) == 2
    assert x.shape[1] == y.shape[0]
    z = np.zeros((x.shape[0], y.shape[1]))
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            z[i, j] = naive_vector_dot(x[i, :], y[:, j])
    return z


def prepare_images(images):
    """Return the uint8 images (n, 28, 28) as float32 in [0, 1] of shape (n, 784) (``images`` unchanged)."""
    return images.reshape((len(images), 28 * 28)).astype("float32") / 255


def build_model():
    """Return the lecture's network: 784 inputs → Dense(512, relu) → Dense(10, softmax), compiled
    with rmsprop, sparse categorical cross-entropy and accuracy."""
    model = keras.Sequential([
        keras.Input(shape=(28 * 28,)),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def momentum_update(w, velocity, gradient, lr, momentum):
    """Return ``(new_w, new_velocity)`` of one SGD-with-momentum step (inputs unchanged).

    new_velocity = momentum * velocity - lr * gradient;  new_w = w + new_velocity.
    """
    new_velocity = momentum * velocity - lr * gradient
    return w + new_velocity, new_velocity


def train_step(model, optimizer, x, y):
    """Run one gradient step of ``model`` on the batch ``(x, y)`` (integer labels) with ``optimizer``.

    The loss is sparse categorical cross-entropy of the model's probabilities, averaged over
    the batch; returns it as a Python float (the loss before the update).
    """
    with tf.GradientTape() as tape:
        predictions = model(x, training=True)
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, predictions))
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    return float(loss)
