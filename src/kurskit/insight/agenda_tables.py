"""The agenda on a terminal: one rich table per session, ✓ for done and · for not yet."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from kurskit.store.agenda import Agenda, SessionAgenda

#: The mark of a task: done, not done, cannot be tracked (its module has no questions).
MARKS: dict[bool | None, tuple[str, str]] = {
    True: ("✓", "green"),
    False: ("·", "dim"),
    None: ("–", ""),
}


def agenda_tables(agenda: Agenda) -> Group:
    """Who is in the agenda, then a table per session in agenda order."""
    if agenda.cohort is not None:
        who = f"Participants: the cohort {agenda.cohort}."
    elif agenda.pseudonymous:
        who = (
            "Participants: every learner with answers in the course, by pseudonym "
            "(name them with --cohort or --learners)."
        )
    else:
        who = "Participants: the learners given."
    parts: list[Table | Text] = [Text(f"{agenda.title} ({agenda.course}). {who}")]
    if not agenda.sessions:
        parts.append(Text("The course has no sessions (course.yml: sessions)."))
    parts.extend(session_table(session) for session in agenda.sessions)
    if any(not t.tracked for s in agenda.sessions for t in s.tasks):
        parts.append(Text("– the module has no questions, so no answer shows it done."))
    return Group(*parts)


def session_table(session: SessionAgenda) -> Table:
    """One session: a row per participant, a column per task, and the counts as caption."""
    date = session.date.replace("T", " ")[:16] if session.date else "no date"
    facts = [session.kind, date, session.place or session.link]
    if session.duration_minutes:
        facts.append(f"{session.duration_minutes} min")
    heading = f"{session.title} ({session.timing}): {', '.join(f for f in facts if f)}"
    table = Table(title=Text(heading), caption=Text(_counts(session)), title_justify="left")
    table.add_column("participant")
    for task in session.tasks:
        table.add_column(Text(f"{'before' if task.when == 'pre' else 'after'}: {task.title}"))
    for row in session.participants:
        table.add_row(Text(row.name), *(Text(*MARKS[row.done[t.file]]) for t in session.tasks))
    return table


def _counts(session: SessionAgenda) -> str:
    everyone = len(session.participants)
    counts = [
        f"{count} of {everyone} did all {what}"
        for count, what in ((session.prepared, "pre-tasks"), (session.followed_up, "post-tasks"))
        if count is not None
    ]
    if not session.tasks:
        counts.append("no tasks")
    if not everyone:
        counts.append("no participants")
    return "; ".join(counts)
