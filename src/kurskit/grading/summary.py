"""The one-screen summary printed after autograding."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from kurskit.grading.reports import SubmissionReport

#: Flagged submissions listed on screen; the export has all of them.
SHOWN = 10


def summary(reports: list[SubmissionReport], assignment: str) -> Group:
    """Counts, score range and the flagged submissions with their first reason."""
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
    parts: list[Table | Text] = [table]
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
