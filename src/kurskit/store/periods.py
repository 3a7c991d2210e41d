"""Collection periods: coordinators open and close them; each answer is tagged with its own."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Engine, ScalarSelect, select, update
from sqlalchemy.exc import IntegrityError

from kurskit.store.schema import periods
from kurskit.store.times import as_utc, utc_now

#: A period's name: letters (any script), digits, - and _, e.g. 2026-høst or 2027_vår.
PERIOD_NAME = re.compile(r"[^\W_][\w-]{0,59}")


class PeriodError(ValueError):
    """A period that cannot be opened or closed as asked; the message says why."""


@dataclass(frozen=True)
class Period:
    """One collection period of a course."""

    course: str
    name: str
    opened_at: dt.datetime
    closed_at: dt.datetime | None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


def open_period_of(course: ColumnElement[str]) -> ScalarSelect[str]:
    """The name of the course's open period (NULL when none is open), for use inside a statement.

    Answers are tagged inside the statement that stores them, so an answer can never carry a
    period the learner chose or one that closed between a read and the write.
    """
    return (
        select(periods.c.name)
        .where(periods.c.course == course, periods.c.closed_at.is_(None))
        .scalar_subquery()
    )


def list_periods(engine: Engine, course: str) -> list[Period]:
    """The course's periods in the order they were opened."""
    query = select(periods).where(periods.c.course == course).order_by(periods.c.opened_at)
    with engine.connect() as connection:
        return [_period(row._mapping) for row in connection.execute(query)]


def open_period(engine: Engine, course: str, name: str) -> Period:
    """Open a new period; refused while another is open or when the name was used before."""
    if not PERIOD_NAME.fullmatch(name):
        raise PeriodError(
            f"'{name}' is not a period name: use letters, digits, - and _ (at most 60), "
            "e.g. 2026-høst"
        )
    with engine.begin() as connection:
        current = connection.execute(
            select(periods.c.name).where(periods.c.course == course, periods.c.closed_at.is_(None))
        ).scalar()
        if current is not None:
            raise PeriodError(
                f"the period '{current}' of {course} is still open; close it first "
                f"(kurskit insight period close {course} {current})"
            )
        try:
            connection.execute(
                periods.insert().values(course=course, name=name, opened_at=utc_now())
            )
        except IntegrityError:
            raise PeriodError(
                f"{course} already had a period named '{name}', or another was opened at the "
                "same moment; periods are never reopened, and one is open at a time, so that "
                "each answer belongs to one span of time"
            ) from None
    return next(p for p in list_periods(engine, course) if p.name == name)


def close_period(engine: Engine, course: str) -> Period:
    """Close the course's open period; refused when none is open."""
    with engine.begin() as connection:
        closed = connection.execute(
            update(periods)
            .where(periods.c.course == course, periods.c.closed_at.is_(None))
            .values(closed_at=utc_now())
            .returning(periods.c.name)
        ).scalar()
    if closed is None:
        raise PeriodError(f"{course} has no open period to close")
    return next(p for p in list_periods(engine, course) if p.name == closed)


def _period(row: object) -> Period:
    values = dict(row)  # type: ignore[call-overload]
    return Period(
        course=values["course"],
        name=values["name"],
        opened_at=as_utc(values["opened_at"]),
        closed_at=None if values["closed_at"] is None else as_utc(values["closed_at"]),
    )
