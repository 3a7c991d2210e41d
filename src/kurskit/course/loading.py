"""Load a course folder (course.yml and its notebooks) and find every problem in it."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from kurskit.course.model import COURSE_FILE, Course, ModuleKind
from kurskit.course.notebook import CourseNotebook, load_notebook
from kurskit.course.problems import (
    Problem,
    field_name,
    has_errors,
    location,
    problems_from_validation,
    sorted_problems,
)
from kurskit.course.questions import Poll, Question
from kurskit.course.yamlsource import LocatedYaml, YamlSyntaxError, load_located
from kurskit.course.yamlsource import Path as YamlPath

NOTEBOOK_SUFFIXES = (".ipynb", ".md")


@dataclass
class LoadedCourse:
    """A course as read from disk: the model (when valid), its notebooks, and what is wrong."""

    folder: Path
    course: Course | None
    notebooks: dict[str, CourseNotebook] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not has_errors(self.problems)

    def questions(self) -> list[tuple[str, Question]]:
        """Every valid question spec as (module file, spec), in course order."""
        return [(file, spec) for file, nb in self.notebooks.items() for spec in nb.specs]


def display(path: Path) -> str:
    """A path as the user should read it: relative to the working directory when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


#: Courses, course files and notebooks read before, by path: (the identity of the file, or of
#: every file in the course folder, when read; what was read). Someone loading the same courses
#: again and again (the book's watch loop) passes one dict to every `load_course`, and only
#: what changed since is read again. Treat what it holds as read-only.
ReadCache = dict[Path, tuple[object, Any]]
_Read = TypeVar("_Read")


def load_course(
    folder: Path, *, today: dt.date | None = None, notebooks: ReadCache | None = None
) -> LoadedCourse:
    """Read `folder/course.yml` and every module notebook; never raises for bad content.

    With `notebooks`, a course whose folder has the same files, unchanged, on the same day is
    not loaded again, and of a course that changed only the changed files are read again."""
    folder = Path(folder)
    today = today or dt.date.today()
    if notebooks is None:
        return _load_course(folder, today, None)
    identity = (today, _folder_identity(folder))
    known = notebooks.get(folder)
    if known is None or known[0] != identity:
        known = notebooks[folder] = (identity, _load_course(folder, today, notebooks))
    loaded: LoadedCourse = known[1]
    return loaded


def load_courses(
    folders: list[Path], *, notebooks: ReadCache | None = None, workers: int = 1
) -> list[LoadedCourse]:
    """`load_course` of each folder, in order.

    Loading is parsing (notebooks, question specs) and nothing else, so with `workers` > 1
    and no course loaded before (a first build), the folders are shared out between this
    process and `workers` - 1 forked ones, as Sphinx shares out pages in a parallel build;
    the courses come back pickled, and go into `notebooks` with each file read."""
    import multiprocessing

    today = dt.date.today()
    known = notebooks is not None and any(folder in notebooks for folder in folders)
    few = workers < 2 or len(folders) < 2 * workers
    if few or known or "fork" not in multiprocessing.get_all_start_methods():  # not on Windows
        return [load_course(folder, today=today, notebooks=notebooks) for folder in folders]
    from concurrent.futures import ProcessPoolExecutor

    shares = [folders[start::workers] for start in range(workers)]
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(workers - 1, mp_context=context) as pool:
        theirs = [pool.submit(_load_share, share, today) for share in shares[1:]]
        read = _load_share(shares[0], today)
        for future in theirs:
            read.update(future.result())
    if notebooks is not None:
        notebooks.update(read)
    return [read[folder][1] for folder in folders]


def _load_share(folders: list[Path], today: dt.date) -> ReadCache:
    """The folders' courses and their files, as `load_course` keeps them in a `ReadCache`."""
    read: ReadCache = {}
    for folder in folders:
        load_course(folder, today=today, notebooks=read)
    return read


def _folder_identity(folder: Path) -> tuple[tuple[str, int, int, int], ...]:
    """Every file under `folder` with its inode, size and modification time."""
    found = []
    for parent, _dirs, files in os.walk(folder):
        for name in files:
            path = Path(parent) / name
            try:
                info = path.stat()
            except OSError:  # gone while we looked: the identity differs from the next look
                continue
            found.append((str(path), info.st_ino, info.st_size, info.st_mtime_ns))
    return tuple(sorted(found))


