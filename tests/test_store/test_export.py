"""Export: CSV and JSON Lines parse back; xAPI statements validate against their schema."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kurskit.store.export import export_answers
from kurskit.store.progress import read_courses
from kurskit.store.sql import SqlAnswerStore
from tests.factories import GRADED_TF, ipynb_with
from tests.test_store.helpers import answer

SCHEMA = json.loads((Path(__file__).parent / "xapi_statement.schema.json").read_text("utf-8"))
SITE = "https://kurs.example.org"
GRADED_NUMERIC = (
    "%%kurskit\nid: q-num\ntype: numeric\nprompt: Hvor mange?\nanswer: 3\npoints: 4\ngraded: true\n"
)


def validator() -> jsonschema.Draft202012Validator:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    return jsonschema.Draft202012Validator(SCHEMA)


def export(store: SqlAnswerStore, format: str, **options: Any) -> str:
    out = io.StringIO()
    export_answers(store, out, format=format, **options)  # type: ignore[arg-type]
    return out.getvalue()


@pytest.fixture
def course_dir(make_course: Any) -> Path:
    """demo: lesson.md (a lesson with q-single), test.ipynb (assessment: q-graded 1 pt, q-num 4)."""
    folder: Path = make_course(files={"test.ipynb": ipynb_with(GRADED_TF, GRADED_NUMERIC)})
    return folder


def scored(
    store: SqlAnswerStore,
    user: str,
    module: str,
    question: str,
    response: Any,
    score: float | None,
    max_score: float,
    status: str = "scored",
) -> None:
    correct = None if score is None else score == max_score
    store.record(
        answer(
            learner=store.pseudonym(user),
            module=module,
            question_id=question,
            response=response,
            score=score,
            max_score=max_score,
            correct=correct,
            status=status,
        )
    )


@pytest.fixture
def scenario(store: SqlAnswerStore) -> SqlAnswerStore:
    """alice passes; bob fails on his latest attempts; carol and dave have no final result."""
    scored(store, "alice", "lesson.md", "q-single", "b", 1.0, 1.0)
    scored(store, "alice", "test.ipynb", "q-graded", True, 1.0, 1.0)
    scored(store, "alice", "test.ipynb", "q-num", "3", 4.0, 4.0)
    scored(store, "bob", "test.ipynb", "q-graded", True, 1.0, 1.0)
    scored(store, "bob", "test.ipynb", "q-num", "3", 4.0, 4.0)
    scored(store, "bob", "test.ipynb", "q-num", "7", 0.0, 4.0)  # latest attempt counts
    scored(store, "carol", "lesson.md", "q-single", 42, 0.0, 1.0, status="invalid")
    scored(store, "carol", "test.ipynb", "q-graded", False, 0.0, 1.0)
    scored(store, "dave", "test.ipynb", "q-graded", True, 1.0, 1.0)
    scored(store, "dave", "test.ipynb", "q-num", "3", None, 4.0, status="pending")
    return store


def statements(store: SqlAnswerStore, course_dir: Path | None) -> list[dict[str, Any]]:
    courses = read_courses(course_dir) if course_dir else None
    data: list[dict[str, Any]] = json.loads(export(store, "xapi", site_url=SITE, courses=courses))
    return data


def test_csv_export_parses_back(store: SqlAnswerStore) -> None:
    store.record(answer(response=["a", "c"], score=0.5, correct=False))
    store.record(
        answer(response='Søk, ja; "sitat"\nny linje', score=None, correct=None, status="pending")
    )
    rows = list(csv.DictReader(io.StringIO(export(store, "csv"))))
    stored = list(store.answers())
    assert len(rows) == len(stored) == 2
    for row, kept in zip(rows, stored, strict=True):
        assert json.loads(row["response"]) == kept.response
        assert row["score"] == ("" if kept.score is None else str(kept.score))
        assert row["correct"] == {None: "", True: "true", False: "false"}[kept.correct]
        assert row["learner"] == kept.learner and int(row["attempt"]) == kept.attempt
        assert row["timestamp"].endswith("Z") and row["idempotency_key"] == kept.idempotency_key


def test_jsonl_export_parses_back(store: SqlAnswerStore) -> None:
    store.record(answer(response={"rating": 5, "comment": "Nyttig"}, score=None, correct=None))
    store.record(answer(course="other"))
    lines = export(store, "jsonl").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["response"] for r in records] == [{"rating": 5, "comment": "Nyttig"}, "b"]
    assert records[0]["score"] is None and records[1]["correct"] is True
    only = [json.loads(line) for line in export(store, "jsonl", course="other").splitlines()]
    assert [r["course"] for r in only] == ["other"]


def test_every_xapi_statement_validates(scenario: SqlAnswerStore, course_dir: Path) -> None:
    check = validator()
    found = statements(scenario, course_dir) + statements(scenario, None)
    assert found
    for statement in found:
        errors = [e.message for e in check.iter_errors(statement)]
        assert not errors, (errors, statement)
        if score := statement.get("result", {}).get("score"):
            assert score["min"] <= score["raw"] <= score["max"]
            assert score["scaled"] == pytest.approx(score["raw"] / score["max"])


def test_xapi_milestones(scenario: SqlAnswerStore, course_dir: Path) -> None:
    found = statements(scenario, course_dir)
    names = {scenario.pseudonym(u): u for u in ("alice", "bob", "carol", "dave")}
    seen = Counter(
        (
            names[s["actor"]["account"]["name"]],
            s["verb"]["display"]["en-US"],
            s["object"]["id"].removeprefix(f"{SITE}/courses/demo"),
        )
        for s in found
        if s["verb"]["display"]["en-US"] != "answered"
    )
    assert seen == Counter(
        {
            ("alice", "experienced", "/lesson.md"): 1,
            ("alice", "completed", "/lesson.md"): 1,
            ("alice", "completed", "/test.ipynb"): 1,
            ("alice", "passed", ""): 1,
            ("bob", "completed", "/test.ipynb"): 1,
            ("bob", "failed", ""): 1,
            ("dave", "completed", "/test.ipynb"): 1,  # answered, though not graded yet
        }
    )
    [failed] = [s for s in found if s["verb"]["display"]["en-US"] == "failed"]
    assert failed["result"] == {
        "score": {"scaled": 0.2, "raw": 1.0, "min": 0.0, "max": 5.0},
        "success": False,
        "completion": True,
    }
    assert failed["object"]["definition"]["name"] == {"nb": "Demokurs"}


def test_xapi_answered_statements(scenario: SqlAnswerStore, course_dir: Path) -> None:
    found = [
        s for s in statements(scenario, course_dir) if s["verb"]["display"]["en-US"] == "answered"
    ]
    assert len(found) == len(list(scenario.answers()))
    first = found[0]
    assert first["actor"] == {
        "objectType": "Agent",
        "account": {"homePage": SITE, "name": scenario.pseudonym("alice")},
    }
    assert first["verb"]["id"] == "http://adlnet.gov/expapi/verbs/answered"
    assert first["object"]["id"] == f"{SITE}/courses/demo/lesson.md#q-single"
    assert first["object"]["definition"]["interactionType"] == "choice"
    assert first["context"]["contextActivities"]["parent"][0]["id"] == f"{SITE}/courses/demo"
    assert first["context"]["language"] == "nb"
    assert first["result"]["success"] is True and first["result"]["response"] == "b"
    pending = found[-1]
    assert "score" not in pending["result"] and "success" not in pending["result"]
    assert [s["result"]["response"] for s in found[1:4]] == ["true", "3", "true"]


def test_xapi_ids_are_stable_and_unique(scenario: SqlAnswerStore, course_dir: Path) -> None:
    once, twice = statements(scenario, course_dir), statements(scenario, course_dir)
    assert [s["id"] for s in once] == [s["id"] for s in twice]
    assert len({s["id"] for s in once}) == len(once)


def test_xapi_language_from_a_map_without_courses(store: SqlAnswerStore) -> None:
    store.record(answer(response=["a", "c"]))
    [statement] = json.loads(export(store, "xapi", site_url=SITE, languages={"demo": "sv"}))
    assert statement["context"]["language"] == "sv"
    assert statement["result"]["response"] == "a[,]c"
    [plain] = json.loads(export(store, "xapi", site_url=SITE))
    assert "language" not in plain["context"]


def test_the_schema_refuses_e_mails_names_and_missing_parents(
    scenario: SqlAnswerStore, course_dir: Path
) -> None:
    check = validator()
    statement = statements(scenario, course_dir)[0]
    assert check.is_valid(statement)
    broken = [
        {**statement, "actor": {**statement["actor"], "mbox": "mailto:kari@example.org"}},
        {
            **statement,
            "actor": {"objectType": "Agent", "account": {"homePage": SITE, "name": "kari"}},
        },
        {**statement, "context": {"platform": "kurskit"}},
        {
            **statement,
            "result": {"response": "b", "score": {"scaled": 2, "raw": 2, "min": 0, "max": 1}},
        },
        {**statement, "timestamp": "2026-11-22T10:00:00+01:00"},
    ]
    for statement in broken:
        assert not check.is_valid(statement), statement


def test_an_unknown_format_is_refused(store: SqlAnswerStore) -> None:
    with pytest.raises(ValueError, match="unknown export format 'xml'"):
        export(store, "xml")


def test_read_courses_takes_a_folder_of_courses(course_dir: Path) -> None:
    courses = read_courses(course_dir.parent)
    assert list(courses) == ["demo"]
    demo = courses["demo"]
    assert (demo.language, demo.pass_threshold) == ("nb", 0.8)
    assert demo.module("test") is demo.module("test.ipynb") is not None
    assert set(demo.modules[1].questions) == {"q-graded", "q-num"}


def test_the_latest_attempt_counts_across_a_modules_editions() -> None:
    from kurskit.store.records import StoredAnswer, latest_attempts

    def stored(module: str, attempt: int, score: float) -> StoredAnswer:
        return StoredAnswer(
            "c", module, "q", "p-1", "a", score, 1.0, bool(score), "scored", f"k{attempt}",
            attempt=attempt,
        )  # fmt: skip

    answers = [stored("del/prov.md", 1, 0.0), stored("del/prov.ipynb", 2, 1.0)]
    answers += [stored("annen/prov.ipynb", 3, 0.0)]
    latest = latest_attempts(answers)
    assert latest[("del/prov", "q")].attempt == 2
    assert latest[("annen/prov", "q")].attempt == 3
