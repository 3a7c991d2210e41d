"""Live questions in a session, through the real hub and answers service: instructors open,
close and reveal; participants see the question without its key and answer; the class result
follows every answer; nobody else drives a session or reads its result."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from kurskit.course.questions import parse_question
from kurskit.hub.webinar import Session, quick_poll, tally
from kurskit.store.records import session_id, session_of
from kurskit.widgets.dashboard import agenda_html
from tests.test_hub.hubfixture import GRADED_SECRET, INSTRUCTOR, RunningHub

pytestmark = pytest.mark.slow


def api(hub: RunningHub, user: str, method: str, path: str, body: Any = None) -> Any:
    return hub.call(method, hub.service + "api/webinar/" + path, hub.tokens[user], body)


def control(hub: RunningHub, user: str, module: str, **request: Any) -> Any:
    return api(hub, user, "POST", "control", {"course": "demo", "module": module, **request})


def answer(hub: RunningHub, user: str, module: str, response: Any, key: str) -> Any:
    body = {"course": "demo", "module": module, "response": response, "idempotency_key": key}
    return api(hub, user, "POST", "answer", body)


def state(hub: RunningHub, user: str, module: str, since: int = -1, view: str = "") -> Any:
    query = f"state?course=demo&module={module}&since={since}&view={view}"
    return api(hub, user, "GET", query)


def test_a_session_from_question_to_reveal(hub: RunningHub) -> None:
    status, questions = api(hub, INSTRUCTOR, "GET", "questions?course=demo&module=lesson")
    assert status == 200 and [q["id"] for q in questions] == ["p-choice"]
    # Participants who joined before the question opens wait for it, and get it at once.
    status, first = state(hub, "alice", "lesson")
    assert status == 200 and first["question"] is None
    waited: dict[str, Any] = {}

    def wait_for_question() -> None:
        started = time.monotonic()
        waited["state"] = state(hub, "alice", "lesson", since=first["version"])[1]
        waited["seconds"] = time.monotonic() - started

    waiter = threading.Thread(target=wait_for_question)
    waiter.start()
    time.sleep(0.5)
    status, opened = control(hub, INSTRUCTOR, "lesson", action="open", question_id="p-choice")
    assert status == 200, opened
    waiter.join(30)
    assert waited["state"]["question"]["spec"]["id"] == "p-choice"
    assert 0.4 < waited["seconds"] < 5  # it waited, and came back when the question opened
    assert "answer" not in waited["state"]["question"]["spec"]  # no key while open

    assert answer(hub, "alice", "lesson", "b", "k1")[0] == 200
    assert answer(hub, "bob", "lesson", "a", "k2")[0] == 200
    assert answer(hub, "alice", "lesson", "b", "k1")[0] == 200  # a retry counts once
    status, result = state(hub, INSTRUCTOR, "lesson", view="class")
    assert status == 200
    assert result["answered"] == 2 and result["joined"] >= 2
    assert [(b["count"], b["right"]) for b in result["result"]["bars"]] == [(1, False), (1, False)]

    assert control(hub, INSTRUCTOR, "lesson", action="close")[0] == 200
    status, refused = answer(hub, "carl", "lesson", "a", "k3")
    assert status == 409 and "no question is open" in refused["error"]
    assert control(hub, INSTRUCTOR, "lesson", action="reveal")[0] == 200
    shown = state(hub, "bob", "lesson")[1]["question"]
    assert shown["status"] == "revealed" and shown["spec"]["answer"] == "b"
    assert [bar["right"] for bar in shown["result"]["bars"]] == [False, True]


def test_only_instructors_drive_a_session_or_see_the_class(hub: RunningHub) -> None:
    for learner in ("alice", "carl"):
        assert control(hub, learner, "lesson", action="open", question_id="p-choice")[0] == 403
        assert state(hub, learner, "lesson", view="class")[0] == 403
        assert api(hub, learner, "GET", "questions?course=demo&module=lesson")[0] == 403
    status, _ = hub.call("GET", hub.service + "webinar/demo/lesson/projector", hub.tokens["alice"])
    assert status == 403


def test_a_graded_question_keeps_its_key_until_revealed(hub: RunningHub) -> None:
    assert control(hub, INSTRUCTOR, "test", action="open", question_id="g-choice")[0] == 200
    status, seen = hub.call("GET", hub.service + "webinar/demo/test", hub.tokens["carl"])
    assert status == 200 and GRADED_SECRET not in str(seen)
    shown = state(hub, "carl", "test")[1]
    assert GRADED_SECRET not in str(shown) and "answer" not in shown["question"]["spec"]
    status, stored = answer(hub, "carl", "test", "b", "g1")
    assert status == 200 and stored["status"] == "pending"  # graded: scored, not yet shown
    # Revealing it would give away a test still being taken: refused until results are out.
    status, refused = control(hub, INSTRUCTOR, "test", action="reveal")
    assert status == 409 and "not released" in refused["error"]
    assert "answer" not in state(hub, "carl", "test")[1]["question"]["spec"]
    assert control(hub, INSTRUCTOR, "test", action="close")[0] == 200


def test_a_quick_poll_and_the_pages(hub: RunningHub) -> None:
    status, opened = control(
        hub, INSTRUCTOR, "lesson", action="open", prompt="Kaffe?", options=["Ja", "Nei"]
    )
    assert status == 200, opened
    assert opened["question"]["spec"]["prompt"] == "Kaffe?"
    assert answer(hub, "alice", "lesson", "a", "q1")[0] == 200
    bars = state(hub, INSTRUCTOR, "lesson", view="class")[1]["result"]["bars"]
    assert [(b["label"], b["count"]) for b in bars] == [("Ja", 1), ("Nei", 0)]
    assert control(hub, INSTRUCTOR, "lesson", action="open", prompt="", options=["x"])[0] == 400
    status, page = hub.call("GET", hub.service + "webinar/demo/lesson", hub.tokens["bob"])
    assert status == 200 and "Venter på neste spørsmål" in page and 'lang="nb"' in page
    status, page = hub.call(
        "GET", hub.service + "webinar/demo/lesson/projector", hub.tokens[INSTRUCTOR]
    )
    assert status == 200 and "<svg" in page and "webinar/demo/lesson" in page


def test_session_answers_stay_in_the_store_tagged(hub: RunningHub) -> None:
    status, rows = hub.call(
        "GET", hub.service + "api/export?course=demo&format=jsonl", hub.tokens[INSTRUCTOR]
    )
    assert status == 200
    tagged = {session_of(row["idempotency_key"]) for row in _jsonl(rows)}
    assert session_id("lesson.md") in tagged
    # The quick poll's prompt and options are kept, so the course report can name them.
    status, page = hub.call("GET", hub.service + "insight?course=demo", hub.tokens[INSTRUCTOR])
    assert status == 200 and "Kaffe?" in page and '<th scope="row">' in page


def _jsonl(text: Any) -> list[dict[str, Any]]:
    import json

    if isinstance(text, list):
        return text
    return [json.loads(line) for line in str(text).splitlines() if line.strip()]


def test_tally_of_each_kind() -> None:
    choice = parse_question(
        {"id": "c", "type": "multiple_choice", "prompt": "p", "options": ["x", "y", "z"],
         "answer": ["a", "c"]}
    )  # fmt: skip
    bars = tally(choice, {"u1": ["a"], "u2": ["a", "c"]}, reveal=True)["bars"]
    assert [(b["count"], b["right"]) for b in bars] == [(2, True), (0, False), (1, True)]
    numeric = parse_question({"id": "n", "type": "numeric", "prompt": "p", "answer": 4})
    counted = tally(numeric, {"a": "1", "b": "4,0", "c": 9, "d": "nonsense"}, reveal=False)
    assert sum(b["count"] for b in counted["histogram"]) == 3 and "right" not in counted
    text = parse_question(
        {"id": "t", "type": "short_text", "prompt": "p", "accept": ["Oslo"], "graded": True}
    )
    words = tally(text, {"a": "Oslo", "b": " oslo ", "c": "Bergen"}, reveal=True)
    assert words["words"][0] == {"text": "oslo", "count": 2} and words["right"] == ["Oslo"]
    likert = parse_question({"id": "l", "type": "likert", "prompt": "p", "scale": ["lo", "hi"]})
    assert [b["count"] for b in tally(likert, {"a": 2, "b": 2}, False)["bars"]] == [0, 2]


def test_a_session_counts_the_latest_answer_of_each_participant() -> None:
    session = Session("demo", "lesson.md", "2026-12-04-lesson")
    session.open(quick_poll(1, "Te?", ["Ja", "Nei"]))
    session.answered("alice", "a")
    session.answered("alice", "b")
    state = session.class_state()
    assert state["answered"] == 1
    assert [b["count"] for b in state["result"]["bars"]] == [0, 1]
    with pytest.raises(ValueError, match="at least two options"):
        quick_poll(2, "Te?", ["Ja"])


def test_the_dashboard_shows_who_has_done_the_sessions_tasks(hub: RunningHub) -> None:
    # alice completes the lesson (the session's pre-task) in self-study.
    body = {"course": "demo", "question_id": "p-choice", "response": "b",
            "idempotency_key": "agenda-alice"}  # fmt: skip
    assert hub.call("POST", hub.service + "api/answers", hub.tokens["alice"], body)[0] == 200
    status, agenda = api(hub, INSTRUCTOR, "GET", "agenda?course=demo")
    assert status == 200, agenda
    [session] = agenda["sessions"]
    assert session["title"] == "Oppstart"
    assert [(t["file"], t["when"]) for t in session["tasks"]] == [("lesson.md", "pre")]
    done = {row["name"]: row["done"]["lesson.md"] for row in session["participants"]}
    assert set(done) == {"alice", "bob"}  # the instructor's cohort; carl is another's
    assert done["alice"] is True
    assert api(hub, "alice", "GET", "agenda?course=demo")[0] == 403  # instructors only
    html = agenda_html(agenda, "nb")
    assert "<caption>Oppstart" in html and '<th scope="row">alice</th><td>✓ gjort</td>' in html
    assert '<th scope="col">Deltaker</th><th scope="col">Før: ' in html
    english = agenda_html(agenda, "en")
    assert '<th scope="row">alice</th><td>✓ done</td>' in english and "Participant" in english


def test_the_dashboard_learns_the_course_language_with_its_modules(hub: RunningHub) -> None:
    status, listing = api(hub, INSTRUCTOR, "GET", "modules?course=demo")
    assert status == 200, listing
    assert listing["language"] == "nb" and "lesson.md" in listing["modules"]
    assert api(hub, "alice", "GET", "modules?course=demo")[0] == 403  # instructors only
