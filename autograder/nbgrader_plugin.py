"""Plain ``nbgrader autograde``, protected: the preprocessor that ``nbgrader_config.py`` puts in place of
nbgrader's ``Execute``, so that the stock command runs every notebook in the same sandbox, with the
same judge and limits, as ``python -m autograder grade`` (one notebook at a time, no report)."""

from __future__ import annotations

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.execute import execute
from autograder.judge import Judge
from autograder.limits import Limits
from autograder.sandbox import Sandbox
from autograder.wire import Result, clean_text
from autograder.worker import GRADING_ENV, confirm, finish


class SandboxedExecute(NbGraderPreprocessor):
    """Execute a submission in a bubblewrap sandbox and keep only the points the judge confirms."""

    def preprocess(self, nb, resources):
        """Run ``nb`` (already sanitized by nbgrader) and return it with the judge's verdicts written in."""
        limits = Limits()
        info = resources.get("nbgrader", {})
        result = Result(str(info.get("student")), str(info.get("assignment")), str(info.get("notebook")))
        with Sandbox(limits, GRADING_ENV) as sandbox, Judge(sandbox.judge, nb.cells) as judge:
            try:
                execute(nb, sandbox, judge, limits, result)
            except Exception as exc:  # the judge still decides: unconfirmed cells get nothing
                result.reasons.append(f"the notebook could not be run to the end ({type(exc).__name__}: "
                                      f"{clean_text(exc, 200)})")
        confirm(nb, judge.ledger)
        finish(nb, limits)
        if result.reasons:
            nb.cells.insert(0, nbformat.v4.new_markdown_cell(
                "**Grader notes** — these cost points beyond wrong answers:\n\n"
                + "\n".join(f"- {reason}" for reason in result.reasons)))
        return nb, resources
