"""Collection periods: answers carry the period open when stored; a period opens once, alone."""

from __future__ import annotations

import pytest

from kurskit.store.periods import PeriodError, close_period, list_periods, open_period
from kurskit.store.sql import SqlAnswerStore
from tests.test_store.helpers import answer


def test_an_answer_carries_the_period_open_when_it_was_stored(store: SqlAnswerStore) -> None:
    before = store.record(answer(question_id="q1"))
    open_period(store.engine, "demo", "2026-høst")
    during = store.record(answer(question_id="q2"))
    other_course = store.record(answer(course="other", question_id="q2"))
    close_period(store.engine, "demo")
    after = store.record(answer(question_id="q3"))
    open_period(store.engine, "demo", "2027-vår")
    later = store.record(answer(question_id="q2"))

    assert before.period is None
    assert during.period == "2026-høst"
    assert other_course.period is None  # periods belong to one course
    assert after.period is None
    assert later.period == "2027-vår"
    stored = {(a.question_id, a.attempt): a.period for a in store.answers(course="demo")}
    assert stored == {
        ("q1", 1): None,
        ("q2", 1): "2026-høst",
        ("q3", 1): None,
        ("q2", 2): "2027-vår",
    }


def test_periods_open_one_at_a_time_and_never_reopen(store: SqlAnswerStore) -> None:
    first = open_period(store.engine, "demo", "2026-høst")
    assert first.is_open
    with pytest.raises(PeriodError, match="'2026-høst' of demo is still open"):
        open_period(store.engine, "demo", "2027-vår")
    closed = close_period(store.engine, "demo")
    assert closed.name == "2026-høst" and not closed.is_open
    assert closed.closed_at is not None and closed.closed_at >= closed.opened_at
    with pytest.raises(PeriodError, match="already had a period named '2026-høst'"):
        open_period(store.engine, "demo", "2026-høst")
    with pytest.raises(PeriodError, match="no open period"):
        close_period(store.engine, "demo")
    open_period(store.engine, "demo", "2027-vår")
    assert [(p.name, p.is_open) for p in list_periods(store.engine, "demo")] == [
        ("2026-høst", False),
        ("2027-vår", True),
    ]


@pytest.mark.parametrize("name", ["", "høst 2026", "../x", "-høst", "x" * 61])
def test_a_period_name_is_a_word_with_digits_dashes_and_underscores(
    store: SqlAnswerStore, name: str
) -> None:
    with pytest.raises(PeriodError, match="is not a period name"):
        open_period(store.engine, "demo", name)


def test_the_store_itself_refuses_a_second_open_period(store: SqlAnswerStore) -> None:
    # Two coordinators opening at the same moment both pass the check in open_period; the
    # partial unique index is what keeps the second out.
    from sqlalchemy.exc import IntegrityError

    from kurskit.store.schema import periods
    from kurskit.store.times import utc_now

    open_period(store.engine, "demo", "2026-høst")
    with pytest.raises(IntegrityError), store.engine.begin() as connection:
        connection.execute(
            periods.insert().values(course="demo", name="2026-vinter", opened_at=utc_now())
        )
    close_period(store.engine, "demo")
    open_period(store.engine, "other", "2026-høst")  # another course's period is no conflict
