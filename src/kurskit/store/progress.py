"""What answers show beyond themselves: modules completed, lessons opened, courses passed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from kurskit.course.loading import LoadedCourse, find_course_folders, load_course
from kurskit.course.scoring import passes
from kurskit.store.records import StoredAnswer, latest_attempts


@dataclass(frozen=True)
class QuestionFacts:
    """What the export needs to know about one question of a course."""

    id: str
    type: str
    prompt: str
    graded: bool


@dataclass(frozen=True)
class ModuleFacts:
    """One module of a course, with its questions."""

    file: str
    title: str
    kind: str
    questions: dict[str, QuestionFacts] = field(default_factory=dict)

    @property
    def name(self) -> str:
        """The module file without its suffix, as answers may name it too."""
        return Path(self.file).stem


@dataclass(frozen=True)
class CourseFacts:
    """One course as the export sees it: title, language, pass threshold, modules."""

    slug: str
    title: str
    language: str
    pass_threshold: float
    modules: tuple[ModuleFacts, ...]

    def module(self, name: str) -> ModuleFacts | None:
        """The module an answer's `module` names: its file (`04-prove.md`), its stem, or the
        file of a learner's copy (`04-prove.ipynb`, released or from the learner edition)."""
        stem = Path(name).stem
        return next((m for m in self.modules if name == m.file or stem == m.name), None)


def read_courses(courses_dir: Path) -> dict[str, CourseFacts]:
    """Every valid course under `courses_dir` (a course folder or a folder of them), by slug."""
    facts: dict[str, CourseFacts] = {}
    for folder in find_course_folders(Path(courses_dir)):
        found = course_facts(load_course(folder))
        if found is not None:
            facts[found.slug] = found
    return facts


def course_facts(loaded: LoadedCourse) -> CourseFacts | None:
    """What progress needs to know of a loaded course (None when it has no valid model)."""
    if loaded.course is None:
        return None
    course = loaded.course
    modules = []
    for module in course.modules:
        notebook = loaded.notebooks.get(module.file)
        specs = notebook.specs if notebook is not None else []
        modules.append(
            ModuleFacts(
                file=module.file,
                title=module.title,
                kind=str(module.kind),
                questions={s.id: QuestionFacts(s.id, s.type, s.prompt, s.graded) for s in specs},
            )
        )
    return CourseFacts(
        slug=course.slug,
        title=course.title,
        language=course.language,
        pass_threshold=course.threshold,
        modules=tuple(modules),
    )


@dataclass(frozen=True)
class Milestone:
    """Something a learner reached, with the answers that show it.

    `completed`: every question of a module answered. `experienced`: a lesson module
    opened, shown by an answer in it. `passed`/`failed`: every graded question of the
    course's assessment modules has a final score; `score` and `max_score` add up the
    latest attempts.
    """

    verb: Literal["completed", "experienced", "passed", "failed"]
    course: str
    module: str | None  # None for passed and failed, which are about the course
    learner: str
    timestamp: dt.datetime
    evidence: tuple[str, ...]  # idempotency keys of the answers that show it
    score: float | None = None
    max_score: float | None = None


def milestones(
    answers: Iterable[StoredAnswer], courses: Mapping[str, CourseFacts]
) -> list[Milestone]:
    """Every milestone the answers show for the given courses, oldest first."""
    by_learner: dict[tuple[str, str], list[StoredAnswer]] = {}
    for answer in answers:
        if answer.course in courses and answer.status != "invalid":
            by_learner.setdefault((answer.course, answer.learner), []).append(answer)
    found: list[Milestone] = []
    for (slug, learner), given in by_learner.items():
        course = courses[slug]
        found.extend(_module_milestones(course, learner, given))
        if (result := _course_result(course, learner, given)) is not None:
            found.append(result)
    return sorted(found, key=lambda m: (m.timestamp, m.verb, m.course, m.module or ""))


def _module_milestones(
    course: CourseFacts, learner: str, answers: list[StoredAnswer]
) -> Iterable[Milestone]:
    first: dict[tuple[str, str], StoredAnswer] = {}  # (module file, question) -> first answer
    for answer in answers:
        module = course.module(answer.module)
        if module is None or answer.question_id not in module.questions:
            continue
        key = (module.file, answer.question_id)
        if key not in first or answer.timestamp < first[key].timestamp:
            first[key] = answer
    for module in course.modules:
        opened = [a for (file, _), a in first.items() if file == module.file]
        if not opened:
            continue
        if module.kind == "lesson":
            earliest = min(opened, key=lambda a: a.timestamp)
            yield Milestone(
                "experienced",
                course.slug,
                module.file,
                learner,
                earliest.timestamp,
                (earliest.idempotency_key,),
            )
        if len(opened) == len(module.questions):
            yield Milestone(
                "completed",
                course.slug,
                module.file,
                learner,
                max(a.timestamp for a in opened),
                tuple(sorted(a.idempotency_key for a in opened)),
            )


def _course_result(
    course: CourseFacts, learner: str, answers: list[StoredAnswer]
) -> Milestone | None:
    graded = {
        (module.file, question.id)
        for module in course.modules
        if module.kind == "assessment"
        for question in module.questions.values()
        if question.graded
    }
    latest = {}
    for answer in latest_attempts(answers).values():
        module = course.module(answer.module)
        key = (module.file if module else answer.module, answer.question_id)
        if key in graded:
            latest[key] = answer
    final = [a for a in latest.values() if a.status == "scored" and a.score is not None]
    if not graded or len(final) < len(graded):
        return None  # something unanswered, or waiting to be graded by hand
    score = sum(a.score or 0.0 for a in final)
    max_score = sum(a.max_score for a in final)
    if max_score <= 0:
        return None
    passed = passes(score, max_score, course.pass_threshold)
    return Milestone(
        "passed" if passed else "failed",
        course.slug,
        None,
        learner,
        max(a.timestamp for a in final),
        tuple(sorted(a.idempotency_key for a in final)),
        score=score,
        max_score=max_score,
    )
