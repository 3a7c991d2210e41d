"""Answers and milestones as xAPI 1.0.3 statements (actor as account, ADL verbs)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from kurskit.course.scoring import share
from kurskit.store.progress import CourseFacts, Milestone
from kurskit.store.records import StoredAnswer

XAPI_VERSION = "1.0.3"
VERBS = {
    name: {"id": f"http://adlnet.gov/expapi/verbs/{name}", "display": {"en-US": name}}
    for name in ("answered", "completed", "experienced", "passed", "failed")
}
_ACTIVITY = "http://adlnet.gov/expapi/activities/"
INTERACTION = _ACTIVITY + "cmi.interaction"
COURSE = _ACTIVITY + "course"
#: ADL activity type of a module, by the module's kind in course.yml.
MODULE_TYPES = {
    "lesson": _ACTIVITY + "lesson",
    "assessment": _ACTIVITY + "assessment",
    "practice": _ACTIVITY + "module",
    "survey": _ACTIVITY + "module",
}
#: xAPI interactionType of each question type.
INTERACTION_TYPES = {
    "single_choice": "choice",
    "multiple_choice": "choice",
    "true_false": "true-false",
    "numeric": "numeric",
    "short_text": "fill-in",
    "ordering": "sequencing",
    "likert": "likert",
    "reflection": "long-fill-in",
    "poll": "choice",
    "feedback": "other",
    "code": "other",
}
#: Statement ids are UUIDs derived from what a statement is about, so exports repeat them.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://kurskit.invalid/xapi/statements")


def statement_id(*parts: str) -> str:
    """A UUID fixed by its parts (e.g. an answer's idempotency key)."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(parts)))


class StatementBuilder:
    """Makes statements for one site; `courses` and `languages` add names and languages."""

    def __init__(
        self,
        site_url: str,
        *,
        courses: Mapping[str, CourseFacts] | None = None,
        languages: Mapping[str, str] | None = None,
    ) -> None:
        self.site = site_url.rstrip("/")
        self.courses = dict(courses or {})
        self.languages = {slug: c.language for slug, c in self.courses.items()}
        self.languages.update(languages or {})

    # --- ids ------------------------------------------------------------------------------

    def course_iri(self, course: str) -> str:
        return f"{self.site}/courses/{quote(course, safe='')}"

    def module_iri(self, course: str, module: str) -> str:
        return f"{self.course_iri(course)}/{quote(module, safe='')}"

    def question_iri(self, course: str, module: str, question_id: str) -> str:
        return f"{self.module_iri(course, module)}#{quote(question_id, safe='')}"

    # --- statements -----------------------------------------------------------------------

    def answered(self, answer: StoredAnswer) -> dict[str, Any]:
        """The `answered` statement of one stored answer."""
        result: dict[str, Any] = {"response": response_text(answer.response)}
        if answer.score is not None and answer.status != "pending" and answer.max_score > 0:
            result["score"] = _score(answer.score, answer.max_score)
        if answer.correct is not None:
            result["success"] = answer.correct
        result["extensions"] = {f"{self.site}/xapi/extensions/attempt": answer.attempt}
        context = self._context(answer.course)
        context["contextActivities"]["grouping"] = [
            self._activity(self.module_iri(answer.course, answer.module))
        ]
        return {
            "id": statement_id("answered", answer.idempotency_key),
            "actor": self._actor(answer.learner),
            "verb": VERBS["answered"],
            "object": self._question(answer),
            "result": result,
            "context": context,
            "timestamp": _iso(answer),
            "version": XAPI_VERSION,
        }

    def milestone(self, milestone: Milestone) -> dict[str, Any]:
        """The statement of a module completed, a lesson experienced, a course passed or failed."""
        statement: dict[str, Any] = {
            "id": statement_id(milestone.verb, milestone.course, *milestone.evidence),
            "actor": self._actor(milestone.learner),
            "verb": VERBS[milestone.verb],
        }
        if milestone.module is None:  # passed or failed: the course itself
            assert milestone.score is not None and milestone.max_score is not None
            statement["object"] = self._course(milestone.course)
            statement["result"] = {
                "score": _score(milestone.score, milestone.max_score),
                "success": milestone.verb == "passed",
                "completion": True,
            }
            context = self._context(milestone.course, parent=False)
        else:
            statement["object"] = self._module(milestone.course, milestone.module)
            if milestone.verb == "completed":
                statement["result"] = {"completion": True}
            context = self._context(milestone.course)
        if context:
            statement["context"] = context
        statement["timestamp"] = milestone.timestamp.isoformat(timespec="milliseconds").replace(
            "+00:00", "Z"
        )
        statement["version"] = XAPI_VERSION
        return statement

    # --- parts ----------------------------------------------------------------------------

    def _actor(self, learner: str) -> dict[str, Any]:
        return {"objectType": "Agent", "account": {"homePage": self.site, "name": learner}}

    def _context(self, course: str, *, parent: bool = True) -> dict[str, Any]:
        context: dict[str, Any] = {"platform": "kurskit"}
        if parent:
            context["contextActivities"] = {"parent": [self._course(course)]}
        if language := self.languages.get(course):
            context["language"] = language
        return context

    def _activity(self, iri: str, definition: dict[str, Any] | None = None) -> dict[str, Any]:
        activity: dict[str, Any] = {"objectType": "Activity", "id": iri}
        if definition:
            activity["definition"] = definition
        return activity

    def _names(self, course: str, text: str) -> dict[str, str]:
        return {self.languages.get(course) or "und": text}

    def _course(self, course: str) -> dict[str, Any]:
        definition: dict[str, Any] = {"type": COURSE}
        if facts := self.courses.get(course):
            definition["name"] = self._names(course, facts.title)
        return self._activity(self.course_iri(course), definition)

    def _module(self, course: str, module: str) -> dict[str, Any]:
        facts = self.courses.get(course)
        found = facts.module(module) if facts else None
        kind_type = MODULE_TYPES.get(found.kind) if found else None
        definition: dict[str, Any] = {"type": kind_type or _ACTIVITY + "module"}
        if found:
            definition["name"] = self._names(course, found.title)
        return self._activity(self.module_iri(course, module), definition)

    def _question(self, answer: StoredAnswer) -> dict[str, Any]:
        definition: dict[str, Any] = {"type": INTERACTION}
        facts = self.courses.get(answer.course)
        module = facts.module(answer.module) if facts else None
        question = module.questions.get(answer.question_id) if module else None
        if question is not None:
            definition["name"] = self._names(answer.course, question.id)
            definition["description"] = self._names(answer.course, question.prompt)
            definition["interactionType"] = INTERACTION_TYPES.get(question.type, "other")
        iri = self.question_iri(answer.course, answer.module, answer.question_id)
        return self._activity(iri, definition)


def response_text(response: Any) -> str:
    """A response as xAPI wants it, a string: choices joined by `[,]` as cmi.interaction does."""
    if isinstance(response, str):
        return response
    if isinstance(response, bool):
        return "true" if response else "false"
    if isinstance(response, int | float):
        return str(response)
    if isinstance(response, list) and all(isinstance(item, str) for item in response):
        return "[,]".join(response)
    return json.dumps(response, ensure_ascii=False, sort_keys=True)


def _score(raw: float, max_score: float) -> dict[str, float]:
    scaled = share(raw, max_score)
    score = {"raw": raw, "min": 0.0, "max": max_score}
    return score if scaled is None else {"scaled": round(scaled, 6), **score}


def _iso(answer: StoredAnswer) -> str:
    return answer.timestamp.isoformat(timespec="milliseconds").replace("+00:00", "Z")
