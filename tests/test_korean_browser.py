"""The Korean edition in a real browser, started as `dl-course start --lang ko` starts JupyterLab.

A throw-away folder holds the Korean lesson 02 with the reference answers filled in. JupyterLab
runs there with the options and environment of ``course.cli.lab_language("ko", ...)`` (the
language pack's locale as the default, ``COURSE_LANG=ko``), headless chromium opens the lesson
and runs every cell, and the page must show: a Korean menu label (from the language pack's own
catalog), a Korean visible-check message and a Korean explorer label (both from the course's
catalog, ``course.i18n``). The expected texts are read from those catalogs, and each must
differ from its English msgid, so a missing translation fails the test; a Korean font must be
installed, or chromium draws boxes. Screenshots: ``artifacts/korean_browser/`` (page, explorer).
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat

from autograder import editions
from autograder.submissions import reference_answers
from conftest import ROOT, grade_id
from course import cli
from course.i18n import translate
from test_widgets_browser import _require_browser, _stop, open_lab_page, start_jupyterlab

LESSON = "02_perceptron"  # quick to run, and it has an explorer
ARTIFACTS = ROOT / "artifacts" / "korean_browser"
CHECK_PASSED = "{function}: all {total} visible checks passed."  # course.checks' line for a passing check cell
EXPLORER_LABEL = "b (bias)"  # the perceptron explorer's bias slider


def _lab_catalog() -> dict:
    """The Korean catalog of JupyterLab's own strings, from the installed language pack."""
    import jupyterlab_language_pack_ko_KR as pack

    path = Path(pack.__file__).parent / "locale" / "ko_KR" / "LC_MESSAGES" / "jupyterlab.json"
    return {k: v[0] for k, v in json.loads(path.read_text(encoding="utf-8")).items() if k and v}


def _literal(template: str) -> str:
    """The longest piece of a message template with no ``{placeholder}`` in it."""
    return max(re.split(r"\{[^}]*\}", template), key=len).strip()


def _lesson(folder: Path) -> Path:
    """Write the Korean lesson with every solution cell answered; return its path."""
    nb = nbformat.read(editions.edition_path(LESSON), as_version=4)
    answers = reference_answers(LESSON)
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and grade_id(cell) in answers:
            cell.source = answers[grade_id(cell)].strip("\n")
    path = folder / LESSON / f"{LESSON}.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


def test_a_korean_lesson_shows_korean_menus_checks_and_explorer(tmp_path):
    sync_playwright = _require_browser()
    fonts = subprocess.run(["fc-list", ":lang=ko"], capture_output=True, text=True).stdout
    assert fonts.strip(), ("no Korean font is installed, so chromium draws Hangul as empty boxes: "
                           "`make browser` installs Debian's fonts-nanum (as root)")
    lab_ko = _lab_catalog()
    edit_menu, run_menu, run_all = lab_ko["Edit"], lab_ko["Run"], lab_ko["Run All Cells"]
    check_text = _literal(translate(CHECK_PASSED, "ko"))
    label_text = translate(EXPLORER_LABEL, "ko")
    assert check_text != _literal(CHECK_PASSED), f"course.i18n has no Korean for {CHECK_PASSED!r}"
    assert label_text != EXPLORER_LABEL, f"course.i18n has no Korean for the explorer label {EXPLORER_LABEL!r}"

    folder = tmp_path / "lessons"
    _lesson(folder)
    options, env = cli.lab_language("ko", tmp_path / "lab-settings")
    env = {k: v for k, v in env.items() if k not in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH", "MPLBACKEND")}
    settings = {"notebook-extension/tracker": {"windowingMode": "none"},
                "docmanager-extension/plugin": {"autosave": False}}
    log_path = tmp_path / "jupyterlab.log"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    process, url, token = start_jupyterlab(
        [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}", *options], folder, env,
        tmp_path / "jupyter-home", settings, log_path)
    try:
        with sync_playwright() as p:
            browser, page = open_lab_page(p, url, token, f"lab/tree/{LESSON}/{LESSON}.ipynb")
            try:
                page.wait_for_function("() => document.querySelectorAll('.jp-Notebook .jp-Cell').length > 10",
                                       timeout=120_000)
                menus = page.locator(".lm-MenuBar-itemLabel")
                menus.filter(has_text=re.compile(f"^{re.escape(edit_menu)}$")).first.wait_for(timeout=60_000)
                menu_labels = menus.all_inner_texts()
                page.wait_for_timeout(3000)  # the kernel starts; Run All waits for it anyway
                menus.filter(has_text=re.compile(f"^{re.escape(run_menu)}$")).first.click()
                page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(run_all)}$")).click()
                outputs = page.locator(".jp-OutputArea-output")
                try:
                    outputs.filter(has_text=check_text).first.wait_for(timeout=240_000)
                    explorer = page.locator(".course-perceptron-explorer")
                    explorer.first.wait_for(timeout=120_000)
                    explorer.get_by_text(label_text, exact=False).first.wait_for(timeout=30_000)
                    explorer.first.scroll_into_view_if_needed()
                    explorer.first.screenshot(path=ARTIFACTS / "explorer.png")
                finally:
                    page.screenshot(path=ARTIFACTS / "page.png", full_page=True)
                explorer_text = explorer.first.inner_text()
            finally:
                browser.close()
    finally:
        _stop(process)
    assert edit_menu in menu_labels and "Edit" not in menu_labels, f"the menu bar is not Korean: {menu_labels}"
    assert label_text in explorer_text, explorer_text
