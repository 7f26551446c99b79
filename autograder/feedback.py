"""Feedback: ``feedback/<student>/<assignment>/<notebook>.html`` as ``nbgrader generate_feedback`` writes it,
with every student-made piece of HTML sanitized, and nbgrader's ``timestamp.txt`` beside it."""

from __future__ import annotations

import functools
import re
from pathlib import Path

import nbformat
from nbgrader import utils

from autograder.limits import TRANSLATED_NOTEBOOK_CHARS
from autograder.messages import translate_lines
from autograder.paths import Course
from course.i18n import notebook_language


# What a lesson's markdown may render to in feedback: text formatting, lists, tables, images, links
# (http, https, mailto, data) — no scripts, no event handlers, no javascript: URLs.
MARKDOWN_TAGS = ["a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5",
                 "h6", "hr", "i", "img", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody",
                 "td", "th", "thead", "tr", "ul"]
MARKDOWN_ATTRIBUTES = {"a": ["href", "title"], "img": ["src", "alt", "title"], "*": ["class"]}


def safe_markdown(source: str) -> str:
    """Return the markdown ``source`` rendered to HTML and sanitized (bleach, as nbconvert's sanitizer uses),
    as markdown that renders to exactly that HTML. The exporter would otherwise pass raw HTML and
    markdown links through to the page as written."""
    # A class's notebooks share their lesson's text: a worker renders each cell of it once (not a student's
    # long cell, which would fill the cache).
    return _safe_markdown(source) if len(source) <= 20_000 else _safe_markdown.__wrapped__(source)


@functools.lru_cache(maxsize=1024)
def _safe_markdown(source: str) -> str:
    import bleach
    from nbconvert.filters import markdown2html

    html = bleach.clean(markdown2html(source), tags=MARKDOWN_TAGS, attributes=MARKDOWN_ATTRIBUTES,
                        protocols=["http", "https", "mailto", "data"])
    # One HTML block with no blank line: the exporter, rendering this "markdown" again, passes it as it is
    # (a second rendering would turn link syntax left in the text into live links).
    return "<div>\n" + re.sub(r"\n\s*\n", "\n", html).strip() + "\n</div>"


LIVE_MARKUP = re.compile(r"<[a-zA-Z!/?]|&#|javascript\s*:|vbscript\s*:|data\s*:\s*text/html", re.I)
CODE_SPANS = re.compile(r"(`+)(?:(?!\1).)+?\1|^(```|~~~).*?^\2", re.S | re.M)


def defuse(nb) -> None:
    """Make ``nb`` (an autograded notebook) safe to open in a browser: the formgrader and JupyterLab render it.

    Outputs lose scripts and unsafe HTML (nbconvert's sanitizer); a markdown cell holding raw HTML or a
    script link outside code is shown as the text it is, in a code block.
    """
    from nbconvert.preprocessors.sanitize import SanitizeHTML

    sanitizer = SanitizeHTML()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = sanitizer.sanitize_code_outputs(cell.get("outputs", []))
        elif cell.cell_type in ("markdown", "raw") and LIVE_MARKUP.search(CODE_SPANS.sub("", cell.source)):
            fence = "`" * max(3, 1 + max((len(run) for run in re.findall(r"`+", cell.source)), default=0))
            cell.cell_type = "markdown"
            cell.source = f"*(shown as text: this cell held raw HTML)*\n\n{fence}text\n{cell.source}\n{fence}"


def translate_outputs(nb) -> None:
    """Put what the grader wrote into ``nb``'s cells (verdicts, errors, notes on outputs) in its language.

    Error outputs of every cell, and the printed lines of test cells, are translated line by line
    (:func:`autograder.messages.translate_text`); so is the line that stands for a test cell's hidden tests.
    A student's own printing outside test cells is left alone, except the grader's truncation notes.
    """
    lang = notebook_language(nb)
    if lang == "en":
        return
    budget = TRANSLATED_NOTEBOOK_CHARS

    def translated(text: str) -> str:
        """``text`` translated while the notebook's budget lasts: past it, a student's long printing stays as is."""
        nonlocal budget
        budget -= len(text)
        return translate_lines(text, lang) if budget >= 0 else text

    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        meta = cell.get("metadata", {}).get("nbgrader", {})
        test = bool(meta.get("grade")) and not meta.get("solution")
        if test:
            cell.source = translated(cell.source)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["evalue"] = translated(str(output.get("evalue", "")))
                output["traceback"] = [_error_line(str(line), translated) for line in output.get("traceback", [])]
            elif output.get("output_type") == "stream":
                text = "".join(output.get("text", ""))
                output["text"] = translated(text) if test else "\n".join(
                    translated(line) if line.startswith("[output") else line for line in text.split("\n"))


