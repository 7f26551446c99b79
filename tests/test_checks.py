"""The visible checks' messages (course.checks, course.compare): the student's own line for an exception,
a short summary of a differing array, every case run and counted, and nothing revealed in the hidden form."""

from __future__ import annotations

import linecache
import re

import numpy as np
import pytest

from course.checks import CheckFailed, check_cases, check_true, where_in_student_code
from course.compare import AROUND, mismatch


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.delenv("COURSE_LANG", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)


def cell_function(source: str, filename: str, name: str):
    """Define ``name`` from ``source`` as if a notebook cell compiled as ``filename`` defined it."""
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    namespace = {}
    exec(compile(source, filename, "exec"), namespace)
    return namespace[name]


def failure(func, cases, **kwargs) -> str:
    with pytest.raises(CheckFailed) as caught:
        check_cases(func, cases, **kwargs)
    return str(caught.value)


DOT = "import numpy as np\n\ndef dot(a, b):\n    c = a * 2\n    return np.dot(c, b)\n"


@pytest.mark.parametrize("filename, label", [("/tmp/ipykernel_4242/2716135432.py", "in your cell, line 5"),
                                             ("<ipython-input-7-0a1b2c3d>", "in your cell [7], line 5")])
def test_an_exception_in_numpy_points_at_the_students_own_line(filename, label):
    dot = cell_function(DOT, filename, "dot")
    text = failure(dot, [{"name": "matrices", "input": (np.ones((2, 3)), np.ones((2, 3))),
                          "expected": np.ones((2, 2))}])
    assert "case 'matrices': dot raised ValueError: shapes (2,3) and (2,3) not aligned" in text
    assert f"{label}: return np.dot(c, b)" in text
    assert "numpy" not in text.split("not aligned")[1], "the place must be the student's line, not NumPy's"


def test_ipykernels_own_map_gives_the_cell_number(monkeypatch):
    filename = "/tmp/ipykernel_99/123.py"
    dot = cell_function(DOT, filename, "dot")

    class Shell:
        class compile:
            _filename_map = {filename: 12}

    monkeypatch.setattr("IPython.get_ipython", lambda: Shell())
    try:
        dot(np.ones((2, 3)), np.ones((2, 3)))
    except ValueError as exc:
        assert where_in_student_code(exc.__traceback__) == "in your cell [12], line 5: return np.dot(c, b)"


def test_outside_a_notebook_the_innermost_own_file_is_named():
    def broken(x):
        return np.linalg.inv(x)  # singular: raises inside NumPy

    text = failure(broken, [{"name": "singular", "input": (np.zeros((2, 2)),), "expected": np.zeros((2, 2))}])
    assert "in test_checks.py, line" in text and "return np.linalg.inv(x)" in text


def test_every_case_runs_and_the_report_counts_them():
    seen = []

    def add(a, b):
        seen.append((a, b))
        return a + b if a >= 0 else a - b

    text = failure(add, [
        {"name": "positive", "input": (1, 2), "expected": 3},
        {"name": "first negative", "input": (-1, 2), "expected": 1, "hint": "no special case for negatives"},
        {"name": "zero", "input": (0, 0), "expected": 0},
        {"name": "both negative", "input": (-1, -2), "expected": -3},
    ])
    assert len(seen) == 4, "every visible case must run, not only those before the first failure"
    lines = text.splitlines()
    assert lines[0] == "add: 2 of 4 visible checks passed."
    assert "  - case 'first negative': wrong value: expected 1, got -3" in lines
    assert "    Hint: no special case for negatives" in lines
    assert "  - case 'both negative': wrong value: expected -3, got 1" in lines
    assert "positive" not in text and "'zero'" not in text


def test_all_passing_prints_one_green_line(capsys):
    check_cases(abs, [{"name": "negative", "input": (-2,), "expected": 2},
                      {"name": "zero", "input": (0,), "expected": 0}])
    assert "abs: all 2 visible checks passed." in capsys.readouterr().out


def test_an_unfinished_exercise_says_so_once():
    def todo(x):
        raise NotImplementedError()

    text = failure(todo, [{"name": "a", "input": (1,), "expected": 1}, {"name": "b", "input": (2,), "expected": 2}])
    assert text == "todo is not implemented yet: replace `raise NotImplementedError()` with your code."


def test_a_large_array_is_summarised_not_dumped():
    expected = np.linspace(0, 1, 60000, dtype=np.float32).reshape(60, 1000)
    actual = expected.copy()
    actual[3, 500] += 0.25
    actual[40, 7] -= 2.0
    text = failure(lambda x: actual, [{"name": "images", "input": (0,), "expected": expected}])
    assert len(text.splitlines()) <= 12, text
    assert "shape (60, 1000): 2 of 60000 values differ, the first at index (3, 500)" in text
    assert "largest absolute error 2," in text
    rel = max(abs(float(actual[i]) - float(expected[i])) / float(expected[i]) for i in [(3, 500), (40, 7)])
    assert f"largest relative error {rel:.3g}" in text
    rows = [line for line in text.splitlines() if re.match(r"\s+(→\s+)?\(3, \d+\)", line)]
    assert len(rows) == 2 * AROUND + 1 and "→" in rows[AROUND] and "(3, 500)" in rows[AROUND]
    assert repr(float(actual[3, 500])) in rows[AROUND]


def test_array_summaries_of_other_kinds():
    found = mismatch(np.array([1, 2, 3]), np.array([1, 5, 3]))
    text = found.describe()
    assert "shape (3,): 1 of 3 values differ, the first at index 1" in text and "largest absolute error 3" in text
    found = mismatch(np.array(["a", "b"]), np.array(["a", "c"]))
    assert "the first at index 1" in found.describe() and "error" not in found.describe()
    found = mismatch(np.array([0.0, 1.0]), np.array([0.0, np.nan]))
    assert "largest absolute error nan" in found.describe()
    assert mismatch(np.ones((2, 2)), np.ones((2, 3))).describe() == "wrong shape: expected shape (2, 2), got (2, 3)"
    assert mismatch(np.array([1.0, np.nan]), np.array([1.0, np.nan])) is None


@pytest.mark.parametrize("expected, actual", [
    (np.arange(6.0).reshape(2, 3) * 1.375, np.arange(6.0).reshape(2, 3) * 1.625),
    ({"w": np.array([4.25, 5.5])}, {"w": np.array([4.25, 9.75])}),
    ([1.5, 2.5], [1.5, 3.5]),
    ("secret", "sekret"),
])
def test_the_hidden_form_reveals_no_value_and_stays_english(monkeypatch, expected, actual):
    monkeypatch.setenv("COURSE_LANG", "ko")
    found = mismatch(expected, actual)
    hidden = found.describe(show_values=False)
    assert re.fullmatch(r"wrong \w+( at [\[\]'\w]+)?", hidden), hidden
    for value in ("1.375", "1.625", "5.5", "9.75", "3.5", "secret", "sekret", "6.875"):
        assert value not in hidden
    assert found.describe() != hidden


def test_check_true_raises_its_message():
    check_true(True, "never shown")
    with pytest.raises(CheckFailed, match="^the figure needs a legend: ax.legend\\(\\).$"):
        check_true(False, "the figure needs a legend: ax.legend().")
