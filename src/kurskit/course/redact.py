"""The learner's view of a question: graded questions lose their answer key and its hints."""

from __future__ import annotations

import hashlib
import random
from typing import Any

from pydantic import ValidationError

from kurskit.course.questions import QUESTION_TYPES, QuestionBase, parse_question


def learner_view(spec: QuestionBase, *, hide_key: bool | None = None) -> dict[str, Any]:
    """The spec as plain data safe to send to a learner.

    With `hide_key` (the default for graded questions) every field in `answer_key_fields` is
    dropped, per-option feedback included, and ordering items are shuffled, because their
    written order is the answer. Live widgets hide the key of every question, since the
    kernel checks answers; the static book keeps practice keys to check in the browser.
    """
    data = spec.model_dump(mode="json")
    if not (spec.graded if hide_key is None else hide_key):
        return data
    for name in spec.answer_key_fields:
        owner, _, inner = name.partition(".")
        if not inner:
            data.pop(owner, None)
        elif inner == "order":
            data[owner] = shuffled(data[owner], seed=spec.id)
        else:
            for entry in data.get(owner, []):
                entry.pop(inner, None)
    return data


def shuffled(items: list[Any], *, seed: str) -> list[Any]:
    """The items in an order fixed by `seed` and never the given one (for two or more items)."""
    if len(items) < 2:
        return list(items)
    rng = random.Random(hashlib.sha256(seed.encode()).digest())
    order = list(items)
    while order == items:
        rng.shuffle(order)
    return order


def parse_learner_cell(data: Any) -> tuple[dict[str, Any], QuestionBase | None]:
    """A question cell as a learner's kernel sees it: (view without key, full spec or None).

    Source notebooks hold full specs. Released notebooks hold graded questions without their
    key (see `learner_view`); those are accepted here, with no spec, since graded answers are
    scored by the grader. Anything else invalid raises pydantic.ValidationError.
    """
    try:
        spec = parse_question(data)
    except ValidationError as error:
        if not _redacted_graded(data, error):
            raise
        return dict(data), None
    return learner_view(spec, hide_key=True), spec


def _redacted_graded(data: Any, error: ValidationError) -> bool:
    if not (isinstance(data, dict) and data.get("graded") is True):
        return False
    model = QUESTION_TYPES.get(str(data.get("type")))
    if model is None:
        return False
    key_fields = {name.partition(".")[0] for name in model.answer_key_fields}
    return all(
        detail["type"] == "missing" and len(detail["loc"]) == 2 and detail["loc"][1] in key_fields
        for detail in error.errors()
    )
