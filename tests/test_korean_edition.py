"""The Korean edition: every markdown cell translated and current, terms as the lectures write them,
the Korean release built from the English one and differing only in markdown, graded as the same assignment.

``python -m autograder.editions stale`` lists the cells whose Korean text is missing or stale.
"""

from __future__ import annotations

import copy
import csv
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder import editions
from autograder.paths import Course
from autograder.submissions import reference_answers
from conftest import ASSIGNMENTS, ROOT, grade_id, make_course_copy, nbgrader_env, read
from course import cli

GLOSSARY = ROOT / "course" / "locale" / "glossary_ko.csv"
CATALOG = ROOT / "course" / "locale" / "ko" / "LC_MESSAGES" / "course.po"


# ---------------------------------------------------------------- the translations


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_markdown_cell_has_a_current_korean_translation(assignment):
    found = editions.stale(assignment)
    assert not found, (f"{editions.translations_path(assignment).relative_to(ROOT)} needs work on {found} "
                       "(python -m autograder.editions stale)")


def _notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def test_a_changed_english_cell_makes_its_translation_stale():
    intro = nbformat.v4.new_markdown_cell("## Gradient descent", id="intro")
    answer = nbformat.v4.new_markdown_cell("YOUR ANSWER HERE", id="answer",
                                           metadata={"nbgrader": {"solution": True, "grade": True}})
    code = nbformat.v4.new_code_cell("x = 1", id="code")
    text = editions.render({"intro": editions.Translation(editions.en_hash(intro.source), "## 경사 하강법")})
    translations = editions.parse(text)
    nb = _notebook(intro, answer, code)
    assert editions.problems(nb, translations) == []
    ko = editions.korean(nb, translations)
    assert [c.source for c in ko.cells] == ["## 경사 하강법", "YOUR ANSWER HERE", "x = 1"]
    assert ko.metadata["course"]["lang"] == "ko" and "course" not in nb.metadata

    intro.source = "## Gradient descent and the learning rate"
    nb.cells.append(nbformat.v4.new_markdown_cell("## Summary", id="summary"))
    assert editions.problems(nb, translations) == [("intro", "stale"), ("summary", "missing")]
    assert editions.problems(_notebook(code), translations) == [("intro", "orphan")]


# ---------------------------------------------------------------- the two editions


def _strip_translatable(nb):
    """The notebook with the source of every translatable markdown cell and the language dropped."""
    nb = copy.deepcopy(nb)
    for cell in editions.translatable(nb):
        cell.source = ""
    nb.metadata.pop("course", None)
    return nb


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_editions_differ_only_in_markdown_and_language(assignment):
    english = read("release", assignment)
    korean = nbformat.read(editions.edition_path(assignment), as_version=4)
    assert korean.metadata["course"]["lang"] == "ko"
    assert english.metadata.get("course", {}).get("lang", "en") == "en"
    assert _strip_translatable(korean) == _strip_translatable(english), (
        f"release/ko/{assignment} differs from release/{assignment} in more than its markdown")
    english_md = [c.source for c in editions.translatable(english)]
    korean_md = [c.source for c in editions.translatable(korean)]
    untranslated = [c.id for c, ko, en in zip(editions.translatable(korean), korean_md, english_md)
                    if ko == en and any(ch.isalpha() and ch.isascii() for ch in en)
                    and not any("\uac00" <= ch <= "\ud7a3" for ch in ko)]
    assert not untranslated, f"release/ko/{assignment} shows these cells in English: {untranslated}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_korean_release_is_what_the_build_makes_now(assignment):
    built = editions.build(assignment)
    assert nbformat.read(editions.edition_path(assignment), as_version=4) == built, (
        f"release/ko/{assignment} is stale: run `make release` (or `python -m autograder.editions build`) "
        "and commit the result")


# ---------------------------------------------------------------- terms


def glossary() -> list[dict]:
    """The chosen Korean terms: [{english, korean, avoid: [...]}, ...]."""
    with GLOSSARY.open(encoding="utf-8") as f:
        return [dict(row, avoid=[v for v in row["avoid"].split("|") if v]) for row in csv.DictReader(f)]


def avoided_in(text: str, terms: list[dict]) -> list[tuple[str, str]]:
    """Return [(avoided variant, chosen term), ...] found in ``text``.

    An avoided spelling inside a chosen one (오버플로 in 오버플로우) is not a finding.
    """
    chosen = [t["korean"] for t in terms]
    found = []
    for term in terms:
        for variant in term["avoid"]:
            spans = [(s, s + len(c)) for c in chosen if variant in c and c != variant for s in _positions(text, c)]
            if any(not any(a <= s and s + len(variant) <= b for a, b in spans) for s in _positions(text, variant)):
                found.append((variant, term["korean"]))
    return found


def _positions(text: str, sub: str) -> list[int]:
    """Start positions of every occurrence of ``sub`` in ``text``."""
    out, i = [], text.find(sub)
    while i != -1:
        out.append(i)
        i = text.find(sub, i + 1)
    return out


