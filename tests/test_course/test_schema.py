"""The JSON Schema of course files is generated from the model and matches the docs."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import yaml

from kurskit import api
from kurskit.course.questions import QUESTION_TYPES

ROOT = Path(__file__).resolve().parents[2]


def test_schema_is_a_valid_json_schema_listing_every_question_type() -> None:
    schema = json.loads(api.schema())
    jsonschema.Draft202012Validator.check_schema(schema)
    question = schema["$defs"]["Question"]
    assert set(question["discriminator"]["mapping"]) == set(QUESTION_TYPES)
    assert len(question["oneOf"]) == len(QUESTION_TYPES)


def test_bundled_course_files_validate_against_the_schema() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(api.schema()))
    files = sorted((ROOT / "courses").glob("*/course.yml"))
    assert files
    for file in files:
        data = yaml.safe_load(file.read_text("utf-8"))
        data = json.loads(json.dumps(data, default=str))  # dates as ISO text, as in the file
        errors = list(validator.iter_errors(data))
        assert not errors, (file, [e.message for e in errors])


def test_schema_rejects_what_the_model_rejects() -> None:
    validator = jsonschema.Draft202012Validator(json.loads(api.schema()))
    assert not validator.is_valid({"slug": "x", "language": "de"})
    question = json.loads(api.schema())
    question_validator = jsonschema.Draft202012Validator(
        {**question["$defs"]["Question"], "$defs": question["$defs"]}
    )
    assert question_validator.is_valid(
        {"id": "q1", "type": "true_false", "prompt": "Ja?", "answer": True}
    )
    assert not question_validator.is_valid({"id": "q1", "type": "essay", "prompt": "?"})


def test_reference_docs_are_generated_from_the_schema() -> None:
    committed = (ROOT / "docs/reference/course-file.md").read_text("utf-8")
    assert committed == api.schema(format="markdown"), "run: make schema-docs"
    for type_name in QUESTION_TYPES:
        assert f"### `{type_name}`" in committed
