"""Everything a student reads follows the notebook's language: the catalogs, the visible checks, `dl-course check`,
the grader's notes and feedback."""

from __future__ import annotations

import ast
import csv
import fnmatch
import json
import re
import tomllib

import nbformat
import numpy as np
import pytest

from conftest import ROOT
from autograder import catalog
from autograder.execute import add_grader_notes
from autograder.feedback import translate_outputs
from autograder.messages import GRADER_NOTES, translate_text
from course import i18n
from course.checks import CheckFailed, check_cases

FIELD = re.compile(r"\{(\w*)[^{}]*\}")


@pytest.fixture(autouse=True)
def no_language(monkeypatch):
    monkeypatch.delenv("COURSE_LANG", raising=False)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)


# ---------------------------------------------------------------- the catalog


@pytest.fixture(scope="module")
def wanted():
    return catalog.template()


def test_every_student_facing_text_has_a_korean_translation(wanted):
    missing = catalog.untranslated(catalog.read("ko"), wanted)
    assert not missing, (f"{len(missing)} texts have no Korean translation; run `.venv/bin/python -m "
                         "autograder.catalog`, then translate them in course/locale/ko/LC_MESSAGES/course.po:\n"
                         + "\n".join(map(repr, missing)))


def test_the_extraction_finds_the_lessons_and_the_code(wanted):
    ids = {m.id for m in wanted if m.id}
    # one of each kind: a case name, a hint, a check_true message, a message of the package, a grader note
    lesson = json.loads((ROOT / "source/02_perceptron/02_perceptron.ipynb").read_text())
    found = [text for _, text in catalog.notebook_messages(lesson)]
    assert "AND(0, 0)" in found and any(text.startswith("AND should return a Python int") for text in found)
    assert {"{function}: {passed} of {total} visible checks passed.", "the kernel died in cell {cell}",
            "wrong value"} <= ids
    assert set(found) <= ids


def test_the_extraction_never_takes_text_from_solutions_or_hidden_tests():
    nb = {"cells": [{"cell_type": "code", "source": (
        "def f(x):\n    ### BEGIN SOLUTION\n    check_true(x, 'solution text')\n    ### END SOLUTION\n"
        "check_cases(f, [{'name': 'visible case', 'input': (1,), 'expected': 1}])\n"
        "### BEGIN HIDDEN TESTS\ncheck_true(True, 'hidden text')\n### END HIDDEN TESTS\n")}]}
    assert [text for _, text in catalog.notebook_messages(nb)] == ["visible case"]


def _forms(text) -> list[str]:
    """A message's id or translation as a list of its forms (more than one for a plural)."""
    return list(text) if isinstance(text, (list, tuple)) else [text or ""]


def test_translations_keep_every_format_field():
    for message in catalog.read("ko"):
        if message.id and message.string:
            for form in _forms(message.string):
                assert sorted(FIELD.findall(form)) == sorted(FIELD.findall(_forms(message.id)[-1])), message.id


def test_the_committed_mo_is_compiled_from_the_po():
    mo = catalog.po_path("ko").with_suffix(".mo")
    assert mo.read_bytes() == catalog.compiled(catalog.read("ko")), \
        "course.mo is out of date: run `.venv/bin/python -m autograder.catalog`"


def test_the_student_edition_ships_the_compiled_catalog():
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    shipped = [p.relative_to(ROOT / "course").as_posix() for p in (ROOT / "course/locale").rglob("*.mo")]
    assert shipped and all(any(fnmatch.fnmatch(p, pattern) for pattern in package_data.get("course", []))
                           for p in shipped), (shipped, package_data)


def test_the_translations_use_the_lectures_terms():
    with open(ROOT / "course/locale/glossary_ko.csv", encoding="utf-8", newline="") as f:
        terms = [(row["korean"], [w for w in row["avoid"].split("|") if w and not w.isascii()])
                 for row in csv.DictReader(f)]
    wrong = []
    for message in catalog.read("ko"):
        text = " ".join(_forms(message.string))
        # a chosen term may hold an avoided one (오버플로우 holds 오버플로, 하이퍼파라미터 파라미터): take them out first
        for korean, _avoid in sorted(terms, key=lambda term: -len(term[0])):
            text = text.replace(korean, " ")
        for korean, avoid in terms:
            wrong += [f"{message.id!r}: {word} (the lectures' word: {korean})" for word in avoid if word in text]
    assert not wrong, "\n".join(wrong)


# ---------------------------------------------------------------- the run-time language


FAILING = [{"name": "the lecture's 5 and 3", "input": (5, 3), "expected": 8,
            "hint": "use the operators themselves: // and % already round towards minus infinity"}]


