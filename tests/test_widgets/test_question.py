"""The question widget, driven through its Python API the way the browser drives it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell

from kurskit.course import parse_question
from kurskit.course.questions import QUESTION_TYPES
from kurskit.course.redact import learner_view
from kurskit.store.records import AnswerStore
from kurskit.store.sink import LocalSink
from kurskit.store.sql import open_store
from kurskit.widgets import QuestionContext, QuestionWidget, learner_widget

CONTEXT = QuestionContext(course="demo", module="lesson.md", language="en")


@pytest.fixture
def store(tmp_path: Path) -> AnswerStore:
    return open_store(f"sqlite:///{tmp_path / 'answers.sqlite'}")


@pytest.fixture
def sink(store: AnswerStore) -> LocalSink:
    return LocalSink(store, user="kari")


def spec(kind: str, **fields: Any) -> Any:
    return parse_question({"id": f"q-{kind}", "type": kind, "prompt": "Question?", **fields})


def stored(store: AnswerStore, sink: LocalSink, question_id: str) -> list[Any]:
    return store.history(
        course="demo", module="lesson.md", question_id=question_id, learner=sink.learner
    )


CASES: list[tuple[str, dict[str, Any], Any, str, tuple[float, float] | None]] = [
    # type, spec fields, response, verdict, (score, max) shown
    (
        "single_choice",
        {"options": [{"text": "A", "feedback": "No: A is wide."}, "B"], "answer": "b"},
        "a",
        "incorrect",
        (0, 1),
    ),
    (
        "multiple_choice",
        {"options": ["A", "B", "C"], "answer": ["a", "b"], "points": 2},
        ["a"],
        "partly",
        (1, 2),
    ),
    ("true_false", {"answer": False}, False, "correct", (1, 1)),
    ("numeric", {"answer": 3.5, "tolerance": 0.1}, "3,5", "correct", (1, 1)),
    ("short_text", {"accept": ["NOT"]}, " not ", "correct", (1, 1)),
    ("ordering", {"items": ["one", "two", "three"]}, None, "correct", (1, 1)),
    ("likert", {"scale": ["Low", "Mid", "High"]}, 2, "thanks", None),
    ("reflection", {}, "I learnt to read laterally.", "thanks", None),
    ("poll", {"options": ["Yes", "No"]}, "b", "thanks", None),
    ("feedback", {}, {"rating": 4, "comment": "Good"}, "thanks", None),
]


@pytest.mark.parametrize(
    ("kind", "fields", "response", "verdict", "points"), CASES, ids=[c[0] for c in CASES]
)
def test_each_type_checks_and_stores(
    store: AnswerStore,
    sink: LocalSink,
    kind: str,
    fields: dict[str, Any],
    response: Any,
    verdict: str,
    points: tuple[float, float] | None,
) -> None:
    question = spec(kind, **fields)
    widget = learner_widget(question, context=CONTEXT, sink=sink)
    if response is None:  # ordering: the right order, by the item ids
        response = list(question.answer)
    widget.response = response
    record = widget.check()
    assert widget.result["verdict"] == verdict
    assert (widget.result["score"], widget.result["max"]) == (points or (None, None))
    assert widget.save_state == "saved" and widget.save_message.startswith("Saved")
    assert record is not None
    [row] = stored(store, sink, question.id)
    assert row.response == response and row.attempt == 1
    assert row.learner == sink.learner != "kari"


def test_option_feedback_is_shown_for_the_picked_option_only(sink: LocalSink) -> None:
    question = spec(
        "single_choice",
        options=[{"text": "A", "feedback": "A is wide."}, {"text": "B", "feedback": "B is right."}],
        answer="b",
    )
    widget = learner_widget(question, context=CONTEXT, sink=sink)
    assert all("feedback" not in option for option in widget.view["options"])
    widget.response = "a"
    widget.check()
    assert widget.result["option_feedback_html"] == {"a": "A is wide."}


def test_the_browser_never_gets_an_answer_key(sink: LocalSink) -> None:
    secret = "SECRET-ANSWER"
    questions = [
        spec("single_choice", options=["x", {"text": "y", "feedback": secret}], answer="b"),
        spec("short_text", accept=[secret]),
        spec("numeric", answer=987654.25),
        spec("code", solution=f"x = '{secret}'", tests="assert x", hidden_tests=f"# {secret}"),
        spec("true_false", answer=True, feedback={"correct": secret}),
    ]
    for question in questions:
        widget = learner_widget(question, context=CONTEXT, sink=sink)
        state = json.dumps(widget.get_state(), default=str)
        assert secret not in state and "987654" not in state, question.type


def test_graded_answers_are_stored_pending_with_no_correctness(
    store: AnswerStore, sink: LocalSink
) -> None:
    question = spec("single_choice", options=["A", "B"], answer="b", graded=True, points=2)
    widget = learner_widget(question, context=CONTEXT, sink=sink)
    widget.response = "b"
    widget.check()
    assert widget.result["verdict"] == "submitted"
    assert widget.result["score"] is None and widget.result["option_feedback_html"] == {}
    assert "correct" not in json.dumps(widget.result).replace("incorrect", "").lower()
    [row] = stored(store, sink, question.id)
    assert row.status == "pending" and row.score is None and row.correct is None


def test_graded_result_shows_once_released(store: AnswerStore, sink: LocalSink) -> None:
    from kurskit.store.records import Answer

    question = spec("true_false", answer=True, graded=True, points=2)
    store.record(
        Answer(
            "demo",
            "lesson.md",
            question.id,
            sink.learner,
            True,
            2.0,
            2.0,
            True,
            "scored",
            "graded-by-grader",
        )
    )
    before = learner_widget(question, context=CONTEXT, sink=sink)
    assert before.result["verdict"] == "submitted"
    store.release_feedback(course="demo", module="lesson.md")
    after = learner_widget(question, context=CONTEXT, sink=sink)
    assert after.result["verdict"] == "correct"
    assert (after.result["score"], after.result["max"]) == (2, 2)


def test_reopening_reads_the_earlier_answer_back(sink: LocalSink) -> None:
    question = spec("numeric", answer=170)
    first = learner_widget(question, context=CONTEXT, sink=sink)
    first.response = "171"
    first.check()
    again = learner_widget(question, context=CONTEXT, sink=sink)
    assert again.response == "171"
    assert again.result["verdict"] == "incorrect"
    assert again.notice.startswith("Your earlier answer from")


def test_attempt_limit_locks_the_question(store: AnswerStore, sink: LocalSink) -> None:
    question = spec("true_false", answer=True, attempts=2)
    widget = learner_widget(question, context=CONTEXT, sink=sink)
    assert widget.notice == "Attempts left: 2 of 2." and not widget.locked
    for response in (False, True):
        widget.response = response
        assert widget.check() is not None
    assert widget.locked and widget.notice == "You have used all your attempts at this question."
    widget.response = False
    assert widget.check() is None
    assert [r.attempt for r in stored(store, sink, question.id)] == [1, 2]
    assert learner_widget(question, context=CONTEXT, sink=sink).locked


@pytest.mark.parametrize(
    ("kind", "fields", "response", "message"),
    [
        ("single_choice", {"options": ["A", "B"], "answer": "a"}, None, "no_answer"),
        ("multiple_choice", {"options": ["A", "B"], "answer": ["a"]}, [], "no_answer"),
        ("numeric", {"answer": 3}, "three", "not_a_number"),
        ("reflection", {"min_words": 5}, "too short", "min_words"),
    ],
)
def test_empty_or_unreadable_answers_are_explained_not_stored(
    store: AnswerStore,
    sink: LocalSink,
    kind: str,
    fields: dict[str, Any],
    response: Any,
    message: str,
) -> None:
    question = spec(kind, **fields)
    widget = learner_widget(question, context=CONTEXT, sink=sink)
    widget.response = response
    assert widget.check() is None
    assert widget.result["verdict"] == "invalid" and widget.result["message"] == message
    assert message in widget.strings  # the renderer words it from the catalogue
    assert stored(store, sink, question.id) == []


class FlakySink:
    """Fails the first submit after writing (an ack lost on the way back), then works."""

    def __init__(self, inner: LocalSink) -> None:
        self.inner = inner
        self.failures = 1
        self.keys: list[str] = []

    def submit(self, **kwargs: Any) -> Any:
        self.keys.append(kwargs["idempotency_key"])
        stored = self.inner.submit(**kwargs)
        if self.failures:
            self.failures -= 1
            raise OSError("connection reset")
        return stored

    def my_answers(self, **kwargs: Any) -> Any:
        return self.inner.my_answers(**kwargs)

    def feedback_released(self, **kwargs: Any) -> bool:
        return self.inner.feedback_released(**kwargs)


def test_a_failed_save_is_shown_and_the_retry_is_not_a_duplicate(
    store: AnswerStore, sink: LocalSink
) -> None:
    flaky = FlakySink(sink)
    question = spec("true_false", answer=True)
    widget = learner_widget(question, context=CONTEXT, sink=flaky)
    widget.response = True
    assert widget.check() is None
    assert widget.save_state == "error" and "connection reset" in widget.save_message
    assert widget.response is True  # nothing the learner wrote is lost
    assert widget.check() is not None and widget.save_state == "saved"
    assert flaky.keys[0] == flaky.keys[1]
    assert len(stored(store, sink, question.id)) == 1


def test_browser_message_checks_the_sent_response(store: AnswerStore, sink: LocalSink) -> None:
    question = spec("single_choice", options=["A", "B"], answer="b")
    widget = learner_widget(question, context=CONTEXT, sink=sink)
    widget._on_browser_message(widget, {"kind": "check", "response": "b"}, None)
    assert widget.result["verdict"] == "correct"
    assert stored(store, sink, question.id)[0].response == "b"


def test_interface_speaks_the_course_language(sink: LocalSink) -> None:
    swedish = QuestionContext(course="demo", module="lesson.md", language="sv")
    widget = learner_widget(spec("true_false", answer=True), context=swedish, sink=sink)
    assert widget.strings["check"] == "Kontrollera svaret"
    widget.response = True
    widget.check()
    assert widget.result["verdict"] == "correct"
    assert widget.save_message.startswith("Sparat")


def test_code_exercise_runs_its_visible_checks_in_the_kernel(sink: LocalSink) -> None:
    shell = InteractiveShell.instance()
    question = spec("code", solution="def f():\n    return 2\n", tests="assert f() == 2\n")
    widget = learner_widget(question, context=CONTEXT, sink=sink)
    assert widget.view["tests"] == "assert f() == 2" and "solution" not in widget.view
    shell.run_cell("def f():\n    return 1\n")
    widget.check()
    assert widget.result["verdict"] == "failed"
    assert widget.result["values"]["reason"].startswith("AssertionError")
    shell.run_cell("def f():\n    return 2\n")
    widget.check()
    assert widget.result["verdict"] == "passed"


def test_a_code_exercise_without_its_spec_still_runs_its_visible_checks(sink: LocalSink) -> None:
    shell = InteractiveShell.instance()
    question = spec("code", solution="def g():\n    return 3\n", tests="assert g() == 3\n")
    view = learner_view(question, hide_key=True)  # the learner edition has no full spec
    widget = QuestionWidget(view, context=CONTEXT, sink=sink, spec=None)
    shell.run_cell("def g():\n    return 0\n")
    widget.check()
    assert widget.result["verdict"] == "failed"
    shell.run_cell("def g():\n    return 3\n")
    widget.check()
    assert widget.result["verdict"] == "passed"


def test_redacted_view_without_spec_stores_pending(store: AnswerStore, sink: LocalSink) -> None:
    question = spec("numeric", answer=5, graded=True)
    view = learner_view(question)  # as in a released notebook
    widget = QuestionWidget(view, context=CONTEXT, sink=sink, spec=None)
    widget.response = "5"
    widget.check()
    assert widget.result["verdict"] == "submitted"
    assert stored(store, sink, question.id)[0].status == "pending"


def test_the_renderer_has_controls_for_every_question_type() -> None:
    source = (Path(__file__).parents[2] / "src/kurskit/assets/question.js").read_text("utf-8")
    block = source[
        source.index("const CONTROLS = {") : source.index("\n};", source.index("const CONTROLS"))
    ]
    declared = set(re.findall(r"^  (\w+): ", block, re.MULTILINE))
    assert declared == set(QUESTION_TYPES)