def _error_line(line: str, translated) -> str:
    """A traceback line, "ErrorName: message" as the grader writes them, with its message ``translated``."""
    name, sep, message = line.partition(": ")
    if sep and name.isidentifier():
        return f"{name}: {translated(message)}"
    return translated(line)


NO_ALT = re.compile(r"<img(?![^>]*\salt=)", re.I)


def _highlight_code(lexer: str | None):
    """The exporter's ``highlight_code`` filter (nbconvert's, for ``lexer``), remembering what it made: most code
    cells are the release's own, the same in every student's feedback, and highlighting is most of a page's time."""
    def highlight_code(source: str, language: str | None = None, metadata=None) -> str:
        return _highlighted(lexer, source, language, (metadata or {}).get("magics_language"))

    return highlight_code


@functools.lru_cache(maxsize=4096)
def _highlighted(lexer: str | None, source: str, language: str | None, magics: str | None) -> str:
    from nbconvert.filters.highlight import Highlight2HTML

    return Highlight2HTML(pygments_lexer=lexer)(source, language, {"magics_language": magics} if magics else None)


@functools.lru_cache(maxsize=1)
def exporter():
    """nbgrader's feedback HTML exporter, configured as ``nbgrader generate_feedback`` configures it,
    plus nbconvert's HTML sanitizing of markdown and outputs (built once per worker)."""
    from nbconvert.exporters import HTMLExporter, TemplateExporter
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
    from traitlets.config import Config

    class FeedbackExporter(HTMLExporter):
        """HTMLExporter without its closing BeautifulSoup pass, which parses and prints the whole page
        again (half the time of a lesson's feedback) to give images alt text and the lab template's
        cells a tabindex. The feedback template is the classic one, with no lab cells; alt text is
        added here to the ``<img`` tags (of our own, already sanitized page) that have none."""

        def from_notebook_node(self, nb, resources=None, **kw):
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            resources = self._init_resources(resources)
            self.register_filter("highlight_code", _highlight_code(lexer))
            self.register_filter("filter_data_type", WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources))
            html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return NO_ALT.sub('<img alt="No description has been provided for this image"', html), resources

    formgrader = Path(utils.__file__).parent / "server_extensions" / "formgrader"
    return FeedbackExporter(config=Config({"HTMLExporter": {
        "template_name": "feedback", "sanitize_html": True,
        "extra_template_basedirs": [str(formgrader / "templates")],
        "extra_template_paths": [str(formgrader / "static" / "node_modules" / "bootstrap" / "dist" / "css")]}}))


def write(course: Course, student: str, assignment: str, notebook: str) -> Path:
    """Write the feedback of one autograded notebook; return the HTML file's path."""
    from jupyter_core.paths import jupyter_config_dir
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbconvert.preprocessors.sanitize import SanitizeHTML
    from nbgrader.preprocessors import GetGrades

    nb = nbformat.read(course.student_file("autograded", student, assignment, f"{notebook}.ipynb"), as_version=4)
    resources = {"nbgrader": {"db_url": course.db_url, "assignment": assignment, "notebook": notebook,
                              "student": student}, "config_dir": jupyter_config_dir()}
    translate_outputs(nb)
    sanitizer = SanitizeHTML()
    for cell in nb.cells:
        if cell.cell_type in ("markdown", "raw"):
            cell.cell_type, cell.source = "markdown", safe_markdown(cell.source)
        elif cell.cell_type == "code":
            cell.outputs = sanitizer.sanitize_code_outputs(cell.outputs)
    for pre in (GetGrades(), CSSHTMLHeaderPreprocessor()):
        nb, resources = pre.preprocess(nb, resources)
    body, _ = exporter().from_notebook_node(nb, resources=resources)
    path = course.student_file("feedback", student, assignment, f"{notebook}.html")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body, encoding="utf-8")
    # nbgrader's release_feedback reads these two beside the feedback: the submission's time and secret
    for name, folder in (("timestamp.txt", "autograded"), ("submission_secret.txt", "submitted")):
        source = course.student_file(folder, student, assignment, name)
        if source.is_file() and not source.is_symlink() and source.stat().st_size < 1000:
            (path.parent / name).write_text(source.read_text(errors="replace"))
    return path
