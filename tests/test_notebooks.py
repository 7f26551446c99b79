"""The notebooks: source runs clean, release is generated from source, untouched release scores nothing."""

import nbformat
import pytest

from conftest import ASSIGNMENTS, ROOT, errors, execute, grade_id, is_test_cell, read


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebook_runs_top_to_bottom(assignment):
    nb = execute(read("source", assignment), ROOT / "source" / assignment)
    failed = {grade_id(c) or f"cell {i}": errors(c)[0]["evalue"][:300]
              for i, c in enumerate(nb.cells) if c.cell_type == "code" and errors(c)}
    assert not failed, f"cells of source/{assignment} raised: {failed}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_notebook_is_committed_without_outputs(assignment):
    nb = read("source", assignment)
    with_outputs = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not with_outputs, f"clear the outputs of cells {with_outputs} in source/{assignment}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_untouched_release_fails_every_test_cell(assignment):
    nb = execute(read("release", assignment), ROOT / "release" / assignment)
    passing = [grade_id(c) for c in nb.cells if is_test_cell(c) and not errors(c)]
    assert not passing, f"these test cells pass on the untouched release (vacuous tests): {passing}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_reveals_no_solution_or_hidden_test(assignment):
    text = (ROOT / "release" / assignment / f"{assignment}.ipynb").read_text()
    for secret in ("BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "autograder"):
        assert secret not in text, f"release/{assignment} contains {secret!r}"


def _cells(nb):
    return [(c.cell_type, c.source, c.metadata.get("nbgrader")) for c in nb.cells]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_is_what_nbgrader_generates_now(released_copy, assignment):
    fresh = nbformat.read(released_copy / "release" / assignment / f"{assignment}.ipynb", as_version=4)
    assert _cells(fresh) == _cells(read("release", assignment)), (
            f"release/{assignment} is stale: run `make release` and commit the result")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_graded_test_cell_runs_hidden_tests(assignment):
    source = read("source", assignment)
    for cell in source.cells:
        if is_test_cell(cell):
            assert "### BEGIN HIDDEN TESTS" in cell.source, f"{grade_id(cell)} has no hidden tests"
            assert cell.metadata["nbgrader"]["points"] > 0
