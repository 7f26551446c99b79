"""Grade one submission in a worker process: check, sanitize, execute under limits, judge.

Nothing here writes to the gradebook: the result goes back to the parent
(:mod:`autograder.grade`), the only writer. No student code runs in this process:
it runs in a sandboxed kernel (:mod:`autograder.sandbox`), and the hidden tests'
verdicts come from :class:`autograder.judge.JudgeServer` living here.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader import utils
from nbgrader.preprocessors import (CheckCellMetadata, ClearOutput, DeduplicateIds, OverwriteCells,
                                    OverwriteKernelspec)

from autograder.judge import JudgeServer
from autograder.settings import Limits

# Every kernel works in its own folder under this one (and may write nowhere else).
WORKDIRS = Path(tempfile.gettempdir()) / "course-grading"
CHECK_CALL = re.compile(r'check\("(\w+)", "(\w+)",')
HIDDEN_TESTS = re.compile(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", re.S)
KERNEL_NAME = "course-sandbox"


@dataclass
class Flag:
    """Something the instructor should look at; never changes a score by itself."""

    kind: str
    detail: str
    cell: int | None = None
    line: int | None = None


@dataclass
class Result:
    """What grading one notebook of one student produced."""

    student: str
    assignment: str
    notebook: str
    status: str = "graded"           # graded | not graded
    reasons: list = field(default_factory=list)   # what cost points beyond wrong answers, for the student
    flags: list = field(default_factory=list)
    seconds: float = 0.0
    executed: str | None = None      # the autograded notebook, as JSON


def error_output(name: str, text: str):
    """Return an nbformat error output: nbgrader gives a test cell holding one no points."""
    return nbformat.v4.new_output("error", ename=name, evalue=text, traceback=[f"{name}: {text}"])


class SandboxClient(NotebookClient):
    """nbclient with a cap on each cell's output and an error for errors whose traceback was hidden."""

    def __init__(self, nb, limits: Limits, **kwargs):
        super().__init__(nb, **kwargs)
        self.cap = limits.output_kb * 1024
        self.sizes = {}
        self.truncated = set()
        self.timed_out = False

    async def _async_handle_timeout(self, timeout, cell=None):
        # The kernel is interrupted and usually answers with a KeyboardInterrupt: remember why.
        self.timed_out = True
        return await super()._async_handle_timeout(timeout, cell)

    def output(self, outs, msg, display_id, cell_index):
        size = len(json.dumps(msg.get("content", {})))
        self.sizes[cell_index] = self.sizes.get(cell_index, 0) + size
        if self.sizes[cell_index] > self.cap:
            if cell_index not in self.truncated:
                self.truncated.add(cell_index)
                outs.append(nbformat.v4.new_output(
                    "stream", name="stdout", text=f"\n[output truncated: this cell printed more than "
                                                  f"{self.cap // 1024} KB]\n"))
            return None
        return super().output(outs, msg, display_id, cell_index)


def kernel_spec_dir() -> str:
    """Create a Jupyter data dir holding the sandbox kernelspec and return its path."""
    data = Path(tempfile.mkdtemp(prefix="sandbox-kernel-"))
    spec = data / "kernels" / KERNEL_NAME
    spec.mkdir(parents=True)
    spec.joinpath("kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "autograder.sandbox", "-f", "{connection_file}"],
        "display_name": "Python 3 (grading sandbox)", "language": "python"}))
    return str(data)


_KERNEL_DIR = None


def _kernel_dir() -> str:
    global _KERNEL_DIR
    _KERNEL_DIR = _KERNEL_DIR or kernel_spec_dir()
    return _KERNEL_DIR


def _release(root: str, assignment: str, notebook: str):
    """Return the release notebook the student started from."""
    return nbformat.read(Path(root) / "release" / assignment / f"{notebook}.ipynb", as_version=4)


def _graded_cells(release) -> dict[str, dict]:
    """Return {grade_id: {checksum, is_test}} of the nbgrader cells of the release notebook, in order."""
    return {c.metadata.nbgrader["grade_id"]: {"checksum": utils.compute_checksum(c), "is_test": _is_test(c)}
            for c in release.cells if "nbgrader" in c.metadata and c.metadata.nbgrader.get("grade_id")}


def integrity_flags(nb, source: dict[str, dict]) -> list[Flag]:
    """Compare the submitted cells with the source's: edited, deleted, duplicated or moved test cells."""
    flags = []
    seen = {}
    for index, cell in enumerate(nb.cells):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id is None:
            continue
        if grade_id in seen:
            flags.append(Flag("duplicated cell", f"cell {grade_id!r} appears more than once", index))
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


