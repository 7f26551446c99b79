"""Typical mistakes in 06_keras_mnist, each one caught by its hidden tests.

``MISTAKES`` has one wrong answer per graded name (the generic tests and the demo use it);
``MORE_MISTAKES`` lists further plausible wrong answers that ``tests/test_keras_mnist.py``
proves are caught as well.
"""

MISTAKES = {
    # Works on NumPy arrays, not on TensorFlow tensors: their shape is a TensorShape and
    # str(tf.float32) is "<dtype: 'float32'>".
    "tensor_facts": '''
def tensor_facts(x):
    return x.ndim, x.shape, str(x.dtype)
''',
    # Counts seconds instead of frames: a 60 s clip at 4 frames per second has 240 frames.
    "example_shape": '''
def example_shape(kind, samples):
    axes = {"people": (3,), "documents": (20000,), "stock_prices": (390, 3), "tweets": (280, 128),
            "images": (256, 256, 3), "video": (60, 144, 256, 3)}
    return (samples,) + axes[kind]
''',
    # Forgets x = x.copy(): the caller's array is overwritten.
    "naive_relu": '''
def naive_relu(x):
    assert len(x.shape) == 2
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            x[i, j] = max(x[i, j], 0)
    return x
''',
    # Leaves out assert x.shape == y.shape: mismatched shapes give an IndexError or a silent result.
    "naive_add": '''
def naive_add(x, y):
    assert len(x.shape) == 2
    x = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            x[i, j] += y[i, j]
    return x
''',
    # Indexes the vector by the row instead of the column.
    "naive_add_matrix_and_vector": '''
def naive_add_matrix_and_vector(x, y):
    assert len(x.shape) == 2
    assert len(y.shape) == 1
    assert x.shape[1] == y.shape[0]
    x = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            x[i, j] += y[i]
    return x
''',
    # Assigns instead of accumulating: returns only the last product.
    "naive_vector_dot": '''
def naive_vector_dot(x, y):
    assert len(x.shape) == 1
    assert len(y.shape) == 1
    assert x.shape[0] == y.shape[0]
    z = 0.
    for i in range(x.shape[0]):
        z = x[i] * y[i]
    return z
''',
    # One output entry per column of x instead of per row.
    "naive_matrix_vector_dot": '''
def naive_matrix_vector_dot(x, y):
    assert len(x.shape) == 2
    assert len(y.shape) == 1
    assert x.shape[1] == y.shape[0]
    z = np.zeros(x.shape[1])
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            z[j] += x[i, j] * y[j]
    return z
''',
    # The blog notebook's version, with only its np.zeros call repaired: it calls itself on a
    # row and a column (1D arrays) instead of naive_vector_dot, so its own assert fails.
    "naive_matrix_dot": '''
def naive_matrix_dot(x, y):
    assert len(x.shape) == 2
    assert len(y.shape) == 2
    assert x.shape[1] == y.shape[0]

    z = np.zeros((x.shape[0], y.shape[1]))
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            row_x = x[i, :]
            column_y = y[:, j]
            z[i, j] = naive_matrix_dot(row_x, column_y)
    return z
''',
    # Forgets to scale: float32, but pixel values stay in 0..255.
    "prepare_images": '''
def prepare_images(images):
    return images.reshape((len(images), 28 * 28)).astype("float32")
''',
    # The slides' loss with integer labels: categorical cross-entropy wants one-hot labels.
    "build_model": '''
import keras

def build_model():
    model = keras.Sequential([
        keras.Input(shape=(28 * 28,)),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="rmsprop", loss="categorical_crossentropy", metrics=["accuracy"])
    return model
''',
    # The blog notebook's update line: the gradient step is applied on top of the velocity.
    "momentum_update": '''
def momentum_update(w, velocity, gradient, lr, momentum):
    new_velocity = momentum * velocity - lr * gradient
    new_w = w + momentum * new_velocity - lr * gradient
    return new_w, new_velocity
''',
    # The review lecture's train_step as printed: it returns the loss tensor, not a float. (Its
    # from_logits=True on a softmax output is rescued by Keras 3, which spots the softmax and warns.)
    "train_step": '''
import keras
import tensorflow as tf

def train_step(model, optimizer, x, y):
    with tf.GradientTape() as tape:
        predictions = model(x)
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, predictions, from_logits=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss
''',
}

