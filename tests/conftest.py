"""Shared fixtures: small course folders built from short text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import nbformat
import pytest

from tests.factories import COURSE_YML, GRADED_TF, LESSON_MD, CourseFactory, ipynb_with


@pytest.fixture
def make_course(tmp_path: Path) -> CourseFactory:
    """Write a course folder `demo` (valid by default); pass text to replace any file."""

    def make(
        course_yml: str = COURSE_YML,
        files: dict[str, str | nbformat.NotebookNode] | None = None,
        slug: str = "demo",
    ) -> Path:
        folder = tmp_path / slug
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "course.yml").write_text(course_yml, "utf-8")
        contents: dict[str, str | nbformat.NotebookNode] = {
            "lesson.md": LESSON_MD,
            "test.ipynb": ipynb_with(GRADED_TF),
        }
        contents.update(files or {})
        for name, content in contents.items():
            if isinstance(content, str):
                (folder / name).write_text(content, "utf-8")
            else:
                nbformat.write(content, folder / name)
        return folder

    return make


@pytest.fixture
def today() -> dt.date:
    return dt.date(2026, 11, 22)