def failure() -> str:
    with pytest.raises(CheckFailed) as caught:
        check_cases(lambda a, b: a - b, FAILING)
    return str(caught.value)


def test_english_by_default():
    assert i18n.language() == "en"
    assert failure() == ("<lambda>: 0 of 1 visible checks passed.\n"
                         "  - case 'the lecture's 5 and 3': wrong value: expected 8, got 2\n"
                         "    Hint: use the operators themselves: // and % already round towards minus infinity")


def test_korean_with_course_lang(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "ko")
    assert failure() == ("<lambda>: 보이는 검사 1개 중 0개 통과.\n"
                         "  - 사례 '강의의 5와 3': 값이 다름: 8이어야 하는데 2입니다\n"
                         "    힌트: 연산자를 그대로 쓰세요: //와 %는 이미 음의 무한대 쪽으로 내림합니다")


def _notebook(path, lang):
    nb = nbformat.v4.new_notebook()
    if lang:
        nb.metadata["course"] = {"lang": lang}
    nbformat.write(nb, path)


def test_the_notebooks_metadata_wins_through_jpy_session_name(monkeypatch, tmp_path):
    _notebook(tmp_path / "ko.ipynb", "ko")
    _notebook(tmp_path / "en.ipynb", None)
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "ko.ipynb"))
    assert "보이는 검사 1개 중 0개 통과" in failure()
    monkeypatch.chdir(tmp_path)  # the server may name the notebook relative to the kernel's folder
    monkeypatch.setenv("JPY_SESSION_NAME", "ko.ipynb")
    assert i18n.language() == "ko"
    monkeypatch.setenv("COURSE_LANG", "ko")
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "en.ipynb"))
    assert "0 of 1 visible checks passed" in failure(), "an English notebook stays English"
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "gone.ipynb"))
    assert i18n.language() == "ko", "a notebook that cannot be found leaves COURSE_LANG in charge"


def test_an_array_mismatch_in_korean_lines_up(monkeypatch):
    monkeypatch.setenv("COURSE_LANG", "ko")
    with pytest.raises(CheckFailed) as caught:
        check_cases(lambda x: x + 1, [{"name": "a vector", "input": (np.zeros(3),), "expected": np.zeros(3)}])
    text = str(caught.value)
    assert "사례 '벡터': 값이 다름: 모양 (3,): 값 3개 중 3개가 다르고, 처음 다른 곳은 인덱스 0입니다" in text
    header, first = [line for line in text.splitlines() if "인덱스  " in line or "→" in line][:2]
    assert i18n.display_width(header.split("기댓값")[0]) == i18n.display_width(first.split("0.0")[0])


# ---------------------------------------------------------------- dl-course check


def test_dl_course_check_speaks_the_notebooks_language(tmp_path, capsys):
    from course.cli import check

    nb = nbformat.v4.new_notebook()
    nb.metadata["course"] = {"lang": "ko"}
    nb.cells = [nbformat.v4.new_code_cell("import numpy as np\nfrom course.checks import check_cases"),
                nbformat.v4.new_code_cell("def dot(a, b):\n    return np.dot(a, b)"),
                nbformat.v4.new_code_cell(
                    "check_cases(dot, [{'name': \"the lecture's 5 and 3\", 'input': (np.ones((2, 3)), np.ones((2, 3))),"
                    " 'expected': np.ones((2, 2))}])")]
    nb.cells[1].metadata["nbgrader"] = {"solution": True, "grade": False, "grade_id": "dot", "locked": False}
    nb.cells[2].metadata["nbgrader"] = {"solution": False, "grade": True, "grade_id": "test_dot", "points": 1,
                                        "locked": True}
    path = tmp_path / "07_trial.ipynb"
    nbformat.write(nb, path)
    assert check([path], timeout=120) == 0
    out = capsys.readouterr().out
    assert "채점기와 똑같이 각 노트북을 새 커널에서" in out
    assert re.search(r"수업\s+\| 연습문제\s+\| 결과\s+\| 점수", out), out
    assert "| dot      | 실패" in out, out
    assert "dot: 보이는 검사 1개 중 0개 통과." in out
    assert "사례 '강의의 5와 3': dot에서 ValueError 발생: shapes (2,3) and (2,3) not aligned" in out
    assert "내 셀 [2]의 2번째 줄: return np.dot(a, b)" in out, "the kernel's own cell and line"
    assert "| 합계     | 1개 중 0개 통과" in out


# ---------------------------------------------------------------- the grader


