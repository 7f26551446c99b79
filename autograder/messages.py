"""What the grader writes for a student — grader notes, hidden-test verdicts — in the notebook's language.

The grader builds these texts in English, with values in them ("the kernel died in cell 7"); they are
translated where they are rendered (:func:`autograder.execute.add_grader_notes`, :mod:`autograder.feedback`)
into the language of the notebook they are written into. Each text with values has a format msgid here
(English, ``{field}`` for each value); :func:`translate_text` recognises a text by its msgid, translates
the msgid through the course's catalog (:mod:`course.i18n`) and puts the values back. Values that are
themselves texts of the grader or of a lesson (a hidden case's label, its hint, a nested reason) are
translated the same way. A text that matches nothing stays as it is.
"""

from __future__ import annotations

import functools
import re

from course.i18n import N_, translate

# The kinds of course.compare's Mismatch: only these may stand where a verdict names a kind.
KINDS = ("wrong type", "wrong value", "wrong shape", "wrong dtype", "wrong length", "wrong keys")

PATTERNS = (
    # grader notes: autograder/worker.py
    N_("the largest outputs were removed: the notebook grew past {mb} MB"),
    N_("the notebook could not be run to the end ({error}: {message})"),
    N_("{file} is not a regular file (a link or a device); it was not opened"),
    N_("{file} is larger than {mb} MB"),
    N_("{file} is not a readable notebook ({error}: {message})"),
    N_("{file} does not look like {assignment}: most of its graded cells are missing (another assignment's "
       "notebook?)"),
    N_("the notebook's nbgrader cell metadata is damaged ({error}); start again from a fresh copy of the release"),
    N_("the submission could not be prepared ({error})"),
    N_("internal grader problem ({error}: {message})"),
    # grader notes: autograder/execute.py
    N_("cell {cell}'s output was truncated at {kb} KB"),
    N_("notebook time limit ({seconds} s) reached"),
    N_("the kernel died in cell {cell}"),
    N_("the kernel stopped answering in cell {cell}"),
    N_("cell {cell} exceeded its time limit ({seconds} s) and was stopped"),
    # grader notes: autograder/intake.py, scheduler.py, store.py
    N_("{file} {problem}: it was not opened"),
    N_("is a symbolic link"),
    N_("is not a regular file"),
    N_("cannot be read ({reason})"),
    N_("wrong file name: {file} was graded as {expected}"),
    N_("no {file} was handed in"),
    N_("ignored extra file(s): {files}"),
    N_("timestamp.txt is not a small regular file: it was ignored"),
    N_("timestamp.txt does not hold a date: it was ignored"),
    N_("the grading process failed ({error}) and was replaced"),
    N_("the result could not be saved ({error}: {message})"),
    N_("feedback could not be written ({problem})"),
    N_("internal grader error ({error}: {message})"),
    N_("the graded notebook came back unreadable"),
    # grader notes: autograder/scheduler.py and cluster.py, grading on a Dask cluster
    N_("the Dask cluster failed ({error}: {message})"),
    N_("the Dask worker's answer was refused ({reason})"),
    N_("grading failed on the cluster ({error}: {message})"),
    # what test cells show in the feedback: autograder/worker.py, execute.py, hidden.py, judge.py
    N_("hidden test of {name} failed: {failure}"),
    N_("✓ hidden tests of {name} passed."),
    N_("hidden tests of {name}: answers sent to the grader, whose verdict appears in your feedback."),
    N_("{case}: {kind}"),
    N_("{case}: {kind} at {where}"),
    N_("{case}: {kind} (hint: {hint})"),
    N_("{case}: {kind} at {where} (hint: {hint})"),
    N_("{case}: no answer was recorded"),
    N_("case {number} of {total}"),
    N_("not implemented yet"),
    N_("raised {error} on one of the hidden inputs"),
    N_("{what}: expected an array of numbers"),
    N_("{what}: expected a single number (hint: return a scalar, e.g. from np.sum)"),
    N_("checking the answer raised {error} (hint: return the type the exercise asks for)"),
    N_("no verdict from the grader's judge (the check did not run)"),
    N_("it holds no hidden check"),
    N_("this cell"),
    N_("more answers were recorded than the test asks for"),
    N_("the answer could not be judged ({error})"),
    N_("the notebook ran longer than {seconds} s; this cell did not run"),
    N_("the kernel died (it crashed, exited, or ran out of memory: the limit is {mb} MB); this cell and the ones "
       "after it did not finish"),
    N_("the kernel stopped answering the grader and was stopped; this cell and the ones after it did not finish"),
    N_("this cell ran longer than {seconds} s and was stopped"),
    N_("the cell did not finish"),
    N_("the cell ran too long and was stopped"),
    N_("this cell raised an error, but its traceback was suppressed"),
    N_("[outputs removed: the notebook grew too large]"),
    N_("[output truncated: this cell printed more than {kb} KB]"),
    N_("# (hidden tests ran here: their verdict is below)"),
)

GRADER_NOTES = N_("**Grader notes** — these cost points beyond wrong answers:")

# Fields that hold a text of their own (translated too); the others are values, kept as they are.
TEXT_FIELDS = {"failure", "case", "hint", "problem", "kind", "name", "what"}
FIELD = re.compile(r"\{(\w+)\}")


@functools.lru_cache(maxsize=None)
def _compiled() -> tuple:
    """(regex, msgid) for every pattern with a field, longest literal text first (the most specific wins)."""
    compiled = []
    for msgid in PATTERNS:
        if not FIELD.search(msgid):
            continue
        parts, seen = [], set()
        for literal, field in re.findall(r"([^{]*)(?:\{(\w+)\}|$)", msgid):
            parts.append(re.escape(literal))
            if field:
                if field in seen:  # the same value twice: it must be the same text
                    parts.append(f"(?P={field})")
                    continue
                seen.add(field)
                choices = "|".join(map(re.escape, KINDS))
                parts.append(f"(?P<{field}>{choices})" if field == "kind" else f"(?P<{field}>.+?)")
        compiled.append((re.compile("".join(parts), re.S), msgid))
    return tuple(sorted(compiled, key=lambda item: -len(FIELD.sub("", item[1]))))


def translate_text(text: str, lang: str) -> str:
    """Return the grader's English ``text`` in ``lang``: by its msgid, or by a pattern with its values."""
    if lang == "en" or not text:
        return text
    direct = translate(text, lang)
    if direct != text:
        return direct
    for regex, msgid in _compiled():
        found = regex.fullmatch(text)
        if found:
            values = {k: translate_text(v, lang) if k in TEXT_FIELDS else v for k, v in found.groupdict().items()}
            return translate(msgid, lang).format(**values)
    return text


def translate_lines(text: str, lang: str) -> str:
    """Translate each line of ``text`` (an output of several lines) by :func:`translate_text`."""
    if lang == "en" or not text:
        return text
    return "\n".join(translate_text(line, lang) for line in text.split("\n"))