def _sanitize(nb, resources):
    """nbgrader's own sanitizing steps: clear outputs, drop duplicated ids, restore locked and test cells."""
    nb, resources = ClearOutput().preprocess(nb, resources)
    nb, resources = DeduplicateIds().preprocess(nb, resources)
    for cell in nb.cells:
        if cell.get("metadata", {}).get("nbgrader") == {}:  # a duplicate DeduplicateIds emptied: plain cell now
            del cell.metadata["nbgrader"]
    for pre in (OverwriteKernelspec(), OverwriteCells(), CheckCellMetadata()):
        nb, resources = pre.preprocess(nb, resources)
    return nb


def _is_test(cell) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _execute(nb, workdir: str, limits: Limits, server: JudgeServer, result: Result) -> list[int]:
    """Run the code cells in order under the limits; return the indices of the cells that ran."""
    client = SandboxClient(nb, limits, timeout=int(limits.cell_seconds), kernel_name=KERNEL_NAME,
                           allow_errors=True, interrupt_on_timeout=True, raise_on_iopub_timeout=False,
                           error_on_timeout={"ename": "CellTimeoutError", "evalue": "",
                                             "traceback": [f"CellTimeoutError: this cell ran longer than "
                                                           f"{limits.cell_seconds:g} s and was stopped"]},
                           resources={"metadata": {"path": workdir}}, startup_timeout=120,
                           on_cell_executed=_record_hidden_errors)
    deadline = time.monotonic() + limits.notebook_seconds
    ran = []
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    with client.setup_kernel():
        for position, index in enumerate(code_cells):
            remaining = deadline - time.monotonic()
            if remaining <= 1:
                _stop_here(nb, code_cells[position:], "NotebookTimeLimit",
                           f"the notebook ran longer than {limits.notebook_seconds:g} s; this cell did not run")
                result.reasons.append(f"notebook time limit ({limits.notebook_seconds:g} s) reached")
                break
            client.timeout = int(max(1, min(limits.cell_seconds, remaining)))
            client.timed_out = False
            server.ledger.cell = index
            try:
                client.execute_cell(nb.cells[index], index)
                ran.append(index)
            except DeadKernelError:
                _stop_here(nb, code_cells[position:], "KernelDied",
                           "the kernel died (it crashed, exited, or ran out of memory: the limit is "
                           f"{limits.memory_mb} MB); this cell and the ones after it did not finish")
                result.reasons.append(f"the kernel died in cell {index}")
                break
            except CellTimeoutError:  # raised instead of reported when the kernel ignores the interrupt
                nb.cells[index].outputs.append(error_output("CellTimeoutError", "the cell did not finish"))
                ran.append(index)
            if client.timed_out:
                if not any(o.get("ename") == "CellTimeoutError" for o in nb.cells[index].outputs):
                    nb.cells[index].outputs.append(error_output(
                        "CellTimeoutError", f"this cell ran longer than {client.timeout} s and was stopped"))
                result.reasons.append(f"cell {index} exceeded its time limit ({client.timeout} s) and was stopped")
    for index in client.truncated:
        result.reasons.append(f"cell {index}'s output was truncated at {limits.output_kb} KB")
    return ran


def _record_hidden_errors(cell, cell_index, execute_reply):
    """Give every cell whose reply says 'error' an error output (as nbgrader does).

    A timeout's reply carries no output; any other error without one had its traceback silenced.
    """
    content = execute_reply["content"] if execute_reply else {}
    if content.get("status") != "error" or any(o.get("output_type") == "error" for o in cell.outputs):
        return
    if content.get("ename") == "CellTimeoutError":
        cell.outputs.append(error_output("CellTimeoutError", content["traceback"][-1]))
    else:
        cell.outputs.append(error_output("HiddenError", "this cell raised an error, but its traceback "
                                                         "was suppressed"))
        cell.metadata["grader_silenced_error"] = True


def _stop_here(nb, indices, name, text):
    for index in indices:
        nb.cells[index].outputs.append(error_output(name, text))


