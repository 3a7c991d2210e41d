"""An nbgrader course root opened the way nbgrader opens it: its config, folders and gradebook."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from nbgrader.api import Gradebook, MissingEntry
from nbgrader.coursedir import CourseDirectory
from sqlalchemy.exc import SAWarning
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from kurskit.course.loading import LoadedCourse, load_course
from kurskit.course.model import COURSE_FILE
from kurskit.grading.generate import CONFIG_FILE


@dataclass(frozen=True)
class NbgraderCourse:
    """A course root with nbgrader's settings read from its nbgrader_config.py."""

    root: Path
    config: Config
    folders: CourseDirectory

    @property
    def db_url(self) -> str:
        return str(self.folders.db_url)

    @property
    def course_id(self) -> str:
        return str(self.folders.course_id)

    def folder(self, step: str, student: str, assignment: str) -> Path:
        """nbgrader's folder for a step ('source', 'release', 'submitted', 'autograded', …)."""
        directory = getattr(self.folders, f"{step}_directory")
        return Path(self.folders.format_path(directory, student, assignment))


def open_course(root: Path) -> NbgraderCourse:
    """Read a course root's nbgrader_config.py; ValueError when it has none."""
    if not (root / CONFIG_FILE).is_file():
        raise ValueError(
            f"{root} is not an nbgrader course root; run `kurskit grade generate COURSE` first"
        )
    config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
    folders = CourseDirectory(config=config)
    folders.root = str(root.resolve())
    return NbgraderCourse(root.resolve(), config, folders)


def require_gradable(root: Path, assignment: str) -> None:
    """ValueError unless the assignment is in the course root's gradebook and its learner
    version (nbgrader's release folder) is there: grading compares every submission with it,
    and without it would score every learner 0. Only reads the gradebook."""
    course = open_course(root)
    with Gradebook(course.db_url, course.course_id) as gradebook:
        try:
            gradebook.find_assignment(assignment)
        except MissingEntry:
            raise ValueError(
                f"{assignment} is not in the gradebook of {course.course_id}; run "
                f"`kurskit grade generate` and `kurskit grade release` first"
            ) from None
    released = course.folder("release", ".", assignment)
    if not released.is_dir():
        raise ValueError(
            f"{assignment} has no learner version: {released} is missing. Run "
            f"`kurskit grade generate` (or `nbgrader generate_assignment {assignment}`) first; "
            "nothing was graded"
        )


@contextlib.contextmanager
def quiet_submission_warnings() -> Iterator[None]:
    """Hide the SAWarnings nbgrader's `Gradebook.add_submission` sets off, and only those.

    nbgrader builds a submission's rows before adding them to its session; SQLAlchemy 2 no
    longer cascades them in through the relationships, and its autoflush warns about each,
    while nbgrader adds and commits them a moment later. Harmless, nbgrader's own code (plain
    `nbgrader autograde` logs them too), and not for kurskit's users to act on."""
    with warnings.catch_warnings():
        warnings.filterwarnings(
            "ignore",
            message=r"Object of type <Submitted(Assignment|Notebook)> not in session, add "
            r"operation along '\w+\.submissions' will not proceed",
            category=SAWarning,
            module=r"nbgrader\.api",
        )
        yield


@dataclass
class NamedCourse:
    """The course a grading command names: its nbgrader course root, and its kurskit course
    folder when it has one (an nbgrader course kurskit did not make has none)."""

    root: Path
    folder: Path | None
    _loaded: LoadedCourse | None = field(default=None, repr=False)

    def course(self) -> LoadedCourse:
        """The kurskit course, loaded; ValueError when there is none or it has errors."""
        if self.folder is None:
            raise ValueError(
                f"{self.root} has no kurskit course folder ({COURSE_FILE}); name the course "
                "folder, e.g. courses/kildekritikk"
            )
        if self._loaded is None:
            self._loaded = load_course(self.folder)
        errors = [str(p) for p in self._loaded.problems if p.severity == "error"]
        if errors or self._loaded.course is None:
            raise ValueError(
                f"the course has errors (see `kurskit check {self.folder}`):\n" + "\n".join(errors)
            )
        return self._loaded


def find_course(course: str | Path, *, grading_dir: Path, courses_dir: Path) -> NamedCourse:
    """What a grading command's COURSE names, in one of three forms: a course folder (holding
    course.yml; its root is `grading_dir/<slug>`), an nbgrader course root (holding
    nbgrader_config.py), or a slug (the root `grading_dir/<slug>`, the folder
    `courses_dir/<slug>`). ValueError when it is none of these."""
    path = Path(course)
    if (path / COURSE_FILE).is_file():
        named = NamedCourse(Path(grading_dir), path)
        loaded = named.course()
        assert loaded.course is not None
        named.root = Path(grading_dir) / loaded.course.slug
        return named
    is_root = (path / CONFIG_FILE).is_file()
    slug = path.resolve().name if is_root else str(course)
    folder = Path(courses_dir) / slug
    found = folder if (folder / COURSE_FILE).is_file() else None
    root = path if is_root else Path(grading_dir) / slug
    if is_root or found is not None or (root / CONFIG_FILE).is_file():
        return NamedCourse(root, found)
    raise ValueError(
        f"no course {course!r}: not a course folder ({COURSE_FILE}) or an nbgrader course root "
        f"({CONFIG_FILE}), and as a slug neither {folder} nor {root} is there"
    )
