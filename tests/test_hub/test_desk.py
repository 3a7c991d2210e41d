"""The answers service's rules without HTTP: scoring, attempts, idempotency, redaction, cohorts."""

from __future__ import annotations

from pathlib import Path

import pytest

from kurskit.hub.answers import AnswerDesk, RefusedError
from kurskit.hub.cohorts import cohort_group, readable_learners
from kurskit.hub.keys import AnswerKeys
from kurskit.store.sql import open_store
from tests.test_hub.hubfixture import write_course


@pytest.fixture
def desk(tmp_path: Path) -> AnswerDesk:
    keys = AnswerKeys.read(write_course(tmp_path))
    assert not keys.problems
    return AnswerDesk(open_store(f"sqlite:///{tmp_path / 'answers.sqlite'}"), keys)


def submit(desk: AnswerDesk, user: str, question: str, response: object, key: str) -> dict:
    request = {"course": "demo", "question_id": question, "response": response}
    return desk.submit(user, {**request, "idempotency_key": key})


def test_practice_answers_are_scored_with_their_key(desk: AnswerDesk) -> None:
    stored = submit(desk, "alice", "p-choice", "b", "k1")
    assert (stored["score"], stored["correct"], stored["module"]) == (1.0, True, "lesson.md")
    assert stored["idempotency_key"] == "k1"


def test_graded_verdicts_stay_hidden_until_released(desk: AnswerDesk) -> None:
    stored = submit(desk, "alice", "g-choice", "b", "k1")
    assert (stored["score"], stored["correct"], stored["status"]) == (None, None, "pending")
    assert desk.answers_of("demo", ["alice"])["alice"][0]["correct"] is True
    assert not desk.released("demo", "test.ipynb")
    assert desk.release("demo", "test") == "test.ipynb"
    assert desk.released("demo", "test.ipynb")
    assert desk.history("alice", "demo", "g-choice")[0]["correct"] is True


def test_attempts_are_counted_by_the_service(desk: AnswerDesk) -> None:
    for key in ("a", "b", "c"):
        submit(desk, "bob", "p-choice", "a", key)
    with pytest.raises(RefusedError, match="no attempts left") as refused:
        submit(desk, "bob", "p-choice", "b", "d")
    assert refused.value.status == 409
    assert submit(desk, "bob", "p-choice", "a", "b")["attempt"] == 2  # a retry


def test_keys_are_per_learner(desk: AnswerDesk) -> None:
    submit(desk, "alice", "p-choice", "a", "same")
    assert submit(desk, "bob", "p-choice", "b", "same")["response"] == "b"
    assert [a["response"] for a in desk.history("alice", "demo", "p-choice")] == ["a"]


@pytest.mark.parametrize(
    ("request_body", "status", "words"),
    [
        ({"course": "demo", "question_id": "nope", "response": "a"}, 404, "no question"),
        ({"course": "other", "question_id": "p-choice", "response": "a"}, 404, "no question"),
        ({"course": "demo", "question_id": "p-choice"}, 400, "no response"),
        ({"course": "demo", "question_id": "p-choice", "response": "z"}, 400, "not an answer"),
        ({"question_id": "p-choice", "response": "a"}, 400, "needs course"),
    ],
)
def test_bad_requests_are_refused_with_a_reason(
    desk: AnswerDesk, request_body: dict, status: int, words: str
) -> None:
    with pytest.raises(RefusedError, match=words) as refused:
        desk.submit("alice", {**request_body, "idempotency_key": "k"})
    assert refused.value.status == status
    assert desk.history("alice", "demo", "p-choice") == []


def test_an_overlong_key_is_refused(desk: AnswerDesk) -> None:
    with pytest.raises(RefusedError, match="longer than"):
        submit(desk, "alice", "p-choice", "a", "k" * 500)


def test_instructors_read_learners_who_share_a_cohort_admins_read_all() -> None:
    members = {
        "cohort-a": {"alice", "ines"},
        "cohort-b": {"bob"},
        "instructors-demo": {"ines", "olav"},
        "cohort-c": {"olav", "carl"},
    }
    ines = {"cohort-a", "instructors-demo"}
    assert readable_learners("ines", ines, "demo", members) == {"alice": "a"}
    assert readable_learners("ines", ines, "other-course", members) == {}
    assert readable_learners("alice", {"cohort-a"}, "demo", members) == {}
    everyone = readable_learners("root", set(), "demo", members, admin=True)
    assert everyone == {"alice": "a", "bob": "b", "carl": "c"}


def test_cohort_names_are_checked() -> None:
    assert cohort_group("oslo-2026") == "cohort-oslo-2026"
    with pytest.raises(ValueError, match="not a cohort name"):
        cohort_group("Oslo sentrum")


def test_graded_answers_close_when_their_results_are_released(desk: AnswerDesk) -> None:
    submit(desk, "alice", "g-choice", "a", "before")
    desk.release("demo", "test.ipynb")
    with pytest.raises(RefusedError, match="closed") as refused:
        submit(desk, "alice", "g-choice", "b", "after")
    assert refused.value.status == 409
    assert submit(desk, "alice", "g-choice", "a", "before")["correct"] is False  # a retry
    assert submit(desk, "alice", "p-choice", "b", "practice")["correct"] is True


def test_a_key_reused_for_another_question_is_refused(desk: AnswerDesk) -> None:
    submit(desk, "alice", "p-choice", "a", "same")
    with pytest.raises(RefusedError, match="names another answer") as refused:
        submit(desk, "alice", "g-choice", "a", "same")
    assert refused.value.status == 409


def test_modules_in_folders_are_told_apart() -> None:
    keys = AnswerKeys(modules={"c": {"del-1/intro.md", "del-2/intro.md", "slutt.md"}})
    assert keys.module("c", "del-2/intro.ipynb") == "del-2/intro.md"
    assert keys.module("c", "slutt.ipynb") == "slutt.md"
    assert keys.module("c", "intro.ipynb") is None
