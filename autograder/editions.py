"""The Korean edition: the release notebooks with their markdown in Korean, everything else identical.

The Korean text of a lesson lives beside its source notebook, in ``source/NN_name/NN_name.ko.md``:
one block per markdown cell, opened by a line ``<!-- cell: CELL_ID en: HASH -->`` where HASH is
:func:`en_hash` of the English text it translates, so a translation whose English has changed since
is found (``stale``). Students' answer cells (nbgrader solution cells) stay as released.

``release/ko/NN_name/NN_name.ipynb`` is built from ``release/NN_name/NN_name.ipynb``: the same file
name, code cells, cell ids and nbgrader metadata (grade ids, checksums), so a Korean hand-in is
graded as the same assignment; only the markdown and ``metadata["course"]["lang"] = "ko"`` differ.
nbgrader sees only ``release/NN_name/``; a Korean class takes its notebooks through the exchange
with ``nbgrader release_assignment NN_name --CourseDirectory.release_directory=release/ko``.

    python -m autograder.editions build [ASSIGNMENT ...]   # after nbgrader generate_assignment
    python -m autograder.editions stale [ASSIGNMENT ...]   # list untranslated or stale cells (exit 1 if any)
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder.paths import Course

LANG = "ko"
HEADER = re.compile(r"^<!-- cell: (\S+) en: ([0-9a-f]+) -->$", re.MULTILINE)


@dataclass(frozen=True)
class Translation:
    """The Korean text of one markdown cell and the hash of the English it was made from."""

    en_hash: str
    text: str


def en_hash(english: str) -> str:
    """Return the short hash (12 hex digits of SHA-256) of an English cell source."""
    return hashlib.sha256(english.encode("utf-8")).hexdigest()[:12]


def translations_path(assignment: str, course: Course = Course()) -> Path:
    """Return ``source/<assignment>/<assignment>.ko.md``."""
    return course.source / assignment / f"{assignment}.{LANG}.md"


def edition_path(assignment: str, course: Course = Course()) -> Path:
    """Return ``release/ko/<assignment>/<assignment>.ipynb``."""
    return course.release / LANG / assignment / f"{assignment}.ipynb"


def parse(text: str) -> dict[str, Translation]:
    """Return {cell id: Translation} from the text of a ``.ko.md`` file (blank lines around a block dropped)."""
    parts = HEADER.split(text)
    return {cell_id: Translation(digest, body.strip("\n"))
            for cell_id, digest, body in zip(parts[1::3], parts[2::3], parts[3::3])}


def render(cells: dict[str, Translation]) -> str:
    """Return the text of a ``.ko.md`` file holding ``cells`` in the given order."""
    return "\n\n".join(f"<!-- cell: {cell_id} en: {t.en_hash} -->\n{t.text}" for cell_id, t in cells.items()) + "\n"


def load(assignment: str, course: Course = Course()) -> dict[str, Translation]:
    """Return the Korean translations of an assignment (empty when it has no ``.ko.md`` yet)."""
    path = translations_path(assignment, course)
    return parse(path.read_text(encoding="utf-8")) if path.exists() else {}


def translatable(nb) -> list:
    """Return the markdown cells of ``nb`` a translation replaces (not the students' written answers)."""
    return [c for c in nb.cells if c.cell_type == "markdown" and not c.metadata.get("nbgrader", {}).get("solution")]


def problems(nb, translations: dict[str, Translation]) -> list[tuple[str, str]]:
    """Return ``[(cell id, "missing" | "stale" | "orphan"), ...]`` of ``translations`` against notebook ``nb``."""
    found, ids = [], set()
    for cell in translatable(nb):
        ids.add(cell.id)
        t = translations.get(cell.id)
        if t is None:
            found.append((cell.id, "missing"))
        elif t.en_hash != en_hash(cell.source):
            found.append((cell.id, "stale"))
    found += [(cell_id, "orphan") for cell_id in translations if cell_id not in ids]
    return found


def korean(nb, translations: dict[str, Translation]):
    """Return a copy of release notebook ``nb`` with its translatable markdown in Korean.

    A cell without a translation keeps its English text; a stale translation is still used
    (``stale`` lists both), so the build never blocks on a lesson that is being edited.
    """
    out = copy.deepcopy(nb)
    for cell in translatable(out):
        if cell.id in translations:
            cell.source = translations[cell.id].text
    out.metadata.setdefault("course", {})["lang"] = LANG
    return out


def build(assignment: str, course: Course = Course()):
    """Return the Korean edition of ``release/<assignment>`` as built from the current translations."""
    release = nbformat.read(course.notebook("release", assignment), as_version=4)
    return korean(release, load(assignment, course))


def stale(assignment: str, course: Course = Course()) -> list[tuple[str, str]]:
    """Return the cells of ``source/<assignment>`` whose Korean translation is missing, stale or orphaned."""
    source = nbformat.read(course.notebook("source", assignment), as_version=4)
    return problems(source, load(assignment, course))


def main(argv: list[str] | None = None) -> int:
    """``build`` writes ``release/ko/``; ``stale`` lists what needs translating (exit status 1 if anything)."""
    parser = argparse.ArgumentParser(prog="python -m autograder.editions", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=("build", "stale"))
    parser.add_argument("assignments", nargs="*", help="default: every assignment in source/")
    args = parser.parse_args(argv)
    course = Course()
    todo = {a: stale(a, course) for a in args.assignments or course.assignments()}
    for assignment, cells in todo.items():
        if args.command == "build":
            path = edition_path(assignment, course)
            path.parent.mkdir(parents=True, exist_ok=True)
            nbformat.write(build(assignment, course), path)
        for cell_id, why in cells:
            print(f"{translations_path(assignment, course).relative_to(course.root)}: {cell_id} {why}")
    if args.command == "stale":
        return 1 if any(todo.values()) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
