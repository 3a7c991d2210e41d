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
    parse_question,
)
from kurskit.course.scoring import score
from kurskit.store.records import SESSION_KEY_PREFIX

#: The words of a demo reflection, repeated to the length the question asks for.
REFLECTION = (
    "Jeg vil sjekke kilden før jeg deler noe, lese videre på andre nettsteder og spørre "
    "kolleger når jeg er usikker, og jeg vil vise lånerne hvordan de kan gjøre det samme."
)
#: Share of the staff who take each published course.
TAKERS = 0.75
#: Comments a demo learner may leave with a rating, by rating (1 … 5), in the course language.
COMMENTS = {
    1: "Vanskelig å følge.",
    2: "Litt for lite tid til oppgavene.",
    3: "Greit, men noe var uklart.",
    4: "Nyttig, med gode eksempler fra biblioteket.",
    5: "Veldig bra! Lærte mye jeg kan bruke i skranken.",
}
#: Questions of the bundled course planted to be bad, so the course report has items to flag:
#: too easy, too hard, a coin toss that does not tell strong from weak learners, one whose
#: strong learners pick a wrong option (it discriminates negatively), and one with an option
#: nobody picks.
PLANTED: dict[str, str] = {
    "prove-vertikal": "easy",
    "prove-reklamemerking": "hard",
    "prove-frase": "flat",
    "prove-ki-referanser": "negative",
    "prove-innsnevre": "unpicked",
}
#: Share of a cohort that joins its start webinar and answers the first module's questions live.
WEBINAR_SHARE = 0.5


@dataclass(frozen=True)
class Taker:
    """One demo learner taking a course: pseudonym, ability (about −2 … 2), when they start,
    their cohort, and the live session they join (None: self-study only)."""

    learner: str
    ability: float
    start: dt.datetime
    cohort: str = ""
    session: str | None = None


def attempt_rows(
    loaded: LoadedCourse, takers: Sequence[Taker], rng: np.random.Generator
) -> Iterator[dict[str, Any]]:
    """Every taker's answers to the course's questions until they stop, scored by `score` as the
    widgets and the service score them. A taker answers right with a chance that grows with
    their ability; a wrong answer to a practice question is often tried again; weaker takers
    stop earlier; the last module ends with course feedback. Code exercises and graded
    reflections get the score grading writes back to the store (`kurskit grade` does that
    from nbgrader's gradebook). A taker with a session answers the first module live in it."""
    course = loaded.course
    assert course is not None
    questions = loaded.questions()
    first_module = questions[0][0] if questions else ""
    for taker in takers:
        when = taker.start
        stops_at = _stop(taker, len(course.modules), rng)
        files = [m.file for m in course.modules]
        for position, (module, spec) in enumerate(questions):
            index = files.index(module)
            if index > stops_at or (index == stops_at and rng.random() < 0.5):
                break
            when += dt.timedelta(minutes=float(rng.uniform(0.5, 4)))
            live = taker.session is not None and module == first_module
            yield from _answers(course.slug, module, spec, position, taker, when, live, rng)


#: The quick poll each start webinar opens first (typed on the spot by the instructor).
QUICK_POLL = {
    "type": "poll",
    "prompt": "Hvor ofte hjelper du lånere med å vurdere en kilde?",
    "options": ["Hver dag", "Hver uke", "Sjeldnere", "Aldri"],
}


