"""Imported first by the grading processes (the command and its workers) to keep their start short.

jsonschema, which nbformat uses to validate notebooks, imports the optional ``rfc3987_syntax``
whenever it is installed (``jupyter-events`` installs it through jsonschema's ``format-nongpl``
extra, so it cannot be left out by a pin). Building its grammar takes about 1.1 s at import, in
every process that reads a notebook, for an ``iri`` format check that no notebook schema uses.
Marked absent here, jsonschema skips that one check; nothing else changes. Grading kernels do not
import this module: a student's environment is left as installed.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)
