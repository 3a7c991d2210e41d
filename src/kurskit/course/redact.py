"""The learner's view of a question: graded questions lose their answer key and its hints."""

from __future__ import annotations

import hashlib
import random
from typing import Any

from kurskit.course.questions import QuestionBase


def learner_view(spec: QuestionBase) -> dict[str, Any]:
    """The spec as plain data safe to send to a learner.

    Practice questions keep their key (they are checked where the learner is); graded
    questions drop every field in `answer_key_fields`, per-option feedback included, and list
    ordering items shuffled, because their written order is the answer.
    """
    data = spec.model_dump(mode="json")
    if not spec.graded:
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
