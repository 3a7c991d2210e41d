"""The one-screen summaries printed after autograding and after nbgrader's steps."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from kurskit.grading.reports import SubmissionReport
from kurskit.grading.steps import StepResult

#: Flagged submissions listed on screen; the export has all of them.
SHOWN = 10


def summary(
    reports: list[SubmissionReport], assignment: str, isolation: list[str] | None = None
) -> Group:
    """Counts, mean score, the isolation kernels had, and the flagged submissions."""
    flagged = [r for r in reports if r.status == "flagged"]
    manual = [r for r in reports if r.needs_manual_grade]
    table = Table(title=f"Autograded {assignment}", show_header=False, box=None)
    table.add_row("submissions", str(len(reports)))
    table.add_row("graded", str(len(reports) - len(flagged)))
    table.add_row("flagged (see reasons)", str(len(flagged)))
    table.add_row("need manual grading", str(len(manual)))
    if reports:
        shares = [r.score / r.max_score for r in reports if r.max_score]
        if shares:
            table.add_row("mean score", f"{sum(shares) / len(shares):.0%}")
        table.add_row("time", f"{max(r.finished_after for r in reports):.1f} s")
    if isolation:
        table.add_row("isolation", isolation[0])
    parts: list[Table | Text] = [table]
    if isolation and "namespaces" not in isolation[0]:
        parts.append(Text("  ! kernels were not isolated: grade only trusted submissions here"))
    for report in flagged[:SHOWN]:
        first = report.reasons[0]
        more = f" (+{len(report.reasons) - 1} more)" if len(report.reasons) > 1 else ""
        parts.append(Text(f"  ⚑ {report.student}: {first}{more}"))
    if len(flagged) > SHOWN:
        parts.append(Text(f"  … and {len(flagged) - SHOWN} more flagged"))
    if not reports:
        parts.append(Text("No submissions to grade (use --student or drop --only-new)."))
    else:
        parts.append(Text("All reasons: `kurskit grade export` (grades.csv)."))
    return Group(*parts)


#: What each nbgrader step's items are, and where its output goes.
STEP_WORDS = {
    "generate": ("notebooks generated", "release/"),
    "release": ("assignments released", "exchange/"),
    "collect": ("submissions collected", "submitted/"),
    "feedback": ("feedback notebooks written", "feedback/"),
}


def step_summary(result: StepResult, course_root: str) -> Group:
    """What an nbgrader step did, its warnings, and where to look."""
    noun, folder = STEP_WORDS.get(result.step, ("items", ""))
    warnings = result.warnings
    table = Table(title=f"nbgrader {result.step}", show_header=False, box=None)
    table.add_row(noun, str(len(result.items)))
    table.add_row("warnings", str(len(warnings)))
    table.add_row("output", f"{course_root}/{folder}")
    parts: list[Table | Text] = [table]
    parts += [Text(f"  {item}") for item in result.items[:SHOWN]]
    if len(result.items) > SHOWN:
        parts.append(Text(f"  … and {len(result.items) - SHOWN} more"))
    parts += [Text(f"  ! {warning}") for warning in warnings[:SHOWN]]
    return Group(*parts)
