"""course.widgets in a real browser: JupyterLab on loopback, Debian's chromium driven by Playwright.

A throw-away folder holds a notebook made of the three "Explore" cells, copied from
the release lessons 02, 03 and 04. The test starts JupyterLab on a free 127.0.0.1 port with a token, opens the
notebook in headless chromium, runs all cells, and for each explorer checks that
its sliders and picture rendered, drags one slider with the mouse, moves one with
the arrow keys, and checks that the picture and the verdict changed. Screenshots
go to ``artifacts/widgets_browser/`` (before, after-mouse, after-keyboard) and the
measured key-press-to-new-picture times to ``artifacts/widget_latency_browser.json``.

Chromium comes from Debian (``make browser`` installs it); Playwright's own browser
download is not used. When chromium or Playwright is missing the test FAILS, saying
how to install it: a browser check that silently skips proves nothing.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = ROOT / "artifacts" / "widgets_browser"
SERVER_START_SECONDS = 90
RENDER_SECONDS = 240  # first kernel start plus importing matplotlib and ipywidgets, on a busy 2-core machine
REDRAW_SECONDS = 30

# The lesson that carries each explorer; its "Explore" cells (markdown, code) are read from the release.
LESSONS = {"perceptron": "02_perceptron", "activation": "03_forward_propagation",
           "gradient_descent": "04_loss_and_gradients"}


def explore_cells() -> dict[str, tuple[str, str]]:
    """Return {explorer: (markdown, code)} as the release notebooks show them to students."""
    cells = {}
    for key, assignment in LESSONS.items():
        nb = nbformat.read(ROOT / "release" / assignment / f"{assignment}.ipynb", as_version=4)
        found = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and f"{key}_explorer()" in c.source]
        assert len(found) == 1, f"release/{assignment} should hold exactly one {key}_explorer() cell"
        cells[key] = (nb.cells[found[0] - 1].source, nb.cells[found[0]].source)
    return cells
# For each explorer: the CSS class of its box; the slider moved with the keyboard from its starting value,
# the key, how many presses, and words the verdict must then show; the slider then dragged with the
# mouse, the slider position (value, or exponent for the log slider) to drag it to, and the verdict's
# words there. The verdicts are computed by the kernel from the values the browser sent.
PLAN = {
    "perceptron": dict(css="course-perceptron-explorer",
                       key_slider="b (bias)", key="ArrowLeft", presses=10, key_words="realise AND",  # b = -0.7
                       mouse_slider="w2", mouse_to=1.0, mouse_words="do not realise AND"),
    "activation": dict(css="course-activation-explorer",
                       key_slider="marked input x", key="ArrowRight", presses=5,
                       key_words="value 0.8176",  # sigmoid(1.5)
                       mouse_slider="marked input x", mouse_to=-3.0, mouse_words="at x = -"),
    "gradient_descent": dict(css="course-gradient-descent-explorer",
                             key_slider="learning rate", key="ArrowRight", presses=14,
                             key_words="diverges",  # lr 10 → 10^2.4 ≈ 251
                             mouse_slider="learning rate", mouse_to=-2.0, mouse_words="stalls"),  # lr ≈ 0.01
}


def _require_browser():
    """Return Playwright's sync API, failing (not skipping) with the fix when something is missing."""
    if not CHROMIUM.exists():
        pytest.fail(f"Debian's chromium is not installed ({CHROMIUM} missing), so the widgets cannot be checked "
                    "in a browser. Install it with `make browser` (runs `apt-get update && apt-get install -y "
                    "chromium` as root) and run the tests again.", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("The Python package `playwright` is missing: `pip install -e '.[dev]'` (or `make setup`) "
                    "installs the pinned version.", pytrace=False)
    return sync_playwright


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_notebook(folder: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    for markdown, code in explore_cells().values():
        nb.cells += [nbformat.v4.new_markdown_cell(markdown), nbformat.v4.new_code_cell(code)]
    path = folder / "explore.ipynb"
    nbformat.write(nb, path)
    return path


def start_jupyterlab(command: list[str], cwd: Path, env: dict, home: Path, settings: dict, log_path: Path):
    """Start JupyterLab (``command`` plus loopback, port and token options) with private config/data dirs
    under ``home`` and the user ``settings`` {plugin: values}; return (process, url, token) once it answers."""
    port, token = _free_port(), secrets.token_hex(16)
    folder = home / "config" / "lab" / "user-settings" / "@jupyterlab"
    # no "get Jupyter news?" toast, no update check: nothing may reach outside this machine
    for plugin, values in {"apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
                           **settings}.items():
        path = folder / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = dict(env, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_DATA_DIR=str(home / "data"),
               JUPYTER_RUNTIME_DIR=str(home / "runtime"), IPYTHONDIR=str(home / "ipython"))
    command = [*command, "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", "--ServerApp.allow_root=True",
               "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + SERVER_START_SECONDS
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=5) as response:
                if response.status == 200:
                    return process, url, token
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            _stop(process)
            pytest.fail(f"JupyterLab did not start within {SERVER_START_SECONDS} s; its log:\n"
                        + log_path.read_text()[-3000:], pytrace=False)
        time.sleep(0.5)


def open_lab_page(playwright, url: str, token: str, path: str):
    """Launch Debian's chromium and open ``path`` (e.g. "lab/tree/x.ipynb") on the JupyterLab at ``url``;
    return (browser, page). The caller closes the browser."""
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(30_000)
    page.goto(f"{url}/{path}?token={token}", timeout=120_000)
    return browser, page


def _start_lab(folder: Path, log_path: Path):
    """Start JupyterLab on ``folder``; return (process, url, token)."""
    env = {k: v for k, v in os.environ.items() if k not in ("JUPYTER_PATH", "JUPYTER_CONFIG_PATH")}
    # every cell in the page, not only those scrolled into view, so all three explorers are there
    settings = {"notebook-extension/tracker": {"windowingMode": "none"}}
    return start_jupyterlab([sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}"], folder, env,
                            folder / "jupyter-home", settings, log_path)


def _kernels_of(pid: int) -> list[int]:
    """The ipykernel processes started by process ``pid`` (they run in sessions of their own)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            if parent == pid and b"ipykernel" in (stat.parent / "cmdline").read_bytes():
                found.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
    return found


def _stop(process):
    """Shut the server down (SIGTERM lets it stop its kernels); kill whatever of it and its kernels lingers."""
    kernels = _kernels_of(process.pid)
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=10)
    for pid in kernels:
        try:
            if b"ipykernel" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGKILL)
        except (OSError, ProcessLookupError):
            pass


@pytest.fixture()
def lab(tmp_path):
    """Playwright, and a running JupyterLab serving a folder with the explore notebook (always shut down after)."""
    sync_playwright = _require_browser()
    _write_notebook(tmp_path)
    log_path = tmp_path / "jupyterlab.log"
    process, url, token = _start_lab(tmp_path, log_path)
    try:
        yield sync_playwright, url, token, log_path
    finally:
        _stop(process)


def test_a_missing_chromium_fails_and_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setattr(sys.modules[__name__], "CHROMIUM", tmp_path / "no-chromium")
    with pytest.raises(pytest.fail.Exception, match="make browser"):
        _require_browser()


def _slider(box, label):
    """The slider row of ``box`` whose description is ``label``."""
    return box.locator(".widget-slider").filter(has=box.page.locator(".widget-label", has_text=re.compile(
        "^" + re.escape(label) + "$")))


def _src(box):
    return box.locator("img").first.get_attribute("src")


def _wait_new_picture(page, box, old_src, what):
    """Wait (bounded) until the explorer's image shows a new picture; return the new src."""
    try:
        page.wait_for_function("([el, old]) => el.getAttribute('src') !== old",
                               arg=[box.locator("img").first.element_handle(), old_src],
                               timeout=REDRAW_SECONDS * 1000)
    except Exception as exc:  # Playwright's TimeoutError: say what did not happen
        raise AssertionError(f"{what}: the picture did not change within {REDRAW_SECONDS} s") from exc
    return _src(box)


def _settle(page, box):
    """Wait until no new picture has arrived for a second (queued redraws from a drag are done)."""
    deadline = time.monotonic() + REDRAW_SECONDS
    src = _src(box)
    while time.monotonic() < deadline:
        page.wait_for_timeout(1000)
        newer = _src(box)
        if newer == src:
            return src
        src = newer
    raise AssertionError(f"the picture kept changing for {REDRAW_SECONDS} s")


def _verdict(box):
    return box.locator(".widget-html").inner_text().replace("\u2212", "-")  # the page shows true minus signs


def _press_keys(page, box, plan, src):
    """Focus a slider handle and press an arrow key, one redraw per press; return (values, seconds per press)."""
    row = _slider(box, plan["key_slider"])
    readout = row.locator(".widget-readout")
    values = [readout.inner_text()]
    handle = row.locator(".noUi-handle")
    handle.focus()
    assert handle.evaluate("el => document.activeElement === el"), f"{plan['css']}: slider handle not focusable"
    times = []
    for _ in range(plan["presses"]):
        # timed inside the page: from the key going down to the picture's new src
        handle.evaluate("""el => {
            window.__keyAt = null; window.__pictureAt = null;
            el.addEventListener('keydown', () => { window.__keyAt ??= performance.now(); }, {once: true});
            const img = el.closest('.course-explorer').querySelector('img');
            const seen = new MutationObserver(() => { window.__pictureAt ??= performance.now(); seen.disconnect(); });
            seen.observe(img, {attributes: true, attributeFilter: ['src']});
        }""")
        page.keyboard.press(plan["key"])
        src = _wait_new_picture(page, box, src, f"after pressing {plan['key']} on {plan['key_slider']!r}")
        times.append(page.evaluate("window.__pictureAt - window.__keyAt") / 1000)
        values.append(readout.inner_text())
    assert len(set(values)) == plan["presses"] + 1, f"{plan['key']} on {plan['key_slider']!r} gave {values}"
    return values, times


def _drag(page, box, plan, src):
    """Drag a slider handle with the mouse to the track point of ``plan['mouse_to']``; return the new readout."""
    row = _slider(box, plan["mouse_slider"])
    assert row.count() == 1, f"no slider labelled {plan['mouse_slider']!r}"
    readout = row.locator(".widget-readout")
    before = readout.inner_text()
    handle = row.locator(".noUi-handle")
    low, high = (float(handle.get_attribute(a)) for a in ("aria-valuemin", "aria-valuemax"))
    track, knob = row.locator(".noUi-target").bounding_box(), handle.bounding_box()
    x, y = knob["x"] + knob["width"] / 2, knob["y"] + knob["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(track["x"] + (plan["mouse_to"] - low) / (high - low) * track["width"], y, steps=5)
    page.mouse.up()
    _wait_new_picture(page, box, src, f"after dragging {plan['mouse_slider']!r}")
    _settle(page, box)
    after = readout.inner_text()
    assert after != before, f"dragging {plan['mouse_slider']!r} left its value at {before}"
    return after


def _check_explorer(page, name, results):
    plan = PLAN[name]
    box = page.locator(f".{plan['css']}")
    box.scroll_into_view_if_needed()
    # rendered: sliders with focusable handles, a picture, a verdict
    handles = box.locator(".noUi-handle")
    assert handles.count() >= 3, f"{name}: expected its sliders, found {handles.count()} slider handles"
    assert box.locator("img").count() == 1, f"{name}: no picture"
    page.wait_for_function("el => el.complete && el.naturalWidth > 100",
                           arg=box.locator("img").first.element_handle(), timeout=REDRAW_SECONDS * 1000)
    shots = {stage: ARTIFACTS / f"{name}-{stage}.png" for stage in ("before", "after-keyboard", "after-mouse")}
    src = _settle(page, box)
    box.screenshot(path=shots["before"])

    values, times = _press_keys(page, box, plan, src)
    src = _settle(page, box)
    verdict = _verdict(box)
    assert plan["key_words"] in verdict, f"{name}: after the keys, expected {plan['key_words']!r} in {verdict!r}"
    box.screenshot(path=shots["after-keyboard"])

    dragged_to = _drag(page, box, plan, src)
    verdict = _verdict(box)
    assert plan["mouse_words"] in verdict, f"{name}: after the drag, expected {plan['mouse_words']!r} in {verdict!r}"
    box.screenshot(path=shots["after-mouse"])

    pictures = [path.read_bytes() for path in shots.values()]
    assert len(set(pictures)) == 3, f"{name}: the screenshots before and after are not all different"
    results[name] = {"median_seconds": statistics.median(times), "seconds_per_key_press": times,
                     "keyboard_values": values, "dragged_to": dragged_to,
                     "screenshots": [str(path.relative_to(ROOT)) for path in shots.values()]}


def test_explorers_render_and_respond_in_jupyterlab(lab):
    sync_playwright, url, token, log_path = lab
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    results, failures = {}, []
    with sync_playwright() as p:
        browser, page = open_lab_page(p, url, token, "lab/tree/explore.ipynb")
        try:
            page.locator(".jp-Notebook").first.wait_for(timeout=120_000)
            # "Run All" before the notebook is loaded and its kernel connected runs nothing: wait for both
            page.wait_for_function(f"""() => document.querySelectorAll('.jp-Notebook .jp-Cell').length === {
                2 * len(LESSONS)} && Array.from(document.querySelectorAll('.jp-StatusBar-TextItem'))
                .some(e => /^Python 3 .*\\| Idle$/.test(e.textContent.trim()))""", timeout=120_000)
            page.locator(".lm-MenuBar-itemLabel", has_text=re.compile("^Run$")).click()
            page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Run All Cells$")).click()
            try:
                page.wait_for_function("document.querySelectorAll('.course-explorer img').length >= 3",
                                       timeout=RENDER_SECONDS * 1000)
            except Exception:
                page.screenshot(path=ARTIFACTS / "page-not-rendered.png", full_page=True)
                errors = page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']")
                raise AssertionError(f"the three explorers did not render within {RENDER_SECONDS} s; stderr: "
                                     f"{errors.all_inner_texts()}; server log:\n{log_path.read_text()[-2000:]}")
            for name in PLAN:
                try:
                    _check_explorer(page, name, results)
                except AssertionError as exc:
                    failures.append(f"{name}: {exc}")
                    page.screenshot(path=ARTIFACTS / f"{name}-failed-page.png", full_page=True)
            page.screenshot(path=ARTIFACTS / "page.png", full_page=True)
        finally:
            browser.close()
    (ROOT / "artifacts" / "widget_latency_browser.json").write_text(json.dumps(results, indent=2))
    assert not failures, "\n".join(failures)
    slow = {k: v["median_seconds"] for k, v in results.items() if v["median_seconds"] >= 1.0}
    assert not slow, f"median key-press-to-new-picture time (s) is not under a second: {slow}"
