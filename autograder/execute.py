"""Run a notebook's code cells in a sandboxed kernel, under the time limits and output caps.

Everything the kernel sends is data: each cell's outputs (display updates included) count
against its cap, whatever their kind, and what goes over is dropped and reported.
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time

import nbformat
import zmq
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from autograder.judge import Judge
from autograder.limits import Limits
from autograder.messages import GRADER_NOTES, translate_text
from autograder.sandbox import Sandbox
from autograder.wire import Result
from course.i18n import notebook_language

OUTPUT_MESSAGES = {"stream", "display_data", "execute_result", "error", "update_display_data"}


def error_output(name: str, text: str):
    """Return an nbformat error output: nbgrader gives a test cell holding one no points."""
    return nbformat.v4.new_output("error", ename=name, evalue=text, traceback=[f"{name}: {text}"])


def add_grader_notes(nb, reasons: list[str]) -> None:
    """Open ``nb`` with a *Grader notes* cell listing ``reasons`` (what cost points beyond wrong answers).

    The notes are written in the notebook's language (``metadata.course.lang``): ``reasons`` stay English.
    """
    if reasons:
        lang = notebook_language(nb)
        nb.cells.insert(0, nbformat.v4.new_markdown_cell(
            translate_text(GRADER_NOTES, lang) + "\n\n"
            + "\n".join(f"- {translate_text(reason, lang)}" for reason in reasons)))


def is_test(cell) -> bool:
    """True for an autograded test cell (a graded code cell that is not a solution)."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


class SandboxClient(NotebookClient):
    """nbclient on a :class:`~autograder.sandbox.Sandbox` kernel, with a cap on every cell's output."""

    def __init__(self, nb, sandbox: Sandbox, limits: Limits, **kwargs):
        super().__init__(nb, **kwargs)
        self.sandbox = sandbox
        self.cap = limits.output_kb * 1024
        self.sizes = {}
        self.truncated = set()
        self.timed_out = False

    def create_kernel_manager(self):
        self.km = self.sandbox.km or self.sandbox.kernel_manager()
        return self.km

    async def _async_handle_timeout(self, timeout, cell=None):
        # The kernel is interrupted and usually answers with a KeyboardInterrupt: remember why.
        self.timed_out = True
        try:
            return await super()._async_handle_timeout(timeout, cell)
        except zmq.Again:  # it does not even take the interrupt: it broke its own channels
            _kill(self)
            raise DeadKernelError("the kernel stopped answering and was stopped") from None

    def process_message(self, msg, cell, cell_index):
        kind = msg.get("msg_type") or msg.get("header", {}).get("msg_type")
        if kind in OUTPUT_MESSAGES:
            size = len(json.dumps(msg.get("content", {})))
            if kind == "update_display_data":  # an update rewrites every output showing that display
                targets = self._display_id_map.get(msg.get("content", {}).get("transient", {}).get("display_id"), {})
                size *= max(1, sum(len(v) for v in targets.values()))
            self.sizes[cell_index] = self.sizes.get(cell_index, 0) + size
            if self.sizes[cell_index] > self.cap:
                if cell_index not in self.truncated:
                    self.truncated.add(cell_index)
                    cell.outputs.append(nbformat.v4.new_output(
                        "stream", name="stdout",
                        text=f"\n[output truncated: this cell printed more than {self.cap // 1024} KB]\n"))
                return None
        return super().process_message(msg, cell, cell_index)


def _stop_here(nb, indices, name, text):
    for index in indices:
        nb.cells[index].outputs.append(error_output(name, text))


