"""`kurskit store`: where, export, forget and release, through the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kurskit.cli import app
from kurskit.store.sql import SqlAnswerStore
from tests.test_store.helpers import answer

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def filled(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> SqlAnswerStore:
    """The configured store (via KURSKIT_STORE_URL) with two learners' answers."""
    monkeypatch.setenv("KURSKIT_STORE_URL", sqlite_url)
    monkeypatch.setenv("KURSKIT_SITE_URL", "https://kurs.example.org/")
    store = SqlAnswerStore.open(sqlite_url)
    for user in ("kari", "ola"):
        store.record(
            answer(
                learner=store.pseudonym(user),
                course="kildekritikk",
                module="01-informasjonssok.md",
                question_id="sok-ovelse-og",
            )
        )
    store.record(answer(learner=store.pseudonym("kari"), course="other"))
    return store


def test_where_prints_the_configured_url(filled: SqlAnswerStore, sqlite_url: str) -> None:
    result = runner.invoke(app, ["store", "where"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == sqlite_url
    assert "KURSKIT_STORE_URL" in result.stderr


def test_export_csv_to_stdout_and_one_course(filled: SqlAnswerStore) -> None:
    result = runner.invoke(app, ["store", "export", "--course", "kildekritikk"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["learner"] for r in rows] == [filled.pseudonym("kari"), filled.pseudonym("ola")]
    assert "2 answer(s) exported" in result.stderr


def test_export_xapi_to_a_file_with_courses(filled: SqlAnswerStore, tmp_path: Path) -> None:
    out = tmp_path / "statements.json"
    result = runner.invoke(
        app,
        [
            "store",
            "export",
            "--format",
            "xapi",
            "--courses",
            str(ROOT / "courses"),
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    statements = json.loads(out.read_text("utf-8"))
    assert len(statements) == 3 + 2  # three answers; kari and ola opened a lesson
    first = statements[0]
    assert first["object"]["id"] == (
        "https://kurs.example.org/courses/kildekritikk/01-informasjonssok.md#sok-ovelse-og"
    )
    assert first["context"]["language"] == "nb"
    assert {s["verb"]["display"]["en-US"] for s in statements} == {"answered", "experienced"}


def test_export_refuses_an_unknown_format(filled: SqlAnswerStore) -> None:
    result = runner.invoke(app, ["store", "export", "--format", "xml"])
    assert result.exit_code == 2 and "use csv, jsonl, xapi" in result.output


def test_forget_says_what_it_deleted(filled: SqlAnswerStore) -> None:
    kari = filled.pseudonym("kari")
    result = runner.invoke(app, ["store", "forget", "kari"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"Deleted 2 answer(s) of {kari}."
    again = runner.invoke(app, ["store", "forget", kari])
    assert again.stdout.strip() == f"Nothing is kept about {kari}."
    assert {a.learner for a in filled.answers()} == {filled.pseudonym("ola")}


def test_release_feedback(filled: SqlAnswerStore) -> None:
    result = runner.invoke(app, ["store", "release", "kildekritikk", "04-prove.md"])
    assert result.exit_code == 0 and "released" in result.stdout
    assert filled.feedback_released(course="kildekritikk", module="04-prove.md")


def test_an_unreachable_store_is_an_error_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KURSKIT_STORE_URL", "postgresql://kurskit@127.0.0.1:1/kurs")
    result = runner.invoke(app, ["store", "export"])
    assert result.exit_code == 1
    assert "cannot open the answer store postgresql+psycopg://kurskit@127.0.0.1:1/kurs" in (
        result.stderr
    )
