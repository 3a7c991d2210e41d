"""Times as the store keeps them: aware, in UTC (SQLite drops the zone; every time is UTC)."""

from __future__ import annotations

import datetime as dt


def utc_now() -> dt.datetime:
    """The current moment, in UTC."""
    return dt.datetime.now(dt.UTC)


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A time read from the store, in UTC: naive times (SQLite) were written in UTC."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
