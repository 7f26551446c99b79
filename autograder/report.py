"""The grading report: a CSV row per test cell, a printed summary, a PNG of the score distribution."""

from __future__ import annotations

import csv
import re
import statistics
import threading
from pathlib import Path

from nbgrader.api import Gradebook


def rows(db_url: str, summaries: list[dict]) -> list[dict]:
    """Return one row per (student, assignment, graded cell) with points, max, flags and seconds."""
    out = []
    with Gradebook(db_url) as gb:
        for s in summaries:
            flags = "; ".join(f"{f['kind']}: {f['detail']}" + (f" (cell {f['cell']}" + (f", line {f['line']})"
                              if f.get("line") else ")") if f.get("cell") is not None else "") for f in s["flags"])
            notebook = gb.find_submission_notebook(s["notebook"], s["assignment"], s["student"])
            for grade in sorted(notebook.grades, key=lambda g: g.name):
                out.append({"student": s["student"], "assignment": s["assignment"], "test cell": grade.name,
                            "points": grade.score, "max": grade.max_score, "flags": flags,
                            "seconds": round(s["seconds"], 2), "status": s["status"],
                            "notes": "; ".join(s["reasons"])})
    return out


# ANSI/VT escape sequences and other control characters a student's text may carry.
CONTROL = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b[@-Z\\-_]|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def console(text: str) -> str:
    """Return ``text`` without terminal control sequences, fit to print."""
    return CONTROL.sub("", text)


def spreadsheet_safe(value):
    """Return a CSV field that no spreadsheet runs as a formula (leading = + - @ get a quote)."""
    if isinstance(value, str):
        value = console(value)
        if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
            return "'" + value
    return value


def write_csv(path: Path, table: list[dict]) -> None:
    """Write the report rows as CSV (text fields neutralized for spreadsheets)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = ["student", "assignment", "test cell", "points", "max", "flags", "seconds", "status", "notes"]
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields)
        writer.writeheader()
        writer.writerows({k: spreadsheet_safe(v) for k, v in row.items()} for row in table)


PHASES = ("prepare", "start", "execute", "judge", "finish", "save", "feedback")


def write_timing(path: Path, summaries: list[dict]) -> None:
    """Write one CSV row per graded notebook: its seconds in each phase of grading (:data:`PHASES`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "assignment", "notebook", "seconds", *PHASES])
        for s in summaries:
            writer.writerow([spreadsheet_safe(s["student"]), s["assignment"], s["notebook"], round(s["seconds"], 2),
                             *(s.get("phases", {}).get(phase, "") for phase in PHASES)])


def phase_line(summaries: list[dict]) -> str:
    """Return where the grading time went, summed over ``summaries``: "start 4.1 s (9%), execute ...". """
    sums = {phase: sum(s.get("phases", {}).get(phase, 0.0) for s in summaries) for phase in PHASES}
    total = sum(sums.values()) or 1.0
    return "time per phase, all notebooks: " + ", ".join(
        f"{phase} {seconds:.1f} s ({seconds / total:.0%})" for phase, seconds in sums.items())


def totals(table: list[dict]) -> dict[str, dict[str, float]]:
    """Return {assignment: {student: total points}} from the report rows."""
    result: dict[str, dict[str, float]] = {}
    for row in table:
        per = result.setdefault(row["assignment"], {})
        per[row["student"]] = per.get(row["student"], 0.0) + (row["points"] or 0.0)
    return result


def summary(table: list[dict], summaries: list[dict]) -> str:
    """Return the short text summary printed at the end of a grading run."""
    lines = []
    maxima = {}
    for row in table:
        maxima.setdefault(row["assignment"], {}).setdefault(row["test cell"], row["max"])
    for assignment, scores in totals(table).items():
        values = list(scores.values())
        top = sum(maxima[assignment].values())
        lines.append(f"{assignment}: {len(values)} students, mean {statistics.mean(values):.2f} / {top:g}, "
                     f"median {statistics.median(values):g}")
    lines.append(phase_line(summaries))
    failures = [s for s in summaries if s["status"] != "graded" or s["reasons"]]
    flagged = [s for s in summaries if s["flags"]]
    lines.append(f"{len(failures)} with problems (not graded, crashed, timed out, misnamed ...); "
                 f"{len(flagged)} flagged for review")
    for s in failures:
        lines.append(f"  problem  {s['student']}/{s['assignment']}: {'; '.join(s['reasons'])}")
    for s in flagged:
        first = s["flags"][0]
        more = f" (+{len(s['flags']) - 1} more)" if len(s["flags"]) > 1 else ""
        lines.append(f"  flagged  {s['student']}/{s['assignment']}: {first['kind']}: {first['detail']}{more}")
    return "\n".join(lines)


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def prepare_plot() -> None:
    """Start importing matplotlib on a thread of its own, while the workers grade: after the last notebook
    only drawing is left (the import is a second and a half)."""
    threading.Thread(target=_pyplot, daemon=True).start()


def plot(path: Path, table: list[dict]) -> None:
    """Save a histogram of total scores per assignment as a PNG."""
    plt = _pyplot()

    per_assignment = totals(table)
    fig, axes = plt.subplots(1, max(1, len(per_assignment)), figsize=(4 * max(1, len(per_assignment)), 3),
                             squeeze=False)
    for ax, (assignment, scores) in zip(axes[0], per_assignment.items()):
        top = sum({r["test cell"]: r["max"] for r in table if r["assignment"] == assignment}.values())
        ax.hist(list(scores.values()), bins=min(20, int(top) + 1), range=(0, top), color="tab:blue")
        ax.set_title(assignment)
        ax.set_xlabel("score")
        ax.set_ylabel("students")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
