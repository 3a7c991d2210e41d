"""A course's session plan with, per participant, which pre- and post-tasks are done."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

from kurskit.course.model import Course, Session
from kurskit.store.progress import CourseFacts, milestones
from kurskit.store.records import StoredAnswer

#: Where a session stands against now; agendas list them in this order.
Timing = Literal["upcoming", "past", "undated"]
TIMINGS: tuple[Timing, ...] = ("upcoming", "past", "undated")


@dataclass(frozen=True)
class Task:
    """A module a session asks for: before it (`pre`) or after it (`post`)."""

    file: str
    title: str
    when: Literal["pre", "post"]
    tracked: bool  # False for a module without questions: no answer can show it done


@dataclass(frozen=True)
class ParticipantTasks:
    """One participant's row in a session: which of its tasks they have done."""

    name: str  # the user name given, or the pseudonym when no names were given
    learner: str  # the pseudonym answers are kept under
    done: dict[str, bool | None]  # task file → done; None where it cannot be tracked
    prepared: bool | None  # did every tracked pre-task; None when there is none
    followed_up: bool | None  # did every tracked post-task; None when there is none


@dataclass(frozen=True)
class SessionAgenda:
    """One session with its tasks, every participant's row and the counts that sum them up."""

    title: str
    kind: str
    date: str | None  # ISO date, or date and time
    timing: Timing
    place: str
    link: str
    duration_minutes: int | None
    tasks: tuple[Task, ...]
    participants: tuple[ParticipantTasks, ...]
    prepared: int | None  # participants who did every tracked pre-task; None without any
    followed_up: int | None  # participants who did every tracked post-task; None without any


@dataclass(frozen=True)
class Agenda:
    """A course's sessions, upcoming first (soonest first), then past (latest first), then
    undated (in course order), with who has done what. `pseudonymous`: participants are every
    learner with answers in the course, shown by pseudonym; otherwise they are the names given
    (`cohort` says which cohort they came from, if one)."""

    course: str
    title: str
    cohort: str | None
    pseudonymous: bool
    sessions: tuple[SessionAgenda, ...]

    def to_json(self) -> dict[str, Any]:
        """The agenda as plain JSON data (what `kurskit agenda --json` prints)."""
        return asdict(self)


def build_agenda(
    course: Course,
    facts: CourseFacts,
    answers: Iterable[StoredAnswer],
    *,
    participants: Mapping[str, str] | None = None,
    cohort: str | None = None,
    now: dt.datetime,
) -> Agenda:
    """The agenda of `course` from its answers.

    `participants` maps each name to show to the learner's pseudonym, in the order to show
    them; without it, every learner with answers in the course is a participant, by
    pseudonym. A task is done when the learner completed its module (the progress rule of
    `kurskit.store.progress`: every question answered). `now` tells upcoming from past;
    a naive time is local time. Raises ValueError for a task naming no module of the course
    (which `kurskit check` reports as an error).
    """
    given = [a for a in answers if a.course == facts.slug]
    pseudonymous = participants is None
    if participants is None:
        participants = {learner: learner for learner in sorted({a.learner for a in given})}
    chosen = set(participants.values())
    done: dict[str, set[str]] = {}
    for milestone in milestones([a for a in given if a.learner in chosen], {facts.slug: facts}):
        if milestone.verb == "completed" and milestone.module is not None:
            done.setdefault(milestone.learner, set()).add(milestone.module)
    now = _local(now)
    dated = [(session, _day_or_time(session.date)) for session in course.sessions]
    timed = sorted(
        ((session, date, _timing(date, now)) for session, date in dated),
        key=lambda entry: _order(entry[1], entry[2]),
    )
    return Agenda(
        course=course.slug,
        title=course.title,
        cohort=cohort,
        pseudonymous=pseudonymous,
        sessions=tuple(
            _session(session, date, timing, facts, participants, done)
            for session, date, timing in timed
        ),
    )


def _session(
    session: Session,
    date: dt.datetime | dt.date | None,
    timing: Timing,
    facts: CourseFacts,
    participants: Mapping[str, str],
    done: Mapping[str, set[str]],
) -> SessionAgenda:
    tasks = tuple(_task(session, facts, file, "pre") for file in session.pre_tasks) + tuple(
        _task(session, facts, file, "post") for file in session.post_tasks
    )
    rows = []
    for name, learner in participants.items():
        marks = {t.file: (t.file in done.get(learner, set())) if t.tracked else None for t in tasks}
        rows.append(
            ParticipantTasks(
                name=name,
                learner=learner,
                done=marks,
                prepared=_all_done(tasks, marks, "pre"),
                followed_up=_all_done(tasks, marks, "post"),
            )
        )
    return SessionAgenda(
        title=session.title,
        kind=str(session.kind),
        date=None if date is None else date.isoformat(),
        timing=timing,
        place=session.place,
        link=session.link,
        duration_minutes=session.duration_minutes,
        tasks=tasks,
        participants=tuple(rows),
        prepared=_count(rows, tasks, "pre"),
        followed_up=_count(rows, tasks, "post"),
    )


def _task(session: Session, facts: CourseFacts, file: str, when: Literal["pre", "post"]) -> Task:
    module = facts.module(file)
    if module is None or module.file != file:
        raise ValueError(
            f"the session '{session.title}' names '{file}', which is not a module of the "
            f"course {facts.slug}; run `kurskit check`"
        )
    return Task(file=file, title=module.title, when=when, tracked=bool(module.questions))


def _all_done(
    tasks: tuple[Task, ...], marks: Mapping[str, bool | None], when: Literal["pre", "post"]
) -> bool | None:
    tracked = [t for t in tasks if t.when == when and t.tracked]
    return all(marks[t.file] for t in tracked) if tracked else None


def _count(
    rows: list[ParticipantTasks], tasks: tuple[Task, ...], when: Literal["pre", "post"]
) -> int | None:
    if not any(t.when == when and t.tracked for t in tasks):
        return None
    return sum(bool(r.prepared if when == "pre" else r.followed_up) for r in rows)


def _local(moment: dt.datetime) -> dt.datetime:
    """A time as naive local time (course files write naive local times)."""
    return moment.astimezone().replace(tzinfo=None) if moment.tzinfo else moment


def _day_or_time(date: dt.datetime | dt.date | None) -> dt.datetime | dt.date | None:
    """A session's day, or its day and time: the course model reads a bare date such as
    2027-03-03 as midnight, and nobody meets at midnight, so that is the whole day."""
    if isinstance(date, dt.datetime) and date.tzinfo is None and date.time() == dt.time.min:
        return date.date()
    return date


def _start(date: dt.datetime | dt.date) -> dt.datetime:
    if isinstance(date, dt.datetime):
        return _local(date)
    return dt.datetime.combine(date, dt.time.min)


def _timing(date: dt.datetime | dt.date | None, now: dt.datetime) -> Timing:
    if date is None:
        return "undated"
    if isinstance(date, dt.datetime):
        return "upcoming" if _local(date) >= now else "past"
    return "upcoming" if date >= now.date() else "past"  # a day's session is on all that day


def _order(date: dt.datetime | dt.date | None, timing: Timing) -> tuple[int, float]:
    """Upcoming sessions soonest first, then past ones latest first, then undated ones."""
    if date is None:
        return TIMINGS.index(timing), 0.0
    start = _start(date).timestamp()
    return TIMINGS.index(timing), -start if timing == "past" else start
