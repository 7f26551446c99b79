"""06_keras_mnist beyond the generic tests: every further plausible mistake is caught too."""

import pytest

from autograder import hidden
from autograder.mistakes.keras_mnist import MISTAKES, MORE_MISTAKES
from test_hidden_tests import define

EXTRA = [(name, i, code) for name, codes in MORE_MISTAKES.items() for i, code in enumerate(codes)]


def test_more_mistakes_name_graded_functions():
    assert set(MORE_MISTAKES) <= set(MISTAKES)


@pytest.mark.parametrize("name,index,code", EXTRA, ids=[f"{name}-{i}" for name, i, _ in EXTRA])
def test_further_mistake_is_caught(name, index, code):
    with pytest.raises(hidden.HiddenTestFailed) as info:
        hidden.check("keras_mnist", name, define(code, name, "keras_mnist"))
    assert name in str(info.value)
