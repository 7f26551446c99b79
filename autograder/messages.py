"""What the grader writes for a student — grader notes, hidden-test verdicts — in the notebook's language.

The grader builds these texts in English, with values in them ("the kernel died in cell 7"); they are
translated where they are rendered (:func:`autograder.execute.add_grader_notes`, :mod:`autograder.feedback`)
into the language of the notebook they are written into. Each text with values has a format msgid here
(English, ``{field}`` for each value); :func:`translate_text` recognises a text by its msgid, translates
the msgid through the course's catalog (:mod:`course.i18n`) and puts the values back. Values that are
themselves texts of the grader or of a lesson (a hidden case's label, its hint, a nested reason) are
translated the same way. A text that matches nothing stays as it is.

The labels and hints of the hidden cases are not in the course's catalog, which ships to students: they are
in the grader's own catalog, ``autograder/locale/<lang>/LC_MESSAGES/grader.mo`` (kept by
``python -m autograder.catalog``), consulted after the course's. Its msgids with values are patterns too.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from autograder.limits import TRANSLATED_LINE_CHARS
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
GRADER_DOMAIN = "grader"
GRADER_LOCALE = Path(__file__).resolve().parent / "locale"
ENGLISH = re.compile(r"[A-Za-z]")


def _regex(msgid: str, structure: bool) -> re.Pattern:
    """The regex a text built from the format ``msgid`` matches, a named group per field.

    ``{{`` and ``}}`` are literal braces; a field named twice must hold the same text both times. In a
    ``structure`` pattern (:data:`PATTERNS`) a ``{kind}`` field only matches one of :data:`KINDS` and no field
    is empty. In a hidden case's label a text field (:func:`is_text_field`) may be empty (an optional part:
    ``', 4-D' if ... else ''``) and any other field holds a number or a shape, never a letter: so in
    ``"{case} {i} of {count}"`` the label ``case with another alpha 2 of 4`` splits only one way.
    """
    parts, seen = [], set()
    for token in re.split(r"(\{\{|\}\}|\{\w+\})", msgid):
        if token in ("{{", "}}"):
            parts.append(re.escape(token[0]))
        elif FIELD.fullmatch(token):
            field = token[1:-1]
            if field in seen:  # the same value twice: it must be the same text
                parts.append(f"(?P={field})")
                continue
            seen.add(field)
            if structure and field == "kind":
                parts.append(f"(?P<{field}>{'|'.join(map(re.escape, KINDS))})")
            elif structure:
                parts.append(f"(?P<{field}>.+?)")
            else:
                parts.append(f"(?P<{field}>.*?)" if is_text_field(field) else f"(?P<{field}>[^A-Za-z]+?)")
        else:
            parts.append(re.escape(token))
    return re.compile("".join(parts), re.S)


def is_text_field(field: str) -> bool:
    """True when the format field ``field`` holds a text (translated too): a name of :data:`TEXT_FIELDS`,
    or one followed by a number (``what2``, a second text in one label)."""
    return field.rstrip("0123456789") in TEXT_FIELDS


def _literal_length(msgid: str) -> int:
    return len(FIELD.sub("", msgid))


@functools.lru_cache(maxsize=None)
def _compiled() -> tuple:
    """(regex, msgid) for every pattern with a field, longest literal text first (the most specific wins)."""
    compiled = [(_regex(msgid, structure=True), msgid) for msgid in PATTERNS if FIELD.search(msgid)]
    return tuple(sorted(compiled, key=lambda item: -_literal_length(item[1])))


@functools.lru_cache(maxsize=None)
def grader_catalog(lang: str) -> dict:
    """The grader's own translations into ``lang``, ``{msgid: text}`` (the hidden cases' labels and hints)."""
    path = GRADER_LOCALE / lang / "LC_MESSAGES" / f"{GRADER_DOMAIN}.mo"
    if not path.is_file():
        return {}
    from babel.messages.mofile import read_mo  # the grading extra's Babel reads the msgids, which gettext hides

    with open(path, "rb") as f:
        return {m.id: m.string for m in read_mo(f) if isinstance(m.id, str) and m.id and m.string}


@functools.lru_cache(maxsize=None)
def _patterns(lang: str) -> tuple:
    """``(regex, translation, text fields)`` to try on a text in ``lang``: the grader's structure first
    (:data:`PATTERNS`, translated by the course's catalog), then the hidden cases' labels and hints with values,
    each group longest literal text first."""
    own = grader_catalog(lang)
    cases = sorted((msgid for msgid in own if FIELD.search(msgid)), key=lambda msgid: -_literal_length(msgid))
    return (tuple((regex, translate(msgid, lang), TEXT_FIELDS) for regex, msgid in _compiled())
            + tuple((_regex(msgid, structure=False), own[msgid], None) for msgid in cases))


def translate_text(text: str, lang: str) -> str:
    """Return the grader's English ``text`` in ``lang``: by its msgid, or by a pattern with its values.

    The course's catalog is asked first, then the grader's. When several patterns match (a label may end in a
    value, so a label's pattern can also match a whole verdict built around that label), the reading that
    leaves the fewest English letters wins; on a tie, the first in the order of :func:`_patterns`.
    """
    if lang == "en" or not text or len(text) > TRANSLATED_LINE_CHARS:
        return text
    return _translated(text, lang)


@functools.lru_cache(maxsize=4096)
def _translated(text: str, lang: str) -> str:
    direct = translate(text, lang)
    if direct != text:
        return direct
    own = grader_catalog(lang).get(text)
    if own:
        return own
    best = None
    for regex, translation, text_fields in _patterns(lang):
        found = regex.fullmatch(text)
        if found is None:
            continue
        values = {k: _translated(v, lang) if v and (k in text_fields if text_fields else is_text_field(k)) else v
                  for k, v in found.groupdict().items()}
        result = translation.format(**values)
        english = len(ENGLISH.findall(result))
        if best is None or english < best[0]:
            best = (english, result)
    return best[1] if best else text


def translate_lines(text: str, lang: str) -> str:
    """Translate each line of ``text`` (an output of several lines) by :func:`translate_text`."""
    if lang == "en" or not text:
        return text
    return "\n".join(translate_text(line, lang) for line in text.split("\n"))
