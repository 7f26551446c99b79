"""Keep the translation catalogs in step with the code and the lessons: ``python -m autograder.catalog``.

Collects every student-facing English text (msgid) — ``_()``, ``N_()`` and ``ngettext()`` in the
course package and :mod:`autograder.messages`, and the texts the lessons' code cells hand to
``course.checks`` (case names, hints, ``check_true`` messages; see :func:`extract_notebook`) — merges
them into ``course/locale/<lang>/LC_MESSAGES/course.po`` (translations kept, texts no longer used
dropped) and compiles each ``.po`` to the ``.mo`` the package reads. It then lists the texts that
still need a translation (exit status 1 with ``--check`` when there are any, or when a ``.mo``
is out of date).

A second domain, ``grader``, holds the labels and hints of the hidden cases
(``autograder/cases/*.py``, see :func:`case_messages`) in ``autograder/locale/<lang>/LC_MESSAGES/grader.po``:
they name hidden tests, so they must never reach the ``course`` catalog, which ships to students.
Only the grader reads it (:func:`autograder.messages.translate_text`). The same command keeps both.

The ``.mo`` files are committed beside their ``.po``: the student edition is a plain wheel that
must read them without Babel, and ``tests/test_i18n.py`` fails when a committed ``.mo`` differs
from what its ``.po`` compiles to.
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from autograder.messages import TEXT_FIELDS

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "course" / "locale"
DOMAIN = "course"
GRADER_DOMAIN = "grader"
GRADER_LOCALE = ROOT / "autograder" / "locale"
LANGUAGES = ("ko",)
# course.widgets' _slider and _dropdown translate their label (the 2nd and 1st argument)
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2), "_slider": (2,), "_dropdown": (1,)}
CODE = [*sorted((ROOT / "course").glob("*.py")), ROOT / "autograder" / "messages.py"]
NOTEBOOKS = "source/[0-9][0-9]_*/[0-9][0-9]_*.ipynb"
CASE_KEYS = ("name", "hint")  # the texts of a check_cases case that a student reads
MESSAGE_CALLS = {"check_true": (1, "message")}  # function: (position, keyword) of its message
CASES = "autograder/cases/*.py"
# Where a hidden case hands the grader a text a student reads: function -> {position: keyword}.
CASE_TEXT_ARGS = {"expect": {2: "case", 3: "hint"}, "same_outputs": {3: "hint"}, "as_array": {1: "what"},
                  "as_number": {1: "what"}, "Wrong": {0: "message"}}
LETTER = re.compile(r"[A-Za-z]")
FIELD = re.compile(r"\{(\w+)\}")


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


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)


class _CaseTexts:
    """Follows the texts of one module of hidden cases from where they are written to where the grader gets them.

    A label or a hint is rarely a literal in the call to ``expect``: it is a variable (``case = f"case {i} of
    {n}"``), a parameter of a helper (``_compare(..., hint, label="case")``), an item of a literal list of
    tuples walked by a ``for`` loop, a value of a literal dict (``_HINTS[name]``). :meth:`resolve` follows
    names to their assignments, loop targets and parameters (through every call of the helper in the module),
    and items of literal lists, tuples and dicts, and stops at anything computed.
    """

    def __init__(self, tree: ast.Module):
        self.tree = tree
        self.parent = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        self.calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)]
        self._busy: set = set()

    def _own(self, scope):
        """The nodes of ``scope`` (a function or the module), without those of the functions it defines."""
        stack = list(ast.iter_child_nodes(scope))
        while stack:
            node = stack.pop()
            yield node
            if not isinstance(node, _SCOPES):
                stack.extend(ast.iter_child_nodes(node))

    @staticmethod
    def _params(func) -> list[str]:
        args = func.args
        return [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]

    @staticmethod
    def _match(target, value, name: str) -> list:
        """What ``name`` takes when ``target`` is assigned ``value`` (a node or a reference, see :meth:`resolve`)."""
        if isinstance(target, ast.Name):
            return [value] if target.id == name else []
        if isinstance(target, (ast.Tuple, ast.List)):
            return [ref for i, elt in enumerate(target.elts)
                    for ref in _CaseTexts._match(elt, ("item", value, i), name)]
        return []

    def _bindings(self, scope, name: str) -> tuple[list, list]:
        """``(values, elements)``: what ``name`` is assigned in ``scope``, and what is appended to it there."""
        values, elements = [], []
        for node in self._own(scope):
            if isinstance(node, ast.Assign):
                values += [ref for target in node.targets for ref in self._match(target, node.value, name)]
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and node.value is not None:
                values += self._match(node.target, node.value, name)
            elif isinstance(node, (ast.For, ast.comprehension)):
                values += self._match(node.target, ("iter", node.iter), name)
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                  and isinstance(node.func.value, ast.Name) and node.func.value.id == name):
                if node.func.attr == "append" and node.args:
                    elements.append(node.args[-1])
                elif node.func.attr == "extend" and node.args:
                    elements.append(("iter", node.args[0]))
        return values, elements

    def _lookup(self, name: ast.Name) -> tuple[list, list]:
        """The values and appended elements of ``name`` where it is bound (parameters: every argument given)."""
        node = name
        while node in self.parent:
            node = self.parent[node]
            if not isinstance(node, _SCOPES):
                continue
            if name.id in self._params(node):
                return self._arguments(node, name.id), []
            found = self._bindings(node, name.id)
            if found[0] or found[1]:
                return found
        return self._bindings(self.tree, name.id)

    def _arguments(self, func, param: str) -> list:
        """Every argument the module passes to ``param`` of ``func``, and its default."""
        if isinstance(func, ast.Lambda):
            return []
        positional = [a.arg for a in func.args.posonlyargs + func.args.args]
        found = []
        defaults = dict(zip(reversed(positional), reversed(func.args.defaults)))
        defaults.update({a.arg: d for a, d in zip(func.args.kwonlyargs, func.args.kw_defaults) if d is not None})
        if param in defaults:
            found.append(defaults[param])
        for call in self.calls:
            if getattr(call.func, "id", None) != func.name:
                continue
            if param in positional and positional.index(param) < len(call.args):
                found.append(call.args[positional.index(param)])
            found += [k.value for k in call.keywords if k.arg == param]
        return found

    def resolve(self, ref) -> list:
        """The expressions ``ref`` may stand for: literal nodes, f-strings, ``("tuple", [refs])``; [] if unknown.

        ``ref`` is a node, or ``("iter", ref)`` (an element of it), ``("item", ref, i)`` (its i-th item),
        ``("keys", ref)`` / ``("values", ref)`` (of a dict).
        """
        key = (ref[0], id(ref[1]), ref[2] if len(ref) > 2 else None) if isinstance(ref, tuple) else id(ref)
        if key in self._busy:  # a name defined through itself (x = x + ...): nothing more to find
            return []
        self._busy.add(key)
        try:
            return self._resolve(ref)
        finally:
            self._busy.discard(key)

    def _resolve(self, ref) -> list:
        if isinstance(ref, tuple):
            kind = ref[0]
            if kind == "tuple":
                return [ref]
            if kind == "iter":
                return [found for element in self.elements(ref[1]) for found in self.resolve(element)]
            if kind == "item":
                found = []
                for whole in self.resolve(ref[1]):
                    if isinstance(whole, (ast.Tuple, ast.List)) and ref[2] < len(whole.elts):
                        found += self.resolve(whole.elts[ref[2]])
                    elif isinstance(whole, tuple) and ref[2] < len(whole[1]) and whole[1][ref[2]] is not None:
                        found += self.resolve(whole[1][ref[2]])
                return found
            return [found for whole in self.resolve(ref[1]) if isinstance(whole, ast.Dict)
                    for part in (whole.keys if kind == "keys" else whole.values) if part is not None
                    for found in self.resolve(part)]
        if ref is None:
            return []
        if isinstance(ref, ast.Name):
            return [found for value in self._lookup(ref)[0] for found in self.resolve(value)]
        if isinstance(ref, ast.IfExp):
            return self.resolve(ref.body) + self.resolve(ref.orelse)
        if isinstance(ref, ast.Subscript):  # an item of a literal dict, list or tuple: any of them
            found = []
            for whole in self.resolve(ref.value):
                parts = whole.values if isinstance(whole, ast.Dict) else getattr(whole, "elts", [])
                found += [item for part in parts for item in self.resolve(part)]
            return found
        if (isinstance(ref, ast.Call) and isinstance(ref.func, ast.Attribute) and ref.func.attr == "replace"
                and len(ref.args) == 2 and all(isinstance(a, ast.Constant) for a in ref.args)):
            old, new = (a.value for a in ref.args)
            return [ast.copy_location(ast.Constant(found.value.replace(old, new)), found)
                    for found in self.resolve(ref.func.value) if _strings(found)]
        return [ref]

    def elements(self, ref) -> list:
        """References to the elements of the iterable ``ref``."""
        if isinstance(ref, ast.Name):
            values, appended = self._lookup(ref)
            return [e for value in values for e in self.elements(value)] + appended
        if isinstance(ref, tuple):
            return [e for whole in self.resolve(ref) for e in self.elements(whole)]
        if isinstance(ref, (ast.List, ast.Tuple, ast.Set)):
            return [e for elt in ref.elts
                    for e in (self.elements(elt.value) if isinstance(elt, ast.Starred) else [elt])]
        if isinstance(ref, (ast.ListComp, ast.GeneratorExp, ast.SetComp)):
            return [ref.elt]
        if isinstance(ref, ast.Dict):
            return [k for k in ref.keys if k is not None]
        if isinstance(ref, ast.BinOp) and isinstance(ref.op, ast.Add):
            return self.elements(ref.left) + self.elements(ref.right)
        if isinstance(ref, ast.Call):
            func = getattr(ref.func, "id", None) or getattr(ref.func, "attr", None)
            owner = ref.func.value if isinstance(ref.func, ast.Attribute) else None
            if func == "enumerate" and ref.args:
                return [("tuple", [None, ("iter", ref.args[0])])]
            if func == "zip":
                return [("tuple", [("iter", a) for a in ref.args])]
            if func == "items" and owner is not None:
                return [("tuple", [("keys", owner), ("values", owner)])]
            if func in ("keys", "values") and owner is not None:
                return [(func, owner)]
            if func in ("list", "tuple", "sorted", "reversed") and ref.args:
                return self.elements(ref.args[0])
        return []

    @staticmethod
    def _field_name(node) -> str:
        """A format field's name for the expression ``node`` of an f-string (its variable's name where it has one)."""
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Attribute):
            return node.attr
        if isinstance(node, ast.Call):
            if getattr(node.func, "id", None) == "len":
                return "count"
            return _CaseTexts._field_name(node.func.value) if isinstance(node.func, ast.Attribute) else "value"
        if isinstance(node, ast.BinOp):
            return _CaseTexts._field_name(node.left)
        if isinstance(node, ast.Subscript) and isinstance(node.value, (ast.Name, ast.Attribute)):
            return _CaseTexts._field_name(node.value)
        return "value"

    @staticmethod
    def _parts(node) -> list | None:
        """The literal texts and the value expressions of a string expression, in order; None if not one."""
        if isinstance(node, ast.Constant):
            return [node.value] if isinstance(node.value, str) else None
        if isinstance(node, ast.JoinedStr):
            return [v.value for v in node.values]  # a Constant's text, a FormattedValue's expression
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = _CaseTexts._parts(node.left), _CaseTexts._parts(node.right)
            if left is None and right is None:
                return None
            return (left if left is not None else [node.left]) + (right if right is not None else [node.right])
        return None

    def message(self, node) -> tuple[str, list] | None:
        """``(msgid, value expressions)`` of a string expression: its text, ``{field}`` for each value.

        A field whose value may be a text (a label written in the module) is named from
        :data:`autograder.messages.TEXT_FIELDS` (``{case}``, ``{what}``, ``{what2}`` ...), so that the grader
        translates it too; any other field (a number, a shape) is named after its expression.
        """
        parts = self._parts(node)
        if parts is None:
            return None
        text, names, fields = [], {}, []
        has_fields = any(not isinstance(part, str) for part in parts)
        for part in parts:
            if isinstance(part, str):  # literal braces of a format msgid are doubled, as str.format reads them
                text.append(part.replace("{", "{{").replace("}", "}}") if has_fields else part)
                continue
            dump = ast.dump(part)
            if dump not in names:  # the same expression twice is one field; two expressions of one name are two
                base = self._field_name(part)
                # the grader translates a field's value as a text when the field's name says so (TEXT_FIELDS)
                if any(self._parts(found) is not None for found in self.resolve(part)):
                    base = base if base in TEXT_FIELDS else "what"
                elif base in TEXT_FIELDS:
                    base = "value"
                name, n = base, 2
                while name in names.values():
                    name, n = f"{base}{n}", n + 1
                names[dump] = name
                fields.append(part)
            text.append("{" + names[dump] + "}")
        return "".join(text), fields

    def texts(self) -> list[tuple[int, str]]:
        """``(line, msgid)`` for every label and hint of the module's cases (see :data:`CASE_TEXT_ARGS`)."""
        todo = []
        for call in self.calls:
            func = getattr(call.func, "id", None) or getattr(call.func, "attr", None)
            for position, keyword in CASE_TEXT_ARGS.get(func, {}).items():
                todo += call.args[position:position + 1] + [k.value for k in call.keywords if k.arg == keyword]
        found, seen = [], set()
        while todo:
            for node in self.resolve(todo.pop()):
                if id(node) in seen or isinstance(node, tuple):
                    continue
                seen.add(id(node))
                message = self.message(node)
                if message is None:
                    continue
                msgid, fields = message
                if msgid == "{" + (FIELD.findall(msgid) or [""])[0] + "}":  # f"{what}": the text is the value's
                    todo += fields
                elif LETTER.search(FIELD.sub("", msgid)):  # nothing to translate in f"{name}(" + args + ")"
                    found.append((node.lineno, msgid))
                    todo += fields
        return sorted(set(found))


