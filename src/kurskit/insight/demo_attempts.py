"""Synthetic attempts at the published courses, and their feedback, for the demo population."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from kurskit.course.loading import LoadedCourse
from kurskit.course.questions import (
    CodeExercise,
    CourseFeedback,
    Likert,
    MultipleChoice,
    Numeric,
    Ordering,
    Poll,
    QuestionBase,
    Reflection,
    ShortText,
    SingleChoice,
    TrueFalse,
)
from kurskit.course.scoring import score

#: The words of a demo reflection, repeated to the length the question asks for.
REFLECTION = (
    "Jeg vil sjekke kilden før jeg deler noe, lese videre på andre nettsteder og spørre "
    "kolleger når jeg er usikker, og jeg vil vise lånerne hvordan de kan gjøre det samme."
)
#: Share of the staff who take each published course.
TAKERS = 0.6
#: Comments a demo learner may leave with a rating, by rating (1 … 5), in the course language.
COMMENTS = {
    1: "Vanskelig å følge.",
    2: "Litt for lite tid til oppgavene.",
    3: "Greit, men noe var uklart.",
    4: "Nyttig, med gode eksempler fra biblioteket.",
    5: "Veldig bra! Lærte mye jeg kan bruke i skranken.",
}


@dataclass(frozen=True)
class Taker:
    """One demo learner taking a course: pseudonym, ability (about −2 … 2), when they start."""

    learner: str
    ability: float
    start: dt.datetime


def attempt_rows(
    loaded: LoadedCourse, takers: Sequence[Taker], rng: np.random.Generator
) -> Iterator[dict[str, Any]]:
    """Every taker's answers to every question of the course (code exercises are graded by
    nbgrader, not stored here), scored by `score` as the widgets and the service score them.
    A taker answers right with a chance that grows with their ability; a wrong answer to a
    practice question is often tried again; the last module ends with course feedback."""
    course = loaded.course
    assert course is not None
    questions = [(f, q) for f, q in loaded.questions() if not isinstance(q, CodeExercise)]
    for taker in takers:
        when = taker.start
        for position, (module, spec) in enumerate(questions):
            when += dt.timedelta(minutes=float(rng.uniform(0.5, 4)))
            attempts = spec.attempts or 3
            for attempt in range(1, attempts + 1):
                right = rng.random() < _chance(taker.ability, position, spec)
                response = _response(spec, right, taker, rng)
                result = score(spec, response)
                if result.status == "invalid":  # the service would refuse it: never stored
                    continue
                yield {
                    "course": course.slug,
                    "module": module,
                    "question_id": spec.id,
                    "learner": taker.learner,
                    "attempt": attempt,
                    "response": json.dumps(response, ensure_ascii=False),
                    "score": result.score,
                    "max_score": result.max,
                    "correct": result.correct,
                    "status": result.status,
                    "timestamp": when + dt.timedelta(seconds=30 * attempt),
                    "idempotency_key": f"demo/{taker.learner}/{course.slug}/{spec.id}/{attempt}",
                    "period": None,
                }
                if spec.graded or result.correct is not False or rng.random() < 0.4:
                    break  # graded questions are answered once; most retry a wrong practice


def _chance(ability: float, position: int, spec: QuestionBase) -> float:
    """The chance of a right answer: a logistic curve of ability minus the item's difficulty
    (later questions a little harder, graded ones harder still)."""
    difficulty = -0.8 + 0.05 * position + (0.5 if spec.graded else 0.0)
    return float(1 / (1 + np.exp(-(1.4 * ability - difficulty))))


def _response(spec: QuestionBase, right: bool, taker: Taker, rng: np.random.Generator) -> Any:
    """A response of the question's own shape: the key when `right`, else a plausible error."""
    if isinstance(spec, SingleChoice):
        wrong = [o for o in spec.option_ids if o != spec.answer] or spec.option_ids
        return spec.answer if right else str(rng.choice(wrong))
    if isinstance(spec, MultipleChoice):
        if right:
            return list(spec.answer)
        picked = [o for o in spec.option_ids if rng.random() < 0.5] or [spec.option_ids[0]]
        return picked if sorted(picked) != sorted(spec.answer) else spec.option_ids
    if isinstance(spec, TrueFalse):
        return spec.answer if right else not spec.answer
    if isinstance(spec, Numeric):
        return spec.answer if right else spec.answer + 10 * (spec.tolerance + 1)
    if isinstance(spec, ShortText):
        first = spec.accept[0]
        return (first if isinstance(first, str) else first.text) if right else "vet ikke"
    if isinstance(spec, Ordering):
        order = [item.id for item in spec.item_list]
        return order if right else list(reversed(order))
    if isinstance(spec, Likert):
        return int(np.clip(round(len(spec.scale) / 2 + taker.ability), 1, len(spec.scale)))
    if isinstance(spec, Reflection):
        words = REFLECTION.split()
        wanted = max(spec.min_words, 20) + int(rng.integers(0, 40))
        return " ".join(words[i % len(words)] for i in range(wanted))
    if isinstance(spec, Poll):
        option = str(rng.choice(spec.option_ids))
        return [option] if spec.multiple else option
    if isinstance(spec, CourseFeedback):
        rating = int(np.clip(round(3.6 + 0.6 * taker.ability + rng.normal(0, 0.8)), 1, spec.scale))
        comment = COMMENTS.get(rating, "") if spec.comment and rng.random() < 0.3 else ""
        return {"rating": rating, "comment": comment}
    raise ValueError(f"no demo response for a {type(spec).__name__} question")