REASONS = ["the kernel died in cell 7", "cell 3 exceeded its time limit (30 s) and was stopped",
           "answer.ipynb is a symbolic link: it was not opened", "a note nobody translated"]


def test_grader_notes_follow_the_notebooks_language():
    korean = nbformat.v4.new_notebook(metadata={"course": {"lang": "ko"}})
    add_grader_notes(korean, list(REASONS))
    assert korean.cells[0].source == ("**채점기 메모** — 틀린 답 말고도 다음 때문에 점수가 깎였습니다:\n\n"
                                      "- 7번 셀에서 커널이 죽었습니다\n"
                                      "- 3번 셀이 시간 제한(30초)을 넘어서 멈췄습니다\n"
                                      "- answer.ipynb: 심볼릭 링크입니다. 열지 않았습니다\n"
                                      "- a note nobody translated")
    english = nbformat.v4.new_notebook()
    add_grader_notes(english, list(REASONS))
    assert english.cells[0].source == GRADER_NOTES + "\n\n" + "\n".join(f"- {r}" for r in REASONS)


def _sample(node) -> str | None:
    """The text a string expression of the grader's code builds, with "7" for each value; None if not text."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "7" for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _sample(node.left), _sample(node.right)
        return None if left is None else left + (right or "7")
    return None


def _grader_texts():
    """Every note and error text the grader writes for a student, as built in its source."""
    texts = []
    for name in ("worker", "execute", "scheduler", "store", "intake", "cluster"):
        path = ROOT / "autograder" / f"{name}.py"
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            owner = getattr(node.func, "value", None)
            owner = getattr(owner, "attr", None) or getattr(owner, "id", "")
            args = []
            if func == "append" and owner.endswith(("reasons", "notes")):
                args = node.args[:1]
            elif func in ("Unreadable", "error_output", "_stop_here"):
                args = node.args[-1:]
            elif func == "_failed":
                args = node.args[4:5]
            texts += [(f"{path.name}:{node.lineno}", _sample(a)) for a in args if _sample(a)]
    return texts


def test_every_note_of_the_grader_has_a_korean_form():
    texts = _grader_texts()
    assert len(texts) > 20, texts
    untranslated = [(where, text) for where, text in texts if translate_text(text, "ko") == text]
    assert not untranslated, ("grader notes without a format msgid in autograder/messages.py (or without its "
                              "Korean translation):\n" + "\n".join(f"{w}: {t!r}" for w, t in untranslated))


def test_feedback_shows_hidden_test_verdicts_in_the_notebooks_language():
    nb = nbformat.v4.new_notebook(metadata={"course": {"lang": "ko"}})
    test = nbformat.v4.new_code_cell("# (hidden tests ran here: their verdict is below)")
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "test_relu", "points": 1}
    verdict = ("hidden test of relu failed: case 2 of 5: wrong value at [1] "
               "(hint: np.maximum(0, x): negatives become 0, the rest stays)")
    test.outputs = [nbformat.v4.new_output("error", ename="HiddenTestFailed", evalue=verdict,
                                           traceback=[f"HiddenTestFailed: {verdict}"]),
                    nbformat.v4.new_output("stream", name="stdout", text="✓ hidden tests of sigmoid passed.\n")]
    student = nbformat.v4.new_code_cell("print('not implemented yet')")
    student.outputs = [nbformat.v4.new_output("stream", name="stdout", text="not implemented yet\n")]
    nb.cells = [test, student]
    translate_outputs(nb)
    korean = ("relu의 숨겨진 테스트 실패: 사례 2/5: [1]에서 값이 다름 "
              "(힌트: np.maximum(0, x): 음수는 0이 되고 나머지는 그대로입니다)")
    assert test.outputs[0].evalue == korean
    assert test.outputs[0].traceback == [f"HiddenTestFailed: {korean}"]
    assert test.outputs[1].text == "✓ sigmoid의 숨겨진 테스트를 통과했습니다.\n"
    assert test.source == "# (숨겨진 테스트가 여기서 실행되었습니다: 판정은 아래에 있습니다)"
    assert student.outputs[0].text == "not implemented yet\n", "a student's own printing is left alone"


# ---------------------------------------------------------------- the explorers


def test_explorer_labels_and_verdicts_follow_the_language(monkeypatch):
    from course.widgets import GradientDescentExplorer, PerceptronExplorer

    english = PerceptronExplorer("AND")
    assert english.controls["b"].description == "b (bias)"
    assert english.verdict.startswith("<b>✗ w1 = 0.5, w2 = 0.5, b = -0.2 do not realise AND</b>")
    monkeypatch.setenv("COURSE_LANG", "ko")
    korean = PerceptronExplorer("XOR")
    assert korean.controls["gate"].description == "게이트" and korean.controls["b"].description == "b (편향)"
    assert korean.verdict.startswith("<b>✗ w1 = 0.5, w2 = 0.5, b = -0.2는 XOR를 구현하지 못합니다</b>: "
                                     "(1, 1)는 1을 내지만 XOR는 0이어야 합니다. b는 직선을 평행 이동하고")
    assert "<br><b>XOR를 만드는 설정은 없습니다.</b>" in korean.verdict
    descent = GradientDescentExplorer("quadratic")
    assert descent.controls["lr"].description == "learning rate" and descent.controls["steps"].description == "걸음 수"
    assert descent.outcome == "converged"
    assert re.fullmatch(r"\d+걸음 만에 \(-5\.000\)의 최솟값에 <b>수렴했습니다</b> \(손실 -0\.2500\)\.", descent.verdict)
    assert [label for label, _ in descent.controls["function"].options][0] == "0.01x² + 0.1x (강의)"


# ---------------------------------------------------------------- the grader's own catalog: hidden cases' labels


@pytest.fixture(scope="module")
def case_texts():
    return catalog.grader_template()


def test_every_hidden_case_label_and_hint_has_a_korean_translation(case_texts):
    ids = {m.id for m in case_texts if m.id}
    # a literal hint, a label through a variable, a helper's default label, a label from a literal list of
    # cases, an f-string label with values, a dict of hints, a label nested in another's field
    assert {"bool is a subclass of int: test for bool first", "{case}: the input array must stay unchanged",
            "case", "a wavy function", "case {i} of {count}", "784 inputs → 512 → 10 has 407,050 weights and biases",
            "{what} {i} of {count}", "case {n} ({what}, shape {what2})"} <= ids, sorted(ids)
    assert len(ids) > 250
    missing = catalog.untranslated(catalog.read("ko", catalog.GRADER_DOMAIN), case_texts)
    assert not missing, (f"{len(missing)} hidden-case labels or hints have no Korean translation; run `.venv/bin/"
                         "python -m autograder.catalog`, then translate them in "
                         "autograder/locale/ko/LC_MESSAGES/grader.po:\n" + "\n".join(map(repr, missing)))


def test_the_extraction_follows_labels_through_names_helpers_and_loops():
    source = (
        "from autograder.hidden import expect, same_outputs\n"
        "HINT = 'a module hint'\n"
        "def _compare(x, hint, label='a default label'):\n"
        "    for i in range(3):\n"
        "        expect(1, x, f'{label} {i + 1} of {len(x)}', hint)\n"
        "def test_f(submitted, reference, rng):\n"
        "    for what, value in (('a listed case', 1), ('another', 2)):\n"
        "        case = f'case {value} ({what})'\n"
        "        expect(1, value, f'{case}: its type', HINT)\n"
        "    _compare(submitted, 'a helper hint', label='a given label')\n"
        "    same_outputs(submitted, reference, [], hint=f'{1 + 1}')\n")
    assert sorted(text for _, text in catalog.case_messages(source)) == sorted([
        "a module hint", "a default label", "a given label", "{what} {i} of {count}", "a helper hint",
        "a listed case", "another", "case {value} ({what})", "{case}: its type"])


def test_the_committed_grader_mo_is_compiled_from_its_po():
    mo = catalog.po_path("ko", catalog.GRADER_DOMAIN).with_suffix(".mo")
    assert mo.read_bytes() == catalog.compiled(catalog.read("ko", catalog.GRADER_DOMAIN)), \
        "grader.mo is out of date: run `.venv/bin/python -m autograder.catalog`"


def test_the_grader_translations_keep_their_fields_and_the_lectures_terms():
    with open(ROOT / "course/locale/glossary_ko.csv", encoding="utf-8", newline="") as f:
        terms = [(row["korean"], [w for w in row["avoid"].split("|") if w and not w.isascii()])
                 for row in csv.DictReader(f)]
    wrong = []
    for message in catalog.read("ko", catalog.GRADER_DOMAIN):
        if not (message.id and message.string):
            continue
        assert sorted(FIELD.findall(message.string)) == sorted(FIELD.findall(message.id)), message.id
        text = message.string
        for korean, _avoid in sorted(terms, key=lambda term: -len(term[0])):
            text = text.replace(korean, " ")
        wrong += [f"{message.id!r}: {word} (the lectures' word: {korean})" for korean, avoid in terms
                  for word in avoid if word in text]
    assert not wrong, "\n".join(wrong)


def test_the_hidden_cases_catalog_never_ships_to_students(wanted):
    grader_po = catalog.po_path("ko", catalog.GRADER_DOMAIN)
    assert grader_po.is_file() and not grader_po.is_relative_to(ROOT / "course")
    assert not any(path.startswith("autograder/cases/") for message in wanted for path, _ in message.locations)
    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert all(package.split(".")[0] == "course" for package in setuptools["packages"])
    assert all(package.split(".")[0] == "course" for package in setuptools["package-data"])


def test_a_hidden_case_verdict_reads_in_korean_in_the_feedback():
    from autograder.hidden import HiddenTestFailed, check

    def center_columns(X):  # a real mistake: the right values, but the caller's array changed
        X -= X.mean(axis=0)
        return X

    with pytest.raises(HiddenTestFailed) as caught:
        check("python_basics", "center_columns", center_columns)
    verdict = str(caught.value)
    assert verdict == ("hidden test of center_columns failed: case 1 of 10: the input array must stay unchanged: "
                       "wrong value (hint: return a new array: X - m, not X -= m)")
    nb = nbformat.v4.new_notebook(metadata={"course": {"lang": "ko"}})
    test = nbformat.v4.new_code_cell("# (hidden tests ran here: their verdict is below)")
    test.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "test_center_columns", "points": 1}
    test.outputs = [nbformat.v4.new_output("error", ename="HiddenTestFailed", evalue=verdict,
                                           traceback=caught.value._render_traceback_())]
    nb.cells = [test]
    translate_outputs(nb)
    korean = ("center_columns의 숨겨진 테스트 실패: 사례 1/10: 입력 배열이 바뀌지 않아야 함: 값이 다름 "
              "(힌트: 새 배열을 돌려주세요: X -= m이 아니라 X - m)")
    assert test.outputs[0].evalue == korean
    assert test.outputs[0].traceback == [f"HiddenTestFailed: {korean}"]


@pytest.mark.parametrize("english, korean", [
    # a label's values are numbers: the label splits where the numbers are
    ("case with another alpha 2 of 4: wrong value at [0] (hint: use the alpha you are given)",
     "다른 alpha의 사례 2/4: [0]에서 값이 다름 (힌트: 주어진 alpha를 쓰세요)"),
    # a label ending in a value does not swallow the verdict built around it
    ("XOR with every gate answering 0: wrong value (hint: build XOR only from the gates: AND(NAND(x1, x2), "
     "OR(x1, x2)), no if/else on the inputs)",
     "모든 게이트가 0을(를) 답할 때의 XOR: 값이 다름 (힌트: XOR는 게이트만으로 만드세요: AND(NAND(x1, x2), "
     "OR(x1, x2)). 입력에 대한 if/else는 쓰지 마세요)"),
    # two texts and an optional part in one label
    ("case 7 (a wavy function, shape transposed): wrong value at [1, 2]",
     "사례 7 (물결 모양의 함수, 모양 전치됨): [1, 2]에서 값이 다름"),
    ("case 3 (x of shape (N, ...) with N = 5, 4-D): forward: wrong shape",
     "사례 3 (x의 모양은 (N, ...), N = 5, 4차원): forward: 모양이 다름"),
    ("case 3 (x of shape (N, ...) with N = 5): forward: wrong shape", "사례 3 (x의 모양은 (N, ...), N = 5): forward: 모양이 다름"),
])
def test_hidden_case_labels_with_values_translate_whole(english, korean):
    assert translate_text(english, "ko") == korean


def test_long_or_plentiful_printing_is_left_as_printed():
    """A student's printing shaped like the grader's lines must not make feedback slow: lines longer than any
    of the grader's, and text past the notebook's budget, are not matched against the patterns."""
    from autograder.feedback import translate_outputs
    from autograder.limits import TRANSLATED_LINE_CHARS, TRANSLATED_NOTEBOOK_CHARS
    from autograder.messages import translate_text

    verdict = "✓ hidden tests of arithmetic passed."
    assert translate_text(verdict, "ko") != verdict
    long_line = "hidden test of arithmetic failed: " + "x" * TRANSLATED_LINE_CHARS
    assert translate_text(long_line, "ko") == long_line

    def graded(filler: str):
        nb = nbformat.v4.new_notebook()
        nb.metadata["course"] = {"lang": "ko"}
        cell = nbformat.v4.new_code_cell("check_arithmetic()")
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": "t", "points": 1}
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=filler + verdict + "\n")]
        nb.cells = [cell]
        translate_outputs(nb)
        return cell.outputs[0]["text"]

    assert verdict not in graded("")
    assert verdict in graded("spam\n" * (TRANSLATED_NOTEBOOK_CHARS // 5 + 1))
