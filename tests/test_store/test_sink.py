"""The learner's identity and the local sink widgets write to."""

from __future__ import annotations

import pytest

from kurskit.course.scoring import Result
from kurskit.store import LocalSink, StoreError, current_user, default_sink
from kurskit.store import sink as sink_module
from kurskit.store.sql import SqlAnswerStore


def test_the_hub_user_wins_over_the_os_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "os-user")
    assert current_user({"JUPYTERHUB_USER": "kari"}) == "kari"
    assert current_user({}) == "os-user"
    assert current_user({"JUPYTERHUB_USER": "  "}) == "os-user"


def test_no_user_at_all_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    def nobody() -> str:
        raise OSError("no passwd entry")

    monkeypatch.setattr("getpass.getuser", nobody)
    with pytest.raises(StoreError, match="JUPYTERHUB_USER"):
        current_user({})


def test_submit_stores_the_result_under_the_pseudonym(store: SqlAnswerStore) -> None:
    sink = LocalSink(store, user="kari")
    result = Result(score=0.5, max=1.0, correct=False, feedback=("Nesten.",))
    stored = sink.submit(
        course="demo",
        module="lesson.md",
        question_id="q-multi",
        response=["a", "c"],
        result=result,
        idempotency_key="k1",
    )
    assert stored.learner == store.pseudonym("kari") != "kari"
    assert (stored.score, stored.max_score, stored.correct, stored.status) == (
        0.5,
        1.0,
        False,
        "scored",
    )
    pending = sink.submit(
        course="demo",
        module="lesson.md",
        question_id="q-multi",
        response="tekst",
        result=Result(None, 2.0, None, status="pending"),
        idempotency_key="k2",
    )
    assert (pending.score, pending.status, pending.attempt) == (None, "pending", 2)
    again = sink.submit(
        course="demo",
        module="lesson.md",
        question_id="q-multi",
        response="tekst",
        result=Result(None, 2.0, None, status="pending"),
        idempotency_key="k2",
    )
    assert again == pending
    mine = sink.my_answers(course="demo", module="lesson.md", question_id="q-multi")
    assert [a.idempotency_key for a in mine] == ["k1", "k2"]
    other = LocalSink(store, user="ola")
    assert other.my_answers(course="demo", module="lesson.md", question_id="q-multi") == []


def test_feedback_release_reaches_the_sink(store: SqlAnswerStore) -> None:
    sink = LocalSink(store, user="kari")
    assert not sink.feedback_released(course="demo", module="test.ipynb")
    store.release_feedback(course="demo", module="test.ipynb")
    assert sink.feedback_released(course="demo", module="test.ipynb")


def test_default_sink_uses_the_configured_store_and_context_user(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KURSKIT_STORE_URL", sqlite_url)
    monkeypatch.setenv("JUPYTERHUB_USER", "kari")
    monkeypatch.setattr(sink_module, "_sinks", {})
    sink = default_sink()
    assert sink is default_sink()  # one per process, store and user
    assert isinstance(sink, LocalSink) and sink.user == "kari"
    sink.submit(
        course="demo",
        module="m",
        question_id="q",
        response=True,
        result=Result(1.0, 1.0, True),
        idempotency_key="k",
    )
    store = SqlAnswerStore.open(sqlite_url)
    assert [a.learner for a in store.answers()] == [store.pseudonym("kari")]
    store.close()
    sink.store.close()
