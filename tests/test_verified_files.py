"""Every shipped data file (MNIST, the pretrained weights) refuses a bad copy with a message that names
the file and says how to restore it: one set of cases for both loaders (course/verified.py)."""

import shutil

import pytest

from course import datasets, pretrained


def _mnist(monkeypatch, path):
    monkeypatch.setenv(datasets.ENV_VAR, str(path))
    return datasets.load_data


LOADERS = {  # name: (shipped file, error, how to load a copy at a path, a word of the fix the message gives)
    "mnist": (datasets.DEFAULT_PATH, datasets.DatasetError, _mnist, datasets.ENV_VAR),
    "pretrained": (pretrained.PATH, pretrained.PretrainedError,
                   lambda monkeypatch, path: lambda: pretrained.load_sample_weights(path), "train_pretrained"),
}


@pytest.fixture(params=sorted(LOADERS))
def bad_copy(request, tmp_path, monkeypatch):
    shipped, error, loader, fix = LOADERS[request.param]
    copy = tmp_path / shipped.name
    shutil.copy(shipped, copy)
    return copy, error, loader(monkeypatch, copy), fix


def test_a_corrupted_copy_is_refused(bad_copy):
    copy, error, load, fix = bad_copy
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copy.write_bytes(bytes(data))
    with pytest.raises(error, match="SHA-256") as info:
        load()
    assert str(copy) in str(info.value) and fix in str(info.value)


def test_a_truncated_copy_is_refused(bad_copy):
    copy, error, load, _ = bad_copy
    copy.write_bytes(copy.read_bytes()[:1000])
    with pytest.raises(error, match="corrupted, truncated"):
        load()


def test_a_missing_file_is_reported(bad_copy):
    copy, error, load, _ = bad_copy
    copy.unlink()
    with pytest.raises(error, match="not found"):
        load()