def test_the_glossary_is_consistent_and_its_check_can_fail():
    terms = glossary()
    chosen = {t["korean"] for t in terms}
    assert len(terms) > 50
    assert not [v for t in terms for v in t["avoid"] if v in chosen], "a spelling is both chosen and avoided"
    assert avoided_in("넘파이의 브로드캐스트와 하이퍼파라미터, 오버플로우", terms) == []
    assert avoided_in("브로드캐스팅과 손실 함수, 그리고 기울기 확인", terms) == [
        ("브로드캐스팅", "브로드캐스트"), ("손실 함수", "손실함수"), ("기울기 확인", "gradient check")]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_korean_lessons_use_the_lectures_terms(assignment):
    path = editions.translations_path(assignment)
    assert path.exists(), f"{path.relative_to(ROOT)} is missing"
    found = avoided_in(path.read_text(encoding="utf-8"), glossary())
    assert not found, f"{path.relative_to(ROOT)} writes (avoided, chosen): {found} — see {GLOSSARY.relative_to(ROOT)}"


def test_the_message_catalog_uses_the_lectures_terms():
    if not CATALOG.exists():
        pytest.skip(f"{CATALOG.relative_to(ROOT)} does not exist yet")
    # msgids are English; translator comments may quote the avoided spellings
    text = "\n".join(line for line in CATALOG.read_text(encoding="utf-8").splitlines() if not line.startswith("#"))
    found = avoided_in(text, glossary())
    assert not found, f"{CATALOG.relative_to(ROOT)} writes (avoided, chosen): {found}"


# ---------------------------------------------------------------- graded as the same assignment


def _submission(nb, answers: dict[str, str]):
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)].strip("\n")
    return nb


def test_a_korean_submission_is_graded_exactly_as_the_english_one(tmp_path):
    root = make_course_copy(tmp_path)
    course = Course(root)
    for assignment in ASSIGNMENTS:
        answers = reference_answers(assignment)
        # both editions as `make release` builds them from the copy's sources now
        english = nbformat.read(course.notebook("release", assignment), as_version=4)
        for student, nb in (("english", english), ("korean", editions.build(assignment, course))):
            path = root / "submitted" / student / assignment / f"{assignment}.ipynb"
            path.parent.mkdir(parents=True)
            nbformat.write(_submission(nb, answers), path)
    done = subprocess.run([sys.executable, "-m", "autograder", "grade", "--workers", "2"], cwd=root,
                          env=nbgrader_env(), capture_output=True, text=True, timeout=1500)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    with (root / "reports" / "grades.csv").open() as f:
        table = [row for row in csv.DictReader(f)]
    graded = {s: {(r["assignment"], r["test cell"]): (r["points"], r["max"], r["flags"], r["status"], r["notes"])
                  for r in table if r["student"] == s} for s in ("english", "korean")}
    assert len(graded["korean"]) > 50 and graded["korean"] == graded["english"]
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        for assignment in ASSIGNMENTS:
            sub = gb.find_submission(assignment, "korean")
            written = sum(c.metadata["nbgrader"]["points"] for c in read("source", assignment).cells
                          if c.cell_type == "markdown" and c.metadata.get("nbgrader", {}).get("grade"))
            assert sub.score == sub.max_score - written, (
                f"the reference answers in Korean got {sub.score} of {sub.max_score} on {assignment} "
                f"(in English: {gb.find_submission(assignment, 'english').score})")
            autograded = nbformat.read(root / "autograded" / "korean" / assignment / f"{assignment}.ipynb",
                                       as_version=4)
            raised = [c.id for c in autograded.cells if c.cell_type == "code"
                      and any(o.get("output_type") == "error" for o in c.get("outputs", []))]
            assert not raised, f"cells of the Korean {assignment} raised with the correct answers: {raised}"


# ---------------------------------------------------------------- the student's command


def test_dl_course_start_lang_ko_copies_the_korean_lessons_and_opens_lab_in_korean(tmp_path, monkeypatch):
    started = {}

    def call(command, cwd, env):
        settings = Path(next(a for a in command if a.startswith("--LabApp.app_settings_dir=")).split("=", 1)[1])
        started.update(command=command, env=env, overrides=json.loads((settings / "overrides.json").read_text()))
        return 0

    monkeypatch.setattr(cli.subprocess, "call", call)
    assert cli.main(["start", str(tmp_path / "lessons"), "--lang", "ko"]) == 0
    for assignment in ASSIGNMENTS:
        copied = tmp_path / "lessons" / assignment / f"{assignment}.ipynb"
        assert copied.read_bytes() == editions.edition_path(assignment).read_bytes(), f"{copied} is not Korean"
    assert started["env"]["COURSE_LANG"] == "ko"
    assert started["overrides"]["@jupyterlab/translation-extension:plugin"]["locale"] == "ko_KR"

    # the English edition in the same folder: lessons the student never touched become English again
    assert cli.main(["start", str(tmp_path / "lessons"), "--no-lab"]) == 0
    assert (tmp_path / "lessons" / ASSIGNMENTS[0] / f"{ASSIGNMENTS[0]}.ipynb").read_bytes() == \
        (ROOT / "release" / ASSIGNMENTS[0] / f"{ASSIGNMENTS[0]}.ipynb").read_bytes()
