"""An nbgrader course root opened the way nbgrader opens it: its config, folders and gradebook."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from nbgrader.coursedir import CourseDirectory
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

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
