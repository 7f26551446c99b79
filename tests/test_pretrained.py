"""course.pretrained: the shipped MNIST weights load, have the lecture's shapes and reach the recorded accuracy
(bad copies: test_verified_files.py)."""

import numpy as np

from autograder.reference.forward_propagation import batch_accuracy
from course import pretrained
from course.datasets import load_mnist


def test_weights_load_with_the_lecture_shapes():
    network = pretrained.load_sample_weights()
    assert set(network) == {"W1", "b1", "W2", "b2", "W3", "b3"}
    for name, shape in {"W1": (784, 50), "b1": (50,), "W2": (50, 100), "b2": (100,),
                        "W3": (100, 10), "b3": (10,)}.items():
        assert network[name].shape == shape, name
        assert network[name].dtype.kind == "f" and np.all(np.isfinite(network[name])), name


def test_each_load_returns_fresh_arrays():
    first = pretrained.load_sample_weights()
    first["W1"][...] = 0.0
    assert np.any(pretrained.load_sample_weights()["W1"] != 0.0)


def test_accuracy_on_the_full_test_set():
    _, (x_test, t_test) = load_mnist(normalize=True, flatten=True, one_hot_label=False)
    accuracy = batch_accuracy(pretrained.load_sample_weights(), x_test, t_test)
    assert len(x_test) == 10000 and accuracy >= 0.93, f"test accuracy {accuracy:.4f} < 0.93"
    # The figure course/data/README.md records.
    assert f"**{accuracy:.4f}**" in (pretrained.PATH.parent / "README.md").read_text()