def _judge_corrections(nb, ran, server: JudgeServer, result: Result) -> None:
    """A test cell keeps its points only if the judge confirmed every check it calls."""
    verdicts = {}
    for cell_index, module, name, ok, message in server.ledger.verdicts:
        verdicts.setdefault((cell_index, module, name), []).append((ok, message))
    for index in ran:
        cell = nb.cells[index]
        if not _is_test(cell) or any(o.get("output_type") == "error" for o in cell.outputs):
            continue
        for module, name in CHECK_CALL.findall(cell.source):
            seen = verdicts.get((index, module, name), [])
            if not seen or not all(ok for ok, _ in seen):
                why = seen[-1][1] if seen else "no verdict from the grader's judge"
                cell.outputs.append(error_output("HiddenTestFailed", f"hidden test of {name} failed: {why}"))
                result.flags.append(Flag("judge overruled kernel", f"test cell passed in the kernel, but the "
                                         f"judge found: {why}", index))
                break


def _guard_flags(nb, ran, server: JudgeServer, result: Result, release) -> None:
    """Turn the guard's reports into flags located at a cell and line."""
    executed = {n: index for n, index in enumerate(ran, 1)}
    heartbeats = set()
    for _, event in server.ledger.events:
        kind, detail = event.get("kind"), str(event.get("detail", ""))
        index = executed.get(event.get("cell_number"))
        if kind == "heartbeat":
            heartbeats.add(index)
            continue
        if kind == "import" and index is not None and _is_test(nb.cells[index]):
            continue  # the hidden tests import their own helpers
        line = event.get("line")
        if kind == "rebind" and index is not None:
            attribute = detail.rsplit(".", 1)[-1]
            line = next((n for n, text in enumerate(nb.cells[index].source.splitlines(), 1)
                         if attribute in text), None)
        result.flags.append(Flag(kind, detail, index, line))
    silent = [i for i in ran if i not in heartbeats]
    if silent and server.ledger.events:
        result.flags.append(Flag("guard silenced", f"no report from the sandbox after cell {silent[0]}", silent[0]))
    for index in ran:
        if nb.cells[index].metadata.pop("grader_silenced_error", False):
            result.flags.append(Flag("silenced error", "the cell's error display was suppressed", index))
    tests = [i for i, c in enumerate(nb.cells) if _is_test(c)]
    lesson = {c.source for c in release.cells}  # the release's own cells after the tests are part of the lesson
    late = [i for i in ran if tests and i > tests[-1] and nb.cells[i].source.strip()
            and nb.cells[i].source not in lesson]
    if late:
        result.flags.append(Flag("code after tests", "code cells run after the last test cell", late[0]))


def grade_notebook(path: Path, student: str, assignment: str, notebook: str, db_url: str, root: str,
                   limits: Limits) -> Result:
    """Grade one submitted notebook file as ``notebook`` of ``assignment``; never raises for bad input."""
    result = Result(student, assignment, notebook)
    start = time.monotonic()
    try:
        if path.stat().st_size > limits.submission_mb * 2**20:
            raise ValueError(f"the file is larger than {limits.submission_mb} MB")
        nb = nbformat.reads(path.read_text(encoding="utf-8", errors="replace"), as_version=4)
    except Exception as exc:  # any unreadable file is the student's problem, reported, never a crash
        result.status = "not graded"
        result.reasons.append(f"{path.name} is not a readable notebook ({type(exc).__name__}: {str(exc)[:200]})")
        result.seconds = time.monotonic() - start
        return result
    release = _release(root, assignment, notebook)
    source = _graded_cells(release)
    submitted_ids = {c.get("metadata", {}).get("nbgrader", {}).get("grade_id") for c in nb.cells}
    if len(submitted_ids & set(source)) < len(source) / 2:
        result.status = "not graded"
        result.reasons.append(f"{path.name} does not look like {assignment}: most of its graded cells are missing "
                              "(another assignment's notebook?)")
        result.seconds = time.monotonic() - start
        return result
    result.flags += integrity_flags(nb, source)
    resources = {"nbgrader": {"db_url": db_url, "assignment": assignment, "notebook": notebook,
                              "student": student}}
    try:
        nb = _sanitize(nb, resources)
    except Exception as exc:  # hand-edited metadata nbgrader cannot read
        result.status = "not graded"
        result.reasons.append(f"the notebook's nbgrader cell metadata is damaged ({type(exc).__name__}: "
                              f"{str(exc)[:200]}); start again from a fresh copy of the release")
        result.seconds = time.monotonic() - start
        return result
    WORKDIRS.mkdir(exist_ok=True)
    workdir = tempfile.mkdtemp(prefix=re.sub(r"\W", "_", student)[:40] + "-", dir=WORKDIRS)
    with JudgeServer() as server:
        os.environ.update(JUPYTER_PATH=_kernel_dir(), COURSE_JUDGE=server.address, COURSE_ROOT=root,
                          COURSE_WORKDIRS=str(WORKDIRS), PYTHONPATH=root, COURSE_GRADING="1", TMPDIR=workdir,
                          PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg", COURSE_MEMORY_MB=str(limits.memory_mb),
                          COURSE_FILE_MB=str(limits.file_mb), TF_CPP_MIN_LOG_LEVEL="3")
        try:
            ran = _execute(nb, workdir, limits, server, result)
        except Exception as exc:  # the kernel could not even start: the notebook still gets graded (zero)
            result.reasons.append(f"the notebook could not be run ({type(exc).__name__}: {str(exc)[:200]})")
            ran = []
            _stop_here(nb, [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and not c.outputs],
                       "NotRun", "the notebook could not be run")
        _judge_corrections(nb, ran, server, result)
        _guard_flags(nb, ran, server, result, release)
    for cell in nb.cells:
        if _is_test(cell):  # the feedback shows which check failed, never the hidden tests themselves
            cell.source = HIDDEN_TESTS.sub("# (hidden tests ran here: their verdict is below)\n", cell.source).rstrip()
    shutil.rmtree(workdir, ignore_errors=True)
    result.executed = nbformat.writes(nb)
    result.seconds = time.monotonic() - start
    return result