def quick_poll_rows(
    slug: str, module: str, takers: Sequence[Taker], rng: np.random.Generator
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Each session's quick poll (its spec, by id, as the hub keeps it) and the answers of the
    takers who joined it."""
    specs: dict[str, dict[str, Any]] = {}
    rows = []
    for taker in takers:
        if taker.session is None:
            continue
        question = f"{taker.session}-quick-1"
        data = specs.setdefault(question, {"id": question, **QUICK_POLL})
        spec = parse_question(data)
        assert isinstance(spec, Poll)
        option = str(rng.choice(spec.option_ids, p=[0.2, 0.45, 0.3, 0.05]))
        result = score(spec, option)
        rows.append(
            {
                "course": slug,
                "module": module,
                "question_id": question,
                "learner": taker.learner,
                "attempt": 1,
                "response": json.dumps(option),
                "score": result.score,
                "max_score": result.max,
                "correct": result.correct,
                "status": result.status,
                "timestamp": taker.start,
                "idempotency_key": f"{taker.learner}/{SESSION_KEY_PREFIX}{taker.session}:0:"
                f"demo/{question}",
                "period": None,
            }
        )
    return specs, rows


def _stop(taker: Taker, modules: int, rng: np.random.Generator) -> int:
    """The module a taker stops in (`modules`: they finish): weaker takers stop sooner."""
    hazard = 0.06 + 0.05 * max(0.0, -taker.ability)
    for module in range(modules):
        if rng.random() < hazard:
            return module
    return modules


def _answers(
    slug: str,
    module: str,
    spec: QuestionBase,
    position: int,
    taker: Taker,
    when: dt.datetime,
    live: bool,
    rng: np.random.Generator,
) -> Iterator[dict[str, Any]]:
    """One taker's attempts at one question."""
    base = {"course": slug, "module": module, "question_id": spec.id, "learner": taker.learner}
    prefix = f"{taker.learner}/{SESSION_KEY_PREFIX}{taker.session}:{position + 1}:" if live else ""
    # A code exercise is not stored when run (its tests run in the learner's kernel); only
    # its grade is, once written back.
    attempts = 0 if isinstance(spec, CodeExercise) else spec.attempts or 3
    attempt = 0
    for attempt in range(1, attempts + 1):
        right = rng.random() < _chance(taker.ability, position, spec)
        response = _response(spec, right, taker, rng)
        result = score(spec, response)
        if result.status == "invalid":  # the service would refuse it: never stored
            continue
        key = f"demo/{taker.learner}/{slug}/{spec.id}/{attempt}"
        yield {
            **base,
            "attempt": attempt,
            "response": json.dumps(response, ensure_ascii=False),
            "score": result.score,
            "max_score": result.max,
            "correct": result.correct,
            "status": result.status,
            "timestamp": when + dt.timedelta(seconds=30 * attempt),
            "idempotency_key": prefix + key if attempt == 1 else key,
            "period": None,
        }
        if spec.graded or result.correct is not False or rng.random() < 0.4:
            break  # graded questions are answered once; most retry a wrong practice
    if spec.graded and isinstance(spec, CodeExercise | Reflection):
        # What `kurskit grade` writes back once nbgrader (or a person) has graded it.
        share = float(np.clip(_chance(taker.ability, position, spec) + rng.normal(0, 0.1), 0, 1))
        points = float(round(share * spec.points))
        yield {
            **base,
            "attempt": attempt + 1,
            "response": json.dumps({"graded_by": "nbgrader"}),
            "score": points,
            "max_score": spec.points,
            "correct": points >= spec.points,
            "status": "scored",
            "timestamp": when + dt.timedelta(days=7),
            "idempotency_key": f"demo/{taker.learner}/{slug}/{spec.id}/graded",
            "period": None,
        }


def _chance(ability: float, position: int, spec: QuestionBase) -> float:
    """The chance of a right answer: a logistic curve of ability minus the item's difficulty
    (later questions a little harder; the assessment comes after practice), or a planted
    item's own."""
    planted = PLANTED.get(spec.id)
    if planted == "easy":
        return 0.97
    if planted == "hard":
        return 0.08
    if planted == "flat":
        return 0.55
    if planted == "negative":
        return float(1 / (1 + np.exp(1.2 * ability + 0.2)))
    difficulty = -2.0 + 0.02 * position if spec.graded else -0.8 + 0.05 * position
    return float(1 / (1 + np.exp(-(1.4 * ability - difficulty))))


def _response(spec: QuestionBase, right: bool, taker: Taker, rng: np.random.Generator) -> Any:
    """A response of the question's own shape: the key when `right`, else a plausible error."""
    if isinstance(spec, SingleChoice):
        wrong = [o for o in spec.option_ids if o != spec.answer] or spec.option_ids
        if PLANTED.get(spec.id) == "negative" and rng.random() < 0.8:
            wrong = wrong[:1]  # the tempting wrong answer strong learners fall for
        elif PLANTED.get(spec.id) == "unpicked" and len(wrong) > 1:
            wrong = wrong[:-1]  # the last wrong option: nobody picks it
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