def execute(nb, sandbox: Sandbox, judge: Judge, limits: Limits, result: Result) -> list[int]:
    """Run the code cells of ``nb`` in order under ``limits``; return the indices of the cells that ran.

    Tells ``judge`` which cell is running; adds reasons (time limits, dead kernel, truncation) to ``result``.
    """
    client = SandboxClient(nb, sandbox, limits, timeout=int(limits.cell_seconds), allow_errors=True,
                           interrupt_on_timeout=True, raise_on_iopub_timeout=False, startup_timeout=120,
                           error_on_timeout={"ename": "CellTimeoutError", "evalue": "",
                                             "traceback": [f"CellTimeoutError: this cell ran longer than "
                                                           f"{limits.cell_seconds:g} s and was stopped"]},
                           on_cell_executed=_record_hidden_errors, shutdown_kernel="immediate")
    deadline = time.monotonic() + limits.notebook_seconds
    start = time.monotonic()
    booted = sandbox.km is not None  # started ahead (autograder.warm): only its readiness is waited for
    with client.setup_kernel(**({} if booted else sandbox.launch_kwargs)):
        if not booted:
            sandbox.launched()
        result.phases["start"] = round(time.monotonic() - start, 3)
        # A kernel that wedged its own channels answers nothing, not even an interrupt: past the
        # notebook's time it is killed (its sandbox dies with it), and the cells left report it.
        watchdog = threading.Timer(limits.notebook_seconds + 15, _kill, [client])
        watchdog.daemon = True
        watchdog.start()
        try:
            ran = _run_cells(nb, client, judge, limits, result, deadline)
        finally:
            watchdog.cancel()
    for index in sorted(client.truncated):
        result.reasons.append(f"cell {index}'s output was truncated at {limits.output_kb} KB")
    return ran


def _kill(client) -> None:
    process = getattr(getattr(client.km, "provisioner", None), "process", None)
    if process is not None and process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except OSError:
            process.kill()


def _run_cells(nb, client, judge: Judge, limits: Limits, result: Result, deadline: float) -> list[int]:
    ran = []
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    for position, index in enumerate(code_cells):
        remaining = deadline - time.monotonic()
        if remaining <= 1:
            _stop_here(nb, code_cells[position:], "NotebookTimeLimit",
                       f"the notebook ran longer than {limits.notebook_seconds:g} s; this cell did not run")
            result.reasons.append(f"notebook time limit ({limits.notebook_seconds:g} s) reached")
            break
        client.timeout = int(max(1, min(limits.cell_seconds, remaining)))
        client.timed_out = False
        judge.running(index, is_test(nb.cells[index]))
        try:
            client.execute_cell(nb.cells[index], index)
            ran.append(index)
        except DeadKernelError:
            _stop_here(nb, code_cells[position:], "KernelDied",
                       "the kernel died (it crashed, exited, or ran out of memory: the limit is "
                       f"{limits.memory_mb} MB); this cell and the ones after it did not finish")
            result.reasons.append(f"the kernel died in cell {index}")
            break
        except zmq.Again:  # the kernel broke its own channels: nothing more can be sent to it
            _kill(client)
            _stop_here(nb, code_cells[position:], "KernelUnresponsive",
                       "the kernel stopped answering the grader and was stopped; this cell and the ones after it "
                       "did not finish")
            result.reasons.append(f"the kernel stopped answering in cell {index}")
            break
        except CellTimeoutError:  # raised instead of reported when the kernel ignores the interrupt
            nb.cells[index].outputs.append(error_output("CellTimeoutError", "the cell did not finish"))
            ran.append(index)
        finally:
            judge.running(None, False)
        if client.timed_out:
            if not any(o.get("ename") == "CellTimeoutError" for o in nb.cells[index].outputs):
                nb.cells[index].outputs.append(error_output(
                    "CellTimeoutError", f"this cell ran longer than {client.timeout} s and was stopped"))
            result.reasons.append(f"cell {index} exceeded its time limit ({client.timeout} s) and was stopped")
    return ran


def _record_hidden_errors(cell, cell_index, execute_reply):
    """Give every cell whose reply says 'error' an error output (as nbgrader does).

    A timeout's reply carries no output; any other error without one had its traceback silenced.
    """
    content = execute_reply.get("content", {}) if isinstance(execute_reply, dict) else {}
    if content.get("status") != "error" or any(o.get("output_type") == "error" for o in cell.outputs):
        return
    if content.get("ename") == "CellTimeoutError":
        cell.outputs.append(error_output("CellTimeoutError", "the cell ran too long and was stopped"))
    else:
        cell.outputs.append(error_output("HiddenError", "this cell raised an error, but its traceback "
                                                         "was suppressed"))
        cell.metadata["grader_silenced_error"] = True
