"""`make lab` behaves like a student's machine: no grading switch reaches the kernels it opens.

JupyterLab starts exactly as `make lab` starts it — ``jupyter lab release/`` from the repository
root, so its nbgrader server extension loads the repository's ``nbgrader_config.py`` — plus only
what a headless test needs (loopback port, token, no browser window, private user settings with
autosave off so the release notebook is never written). Chromium opens a lesson, runs it
(Run All stops at the first unfinished exercise, after the lesson's first figure), and a cell
typed into the page reports the kernel's environment: no ``COURSE_GRADING``, no ``Agg`` backend,
no ``autograder`` importable. The figure must have arrived as an image.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from pathlib import Path

from conftest import ROOT
from test_widgets_browser import _require_browser, _stop, open_lab_page, start_jupyterlab

LESSON = "04_loss_and_gradients"  # its first figure comes before its first exercise
NOTEBOOK = ROOT / "release" / LESSON / f"{LESSON}.ipynb"
ARTIFACTS = ROOT / "artifacts" / "lab_as_student"
PROBE = ("import os, json, importlib.util, matplotlib; print('PROBE' + json.dumps({'COURSE_GRADING': "
         "os.environ.get('COURSE_GRADING'), 'MPLBACKEND': os.environ.get('MPLBACKEND'), "
         "'backend': matplotlib.get_backend(), 'autograder': importlib.util.find_spec('autograder') is not None}))")


def _start_make_lab(home: Path, log_path: Path):
    """Start `jupyter lab release/` in the repository root as `make lab` does; return (process, url, token)."""
    settings = {"notebook-extension/tracker": {"windowingMode": "none"},
                "docmanager-extension/plugin": {"autosave": False}}  # never write the release notebook
    bin_dir = Path(sys.executable).parent
    # what a student's shell has: none of the grading switches, the venv's bin/ on PATH (as the Makefile does)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "COURSE_"))
           and k not in ("MPLBACKEND", "PYTHONPATH")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    return start_jupyterlab([str(bin_dir / "jupyter"), "lab", "release/"], ROOT, env, home, settings, log_path)


def test_make_lab_kernels_show_plots_and_carry_no_grading_switch(tmp_path):
    sync_playwright = _require_browser()
    original = NOTEBOOK.read_bytes()
    checkpoints = NOTEBOOK.parent / ".ipynb_checkpoints"
    had_checkpoints = checkpoints.exists()
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    log_path = tmp_path / "jupyterlab.log"
    process, url, token = _start_make_lab(tmp_path / "jupyter-home", log_path)
    try:
        with sync_playwright() as p:
            browser, page = open_lab_page(p, url, token, f"lab/tree/{LESSON}/{LESSON}.ipynb")
            try:
                page.wait_for_function("""() => document.querySelectorAll('.jp-Notebook .jp-Cell').length > 10
                    && Array.from(document.querySelectorAll('.jp-StatusBar-TextItem'))
                    .some(e => /^Python 3 .*\\| Idle$/.test(e.textContent.trim()))""", timeout=120_000)
                page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
                page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Run All Cells$")).click()
                # Run All stops at the first `raise NotImplementedError()`; the figure before it must be an image.
                stderr = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
                try:
                    stderr.filter(has_text="NotImplementedError").first.wait_for(timeout=180_000)
                except Exception:
                    page.screenshot(path=ARTIFACTS / "run-all-did-not-stop.png", full_page=True)
                    raise AssertionError("Run All did not reach the first exercise within 180 s; stderr of the "
                                         f"cells: {stderr.all_inner_texts()}\n{log_path.read_text()[-2000:]}") from None
                images = page.locator(".jp-OutputArea-output.jp-RenderedImage img")
                try:
                    page.wait_for_function("els => els.length > 0 && els.every(e => e.complete && e.naturalWidth > 100)",
                                           arg=images.element_handles(), timeout=10_000)
                except Exception:
                    page.screenshot(path=ARTIFACTS / "no-plot.png", full_page=True)
                    raise AssertionError(f"the lesson's figure did not render as an image; stderr of the cells: "
                                         f"{stderr.all_inner_texts()}") from None

                # A student's own cell, typed into a new first cell, reports the kernel's environment.
                page.locator(".jp-Notebook .jp-Cell .jp-InputPrompt").first.click()
                page.keyboard.press("Escape")
                page.keyboard.press("a")
                page.keyboard.press("Enter")
                page.keyboard.insert_text(PROBE)
                page.keyboard.press("Shift+Enter")
                answer = page.locator(".jp-OutputArea-output", has_text="PROBE")
                answer.first.wait_for(timeout=60_000)
                page.screenshot(path=ARTIFACTS / "page.png", full_page=True)
                seen = json.loads(answer.first.inner_text().strip().removeprefix("PROBE"))
            finally:
                browser.close()
    finally:
        _stop(process)
        if not had_checkpoints:
            shutil.rmtree(checkpoints, ignore_errors=True)
    log = log_path.read_text()
    assert "nbgrader" in log, "the nbgrader server extension did not load, so this test proves nothing:\n" + log[-2000:]
    assert NOTEBOOK.read_bytes() == original, f"the test changed {NOTEBOOK}"
    assert seen["COURSE_GRADING"] is None, f"COURSE_GRADING reached a student's kernel: {seen}"
    assert seen["MPLBACKEND"] in (None, "module://matplotlib_inline.backend_inline"), seen
    assert "inline" in seen["backend"], f"plots do not show inline: {seen}"
    assert seen["autograder"] is False, f"the instructor's autograder is importable in a student's kernel: {seen}"
