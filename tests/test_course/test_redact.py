"""Graded questions reach learners without their answer key."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from kurskit.course import learner_view, parse_question
from kurskit.course.questions import QUESTION_TYPES
from kurskit.course.redact import parse_learner_cell
from kurskit.course.shuffle import shuffled

SECRET = "SECRET-KEY-TEXT"

GRADED_SPECS = [
    {"type": "single_choice", "options": ["A", {"text": "B", "feedback": SECRET}], "answer": "b"},
    {
        "type": "multiple_choice",
        "options": ["A", {"text": "B", "feedback": SECRET}],
        "answer": ["b"],
    },
    {"type": "true_false", "answer": True, "feedback": {"correct": SECRET}},
    {"type": "numeric", "answer": 4242.5, "tolerance": 0.25},
    {"type": "short_text", "accept": [SECRET]},
    {"type": "ordering", "items": ["første", "andre", "tredje", "fjerde"]},
    {"type": "reflection", "feedback": {"correct": SECRET}},
    {
        "type": "code",
        "solution": f"x = '{SECRET}'",
        "tests": "assert x",
        "hidden_tests": f"assert x == '{SECRET}'",
    },
]


def test_graded_views_hold_no_key() -> None:
    for raw in GRADED_SPECS:
        spec = parse_question({"id": "q", "prompt": "?", "graded": True, **raw})
        view = learner_view(spec)
        text = json.dumps(view, ensure_ascii=False)
        assert SECRET not in text, raw["type"]
        assert "answer" not in view and "solution" not in view and "hidden_tests" not in view
        assert "4242" not in text and "0.25" not in text
        assert view["prompt"] == "?" and view["graded"] is True


def test_graded_ordering_is_shuffled_and_ids_do_not_reveal_the_order() -> None:
    items = ["første", "andre", "tredje", "fjerde"]
    spec = parse_question(
        {"id": "q", "type": "ordering", "prompt": "?", "graded": True, "items": items}
    )
    view = learner_view(spec)
    # The site's keyed order (kurskit.course.shuffle), not one anyone can recompute from the id
    assert [item["text"] for item in view["items"]] == shuffled(items, question_id="q")
    ids = [item["id"] for item in view["items"]]
    assert sorted(ids) != spec.answer  # type: ignore[attr-defined]
    assert learner_view(spec) == view  # the same order every time


def test_code_exercises_never_show_solution_or_hidden_tests() -> None:
    raw = GRADED_SPECS[-1]
    spec = parse_question({"id": "q", "prompt": "?", **raw})  # practice
    view = learner_view(spec)
    assert SECRET not in json.dumps(view) and view["tests"] == "assert x"
    assert parse_learner_cell(view) == (view, None)  # accepted, nothing to score it with


def test_learner_cells_accept_views_and_refuse_what_is_broken() -> None:
    for raw in GRADED_SPECS:
        view = learner_view(parse_question({"id": "q", "prompt": "?", "graded": True, **raw}))
        shown, _ = parse_learner_cell(view)
        assert SECRET not in json.dumps(shown), raw["type"]
    practice = {"id": "q", "type": "single_choice", "prompt": "?", "options": ["A", "B"]}
    with pytest.raises(ValidationError):
        parse_learner_cell(practice)  # a practice question without its answer is a mistake


def test_practice_views_keep_the_key_for_checking_in_place() -> None:
    spec = parse_question(
        {"id": "q", "type": "single_choice", "prompt": "?", "options": ["A", "B"], "answer": "a"}
    )
    assert learner_view(spec)["answer"] == "a"


def test_every_type_declares_its_key_fields() -> None:
    for kind, model in QUESTION_TYPES.items():
        for name in model.answer_key_fields:
            assert name.split(".")[0] in model.model_fields, (kind, name)