def _load_course(folder: Path, today: dt.date, notebooks: ReadCache | None) -> LoadedCourse:
    course_file = folder / COURSE_FILE
    shown = display(course_file)
    loaded = LoadedCourse(folder=folder, course=None)
    if not course_file.is_file():
        loaded.problems.append(Problem(shown, None, "", f"no {COURSE_FILE} in {display(folder)}"))
        return loaded
    try:
        source = _read_once(course_file, notebooks, _read_course_file)
    except YamlSyntaxError as error:
        loaded.problems.append(Problem(shown, error.line, "", str(error)))
        return loaded
    except UnicodeDecodeError:
        loaded.problems.append(Problem(shown, None, "", "the file is not UTF-8 text"))
        return loaded
    if not isinstance(source.data, dict):
        loaded.problems.append(Problem(shown, 1, "", "expected 'field: value' lines"))
        return loaded
    errors: tuple[YamlPath, ...] = ()
    try:
        loaded.course = Course.model_validate(source.data)
    except ValidationError as error:
        loaded.problems.extend(problems_from_validation(error, file=shown, source=source))
        errors = tuple(tuple(detail["loc"]) for detail in error.errors())
    valid = _ValidParts(source.data, errors)
    _check_course_facts(loaded, valid, source, shown, today)
    _load_listed_notebooks(loaded, source, shown, notebooks)
    _check_questions(loaded, valid, source, shown)
    _check_background(loaded, valid, source, shown)
    loaded.problems = sorted_problems(loaded.problems)
    return loaded


_DATE = TypeAdapter(dt.date)


@dataclass(frozen=True)
class _ValidParts:
    """course.yml as written, less each value that failed validation.

    The checks across fields and files read this rather than the model, which exists only when
    the whole file is valid: an error in one field must not hide the problems of the others.
    """

    data: dict[str, Any]
    errors: tuple[YamlPath, ...] = ()

    def text(self, *path: str | int) -> str | None:
        """The text at `path`; None when it is missing, not text, or on the way to an error."""
        if any(path[: len(error)] == error[: len(path)] for error in self.errors):
            return None
        value = self._at(path)
        return value if isinstance(value, str) else None

    def indices(self, *path: str | int) -> range:
        """The indices of the list at `path` (none when there is no list)."""
        value = self._at(path)
        return range(len(value) if isinstance(value, list) else 0)

    def _at(self, path: YamlPath) -> Any:
        value: Any = self.data
        for part in path:
            if isinstance(value, dict):
                value = value.get(part)
            elif isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value):
                value = value[part]
            else:
                return None
        return value

    def module_files(self) -> dict[int, str]:
        """The file of each module, by its index in `modules`."""
        files = {index: self.text("modules", index, "file") for index in self.indices("modules")}
        return {index: file for index, file in files.items() if file is not None}

    def review_by(self) -> dt.date | None:
        text = self.text("review_by")
        return None if text is None else _DATE.validate_python(text)


def _problem(
    source: LocatedYaml,
    shown: str,
    path: tuple[str | int, ...],
    message: str,
    severity: str = "error",
) -> Problem:
    return Problem(
        shown,
        source.line_of(path),
        field_name(path),
        message,
        "warning" if severity == "warning" else "error",
    )


def _check_course_facts(
    loaded: LoadedCourse, valid: _ValidParts, source: LocatedYaml, shown: str, today: dt.date
) -> None:
    add = loaded.problems.append
    slug = valid.text("slug")
    folder_name = loaded.folder.resolve().name
    if slug is not None and slug != folder_name:
        add(
            _problem(
                source,
                shown,
                ("slug",),
                f"the slug '{slug}' differs from the folder name '{folder_name}'; "
                "make them the same",
            )
        )
    logo = valid.text("certificate", "logo")
    if logo and not (loaded.folder / logo).is_file():
        add(_problem(source, shown, ("certificate", "logo"), f"the logo '{logo}' does not exist"))
    review_by = valid.review_by()
    if review_by is not None and review_by < today:
        add(
            _problem(
                source,
                shown,
                ("review_by",),
                f"the review date {review_by} has passed; review the content and set a new date",
                "warning",
            )
        )
    files = valid.module_files()
    seen: set[str] = set()
    for index, file in files.items():
        if file in seen:
            add(_problem(source, shown, ("modules", index, "file"), f"'{file}' is listed twice"))
        seen.add(file)
    listed = ", ".join(dict.fromkeys(files.values()))
    for s_index in valid.indices("sessions"):
        for key in ("pre_tasks", "post_tasks"):
            for t_index in valid.indices("sessions", s_index, key):
                task = valid.text("sessions", s_index, key, t_index)
                if task is not None and task not in seen:
                    path = ("sessions", s_index, key, t_index)
                    message = f"'{task}' is not one of the module files ({listed})"
                    add(_problem(source, shown, path, message))
    if (
        any(valid.text("modules", i, "kind") == ModuleKind.assessment for i in files)
        and source.data.get("pass_threshold") is None
    ):
        add(
            _problem(
                source,
                shown,
                ("pass_threshold",),
                "the course has an assessment module, so it needs a pass_threshold such as 0.8",
            )
        )


