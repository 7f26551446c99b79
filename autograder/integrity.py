"""Flags for the instructor: how a submission differs from its release, what its guard reported,
and which checks the judge refused. Flags never change a score by themselves."""

from __future__ import annotations

from nbgrader import utils

from autograder.execute import is_test
from autograder.judge import Ledger
from autograder.wire import Flag


def graded_cells(release) -> dict[str, dict]:
    """Return {grade_id: {checksum, is_test}} of the nbgrader cells of the release notebook, in order."""
    return {c.metadata.nbgrader["grade_id"]: {"checksum": utils.compute_checksum(c), "is_test": is_test(c)}
            for c in release.cells if "nbgrader" in c.metadata and c.metadata.nbgrader.get("grade_id")}


def submission_flags(nb, source: dict[str, dict]) -> list[Flag]:
    """Compare the submitted cells with the release's: edited, deleted, duplicated or moved test cells."""
    flags = []
    seen = {}
    for index, cell in enumerate(nb.cells):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id is None:
            continue
        if grade_id in seen:
            flags.append(Flag("duplicated cell", f"cell {str(grade_id)[:80]!r} appears more than once", index))
        seen.setdefault(grade_id, index)
        info = source.get(grade_id)
        if info and info["is_test"] and utils.compute_checksum(cell) != info["checksum"]:
            flags.append(Flag("edited test cell", f"test cell {grade_id!r} differs from the release", index))
    for grade_id, info in source.items():
        if info["is_test"] and grade_id not in seen:
            flags.append(Flag("deleted test cell", f"test cell {grade_id!r} is missing"))
    order = [g for g in seen if g in source]
    expected = [g for g in source if g in seen]
    if order != expected:
        flags.append(Flag("moved cells", "graded cells are not in the release's order"))
    return flags


def run_flags(nb, ran: list[int], ledger: Ledger, release) -> list[Flag]:
    """Turn the guard's reports and the judge's refusals into flags located at a cell and line."""
    flags = []
    executed = {n: index for n, index in enumerate(ran, 1)}
    heartbeats = set()
    for judged_cell, event in ledger.events:
        kind, detail = event.get("kind"), str(event.get("detail", ""))
        index = executed.get(event.get("cell_number"), judged_cell)
        if kind == "heartbeat":
            heartbeats.add(index)
            continue
        if kind == "import" and index is not None and is_test(nb.cells[index]):
            continue  # the hidden tests import their own helpers
        line = event.get("line")
        if kind == "rebind" and index is not None:
            attribute = detail.rsplit(".", 1)[-1]
            line = next((n for n, text in enumerate(nb.cells[index].source.splitlines(), 1)
                         if attribute in text), None)
        flags.append(Flag(kind, detail, index, line))
    silent = [i for i in ran if i not in heartbeats]
    if silent and ran:
        flags.append(Flag("guard silenced", f"no report from the sandbox after cell {silent[0]}", silent[0]))
    for index, why in ledger.refused[:20]:
        flags.append(Flag("judge refused", f"a check was sent {why}", index))
    for index in ran:
        if nb.cells[index].metadata.pop("grader_silenced_error", False):
            flags.append(Flag("silenced error", "the cell's error display was suppressed", index))
    tests = [i for i, c in enumerate(nb.cells) if is_test(c)]
    lesson = {c.source for c in release.cells}  # the release's own cells after the tests are part of the lesson
    late = [i for i in ran if tests and i > tests[-1] and nb.cells[i].source.strip()
            and nb.cells[i].source not in lesson]
    if late:
        flags.append(Flag("code after tests", "code cells run after the last test cell", late[0]))
    return flags
