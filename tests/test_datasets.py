"""course.datasets: the vendored MNIST loads and is verified (bad copies: test_verified_files.py)."""

import hashlib
import shutil

import numpy as np
import pytest

from course import datasets

# From ../shared/data/README.md: sha256 of each array's raw bytes.
ARRAY_SHA256 = {
    "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
    "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
    "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
    "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
}


def test_load_data_matches_the_published_checksums():
    (x_train, y_train), (x_test, y_test) = datasets.load_data()
    for name, array in dict(x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test).items():
        assert array.dtype == np.uint8
        assert array.shape == datasets.SHAPES[name]
        assert hashlib.sha256(array.tobytes()).hexdigest() == ARRAY_SHA256[name], name
    assert y_train[:3].tolist() == [5, 0, 4]


def test_load_data_returns_fresh_copies():
    (x_train, _), _ = datasets.load_data()
    x_train[0] = 255
    (again, _), _ = datasets.load_data()
    assert not np.all(again[0] == 255), "an edit to one result leaked into the next load"


def test_load_mnist_lecture_defaults():
    (x_train, t_train), (x_test, t_test) = datasets.load_mnist()
    assert x_train.shape == (60000, 784) and x_test.shape == (10000, 784)
    assert x_train.dtype == np.float32 and 0.0 <= x_train.min() and x_train.max() == 1.0
    assert t_train.shape == (60000,) and t_train[0] == 5


def test_load_mnist_options():
    (x_train, t_train), (x_test, t_test) = datasets.load_mnist(normalize=False, flatten=False, one_hot_label=True)
    assert x_train.shape == (60000, 1, 28, 28) and x_train.dtype == np.uint8 and x_train.max() == 255
    assert t_test.shape == (10000, 10) and np.all(t_test.sum(axis=1) == 1)
    (_, labels), _ = datasets.load_mnist()
    assert np.array_equal(t_train.argmax(axis=1), labels)


def test_prepared_images_are_handed_out_once(monkeypatch):
    """A warm template's kernels: the first load_mnist takes the float images made ahead, equal to fresh ones;
    no other call gets them again."""
    monkeypatch.setattr(datasets, "_prepared", {})
    (fresh, _), _ = datasets.load_mnist()
    datasets.prepare()
    (first, _), (first_test, _) = datasets.load_mnist()
    (second, _), _ = datasets.load_mnist(flatten=False)
    assert first.dtype == fresh.dtype == np.float32 and first.flags.writeable and np.array_equal(first, fresh)
    assert first_test.shape == (10000, 784) and second.shape == (60000, 1, 28, 28)
    assert not np.shares_memory(first, second) and not np.shares_memory(first, fresh), \
        "prepared images were handed out twice"
    assert datasets._prepared == {}


@pytest.fixture
def other_copy(tmp_path, monkeypatch):
    copy = tmp_path / "mnist.npz"
    shutil.copy(datasets.DEFAULT_PATH, copy)
    monkeypatch.setenv(datasets.ENV_VAR, str(copy))
    return copy


def test_environment_variable_points_at_another_copy(other_copy):
    assert datasets.mnist_path() == other_copy
    (x_train, _), _ = datasets.load_data()
    assert x_train.shape == (60000, 28, 28)
