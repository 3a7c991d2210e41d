"""Export stored answers as CSV, JSON Lines or xAPI statements."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping
from typing import Literal, TextIO

from kurskit.store.progress import CourseFacts, milestones
from kurskit.store.records import ANSWER_COLUMNS, AnswerStore, StoredAnswer, answer_record
from kurskit.store.xapi import StatementBuilder

ExportFormat = Literal["csv", "jsonl", "xapi"]
FORMATS: tuple[ExportFormat, ...] = ("csv", "jsonl", "xapi")


def export_answers(
    store: AnswerStore,
    out: TextIO,
    *,
    format: ExportFormat = "csv",
    course: str | None = None,
    site_url: str = "http://localhost",
    courses: Mapping[str, CourseFacts] | None = None,
    languages: Mapping[str, str] | None = None,
) -> int:
    """Write the store's answers (of one course, or all) to `out`; returns records written.

    csv and jsonl have one record per stored answer. xapi is a JSON array of statements,
    ready to POST to a learning record store: `answered` for every answer, and, for the
    courses in `courses`, `experienced`, `completed`, `passed` and `failed`.
    """
    answers = store.answers(course=course)
    if format == "csv":
        return _csv(answers, out)
    if format == "jsonl":
        return _jsonl(answers, out)
    if format == "xapi":
        builder = StatementBuilder(site_url, courses=courses, languages=languages)
        return _xapi(list(answers), builder, courses or {}, out)
    raise ValueError(f"unknown export format '{format}'; use one of {', '.join(FORMATS)}")


def _csv(answers: Iterable[StoredAnswer], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=ANSWER_COLUMNS, lineterminator="\n")
    writer.writeheader()
    count = 0
    for answer in answers:
        record = answer_record(answer)
        record["response"] = json.dumps(answer.response, ensure_ascii=False)
        record["correct"] = "" if answer.correct is None else str(answer.correct).lower()
        record["score"] = "" if answer.score is None else answer.score
        writer.writerow(record)
        count += 1
    return count


def _jsonl(answers: Iterable[StoredAnswer], out: TextIO) -> int:
    count = 0
    for answer in answers:
        out.write(json.dumps(answer_record(answer), ensure_ascii=False) + "\n")
        count += 1
    return count


def _xapi(
    answers: list[StoredAnswer],
    builder: StatementBuilder,
    courses: Mapping[str, CourseFacts],
    out: TextIO,
) -> int:
    statements = [builder.answered(answer) for answer in answers]
    statements += [builder.milestone(m) for m in milestones(answers, courses)]
    out.write("[\n")
    for index, statement in enumerate(statements):
        comma = "," if index < len(statements) - 1 else ""
        out.write(json.dumps(statement, ensure_ascii=False) + comma + "\n")
    out.write("]\n")
    return len(statements)
