"""``python -m autograder grade [ASSIGNMENT ...]``: the project's grading command (see README).

Exit status: 0 when every notebook was graded; 3 when the run finished but some notebooks or
folders could not be graded (each is named in the summary and in reports/grades.csv);
2 when the run could not start (unknown assignment, no sandbox, another run holds the lock).
"""

import autograder.lean_imports  # noqa: F401  (first: see the module)
import argparse
import sys
from pathlib import Path

from autograder import report
from autograder.limits import Limits
from autograder.paths import Course
from autograder.scheduler import GradingError, grade

SOME_NOT_GRADED = 3


def main(argv=None) -> int:
    """Parse the command line, grade, write the report; return the exit status."""
    defaults = Limits()
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    g = sub.add_parser("grade", help="grade every submission under submitted/ for the given assignments (default: all)")
    g.add_argument("assignments", nargs="*", help="assignment names, e.g. 01_python_basics")
    g.add_argument("--workers", type=int, default=Limits.default_workers(), help="students graded at once (with --scheduler: local processes that write the feedback)")
    g.add_argument("--student", action="append", help="grade only this student (repeatable)")
    g.add_argument("--force", action="store_true", help="regrade even submissions graded before and unchanged")
    g.add_argument("--cell-seconds", type=float, default=defaults.cell_seconds)
    g.add_argument("--notebook-seconds", type=float, default=defaults.notebook_seconds)
    g.add_argument("--memory-mb", type=int, default=defaults.memory_mb)
    g.add_argument("--output-kb", type=int, default=defaults.output_kb)
    g.add_argument("--kernel-threads", type=int, default=defaults.threads,
                   help="threads of each kernel's numerical libraries (default: the cores divided among the workers)")
    g.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="grade on this Dask cluster (workers started with `dask worker`; see README)")
    g.add_argument("--worker-root", metavar="PATH",
                   help="where the Dask workers find the course folder (default: the same path as here)")
    g.add_argument("--report", type=Path, default=Path("reports"), help="folder for grades.csv and scores.png")
    args = parser.parse_args(argv)

    course = Course()
    known = course.assignments()
    chosen = args.assignments or known
    unknown = sorted(set(chosen) - set(known))
    if unknown:
        parser.error(f"unknown assignment(s) {unknown}; known: {known}")
    limits = Limits(cell_seconds=args.cell_seconds, notebook_seconds=args.notebook_seconds,
                    memory_mb=args.memory_mb, output_kb=args.output_kb, threads=max(0, args.kernel_threads))
    report.prepare_plot()
    try:
        summaries, rejected = grade(course, chosen, args.workers, limits, force=args.force, students=args.student,
                                    cluster=args.scheduler, worker_root=args.worker_root)
    except GradingError as exc:
        print(f"error: {report.console(str(exc))}", file=sys.stderr)
        return 2
    for folder in rejected:
        print(report.console(f"  rejected  submitted/{folder.folder}: {folder.why}"))
    if not summaries:
        print("nothing to grade: no submissions under submitted/<student>/<assignment>/")
        return SOME_NOT_GRADED if rejected else 0
    table = report.rows(course.db_url, summaries)
    folder = args.report if args.report.is_absolute() else course.root / args.report
    report.write_csv(folder / "grades.csv", table)
    report.write_timing(folder / "timing.csv", summaries)
    report.plot(folder / "scores.png", table)
    print(report.console(report.summary(table, summaries)))
    print(f"report: {folder / 'grades.csv'}, {folder / 'timing.csv'}, {folder / 'scores.png'}; "
          f"feedback: {course.feedback}/")
    if rejected or any(s["status"] != "graded" for s in summaries):
        return SOME_NOT_GRADED
    return 0


if __name__ == "__main__":
    sys.exit(main())