def result_to_dict(result: Result) -> dict:
    """Return the result as plain data (for the resume marker and the report)."""
    data = asdict(result)
    data.pop("executed")
    return data


@functools.lru_cache(maxsize=1)
def _feedback_exporter():
    """nbgrader's feedback HTML exporter, configured as ``nbgrader generate_feedback`` configures it (built once)."""
    from nbconvert.exporters import HTMLExporter
    from traitlets.config import Config

    formgrader = Path(utils.__file__).parent / "server_extensions" / "formgrader"
    return HTMLExporter(config=Config({"HTMLExporter": {
        "template_name": "feedback",
        "extra_template_basedirs": [str(formgrader / "templates")],
        "extra_template_paths": [str(formgrader / "static" / "node_modules" / "bootstrap" / "dist" / "css")]}}))


def write_feedback(task: dict) -> None:
    """Write ``feedback/<student>/<assignment>/<notebook>.html`` as ``nbgrader generate_feedback`` does.

    Done here, in the worker, so that feedback for a class is written in parallel.
    """
    from jupyter_core.paths import jupyter_config_dir
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    exporter = _feedback_exporter()
    root, student, assignment, notebook = Path(task["root"]), task["student"], task["assignment"], task["notebook"]
    nb = nbformat.read(root / "autograded" / student / assignment / f"{notebook}.ipynb", as_version=4)
    resources = {"nbgrader": {"db_url": task["db_url"], "assignment": assignment, "notebook": notebook,
                              "student": student}, "config_dir": jupyter_config_dir()}
    for pre in (GetGrades(), CSSHTMLHeaderPreprocessor()):
        nb, resources = pre.preprocess(nb, resources)
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    folder = root / "feedback" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{notebook}.html").write_text(body, encoding="utf-8")


def main() -> None:
    """``python -m autograder.runner``: a grading worker.

    Reads one task per line (JSON) on stdin and answers each with one line: the
    :class:`Result` as JSON. The parent keeps a few such workers alive and replaces one
    that dies or hangs, so a crash costs one student one notebook and nothing else.
    """
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    sys.stdout = sys.stderr  # nothing a library prints may corrupt the answers
    # Build matplotlib's font cache here, once: kernels may read it but not write it.
    import matplotlib.font_manager  # noqa: F401
    for line in sys.stdin:
        task = json.loads(line)
        if task.get("kind") == "feedback":
            try:
                write_feedback(task)
                answer = {"ok": True}
            except Exception as exc:  # feedback is a convenience: report, never crash the worker
                answer = {"ok": False, "error": f"{type(exc).__name__}: {str(exc)[:300]}"}
            channel.write(json.dumps(answer) + "\n")
            channel.flush()
            continue
        try:
            result = grade_notebook(Path(task["path"]), task["student"], task["assignment"], task["notebook"],
                                    task["db_url"], task["root"], Limits(**task["limits"]))
        except Exception as exc:  # a grader bug must not lose the student: report it as not graded
            result = Result(task["student"], task["assignment"], task["notebook"], status="not graded",
                            reasons=[f"internal grader error ({type(exc).__name__}: {str(exc)[:200]})"])
        channel.write(json.dumps(asdict(result)) + "\n")
        channel.flush()


if __name__ == "__main__":
    main()