def _load_listed_notebooks(
    loaded: LoadedCourse, source: LocatedYaml, shown: str, cache: ReadCache | None
) -> None:
    modules = source.data.get("modules")
    if not isinstance(modules, list):
        return
    for index, module in enumerate(modules):
        file = module.get("file") if isinstance(module, dict) else None
        if not isinstance(file, str) or not file.endswith(NOTEBOOK_SUFFIXES):
            continue
        path = loaded.folder / file
        if not path.is_file():
            loaded.problems.append(
                _problem(
                    source,
                    shown,
                    ("modules", index, "file"),
                    f"the notebook '{file}' does not exist",
                )
            )
            continue
        notebook = _read_once(path, cache, load_notebook)
        loaded.notebooks[file] = notebook
        loaded.problems.extend(notebook.problems)
    listed = set(loaded.notebooks)
    for path in sorted(_notebook_files(loaded.folder)):
        relative = path.relative_to(loaded.folder).as_posix()
        if relative not in listed and not any(
            isinstance(m, dict) and m.get("file") == relative for m in modules
        ):
            loaded.problems.append(
                Problem(
                    display(path),
                    None,
                    "",
                    "this notebook is not listed in modules in "
                    f"{COURSE_FILE}, so learners never see it",
                    "warning",
                )
            )


def _read_course_file(path: Path, shown: str) -> LocatedYaml:
    return load_located(path.read_text("utf-8"))


def _read_once(path: Path, cache: ReadCache | None, read: Callable[[Path, str], _Read]) -> _Read:
    """`read(path, shown)`, or what it returned before if the file is unchanged since (with a
    cache). What raises is not kept."""
    shown = display(path)
    if cache is None:
        return read(path, shown)
    try:
        info = path.stat()
    except OSError:  # gone since it was listed: `read` reports it
        return read(path, shown)
    identity = (info.st_ino, info.st_size, info.st_mtime_ns, shown)
    known = cache.get(path)
    if known is None or known[0] != identity:
        known = cache[path] = (identity, read(path, shown))
    result: _Read = known[1]
    return result


def _notebook_files(folder: Path) -> Iterable[Path]:
    for path in folder.rglob("*"):
        hidden = any(part.startswith((".", "_")) for part in path.relative_to(folder).parts)
        if path.suffix in NOTEBOOK_SUFFIXES and path.is_file() and not hidden:
            if path.suffix == ".md" and path.name.lower() == "readme.md":
                continue
            yield path


def _check_questions(
    loaded: LoadedCourse, valid: _ValidParts, source: LocatedYaml, shown: str
) -> None:
    files = valid.module_files()
    once = dict.fromkeys(files.values())  # a file listed twice is reported as such, above
    loaded.problems.extend(
        duplicate_ids(loaded.notebooks[f] for f in once if f in loaded.notebooks)
    )
    for index, file in files.items():
        notebook = loaded.notebooks.get(file)
        if notebook is None or valid.text("modules", index, "kind") != ModuleKind.assessment:
            continue
        if not any(spec.graded for spec in notebook.specs):
            loaded.problems.append(
                _problem(
                    source,
                    shown,
                    ("modules", index, "kind"),
                    f"'{file}' is an assessment but has no question with graded: true",
                    "warning",
                )
            )


def _check_background(
    loaded: LoadedCourse, valid: _ValidParts, source: LocatedYaml, shown: str
) -> None:
    """Each background question of a survey is a single-choice poll of the course."""
    polls = {spec.id: spec for _, spec in loaded.questions() if isinstance(spec, Poll)}
    every = {spec.id for _, spec in loaded.questions()}
    survey = source.data.get("survey")
    background = survey.get("background") if isinstance(survey, dict) else None
    for name in background if isinstance(background, dict) else {}:
        question = valid.text("survey", "background", name)
        if question is None:
            continue
        if question not in every:
            message = f"no question of the course has the id '{question}'"
        elif question not in polls:
            message = f"'{question}' is not a poll; a background question is a poll"
        elif polls[question].multiple:
            message = f"'{question}' lets a learner pick several options; pick one"
        else:
            continue
        loaded.problems.append(_problem(source, shown, ("survey", "background", name), message))


def duplicate_ids(notebooks: Iterable[CourseNotebook]) -> list[Problem]:
    """An error for each question whose id an earlier question (in these notebooks) has."""
    first_seen: dict[str, str] = {}
    problems = []
    for notebook in notebooks:
        for cell in notebook.questions:
            if cell.spec is None:
                continue
            where = location(notebook.display_path, cell.line, cell.cell)
            if cell.spec.id not in first_seen:
                first_seen[cell.spec.id] = where
                continue
            problems.append(
                Problem(
                    notebook.display_path,
                    cell.line,
                    f"question {cell.spec.id}",
                    f"the id '{cell.spec.id}' is already used at {first_seen[cell.spec.id]}; "
                    "every question needs its own id",
                    cell=cell.cell,
                )
            )
    return problems


def find_course_folders(root: Path) -> list[Path]:
    """Course folders at or directly below `root` (those holding a course.yml)."""
    if (root / COURSE_FILE).is_file():
        return [root]
    return sorted(p.parent for p in root.glob(f"*/{COURSE_FILE}"))
