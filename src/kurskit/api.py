"""The public functions every front end (CLI, notebooks, services) calls; keyword-only."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

from kurskit.course.execute import DEFAULT_CELL_TIMEOUT, ExecutionSettings
from kurskit.course.loading import (
    NOTEBOOK_SUFFIXES,
    display,
    find_course_folders,
    load_course,
)
from kurskit.course.model import LANGUAGES
from kurskit.course.notebook import CourseNotebook, load_notebook
from kurskit.course.problems import Problem, has_errors

if TYPE_CHECKING:
    from kurskit.store.records import ForgetReport
    from kurskit.store.settings import StoreSettings

__all__ = [
    "DEFAULT_COURSES_DIR",
    "CheckReport",
    "check",
    "export_answers",
    "forget_learner",
    "new_course",
    "release_feedback",
    "schema",
    "store_settings",
]

DEFAULT_COURSES_DIR = Path("courses")

#: Called with (steps done, steps in all, what runs now) while notebooks execute.
ProgressCallback = Callable[[int, int, str], None]


@dataclass
class CheckReport:
    """What `check` found: the problems, and what it looked at."""

    problems: list[Problem] = field(default_factory=list)
    courses: list[str] = field(default_factory=list)
    notebooks: list[str] = field(default_factory=list)
    executed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def to_json(self) -> str:
        return json.dumps(
            {
                "ok": self.ok,
                "courses": self.courses,
                "notebooks": self.notebooks,
                "executed": self.executed,
                "errors": len(self.errors),
                "warnings": len(self.warnings),
                "problems": [p.as_dict() for p in self.problems],
            },
            ensure_ascii=False,
            indent=2,
        )


def check(
    paths: Sequence[Path] = (),
    *,
    execute: bool = False,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    today: dt.date | None = None,
    on_progress: ProgressCallback | None = None,
) -> CheckReport:
    """Validate courses and notebooks; with `execute`, also run every notebook in a fresh kernel.

    Each path may be a course folder, a folder of course folders (the default: `courses/`), a
    `course.yml`, a folder of loose notebooks (like the widget gallery), or a notebook file.
    """
    report = CheckReport()
    notebooks: list[CourseNotebook] = []
    for path in [Path(p) for p in paths] or [DEFAULT_COURSES_DIR]:
        if not path.exists():
            report.problems.append(Problem(display(path), None, "", "no such file or folder"))
            continue
        if path.is_file() and path.name == "course.yml":
            path = path.parent
        if path.is_dir() and (folders := find_course_folders(path)):
            for folder in folders:
                loaded = load_course(folder, today=today)
                report.courses.append(display(folder))
                report.problems.extend(loaded.problems)
                notebooks.extend(loaded.notebooks.values())
        else:
            loose = _loose_notebooks(path)
            if not loose:
                report.problems.append(
                    Problem(display(path), None, "", "no course.yml and no notebooks here")
                )
            for notebook in loose:
                report.problems.extend(notebook.problems + _duplicate_ids(notebook))
                notebooks.append(notebook)
    report.notebooks = [nb.display_path for nb in notebooks]
    if execute:
        _execute(notebooks, ExecutionSettings(cell_timeout=cell_timeout), report, on_progress)
    return report


def _loose_notebooks(path: Path) -> list[CourseNotebook]:
    if path.is_file():
        files = [path] if path.suffix in NOTEBOOK_SUFFIXES else []
    else:
        files = sorted(
            p
            for p in path.iterdir()
            if p.suffix in NOTEBOOK_SUFFIXES and p.is_file() and p.name.lower() != "readme.md"
        )
    return [load_notebook(file, display(file)) for file in files]


def _duplicate_ids(notebook: CourseNotebook) -> list[Problem]:
    seen: set[str] = set()
    problems = []
    for cell in notebook.questions:
        if cell.spec is None:
            continue
        if cell.spec.id in seen:
            problems.append(
                Problem(
                    notebook.display_path,
                    cell.line,
                    f"question {cell.spec.id}",
                    f"the id '{cell.spec.id}' is used twice; every question needs its own id",
                )
            )
        seen.add(cell.spec.id)
    return problems


def _execute(
    notebooks: list[CourseNotebook],
    settings: ExecutionSettings,
    report: CheckReport,
    on_progress: ProgressCallback | None,
) -> None:
    from kurskit.course.execute import check_code_solutions, execute_notebook

    runnable = [nb for nb in notebooks if nb.notebook is not None]
    for done, notebook in enumerate(runnable):
        if on_progress:
            on_progress(done, len(runnable), notebook.display_path)
        report.problems.extend(execute_notebook(notebook, settings))
        report.problems.extend(check_code_solutions(notebook, settings))
        report.executed.append(notebook.display_path)
    if on_progress:
        on_progress(len(runnable), len(runnable), "")


def new_course(
    slug: str,
    *,
    language: str = "nb",
    root: Path = DEFAULT_COURSES_DIR,
    title: str | None = None,
    today: dt.date | None = None,
) -> Path:
    """Scaffold a course folder that passes `check` as created; returns its path.

    Raises ValueError for a bad slug or language, FileExistsError if the folder exists.
    """
    from kurskit.course.scaffold import scaffold_course

    if language not in LANGUAGES:
        raise ValueError(f"unknown language '{language}'; use one of {', '.join(LANGUAGES)}")
    return scaffold_course(
        slug, language=language, root=Path(root), title=title, today=today or dt.date.today()
    )


def schema(*, format: Literal["json", "markdown"] = "json") -> str:
    """The JSON Schema of course files (with every question type), or its Markdown reference."""
    from kurskit.course.schema import course_schema, schema_markdown

    if format == "markdown":
        return schema_markdown()
    document: dict[str, Any] = course_schema()
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --- the answer store -------------------------------------------------------------------------


def store_settings(*, url: str | None = None) -> StoreSettings:
    """The resolved store settings: URL (and where it came from), site URL for xAPI ids.

    `url` overrides the environment and config files, as every store function's `url` does.
    """
    from kurskit.store.settings import load_settings

    settings = load_settings()
    if url:
        settings = settings.model_copy(update={"url": url, "url_source": "argument"})
    return settings


def export_answers(
    *,
    out: TextIO,
    format: Literal["csv", "jsonl", "xapi"] = "csv",
    course: str | None = None,
    courses_dir: Path | None = None,
    site_url: str | None = None,
    languages: dict[str, str] | None = None,
    url: str | None = None,
) -> int:
    """Write stored answers to `out` as CSV, JSON Lines or xAPI statements; returns the count.

    With `courses_dir` (a course folder or a folder of them) the xAPI export also says which
    modules each learner completed, which lessons they opened, and whether they passed the
    course, and names courses, modules and questions in the course language. `languages`
    maps course slugs to language tags for courses not in `courses_dir`.
    """
    from kurskit.store.export import export_answers as write_export
    from kurskit.store.progress import read_courses
    from kurskit.store.sql import open_store

    settings = store_settings(url=url)
    courses = read_courses(Path(courses_dir)) if courses_dir is not None else None
    store = open_store(settings.url)
    try:
        return write_export(
            store,
            out,
            format=format,
            course=course,
            site_url=site_url or settings.site_url,
            courses=courses,
            languages=languages,
        )
    finally:
        store.close()


def forget_learner(learner: str, *, url: str | None = None) -> ForgetReport:
    """Delete everything the store keeps about a learner (a user name or a pseudonym)."""
    from kurskit.store.sql import open_store

    store = open_store(store_settings(url=url).url)
    try:
        return store.forget(learner)
    finally:
        store.close()


def release_feedback(course: str, module: str, *, url: str | None = None) -> None:
    """Let learners see scores and correctness of a graded module (`module`: its file name)."""
    from kurskit.store.sql import open_store

    store = open_store(store_settings(url=url).url)
    try:
        store.release_feedback(course=course, module=module)
    finally:
        store.close()
