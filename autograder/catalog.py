"""Keep the translation catalogs in step with the code and the lessons: ``python -m autograder.catalog``.

Collects every student-facing English text (msgid) — ``_()``, ``N_()`` and ``ngettext()`` in the
course package and :mod:`autograder.messages`, and the texts the lessons' code cells hand to
``course.checks`` (case names, hints, ``check_true`` messages; see :func:`extract_notebook`) — merges
them into ``course/locale/<lang>/LC_MESSAGES/course.po`` (translations kept, texts no longer used
dropped) and compiles each ``.po`` to the ``.mo`` the package reads. It then lists the texts that
still need a translation (exit status 1 with ``--check`` when there are any, or when a ``.mo``
is out of date).

The ``.mo`` files are committed beside their ``.po``: the student edition is a plain wheel that
must read them without Babel, and ``tests/test_i18n.py`` fails when a committed ``.mo`` differs
from what its ``.po`` compiles to.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "course" / "locale"
DOMAIN = "course"
LANGUAGES = ("ko",)
# course.widgets' _slider and _dropdown translate their label (the 2nd and 1st argument)
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "_slider": (2,), "_dropdown": (1,)}
CODE = [*sorted((ROOT / "course").glob("*.py")), ROOT / "autograder" / "messages.py"]
NOTEBOOKS = "source/[0-9][0-9]_*/[0-9][0-9]_*.ipynb"
CASE_KEYS = ("name", "hint")  # the texts of a check_cases case that a student reads
MESSAGE_CALLS = {"check_true": (1, "message")}  # function: (position, keyword) of its message


def _strings(node) -> list[str]:
    """The string constant ``node`` as a one-item list; [] for anything else (an f-string cannot be a msgid)."""
    return [node.value] if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value else []


def _code_of(cell) -> str:
    """The cell's code as students get it: solutions and hidden tests blanked (their text must never reach the
    catalog, which ships), and IPython's magics and shell lines too (not Python); line numbers are kept."""
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    lines, hidden = [], False
    for line in source.split("\n"):
        marker = line.strip()
        if marker in ("### BEGIN SOLUTION", "### BEGIN HIDDEN TESTS"):
            hidden = True
        blank = hidden or marker.startswith(("%", "!"))
        # `pass` keeps a function whose body was blanked valid Python, so the rest of the cell still parses
        lines.append(line[:len(line) - len(line.lstrip())] + "pass" if blank and marker else line)
        if marker in ("### END SOLUTION", "### END HIDDEN TESTS"):
            hidden = False
    return "\n".join(lines)


def notebook_messages(nb) -> list[tuple[int, str]]:
    """Return ``(line, text)`` for every text a check in ``nb``'s code cells shows a student.

    A case is any dict literal with a ``"name"`` and an ``"expected"`` or ``"input"`` key: its
    ``name`` and ``hint`` strings are taken. ``check_true``'s message is taken too. Lines count
    through the notebook's code cells one after another.
    """
    found, offset = [], 0
    for cell in nb.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        code = _code_of(cell)
        try:
            tree = ast.parse(code)
        except SyntaxError:
            tree = None
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.Dict):
                keys = {k.value: v for k, v in zip(node.keys, node.values)
                        if isinstance(k, ast.Constant) and isinstance(k.value, str)}
                if "name" in keys and ("expected" in keys or "input" in keys):
                    found += [(offset + node.lineno, text) for key in CASE_KEYS if key in keys
                              for text in _strings(keys[key])]
            elif isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                if name in MESSAGE_CALLS:
                    position, keyword = MESSAGE_CALLS[name]
                    args = node.args[position:position + 1] + [k.value for k in node.keywords if k.arg == keyword]
                    found += [(offset + node.lineno, text) for arg in args for text in _strings(arg)]
        offset += code.count("\n") + 1
    return found


def extract_notebook(fileobj, keywords, comment_tags, options):
    """A Babel extraction method for notebooks (see :func:`notebook_messages`)."""
    nb = json.loads(fileobj.read().decode("utf-8"))
    for line, text in notebook_messages(nb):
        yield line, None, text, []


def template() -> Catalog:
    """Return a catalog of every msgid found in the code and the source notebooks (no translations)."""
    catalog = Catalog(domain=DOMAIN, project="dl-course", charset="utf-8")
    sources = [("python", path) for path in CODE] + [(extract_notebook, path) for path in sorted(ROOT.glob(NOTEBOOKS))]
    for method, path in sources:
        for line, message, comments, _context in extract_from_file(method, path, keywords=KEYWORDS):
            catalog.add(message, locations=[(path.relative_to(ROOT).as_posix(), line)], auto_comments=comments,
                        flags=("python-brace-format",) if isinstance(message, str) and "{" in message else ())
    return catalog


def po_path(lang: str) -> Path:
    """The ``.po`` file of ``lang``."""
    return LOCALE / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def compiled(catalog: Catalog) -> bytes:
    """The ``.mo`` bytes of ``catalog`` (fuzzy translations left out)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def read(lang: str) -> Catalog:
    """Return the ``.po`` catalog of ``lang`` (an empty one when there is none yet)."""
    path = po_path(lang)
    if not path.exists():
        return Catalog(locale=lang, domain=DOMAIN, project="dl-course", charset="utf-8")
    with open(path, "rb") as f:
        return read_po(f, locale=lang, domain=DOMAIN)


def untranslated(catalog: Catalog, wanted: Catalog) -> list[str]:
    """The msgids of ``wanted`` that ``catalog`` has no (non-fuzzy) translation for."""
    missing = []
    for message in wanted:
        if not message.id:
            continue
        have = catalog.get(message.id)
        text = have.string if have is not None else None
        if not text or (isinstance(text, (list, tuple)) and not all(text)) or have.fuzzy:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def update(check_only: bool = False) -> int:
    """Merge the extracted msgids into every ``.po``, compile the ``.mo`` files, report what is untranslated."""
    wanted = template()
    status = 0
    for lang in LANGUAGES:
        catalog = read(lang)
        if not check_only:
            catalog.update(wanted, no_fuzzy_matching=True, update_creation_date=False)
            buffer = io.BytesIO()
            write_po(buffer, catalog, width=0, ignore_obsolete=True, include_lineno=False)
            po_path(lang).parent.mkdir(parents=True, exist_ok=True)
            po_path(lang).write_bytes(buffer.getvalue())
            po_path(lang).with_suffix(".mo").write_bytes(compiled(catalog))
        elif po_path(lang).with_suffix(".mo").read_bytes() != compiled(catalog):
            print(f"{lang}: {po_path(lang).with_suffix('.mo').relative_to(ROOT)} is not compiled from its .po")
            status = 1
        missing = untranslated(catalog, wanted)
        print(f"{lang}: {len(wanted) - len(missing)} of {len(wanted)} texts translated")
        for text in missing:
            print(f"  untranslated: {text!r}")
        status = status or int(bool(missing))
    return status


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``python -m autograder.catalog [--check]``."""
    parser = argparse.ArgumentParser(prog="python -m autograder.catalog", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if anything is out of step")
    args = parser.parse_args(argv)
    status = update(check_only=args.check)
    return status if args.check else 0


if __name__ == "__main__":
    sys.exit(main())
