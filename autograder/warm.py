"""Kernels started ahead: each worker keeps one fresh sandboxed kernel starting while it finishes
the previous notebook, so a notebook waits neither for its kernel nor for its heavy imports.

Isolation is unchanged. A spare is a new sandbox (:mod:`autograder.sandbox`), started by the
worker after the previous notebook's kernel has ended and before the next student's notebook is
known, and it serves exactly one notebook; nothing of a previous kernel can reach it. A spare
started with other limits, grading switches or language than the next notebook needs, or without
one of its preloads, is ended, and that notebook gets a kernel of its own. A spare with more
preloads than needed serves (a lesson that never imports TensorFlow runs the same beside it):
otherwise every change of assignment in a batch would throw away a kernel that paid for TensorFlow.
"""

from __future__ import annotations

import re
from dataclasses import astuple

from jupyter_core.utils import run_sync

from autograder.limits import Limits
from autograder.sandbox import Sandbox

# Imports worth paying before a notebook arrives (seconds each; TensorFlow about four).
PRELOADABLE = ("numpy", "matplotlib.pyplot", "tensorflow", "keras", "course.datasets")
# Preloaded only for a notebook whose code also uses this name: a warm template makes load_mnist's float images
# ahead (autograder.template.WARM_UPS, a second of work and 220 MB); load_data alone is quick.
NEEDED_FOR = {"course.datasets": "load_mnist"}
IMPORTED = re.compile(r"^\s*(?:import|from)\s+([\w.]+)", re.M)


def preloads(release) -> tuple[str, ...]:
    """Return the modules of :data:`PRELOADABLE` that the ``release`` notebook's code cells import (and use for
    :data:`NEEDED_FOR`)."""
    code = "\n".join(cell.source for cell in release.cells if cell.cell_type == "code")
    imported = set(IMPORTED.findall(code))
    return tuple(name for name in PRELOADABLE if name in imported and NEEDED_FOR.get(name, "") in code)


class Spares:
    """At most one kernel started ahead, with the settings it was started for."""

    def __init__(self):
        self.spare: Sandbox | None = None
        self.settings = None

    @staticmethod
    def _settings(limits: Limits, env: dict):
        return astuple(limits), tuple(sorted(env.items()))

    def take(self, limits: Limits, env: dict, preload: tuple[str, ...]) -> Sandbox:
        """Return the spare if it was started with these limits and environment, has every module of ``preload``
        imported and still runs; else a sandbox not yet started."""
        spare, self.spare = self.spare, None
        if (spare is not None and self.settings == self._settings(limits, env) and set(preload) <= set(spare.preload)
                and _alive(spare)):
            return spare
        if spare is not None:
            spare.close()
        return Sandbox(limits, env, preload)

    def prepare(self, limits: Limits, env: dict, preload: tuple[str, ...]) -> None:
        """Start the next kernel now, guessing that the next notebook needs the same settings as the last."""
        self.close()
        try:
            self.spare = Sandbox(limits, env, preload).boot()
            self.settings = self._settings(limits, env)
        except Exception:  # the next notebook starts its own kernel, and reports what goes wrong there
            self.spare = None

    def close(self) -> None:
        """End the spare, if any."""
        if self.spare is not None:
            self.spare.close()
            self.spare = None


def _alive(sandbox: Sandbox) -> bool:
    try:
        return bool(run_sync(sandbox.km.is_alive)())
    except Exception:
        return False