def case_messages(source: str) -> list[tuple[int, str]]:
    """Return ``(line, msgid)`` for every label and hint the hidden cases in ``source`` give the grader.

    A text with values (an f-string, or a concatenation) becomes a format msgid, ``{field}`` for each
    value, as in :data:`autograder.messages.PATTERNS`; a value that is itself a text written in the
    module (a label taken from a list of cases, a helper's ``label`` argument) is taken too.
    """
    return _CaseTexts(ast.parse(source)).texts()


def extract_cases(fileobj, keywords, comment_tags, options):
    """A Babel extraction method for the modules of hidden cases (see :func:`case_messages`)."""
    for line, text in case_messages(fileobj.read().decode("utf-8")):
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


def grader_template() -> Catalog:
    """Return a catalog of every label and hint of the hidden cases (no translations): the grader's own domain."""
    catalog = Catalog(domain=GRADER_DOMAIN, project="dl-course", charset="utf-8")
    for path in sorted(ROOT.glob(CASES)):
        for line, message, comments, _context in extract_from_file(extract_cases, path):
            catalog.add(message, locations=[(path.relative_to(ROOT).as_posix(), line)], auto_comments=comments,
                        flags=("python-brace-format",) if FIELD.search(message) else ())
    return catalog


# domain: (where its catalogs live, the function that extracts its msgids)
DOMAINS = {DOMAIN: (LOCALE, template), GRADER_DOMAIN: (GRADER_LOCALE, grader_template)}


