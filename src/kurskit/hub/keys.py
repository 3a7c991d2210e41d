"""The answer keys the answers service scores with: every question of the course sources, which
only the service (never a learner's server) can read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kurskit.course.loading import find_course_folders, load_course
from kurskit.course.model import Course
from kurskit.course.questions import QuestionBase
from kurskit.store.progress import CourseFacts, course_facts


@dataclass(frozen=True)
class KeyedQuestion:
    """A question with its key, and the module file of the course source it is in."""

    module: str
    spec: QuestionBase


@dataclass
class AnswerKeys:
    """(course slug, question id) → the question with its key, from the course sources."""

    questions: dict[tuple[str, str], KeyedQuestion] = field(default_factory=dict)
    modules: dict[str, set[str]] = field(default_factory=dict)  # slug → module files
    languages: dict[str, str] = field(default_factory=dict)  # slug → course language
    #: slug → the course and what progress needs of it (for the session agenda).
    courses: dict[str, tuple[Course, CourseFacts]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @classmethod
    def read(cls, courses_dir: Path) -> AnswerKeys:
        """Read every course under `courses_dir`; a course with errors is left out and named."""
        keys = cls()
        for folder in find_course_folders(courses_dir):
            loaded = load_course(folder)
            if not loaded.ok or loaded.course is None:
                keys.problems.append(f"{folder}: has errors (run `kurskit check {folder}`)")
                continue
            slug = loaded.course.slug
            facts = course_facts(loaded)
            assert facts is not None
            keys.courses[slug] = (loaded.course, facts)
            keys.modules[slug] = {module.file for module in loaded.course.modules}
            keys.languages[slug] = loaded.course.language
            for module, spec in loaded.questions():
                keys.questions[(slug, spec.id)] = KeyedQuestion(module, spec)
        return keys

    def question(self, course: str, question_id: str) -> KeyedQuestion | None:
        """The question, or None when the course has no such question."""
        return self.questions.get((course, question_id))

    def of_course(self, course: str) -> list[KeyedQuestion]:
        """The questions of a course source, in their order."""
        return [question for (slug, _), question in self.questions.items() if slug == course]

    def of_module(self, course: str, module: str) -> list[KeyedQuestion]:
        """The questions of one module of a course source, in their order."""
        return [question for question in self.of_course(course) if question.module == module]

    def add(self, course: str, question: KeyedQuestion) -> None:
        """Keep one more question (a quick poll typed in a session)."""
        self.questions[(course, question.spec.id)] = question

    def module(self, course: str, name: str) -> str | None:
        """A course's module file named by a learner's copy (`04-prove.ipynb` → `04-prove.md`,
        `del-2/intro.ipynb` → `del-2/intro.md`; the folder counts, the suffix does not)."""
        wanted = Path(name).with_suffix("")
        modules = sorted(self.modules.get(course, ()))
        return next((m for m in modules if Path(m).with_suffix("") == wanted), None)