MORE_MISTAKES = {
    # Reports the number of items along the first axis as the rank.
    "tensor_facts": ['''
def tensor_facts(x):
    return len(x), tuple(x.shape), x.dtype.name
'''],
    # Puts the tweet's alphabet before its characters.
    "example_shape": ['''
def example_shape(kind, samples):
    axes = {"people": (3,), "documents": (20000,), "stock_prices": (390, 3), "tweets": (128, 280),
            "images": (256, 256, 3), "video": (240, 144, 256, 3)}
    return (samples,) + axes[kind]
'''],
    # NumPy instead of loops, without the book's rank check.
    "naive_relu": ['''
def naive_relu(x):
    return np.maximum(x, 0.)
'''],
    # The blog notebook's x.copy(0), which NumPy reads as order=0 and rejects.
    "naive_add": ['''
def naive_add(x, y):
    assert len(x.shape) == 2
    assert x.shape == y.shape
    x = x.copy(0)
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            x[i, j] += y[i, j]
    return x
'''],
    # Without the asserts, a too-long vector is silently cut short.
    "naive_add_matrix_and_vector": ['''
def naive_add_matrix_and_vector(x, y):
    x = x.copy()
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            x[i, j] += y[j]
    return x
'''],
    # Without the length check, a longer y is silently cut short.
    "naive_vector_dot": ['''
def naive_vector_dot(x, y):
    z = 0.
    for i in range(x.shape[0]):
        z += x[i] * y[i]
    return z
'''],
    # NumPy's np.dot instead of loops: right values, but mismatched shapes raise ValueError, not AssertionError.
    "naive_matrix_vector_dot": ['''
def naive_matrix_vector_dot(x, y):
    return np.dot(x, y)
'''],
    # The blog notebook's version exactly as published: np.zeros(x.shape[0, y.shape[1]]) fails first.
    "naive_matrix_dot": ['''
def naive_matrix_dot(x, y):
    assert len(x.shape) == 2
    assert len(y.shape) == 2
    assert x.shape[1] == y.shape[0]

    z = np.zeros(x.shape[0, y.shape[1]])
    for i in range(x.shape[0]):
        for j in range(y.shape[1]):
            row_x = x[i, :]
            column_y = y[:, j]
            z[i, j] = naive_matrix_dot(row_x, column_y)
    return z
'''],
    # Scales but forgets float32 (uint8 / 255 is float64), and keeps the 28×28 shape.
    "prepare_images": ['''
def prepare_images(images):
    return images.reshape((len(images), 28 * 28)) / 255
''', '''
def prepare_images(images):
    return images.astype("float32") / 255
'''],
    # The blog's binary cross-entropy; and a sigmoid hidden layer.
    "build_model": ['''
import keras

def build_model():
    model = keras.Sequential([
        keras.Input(shape=(28 * 28,)),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
    return model
''', '''
import keras

def build_model():
    model = keras.Sequential([
        keras.Input(shape=(28 * 28,)),
        keras.layers.Dense(512, activation="sigmoid"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
'''],
    # Updates w in place; and one that forgets the momentum term.
    "momentum_update": ['''
def momentum_update(w, velocity, gradient, lr, momentum):
    velocity = momentum * velocity - lr * gradient
    w += velocity
    return w, velocity
''', '''
def momentum_update(w, velocity, gradient, lr, momentum):
    return w - lr * gradient, -lr * gradient
'''],
    # Right loss but returned as a tensor; and one that never applies the gradients.
    "train_step": ['''
import keras
import tensorflow as tf

def train_step(model, optimizer, x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, model(x)))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss
''', '''
import keras
import tensorflow as tf

def train_step(model, optimizer, x, y):
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, model(x)))
    tape.gradient(loss, model.trainable_variables)
    return float(loss)
'''],
}

# The demo's `beginner` hands these in and gets the other exercises right.
BEGINNER = ["naive_matrix_dot", "prepare_images", "train_step"]

# Mistakes of the kinds issue 12 lists: settings the lesson fixes, edge inputs, types.
MORE_MISTAKES["prepare_images"].append('''
def prepare_images(images):
    # Scales by the brightest pixel of the batch instead of by 255.
    x = images.reshape((len(images), 28 * 28)).astype("float32")
    return x / max(float(x.max()), 1.0)
''')
MORE_MISTAKES["build_model"].append('''
def build_model():
    # A "faster" learning rate than the lecture's rmsprop.
    model = keras.Sequential([
        keras.Input(shape=(28 * 28,)),
        keras.layers.Dense(512, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model
''')
MORE_MISTAKES["naive_vector_dot"].append('''
def naive_vector_dot(x, y):
    # Starts from the int 0: integer vectors give an int, not the float the exercise asks for.
    assert len(x.shape) == 1
    assert len(y.shape) == 1
    assert x.shape[0] == y.shape[0]
    z = 0
    for i in range(x.shape[0]):
        z += x[i] * y[i]
    return z
''')
