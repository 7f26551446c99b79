"""The language of what a student reads: gettext catalogs (domain ``course``), English text as the msgid.

``language()`` is the run-time language: the notebook's own ``metadata["course"]["lang"]`` when
the kernel can find its notebook (the Jupyter server names it in ``JPY_SESSION_NAME``), else the
``COURSE_LANG`` environment variable, else English. ``_(text)`` translates ``text`` into it;
``translate(text, lang)`` into a given language (the grader renders notes for a notebook's
language, not its own). The catalogs are ``course/locale/<lang>/LC_MESSAGES/course.mo``, compiled
from the ``.po`` beside them and shipped in the package, so only the standard library reads them.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext
import json
import os
import unicodedata
from pathlib import Path

DOMAIN = "course"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("en", "ko")
DEFAULT = "en"
_chosen: contextvars.ContextVar[str | None] = contextvars.ContextVar("course_language", default=None)


def N_(message: str) -> str:
    """Mark ``message`` for extraction into the catalog without translating it (translated later, where shown)."""
    return message


def _known(lang) -> str | None:
    lang = str(lang or "").strip().lower().replace("-", "_").split("_")[0]
    return lang if lang in LANGUAGES else None


def notebook_language(nb) -> str:
    """Return the language of a notebook (a dict or nbformat node): ``metadata.course.lang``, "en" when absent."""
    try:
        return _known(nb.get("metadata", {}).get("course", {}).get("lang")) or DEFAULT
    except AttributeError:  # metadata that is not a mapping: a hand-edited file
        return DEFAULT


@functools.lru_cache(maxsize=16)
def _language_of_file(path: str, mtime_ns: int, size: int) -> str:
    """The language in the metadata of the notebook file ``path`` (cached while the file is unchanged)."""
    with open(path, encoding="utf-8") as f:
        return notebook_language(json.load(f))


def _session_notebook() -> Path | None:
    """The notebook this kernel runs for, from ``JPY_SESSION_NAME`` (absolute, or relative to the kernel's folder)."""
    name = os.environ.get("JPY_SESSION_NAME", "")
    if not name.endswith(".ipynb"):
        return None
    for candidate in (Path(name), Path.cwd() / name, Path.cwd() / Path(name).name):
        if candidate.is_file():
            return candidate
    return None


@contextlib.contextmanager
def using(lang: str):
    """Within this block, :func:`language` is ``lang`` (a command that chose its language, e.g. ``dl-course``)."""
    token = _chosen.set(_known(lang) or DEFAULT)
    try:
        yield
    finally:
        _chosen.reset(token)


def language() -> str:
    """Return the run-time language, "en" or "ko" (see the module's docstring for the order)."""
    if _chosen.get() is not None:
        return _chosen.get()
    notebook = _session_notebook()
    if notebook is not None:
        try:
            stat = notebook.stat()
            return _language_of_file(str(notebook), stat.st_mtime_ns, stat.st_size)
        except (OSError, ValueError):  # unreadable or half-saved: fall back to the environment
            pass
    return _known(os.environ.get("COURSE_LANG")) or DEFAULT


@functools.lru_cache(maxsize=None)
def catalog(lang: str) -> gettext.NullTranslations:
    """Return the translations of ``lang`` (English, or a language without a catalog, translates nothing)."""
    if lang == DEFAULT:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=str(LOCALE_DIR), languages=[lang], fallback=True)


def _resolve(lang: str | None) -> str:
    return language() if lang is None else (_known(lang) or DEFAULT)


def translate(message: str, lang: str | None = None) -> str:
    """Return ``message`` (an English msgid) in ``lang`` (default: :func:`language`); unknown text stays as it is."""
    if not message:
        return message
    return catalog(_resolve(lang)).gettext(message)


def _(message: str) -> str:
    """Return ``message`` (an English msgid) in the run-time language."""
    return translate(message)


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    """Return the singular or plural form for ``n`` in the run-time language (or ``lang``)."""
    return catalog(_resolve(lang)).ngettext(singular, plural, n)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal or a monospace output: East Asian wide characters (Hangul) take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, width: int) -> str:
    """``text`` followed by spaces up to ``width`` columns (see :func:`display_width`)."""
    return text + " " * max(0, width - display_width(text))
