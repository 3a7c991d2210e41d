"""The learner's view of a question: graded questions lose their answer key and its hints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from kurskit.course.questions import QUESTION_TYPES, QuestionBase, parse_question
from kurskit.course.shuffle import shuffled

#: Fields no learner ever gets, practice or graded: a code exercise's model solution and its
#: hidden tests (which run only in the grader).
NEVER_SHOWN = frozenset({"solution", "hidden_tests"})


def learner_view(spec: QuestionBase, *, hide_key: bool | None = None) -> dict[str, Any]:
    """The spec as plain data safe to send to a learner.

    With `hide_key` (the default for graded questions) every field in `answer_key_fields` is
    dropped, per-option feedback included, and ordering items are shuffled, because their
    written order is the answer (see `kurskit.course.shuffle`). Live widgets hide the key of
    every question, since the kernel checks answers; the static book and the learner edition
    keep practice keys to check them where the learner is. `NEVER_SHOWN` fields are dropped
    from every view.
    """
    data = spec.model_dump(mode="json")
    for name in NEVER_SHOWN:
        data.pop(name, None)
    if not (spec.graded if hide_key is None else hide_key):
        return data
    for name in spec.answer_key_fields:
        owner, _, inner = name.partition(".")
        if not inner:
            data.pop(owner, None)
        elif inner == "order":
            data[owner] = shuffled(data[owner], question_id=spec.id)
        else:
            for entry in data.get(owner, []):
                entry.pop(inner, None)
    return data


def withheld_fields(data: Any) -> frozenset[str]:
    """The top-level fields a learner's copy of this (raw) question may lack: `NEVER_SHOWN`,
    and the answer key of a graded question."""
    model = QUESTION_TYPES.get(str(data.get("type"))) if isinstance(data, dict) else None
    if model is None:
        return frozenset()
    withheld = NEVER_SHOWN & set(model.model_fields)
    if data.get("graded") is True:
        withheld |= {name.partition(".")[0] for name in model.answer_key_fields}
    return frozenset(withheld)


def parse_learner_cell(
    data: Any, *, folder: Path | None = None
) -> tuple[dict[str, Any], QuestionBase | None]:
    """A question cell as a learner's kernel sees it: (view without key, full spec or None).

    Source notebooks hold full specs. Released notebooks and the learner edition hold learner
    views (see `learner_view`): graded questions without their key, code exercises without
    solution and hidden tests; those are accepted here, with no spec, since their answers are
    scored elsewhere. A learner edition cell names only its question's id: its view is read
    from the cell's metadata in the notebooks in `folder` (default: the working directory,
    where Jupyter starts the notebook's kernel; see `kurskit.course.spec_metadata`).
    Anything else invalid raises pydantic.ValidationError.
    """
    if isinstance(data, dict) and set(data) == {"id"}:
        from kurskit.course.spec_metadata import find_spec

        data = find_spec(str(data["id"]), folder)
    try:
        spec = parse_question(data)
    except ValidationError as error:
        if not _only_withheld_missing(data, error):
            raise
        return dict(data), None
    return learner_view(spec, hide_key=True), spec


def _only_withheld_missing(data: Any, error: ValidationError) -> bool:
    withheld = withheld_fields(data)
    return bool(withheld) and all(
        detail["type"] == "missing" and len(detail["loc"]) == 2 and detail["loc"][1] in withheld
        for detail in error.errors()
    )
