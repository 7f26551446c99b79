"""The judge's expectations file (autograder.expectations): read back identical to what the reference
computes, computed again when the code or a library changes, and never making a worker import TensorFlow."""

import shutil
import subprocess
import sys

import numpy as np
import pytest

from autograder import expectations
from conftest import ROOT

MODULES = sorted(p.stem for p in (ROOT / "autograder" / "cases").glob("*.py") if not p.name.startswith("_"))


def identical(a, b) -> bool:
    """True when ``a`` and ``b`` are the same value of the same types, arrays with the same dtype and bits."""
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    if isinstance(a, np.generic):
        return a.dtype == b.dtype and a.tobytes() == b.tobytes()
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(identical(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(identical(a[k], b[k]) for k in a)
    if isinstance(a, float):
        return repr(a) == repr(b)
    return a == b


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    return tmp_path / "dl-course" / "expectations"


@pytest.mark.parametrize("module", MODULES)
def test_the_file_gives_back_exactly_what_the_reference_computes(module, cache):
    stored = expectations.load(module)  # computed by a child process, as in a worker
    assert list(cache.glob(f"{module}-*.json"))
    assert sorted(stored) == expectations.graded_names(module)
    for name, values in stored.items():
        assert values is not None, f"{module}.{name}: its values could not be stored"
        assert identical(values, expectations.compute(module, name)), f"{module}.{name} differs once read back"


def test_encoding_keeps_types_and_refuses_what_it_cannot_keep():
    values = [np.float32(0.1), np.int8(-3), np.bool_(True), float("nan"), -0.0, 2**70, (1, [2.5]), {"a": None},
              np.arange(6, dtype=np.float16).reshape(2, 3), np.array(["x", "yz"])]
    assert identical([expectations.decode(expectations.encode(v)) for v in values], values)
    with pytest.raises(expectations.NotEncodable):
        expectations.encode(object())
    with pytest.raises(expectations.NotEncodable):
        expectations.encode(np.array([object()]))


def test_the_file_is_named_by_the_code_and_the_libraries(tmp_path, monkeypatch):
    before = expectations.digest("perceptron")
    monkeypatch.setattr(expectations, "_version", lambda library: "0.0-another")
    assert expectations.digest("perceptron") != before, "another TensorFlow or NumPy must compute it again"
    monkeypatch.undo()
    copy = tmp_path / "autograder"
    shutil.copytree(ROOT / "autograder", copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(expectations, "PACKAGE", copy)
    assert expectations.digest("perceptron") == before
    reference = copy / "reference" / "perceptron.py"
    reference.write_text(reference.read_text() + "\n# an edited reference\n")
    assert expectations.digest("perceptron") != before, "an edited reference must compute it again"
    imported = expectations.digest("backpropagation")
    reference = copy / "reference" / "forward_propagation.py"
    reference.write_text(reference.read_text() + "\n# an edited reference that lesson 05's imports\n")
    assert expectations.digest("backpropagation") != imported


def test_a_worker_that_judges_lesson_06_never_imports_tensorflow(cache):
    script = ("import sys\nfrom autograder.judge import expectations\n"
              "assert expectations('keras_mnist', 'build_model')\n"
              "print('tensorflow' in sys.modules, 'keras' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**expectations.os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False", "False"], "the judge imported TensorFlow: " + done.stdout
    assert list(cache.glob("keras_mnist-*.json")), "the file was computed by a child process and kept"


def test_without_a_usable_cache_the_judge_computes_in_its_own_process(tmp_path, monkeypatch, capsys):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    expectations.main(["perceptron"])
    assert "could not be kept" in capsys.readouterr().err, "make release says so, and goes on"
    from autograder import judge

    judge._stored.cache_clear()
    judge.expectations.cache_clear()
    try:
        assert identical(judge.expectations("perceptron", "AND"), expectations.compute("perceptron", "AND"))
    finally:
        judge._stored.cache_clear()
        judge.expectations.cache_clear()


@pytest.mark.parametrize("module", ["../keras_mnist", "no_such_lesson", "__init__"])
def test_only_lesson_modules_have_files(module, cache):
    with pytest.raises(ValueError):
        expectations.load(module)
    assert not cache.exists() or not any(cache.iterdir())


def test_the_kernels_codec_keeps_an_arrays_shape_and_dtype():
    from autograder.wire import from_plain, to_plain

    for array in (np.array(2.5), np.arange(6.0).reshape(2, 3).T, np.zeros((0, 4), dtype=np.int8)):
        back = from_plain(to_plain(array))
        assert identical(back, array), array