def po_path(lang: str, domain: str = DOMAIN) -> Path:
    """The ``.po`` file of ``lang`` in ``domain``."""
    return DOMAINS[domain][0] / lang / "LC_MESSAGES" / f"{domain}.po"


def compiled(catalog: Catalog) -> bytes:
    """The ``.mo`` bytes of ``catalog`` (fuzzy translations left out)."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def read(lang: str, domain: str = DOMAIN) -> Catalog:
    """Return the ``.po`` catalog of ``lang`` in ``domain`` (an empty one when there is none yet)."""
    path = po_path(lang, domain)
    if not path.exists():
        return Catalog(locale=lang, domain=domain, project="dl-course", charset="utf-8")
    with open(path, "rb") as f:
        return read_po(f, locale=lang, domain=domain)


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
    """Merge the extracted msgids into every ``.po`` of every domain, compile the ``.mo`` files, report what is
    untranslated."""
    status = 0
    for domain, (_locale, extract) in DOMAINS.items():
        wanted = extract()
        for lang in LANGUAGES:
            catalog = read(lang, domain)
            po = po_path(lang, domain)
            mo = po.with_suffix(".mo")
            if not check_only:
                catalog.update(wanted, no_fuzzy_matching=True, update_creation_date=False)
                buffer = io.BytesIO()
                write_po(buffer, catalog, width=0, ignore_obsolete=True, include_lineno=False)
                po.parent.mkdir(parents=True, exist_ok=True)
                po.write_bytes(buffer.getvalue())
                mo.write_bytes(compiled(catalog))
            elif not mo.exists() or mo.read_bytes() != compiled(catalog):
                print(f"{lang}: {mo.relative_to(ROOT)} is not compiled from its .po")
                status = 1
            missing = untranslated(catalog, wanted)
            print(f"{lang} ({domain}): {len(wanted) - len(missing)} of {len(wanted)} texts translated")
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
