"""Plain ``nbgrader autograde``, protected: the preprocessor that ``nbgrader_config.py`` puts in place of
nbgrader's ``Execute``, so that the stock command runs every notebook in the same sandbox, with the
same judge and limits, as ``python -m autograder grade`` (one notebook at a time, no report)."""

from __future__ import annotations

from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.execute import add_grader_notes
from autograder.limits import Limits
from autograder.wire import Result
from autograder.worker import confirm, finish, run_judged


class SandboxedExecute(NbGraderPreprocessor):
    """Execute a submission in a bubblewrap sandbox and keep only the points the judge confirms."""

    def preprocess(self, nb, resources):
        """Run ``nb`` (already sanitized by nbgrader) and return it with the judge's verdicts written in."""
        limits = Limits()
        info = resources.get("nbgrader", {})
        result = Result(str(info.get("student")), str(info.get("assignment")), str(info.get("notebook")))
        _, ledger = run_judged(nb, limits, result)
        confirm(nb, ledger)
        finish(nb, limits, result.reasons)
        add_grader_notes(nb, result.reasons)
        return nb, resources
