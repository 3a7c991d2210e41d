"""`kurskit check`: validate courses, loose notebooks and, on request, run them all."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from kurskit.course.accessibility import content_problems
from kurskit.course.execute import ExecutionSettings
from kurskit.course.limits import DEFAULT_CELL_TIMEOUT
from kurskit.course.loading import (
    NOTEBOOK_SUFFIXES,
    display,
    duplicate_ids,
    find_course_folders,
    load_course,
)
from kurskit.course.notebook import CourseNotebook, load_notebook
from kurskit.course.problems import Problem, has_errors, sorted_problems
from kurskit.course.yamlsource import load_plain
from kurskit.i18n import translate
from kurskit.languages import LANGUAGES
from kurskit.progress import ProgressCallback

#: The output type of a widget: a saved one has no model to show when the notebook reopens.
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


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


def check_paths(
    paths: Sequence[Path] = (),
    *,
    execute: bool = False,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    today: dt.date | None = None,
    strict: bool = False,
    on_progress: ProgressCallback | None = None,
) -> CheckReport:
    """Validate courses and notebooks; with `execute`, also run every notebook in a fresh kernel;
    with `strict`, every warning (e.g. about accessibility) counts as an error.

    Each path may be a course folder, a folder of course folders (the default: `courses/`), a
    `course.yml`, a folder of loose notebooks (like the widget gallery), or a notebook file.
    Every problem found is reported, sorted by file, (cell,) and line.
    """
    report = CheckReport()
    notebooks: list[CourseNotebook] = []
    for path in map(Path, paths):
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
                language = loaded.course.language if loaded.course else _language_of(folder)
                for notebook in loaded.notebooks.values():
                    report.problems.extend(authored_problems(notebook, language))
        else:
            loose = _loose_notebooks(path)
            if not loose:
                report.problems.append(
                    Problem(display(path), None, "", "no course.yml and no notebooks here")
                )
            for notebook in loose:
                report.problems.extend(notebook.problems + duplicate_ids([notebook]))
                report.problems.extend(authored_problems(notebook, None))
                notebooks.append(notebook)
    report.notebooks = [nb.display_path for nb in notebooks]
    if execute:
        _execute(notebooks, ExecutionSettings(cell_timeout=cell_timeout), report, on_progress)
    if strict:
        report.problems = [replace(p, severity="error") for p in report.problems]
    report.problems = sorted_problems(report.problems)
    return report


def _language_of(folder: Path) -> str | None:
    """The course's language as `course.yml` gives it, when the rest of the file has errors
    (so its text is still checked, in its language)."""
    try:
        data = load_plain((folder / "course.yml").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    language = data.get("language") if isinstance(data, dict) else None
    return language if language in LANGUAGES else None


def authored_problems(notebook: CourseNotebook, language: str | None) -> list[Problem]:
    """What the author should fix that the model cannot catch: accessibility of the prose, and
    widget outputs saved into an .ipynb (they show "Error displaying widget" when reopened)."""
    found = content_problems(notebook, language)
    if notebook.notebook is not None and notebook.path.suffix == ".ipynb":
        for number, cell in enumerate(notebook.notebook.cells, start=1):
            outputs = cell.get("outputs", []) if cell.cell_type == "code" else []
            if any(WIDGET_VIEW in output.get("data", {}) for output in outputs):
                message = translate("widget_outputs_stored", language or "en")
                found.append(
                    Problem(notebook.display_path, None, "outputs", message, "warning", number)
                )
    return found


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
